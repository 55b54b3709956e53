//! The health report (`/debug/health`), its settings, and the WebSocket echo its WebSocket
//! check dials through the access URL (`/debug/ws`).

use actix_web::web::{self, Json, ServiceConfig};
use actix_web::{get, put, HttpRequest, HttpResponse};
use actix_ws::Message as WsMessage;
use domain::deployment::health::{AccessProbe, Base, HealthReport, Message, WebsocketProbe};
use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{token_from_request, Authed, SESSION_HEADER};
use crate::dto::{ProvisionerDaemon, WorkspaceProxy};
use crate::error::{ApiError, ApiResult, Response};
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health).service(health_settings).service(put_health_settings).service(echo);
}

/// `health.Message`.
#[derive(Serialize, ToSchema)]
#[schema(as = health::Message)]
pub struct HealthMessage {
    /// Coder's code (`EDB02`, `EPD01`, ...).
    pub code: String,
    /// What it means.
    pub message: String,
}

fn messages(m: &[Message]) -> Vec<HealthMessage> {
    m.iter().map(|m| HealthMessage { code: m.code.to_string(), message: m.message.clone() }).collect()
}

/// What every section carries.
#[derive(Serialize, ToSchema)]
pub struct SectionBase {
    /// `ok`, `warning` or `error`.
    #[schema(example = "ok")]
    pub severity: String,
    /// Deprecated by Coder in favour of `severity`: not `error`.
    pub healthy: bool,
    /// Caveats, never null.
    pub warnings: Vec<HealthMessage>,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Dismissed by an administrator.
    pub dismissed: bool,
}

impl From<&Base> for SectionBase {
    fn from(b: &Base) -> Self {
        Self {
            severity: b.severity.as_str().into(),
            healthy: b.severity != domain::deployment::health::Severity::Error,
            warnings: messages(&b.warnings),
            error: b.error.clone(),
            dismissed: b.dismissed,
        }
    }
}

/// `healthsdk.AccessURLReport`.
#[derive(Serialize, ToSchema)]
#[schema(as = healthsdk::AccessURLReport)]
pub struct AccessUrlReport {
    #[serde(flatten)]
    #[schema(inline)]
    base: SectionBase,
    /// The URL checked.
    access_url: String,
    /// Whether `/healthz` answered.
    reachable: bool,
    /// Its status.
    status_code: u16,
    /// Its body.
    healthz_response: String,
}

/// `healthsdk.WebsocketReport`.
#[derive(Serialize, ToSchema)]
#[schema(as = healthsdk::WebsocketReport)]
pub struct WebsocketReport {
    #[serde(flatten)]
    #[schema(inline)]
    base: SectionBase,
    /// A failed handshake's body.
    body: String,
    /// A failed handshake's status.
    code: u16,
}

/// `healthsdk.DatabaseReport`.
#[derive(Serialize, ToSchema)]
#[schema(as = healthsdk::DatabaseReport)]
pub struct DatabaseReport {
    #[serde(flatten)]
    #[schema(inline)]
    base: SectionBase,
    /// Whether it answered.
    reachable: bool,
    /// One round trip, Go-style (`3ms`).
    latency: String,
    /// One round trip in milliseconds.
    latency_ms: i64,
    /// The latency above which it warns.
    threshold_ms: i64,
}

/// `healthsdk.WorkspaceProxyReport`.
#[derive(Serialize, ToSchema)]
#[schema(as = healthsdk::WorkspaceProxyReport)]
pub struct WorkspaceProxyReport {
    #[serde(flatten)]
    #[schema(inline)]
    base: SectionBase,
    /// The regions, the primary first.
    workspace_proxies: crate::dto::WorkspaceProxiesResponse,
}

/// `healthsdk.ProvisionerDaemonsReportItem`.
#[derive(Serialize, ToSchema)]
#[schema(as = healthsdk::ProvisionerDaemonsReportItem)]
pub struct DaemonItem {
    /// The daemon.
    provisioner_daemon: ProvisionerDaemon,
    /// Its warnings.
    warnings: Vec<HealthMessage>,
}

/// `healthsdk.ProvisionerDaemonsReport`.
#[derive(Serialize, ToSchema)]
#[schema(as = healthsdk::ProvisionerDaemonsReport)]
pub struct DaemonsReport {
    #[serde(flatten)]
    #[schema(inline)]
    base: SectionBase,
    /// The default organization's daemons seen in the last day.
    items: Vec<DaemonItem>,
}

