//! SCIM 2.0 at `/scim/v2` (RFC 7644), outside `/api/v2` as in Coder. Bodies are
//! `application/scim+json` both ways (plain JSON is accepted); errors use SCIM's error body, except
//! the two Coder answers in front of it: 404 when SCIM is not configured and 403 when the `scim`
//! feature is not licensed (both before authentication, in Coder's envelope).

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes, Path, ServiceConfig};
use actix_web::{delete, get, patch, post, put, HttpRequest, HttpResponse};
use domain::licensing::Feature;
use domain::scim::resources::{list_response, project, resource_types, schemas, service_provider_config};
use domain::scim::{ListQuery, ScimError, ScimResult, ERROR_SCHEMA};
use serde_json::{json, Value};

use crate::dto::{ScimErrorBody, ScimGroup, ScimListResponse, ScimPatchRequest, ScimServiceProviderConfig, ScimUser};
use crate::error::Response;
use crate::state::{blocking, State};

/// The SCIM media type.
pub const SCIM_JSON: &str = "application/scim+json";

/// Registers the routes of this module; the catch-all last.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(service_provider_config_doc)
        .service(schemas_doc)
        .service(schema_doc)
        .service(resource_types_doc)
        .service(resource_type_doc)
        .service(search_all)
        .service(search_users)
        .service(search_groups)
        .service(list_users)
        .service(create_user)
        .service(get_user)
        .service(replace_user)
        .service(patch_user)
        .service(delete_user)
        .service(list_groups)
        .service(create_group)
        .service(get_group)
        .service(replace_group)
        .service(patch_group)
        .service(delete_group)
        .route("/scim{tail:(/.*)?}", web::route().to(unknown));
}

fn scim_response(status: StatusCode, body: &Value) -> HttpResponse {
    let mut b = HttpResponse::build(status);
    b.insert_header((header::CONTENT_TYPE, SCIM_JSON));
    if let Some(v) = body.pointer("/meta/version").and_then(|v| v.as_str()) {
        if let Ok(v) = HeaderValue::from_str(v) {
            b.insert_header((header::ETAG, v));
        }
    }
    if status == StatusCode::CREATED {
        if let Some(loc) = body.pointer("/meta/location").and_then(|v| v.as_str()) {
            if let Ok(v) = HeaderValue::from_str(loc) {
                b.insert_header((header::LOCATION, v));
            }
        }
    }
    b.body(body.to_string())
}

fn error_response(e: &ScimError) -> HttpResponse {
    let mut body = json!({"schemas": [ERROR_SCHEMA], "status": e.status.to_string(), "detail": e.detail});
    if let Some(t) = &e.scim_type {
        body["scimType"] = json!(t);
    }
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status.is_server_error() {
        tracing::error!(detail = %e.detail, "scim request failed");
    }
    HttpResponse::build(status).insert_header((header::CONTENT_TYPE, SCIM_JSON)).body(body.to_string())
}

/// Coder's answers in front of SCIM, then SCIM's own authentication: the refusal, if any.
fn guard(req: &HttpRequest, state: &State) -> Option<HttpResponse> {
    if !state.app.scim_configured() {
        return Some(HttpResponse::NotFound().json(Response {
            message: "SCIM is disabled, please contact your administrator if you believe this is an error".into(),
            detail: "SCIM endpoints are disabled if no SCIM is configured. Configure 'CODER_SCIM_AUTH_HEADER' to enable.".into(),
            validations: vec![],
        }));
    }
    if let Err(e) = state.app.require_feature(Feature::Scim) {
        return Some(actix_web::ResponseError::error_response(&crate::error::ApiError(e)));
    }
    let auth = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    state.app.scim_authenticate(auth).err().map(|e| error_response(&e))
}

fn body_json(body: &[u8]) -> ScimResult<Value> {
    serde_json::from_slice(body).map_err(|e| ScimError::invalid_syntax(format!("the body is not valid JSON: {e}")))
}

