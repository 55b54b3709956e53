//! The token endpoint (`POST /oauth2/tokens`), revocation by the client (`POST /oauth2/revoke`,
//! RFC 7009) and by the user (`DELETE /oauth2/tokens`).

use actix_web::web::{self, Bytes, ServiceConfig};
use actix_web::{delete, post, HttpRequest, HttpResponse};

use super::{authorization, form_params, no_store, oauth_error, EXPERIMENT_403};
use crate::auth::Authed;
use crate::dto::{OAuth2ErrorBody, OAuth2Token};
use crate::error::{ApiResult, Response};
use crate::state::{blocking_raw, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(token).service(revoke).service(revoke_app);
}

/// OAuth2 token exchange
///
/// A form body (`application/x-www-form-urlencoded`). Confidential clients authenticate with
/// HTTP Basic (`client_secret_basic`) or `client_id` + `client_secret` in the body
/// (`client_secret_post`); public clients send `client_id` alone and prove themselves with the
/// PKCE `code_verifier`. `authorization_code` needs `code` and `code_verifier` (and
/// `redirect_uri` when the authorization request had one); `refresh_token` needs
/// `refresh_token` and may narrow `scope`. Each refresh token works once: presenting a spent one
/// revokes the whole grant (RFC 9700 §4.14).
#[utoipa::path(
    operation_id = "oauth2-token-exchange",
    tag = "Enterprise",
    security(()),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "grant_type (authorization_code or refresh_token), client_id, client_secret, code, code_verifier, redirect_uri, refresh_token, scope, resource"),
    responses(
        (status = 200, description = "Tokens issued (`Cache-Control: no-store`)", body = OAuth2Token),
        (status = 400, description = "invalid_request, invalid_grant, unauthorized_client, unsupported_grant_type, invalid_scope or invalid_target", body = OAuth2ErrorBody),
        (status = 401, description = "invalid_client, with `WWW-Authenticate: Basic`", body = OAuth2ErrorBody),
        (status = 403, description = EXPERIMENT_403, body = Response),
    ),
)]
#[post("/oauth2/tokens")]
pub async fn token(state: web::Data<State>, req: HttpRequest, body: Bytes) -> ApiResult<HttpResponse> {
    state.app.require_oauth2_experiment()?;
    let params = match form_params(&req, &body) {
        Ok(p) => p,
        Err(e) => return Ok(oauth_error(&e)),
    };
    let auth = authorization(&req);
    let outcome = blocking_raw(&state, move |app| app.exchange_token(&params, auth.as_deref())).await?;
    Ok(match outcome {
        Ok(tokens) => no_store(&mut HttpResponse::Ok()).json(OAuth2Token::from(tokens)),
        Err(e) => oauth_error(&e),
    })
}

/// Revoke OAuth2 tokens (RFC 7009)
///
/// The client authenticates as at the token endpoint. A refresh token revokes its whole grant;
/// an access token deletes itself, which ends its grant too (as in Coder). Unknown, expired or another client's tokens are answered 200
/// and left alone.
#[utoipa::path(
    operation_id = "oauth2-token-revocation",
    tag = "Enterprise",
    security(()),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "token, token_type_hint (access_token or refresh_token), client_id, client_secret"),
    responses(
        (status = 200, description = "Revoked, or nothing to revoke"),
        (status = 400, description = "invalid_request: a missing or repeated parameter", body = OAuth2ErrorBody),
        (status = 401, description = "invalid_client, with `WWW-Authenticate: Basic`", body = OAuth2ErrorBody),
        (status = 403, description = EXPERIMENT_403, body = Response),
    ),
)]
#[post("/oauth2/revoke")]
pub async fn revoke(state: web::Data<State>, req: HttpRequest, body: Bytes) -> ApiResult<HttpResponse> {
    state.app.require_oauth2_experiment()?;
    let params = match form_params(&req, &body) {
        Ok(p) => p,
        Err(e) => return Ok(oauth_error(&e)),
    };
    let auth = authorization(&req);
    let outcome = blocking_raw(&state, move |app| app.revoke_token(&params, auth.as_deref())).await?;
    Ok(match outcome {
        Ok(()) => no_store(&mut HttpResponse::Ok()).finish(),
        Err(e) => oauth_error(&e),
    })
}

/// Delete OAuth2 application tokens
///
/// The signed-in user withdraws every grant they gave the application: its access and refresh
/// tokens stop working.
#[utoipa::path(
    operation_id = "delete-oauth2-application-tokens",
    tag = "Enterprise",
    params(("client_id" = uuid::Uuid, Query, description = "The application")),
    responses(
        (status = 204, description = "Revoked (also when there was nothing to revoke)"),
        (status = 400, description = "A missing or malformed `client_id`", body = Response),
        (status = 403, description = EXPERIMENT_403, body = Response),
        (status = 404, description = "No such application", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[delete("/oauth2/tokens")]
pub async fn revoke_app(state: web::Data<State>, actor: Authed, req: HttpRequest) -> ApiResult<HttpResponse> {
    let client_id = crate::query::pairs(&req).into_iter().find(|(k, _)| k == "client_id").map(|(_, v)| v);
    crate::state::blocking(&state, move |app| app.revoke_app_for_user(&actor.0, client_id.as_deref())).await?;
    Ok(HttpResponse::NoContent().finish())
}
