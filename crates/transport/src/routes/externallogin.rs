//! OIDC and GitHub login (`/users/oidc/callback` and `/users/oauth2/github/callback`, which both
//! start and complete their flow, as in Coder), GitHub's device flow, and the caller's stored
//! OIDC claims (`/users/oidc-claims`).

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::web::{self, ServiceConfig};
use actix_web::{get, HttpRequest, HttpResponse};
use domain::externallogin::login::Refusal;
use domain::Error;

use crate::auth::{session_cookie, Authed};
use crate::dto::{ExternalAuthDevice, GithubDeviceLogin, OidcClaimsResponse};
use crate::error::{ApiError, ApiResult, Response};
use crate::html;
use crate::state::{blocking_raw, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(oidc_callback).service(oidc_claims).service(github_callback).service(github_device);
}

const STATE_COOKIE: &str = "oauth_state";
const REDIRECT_COOKIE: &str = "oauth_redirect";
const PKCE_COOKIE: &str = "oauth_pkce_verifier";
const NONCE_COOKIE: &str = "oauth_nonce";

/// A flow cookie: HttpOnly, for the browser session, `SameSite=Lax` (the provider's redirect
/// back is a top-level navigation).
fn flow_cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(name, value).path("/").http_only(true).same_site(SameSite::Lax).secure(secure).finish()
}

