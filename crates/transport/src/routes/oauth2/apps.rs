//! The admin API of OAuth2 applications and their client secrets.

use actix_web::web::{self, Bytes, Path, ServiceConfig};
use actix_web::{delete, get, post, put, HttpRequest, HttpResponse};
use domain::oauth2::apps::AppInput;

use crate::auth::Authed;
use crate::dto::{OAuth2ProviderApp, OAuth2ProviderAppSecret, OAuth2ProviderAppSecretFull, PostOAuth2ProviderAppRequest};
use crate::error::{ApiResult, Response};
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_apps)
        .service(create_app)
        .service(get_app)
        .service(update_app)
        .service(delete_app)
        .service(list_secrets)
        .service(create_secret)
        .service(delete_secret);
}

fn wire(state: &State, a: &domain::oauth2::OAuth2App) -> OAuth2ProviderApp {
    OAuth2ProviderApp::new(a, &state.info.access_url)
}

fn input(body: &[u8]) -> ApiResult<AppInput> {
    let b: PostOAuth2ProviderAppRequest = crate::de::json_body(body)?;
    Ok(AppInput { name: b.name, callback_url: b.callback_url, icon: b.icon })
}

use super::EXPERIMENT_403;

/// Get OAuth2 applications
#[utoipa::path(
    operation_id = "get-oauth2-applications",
    tag = "Enterprise",
    params(("user_id" = Option<uuid::Uuid>, Query, description = "Only the applications this user has granted access to")),
    responses(
        (status = 200, description = "OK", body = Vec<OAuth2ProviderApp>),
        (status = 400, description = "A malformed `user_id`", body = Response),
        (status = 403, description = EXPERIMENT_403, body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/oauth2-provider/apps")]
pub async fn list_apps(state: web::Data<State>, actor: Authed, req: HttpRequest) -> ApiResult<HttpResponse> {
    let user = crate::query::pairs(&req).into_iter().find(|(k, _)| k == "user_id").map(|(_, v)| v);
    let apps = blocking(&state, move |app| app.list_oauth2_apps(&actor.0, user.as_deref())).await?;
    Ok(HttpResponse::Ok().json(apps.iter().map(|a| wire(&state, a)).collect::<Vec<_>>()))
}

/// Create OAuth2 application
#[utoipa::path(
    operation_id = "create-oauth2-application",
    tag = "Enterprise",
    request_body = PostOAuth2ProviderAppRequest,
    responses(
        (status = 201, description = "Created", body = OAuth2ProviderApp),
        (status = 400, description = "Not valid JSON, or a bad name, callback URL or icon", body = Response),
        (status = 403, description = EXPERIMENT_403, body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/oauth2-provider/apps")]
pub async fn create_app(state: web::Data<State>, actor: Authed, body: Bytes) -> ApiResult<HttpResponse> {
    state.app.require_oauth2_experiment()?;
    let input = input(&body)?;
    let a = blocking(&state, move |app| app.create_oauth2_app(&actor.0, input)).await?;
    Ok(HttpResponse::Created().json(wire(&state, &a)))
}

/// Get OAuth2 application
#[utoipa::path(
    operation_id = "get-oauth2-application",
    tag = "Enterprise",
    params(("app" = uuid::Uuid, Path, description = "App ID")),
    responses(
        (status = 200, description = "OK", body = OAuth2ProviderApp),
        (status = 400, description = "A malformed id", body = Response),
        (status = 403, description = EXPERIMENT_403, body = Response),
        (status = 404, description = "No such application", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/oauth2-provider/apps/{app}")]
pub async fn get_app(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    let a = blocking(&state, move |app| app.oauth2_app(&actor.0, &id)).await?;
    Ok(HttpResponse::Ok().json(wire(&state, &a)))
}

/// Update OAuth2 application
#[utoipa::path(
    operation_id = "update-oauth2-application",
    tag = "Enterprise",
    params(("app" = uuid::Uuid, Path, description = "App ID")),
    request_body = PostOAuth2ProviderAppRequest,
    responses(
        (status = 200, description = "OK", body = OAuth2ProviderApp),
        (status = 400, description = "A malformed id, not valid JSON, or a bad name, callback URL or icon", body = Response),
        (status = 403, description = EXPERIMENT_403, body = Response),
        (status = 404, description = "No such application", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[put("/api/v2/oauth2-provider/apps/{app}")]
pub async fn update_app(state: web::Data<State>, actor: Authed, id: Path<String>, body: Bytes) -> ApiResult<HttpResponse> {
    // The application is found before the body is read, as in Coder.
    let (a, i) = (actor.clone(), id.clone());
    blocking(&state, move |app| app.oauth2_app(&a.0, &i)).await?;
    let input = input(&body)?;
    let a = blocking(&state, move |app| app.update_oauth2_app(&actor.0, &id, input)).await?;
    Ok(HttpResponse::Ok().json(wire(&state, &a)))
}

/// Delete OAuth2 application
#[utoipa::path(
    operation_id = "delete-oauth2-application",
    tag = "Enterprise",
    params(("app" = uuid::Uuid, Path, description = "App ID")),
    responses(
        (status = 204, description = "Deleted, with its secrets"),
        (status = 400, description = "A malformed id", body = Response),
        (status = 403, description = EXPERIMENT_403, body = Response),
        (status = 404, description = "No such application", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[delete("/api/v2/oauth2-provider/apps/{app}")]
pub async fn delete_app(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    blocking(&state, move |app| app.delete_oauth2_app(&actor.0, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Get OAuth2 application secrets
#[utoipa::path(
    operation_id = "get-oauth2-application-secrets",
    tag = "Enterprise",
    params(("app" = uuid::Uuid, Path, description = "App ID")),
    responses(
        (status = 200, description = "OK", body = Vec<OAuth2ProviderAppSecret>),
        (status = 400, description = "A malformed id", body = Response),
        (status = 403, description = "The experiment is off, or not an owner", body = Response),
        (status = 404, description = "No such application", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/oauth2-provider/apps/{app}/secrets")]
pub async fn list_secrets(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    let list = blocking(&state, move |app| app.list_oauth2_app_secrets(&actor.0, &id)).await?;
    Ok(HttpResponse::Ok().json(list.iter().map(OAuth2ProviderAppSecret::from).collect::<Vec<_>>()))
}

/// Create OAuth2 application secret
///
/// The only time the whole secret is shown; only its hash is kept.
#[utoipa::path(
    operation_id = "create-oauth2-application-secret",
    tag = "Enterprise",
    params(("app" = uuid::Uuid, Path, description = "App ID")),
    responses(
        (status = 201, description = "Created", body = OAuth2ProviderAppSecretFull),
        (status = 400, description = "A malformed id", body = Response),
        (status = 403, description = "The experiment is off, or not an owner", body = Response),
        (status = 404, description = "No such application", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/oauth2-provider/apps/{app}/secrets")]
pub async fn create_secret(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    let (s, full) = blocking(&state, move |app| app.create_oauth2_app_secret(&actor.0, &id)).await?;
    Ok(HttpResponse::Created().json(OAuth2ProviderAppSecretFull { id: s.id, client_secret_full: full }))
}

/// Delete OAuth2 application secret
#[utoipa::path(
    operation_id = "delete-oauth2-application-secret",
    tag = "Enterprise",
    params(
        ("app" = uuid::Uuid, Path, description = "App ID"),
        ("secretID" = uuid::Uuid, Path, description = "Secret ID"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "A malformed id, or a secret of another application", body = Response),
        (status = 403, description = EXPERIMENT_403, body = Response),
        (status = 404, description = "No such application or secret (or not an owner)", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[delete("/api/v2/oauth2-provider/apps/{app}/secrets/{secretID}")]
pub async fn delete_secret(state: web::Data<State>, actor: Authed, path: Path<(String, String)>) -> ApiResult<HttpResponse> {
    let (app_id, secret) = path.into_inner();
    blocking(&state, move |app| app.delete_oauth2_app_secret(&actor.0, &app_id, &secret)).await?;
    Ok(HttpResponse::NoContent().finish())
}
