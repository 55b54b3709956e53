//! Notification templates and dispatch methods.

use actix_web::web::{self, Path, ServiceConfig};
use actix_web::{get, put, HttpResponse};
use domain::notifications::MethodUpdate;

use crate::auth::Authed;
use crate::dto::{NotificationMethodsResponse, NotificationTemplate, UpdateNotificationTemplateMethod};
use crate::error::{ApiResult, Response};
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(system_templates).service(dispatch_methods).service(put_template_method);
}

/// Get system notification templates
#[utoipa::path(
    operation_id = "get-system-notification-templates",
    tag = "Notifications",
    responses(
        (status = 200, description = "OK", body = Vec<NotificationTemplate>),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/notifications/templates/system")]
pub async fn system_templates(state: web::Data<State>, _actor: Authed) -> ApiResult<HttpResponse> {
    let list = blocking(&state, |app| app.system_notification_templates()).await?;
    Ok(HttpResponse::Ok().json(list.iter().map(NotificationTemplate::from).collect::<Vec<_>>()))
}

/// Get notification dispatch methods
#[utoipa::path(
    operation_id = "get-notification-dispatch-methods",
    tag = "Notifications",
    responses(
        (status = 200, description = "OK", body = NotificationMethodsResponse),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/notifications/dispatch-methods")]
pub async fn dispatch_methods(state: web::Data<State>, _actor: Authed) -> HttpResponse {
    let (available, default) = state.app.notification_dispatch_methods();
    HttpResponse::Ok().json(NotificationMethodsResponse { available: available.into_iter().map(String::from).collect(), default })
}

/// Update notification template dispatch method
#[utoipa::path(
    operation_id = "update-notification-template-dispatch-method",
    tag = "Enterprise",
    params(("notification_template" = uuid::Uuid, Path, description = "Notification template UUID")),
    request_body = UpdateNotificationTemplateMethod,
    responses(
        (status = 200, description = "Success", body = Response, example = json!({"message": "Successfully updated notification template method."})),
        (status = 304, description = "Not modified: the template already uses that method"),
        (status = 400, description = "A malformed id, or a method other than smtp, webhook or inbox", body = Response),
        (status = 404, description = "No such template, or not an owner", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[put("/api/v2/notifications/templates/{notification_template}/method")]
pub async fn put_template_method(state: web::Data<State>, actor: Authed, id: Path<String>, body: web::Bytes) -> ApiResult<HttpResponse> {
    let (a, i) = (actor.clone(), id.clone());
    blocking(&state, move |app| app.find_notification_template(&a.0, &i)).await?;
    let method = crate::de::json_body::<UpdateNotificationTemplateMethod>(&body)?.method;
    let outcome = blocking(&state, move |app| app.set_notification_template_method(&actor.0, &id, &method)).await?;
    Ok(match outcome {
        MethodUpdate::Updated => HttpResponse::Ok().json(Response::message("Successfully updated notification template method.")),
        MethodUpdate::Unchanged => HttpResponse::NotModified().finish(),
    })
}