fn list_of(req: &HttpRequest, name: &str) -> Vec<String> {
    crate::query::pairs(req)
        .into_iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect::<Vec<_>>())
        .collect()
}

fn list_query(req: &HttpRequest) -> ScimResult<ListQuery> {
    let pairs = crate::query::pairs(req);
    let get = |name: &str| pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
    let num = |name: &str, default: i64| -> ScimResult<i64> {
        match get(name) {
            None => Ok(default),
            Some(v) => v.trim().parse::<i64>().map_err(|_| ScimError::invalid_value(format!("{name} must be an integer, not {v:?}"))),
        }
    };
    Ok(ListQuery {
        filter: get("filter"),
        start_index: num("startIndex", 1)?.max(1) as usize,
        count: num("count", domain::scim::MAX_RESULTS as i64)?.max(0) as usize,
        sort_by: get("sortBy"),
        descending: get("sortOrder").is_some_and(|o| o.eq_ignore_ascii_case("descending")),
    })
}

fn projected(req: &HttpRequest, v: Value) -> Value {
    project(v, &list_of(req, "attributes"), &list_of(req, "excludedAttributes"))
}

fn if_match(req: &HttpRequest) -> Option<String> {
    req.headers().get(header::IF_MATCH).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// Answers a single resource, or 304 when `If-None-Match` names its version.
fn single(req: &HttpRequest, v: Value) -> HttpResponse {
    let version = v.pointer("/meta/version").and_then(|v| v.as_str()).unwrap_or_default().to_string();
    let none_match = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !version.is_empty() && none_match.split(',').any(|t| t.trim() == version || t.trim() == "*") {
        return HttpResponse::NotModified().insert_header((header::ETAG, version)).finish();
    }
    scim_response(StatusCode::OK, &projected(req, v))
}

// Handlers answer with a response either way; the error side is that response.
#[allow(clippy::result_large_err)]
async fn run<T: Send + 'static>(
    state: &web::Data<State>,
    f: impl FnOnce(&domain::app::App) -> ScimResult<T> + Send + 'static,
) -> Result<T, HttpResponse> {
    let out = blocking(state, move |app| Ok(f(app))).await.map_err(|e| actix_web::ResponseError::error_response(&e))?;
    out.map_err(|e| error_response(&e))
}

macro_rules! guarded {
    ($req:expr, $state:expr) => {
        if let Some(resp) = guard(&$req, &$state) {
            return resp;
        }
    };
}

/// SCIM 2.0: Service Provider Config
#[utoipa::path(
    operation_id = "scim-get-service-provider-config",
    tag = "Enterprise",
    responses(
        (status = 200, description = "OK", body = ScimServiceProviderConfig, content_type = "application/scim+json"),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
        (status = 404, description = "SCIM is not configured", body = Response),
    ),
    security(("Authorization" = [])),
)]
#[get("/scim/v2/ServiceProviderConfig")]
pub async fn service_provider_config_doc(req: HttpRequest, state: web::Data<State>) -> HttpResponse {
    guarded!(req, state);
    scim_response(StatusCode::OK, &service_provider_config(&base(&state)))
}

fn base(state: &State) -> String {
    format!("{}/scim/v2", state.app.settings.access_url.trim_end_matches('/'))
}

fn list_of_docs(docs: Vec<Value>) -> Value {
    let n = docs.len();
    json!({"schemas": [domain::scim::LIST_SCHEMA], "totalResults": n, "startIndex": 1, "itemsPerPage": n, "Resources": docs})
}

/// SCIM 2.0: Schemas
#[utoipa::path(
    operation_id = "scim-get-schemas",
    tag = "Enterprise",
    responses(
        (status = 200, description = "OK", body = ScimListResponse, content_type = "application/scim+json"),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
        (status = 404, description = "SCIM is not configured", body = Response),
    ),
    security(("Authorization" = [])),
)]
#[get("/scim/v2/Schemas")]
pub async fn schemas_doc(req: HttpRequest, state: web::Data<State>) -> HttpResponse {
    guarded!(req, state);
    scim_response(StatusCode::OK, &list_of_docs(schemas(&base(&state))))
}

