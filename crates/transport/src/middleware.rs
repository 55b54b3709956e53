//! Cross-cutting request handling: request ids and access logs.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::HttpMessage;

/// Header carrying the request id, echoed from the client or freshly made.
pub const REQUEST_ID: &str = "x-request-id";

/// Tags each request with an id (the client's `X-Request-Id` if it sent a sane one), returns it
/// in the response, and logs method, path, route template, user, status and duration once the
/// response is ready.
pub async fn request_log(req: ServiceRequest, next: Next<impl MessageBody>) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let method = req.method().clone();
    let path = req.path().to_string();
    let route = req.match_pattern().unwrap_or_default();
    let start = Instant::now();
    let mut res = next.call(req).await?;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(HeaderName::from_static(REQUEST_ID), v);
    }
    let user_id = res.request().extensions().get::<crate::auth::AuthedUser>().map(|u| u.0.to_string()).unwrap_or_default();
    if !user_id.is_empty() && res.response().extensions().contains::<Refused>() {
        account_refusal(method.as_str(), &route);
    }
    let status = res.status().as_u16();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::error!(request_id = %id, %method, %path, %route, %user_id, status, ms, "request");
    } else {
        tracing::info!(request_id = %id, %method, %path, %route, %user_id, status, ms, "request");
    }
    Ok(res)
}

/// Marks a response that refused a signed-in caller (a 403, or a 404 the authorization layer
/// answered), for the test suite's authorization accounting.
#[derive(Debug, Clone, Copy)]
pub struct Refused;

/// Appends `METHOD ROUTE` to the file named by `CODERD_AUTHZ_ACCOUNTING`, when set (the test
/// suite sets it; `scripts/authz_accounting.py` then names every operation never seen refusing
/// a caller). Unset, this costs one cached lookup.
fn account_refusal(method: &str, route: &str) {
    use std::io::Write;
    static FILE: std::sync::OnceLock<Option<std::sync::Mutex<std::fs::File>>> = std::sync::OnceLock::new();
    let file = FILE.get_or_init(|| {
        let path = std::env::var_os("CODERD_AUTHZ_ACCOUNTING")?;
        std::fs::OpenOptions::new().create(true).append(true).open(path).ok().map(std::sync::Mutex::new)
    });
    if let Some(f) = file {
        let mut f = f.lock().unwrap_or_else(|p| p.into_inner());
        let _ = writeln!(f, "{method} {route}");
    }
}

/// Name of the header that carries each entitlement warning.
pub const ENTITLEMENTS_WARNING: &str = "x-coder-entitlements-warning";

/// Adds one `X-Coder-Entitlements-Warning` header per current entitlement warning to responses
/// to owners and auditors (the authentication extractor marks their requests), as Coder's
/// API-key middleware does.
pub async fn entitlement_warnings(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = req.app_data::<actix_web::web::Data<crate::state::State>>().cloned();
    let mut res = next.call(req).await?;
    let marked = res.request().extensions().contains::<crate::auth::SeesEntitlementWarnings>();
    if let (true, Some(state)) = (marked, state) {
        for warning in &state.app.entitlements().warnings {
            if let Ok(v) = HeaderValue::from_str(warning) {
                res.headers_mut().append(HeaderName::from_static(ENTITLEMENTS_WARNING), v);
            }
        }
    }
    Ok(res)
}

/// Points OAuth2 clients at the protected resource metadata (RFC 9728 §5.1): while the OAuth2
/// provider is on, the Bearer challenge of every 401 names `resource_metadata`.
pub async fn resource_metadata_challenge(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = req.app_data::<actix_web::web::Data<crate::state::State>>().cloned();
    let mut res = next.call(req).await?;
    if res.status() != actix_web::http::StatusCode::UNAUTHORIZED {
        return Ok(res);
    }
    let Some(state) = state.filter(|s| s.app.require_oauth2_experiment().is_ok()) else { return Ok(res) };
    let challenge = res.headers().get(actix_web::http::header::WWW_AUTHENTICATE).and_then(|v| v.to_str().ok()).map(str::to_string);
    if let Some(c) = challenge.filter(|c| c.starts_with("Bearer") && !c.contains("resource_metadata=")) {
        let value = format!("{c}, resource_metadata=\"{}/.well-known/oauth-protected-resource\"", state.app.issuer());
        if let Ok(v) = HeaderValue::from_str(&value) {
            res.headers_mut().insert(actix_web::http::header::WWW_AUTHENTICATE, v);
        }
    }
    Ok(res)
}

/// Gives every request a deadline for its handling (reading its body included), so a client
/// that sends its body a byte at a time cannot hold the request open; past it the answer is
/// 408. A WebSocket upgrade is answered at once, so its session is not bounded by it.
pub async fn deadline(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let limit = req.app_data::<actix_web::web::Data<crate::state::State>>().map(|s| s.request_timeout);
    let Some(limit) = limit else { return next.call(req).await.map(|r| r.map_into_boxed_body()) };
    match tokio::time::timeout(limit, next.call(req)).await {
        Ok(res) => res.map(|r| r.map_into_boxed_body()),
        Err(_) => {
            let body = crate::error::Response {
                message: "Request timed out.".into(),
                detail: format!("the request was not handled within {limit:?}"),
                validations: Vec::new(),
            };
            Err(actix_web::error::InternalError::from_response("request timed out", actix_web::HttpResponse::RequestTimeout().json(body))
                .into())
        }
    }
}

/// Collapses repeated slashes before routing, as Coder's `singleSlashMW` does
/// (`/api//v2//buildinfo` is `/api/v2/buildinfo`). Paths without `//` (nearly all) pass
/// untouched, at the cost of one scan.
pub async fn single_slash(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    if req.path().contains("//") {
        let mut path = String::with_capacity(req.path().len());
        for c in req.path().chars() {
            if !(c == '/' && path.ends_with('/')) {
                path.push(c);
            }
        }
        let mut parts = req.head().uri.clone().into_parts();
        let path_and_query = match req.query_string() {
            "" => path,
            q => format!("{path}?{q}"),
        };
        if let Ok(pq) = actix_web::http::uri::PathAndQuery::try_from(path_and_query) {
            parts.path_and_query = Some(pq);
            if let Ok(uri) = actix_web::http::Uri::from_parts(parts) {
                req.match_info_mut().get_mut().update(&uri);
                req.head_mut().uri = uri;
            }
        }
    }
    next.call(req).await.map(|r| r.map_into_boxed_body())
}