fn clear(name: &'static str) -> Cookie<'static> {
    let mut c = Cookie::build(name, "").path("/").finish();
    c.make_removal();
    c
}

/// Only a path (and query) on this server: as Coder, the path and query of whatever was given.
fn sanitize_redirect(raw: &str) -> String {
    let parsed = url::Url::parse("http://placeholder.invalid").and_then(|base| base.join(raw));
    match parsed {
        Ok(u) => {
            let mut out = u.path().to_string();
            if let Some(q) = u.query() {
                out.push('?');
                out.push_str(q);
            }
            html::local_redirect(&out).map(str::to_string).unwrap_or_else(|| "/".into())
        }
        Err(_) => "/".into(),
    }
}

fn param(req: &HttpRequest, name: &str) -> Option<String> {
    crate::query::pairs(req).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// The provider reported an error instead of a code.
fn provider_error(req: &HttpRequest) -> Option<ApiError> {
    let error = param(req, "error")?;
    let mut detail = param(req, "error_description").unwrap_or_default();
    if let Some(uri) = param(req, "error_uri") {
        detail = if detail.is_empty() { format!("error_uri: {uri}") } else { format!("{detail}, error_uri: {uri}") };
    }
    Some(ApiError(Error::bad_request(format!("Encountered error in oidc process: {error}")).with_detail(detail)))
}

/// The returning half of a flow: `state` must equal its cookie (compared in constant time).
fn check_state(req: &HttpRequest) -> Result<(), ApiError> {
    let Some(given_state) = param(req, "state").filter(|s| !s.is_empty()) else {
        return Err(ApiError(Error::bad_request("State must be provided.")));
    };
    let Some(expected) = req.cookie(STATE_COOKIE) else {
        return Err(ApiError(Error::unauthorized(format!("Cookie {STATE_COOKIE:?} must be provided."))));
    };
    if !domain::secret::secret_matches(&given_state, &domain::secret::hash_secret(expected.value())) {
        return Err(ApiError(Error::unauthorized("State mismatched.")));
    }
    Ok(())
}

fn stored_redirect(req: &HttpRequest) -> String {
    req.cookie(REDIRECT_COOKIE).map(|c| sanitize_redirect(c.value())).filter(|r| !r.is_empty()).unwrap_or_else(|| "/".into())
}

/// The answer to a finished login: the session cookie, the flow cookies cleared, and a 307 to
/// `redirect` (or, for a device flow, 200 `{"redirect_url"}`); or the refusal.
fn finish(
    outcome: Result<domain::externallogin::login::LoginSession, Refusal>,
    redirect: String,
    secure: bool,
    device: bool,
) -> ApiResult<HttpResponse> {
    match outcome {
        Ok(session) => {
            let mut resp = if device { HttpResponse::Ok() } else { HttpResponse::TemporaryRedirect() };
            resp.cookie(session_cookie(&session.token, secure));
            for name in [STATE_COOKIE, REDIRECT_COOKIE, NONCE_COOKIE, PKCE_COOKIE] {
                resp.cookie(clear(name));
            }
            if device {
                Ok(resp.json(GithubDeviceLogin { redirect_url: redirect }))
            } else {
                Ok(resp.insert_header((header::LOCATION, redirect)).finish())
            }
        }
        Err(Refusal::Page { status, title, text }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN);
            Ok(html::error_page(status, &title, &text))
        }
        Err(Refusal::Api(e)) => Err(ApiError(e)),
    }
}

/// OpenID Connect Callback
///
/// Without `code`, starts the flow: sets the `oauth_state`, `oauth_redirect`, `oauth_nonce`
/// (and, with PKCE, `oauth_pkce_verifier`) cookies and redirects (307) to the provider. With
/// `code` and `state`, completes it: verifies the ID token, signs the user in (or up), applies
/// IdP sync, sets `coder_session_token` and redirects (307) to `redirect` (a local path only).
#[utoipa::path(
    operation_id = "openid-connect-callback",
    tag = "Users",
    security(()),
    params(
        ("code" = Option<String>, Query, description = "The provider's authorization code (absent to start the flow)"),
        ("state" = Option<String>, Query, description = "Must equal the `oauth_state` cookie"),
        ("redirect" = Option<String>, Query, description = "Where to go once signed in: a path on this server"),
        ("error" = Option<String>, Query, description = "An error the provider reported"),
    ),
    responses(
        (status = 307, description = "To the provider (start), or to `redirect` with the session cookie set (completion)"),
        (status = 400, description = "OIDC is not configured, the provider reported an error, or the ID token or claims are invalid", body = Response),
        (status = 401, description = "A missing or mismatched `state`", body = Response),
        (status = 403, description = "Refused: unverified email, unauthorized domain, signups off, suspended, wrong login type, already linked (HTML page)", content_type = "text/html", body = String),
        (status = 409, description = "No free username could be derived", body = Response),
    ),
)]
#[get("/api/v2/users/oidc/callback")]
pub async fn oidc_callback(state: web::Data<State>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let Some(provider) = state.oidc.clone() else {
        return Err(ApiError(Error::bad_request("The oauth2 method requested is not configured!")));
    };
    if let Some(e) = provider_error(&req) {
        return Err(e);
    }
    let secure = state.info.secure_cookie;
    let Some(code) = param(&req, "code") else {
        let flow_state = domain::secret::random_alphanumeric(32);
        let redirect = param(&req, "redirect").map(|r| sanitize_redirect(&r)).unwrap_or_default();
        let start = provider.start(&flow_state);
        let mut resp = HttpResponse::TemporaryRedirect();
        resp.insert_header((header::LOCATION, start.url))
            .cookie(flow_cookie(STATE_COOKIE, flow_state, secure))
            .cookie(flow_cookie(REDIRECT_COOKIE, redirect, secure))
            .cookie(flow_cookie(NONCE_COOKIE, start.nonce, secure));
        if let Some(v) = start.pkce_verifier {
            resp.cookie(flow_cookie(PKCE_COOKIE, v, secure));
        }
        return Ok(resp.finish());
    };
    check_state(&req)?;
    let Some(nonce) = req.cookie(NONCE_COOKIE).map(|c| c.value().to_string()) else {
        return Err(ApiError(Error::unauthorized(format!("Cookie {NONCE_COOKIE:?} must be provided."))));
    };
    let verifier = req.cookie(PKCE_COOKIE).map(|c| c.value().to_string());
    if provider.uses_pkce() && verifier.is_none() {
        return Err(ApiError(Error::bad_request("PKCE challenge must be provided.")));
    }
    let redirect = stored_redirect(&req);
    let outcome = blocking_raw(&state, move |app| {
        let identity = provider.complete(&code, verifier, &nonce).map_err(Refusal::Api)?;
        app.oidc_login(identity)
    })
    .await?;
    finish(outcome, redirect, secure, false)
}