/// SCIM 2.0: Schema by URN
#[utoipa::path(
    operation_id = "scim-get-schema",
    tag = "Enterprise",
    params(("id" = String, Path, description = "Schema URN")),
    responses(
        (status = 200, description = "OK", body = Object, content_type = "application/scim+json", example = json!({"id": "urn:ietf:params:scim:schemas:core:2.0:Group", "name": "Group"})),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 404, description = "No such schema, or SCIM is not configured (Coder's envelope)", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
    ),
    security(("Authorization" = [])),
)]
#[get("/scim/v2/Schemas/{id}")]
pub async fn schema_doc(req: HttpRequest, state: web::Data<State>, id: Path<String>) -> HttpResponse {
    guarded!(req, state);
    match schemas(&base(&state)).into_iter().find(|s| s["id"] == id.as_str()) {
        Some(s) => scim_response(StatusCode::OK, &s),
        None => error_response(&ScimError::not_found(&id)),
    }
}

/// SCIM 2.0: Resource types
#[utoipa::path(
    operation_id = "scim-get-resource-types",
    tag = "Enterprise",
    responses(
        (status = 200, description = "OK", body = ScimListResponse, content_type = "application/scim+json"),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
        (status = 404, description = "SCIM is not configured", body = Response),
    ),
    security(("Authorization" = [])),
)]
#[get("/scim/v2/ResourceTypes")]
pub async fn resource_types_doc(req: HttpRequest, state: web::Data<State>) -> HttpResponse {
    guarded!(req, state);
    scim_response(StatusCode::OK, &list_of_docs(resource_types(&base(&state))))
}

/// SCIM 2.0: Resource type by id
#[utoipa::path(
    operation_id = "scim-get-resource-type",
    tag = "Enterprise",
    params(("id" = String, Path, description = "`User` or `Group`")),
    responses(
        (status = 200, description = "OK", body = Object, content_type = "application/scim+json", example = json!({"id": "User", "endpoint": "/Users"})),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 404, description = "No such resource type, or SCIM is not configured (Coder's envelope)", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
    ),
    security(("Authorization" = [])),
)]
#[get("/scim/v2/ResourceTypes/{id}")]
pub async fn resource_type_doc(req: HttpRequest, state: web::Data<State>, id: Path<String>) -> HttpResponse {
    guarded!(req, state);
    match resource_types(&base(&state)).into_iter().find(|s| s["id"] == id.as_str()) {
        Some(s) => scim_response(StatusCode::OK, &s),
        None => error_response(&ScimError::not_found(&id)),
    }
}

/// SCIM 2.0: Get users
///
/// Filters (`eq ne co sw ew pr gt ge lt le`, `and or not`, grouping, value paths), `startIndex`,
/// `count` (at most 1000), `sortBy`/`sortOrder`, `attributes`/`excludedAttributes`.
#[utoipa::path(
    operation_id = "scim-get-users",
    tag = "Enterprise",
    params(
        ("filter" = Option<String>, Query, description = "SCIM filter, e.g. `userName eq \"bjensen\"`"),
        ("startIndex" = Option<i64>, Query, description = "1-based index of the first result", minimum = 1),
        ("count" = Option<i64>, Query, description = "Page size (at most 1000)", minimum = 0),
        ("sortBy" = Option<String>, Query, description = "Attribute to sort by"),
        ("sortOrder" = Option<String>, Query, description = "`ascending` or `descending`"),
        ("attributes" = Option<String>, Query, description = "Comma-separated attributes to return"),
        ("excludedAttributes" = Option<String>, Query, description = "Comma-separated attributes to leave out"),
    ),
    responses(
        (status = 200, description = "OK", body = ScimListResponse, content_type = "application/scim+json"),
        (status = 400, description = "A bad filter or parameter", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
        (status = 404, description = "SCIM is not configured", body = Response),
    ),
    security(("Authorization" = [])),
)]
#[get("/scim/v2/Users")]
pub async fn list_users(req: HttpRequest, state: web::Data<State>) -> HttpResponse {
    guarded!(req, state);
    let q = match list_query(&req) {
        Ok(q) => q,
        Err(e) => return error_response(&e),
    };
    match run(&state, move |app| app.scim_list_users(&q)).await {
        Ok(mut page) => {
            page.resources = page.resources.into_iter().map(|r| projected(&req, r)).collect();
            scim_response(StatusCode::OK, &list_response(page))
        }
        Err(resp) => resp,
    }
}

