//! What a workspace's page in Coder's dashboard reads besides the workspace itself: a build by
//! its number, the parameter values and timings of a build, whether an automatic start would
//! lack parameters, the workspace's sharing list, and the `watch-ws` socket that pushes the
//! workspace whenever its builds change.

use actix_web::web::{self, Path, ServiceConfig};
use actix_web::{get, HttpRequest, HttpResponse};
use actix_ws::Message as WsMessage;
use futures_util::StreamExt;
use serde::Serialize;
use utoipa::ToSchema;

use super::build_json;
use crate::auth::Authed;
use crate::dto::{Workspace, WorkspaceBuild};
use crate::error::{ApiError, ApiResult, Response};
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(build_by_number)
        .service(build_parameters)
        .service(build_timings)
        .service(resolve_autostart)
        .service(workspace_acl)
        .service(watch_workspace);
}

/// Get workspace build by user, workspace name, and build number
#[utoipa::path(
    operation_id = "get-workspace-build-by-user-workspace-name-and-build-number",
    tag = "Builds",
    params(
        ("user" = String, Path, description = "Username, UUID, or me"),
        ("workspacename" = String, Path, description = "Workspace name"),
        ("buildnumber" = i32, Path, description = "Build number", minimum = 1),
    ),
    responses(
        (status = 200, description = "OK", body = WorkspaceBuild),
        (status = 400, description = "The build number is not an integer", body = Response),
        (status = 401, description = "Not signed in", body = Response),
        (status = 404, description = "No such user, workspace or build, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/{user}/workspace/{workspacename}/builds/{buildnumber}")]
pub async fn build_by_number(state: web::Data<State>, actor: Authed, path: Path<(String, String, String)>) -> ApiResult<HttpResponse> {
    let (user, name, number) = path.into_inner();
    let v = blocking(&state, move |app| app.build_by_number(&actor.0, &user, &name, &number)).await?;
    Ok(HttpResponse::Ok().json(build_json(&v)))
}

/// `codersdk.WorkspaceBuildParameter`.
#[derive(Serialize, ToSchema)]
#[schema(as = codersdk::WorkspaceBuildParameter)]
pub struct WorkspaceBuildParameter {
    /// The parameter.
    pub name: String,
    /// Its value in the build.
    pub value: String,
}

/// Get build parameters for workspace build
#[utoipa::path(
    operation_id = "get-build-parameters-for-workspace-build",
    tag = "Builds",
    params(("workspacebuild" = uuid::Uuid, Path, description = "Workspace build ID")),
    responses(
        (status = 200, description = "OK", body = Vec<WorkspaceBuildParameter>, example = json!([{"name": "region", "value": "eu"}])),
        (status = 400, description = "Not a UUID", body = Response),
        (status = 401, description = "Not signed in", body = Response),
        (status = 404, description = "No such build, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/workspacebuilds/{workspacebuild}/parameters")]
pub async fn build_parameters(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    let values = blocking(&state, move |app| app.build_parameter_values(&actor.0, &id)).await?;
    Ok(HttpResponse::Ok().json(values.into_iter().map(|(name, value)| WorkspaceBuildParameter { name, value }).collect::<Vec<_>>()))
}

/// `codersdk.AgentConnectionTiming`.
#[derive(Serialize, ToSchema)]
#[schema(as = codersdk::AgentConnectionTiming)]
pub struct AgentConnectionTiming {
    /// When the build made the agent.
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: time::OffsetDateTime,
    /// When it first connected.
    #[serde(with = "time::serde::rfc3339")]
    pub ended_at: time::OffsetDateTime,
    /// Always `connect`.
    pub stage: String,
    /// The agent.
    pub workspace_agent_id: uuid::Uuid,
    /// Its name.
    pub workspace_agent_name: String,
}

/// `codersdk.WorkspaceBuildTimings`.
#[derive(Serialize, ToSchema)]
#[schema(as = codersdk::WorkspaceBuildTimings)]
pub struct WorkspaceBuildTimings {
    /// The provisioner's stages (none recorded by this server).
    #[schema(value_type = Vec<Object>)]
    pub provisioner_timings: Vec<serde_json::Value>,
    /// The agents' startup scripts (none recorded by this server).
    #[schema(value_type = Vec<Object>)]
    pub agent_script_timings: Vec<serde_json::Value>,
    /// When each agent first connected.
    pub agent_connection_timings: Vec<AgentConnectionTiming>,
}

/// Get workspace build timings by ID
#[utoipa::path(
    operation_id = "get-workspace-build-timings-by-id",
    tag = "Builds",
    params(("workspacebuild" = uuid::Uuid, Path, description = "Workspace build ID")),
    responses(
        (status = 200, description = "OK", body = WorkspaceBuildTimings, example = json!({"provisioner_timings": [], "agent_script_timings": [],
            "agent_connection_timings": [{"started_at": "2026-12-08T10:00:00Z", "ended_at": "2026-12-08T10:00:04Z", "stage": "connect",
            "workspace_agent_id": "7c6b5a49-3827-4615-8f4e-3d2c1b0a9f8e", "workspace_agent_name": "main"}]})),
        (status = 400, description = "Not a UUID", body = Response),
        (status = 401, description = "Not signed in", body = Response),
        (status = 404, description = "No such build, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/workspacebuilds/{workspacebuild}/timings")]