/// `healthsdk.DERPHealthReport`, in the form of a section this server does not run.
#[derive(Serialize, ToSchema)]
#[schema(as = healthsdk::DERPHealthReport)]
pub struct DerpReport {
    #[serde(flatten)]
    #[schema(inline)]
    base: SectionBase,
    /// No regions: no DERP relay runs here.
    regions: serde_json::Map<String, serde_json::Value>,
}

/// `healthsdk.HealthcheckReport`.
#[derive(Serialize, ToSchema)]
#[schema(as = healthsdk::HealthcheckReport)]
pub struct HealthcheckReport {
    /// When it was made.
    #[serde(with = "time::serde::rfc3339")]
    time: time::OffsetDateTime,
    /// Deprecated by Coder: not `error`.
    healthy: bool,
    /// The worst severity of the sections not dismissed.
    severity: String,
    derp: DerpReport,
    access_url: AccessUrlReport,
    websocket: WebsocketReport,
    database: DatabaseReport,
    workspace_proxy: WorkspaceProxyReport,
    provisioner_daemons: DaemonsReport,
    /// The server's version.
    coder_version: String,
}

impl From<&HealthReport> for HealthcheckReport {
    fn from(r: &HealthReport) -> Self {
        Self {
            time: r.time,
            healthy: r.healthy(),
            severity: r.severity.as_str().into(),
            derp: DerpReport { base: (&r.derp).into(), regions: Default::default() },
            access_url: AccessUrlReport {
                base: (&r.access_url.base).into(),
                access_url: r.access_url.access_url.clone(),
                reachable: r.access_url.reachable,
                status_code: r.access_url.status_code,
                healthz_response: r.access_url.healthz_response.clone(),
            },
            websocket: WebsocketReport { base: (&r.websocket.base).into(), body: r.websocket.body.clone(), code: r.websocket.code },
            database: DatabaseReport {
                base: (&r.database.base).into(),
                reachable: r.database.reachable,
                latency: format!("{}ms", r.database.latency_ms),
                latency_ms: r.database.latency_ms,
                threshold_ms: r.database.threshold_ms,
            },
            workspace_proxy: WorkspaceProxyReport {
                base: (&r.workspace_proxy.base).into(),
                workspace_proxies: crate::dto::WorkspaceProxiesResponse {
                    regions: r.workspace_proxy.proxies.iter().map(WorkspaceProxy::from).collect(),
                },
            },
            provisioner_daemons: DaemonsReport {
                base: (&r.provisioner_daemons.base).into(),
                items: r
                    .provisioner_daemons
                    .items
                    .iter()
                    .map(|(v, w)| DaemonItem { provisioner_daemon: ProvisionerDaemon::from(v), warnings: messages(w) })
                    .collect(),
            },
            coder_version: r.coder_version.clone(),
        }
    }
}

/// Query parameters of `GET /debug/health`.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct HealthQuery {
    /// Run the checks now (this server always does).
    pub force: Option<bool>,
    /// `text` for a plain-text summary; JSON otherwise.
    pub format: Option<String>,
}

/// Fetches `<access URL>/healthz` as a client would.
fn probe_access_url(access_url: &str) -> AccessProbe {
    if access_url.is_empty() {
        return AccessProbe::Failed("not set".into());
    }
    let agent: ureq::Agent =
        ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(std::time::Duration::from_secs(5))).build().into();
    match agent.get(&format!("{}/healthz", access_url.trim_end_matches('/'))).call() {
        Ok(mut r) => {
            let status = r.status().as_u16();
            let body = r.body_mut().with_config().limit(4096).read_to_string().unwrap_or_default();
            AccessProbe::Answered { status, body }
        }
        Err(e) => AccessProbe::Failed(e.to_string()),
    }
}

