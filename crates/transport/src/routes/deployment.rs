//! What the dashboard asks of the deployment on every page: the experiments switched on, the
//! update check (off: this server never calls out), and the CSP violation reports its pages
//! send.

use actix_web::web::{self, Bytes, ServiceConfig};
use actix_web::{get, post, HttpResponse};

use crate::auth::Authed;
use crate::error::{ApiResult, Response};
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(experiments)
        .service(available_experiments)
        .service(update_check)
        .service(csp_reports)
        .service(deployment_stats)
        .service(deployment_config)
        .service(deployment_daus)
        .service(user_status_counts);
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

/// `codersdk.WorkspaceConnectionLatencyMS`: Coder's fields carry no JSON tags, so they are
/// `P50` and `P95` on the wire (its published description says lower case).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = codersdk::WorkspaceConnectionLatencyMS)]
#[allow(non_snake_case)]
pub struct ConnectionLatency {
    /// Median latency of workspace connections (0: none measured).
    pub P50: f64,
    /// 95th percentile.
    pub P95: f64,
}

/// `codersdk.WorkspaceDeploymentStats`.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = codersdk::WorkspaceDeploymentStats)]
pub struct WorkspaceDeploymentStats {
    /// Workspaces whose latest build has not started.
    pub pending: i64,
    /// Workspaces whose latest build is running.
    pub building: i64,
    /// Workspaces started successfully.
    pub running: i64,
    /// Workspaces whose latest build failed.
    pub failed: i64,
    /// Workspaces stopped successfully.
    pub stopped: i64,
    /// Connection latency (agents report none to this server yet: 0).
    pub connection_latency_ms: ConnectionLatency,
    /// Bytes received by workspaces (not reported to this server yet: 0).
    pub rx_bytes: i64,
    /// Bytes sent by workspaces (not reported to this server yet: 0).
    pub tx_bytes: i64,
}

/// `codersdk.SessionCountDeploymentStats`: sessions open now, from the connection log.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = codersdk::SessionCountDeploymentStats)]
pub struct SessionCountDeploymentStats {
    /// VS Code sessions.
    pub vscode: i64,
    /// SSH sessions.
    pub ssh: i64,
    /// JetBrains sessions.
    pub jetbrains: i64,
    /// Web terminal sessions.
    pub reconnecting_pty: i64,
}

/// `codersdk.DeploymentStats`.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = codersdk::DeploymentStats)]
pub struct DeploymentStats {
    /// The start of the window sessions are counted over.
    #[serde(with = "time::serde::rfc3339")]
    pub aggregated_from: time::OffsetDateTime,
    /// When the figures were computed.
    #[serde(with = "time::serde::rfc3339")]
    pub collected_at: time::OffsetDateTime,
    /// When asking again can give other figures.
    #[serde(with = "time::serde::rfc3339")]
    pub next_update_at: time::OffsetDateTime,
    /// Workspaces by the state of their latest build.
    pub workspaces: WorkspaceDeploymentStats,
    /// Open sessions by kind.
    pub session_count: SessionCountDeploymentStats,
}