pub async fn build_timings(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    let timings = blocking(&state, move |app| app.build_timings(&actor.0, &id)).await?;
    Ok(HttpResponse::Ok().json(WorkspaceBuildTimings {
        provisioner_timings: Vec::new(),
        agent_script_timings: Vec::new(),
        agent_connection_timings: timings
            .into_iter()
            .map(|t| AgentConnectionTiming {
                started_at: t.started_at,
                ended_at: t.ended_at,
                stage: "connect".into(),
                workspace_agent_id: t.agent_id,
                workspace_agent_name: t.agent_name,
            })
            .collect(),
    }))
}

/// `codersdk.ResolveAutostartResponse`.
#[derive(Serialize, ToSchema)]
#[schema(as = codersdk::ResolveAutostartResponse)]
pub struct ResolveAutostartResponse {
    /// An automatic start on the active version would lack a required parameter's value.
    pub parameter_mismatch: bool,
}

/// Resolve workspace autostart by id.
#[utoipa::path(
    operation_id = "resolve-workspace-autostart-by-id",
    tag = "Workspaces",
    params(("workspace" = uuid::Uuid, Path, description = "Workspace ID")),
    responses(
        (status = 200, description = "OK", body = ResolveAutostartResponse, example = json!({"parameter_mismatch": false})),
        (status = 400, description = "Not a UUID", body = Response),
        (status = 401, description = "Not signed in", body = Response),
        (status = 404, description = "No such workspace, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/workspaces/{workspace}/resolve-autostart")]
pub async fn resolve_autostart(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    let mismatch = blocking(&state, move |app| app.resolve_autostart(&actor.0, &id)).await?;
    Ok(HttpResponse::Ok().json(ResolveAutostartResponse { parameter_mismatch: mismatch }))
}

/// `codersdk.WorkspaceACL`.
#[derive(Serialize, ToSchema)]
#[schema(as = codersdk::WorkspaceACL)]
pub struct WorkspaceAcl {
    /// Users the workspace is shared with.
    #[schema(value_type = Vec<Object>)]
    pub users: Vec<serde_json::Value>,
    /// Groups the workspace is shared with.
    #[schema(value_type = Vec<Object>)]
    pub group: Vec<serde_json::Value>,
}

/// Get workspace ACLs
///
/// Who the workspace is shared with. This server does not share workspaces yet, so the lists are
/// empty; the caller must be allowed to read the workspace.
#[utoipa::path(
    operation_id = "get-workspace-acls",
    tag = "Workspaces",
    params(("workspace" = uuid::Uuid, Path, description = "Workspace ID")),
    responses(
        (status = 200, description = "OK", body = WorkspaceAcl, example = json!({"users": [], "group": []})),
        (status = 400, description = "Not a UUID", body = Response),
        (status = 401, description = "Not signed in", body = Response),
        (status = 404, description = "No such workspace, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/workspaces/{workspace}/acl")]
pub async fn workspace_acl(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    blocking(&state, move |app| app.readable_workspace(&actor.0, &id)).await?;
    Ok(HttpResponse::Ok().json(WorkspaceAcl { users: Vec::new(), group: Vec::new() }))
}

/// Watch workspace by ID via WebSockets
///
/// A WebSocket of `{"type": "data", "data": Workspace}` text messages: the workspace at once,
/// then again whenever it changes (its builds' jobs, its agents), with `{"type": "ping"}`
/// every 15 seconds in between.
#[utoipa::path(
    operation_id = "watch-workspace-by-id-via-websockets",
    tag = "Workspaces",
    params(("workspace" = uuid::Uuid, Path, description = "Workspace ID")),
    responses(
        (status = 101, description = "Switching protocols"),
        (status = 400, description = "Not a UUID, or not a WebSocket request", body = Response),
        (status = 401, description = "Not signed in", body = Response),
        (status = 404, description = "No such workspace, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/workspaces/{workspace}/watch-ws")]
pub async fn watch_workspace(
    state: web::Data<State>,
    actor: Authed,
    id: Path<String>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    let (a, i) = (actor.0.clone(), id.clone());
    let first = blocking(&state, move |app| app.get_workspace(&a, &i, false)).await?;
    crate::provisionerd::websocket::check_origin(&req, &state.info.access_url)?;
    let (response, mut session, mut messages) = actix_ws::handle(&req, body)
        .map_err(|e| ApiError(domain::Error::bad_request("Failed to accept websocket.").with_detail(e.to_string())))?;
    let mut wake = state.jobs.subscribe();
    let state = state.clone();
    let actor = actor.0;
    let id = id.into_inner();
    actix_web::rt::spawn(async move {
        let frame =
            |w: &domain::workspaces::workspace::WorkspaceView| serde_json::json!({"type": "data", "data": Workspace::from(w)}).to_string();
        let mut last = frame(&first);
        if session.text(last.clone()).await.is_err() {
            return;
        }
        // Agents change without a job: look again every few seconds as well.
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3));
        let mut since_ping = 0u32;
        loop {
            tokio::select! {
                changed = wake.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
                _ = tick.tick() => {
                    since_ping += 1;
                    if since_ping >= 5 {
                        since_ping = 0;
                        if session.text(r#"{"type":"ping"}"#).await.is_err() {
                            return;
                        }
                    }
                }
                msg = messages.next() => match msg {
                    Some(Ok(WsMessage::Ping(p))) => {
                        if session.pong(&p).await.is_err() {
                            return;
                        }
                        continue;
                    }
                    Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => continue,
                },
            }
            let (a, i) = (actor.clone(), id.clone());
            let Ok(w) = blocking(&state, move |app| app.get_workspace(&a, &i, true)).await else { break };
            let next = frame(&w);
            if next != last {
                if session.text(next.clone()).await.is_err() {
                    return;
                }
                last = next;
            }
        }
        let _ = session.close(None).await;
    });
    Ok(response)
}
