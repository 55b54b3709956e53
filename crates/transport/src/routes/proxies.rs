//! Workspace proxies: the admin API and the proxies' own registration.

use actix_web::dev::Payload;
use actix_web::web::{self, Json, Path, ServiceConfig};
use actix_web::{delete, get, patch, post, FromRequest, HttpRequest, HttpResponse};
use domain::proxies::{NewProxy, ProxyPatch, Registration, WorkspaceProxy as Proxy};
use domain::Error;
use futures_util::future::LocalBoxFuture;

use crate::auth::Authed;
use crate::dto::{
    CreateWorkspaceProxyRequest, DeregisterWorkspaceProxyRequest, PatchWorkspaceProxy, Region, RegionsResponse,
    RegisterWorkspaceProxyRequest, RegisterWorkspaceProxyResponse, Replica, UpdateWorkspaceProxyResponse, WorkspaceProxiesResponse,
    WorkspaceProxy,
};
use crate::error::{ApiError, ApiResult, Response};
use crate::gate::{Gate, WorkspaceProxies};
use crate::state::{blocking, State};

/// The header a workspace proxy authenticates with.
pub const PROXY_TOKEN_HEADER: &str = "Coder-External-Proxy-Token";

/// A request made by a workspace proxy with its token.
pub struct ProxyAuthed(pub Proxy);

impl FromRequest for ProxyAuthed {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = req.headers().get(PROXY_TOKEN_HEADER).and_then(|v| v.to_str().ok()).map(|s| s.trim().to_string());
        let state = req.app_data::<web::Data<State>>().cloned();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError(Error::internal("Internal error.", "application state missing")))?;
            let proxy = blocking(&state, move |app| app.authenticate_proxy(token.as_deref())).await?;
            Ok(ProxyAuthed(proxy))
        })
    }
}

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(regions)
        .service(list_proxies)
        .service(create_proxy)
        .service(register)
        .service(deregister)
        .service(get_proxy)
        .service(patch_proxy)
        .service(delete_proxy);
}

