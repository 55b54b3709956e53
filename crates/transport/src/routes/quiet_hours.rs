//! Users' quiet hours schedules.

use actix_web::web::{self, Json, Path, ServiceConfig};
use actix_web::{get, put, HttpResponse};

use crate::auth::Authed;
use crate::dto::{UpdateUserQuietHoursScheduleRequest, UserQuietHoursScheduleResponse};
use crate::error::{ApiResult, Response};
use crate::gate::{Gate, QuietHours};
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_quiet_hours).service(put_quiet_hours);
}

/// Get user quiet hours schedule
///
/// Gated on `advanced_template_scheduling` before authentication, as in Coder. One object (Coder's
/// Swagger says an array; its handler and Go client use one object).
#[utoipa::path(
    operation_id = "get-user-quiet-hours-schedule",
    tag = "Enterprise",
    params(("user" = String, Path, description = "User ID, username, or `me`")),
    responses(
        (status = 200, description = "OK", body = UserQuietHoursScheduleResponse),
        (status = 400, description = "No such user", body = Response),
        (status = 403, description = "The deployment is not licensed for advanced template scheduling", body = Response),
        (status = 404, description = "Not allowed to read this user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/{user}/quiet-hours")]
pub async fn get_quiet_hours(_: Gate<QuietHours>, state: web::Data<State>, actor: Authed, user: Path<String>) -> ApiResult<HttpResponse> {
    let q = blocking(&state, move |app| app.quiet_hours(&actor.0, &user)).await?;
    Ok(HttpResponse::Ok().json(UserQuietHoursScheduleResponse::from(&q)))
}

/// Update user quiet hours schedule
#[utoipa::path(
    operation_id = "update-user-quiet-hours-schedule",
    tag = "Enterprise",
    params(("user" = String, Path, description = "User ID, username, or `me`")),
    request_body = UpdateUserQuietHoursScheduleRequest,
    responses(
        (status = 200, description = "OK", body = UserQuietHoursScheduleResponse),
        (status = 400, description = "Not valid JSON, an empty or invalid schedule, or no such user", body = Response),
        (status = 403, description = "Not licensed, custom schedules are off, or not allowed to change this user", body = Response),
        (status = 404, description = "Not allowed to read this user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[put("/api/v2/users/{user}/quiet-hours")]
pub async fn put_quiet_hours(
    _: Gate<QuietHours>,
    state: web::Data<State>,
    actor: Authed,
    user: Path<String>,
    body: Json<UpdateUserQuietHoursScheduleRequest>,
) -> ApiResult<HttpResponse> {
    let schedule = body.into_inner().schedule;
    let q = blocking(&state, move |app| app.set_quiet_hours(&actor.0, &user, &schedule)).await?;
    Ok(HttpResponse::Ok().json(UserQuietHoursScheduleResponse::from(&q)))
}
