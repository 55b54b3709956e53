//! `serve`: where an external provisioner daemon connects. The request authenticates (a
//! provisioner key, the pre-shared key, or a user's session: exactly one), registers the
//! daemon, and becomes the WebSocket the daemon's yamux session runs over.

use std::sync::Arc;

use actix_web::web::{self, Path};
use actix_web::{get, HttpRequest, HttpResponse};
use domain::provisioners::daemons::{DaemonAuth, ServeRequest};
use domain::Error;

use super::{header, KEY_HEADER, PSK_HEADER};
use crate::auth::MaybeAuthed;
use crate::error::{ApiError, ApiResult, Response};
use crate::gate::{Gate, ProvisionerDaemons};
use crate::provisionerd::{service, websocket};
use crate::query;
use crate::state::{blocking, State};

/// Serve provisioner daemon
#[utoipa::path(
    operation_id = "serve-provisioner-daemon",
    tag = "Enterprise",
    params(
        ("organization" = String, Path, description = "Organization ID or name (key-authenticated daemons use their key's organization)"),
        ("provisioner" = Vec<String>, Query, description = "Provisioner types the daemon runs: `terraform`, `echo` (repeatable)"),
        ("tag" = Option<Vec<String>>, Query, description = "Tags as `key=value` (repeatable; not with a provisioner key)"),
        ("name" = Option<String>, Query, description = "Daemon name (random when absent)"),
        ("version" = Option<String>, Query, description = "Protocol version the daemon speaks (`1.0`–`1.18`)"),
    ),
    responses(
        (status = 101, description = "Switching Protocols: the WebSocket carrying the daemon's yamux session"),
        (status = 400, description = "Malformed tag, missing or unknown provisioner, bad version, both a session and daemon credentials, or not a WebSocket request", body = Response),
        (status = 401, description = "Neither a session nor daemon credentials", body = Response),
        (status = 403, description = "Not allowed to run daemons with these tags here, a cross-origin request, or the deployment is not licensed for external provisioner daemons", body = Response),
        (status = 404, description = "No such organization", body = Response),
    ),
    security(("CoderSessionToken" = []), ("CoderProvisionerKey" = []), ("CoderProvisionerPSK" = [])),
)]
#[get("/api/v2/organizations/{organization}/provisionerdaemons/serve")]
pub async fn serve(
    _: Gate<ProvisionerDaemons>,
    state: web::Data<State>,
    user: MaybeAuthed,
    org: Path<String>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    websocket::check_origin(&req, &state.info.access_url)?;
    let daemon_auth = match (header(&req, KEY_HEADER), header(&req, PSK_HEADER)) {
        (Some(key), _) => blocking(&state, move |app| app.authenticate_provisioner_key(&key)).await.ok().map(DaemonAuth::Key),
        (None, Some(psk)) if state.app.provisioner_psk_matches(&psk) => Some(DaemonAuth::Psk),
        _ => None,
    };
    let auth = match (user.0, daemon_auth) {
        (Some(_), Some(_)) => {
            return Err(ApiError(Error::bad_request("API key and external provisioner authentication provided, but only one is allowed")))
        }
        (None, None) => {
            return Err(ApiError(Error::unauthorized("API key or external provisioner authentication required, but none provided")))
        }
        (Some(actor), None) => DaemonAuth::User(Box::new(actor)),
        (None, Some(d)) => d,
    };
    let pairs = query::pairs(&req);
    let all = |k: &str| pairs.iter().filter(|(key, _)| key == k).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    let first = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let ask = ServeRequest {
        name: first("name").unwrap_or_default(),
        provisioners: all("provisioner"),
        tags: all("tag"),
        api_version: first("version"),
        build_version: header(&req, "X-Coder-Build-Version").unwrap_or_default(),
    };
    let daemon = blocking(&state, move |app| app.register_daemon(&auth, &org, ask)).await?;
    let (response, session, messages) = actix_ws::handle(&req, body)
        .map_err(|e| ApiError(Error::bad_request("Internal error accepting websocket connection.").with_detail(e.to_string())))?;
    let socket = websocket::byte_stream(session, messages);
    let session = Arc::new(service::DaemonSession { app: state.app.clone(), daemon, wakeup: state.jobs.clone() });
    actix_web::rt::spawn(service::run(socket, session));
    Ok(response)
}
