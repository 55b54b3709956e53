//! The agent API service (`coder.agent.v2.Agent`) over an agent's yamux session: the same
//! WebSocket, yamux and dRPC stack as `serve`, with the agent as the client. Calls the agent
//! needs an answer to are served from the domain; the rest answer dRPC's "unimplemented"
//! (code 12), which agents handle, or an empty reply where an agent would otherwise give up
//! its connection.

use std::sync::Arc;
use std::time::Duration;

use domain::app::App;
use domain::workspaces::agentapi::{AgentSession, STATS_INTERVAL_SECONDS};
use domain::workspaces::proto::coder::agent::v2 as ap;
use prost::Message;

use crate::provisionerd::drpc::{self, Call};

const AGENT: &str = "/coder.agent.v2.Agent/";
/// dRPC's code for a method the server does not implement.
const UNIMPLEMENTED: u64 = 12;

/// One connected agent.
pub struct AgentConnection {
    /// The use cases.
    pub app: App,
    /// Who the agent is.
    pub session: AgentSession,
    /// The API version it asked for.
    pub api_version: String,
}

async fn blocking<T: Send + 'static>(
    conn: &Arc<AgentConnection>,
    f: impl FnOnce(&App, &AgentSession) -> domain::Result<T> + Send + 'static,
) -> Result<T, String> {
    let c = conn.clone();
    match actix_web::rt::task::spawn_blocking(move || f(&c.app, &c.session)).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) if e.detail.is_empty() => Err(e.message),
        Ok(Err(e)) => Err(format!("{}: {}", e.message, e.detail)),
        Err(_) => Err("internal error".into()),
    }
}

/// Serves the agent until its session ends; it counts as connected meanwhile.
pub async fn run<S>(socket: S, conn: Arc<AgentConnection>)
where
    S: futures_util::io::AsyncRead + futures_util::io::AsyncWrite + Unpin + 'static,
{
    let _ = blocking(&conn, |app, s| app.agent_connected(s.agent.id)).await;
    let heartbeat = {
        let c = conn.clone();
        actix_web::rt::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(15)).await;
                let _ = blocking(&c, |app, s| app.agent_connected(s.agent.id)).await;
            }
        })
    };
    let c = conn.clone();
    drpc::serve_yamux(socket, move |stream| {
        actix_web::rt::spawn(serve_stream(stream, c.clone()));
    })
    .await;
    heartbeat.abort();
    let _ = blocking(&conn, |app, s| app.agent_disconnected(s.agent.id)).await;
}

async fn unary<Req, Resp>(
    call: &mut Call,
    conn: &Arc<AgentConnection>,
    f: impl FnOnce(&App, &AgentSession, Req) -> domain::Result<Resp> + Send + 'static,
) where
    Req: Message + Default + Send + 'static,
    Resp: Message + Send + 'static,
{
    let Some(data) = call.next_message().await else { return };
    let result = match Req::decode(data.as_slice()) {
        Ok(req) => blocking(conn, move |app, s| f(app, s, req)).await,
        Err(e) => Err(format!("unmarshal request: {e}")),
    };
    call.reply(result).await;
}

/// Replies with a fixed message after reading the request.
async fn constant<Resp: Message>(call: &mut Call, resp: Resp) {
    if call.next_message().await.is_some() {
        call.reply(Ok(resp)).await;
    }
}

async fn serve_stream(stream: yamux::Stream, conn: Arc<AgentConnection>) {
    let Some((mut call, name)) = drpc::accept(stream).await else { return };
    let method = name.strip_prefix(AGENT).unwrap_or("");
    let version = conn.api_version.clone();
    match method {
        "GetManifest" => unary(&mut call, &conn, |app, s, _: ap::GetManifestRequest| app.agent_manifest(s)).await,
        "UpdateLifecycle" => unary(&mut call, &conn, |app, s, req: ap::UpdateLifecycleRequest| app.update_agent_lifecycle(s, req)).await,
        "UpdateStartup" => {
            unary(&mut call, &conn, move |app, s, req: ap::UpdateStartupRequest| app.update_agent_startup(s, &version, req)).await
        }
        "ReportConnection" => {
            unary(&mut call, &conn, |app, s, req: ap::ReportConnectionRequest| app.report_agent_connection(s, req).map(|_| ())).await
        }
        "UpdateStats" => {
            let interval = prost_types::Duration { seconds: STATS_INTERVAL_SECONDS, nanos: 0 };
            constant(&mut call, ap::UpdateStatsResponse { report_interval: Some(interval) }).await
        }
        "GetAnnouncementBanners" => constant(&mut call, ap::GetAnnouncementBannersResponse::default()).await,
        "GetServiceBanner" => constant(&mut call, ap::ServiceBanner::default()).await,
        "GetResourcesMonitoringConfiguration" => {
            let config =
                ap::get_resources_monitoring_configuration_response::Config { num_datapoints: 20, collection_interval_seconds: 10 };
            constant(&mut call, ap::GetResourcesMonitoringConfigurationResponse { config: Some(config), memory: None, volumes: Vec::new() })
                .await
        }
        "PushResourcesMonitoringUsage" => constant(&mut call, ap::PushResourcesMonitoringUsageResponse::default()).await,
        "BatchCreateLogs" => constant(&mut call, ap::BatchCreateLogsResponse { log_limit_exceeded: false }).await,
        "BatchUpdateMetadata" => constant(&mut call, ap::BatchUpdateMetadataResponse::default()).await,
        "BatchUpdateAppHealths" => constant(&mut call, ap::BatchUpdateAppHealthResponse::default()).await,
        "ScriptCompleted" => constant(&mut call, ap::WorkspaceAgentScriptCompletedResponse::default()).await,
        _ => call.reply_error_code(UNIMPLEMENTED, "Unimplemented").await,
    }
    call.finish().await;
}
