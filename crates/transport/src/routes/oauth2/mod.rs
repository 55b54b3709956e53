//! The OAuth2 provider: the admin API (`apps`), and the protocol endpoints a client talks to
//! (`authorize`, `tokens` with revocation, `registration`, `metadata`). Protocol endpoints answer
//! errors in the RFCs' JSON (`{"error","error_description"}`), never in Coder's envelope, except
//! the experiment gate's 403, which is Coder's.

pub mod apps;
pub mod authorize;
pub mod metadata;
pub mod registration;
pub mod tokens;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::web::ServiceConfig;
use actix_web::{HttpRequest, HttpResponse};
use domain::oauth2::errors::OAuthError;

use crate::dto::OAuth2ErrorBody;

/// The 403 every OAuth2 route answers while the experiment is off.
pub const EXPERIMENT_403: &str = "The `oauth2` experiment is off (`CODER_EXPERIMENTS=oauth2`), or not allowed";

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    apps::configure(cfg);
    authorize::configure(cfg);
    tokens::configure(cfg);
    registration::configure(cfg);
    metadata::configure(cfg);
}

/// An RFC 6749 §5.2 error response: never cached; `invalid_client` challenges for Basic
/// credentials (RFC 6749 §5.2) and `invalid_token` for a Bearer token (RFC 6750 §3).
pub fn oauth_error(e: &OAuthError) -> HttpResponse {
    if e.status >= 500 {
        tracing::error!(error = %e.description, "OAuth2 request failed");
    }
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut resp = HttpResponse::build(status);
    resp.insert_header((header::CACHE_CONTROL, "no-store")).insert_header((header::PRAGMA, "no-cache"));
    let challenge = match e.code {
        "invalid_client" if e.status == 401 => Some("Basic realm=\"coder\"".to_string()),
        "invalid_token" => {
            Some(format!("Bearer realm=\"coder\", error=\"invalid_token\", error_description=\"{}\"", e.description.replace('"', "'")))
        }
        _ => None,
    };
    if let Some(v) = challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
        resp.insert_header((header::WWW_AUTHENTICATE, v));
    }
    resp.json(OAuth2ErrorBody { error: e.code.to_string(), error_description: e.description.clone() })
}

/// The parameters of an `application/x-www-form-urlencoded` body (RFC 6749 §3.2: the token,
/// revocation and consent requests). Another media type is an `invalid_request`.
pub fn form_params(req: &HttpRequest, body: &[u8]) -> Result<Vec<(String, String)>, OAuthError> {
    let media = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let media = media.split(';').next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(OAuthError::invalid_request("The body must be application/x-www-form-urlencoded."));
    }
    Ok(url::form_urlencoded::parse(body).into_owned().collect())
}

/// The raw `Authorization` header.
pub fn authorization(req: &HttpRequest) -> Option<String> {
    req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// Response headers of anything that carries a secret: not cached anywhere (RFC 6749 §5.1).
pub fn no_store(resp: &mut actix_web::HttpResponseBuilder) -> &mut actix_web::HttpResponseBuilder {
    resp.insert_header((header::CACHE_CONTROL, "no-store")).insert_header((header::PRAGMA, "no-cache"))
}
