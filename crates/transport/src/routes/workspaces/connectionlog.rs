//! `GET /connectionlog`.

use actix_web::web;
use actix_web::{get, HttpRequest, HttpResponse};
use domain::connectionlog::COUNT_CAP;

use crate::auth::Authed;
use crate::dto::{ConnectionLog, ConnectionLogResponse};
use crate::error::{ApiResult, Response};
use crate::query;
use crate::state::{blocking, State};

/// Get connection logs
#[utoipa::path(
    operation_id = "get-connection-logs",
    tag = "Enterprise",
    params(
        ("q" = Option<String>, Query, description = "Search: `organization:`, `workspace_owner:`, `workspace_owner_email:`, `type:`, `username:`, `user_email:`, `connected_after:\"<RFC 3339>\"`, `connected_before:\"<RFC 3339>\"`, `workspace_id:`, `connection_id:`, `status:ongoing|completed`"),
        ("limit" = Option<i32>, Query, minimum = 0, description = "Page limit (default 100)"),
        ("offset" = Option<i32>, Query, minimum = 0, description = "Page offset"),
    ),
    responses(
        (status = 200, description = "OK", body = ConnectionLogResponse),
        (status = 400, description = "Invalid search or pagination", body = Response),
        (status = 403, description = "The deployment is not licensed for connection logs", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/connectionlog")]
pub async fn connection_logs(state: web::Data<State>, actor: Authed, req: HttpRequest) -> ApiResult<HttpResponse> {
    let pairs = query::pairs(&req);
    let page = query::page(&pairs)?;
    let q = query::string(&pairs, "q");
    let logs = blocking(&state, move |app| app.connection_logs(&actor.0, &q, page.limit, page.offset)).await?;
    Ok(HttpResponse::Ok().json(ConnectionLogResponse {
        connection_logs: logs.items.iter().map(ConnectionLog::from).collect(),
        count: logs.count,
        count_cap: COUNT_CAP,
    }))
}