/// SCIM 2.0: Create new user
#[utoipa::path(
    operation_id = "scim-create-new-user",
    tag = "Enterprise",
    request_body(content = ScimUser, content_type = "application/scim+json"),
    responses(
        (status = 201, description = "Created", body = ScimUser, content_type = "application/scim+json"),
        (status = 400, description = "Not a User, no userName, or a bad value", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
        (status = 404, description = "SCIM is not configured", body = Response),
        (status = 409, description = "The userName or email is taken", body = ScimErrorBody, content_type = "application/scim+json"),
    ),
    security(("Authorization" = [])),
)]
#[post("/scim/v2/Users")]
pub async fn create_user(req: HttpRequest, state: web::Data<State>, body: Bytes) -> HttpResponse {
    guarded!(req, state);
    let body = match body_json(&body) {
        Ok(b) => b,
        Err(e) => return error_response(&e),
    };
    match run(&state, move |app| app.scim_create_user(&body)).await {
        Ok(v) => scim_response(StatusCode::CREATED, &projected(&req, v)),
        Err(resp) => resp,
    }
}

/// SCIM 2.0: Get user by ID
#[utoipa::path(
    operation_id = "scim-get-user-by-id",
    tag = "Enterprise",
    params(("id" = uuid::Uuid, Path, description = "User ID")),
    responses(
        (status = 200, description = "OK", body = ScimUser, content_type = "application/scim+json"),
        (status = 304, description = "Not modified (`If-None-Match`)"),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
        (status = 404, description = "No such user, or SCIM is not configured (Coder's envelope)", body = ScimErrorBody, content_type = "application/scim+json"),
    ),
    security(("Authorization" = [])),
)]
#[get("/scim/v2/Users/{id}")]
pub async fn get_user(req: HttpRequest, state: web::Data<State>, id: Path<String>) -> HttpResponse {
    guarded!(req, state);
    let id = id.into_inner();
    match run(&state, move |app| app.scim_get_user(&id)).await {
        Ok(v) => single(&req, v),
        Err(resp) => resp,
    }
}

/// SCIM 2.0: Replace user account
#[utoipa::path(
    operation_id = "scim-replace-user-status",
    tag = "Enterprise",
    params(("id" = uuid::Uuid, Path, description = "User ID")),
    request_body(content = ScimUser, content_type = "application/scim+json"),
    responses(
        (status = 200, description = "OK", body = ScimUser, content_type = "application/scim+json"),
        (status = 400, description = "Not a User, no userName, or a bad value", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
        (status = 404, description = "No such user, or SCIM is not configured (Coder's envelope)", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 409, description = "The userName or email is taken", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 412, description = "`If-Match` names another version", body = ScimErrorBody, content_type = "application/scim+json"),
    ),
    security(("Authorization" = [])),
)]
#[put("/scim/v2/Users/{id}")]
pub async fn replace_user(req: HttpRequest, state: web::Data<State>, id: Path<String>, body: Bytes) -> HttpResponse {
    guarded!(req, state);
    let body = match body_json(&body) {
        Ok(b) => b,
        Err(e) => return error_response(&e),
    };
    let (id, m) = (id.into_inner(), if_match(&req));
    match run(&state, move |app| app.scim_replace_user(&id, &body, m.as_deref())).await {
        Ok(v) => scim_response(StatusCode::OK, &projected(&req, v)),
        Err(resp) => resp,
    }
}

