//! What the dashboard asks of the deployment on every page: the experiments switched on, the
//! update check (off: this server never calls out), and the CSP violation reports its pages
//! send.

use actix_web::web::{self, Bytes, ServiceConfig};
use actix_web::{get, post, HttpResponse};

use crate::auth::Authed;
use crate::error::{ApiResult, Response};
use crate::state::State;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(experiments).service(available_experiments).service(update_check).service(csp_reports);
}

/// The experiments Coder calls safe, which `*` switches on.
pub const SAFE_EXPERIMENTS: &[&str] = &["minimum-implicit-member"];

/// `CODER_EXPERIMENTS` as Coder reads it: `*` stands for the safe ones; duplicates once.
pub fn enabled_experiments(configured: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in configured.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
        let names: Vec<String> = if e == "*" { SAFE_EXPERIMENTS.iter().map(|s| s.to_string()).collect() } else { vec![e.to_string()] };
        for n in names {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
}

/// Get enabled experiments
///
/// The experiments this deployment switched on (`CODER_EXPERIMENTS`), never null.
#[utoipa::path(
    operation_id = "get-enabled-experiments",
    tag = "General",
    responses((status = 200, description = "OK", body = Vec<String>, example = json!(["oauth2"]))),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/experiments")]
pub async fn experiments(state: web::Data<State>, _: Authed) -> HttpResponse {
    HttpResponse::Ok().json(enabled_experiments(&state.app.settings.experiments))
}

/// The body of `GET /experiments/available`.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = codersdk::AvailableExperiments)]
pub struct AvailableExperiments {
    /// The experiments safe to switch on (`*` switches these on).
    pub safe: Vec<String>,
}

/// Get safe experiments
///
/// Coder answers `{"safe": [...]}` here (its published description says an array).
#[utoipa::path(
    operation_id = "get-safe-experiments",
    tag = "General",
    responses((status = 200, description = "OK", body = AvailableExperiments, example = json!({"safe": ["minimum-implicit-member"]}))),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/experiments/available")]
pub async fn available_experiments(_: Authed) -> HttpResponse {
    HttpResponse::Ok().json(AvailableExperiments { safe: SAFE_EXPERIMENTS.iter().map(|s| s.to_string()).collect() })
}

/// The body of `GET /updatecheck`.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = codersdk::UpdateCheckResponse)]
pub struct UpdateCheckResponse {
    /// Whether this server runs the latest version it knows of.
    pub current: bool,
    /// That version.
    pub version: String,
    /// Where to download it.
    pub url: String,
}

/// Update check
///
/// Answered as Coder answers with its update check off: this server never asks the internet,
/// so it reports its own version as current.
#[utoipa::path(
    operation_id = "update-check",
    tag = "General",
    security(()),
    responses((
        status = 200,
        description = "OK",
        body = UpdateCheckResponse,
        example = json!({"current": true, "version": "v2.0.0", "url": "https://github.com/coder/coder/releases/tag/v2.0.0"})
    )),
)]
#[get("/api/v2/updatecheck")]
pub async fn update_check(state: web::Data<State>) -> HttpResponse {
    let version = state.info.version.clone();
    HttpResponse::Ok().json(UpdateCheckResponse {
        current: true,
        url: format!("https://github.com/coder/coder/releases/tag/{version}"),
        version,
    })
}

/// Report CSP violations
///
/// Dashboard pages send the Content-Security-Policy violations the browser saw; they are
/// logged (bounded) and acknowledged.
#[utoipa::path(
    operation_id = "report-csp-violations",
    tag = "General",
    security(()),
    request_body(
        content = serde_json::Value,
        description = "A CSP report (JSON)",
        content_type = "application/json",
        example = json!({"csp-report": {"document-uri": "https://coder.example.com/workspaces", "violated-directive": "script-src", "blocked-uri": "inline"}})
    ),
    responses(
        (status = 200, description = "Logged", body = String, example = json!("ok")),
        (status = 400, description = "Not JSON", body = Response),
    ),
)]
#[post("/api/v2/csp/reports")]
pub async fn csp_reports(body: Bytes) -> ApiResult<HttpResponse> {
    let report: serde_json::Value = crate::de::json_body(&body)?;
    let text = report.to_string();
    tracing::warn!(report = %&text[..text.len().min(2048)], "CSP violation reported");
    Ok(HttpResponse::Ok().json("ok"))
}