/// Get deployment stats
///
/// Workspaces by the state of their latest build and the sessions open now, computed on
/// request. Owners and auditors.
#[utoipa::path(
    operation_id = "get-deployment-stats",
    tag = "General",
    responses(
        (status = 200, description = "OK", body = DeploymentStats, example = json!({
            "aggregated_from": "2026-12-07T10:45:00Z", "collected_at": "2026-12-07T11:00:00Z", "next_update_at": "2026-12-07T11:00:30Z",
            "workspaces": {"pending": 0, "building": 1, "running": 3, "failed": 0, "stopped": 2,
                "connection_latency_ms": {"P50": 0.0, "P95": 0.0}, "rx_bytes": 0, "tx_bytes": 0},
            "session_count": {"vscode": 0, "ssh": 1, "jetbrains": 0, "reconnecting_pty": 0}
        })),
        (status = 403, description = "The caller may not read deployment statistics", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/deployment/stats")]
pub async fn deployment_stats(state: web::Data<State>, actor: Authed) -> ApiResult<HttpResponse> {
    let s = blocking(&state, move |app| app.deployment_stats(&actor.0)).await?;
    Ok(HttpResponse::Ok().json(DeploymentStats {
        aggregated_from: s.aggregated_from,
        collected_at: s.collected_at,
        next_update_at: s.next_update_at,
        workspaces: WorkspaceDeploymentStats {
            pending: s.workspaces.pending,
            building: s.workspaces.building,
            running: s.workspaces.running,
            failed: s.workspaces.failed,
            stopped: s.workspaces.stopped,
            connection_latency_ms: ConnectionLatency { P50: 0.0, P95: 0.0 },
            rx_bytes: 0,
            tx_bytes: 0,
        },
        session_count: SessionCountDeploymentStats {
            vscode: s.sessions.vscode,
            ssh: s.sessions.ssh,
            jetbrains: s.sessions.jetbrains,
            reconnecting_pty: s.sessions.reconnecting_pty,
        },
    }))
}

/// One point of `GET /insights/user-status-counts`.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = codersdk::UserStatusChangeCount)]
pub struct UserStatusChangeCount {
    /// The instant (a local midnight, and now).
    #[serde(with = "time::serde::rfc3339")]
    pub date: time::OffsetDateTime,
    /// Users in the status then.
    pub count: i64,
}

/// `codersdk.GetUserStatusCountsResponse`.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = codersdk::GetUserStatusCountsResponse)]
pub struct GetUserStatusCountsResponse {
    /// Per status (`active`, `dormant`, `suspended`; statuses no user had are left out).
    pub status_counts: std::collections::BTreeMap<String, Vec<UserStatusChangeCount>>,
}

/// Query parameters of `GET /insights/user-status-counts`.
#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct StatusCountsQuery {
    /// IANA time zone the days are counted in.
    pub timezone: Option<String>,
    /// Hours east of UTC (legacy; not with `timezone`).
    pub tz_offset: Option<String>,
    /// Ignored, as in Coder.
    pub interval: Option<String>,
}

/// Get insights about user status counts
///
/// How many users were active, dormant and suspended at each local midnight of the last 60 days
/// and now, from the recorded history of status changes. For callers who may read every user.
#[utoipa::path(
    operation_id = "get-insights-about-user-status-counts",
    tag = "Insights",
    params(StatusCountsQuery),
    responses(
        (status = 200, description = "OK", body = GetUserStatusCountsResponse,
            example = json!({"status_counts": {"active": [{"date": "2026-12-07T00:00:00Z", "count": 3}]}})),
        (status = 400, description = "A bad time zone, or both parameters", body = Response),
        (status = 403, description = "The caller may not read every user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/insights/user-status-counts")]
pub async fn user_status_counts(state: web::Data<State>, actor: Authed, q: web::Query<StatusCountsQuery>) -> ApiResult<HttpResponse> {
    let zone = domain::insights::Zone::parse(q.timezone.as_deref(), q.tz_offset.as_deref())?;
    let counts = blocking(&state, move |app| app.user_status_counts(&actor.0, zone)).await?;
    Ok(HttpResponse::Ok().json(GetUserStatusCountsResponse {
        status_counts: counts
            .into_iter()
            .map(|(status, points)| (status, points.into_iter().map(|(date, count)| UserStatusChangeCount { date, count }).collect()))
            .collect(),
    }))
}

/// `codersdk.DAUEntry`.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = codersdk::DAUEntry)]
pub struct DauEntry {
    /// The day, `YYYY-MM-DD`.
    #[schema(format = Date, example = "2026-12-07")]
    pub date: String,
    /// Distinct users who connected to a workspace that day.
    pub amount: i64,
}

/// `codersdk.DAUsResponse`.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = codersdk::DAUsResponse)]
pub struct DausResponse {
    /// One entry per day, the last 60 days and today, oldest first (days without activity
    /// count 0).
    pub entries: Vec<DauEntry>,
    /// The `tz_offset` the days were counted in.
    pub tz_hour_offset: i32,
}

/// Query parameters of `GET /insights/daus`.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DausQuery {
    /// Hours behind UTC the days are counted in, as JavaScript's `getTimezoneOffset()` / 60
    /// (the dashboard sends it); default 0.
    #[param(value_type = Option<i32>, minimum = -14, maximum = 14)]
    pub tz_offset: Option<String>,
}

