//! API keys and tokens of a user.

use actix_web::web::{self, Json, Path, ServiceConfig};
use actix_web::{delete, get, post, put, HttpRequest, HttpResponse};
use domain::apikey::AllowListTarget;
use domain::tokens::NewToken;

use crate::auth::Authed;
use crate::dto::{ApiKey, ApiKeyWithOwner, CreateTokenRequest, GenerateApiKeyResponse, TokenConfig};
use crate::error::{ApiResult, Response};
use crate::query;
use crate::state::{blocking, State};

/// Registers the routes of this module; `tokens` before `{keyid}`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_session_key)
        .service(list_tokens)
        .service(create_token)
        .service(token_config)
        .service(token_by_name)
        .service(get_key)
        .service(delete_key)
        .service(expire_key);
}

/// Create new session key
#[utoipa::path(
    operation_id = "create-new-session-key",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    responses(
        (status = 201, description = "Created", body = GenerateApiKeyResponse),
        (status = 403, description = "Not allowed", body = Response),
        (status = 404, description = "No such user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/users/{user}/keys")]
pub async fn create_session_key(state: web::Data<State>, actor: Authed, user: Path<String>) -> ApiResult<HttpResponse> {
    let key = blocking(&state, move |app| app.create_session_key(&actor.0, &user)).await?;
    Ok(HttpResponse::Created().json(GenerateApiKeyResponse { key }))
}

/// Get user tokens
#[utoipa::path(
    operation_id = "get-user-tokens",
    tag = "Users",
    params(
        ("user" = String, Path, description = "User ID, username, or me"),
        ("include_expired" = Option<bool>, Query, description = "Include expired tokens in the list"),
        ("include_all" = Option<bool>, Query, description = "List the tokens of every user the caller may see"),
    ),
    responses(
        (status = 200, description = "OK", body = Vec<ApiKeyWithOwner>),
        (status = 404, description = "No such user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/{user}/keys/tokens")]
pub async fn list_tokens(state: web::Data<State>, actor: Authed, user: Path<String>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let pairs = query::pairs(&req);
    let (include_expired, include_all) = (query::boolean(&pairs, "include_expired"), query::boolean(&pairs, "include_all"));
    let keys = blocking(&state, move |app| app.list_tokens(&actor.0, &user, include_expired, include_all)).await?;
    Ok(HttpResponse::Ok()
        .json(keys.iter().map(|(k, username)| ApiKeyWithOwner { key: ApiKey::from(k), username: username.clone() }).collect::<Vec<_>>()))
}

/// Create token API key
#[utoipa::path(
    operation_id = "create-token-api-key",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    request_body = CreateTokenRequest,
    responses(
        (status = 201, description = "Created", body = GenerateApiKeyResponse),
        (status = 400, description = "Invalid lifetime, scope or allow list", body = Response),
        (status = 403, description = "Not allowed", body = Response),
        (status = 404, description = "No such user", body = Response),
        (status = 409, description = "Token name already used by this user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/users/{user}/keys/tokens")]
pub async fn create_token(
    state: web::Data<State>,
    actor: Authed,
    user: Path<String>,
    body: Json<CreateTokenRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let req = NewToken {
        token_name: b.token_name,
        lifetime_ns: b.lifetime,
        scope: b.scope,
        scopes: b.scopes,
        allow_list: b.allow_list.into_iter().map(|t| AllowListTarget { resource_type: t.resource_type, id: t.id }).collect(),
    };
    let key = blocking(&state, move |app| app.create_token(&actor.0, &user, req)).await?;
    Ok(HttpResponse::Created().json(GenerateApiKeyResponse { key }))
}

/// Get token config
///
/// The longest lifetime `{user}` may ask for: owners are held to the admin maximum.
#[utoipa::path(
    operation_id = "get-token-config",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    responses(
        (status = 200, description = "OK", body = TokenConfig),
        (status = 404, description = "No such user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/{user}/keys/tokens/tokenconfig")]
pub async fn token_config(state: web::Data<State>, actor: Authed, user: Path<String>) -> ApiResult<HttpResponse> {
    let max = blocking(&state, move |app| app.token_config(&actor.0, &user)).await?;
    Ok(HttpResponse::Ok().json(TokenConfig { max_token_lifetime: i64::try_from(max.as_nanos()).unwrap_or(i64::MAX) }))
}

/// Get API key by token name
#[utoipa::path(
    operation_id = "get-api-key-by-token-name",
    tag = "Users",
    params(
        ("user" = String, Path, description = "User ID, username, or me"),
        ("keyname" = String, Path, description = "Key Name"),
    ),
    responses(
        (status = 200, description = "OK", body = ApiKey),
        (status = 404, description = "No such user or token", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/{user}/keys/tokens/{keyname}")]
pub async fn token_by_name(state: web::Data<State>, actor: Authed, path: Path<(String, String)>) -> ApiResult<HttpResponse> {
    let (user, name) = path.into_inner();
    let key = blocking(&state, move |app| app.token_by_name(&actor.0, &user, &name)).await?;
    Ok(HttpResponse::Ok().json(ApiKey::from(&key)))
}

/// Get API key by ID
#[utoipa::path(
    operation_id = "get-api-key-by-id",
    tag = "Users",
    params(
        ("user" = String, Path, description = "User ID, username, or me"),
        ("keyid" = String, Path, description = "Key ID"),
    ),
    responses(
        (status = 200, description = "OK", body = ApiKey),
        (status = 404, description = "No such user or key", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/{user}/keys/{keyid}")]
pub async fn get_key(state: web::Data<State>, actor: Authed, path: Path<(String, String)>) -> ApiResult<HttpResponse> {
    let (user, id) = path.into_inner();
    let key = blocking(&state, move |app| app.api_key(&actor.0, &user, &id)).await?;
    Ok(HttpResponse::Ok().json(ApiKey::from(&key)))
}

/// Delete API key
#[utoipa::path(
    operation_id = "delete-api-key",
    tag = "Users",
    params(
        ("user" = String, Path, description = "User ID, username, or me"),
        ("keyid" = String, Path, description = "Key ID"),
    ),
    responses(
        (status = 204, description = "No Content"),
        (status = 404, description = "No such user or key", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[delete("/api/v2/users/{user}/keys/{keyid}")]
pub async fn delete_key(state: web::Data<State>, actor: Authed, path: Path<(String, String)>) -> ApiResult<HttpResponse> {
    let (user, id) = path.into_inner();
    blocking(&state, move |app| app.delete_key(&actor.0, &user, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Expire API key
#[utoipa::path(
    operation_id = "expire-api-key",
    tag = "Users",
    params(
        ("user" = String, Path, description = "User ID, username, or me"),
        ("keyid" = String, Path, description = "Key ID"),
    ),
    responses(
        (status = 204, description = "No Content"),
        (status = 404, description = "Not Found", body = Response),
        (status = 500, description = "Internal Server Error", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[put("/api/v2/users/{user}/keys/{keyid}/expire")]
pub async fn expire_key(state: web::Data<State>, actor: Authed, path: Path<(String, String)>) -> ApiResult<HttpResponse> {
    let (user, id) = path.into_inner();
    blocking(&state, move |app| app.expire_key(&actor.0, &user, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
