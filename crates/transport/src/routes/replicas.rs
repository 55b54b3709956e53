//! The server processes of the deployment.

use actix_web::web::{self, ServiceConfig};
use actix_web::{get, HttpResponse};

use crate::auth::Authed;
use crate::dto::Replica;
use crate::error::{ApiResult, Response};
use crate::state::State;

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(replicas);
}

/// Get active replicas
///
/// This process first, then every other live one; from memory, refreshed by heartbeats.
#[utoipa::path(
    operation_id = "get-active-replicas",
    tag = "Enterprise",
    responses(
        (status = 200, description = "OK", body = Vec<Replica>),
        (status = 404, description = "Only owners may list replicas", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/replicas")]
pub async fn replicas(state: web::Data<State>, actor: Authed) -> ApiResult<HttpResponse> {
    let list = state.app.list_replicas(&actor.0)?;
    Ok(HttpResponse::Ok().json(list.iter().map(Replica::from).collect::<Vec<_>>()))
}
