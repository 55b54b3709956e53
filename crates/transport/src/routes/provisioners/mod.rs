//! Provisioner keys, the daemons list, and `serve`, where external daemons connect.

pub mod joblogs;
pub mod serve;

use actix_web::web::{self, Path, ServiceConfig};
use actix_web::{delete, get, post, HttpRequest, HttpResponse};
use domain::provisioners::daemons::DaemonQuery;
use domain::Error;

use crate::auth::Authed;
use crate::dto::{CreateProvisionerKeyRequest, CreateProvisionerKeyResponse, ProvisionerDaemon, ProvisionerKey, ProvisionerKeyDaemons};
use crate::error::{ApiError, ApiResult, Response};
use crate::query;
use crate::state::{blocking, State};

/// The header a daemon presents its provisioner key in.
pub const KEY_HEADER: &str = "Coder-Provisioner-Daemon-Key";
/// The header a daemon presents the pre-shared key in.
pub const PSK_HEADER: &str = "Coder-Provisioner-Daemon-PSK";

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_keys)
        .service(create_key)
        .service(key_daemons)
        .service(delete_key)
        .service(key_self)
        .service(list_daemons)
        .service(serve::serve);
}

/// List provisioner key
#[utoipa::path(
    operation_id = "list-provisioner-key",
    tag = "Enterprise",
    params(("organization" = String, Path, description = "Organization ID or name")),
    responses(
        (status = 200, description = "OK", body = Vec<ProvisionerKey>),
        (status = 403, description = "The deployment is not licensed for external provisioner daemons", body = Response),
        (status = 404, description = "No such organization, or not a member", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations/{organization}/provisionerkeys")]
pub async fn list_keys(state: web::Data<State>, actor: Authed, org: Path<String>) -> ApiResult<HttpResponse> {
    let keys = blocking(&state, move |app| app.list_provisioner_keys(&actor.0, &org)).await?;
    Ok(HttpResponse::Ok().json(keys.iter().map(ProvisionerKey::from).collect::<Vec<_>>()))
}

/// Create provisioner key
#[utoipa::path(
    operation_id = "create-provisioner-key",
    tag = "Enterprise",
    params(("organization" = String, Path, description = "Organization ID or name")),
    request_body = CreateProvisionerKeyRequest,
    responses(
        (status = 201, description = "Created", body = CreateProvisionerKeyResponse),
        (status = 400, description = "Missing, too long or reserved name", body = Response),
        (status = 403, description = "Not allowed to manage provisioner keys here, or the deployment is not licensed for external provisioner daemons", body = Response),
        (status = 404, description = "No such organization, or not a member", body = Response),
        (status = 409, description = "Name taken in this organization", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/organizations/{organization}/provisionerkeys")]
pub async fn create_key(state: web::Data<State>, actor: Authed, org: Path<String>, body: web::Bytes) -> ApiResult<HttpResponse> {
    let b: CreateProvisionerKeyRequest = crate::de::json_body(&body)?;
    let key = blocking(&state, move |app| app.create_provisioner_key(&actor.0, &org, &b.name, b.tags)).await?;
    Ok(HttpResponse::Created().json(CreateProvisionerKeyResponse { key }))
}

/// List provisioner key daemons
#[utoipa::path(
    operation_id = "list-provisioner-key-daemons",
    tag = "Enterprise",
    params(("organization" = String, Path, description = "Organization ID or name")),
    responses(
        (status = 200, description = "OK", body = Vec<ProvisionerKeyDaemons>),
        (status = 403, description = "The deployment is not licensed for external provisioner daemons", body = Response),
        (status = 404, description = "No such organization, or not a member", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations/{organization}/provisionerkeys/daemons")]
pub async fn key_daemons(state: web::Data<State>, actor: Authed, org: Path<String>) -> ApiResult<HttpResponse> {
    let list = blocking(&state, move |app| app.provisioner_key_daemons(&actor.0, &org)).await?;
    let body: Vec<ProvisionerKeyDaemons> = list
        .iter()
        .map(|k| ProvisionerKeyDaemons {
            key: ProvisionerKey::from(&k.key),
            daemons: k.daemons.iter().map(ProvisionerDaemon::from).collect(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

/// Delete provisioner key
#[utoipa::path(
    operation_id = "delete-provisioner-key",
    tag = "Enterprise",
    params(
        ("organization" = String, Path, description = "Organization ID or name"),
        ("provisionerkey" = String, Path, description = "Provisioner key name"),
    ),
    responses(
        (status = 204, description = "No Content"),
        (status = 400, description = "A reserved key", body = Response),
        (status = 403, description = "Not allowed to manage provisioner keys here, or the deployment is not licensed for external provisioner daemons", body = Response),
        (status = 404, description = "No such organization or key", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[delete("/api/v2/organizations/{organization}/provisionerkeys/{provisionerkey}")]
pub async fn delete_key(state: web::Data<State>, actor: Authed, path: Path<(String, String)>) -> ApiResult<HttpResponse> {
    let (org, name) = path.into_inner();
    blocking(&state, move |app| app.delete_provisioner_key(&actor.0, &org, &name)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Fetch provisioner key details
#[utoipa::path(
    operation_id = "fetch-provisioner-key-details",
    tag = "Enterprise",
    params(("provisionerkey" = String, Path, description = "Provisioner key (the SDK sends the key here and in the header; the header decides)")),
    responses(
        (status = 200, description = "OK", body = ProvisionerKey),
        (status = 400, description = "A key that is not 43 characters, or both a key and a pre-shared key", body = Response),
        (status = 401, description = "No key, or an unknown one", body = Response),
    ),
    security(("CoderProvisionerKey" = [])),
)]
#[get("/api/v2/provisionerkeys/{provisionerkey}")]
pub async fn key_self(state: web::Data<State>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let presented = header(&req, KEY_HEADER);
    if presented.is_some() && header(&req, PSK_HEADER).is_some() {
        return Err(ApiError(Error::bad_request("provisioner daemon key and psk provided, but only one is allowed")));
    }
    let presented = presented.ok_or_else(|| ApiError(Error::unauthorized("provisioner daemon key required")))?;
    let key = blocking(&state, move |app| app.authenticate_provisioner_key(&presented)).await?;
    Ok(HttpResponse::Ok().json(ProvisionerKey::from(&key)))
}

/// A request header as text, when present and not empty.
pub fn header(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers().get(name).and_then(|v| v.to_str().ok()).filter(|v| !v.is_empty()).map(str::to_string)
}

/// Get provisioner daemons
#[utoipa::path(
    operation_id = "get-provisioner-daemons",
    tag = "Provisioning",
    params(
        ("organization" = String, Path, description = "Organization ID or name"),
        ("limit" = Option<i32>, Query, minimum = 0, description = "At most this many daemons (default 50; 0 for all)"),
        ("ids" = Option<Vec<uuid::Uuid>>, Query, description = "Only these daemons (comma-separated)"),
        ("status" = Option<Vec<String>>, Query, description = "Only daemons in these states: `offline`, `idle`, `busy` (comma-separated)"),
        ("tags" = Option<String>, Query, description = "Only daemons whose tags include these, as a JSON object"),
        ("offline" = Option<bool>, Query, description = "Include daemons not seen for 90 seconds"),
        ("max_age" = Option<String>, Query, description = "Only daemons seen within this Go duration (`24h`, `30m`)"),
    ),
    responses(
        (status = 200, description = "OK", body = Vec<ProvisionerDaemon>),
        (status = 400, description = "An unknown or malformed query parameter", body = Response),
        (status = 404, description = "No such organization, or not allowed to read its provisioner jobs", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations/{organization}/provisionerdaemons")]
pub async fn list_daemons(state: web::Data<State>, actor: Authed, org: Path<String>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let q = DaemonQuery::parse(&query::pairs(&req))?;
    let list = blocking(&state, move |app| app.list_provisioner_daemons(&actor.0, &org, q)).await?;
    Ok(HttpResponse::Ok().json(list.iter().map(ProvisionerDaemon::from).collect::<Vec<_>>()))
}
