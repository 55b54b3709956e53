//! CSRF protection for API writes authenticated by the session cookie, as Coder's `httpmw.CSRF`
//! decides it: a browser attaches the cookie to cross-site requests by itself, so an unsafe
//! request (`POST`, `PUT`, `PATCH`, `DELETE`) carried by the cookie alone must repeat the
//! browser's `csrf_token` cookie in `X-CSRF-TOKEN`. Requests authenticated by a header, a bearer
//! token, a query token or daemon credentials are not affected (a foreign site cannot set those),
//! nor are the agent, proxy, SCIM and provisioner routes Coder exempts.
//!
//! Responses to cookie-authenticated API requests set the `csrf_token` cookie when the browser
//! has none, and carry the token in `X-CSRF-Token` (readable by same-origin scripts only).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::HttpResponse;

use crate::auth::{SESSION_COOKIE, SESSION_HEADER};
use crate::error::Response;

/// The cookie holding the browser's CSRF token (nosurf's name, as Coder uses it).
pub const CSRF_COOKIE: &str = "csrf_token";
/// The header an unsafe cookie-authenticated request repeats it in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Coder's exemptions (`httpmw.CSRF`), matched as route templates segment by segment: a
/// substring test would exempt any organization or user whose name contains the fixed part.
fn exempt_path(path: &str) -> bool {
    if !path.starts_with("/api/") || path == "/api/v2/users/first" || path == "/api/v2/csp/reports" {
        return true;
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["api", "v2", "workspaceagents", _, ..] => true,
        ["api", "v2", "workspaceproxies", "me", _, ..] => true,
        ["api", "v2", "scim", ..] => true,
        ["api", "v2", "organizations", org, "provisionerdaemons", ..] => !org.is_empty(),
        _ => false,
    }
}

fn header<'a>(req: &'a ServiceRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok()).filter(|v| !v.is_empty())
}

/// Whether the request's credentials come from somewhere a foreign site cannot set.
fn not_cookie_only(req: &ServiceRequest, cookie: &str) -> bool {
    if header(req, SESSION_HEADER) == Some(cookie) {
        return true;
    }
    let query_token =
        url::form_urlencoded::parse(req.query_string().as_bytes()).find(|(k, _)| k == SESSION_COOKIE).map(|(_, v)| v.into_owned());
    if query_token.as_deref() == Some(cookie) {
        return true;
    }
    if header(req, "coder-provisioner-daemon-psk").is_some() || header(req, "coder-provisioner-daemon-key").is_some() {
        return true;
    }
    header(req, "authorization").is_some_and(|a| a.len() > 7 && a[..7].eq_ignore_ascii_case("bearer "))
}

fn refuse(message: &str) -> HttpResponse {
    HttpResponse::build(StatusCode::BAD_REQUEST).json(Response { message: message.into(), detail: String::new(), validations: Vec::new() })
}

/// Checks unsafe cookie-authenticated API requests and hands out the token.
pub async fn csrf(req: ServiceRequest, next: Next<impl MessageBody + 'static>) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let path = req.path().to_string();
    let session = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string()).filter(|v| !v.is_empty());
    let (Some(session), false) = (session, exempt_path(&path)) else {
        return next.call(req).await.map(|r| r.map_into_boxed_body());
    };
    let existing = req.cookie(CSRF_COOKIE).map(|c| c.value().to_string()).filter(|v| v.len() == 32);
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE);
    if unsafe_method && !not_cookie_only(&req, &session) {
        if let Some(h) = header(&req, SESSION_HEADER) {
            if h != session {
                let res = refuse("CSRF error encountered. Authentication via \"coder_session_token\" cookie and \"Coder-Session-Token\" header detected, but the values do not match. To resolve this issue ensure the values used in both match, or only use one of the authentication methods. You can also try clearing your cookies if this error persists.");
                return Ok(req.into_response(res));
            }
        }
        let sent = header(&req, CSRF_HEADER).unwrap_or("");
        let valid =
            existing.as_deref().is_some_and(|c| !sent.is_empty() && domain::secret::secret_matches(sent, &domain::secret::hash_secret(c)));
        if !valid {
            let res = refuse(
                "Something is wrong with your CSRF token. Please refresh the page. If this error persists, try clearing your cookies.",
            );
            return Ok(req.into_response(res));
        }
    }
    // Whether the deployment is served over TLS comes from its access URL, never from a
    // forwarding header a client could set.
    let secure = req.app_data::<actix_web::web::Data<crate::state::State>>().is_some_and(|s| s.info.secure_cookie);
    let token = existing.clone().unwrap_or_else(|| domain::secret::random_alphanumeric(32));
    let mut res = next.call(req).await?.map_into_boxed_body();
    if existing.is_none() {
        let cookie = Cookie::build(CSRF_COOKIE, token.clone()).path("/").http_only(true).same_site(SameSite::Lax).secure(secure).finish();
        if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
            res.headers_mut().append(actix_web::http::header::SET_COOKIE, v);
        }
    }
    if let Ok(v) = HeaderValue::from_str(&token) {
        res.headers_mut().insert(HeaderName::from_static(CSRF_HEADER), v);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::exempt_path;

    #[test]
    fn exemptions_match_route_templates() {
        assert!(exempt_path("/api/v2/organizations/coder/provisionerdaemons/serve"));
        assert!(exempt_path("/api/v2/workspaceagents/me/rpc"));
        assert!(exempt_path("/api/v2/workspaceproxies/me/register"));
        assert!(exempt_path("/api/v2/scim/v2/Users"));
        assert!(exempt_path("/scim/v2/Users"));
        assert!(!exempt_path("/api/v2/organizations/provisionerdaemons-team/members/alice"));
        assert!(!exempt_path("/api/v2/organizations/provisionerdaemons/members/alice/roles"));
        assert!(!exempt_path("/api/v2/users/provisionerdaemons/keys/tokens"));
        assert!(!exempt_path("/api/v2/organizations//provisionerdaemons"));
        assert!(!exempt_path("/api/v2/workspaceproxies/me"));
        assert!(!exempt_path("/api/v2/users/me/workspaceagents/x"));
    }
}