/// Dials `/api/v2/debug/ws` through the access URL with the caller's session and checks that a
/// message comes back unchanged.
async fn probe_websocket(access_url: &str, token: &str) -> WebsocketProbe {
    if access_url.starts_with("https://") {
        return WebsocketProbe::NotChecked("the checker dials plain ws:// only; the access URL is https".into());
    }
    let url = access_url.trim_end_matches('/').replacen("http", "ws", 1) + "/api/v2/debug/ws";
    let mut request = match tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url.as_str()) {
        Ok(r) => r,
        Err(e) => return WebsocketProbe::DialFailed { error: e.to_string(), code: 0, body: String::new() },
    };
    if let Ok(v) = tokio_tungstenite::tungstenite::http::HeaderValue::from_str(token) {
        request.headers_mut().insert(SESSION_HEADER, v);
    }
    let dial = tokio::time::timeout(std::time::Duration::from_secs(5), tokio_tungstenite::connect_async(request)).await;
    let mut socket = match dial {
        Ok(Ok((s, _))) => s,
        Ok(Err(tokio_tungstenite::tungstenite::Error::Http(resp))) => {
            let body = resp.body().as_ref().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
            return WebsocketProbe::DialFailed { error: "handshake refused".into(), code: resp.status().as_u16(), body };
        }
        Ok(Err(e)) => return WebsocketProbe::DialFailed { error: e.to_string(), code: 0, body: String::new() },
        Err(_) => return WebsocketProbe::DialFailed { error: "timed out".into(), code: 0, body: String::new() },
    };
    use tokio_tungstenite::tungstenite::Message as M;
    if let Err(e) = socket.send(M::Text("healthcheck".into())).await {
        return WebsocketProbe::EchoFailed(e.to_string());
    }
    let reply = tokio::time::timeout(std::time::Duration::from_secs(5), socket.next()).await;
    let _ = socket.close(None).await;
    match reply {
        Ok(Some(Ok(M::Text(t)))) if t.as_str() == "healthcheck" => WebsocketProbe::Echoed,
        Ok(Some(Ok(other))) => WebsocketProbe::EchoFailed(format!("unexpected message {other:?}")),
        Ok(Some(Err(e))) => WebsocketProbe::EchoFailed(e.to_string()),
        Ok(None) => WebsocketProbe::EchoFailed("closed before the echo".into()),
        Err(_) => WebsocketProbe::EchoFailed("timed out".into()),
    }
}