/// SCIM 2.0: Update user account
#[utoipa::path(
    operation_id = "scim-update-user-status",
    tag = "Enterprise",
    params(("id" = uuid::Uuid, Path, description = "User ID")),
    request_body(content = ScimPatchRequest, content_type = "application/scim+json"),
    responses(
        (status = 200, description = "OK", body = ScimUser, content_type = "application/scim+json"),
        (status = 400, description = "Not a PatchOp, a bad path, no target, or a bad value", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
        (status = 404, description = "No such user, or SCIM is not configured (Coder's envelope)", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 409, description = "The userName or email is taken", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 412, description = "`If-Match` names another version", body = ScimErrorBody, content_type = "application/scim+json"),
    ),
    security(("Authorization" = [])),
)]
#[patch("/scim/v2/Users/{id}")]
pub async fn patch_user(req: HttpRequest, state: web::Data<State>, id: Path<String>, body: Bytes) -> HttpResponse {
    guarded!(req, state);
    let body = match body_json(&body) {
        Ok(b) => b,
        Err(e) => return error_response(&e),
    };
    let (id, m) = (id.into_inner(), if_match(&req));
    match run(&state, move |app| app.scim_patch_user(&id, &body, m.as_deref())).await {
        Ok(v) => scim_response(StatusCode::OK, &projected(&req, v)),
        Err(resp) => resp,
    }
}

/// SCIM 2.0: Delete user
///
/// Suspends the Coder user (Coder keeps users); SCIM no longer sees it.
#[utoipa::path(
    operation_id = "scim-delete-user",
    tag = "Enterprise",
    params(("id" = uuid::Uuid, Path, description = "User ID")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
        (status = 404, description = "No such user, or SCIM is not configured (Coder's envelope)", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 412, description = "`If-Match` names another version", body = ScimErrorBody, content_type = "application/scim+json"),
    ),
    security(("Authorization" = [])),
)]
#[delete("/scim/v2/Users/{id}")]
pub async fn delete_user(req: HttpRequest, state: web::Data<State>, id: Path<String>) -> HttpResponse {
    guarded!(req, state);
    let (id, m) = (id.into_inner(), if_match(&req));
    match run(&state, move |app| app.scim_delete_user(&id, m.as_deref())).await {
        Ok(()) => HttpResponse::NoContent().finish(),
        Err(resp) => resp,
    }
}

/// SCIM 2.0: Get groups
#[utoipa::path(
    operation_id = "scim-get-groups",
    tag = "Enterprise",
    params(
        ("filter" = Option<String>, Query, description = "SCIM filter, e.g. `displayName eq \"devs\"`"),
        ("startIndex" = Option<i64>, Query, description = "1-based index of the first result", minimum = 1),
        ("count" = Option<i64>, Query, description = "Page size (at most 1000)", minimum = 0),
        ("sortBy" = Option<String>, Query, description = "Attribute to sort by"),
        ("sortOrder" = Option<String>, Query, description = "`ascending` or `descending`"),
        ("attributes" = Option<String>, Query, description = "Comma-separated attributes to return"),
        ("excludedAttributes" = Option<String>, Query, description = "Comma-separated attributes to leave out"),
    ),
    responses(
        (status = 200, description = "OK", body = ScimListResponse, content_type = "application/scim+json"),
        (status = 400, description = "A bad filter or parameter", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
        (status = 404, description = "SCIM is not configured", body = Response),
    ),
    security(("Authorization" = [])),
)]
#[get("/scim/v2/Groups")]
pub async fn list_groups(req: HttpRequest, state: web::Data<State>) -> HttpResponse {
    guarded!(req, state);
    let q = match list_query(&req) {
        Ok(q) => q,
        Err(e) => return error_response(&e),
    };
    match run(&state, move |app| app.scim_list_groups(&q)).await {
        Ok(mut page) => {
            page.resources = page.resources.into_iter().map(|r| projected(&req, r)).collect();
            scim_response(StatusCode::OK, &list_response(page))
        }
        Err(resp) => resp,
    }
}

