//! Personal settings: appearance, preferences and the git SSH key.

use actix_web::web::{self, Json, Path, ServiceConfig};
use actix_web::{get, put, HttpResponse};
use domain::personal::{AppearanceUpdate, PreferencesUpdate};

use crate::auth::Authed;
use crate::dto::{
    GitSshKey, UpdateUserAppearanceSettingsRequest, UpdateUserPreferenceSettingsRequest, UserAppearanceSettings, UserPreferenceSettings,
};
use crate::error::{ApiResult, Response};
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_appearance)
        .service(put_appearance)
        .service(get_preferences)
        .service(put_preferences)
        .service(get_gitsshkey)
        .service(put_gitsshkey);
}

/// Get user appearance settings
#[utoipa::path(
    operation_id = "get-user-appearance-settings",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    responses(
        (status = 200, description = "OK", body = UserAppearanceSettings),
        (status = 403, description = "Not allowed to read this user's settings", body = Response),
        (status = 404, description = "No such user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/{user}/appearance")]
pub async fn get_appearance(state: web::Data<State>, actor: Authed, user: Path<String>) -> ApiResult<HttpResponse> {
    let a = blocking(&state, move |app| app.appearance(&actor.0, &user)).await?;
    Ok(HttpResponse::Ok().json(UserAppearanceSettings::from(a)))
}

/// Update user appearance settings
#[utoipa::path(
    operation_id = "update-user-appearance-settings",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    request_body = UpdateUserAppearanceSettingsRequest,
    responses(
        (status = 200, description = "OK", body = UserAppearanceSettings),
        (status = 400, description = "Invalid settings", body = Response),
        (status = 403, description = "Not allowed to change this user's settings", body = Response),
        (status = 404, description = "No such user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[put("/api/v2/users/{user}/appearance")]
pub async fn put_appearance(
    state: web::Data<State>,
    actor: Authed,
    user: Path<String>,
    body: Json<UpdateUserAppearanceSettingsRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let req = AppearanceUpdate {
        theme_preference: b.theme_preference,
        theme_mode: b.theme_mode,
        theme_light: b.theme_light,
        theme_dark: b.theme_dark,
        terminal_font: b.terminal_font,
    };
    let a = blocking(&state, move |app| app.update_appearance(&actor.0, &user, req)).await?;
    Ok(HttpResponse::Ok().json(UserAppearanceSettings::from(a)))
}

/// Get user preference settings
#[utoipa::path(
    operation_id = "get-user-preference-settings",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    responses(
        (status = 200, description = "OK", body = UserPreferenceSettings),
        (status = 403, description = "Not allowed to read this user's settings", body = Response),
        (status = 404, description = "No such user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/{user}/preferences")]
pub async fn get_preferences(state: web::Data<State>, actor: Authed, user: Path<String>) -> ApiResult<HttpResponse> {
    let p = blocking(&state, move |app| app.preferences(&actor.0, &user)).await?;
    Ok(HttpResponse::Ok().json(UserPreferenceSettings::from(p)))
}

/// Update user preference settings
#[utoipa::path(
    operation_id = "update-user-preference-settings",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    request_body = UpdateUserPreferenceSettingsRequest,
    responses(
        (status = 200, description = "OK", body = UserPreferenceSettings),
        (status = 400, description = "A value outside its enum", body = Response),
        (status = 403, description = "Not allowed to change this user's settings", body = Response),
        (status = 404, description = "No such user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[put("/api/v2/users/{user}/preferences")]
pub async fn put_preferences(
    state: web::Data<State>,
    actor: Authed,
    user: Path<String>,
    body: Json<UpdateUserPreferenceSettingsRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let req = PreferencesUpdate {
        task_notification_alert_dismissed: b.task_notification_alert_dismissed,
        thinking_display_mode: b.thinking_display_mode,
        shell_tool_display_mode: b.shell_tool_display_mode,
        code_diff_display_mode: b.code_diff_display_mode,
        agent_chat_send_shortcut: b.agent_chat_send_shortcut,
    };
    let p = blocking(&state, move |app| app.update_preferences(&actor.0, &user, req)).await?;
    Ok(HttpResponse::Ok().json(UserPreferenceSettings::from(p)))
}

/// Get user Git SSH key
#[utoipa::path(
    operation_id = "get-user-git-ssh-key",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    responses(
        (status = 200, description = "OK", body = GitSshKey),
        (status = 403, description = "Not allowed to read this user's key", body = Response),
        (status = 404, description = "No such user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/{user}/gitsshkey")]
pub async fn get_gitsshkey(state: web::Data<State>, actor: Authed, user: Path<String>) -> ApiResult<HttpResponse> {
    let k = blocking(&state, move |app| app.gitsshkey(&actor.0, &user)).await?;
    Ok(HttpResponse::Ok().json(GitSshKey::from(k)))
}

/// Regenerate user SSH key
#[utoipa::path(
    operation_id = "regenerate-user-ssh-key",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    responses(
        (status = 200, description = "OK", body = GitSshKey),
        (status = 403, description = "Not allowed to change this user's key", body = Response),
        (status = 404, description = "No such user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[put("/api/v2/users/{user}/gitsshkey")]
pub async fn put_gitsshkey(state: web::Data<State>, actor: Authed, user: Path<String>) -> ApiResult<HttpResponse> {
    let k = blocking(&state, move |app| app.regenerate_gitsshkey(&actor.0, &user)).await?;
    Ok(HttpResponse::Ok().json(GitSshKey::from(k)))
}