/// Debug Info Deployment Health
///
/// Checks the database, the access URL, a WebSocket through it, the provisioner daemons and
/// the workspace proxies now; DERP, which this server does not run, is dismissed. Owners only.
#[utoipa::path(
    operation_id = "debug-info-deployment-health",
    tag = "Debug",
    params(HealthQuery),
    responses(
        (status = 200, description = "OK", body = HealthcheckReport, example = json!({
            "time": "2026-12-07T11:00:00Z", "healthy": true, "severity": "ok",
            "derp": {"severity": "ok", "healthy": true, "warnings": [{"code": "EDERP03", "message": "This control plane runs no DERP relay; workspace connections are relayed elsewhere."}], "dismissed": true, "regions": {}},
            "access_url": {"severity": "ok", "healthy": true, "warnings": [], "dismissed": false, "access_url": "https://coder.example.com", "reachable": true, "status_code": 200, "healthz_response": "OK"},
            "websocket": {"severity": "ok", "healthy": true, "warnings": [], "dismissed": false, "body": "", "code": 0},
            "database": {"severity": "ok", "healthy": true, "warnings": [], "dismissed": false, "reachable": true, "latency": "1ms", "latency_ms": 1, "threshold_ms": 15},
            "workspace_proxy": {"severity": "ok", "healthy": true, "warnings": [], "dismissed": false, "workspace_proxies": {"regions": []}},
            "provisioner_daemons": {"severity": "ok", "healthy": true, "warnings": [], "dismissed": false, "items": []},
            "coder_version": "v2.0.0"
        })),
        (status = 400, description = "An unknown format", body = Response),
        (status = 403, description = "The caller may not read debug information", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/debug/health")]
pub async fn health(state: web::Data<State>, actor: Authed, req: HttpRequest, q: web::Query<HealthQuery>) -> ApiResult<HttpResponse> {
    let text = match q.format.as_deref() {
        None | Some("") | Some("json") => false,
        Some("text") => true,
        Some(other) => {
            return Err(ApiError(
                domain::Error::bad_request(format!("Invalid format option {other:?}."))
                    .with_detail("Allowed values are: \"json\", \"simple\"."),
            ))
        }
    };
    // Refused before any probe runs.
    let a = actor.0.clone();
    blocking(&state, move |app| app.require_debug_info(&a)).await?;
    let access_url = state.info.access_url.clone();
    let token = token_from_request(&req).unwrap_or_default();
    let websocket = probe_websocket(&access_url, &token).await;
    let url = access_url.clone();
    let access = web::block(move || probe_access_url(&url)).await.unwrap_or_else(|e| AccessProbe::Failed(e.to_string()));
    let report = blocking(&state, move |app| app.health_report(&actor.0, access, websocket)).await?;
    let body = HealthcheckReport::from(&report);
    if text {
        let mut out = format!("Severity: {}\n", body.severity);
        for (name, base) in [
            ("Access URL", &body.access_url.base),
            ("Database", &body.database.base),
            ("DERP", &body.derp.base),
            ("Provisioner daemons", &body.provisioner_daemons.base),
            ("Websocket", &body.websocket.base),
            ("Workspace proxy", &body.workspace_proxy.base),
        ] {
            out.push_str(&format!("{name}: {}{}\n", base.severity, if base.dismissed { " (dismissed)" } else { "" }));
            for w in &base.warnings {
                out.push_str(&format!("  {}: {}\n", w.code, w.message));
            }
        }
        return Ok(HttpResponse::Ok().content_type("text/plain; charset=utf-8").body(out));
    }
    Ok(HttpResponse::Ok().json(body))
}

/// `healthsdk.HealthSettings`.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = healthsdk::HealthSettings)]
pub struct HealthSettings {
    /// Sections left out of the overall severity (`DERP`, `AccessURL`, `Websocket`, `Database`,
    /// `WorkspaceProxy`, `ProvisionerDaemons`); never null.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub dismissed_healthchecks: Vec<String>,
}

/// Get health settings
#[utoipa::path(
    operation_id = "get-health-settings",
    tag = "Debug",
    responses(
        (status = 200, description = "OK", body = HealthSettings, example = json!({"dismissed_healthchecks": ["DERP"]})),
        (status = 403, description = "The caller may not read debug information", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/debug/health/settings")]
pub async fn health_settings(state: web::Data<State>, actor: Authed) -> ApiResult<HttpResponse> {
    let sections = blocking(&state, move |app| app.health_settings(&actor.0)).await?;
    Ok(HttpResponse::Ok().json(HealthSettings { dismissed_healthchecks: sections.iter().map(|s| s.as_str().to_string()).collect() }))
}

/// Update health settings
#[utoipa::path(
    operation_id = "update-health-settings",
    tag = "Debug",
    request_body(content = HealthSettings, example = json!({"dismissed_healthchecks": ["DERP", "Websocket"]})),
    responses(
        (status = 200, description = "Saved", body = HealthSettings, example = json!({"dismissed_healthchecks": ["DERP", "Websocket"]})),
        (status = 204, description = "Nothing changed"),
        (status = 400, description = "An unknown section", body = Response),
        (status = 403, description = "The caller may not change deployment settings", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[put("/api/v2/debug/health/settings")]
pub async fn put_health_settings(state: web::Data<State>, actor: Authed, body: Json<HealthSettings>) -> ApiResult<HttpResponse> {
    let wanted = body.into_inner().dismissed_healthchecks;
    let w = wanted.clone();
    let changed = blocking(&state, move |app| app.set_health_settings(&actor.0, &w)).await?;
    if !changed {
        return Ok(HttpResponse::NoContent().finish());
    }
    let mut sections: Vec<String> = Vec::new();
    for s in wanted {
        if !sections.contains(&s) {
            sections.push(s);
        }
    }
    Ok(HttpResponse::Ok().json(HealthSettings { dismissed_healthchecks: sections }))
}

/// Debug WebSocket echo
///
/// Echoes text messages (up to 1 KiB) back; the health report's WebSocket check dials it
/// through the access URL. Owners only.
#[utoipa::path(
    operation_id = "debug-websocket-echo",
    tag = "Debug",
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        (status = 403, description = "The caller may not read debug information", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/debug/ws")]
pub async fn echo(state: web::Data<State>, actor: Authed, req: HttpRequest, body: web::Payload) -> ApiResult<HttpResponse> {
    blocking(&state, move |app| app.require_debug_info(&actor.0)).await?;
    let (response, mut session, mut messages) = actix_ws::handle(&req, body)
        .map_err(|e| ApiError(domain::Error::bad_request("Failed to accept websocket.").with_detail(e.to_string())))?;
    actix_web::rt::spawn(async move {
        let deadline = tokio::time::sleep(std::time::Duration::from_secs(10));
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                _ = &mut deadline => break,
                msg = messages.next() => match msg {
                    Some(Ok(WsMessage::Text(t))) if t.len() <= 1024 => {
                        if session.text(t).await.is_err() {
                            break;
                        }
                    }
                    Some(Ok(WsMessage::Ping(p))) => {
                        if session.pong(&p).await.is_err() {
                            break;
                        }
                    }
                    _ => break,
                },
            }
        }
        let _ = session.close(None).await;
    });
    Ok(response)
}
