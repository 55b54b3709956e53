//! The deployment's appearance.

use actix_web::web::{self, Json, ServiceConfig};
use actix_web::{get, put, HttpResponse};
use domain::appearance::AppearanceUpdate;

use crate::auth::{Authed, MaybeAuthed};
use crate::dto::{AppearanceConfig, BannerConfig, UpdateAppearanceConfig};
use crate::error::{ApiResult, Response};
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_appearance).service(put_appearance);
}

/// Get appearance
///
/// Stored values while the `appearance` feature is on; Coder's defaults otherwise.
#[utoipa::path(
    operation_id = "get-appearance",
    tag = "Enterprise",
    responses(
        (status = 200, description = "OK", body = AppearanceConfig),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/appearance")]
pub async fn get_appearance(state: web::Data<State>, actor: MaybeAuthed) -> ApiResult<HttpResponse> {
    // Coder takes a session or a workspace agent token here, and says so when neither came.
    if actor.0.is_none() {
        return Err(domain::Error::unauthorized("API key or workspace agent token required, but none provided").into());
    }
    let a = blocking(&state, move |app| app.deployment_appearance()).await?;
    Ok(HttpResponse::Ok().json(AppearanceConfig::from(&a)))
}

/// Update appearance
#[utoipa::path(
    operation_id = "update-appearance",
    tag = "Enterprise",
    request_body = UpdateAppearanceConfig,
    responses(
        (status = 200, description = "OK: the request, echoed", body = UpdateAppearanceConfig),
        (status = 400, description = "Not valid JSON, or a banner colour that is not `#RRGGBB`", body = Response),
        (status = 403, description = "Only owners may change the appearance", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[put("/api/v2/appearance")]
pub async fn put_appearance(state: web::Data<State>, actor: Authed, body: Json<UpdateAppearanceConfig>) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let update = AppearanceUpdate {
        application_name: b.application_name,
        logo_url: b.logo_url,
        service_banner: Some((&b.service_banner).into()),
        announcement_banners: b.announcement_banners.iter().map(Into::into).collect(),
    };
    let done = blocking(&state, move |app| app.update_deployment_appearance(&actor.0, update)).await?;
    Ok(HttpResponse::Ok().json(UpdateAppearanceConfig {
        application_name: done.application_name,
        logo_url: done.logo_url,
        service_banner: done.service_banner.as_ref().map(BannerConfig::from).unwrap_or_default(),
        announcement_banners: done.announcement_banners.iter().map(BannerConfig::from).collect(),
    }))
}