/// Get deployment DAUs
///
/// Daily active users of the deployment: for each of the last 60 days and today, how many
/// distinct users connected to a workspace. Owners and auditors.
#[utoipa::path(
    operation_id = "get-deployment-daus",
    tag = "Insights",
    params(DausQuery),
    responses(
        (status = 200, description = "OK", body = DausResponse,
            example = json!({"entries": [{"date": "2026-12-06", "amount": 2}, {"date": "2026-12-07", "amount": 3}], "tz_hour_offset": 0})),
        (status = 400, description = "A bad `tz_offset`, or an unknown parameter", body = Response),
        (status = 401, description = "Not signed in", body = Response),
        (status = 403, description = "The caller may not read the deployment's configuration", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/insights/daus")]
pub async fn deployment_daus(state: web::Data<State>, actor: Authed, req: actix_web::HttpRequest) -> ApiResult<HttpResponse> {
    let q = web::Query::<DausQuery>::from_query(req.query_string()).map_err(|e| {
        crate::error::ApiError::from(domain::Error::bad_request("Query parameters have invalid values.").with_detail(e.to_string()))
    })?;
    let hours = match q.tz_offset.as_deref().filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => t.parse::<i32>().ok().filter(|h| (-14..=14).contains(h)).ok_or_else(|| {
            crate::error::ApiError::from(
                domain::Error::bad_request("Query parameters have invalid values.")
                    .with_detail(format!("Query param \"tz_offset\" must be a valid integer between -14 and 14, got {t:?}")),
            )
        })?,
    };
    let days = blocking(&state, move |app| app.deployment_daus(&actor.0, hours)).await?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Ok(HttpResponse::Ok().json(DausResponse {
        entries: days.into_iter().map(|(d, amount)| DauEntry { date: d.format(&format).unwrap_or_default(), amount }).collect(),
        tz_hour_offset: hours,
    }))
}

/// `codersdk.DeploymentConfig`.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = codersdk::DeploymentConfig)]
pub struct DeploymentConfig {
    /// The values in Coder's `DeploymentValues` shape (durations in nanoseconds); secrets are
    /// empty.
    #[schema(value_type = Object)]
    pub config: serde_json::Value,
    /// Every setting of the server with its value and where the value came from.
    pub options: Vec<DeploymentOption>,
}

/// `serpent.Option`: one setting. Empty fields are left out.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = serpent::Option)]
pub struct DeploymentOption {
    /// The name the dashboard looks the setting up by (`Access URL`).
    pub name: String,
    /// What it does.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Its command-line flag, without dashes.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub flag: String,
    /// Its environment variable.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub env: String,
    /// Its key in Coder's YAML configuration.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub yaml: String,
    /// The default, as written on the command line.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub default: String,
    /// The value in effect, typed (durations in nanoseconds); absent for a secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    /// Hints for renderers (`secret`, `format_duration`, `enterprise`), each `"true"`.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub annotations: std::collections::BTreeMap<String, String>,
    /// Where the setting is filed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<OptionGroup>,
    /// Left out of help output.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
    /// Where the value came from; absent when nothing set it.
    #[serde(skip_serializing_if = "String::is_empty")]
    #[schema(value_type = Option<String>, pattern = "^(flag|env|yaml|default)$")]
    pub value_source: String,
}

/// `serpent.Group`, with its parents.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = serpent::Group)]
pub struct OptionGroup {
    /// The enclosing group.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub parent: Option<Box<OptionGroup>>,
    /// Its name (`Networking`, `OIDC`, ...).
    pub name: String,
    /// Its YAML key.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub yaml: String,
    /// What it configures.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
}

impl From<&domain::deployment::config::OptionGroup> for OptionGroup {
    fn from(g: &domain::deployment::config::OptionGroup) -> Self {
        Self {
            parent: g.parent.as_deref().map(|p| Box::new(p.into())),
            name: g.name.clone(),
            yaml: g.yaml.clone(),
            description: g.description.clone(),
        }
    }
}

/// Get deployment config
///
/// The server's settings in Coder's shape: `config` holds the values (as Coder's
/// `DeploymentValues`), `options` every setting with its names, group, default, value and
/// source. Secrets are redacted: empty in `config`, no `value` in `options`. Owners and
/// auditors.
#[utoipa::path(
    operation_id = "get-deployment-config",
    tag = "General",
    responses(
        (status = 200, description = "OK", body = DeploymentConfig, example = json!({
            "config": {"access_url": "https://coder.example.com", "oidc": {"client_id": "", "client_secret": "", "user_role_field": ""},
                "session_lifetime": {"default_duration": 86_400_000_000_000u64}, "external_auth": []},
            "options": [{"name": "Access URL", "description": "The URL that users will use to access the deployment.",
                "flag": "access-url", "env": "CODER_ACCESS_URL", "yaml": "accessURL", "value": "https://coder.example.com",
                "annotations": {"external_workspace_proxies": "true"}, "group": {"name": "Networking", "yaml": "networking"},
                "value_source": "env"},
                {"name": "OIDC Client Secret", "description": "OIDC login: the client secret.", "flag": "oidc-client-secret",
                "env": "CODER_OIDC_CLIENT_SECRET", "annotations": {"secret": "true"}, "group": {"name": "OIDC", "yaml": "oidc"},
                "value_source": "env"}]
        })),
        (status = 401, description = "Not signed in", body = Response),
        (status = 403, description = "The caller may not read the deployment's configuration", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/deployment/config")]
pub async fn deployment_config(state: web::Data<State>, actor: Authed) -> ApiResult<HttpResponse> {
    let doc = blocking(&state, move |app| app.deployment_config(&actor.0)).await?;
    Ok(HttpResponse::Ok().json(DeploymentConfig {
        config: doc.config.clone(),
        options: doc
            .options
            .iter()
            .map(|o| DeploymentOption {
                name: o.name.clone(),
                description: o.description.clone(),
                flag: o.flag.clone(),
                env: o.env.clone(),
                yaml: o.yaml.clone(),
                default: o.default.clone(),
                value: o.value.clone(),
                annotations: o.annotations.clone(),
                group: o.group.as_ref().map(Into::into),
                hidden: o.hidden,
                value_source: o.value_source.clone(),
            })
            .collect(),
    }))
}
