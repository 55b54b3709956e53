//! Dynamic client registration (RFC 7591) and management (RFC 7592).

use actix_web::web::{self, Bytes, Path, ServiceConfig};
use actix_web::{delete, get, post, put, HttpRequest, HttpResponse};
use domain::oauth2::errors::OAuthError;
use domain::oauth2::registration::RegistrationRequest;

use super::{authorization, no_store, oauth_error, EXPERIMENT_403};
use crate::dto::{OAuth2ClientConfiguration, OAuth2ClientRegistrationRequest, OAuth2ErrorBody};
use crate::error::{ApiResult, Response};
use crate::state::{blocking_raw, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(register).service(get_client).service(put_client).service(delete_client);
}

/// A JSON body of client metadata; anything unreadable is `invalid_client_metadata`.
fn metadata(body: &[u8]) -> Result<RegistrationRequest, OAuthError> {
    let bad = |e: String| OAuthError::invalid_client_metadata(format!("The body must be a JSON object of client metadata: {e}"));
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| bad(e.to_string()))?;
    if !value.is_object() {
        return Err(bad("it is not an object".into()));
    }
    let req: OAuth2ClientRegistrationRequest = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
    req.into_domain()
}

/// The registration access token as presented (`Authorization: Bearer`), echoed in responses.
fn presented_token(req: &HttpRequest) -> String {
    authorization(req).and_then(|h| h.split_once(' ').map(|(_, t)| t.trim().to_string())).unwrap_or_default()
}

/// OAuth2 dynamic client registration (RFC 7591)
///
/// Public: anyone may register. Confidential clients get a `client_secret`; public clients
/// (`token_endpoint_auth_method: none`) get none and use PKCE alone. The
/// `registration_access_token` manages the registration at `registration_client_uri`; both
/// secrets are shown only here.
#[utoipa::path(
    operation_id = "oauth2-dynamic-client-registration",
    tag = "Enterprise",
    security(()),
    request_body = OAuth2ClientRegistrationRequest,
    responses(
        (status = 201, description = "Registered (`Cache-Control: no-store`)", body = OAuth2ClientConfiguration),
        (status = 400, description = "invalid_redirect_uri or invalid_client_metadata", body = OAuth2ErrorBody),
        (status = 403, description = EXPERIMENT_403, body = Response),
    ),
)]
#[post("/oauth2/register")]
pub async fn register(state: web::Data<State>, body: Bytes) -> ApiResult<HttpResponse> {
    state.app.require_oauth2_experiment()?;
    let req = match metadata(&body) {
        Ok(r) => r,
        Err(e) => return Ok(oauth_error(&e)),
    };
    let outcome = blocking_raw(&state, move |app| app.register_client(req)).await?;
    Ok(match outcome {
        Ok(c) => {
            let body =
                OAuth2ClientConfiguration::new(&c.app, &state.app.settings.access_url, &c.registration_access_token, c.client_secret);
            no_store(&mut HttpResponse::Created()).json(body)
        }
        Err(e) => oauth_error(&e),
    })
}

/// Get OAuth2 client configuration (RFC 7592)
#[utoipa::path(
    operation_id = "get-oauth2-client-configuration",
    tag = "Enterprise",
    params(("client_id" = uuid::Uuid, Path, description = "Client ID")),
    responses(
        (status = 200, description = "OK", body = OAuth2ClientConfiguration),
        (status = 401, description = "invalid_token: a missing or wrong registration access token, or no such registered client", body = OAuth2ErrorBody),
        (status = 403, description = EXPERIMENT_403, body = Response),
    ),
    security(("RegistrationAccessToken" = [])),
)]
#[get("/oauth2/clients/{client_id}")]
pub async fn get_client(state: web::Data<State>, req: HttpRequest, path: Path<String>) -> ApiResult<HttpResponse> {
    state.app.require_oauth2_experiment()?;
    let auth = authorization(&req);
    let id = path.into_inner();
    let outcome = blocking_raw(&state, move |app| app.registered_client(&id, auth.as_deref())).await?;
    Ok(match outcome {
        Ok(a) => no_store(&mut HttpResponse::Ok()).json(OAuth2ClientConfiguration::new(
            &a,
            &state.app.settings.access_url,
            &presented_token(&req),
            None,
        )),
        Err(e) => oauth_error(&e),
    })
}

/// Update OAuth2 client configuration (RFC 7592)
///
/// Replaces every metadata field, with registration's validation and defaults. `client_id` in
/// the body, when sent, must be the client's own.
#[utoipa::path(
    operation_id = "put-oauth2-client-configuration",
    tag = "Enterprise",
    params(("client_id" = uuid::Uuid, Path, description = "Client ID")),
    request_body = OAuth2ClientRegistrationRequest,
    responses(
        (status = 200, description = "OK", body = OAuth2ClientConfiguration),
        (status = 400, description = "invalid_redirect_uri or invalid_client_metadata", body = OAuth2ErrorBody),
        (status = 401, description = "invalid_token", body = OAuth2ErrorBody),
        (status = 403, description = EXPERIMENT_403, body = Response),
    ),
    security(("RegistrationAccessToken" = [])),
)]
#[put("/oauth2/clients/{client_id}")]
pub async fn put_client(state: web::Data<State>, req: HttpRequest, path: Path<String>, body: Bytes) -> ApiResult<HttpResponse> {
    state.app.require_oauth2_experiment()?;
    let auth = authorization(&req);
    let id = path.into_inner();
    let outcome = blocking_raw(&state, move |app| {
        // The token is checked before the body, so an unauthenticated caller learns nothing.
        app.registered_client(&id, auth.as_deref())?;
        app.update_registered_client(&id, auth.as_deref(), metadata(&body)?)
    })
    .await?;
    Ok(match outcome {
        Ok(a) => no_store(&mut HttpResponse::Ok()).json(OAuth2ClientConfiguration::new(
            &a,
            &state.app.settings.access_url,
            &presented_token(&req),
            None,
        )),
        Err(e) => oauth_error(&e),
    })
}

/// Delete OAuth2 client registration (RFC 7592)
///
/// Deletes the client with its secrets, codes and grants: every token it holds stops working.
#[utoipa::path(
    operation_id = "delete-oauth2-client-configuration",
    tag = "Enterprise",
    params(("client_id" = uuid::Uuid, Path, description = "Client ID")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "invalid_token", body = OAuth2ErrorBody),
        (status = 403, description = EXPERIMENT_403, body = Response),
    ),
    security(("RegistrationAccessToken" = [])),
)]
#[delete("/oauth2/clients/{client_id}")]
pub async fn delete_client(state: web::Data<State>, req: HttpRequest, path: Path<String>) -> ApiResult<HttpResponse> {
    state.app.require_oauth2_experiment()?;
    let auth = authorization(&req);
    let id = path.into_inner();
    let outcome = blocking_raw(&state, move |app| app.delete_registered_client(&id, auth.as_deref())).await?;
    Ok(match outcome {
        Ok(()) => HttpResponse::NoContent().finish(),
        Err(e) => oauth_error(&e),
    })
}
