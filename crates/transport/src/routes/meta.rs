//! Health and build information.

use actix_web::web::{self, ServiceConfig};
use actix_web::{get, HttpResponse};

use crate::dto::BuildInfoResponse;
use crate::error::Response;
use crate::state::State;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(healthz).service(build_info).service(api_root);
}

/// Health check
///
/// Liveness probe: answers a plain `OK`, as Coder does, once a small read of the database
/// succeeds; while the database is unreachable it answers 503.
#[utoipa::path(
    operation_id = "health-check",
    security(()),
    tag = "General",
    responses(
        (status = 200, description = "The server is up", body = String, content_type = "text/plain", example = json!("OK")),
        (status = 503, description = "The database is unreachable", body = String, content_type = "text/plain", example = json!("database unavailable")),
    ),
)]
#[get("/healthz")]
pub async fn healthz(state: web::Data<State>) -> HttpResponse {
    let probe = crate::state::blocking_raw(&state, |app| app.probe_database()).await;
    match probe {
        Ok(Ok(())) => HttpResponse::Ok().content_type("text/plain; charset=utf-8").body("OK"),
        Ok(Err(e)) | Err(crate::error::ApiError(e)) => HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body(format!("database unavailable: {}", e.message)),
    }
}

/// Build info
#[utoipa::path(
    operation_id = "build-info",
    security(()),
    tag = "General",
    responses((status = 200, description = "OK", body = BuildInfoResponse)),
)]
#[get("/api/v2/buildinfo")]
pub async fn build_info(state: web::Data<State>) -> HttpResponse {
    HttpResponse::Ok().json(build_info_body(&state.info))
}

/// The build information, for the endpoint and the dashboard's `build-info` meta.
pub fn build_info_body(info: &crate::state::ServerInfo) -> BuildInfoResponse {
    BuildInfoResponse {
        external_url: "https://github.com/coder/coder".into(),
        version: info.version.clone(),
        dashboard_url: info.access_url.clone(),
        telemetry: false,
        workspace_proxy: false,
        agent_api_version: "1.0".into(),
        provisioner_api_version: "1.18".into(),
        upgrade_message: String::new(),
        deployment_id: info.deployment_id.clone(),
    }
}

/// API root
#[utoipa::path(operation_id = "api-root",
    security(()),
    tag = "General",
    responses((status = 200, description = "OK", body = Response, example = json!({"message": "👋"}))),
)]
#[get("/api/v2")]
pub async fn api_root() -> HttpResponse {
    HttpResponse::Ok().json(Response::message("👋"))
}