/// Get workspace proxies
///
/// The built-in `primary` first, then every proxy, each with its latest health check.
#[utoipa::path(
    operation_id = "get-workspace-proxies",
    tag = "Enterprise",
    responses(
        (status = 200, description = "OK", body = WorkspaceProxiesResponse),
        (status = 403, description = "The deployment is not licensed for Workspace Proxy", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/workspaceproxies")]
pub async fn list_proxies(_: Gate<WorkspaceProxies>, state: web::Data<State>, actor: Authed) -> ApiResult<HttpResponse> {
    let list = blocking(&state, move |app| app.list_proxies(&actor.0)).await?;
    Ok(HttpResponse::Ok().json(WorkspaceProxiesResponse { regions: list.iter().map(WorkspaceProxy::from).collect() }))
}

/// Create workspace proxy
///
/// Answers the proxy and its token `<id>:<secret>`, shown only here.
#[utoipa::path(
    operation_id = "create-workspace-proxy",
    tag = "Enterprise",
    request_body = CreateWorkspaceProxyRequest,
    responses(
        (status = 201, description = "Created", body = UpdateWorkspaceProxyResponse),
        (status = 400, description = "Not valid JSON, no name, or the reserved name `primary`", body = Response),
        (status = 403, description = "Not licensed, or not an owner", body = Response),
        (status = 409, description = "The name is taken", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/workspaceproxies")]
pub async fn create_proxy(
    _: Gate<WorkspaceProxies>,
    state: web::Data<State>,
    actor: Authed,
    body: Json<CreateWorkspaceProxyRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let input = NewProxy { name: b.name, display_name: b.display_name, icon: b.icon };
    let (view, token) = blocking(&state, move |app| app.create_proxy(&actor.0, input)).await?;
    Ok(HttpResponse::Created().json(UpdateWorkspaceProxyResponse { proxy: WorkspaceProxy::from(&view), proxy_token: token }))
}

/// Get site-wide regions for workspace connections
///
/// Every region the caller may use: the workspace proxies when they are licensed, else this
/// deployment alone (`primary`), as Coder answers.
#[utoipa::path(
    operation_id = "get-site-wide-regions-for-workspace-connections",
    tag = "WorkspaceProxies",
    responses((
        status = 200,
        description = "OK",
        body = RegionsResponse,
        example = json!({"regions": [{
            "id": "c6f1bd56-0c4b-44f4-8e4c-2a0c0c54bd15", "name": "primary", "display_name": "Default",
            "icon_url": "/emojis/1f3e1.png", "healthy": true, "path_app_url": "https://coder.example.com", "wildcard_hostname": ""
        }]})
    )),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/regions")]
pub async fn regions(state: web::Data<State>, actor: Authed) -> ApiResult<HttpResponse> {
    let list = blocking(&state, move |app| app.regions(&actor.0)).await?;
    Ok(HttpResponse::Ok().json(RegionsResponse { regions: list.iter().map(|v| Region::from(&WorkspaceProxy::from(v))).collect() }))
}

/// Get workspace proxy
#[utoipa::path(
    operation_id = "get-workspace-proxy",
    tag = "Enterprise",
    params(("workspaceproxy" = String, Path, description = "Proxy ID, name, `primary`, or the deployment ID")),
    responses(
        (status = 200, description = "OK", body = WorkspaceProxy),
        (status = 403, description = "The deployment is not licensed for Workspace Proxy", body = Response),
        (status = 404, description = "No such proxy", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/workspaceproxies/{workspaceproxy}")]
pub async fn get_proxy(_: Gate<WorkspaceProxies>, state: web::Data<State>, actor: Authed, param: Path<String>) -> ApiResult<HttpResponse> {
    let view = blocking(&state, move |app| app.get_proxy(&actor.0, &param)).await?;
    Ok(HttpResponse::Ok().json(WorkspaceProxy::from(&view)))
}

/// Update workspace proxy
///
/// `regenerate_token: true` makes a new token (answered once) and stops the old one.
#[utoipa::path(
    operation_id = "update-workspace-proxy",
    tag = "Enterprise",
    params(("workspaceproxy" = String, Path, description = "Proxy ID, name, `primary`, or the deployment ID")),
    request_body = PatchWorkspaceProxy,
    responses(
        (status = 200, description = "OK", body = UpdateWorkspaceProxyResponse),
        (status = 400, description = "Not valid JSON, a missing field, a reserved name, or renaming the primary", body = Response),
        (status = 403, description = "Not licensed, or not an owner (for the primary)", body = Response),
        (status = 404, description = "No such proxy, or not an owner", body = Response),
        (status = 409, description = "The name is taken", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[patch("/api/v2/workspaceproxies/{workspaceproxy}")]
pub async fn patch_proxy(
    _: Gate<WorkspaceProxies>,
    state: web::Data<State>,
    actor: Authed,
    param: Path<String>,
    body: Json<PatchWorkspaceProxy>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let patch = ProxyPatch { id: b.id, name: b.name, display_name: b.display_name, icon: b.icon, regenerate_token: b.regenerate_token };
    let (view, token) = blocking(&state, move |app| app.patch_proxy(&actor.0, &param, patch)).await?;
    Ok(HttpResponse::Ok().json(UpdateWorkspaceProxyResponse { proxy: WorkspaceProxy::from(&view), proxy_token: token }))
}

/// Delete workspace proxy
///
/// A soft delete: the proxy leaves the list and its token stops working; by id it can still be read.
#[utoipa::path(
    operation_id = "delete-workspace-proxy",
    tag = "Enterprise",
    params(("workspaceproxy" = String, Path, description = "Proxy ID, name, `primary`, or the deployment ID")),
    responses(
        (status = 200, description = "OK", body = Response, example = json!({"message": "Proxy has been deleted!"})),
        (status = 400, description = "The primary cannot be deleted", body = Response),
        (status = 403, description = "The deployment is not licensed for Workspace Proxy", body = Response),
        (status = 404, description = "No such proxy, or not an owner", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[delete("/api/v2/workspaceproxies/{workspaceproxy}")]
pub async fn delete_proxy(
    _: Gate<WorkspaceProxies>,
    state: web::Data<State>,
    actor: Authed,
    param: Path<String>,
) -> ApiResult<HttpResponse> {
    blocking(&state, move |app| app.delete_proxy(&actor.0, &param)).await?;
    Ok(HttpResponse::Ok().json(Response::message("Proxy has been deleted!")))
}

/// Register workspace proxy
///
/// Called by a proxy (with its `Coder-External-Proxy-Token`) at start-up and every 30 seconds.
#[utoipa::path(
    operation_id = "register-workspace-proxy",
    tag = "Enterprise",
    request_body = RegisterWorkspaceProxyRequest,
    responses(
        (status = 201, description = "Registered", body = RegisterWorkspaceProxyResponse),
        (status = 400, description = "Not valid JSON, a bad access URL or wildcard hostname, no replica id, or DERP-only without DERP", body = Response),
        (status = 401, description = "No, a malformed, an unknown or a revoked proxy token", body = Response),
        (status = 403, description = "The deployment is not licensed for Workspace Proxy", body = Response),
    ),
    security(("CoderExternalProxyToken" = [])),
)]
#[post("/api/v2/workspaceproxies/me/register")]
pub async fn register(
    _: Gate<WorkspaceProxies>,
    state: web::Data<State>,
    proxy: ProxyAuthed,
    body: Json<RegisterWorkspaceProxyRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let reg = Registration {
        access_url: b.access_url,
        wildcard_hostname: b.wildcard_hostname,
        derp_enabled: b.derp_enabled,
        derp_only: b.derp_only,
        replica_id: b.replica_id.unwrap_or_default(),
        hostname: b.hostname,
        replica_error: b.replica_error,
        replica_relay_address: b.replica_relay_address,
        version: b.version,
    };
    let done = blocking(&state, move |app| app.register_proxy(&proxy.0, reg)).await?;
    Ok(HttpResponse::Created().json(RegisterWorkspaceProxyResponse {
        derp_mesh_key: done.derp_mesh_key,
        derp_region_id: done.derp_region_id,
        derp_map: serde_json::json!({"Regions": {}}),
        derp_force_websockets: done.derp_force_websockets,
        sibling_replicas: done.sibling_replicas.iter().map(Replica::from).collect(),
    }))
}

/// Deregister workspace proxy
///
/// Called by a proxy replica shutting down: it is marked stopped.
#[utoipa::path(
    operation_id = "deregister-workspace-proxy",
    tag = "Enterprise",
    request_body = DeregisterWorkspaceProxyRequest,
    responses(
        (status = 204, description = "Deregistered"),
        (status = 400, description = "Not valid JSON", body = Response),
        (status = 401, description = "No, a malformed, an unknown or a revoked proxy token", body = Response),
        (status = 403, description = "The deployment is not licensed for Workspace Proxy", body = Response),
        (status = 404, description = "No such replica of this proxy", body = Response),
    ),
    security(("CoderExternalProxyToken" = [])),
)]
#[post("/api/v2/workspaceproxies/me/deregister")]
pub async fn deregister(
    _: Gate<WorkspaceProxies>,
    state: web::Data<State>,
    proxy: ProxyAuthed,
    body: Json<DeregisterWorkspaceProxyRequest>,
) -> ApiResult<HttpResponse> {
    let replica = body.into_inner().replica_id.unwrap_or_default();
    blocking(&state, move |app| app.deregister_proxy(&proxy.0, replica)).await?;
    Ok(HttpResponse::NoContent().finish())
}