/// SCIM 2.0: Create group
#[utoipa::path(
    operation_id = "scim-create-group",
    tag = "Enterprise",
    request_body(content = ScimGroup, content_type = "application/scim+json"),
    responses(
        (status = 201, description = "Created", body = ScimGroup, content_type = "application/scim+json"),
        (status = 400, description = "Not a Group, no displayName, or an unknown member", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 409, description = "The displayName is taken", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
        (status = 404, description = "SCIM is not configured", body = Response),
    ),
    security(("Authorization" = [])),
)]
#[post("/scim/v2/Groups")]
pub async fn create_group(req: HttpRequest, state: web::Data<State>, body: Bytes) -> HttpResponse {
    guarded!(req, state);
    let body = match body_json(&body) {
        Ok(b) => b,
        Err(e) => return error_response(&e),
    };
    match run(&state, move |app| app.scim_create_group(&body)).await {
        Ok(v) => scim_response(StatusCode::CREATED, &projected(&req, v)),
        Err(resp) => resp,
    }
}

/// SCIM 2.0: Get group by ID
#[utoipa::path(
    operation_id = "scim-get-group-by-id",
    tag = "Enterprise",
    params(("id" = uuid::Uuid, Path, description = "Group ID")),
    responses(
        (status = 200, description = "OK", body = ScimGroup, content_type = "application/scim+json"),
        (status = 304, description = "Not modified (`If-None-Match`)"),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 404, description = "No such group, or SCIM is not configured (Coder's envelope)", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
    ),
    security(("Authorization" = [])),
)]
#[get("/scim/v2/Groups/{id}")]
pub async fn get_group(req: HttpRequest, state: web::Data<State>, id: Path<String>) -> HttpResponse {
    guarded!(req, state);
    let id = id.into_inner();
    match run(&state, move |app| app.scim_get_group(&id)).await {
        Ok(v) => single(&req, v),
        Err(resp) => resp,
    }
}

/// SCIM 2.0: Replace group
#[utoipa::path(
    operation_id = "scim-replace-group",
    tag = "Enterprise",
    params(("id" = uuid::Uuid, Path, description = "Group ID")),
    request_body(content = ScimGroup, content_type = "application/scim+json"),
    responses(
        (status = 200, description = "OK", body = ScimGroup, content_type = "application/scim+json"),
        (status = 400, description = "Not a Group, no displayName, or an unknown member", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 404, description = "No such group, or SCIM is not configured (Coder's envelope)", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 409, description = "The displayName is taken", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 412, description = "`If-Match` names another version", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
    ),
    security(("Authorization" = [])),
)]
#[put("/scim/v2/Groups/{id}")]
pub async fn replace_group(req: HttpRequest, state: web::Data<State>, id: Path<String>, body: Bytes) -> HttpResponse {
    guarded!(req, state);
    let body = match body_json(&body) {
        Ok(b) => b,
        Err(e) => return error_response(&e),
    };
    let (id, m) = (id.into_inner(), if_match(&req));
    match run(&state, move |app| app.scim_replace_group(&id, &body, m.as_deref())).await {
        Ok(v) => scim_response(StatusCode::OK, &projected(&req, v)),
        Err(resp) => resp,
    }
}

