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
    cfg.service(system_templates)
        .service(custom_templates)
        .service(dispatch_methods)
        .service(put_template_method)
        .service(user_preferences)
        .service(put_user_preferences);
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

/// Get custom notification templates
#[utoipa::path(
    operation_id = "get-custom-notification-templates",
    tag = "Notifications",
    responses(
        (status = 200, description = "OK", body = Vec<NotificationTemplate>),
        (status = 401, description = "Not signed in", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/notifications/templates/custom")]
pub async fn custom_templates(state: web::Data<State>, _actor: Authed) -> ApiResult<HttpResponse> {
    let list = blocking(&state, |app| app.custom_notification_templates()).await?;
    Ok(HttpResponse::Ok().json(list.iter().map(NotificationTemplate::from).collect::<Vec<_>>()))
}

/// `codersdk.NotificationPreference`: a template a user turned on or off.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = codersdk::NotificationPreference)]
pub struct NotificationPreference {
    /// The notification template.
    pub id: uuid::Uuid,
    /// Whether the user turned it off.
    pub disabled: bool,
    /// When the choice was made.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: time::OffsetDateTime,
}

/// `codersdk.UpdateUserNotificationPreferences`.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = codersdk::UpdateUserNotificationPreferences,
    example = json!({"template_disabled_map": {"f517da0b-cdc9-410f-ab89-a86107c420ed": true}}))]
pub struct UpdateUserNotificationPreferences {
    /// Template id → whether it is turned off.
    pub template_disabled_map: std::collections::BTreeMap<String, bool>,
}

fn preferences_json(list: Vec<(uuid::Uuid, bool, time::OffsetDateTime)>) -> HttpResponse {
    HttpResponse::Ok()
        .json(list.into_iter().map(|(id, disabled, updated_at)| NotificationPreference { id, disabled, updated_at }).collect::<Vec<_>>())
}

/// Get user notification preferences
///
/// The templates the user turned on or off; a template not listed follows its default. The
/// user themselves and owners.
#[utoipa::path(
    operation_id = "get-user-notification-preferences",
    tag = "Notifications",
    params(("user" = String, Path, description = "User ID, name, or me")),
    responses(
        (status = 200, description = "OK", body = Vec<NotificationPreference>,
            example = json!([{"id": "f517da0b-cdc9-410f-ab89-a86107c420ed", "disabled": true, "updated_at": "2026-12-08T10:00:00Z"}])),
        (status = 401, description = "Not signed in", body = Response),
        (status = 403, description = "The caller may see the user but not their preferences", body = Response),
        (status = 404, description = "No such user, or one the caller may not see", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/{user}/notifications/preferences")]
pub async fn user_preferences(state: web::Data<State>, actor: Authed, user: Path<String>) -> ApiResult<HttpResponse> {
    let list = blocking(&state, move |app| app.notification_preferences(&actor.0, &user)).await?;
    Ok(preferences_json(list))
}

/// Update user notification preferences
///
/// Turns templates on or off for the user; answers every stored choice. All or nothing.
#[utoipa::path(
    operation_id = "update-user-notification-preferences",
    tag = "Notifications",
    params(("user" = String, Path, description = "User ID, name, or me")),
    request_body = UpdateUserNotificationPreferences,
    responses(
        (status = 200, description = "OK", body = Vec<NotificationPreference>,
            example = json!([{"id": "f517da0b-cdc9-410f-ab89-a86107c420ed", "disabled": true, "updated_at": "2026-12-08T10:00:00Z"}])),
        (status = 400, description = "A malformed body, a key that is not a UUID, or an unknown template", body = Response),
        (status = 401, description = "Not signed in", body = Response),
        (status = 403, description = "The caller may see the user but not change their preferences", body = Response),
        (status = 404, description = "No such user, or one the caller may not see", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[put("/api/v2/users/{user}/notifications/preferences")]
pub async fn put_user_preferences(state: web::Data<State>, actor: Authed, user: Path<String>, body: web::Bytes) -> ApiResult<HttpResponse> {
    let b = crate::de::json_body::<UpdateUserNotificationPreferences>(&body)?;
    let list = blocking(&state, move |app| app.update_notification_preferences(&actor.0, &user, &b.template_disabled_map)).await?;
    Ok(preferences_json(list))
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