/// OAuth 2.0 GitHub Callback
///
/// Without `code`, starts the web flow: sets the `oauth_state`, `oauth_redirect` and
/// `oauth_pkce_verifier` cookies and redirects (307) to GitHub. With `code` and `state`, completes
/// it and redirects (307) to `redirect` with the session cookie set. With the device flow on,
/// `code` is the device code being polled: 400 `authorization_pending` until the person approves,
/// then 200 `{"redirect_url"}` with the session cookie.
#[utoipa::path(
    operation_id = "oauth-20-github-callback",
    tag = "Users",
    security(()),
    params(
        ("code" = Option<String>, Query, description = "GitHub's code, or the device code (absent to start the flow)"),
        ("state" = Option<String>, Query, description = "Must equal the `oauth_state` cookie"),
        ("redirect" = Option<String>, Query, description = "Where to go once signed in: a path on this server"),
    ),
    responses(
        (status = 200, description = "Device flow: signed in", body = GithubDeviceLogin),
        (status = 307, description = "To GitHub (start), or to `redirect` with the session cookie set"),
        (status = 400, description = "GitHub is not configured, reported an error, the device is not approved yet (`authorization_pending`), or the primary email is not verified", body = Response),
        (status = 401, description = "A missing or mismatched `state`, or not a member of an allowed organization or team", content((Response = "application/json"), (String = "text/html"))),
        (status = 403, description = "Signups off, suspended, wrong login type (HTML page), or already linked", content((Response = "application/json"), (String = "text/html"))),
    ),
)]
#[get("/api/v2/users/oauth2/github/callback")]
pub async fn github_callback(state: web::Data<State>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let Some(provider) = state.github.clone() else {
        return Err(ApiError(Error::bad_request("The oauth2 method requested is not configured!")));
    };
    if let Some(e) = provider_error(&req) {
        return Err(e);
    }
    let secure = state.info.secure_cookie;
    let Some(code) = param(&req, "code") else {
        let flow_state = domain::secret::random_alphanumeric(32);
        let redirect = param(&req, "redirect").map(|r| sanitize_redirect(&r)).unwrap_or_default();
        let start = provider.start(&flow_state);
        let location = if provider.device_flow() { format!("/login/device?state={flow_state}") } else { start.url };
        return Ok(HttpResponse::TemporaryRedirect()
            .insert_header((header::LOCATION, location))
            .cookie(flow_cookie(STATE_COOKIE, flow_state, secure))
            .cookie(flow_cookie(REDIRECT_COOKIE, redirect, secure))
            .cookie(flow_cookie(PKCE_COOKIE, start.pkce_verifier, secure))
            .finish());
    };
    check_state(&req)?;
    let device = provider.device_flow();
    let verifier = req.cookie(PKCE_COOKIE).map(|c| c.value().to_string());
    if !device && verifier.is_none() {
        return Err(ApiError(Error::bad_request("PKCE challenge must be provided.")));
    }
    let redirect = stored_redirect(&req);
    let outcome = blocking_raw(&state, move |app| {
        let settings = app.settings.github.clone().ok_or_else(|| Error::bad_request("The oauth2 method requested is not configured!"))?;
        let token = if device { provider.exchange_device(&code)? } else { provider.exchange_code(&code, &verifier.unwrap_or_default())? };
        let identity = provider.identity(&token, &settings)?;
        app.github_login(identity, device)
    })
    .await?;
    finish(outcome, redirect, secure, device)
}

/// Get Github device auth
///
/// Starts a GitHub device flow: the person enters `user_code` at `verification_uri`, while the
/// client polls the callback with `code=<device_code>` and the state cookie.
#[utoipa::path(
    operation_id = "get-github-device-auth",
    tag = "Users",
    security(()),
    responses(
        (status = 200, description = "OK", body = ExternalAuthDevice),
        (status = 400, description = "GitHub login or its device flow is not enabled", body = Response),
        (status = 500, description = "GitHub refused", body = Response),
    ),
)]
#[get("/api/v2/users/oauth2/github/device")]
pub async fn github_device(state: web::Data<State>) -> ApiResult<HttpResponse> {
    let Some(provider) = state.github.clone() else {
        return Err(ApiError(Error::bad_request("Github OAuth2 is not enabled.")));
    };
    if !provider.device_flow() {
        return Err(ApiError(Error::bad_request("Device flow is not enabled for Github OAuth2.")));
    }
    let d = crate::state::blocking(&state, move |_| provider.device_code()).await?;
    Ok(HttpResponse::Ok().json(ExternalAuthDevice {
        device_code: d.device_code,
        user_code: d.user_code,
        verification_uri: d.verification_uri,
        expires_in: d.expires_in,
        interval: d.interval,
    }))
}

/// Get OIDC claims for the authenticated user
#[utoipa::path(
    operation_id = "get-oidc-claims-for-the-authenticated-user",
    tag = "Users",
    responses(
        (status = 200, description = "The merged claims of the caller's latest OIDC login", body = OidcClaimsResponse),
        (status = 400, description = "The caller does not sign in with OIDC", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/oidc-claims")]
pub async fn oidc_claims(state: web::Data<State>, actor: Authed) -> ApiResult<HttpResponse> {
    let claims = crate::state::blocking(&state, move |app| app.my_oidc_claims(&actor.0)).await?;
    Ok(HttpResponse::Ok().json(OidcClaimsResponse { claims }))
}

#[cfg(test)]
mod tests {
    use super::sanitize_redirect;

    #[test]
    fn redirects_stay_local() {
        assert_eq!(sanitize_redirect("/workspaces?x=1"), "/workspaces?x=1");
        assert_eq!(sanitize_redirect("https://evil.example.com/x?y=1"), "/x?y=1");
        assert_eq!(sanitize_redirect("//evil.example.com/x"), "/x");
        assert_eq!(sanitize_redirect(""), "/");
    }
}