/// SCIM 2.0: Update group
#[utoipa::path(
    operation_id = "scim-update-group",
    tag = "Enterprise",
    params(("id" = uuid::Uuid, Path, description = "Group ID")),
    request_body(content = ScimPatchRequest, content_type = "application/scim+json"),
    responses(
        (status = 200, description = "OK", body = ScimGroup, content_type = "application/scim+json"),
        (status = 400, description = "Not a PatchOp, a bad path, no target, or an unknown member", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 404, description = "No such group, or SCIM is not configured (Coder's envelope)", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 409, description = "The displayName is taken", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 412, description = "`If-Match` names another version", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
    ),
    security(("Authorization" = [])),
)]
#[patch("/scim/v2/Groups/{id}")]
pub async fn patch_group(req: HttpRequest, state: web::Data<State>, id: Path<String>, body: Bytes) -> HttpResponse {
    guarded!(req, state);
    let body = match body_json(&body) {
        Ok(b) => b,
        Err(e) => return error_response(&e),
    };
    let (id, m) = (id.into_inner(), if_match(&req));
    match run(&state, move |app| app.scim_patch_group(&id, &body, m.as_deref())).await {
        Ok(v) => scim_response(StatusCode::OK, &projected(&req, v)),
        Err(resp) => resp,
    }
}

/// SCIM 2.0: Delete group
#[utoipa::path(
    operation_id = "scim-delete-group",
    tag = "Enterprise",
    params(("id" = uuid::Uuid, Path, description = "Group ID")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 404, description = "No such group, or SCIM is not configured (Coder's envelope)", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 412, description = "`If-Match` names another version", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
    ),
    security(("Authorization" = [])),
)]
#[delete("/scim/v2/Groups/{id}")]
pub async fn delete_group(req: HttpRequest, state: web::Data<State>, id: Path<String>) -> HttpResponse {
    guarded!(req, state);
    let (id, m) = (id.into_inner(), if_match(&req));
    match run(&state, move |app| app.scim_delete_group(&id, m.as_deref())).await {
        Ok(()) => HttpResponse::NoContent().finish(),
        Err(resp) => resp,
    }
}

/// The methods a SCIM path allows, when it is one of this server's.
fn allowed(path: &str) -> Option<&'static str> {
    let rest = path.strip_prefix("/scim/v2")?.trim_end_matches('/');
    let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        ["ServiceProviderConfig"] | ["Schemas"] | ["Schemas", _] | ["ResourceTypes"] | ["ResourceTypes", _] => Some("GET"),
        ["Users"] | ["Groups"] => Some("GET, POST"),
        [".search"] | ["Users", ".search"] | ["Groups", ".search"] => Some("POST"),
        ["Users", _] | ["Groups", _] => Some("GET, PUT, PATCH, DELETE"),
        _ => None,
    }
}

/// Anything else under `/scim`: a wrong method on a known path (405), or no such endpoint.
async fn unknown(req: HttpRequest, state: web::Data<State>) -> HttpResponse {
    guarded!(req, state);
    match allowed(req.path()) {
        Some(methods) => {
            let mut resp = error_response(&ScimError::new(405, None, format!("{} is not allowed here; use {methods}.", req.method())));
            resp.headers_mut().insert(header::ALLOW, HeaderValue::from_static(methods));
            resp
        }
        None => error_response(&ScimError::new(404, None, "Specified endpoint does not exist.")),
    }
}

/// A search request (RFC 7644 §3.4.3) as a list query and its projection.
fn search_query(body: &Value) -> ScimResult<(ListQuery, Vec<String>, Vec<String>)> {
    use domain::scim::filter::get_ci;
    if !body.is_object() {
        return Err(ScimError::invalid_syntax("the body must be a JSON object"));
    }
    let strings = |k: &str| -> Vec<String> {
        match get_ci(body, k) {
            Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_str().map(String::from)).collect(),
            Some(Value::String(s)) => s.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect(),
            _ => vec![],
        }
    };
    let num = |k: &str, default: i64| -> ScimResult<i64> {
        match get_ci(body, k) {
            None | Some(Value::Null) => Ok(default),
            Some(v) => v.as_i64().ok_or_else(|| ScimError::invalid_value(format!("{k} must be an integer"))),
        }
    };
    let text = |k: &str| get_ci(body, k).and_then(|v| v.as_str()).map(String::from);
    let q = ListQuery {
        filter: text("filter"),
        start_index: num("startIndex", 1)?.max(1) as usize,
        count: num("count", domain::scim::MAX_RESULTS as i64)?.max(0) as usize,
        sort_by: text("sortBy"),
        descending: text("sortOrder").is_some_and(|o| o.eq_ignore_ascii_case("descending")),
    };
    Ok((q, strings("attributes"), strings("excludedAttributes")))
}

