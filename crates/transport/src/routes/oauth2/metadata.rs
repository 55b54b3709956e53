//! The metadata documents (RFC 8414, RFC 9728): what a client discovers is what the server does.

use actix_web::web::{self, ServiceConfig};
use actix_web::{get, HttpResponse};
use domain::oauth2::metadata::{server_metadata, supported_scopes};

use super::EXPERIMENT_403;
use crate::dto::{
    OAuth2AuthorizationServerMetadata, OAuth2PKCECodeChallengeMethod, OAuth2ProtectedResourceMetadata, OAuth2ProviderGrantType,
    OAuth2ProviderResponseType, OAuth2TokenEndpointAuthMethod,
};
use crate::error::{ApiResult, Response};
use crate::state::State;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(authorization_server).service(protected_resource);
}

fn auth_methods() -> Vec<OAuth2TokenEndpointAuthMethod> {
    vec![
        OAuth2TokenEndpointAuthMethod::ClientSecretBasic,
        OAuth2TokenEndpointAuthMethod::ClientSecretPost,
        OAuth2TokenEndpointAuthMethod::None,
    ]
}

fn scopes() -> Vec<String> {
    supported_scopes().into_iter().map(str::to_string).collect()
}

/// OAuth2 authorization server metadata
#[utoipa::path(
    operation_id = "oauth2-authorization-server-metadata",
    tag = "Enterprise",
    security(()),
    responses(
        (status = 200, description = "OK", body = OAuth2AuthorizationServerMetadata),
        (status = 403, description = EXPERIMENT_403, body = Response),
    ),
)]
#[get("/.well-known/oauth-authorization-server")]
pub async fn authorization_server(state: web::Data<State>) -> ApiResult<HttpResponse> {
    state.app.require_oauth2_experiment()?;
    let m = server_metadata(&state.app.settings.access_url);
    Ok(HttpResponse::Ok().json(OAuth2AuthorizationServerMetadata {
        issuer: m.issuer,
        authorization_endpoint: m.authorization_endpoint,
        token_endpoint: m.token_endpoint,
        registration_endpoint: m.registration_endpoint,
        revocation_endpoint: m.revocation_endpoint,
        response_types_supported: vec![OAuth2ProviderResponseType::Code],
        grant_types_supported: vec![OAuth2ProviderGrantType::AuthorizationCode, OAuth2ProviderGrantType::RefreshToken],
        code_challenge_methods_supported: vec![OAuth2PKCECodeChallengeMethod::S256],
        scopes_supported: scopes(),
        token_endpoint_auth_methods_supported: auth_methods(),
        revocation_endpoint_auth_methods_supported: auth_methods(),
        authorization_response_iss_parameter_supported: true,
    }))
}

/// OAuth2 protected resource metadata
#[utoipa::path(
    operation_id = "oauth2-protected-resource-metadata",
    tag = "Enterprise",
    security(()),
    responses(
        (status = 200, description = "OK", body = OAuth2ProtectedResourceMetadata),
        (status = 403, description = EXPERIMENT_403, body = Response),
    ),
)]
#[get("/.well-known/oauth-protected-resource")]
pub async fn protected_resource(state: web::Data<State>) -> ApiResult<HttpResponse> {
    state.app.require_oauth2_experiment()?;
    let issuer = state.app.issuer();
    Ok(HttpResponse::Ok().json(OAuth2ProtectedResourceMetadata {
        resource: issuer.clone(),
        authorization_servers: vec![issuer],
        scopes_supported: scopes(),
        bearer_methods_supported: vec!["header".into(), "query".into()],
    }))
}
