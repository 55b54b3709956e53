//! `GET /workspaceagents/me/rpc`: where a workspace agent connects with its token.

use std::sync::Arc;

use actix_web::web;
use actix_web::{get, HttpRequest, HttpResponse};
use domain::workspaces::agentapi::check_agent_api_version;
use domain::Error;

use crate::agentapi::{self, AgentConnection};
use crate::error::{ApiError, ApiResult, Response};
use crate::provisionerd::websocket;
use crate::query;
use crate::state::{blocking, State};

/// Workspace agent RPC API
#[utoipa::path(
    operation_id = "workspace-agent-rpc-api",
    tag = "Agents",
    params(
        ("version" = Option<String>, Query, description = "The agent API version the agent speaks (`2.0`–`2.10`; default `2.0`)"),
        ("role" = Option<String>, Query, description = "`agent` (the default) for the workspace agent itself"),
    ),
    responses(
        (status = 101, description = "Switching Protocols: the WebSocket carrying the agent's yamux session (dRPC `coder.agent.v2.Agent`)"),
        (status = 400, description = "An unsupported API version, or not a WebSocket request", body = Response),
        (status = 401, description = "No agent token, a malformed one, or one of no current agent", body = Response),
        (status = 403, description = "A cross-origin request", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/workspaceagents/me/rpc")]
pub async fn agent_rpc(state: web::Data<State>, req: HttpRequest, body: web::Payload) -> ApiResult<HttpResponse> {
    websocket::check_origin(&req, &state.info.access_url)?;
    let token = crate::auth::token_from_request(&req);
    let session = blocking(&state, move |app| app.authenticate_agent(token.as_deref())).await?;
    let pairs = query::pairs(&req);
    let version =
        pairs.iter().find(|(k, _)| k == "version").map(|(_, v)| v.clone()).filter(|v| !v.is_empty()).unwrap_or_else(|| "2.0".into());
    if let Err(e) = check_agent_api_version(&version) {
        return Err(ApiError(Error::invalid_field("Unknown or unsupported API version", "version", e)));
    }
    let (response, ws, messages) =
        actix_ws::handle(&req, body).map_err(|e| ApiError(Error::bad_request("Failed to accept websocket.").with_detail(e.to_string())))?;
    let socket = websocket::byte_stream(ws, messages);
    let conn = Arc::new(AgentConnection { app: state.app.clone(), session, api_version: version });
    actix_web::rt::spawn(agentapi::run(socket, conn));
    Ok(response)
}