async fn search(
    req: HttpRequest,
    state: web::Data<State>,
    body: Bytes,
    list: fn(&domain::app::App, &ListQuery) -> ScimResult<domain::scim::ListPage>,
) -> HttpResponse {
    guarded!(req, state);
    let (q, attrs, excluded) = match body_json(&body).and_then(|b| search_query(&b)) {
        Ok(x) => x,
        Err(e) => return error_response(&e),
    };
    match run(&state, move |app| list(app, &q)).await {
        Ok(mut page) => {
            page.resources = page.resources.into_iter().map(|r| project(r, &attrs, &excluded)).collect();
            scim_response(StatusCode::OK, &list_response(page))
        }
        Err(resp) => resp,
    }
}

/// SCIM 2.0: Search all resources
#[utoipa::path(
    operation_id = "scim-search",
    tag = "Enterprise",
    request_body(content = Object, content_type = "application/scim+json", example = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "meta.resourceType eq \"Group\"", "count": 10})),
    responses(
        (status = 200, description = "Users and groups that match", body = ScimListResponse, content_type = "application/scim+json"),
        (status = 400, description = "A bad filter or parameter", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
        (status = 404, description = "SCIM is not configured", body = Response),
    ),
    security(("Authorization" = [])),
)]
#[post("/scim/v2/.search")]
pub async fn search_all(req: HttpRequest, state: web::Data<State>, body: Bytes) -> HttpResponse {
    search(req, state, body, |app, q| app.scim_search_all(q)).await
}

/// SCIM 2.0: Search users
#[utoipa::path(
    operation_id = "scim-search-users",
    tag = "Enterprise",
    request_body(content = Object, content_type = "application/scim+json", example = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "userName sw \"b\"", "attributes": ["userName"], "startIndex": 1, "count": 10})),
    responses(
        (status = 200, description = "OK", body = ScimListResponse, content_type = "application/scim+json"),
        (status = 400, description = "A bad filter or parameter", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
        (status = 404, description = "SCIM is not configured", body = Response),
    ),
    security(("Authorization" = [])),
)]
#[post("/scim/v2/Users/.search")]
pub async fn search_users(req: HttpRequest, state: web::Data<State>, body: Bytes) -> HttpResponse {
    search(req, state, body, |app, q| app.scim_list_users(q)).await
}

/// SCIM 2.0: Search groups
#[utoipa::path(
    operation_id = "scim-search-groups",
    tag = "Enterprise",
    request_body(content = Object, content_type = "application/scim+json", example = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "displayName eq \"devs\""})),
    responses(
        (status = 200, description = "OK", body = ScimListResponse, content_type = "application/scim+json"),
        (status = 400, description = "A bad filter or parameter", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 401, description = "Wrong or no SCIM key", body = ScimErrorBody, content_type = "application/scim+json"),
        (status = 403, description = "The deployment is not licensed for SCIM", body = Response),
        (status = 404, description = "SCIM is not configured", body = Response),
    ),
    security(("Authorization" = [])),
)]
#[post("/scim/v2/Groups/.search")]
pub async fn search_groups(req: HttpRequest, state: web::Data<State>, body: Bytes) -> HttpResponse {
    search(req, state, body, |app, q| app.scim_list_groups(q)).await
}
