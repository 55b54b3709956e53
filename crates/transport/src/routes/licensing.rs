//! Licenses and entitlements.

use actix_web::web::{self, Bytes, Path, ServiceConfig};
use actix_web::{delete, get, post, HttpResponse};
use domain::Error;

use crate::auth::Authed;
use crate::dto::{AddLicenseRequest, Entitlements, License};
use crate::error::{ApiError, ApiResult, Response};
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(entitlements).service(list_licenses).service(add_license).service(refresh_entitlements).service(delete_license);
}

/// Get entitlements
///
/// Public, as in Coder: the UI reads it before sign-in. Answered from memory.
#[utoipa::path(
    operation_id = "get-entitlements",
    tag = "Enterprise",
    security(()),
    responses((status = 200, description = "OK", body = Entitlements)),
)]
#[get("/api/v2/entitlements")]
pub async fn entitlements(state: web::Data<State>) -> HttpResponse {
    HttpResponse::Ok().json(Entitlements::from(state.app.entitlements().as_ref()))
}

/// Get licenses
///
/// Every license on file, with its claims as written; empty for callers who may not read them.
#[utoipa::path(
    operation_id = "get-licenses",
    tag = "Enterprise",
    responses(
        (status = 200, description = "OK", body = Vec<License>),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/licenses")]
pub async fn list_licenses(state: web::Data<State>, actor: Authed) -> ApiResult<HttpResponse> {
    let licenses = blocking(&state, move |app| app.list_licenses(&actor.0)).await?;
    Ok(HttpResponse::Ok().json(licenses.iter().map(License::from).collect::<Vec<_>>()))
}

/// Add new license
///
/// Checks the license (signature by a trusted key, version 3, Coder's claims, this deployment)
/// and recomputes entitlements on every replica.
#[utoipa::path(
    operation_id = "add-new-license",
    tag = "Enterprise",
    request_body = AddLicenseRequest,
    responses(
        (status = 201, description = "Created", body = License),
        (status = 400, description = "Not valid JSON, an empty license, an invalid license, or one locked to other deployments", body = Response),
        (status = 403, description = "Only owners may add licenses", body = Response),
        (status = 409, description = "This license is already on file", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/licenses")]
pub async fn add_license(state: web::Data<State>, actor: Authed, body: Bytes) -> ApiResult<HttpResponse> {
    // Coder refuses non-owners before it reads the body.
    state.app.may_upload_license(&actor.0)?;
    let req: AddLicenseRequest = crate::de::json_body(&body)?;
    if req.license.is_empty() {
        return Err(ApiError(Error::invalid_field("Validation failed.", "license", domain::auth::tag_failure("required", ""))));
    }
    let license = blocking(&state, move |app| app.upload_license(&actor.0, &req.license)).await?;
    Ok(HttpResponse::Created().json(License::from(&license)))
}

/// Update license entitlements
///
/// Recomputes entitlements now, here and on every replica; at most once a minute.
#[utoipa::path(
    operation_id = "update-license-entitlements",
    tag = "Enterprise",
    responses(
        (status = 200, description = "OK", body = Response, example = json!({"message": "Entitlements updated"})),
        (status = 400, description = "Refreshed less than a minute ago; `Retry-After` says how long to wait", body = Response,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 403, description = "Only owners may refresh", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/licenses/refresh-entitlements")]
pub async fn refresh_entitlements(state: web::Data<State>, actor: Authed) -> ApiResult<HttpResponse> {
    blocking(&state, move |app| app.request_entitlements_refresh(&actor.0)).await?;
    Ok(HttpResponse::Ok().json(Response::message("Entitlements updated")))
}

/// Delete license
#[utoipa::path(
    operation_id = "delete-license",
    tag = "Enterprise",
    params(("id" = String, Path, description = "License ID (an integer)")),
    responses(
        (status = 200, description = "OK (empty body)"),
        (status = 403, description = "Only owners may delete licenses", body = Response),
        (status = 404, description = "Not an integer, or no such license", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[delete("/api/v2/licenses/{id}")]
pub async fn delete_license(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    blocking(&state, move |app| app.delete_license(&actor.0, &id)).await?;
    Ok(HttpResponse::Ok().finish())
}
