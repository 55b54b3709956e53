//! Workspace sharing settings of an organization.

use actix_web::web::{self, Path, ServiceConfig};
use actix_web::{get, patch, HttpResponse};

use crate::auth::Authed;
use crate::dto::{UpdateWorkspaceSharingSettingsRequest, WorkspaceSharingSettings};
use crate::error::{ApiResult, Response};
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_sharing).service(patch_sharing);
}

/// Get workspace sharing settings for organization
#[utoipa::path(
    operation_id = "get-workspace-sharing-settings-for-organization",
    tag = "Enterprise",
    params(("organization" = String, Path, description = "Organization ID or name")),
    responses(
        (status = 200, description = "OK", body = WorkspaceSharingSettings),
        (status = 404, description = "No such organization, or not a member", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations/{organization}/settings/workspace-sharing")]
pub async fn get_sharing(state: web::Data<State>, actor: Authed, org: Path<String>) -> ApiResult<HttpResponse> {
    let s = blocking(&state, move |app| app.workspace_sharing(&actor.0, &org)).await?;
    Ok(HttpResponse::Ok().json(WorkspaceSharingSettings::from(&s)))
}

/// Update workspace sharing settings for organization
#[utoipa::path(
    operation_id = "update-workspace-sharing-settings-for-organization",
    tag = "Enterprise",
    params(("organization" = String, Path, description = "Organization ID or name")),
    request_body = UpdateWorkspaceSharingSettingsRequest,
    responses(
        (status = 200, description = "OK", body = WorkspaceSharingSettings),
        (status = 400, description = "Not valid JSON, or an unknown `shareable_workspace_owners`", body = Response),
        (status = 403, description = "Only organization admins and owners may change it", body = Response),
        (status = 404, description = "No such organization, or not a member", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[patch("/api/v2/organizations/{organization}/settings/workspace-sharing")]
pub async fn patch_sharing(state: web::Data<State>, actor: Authed, org: Path<String>, body: web::Bytes) -> ApiResult<HttpResponse> {
    let (a, o) = (actor.clone(), org.clone());
    blocking(&state, move |app| app.may_update_workspace_sharing(&a.0, &o)).await?;
    let b: UpdateWorkspaceSharingSettingsRequest = crate::de::json_body(&body)?;
    let s = blocking(&state, move |app| {
        app.update_workspace_sharing(&actor.0, &org, b.sharing_disabled, b.shareable_workspace_owners.as_deref())
    })
    .await?;
    Ok(HttpResponse::Ok().json(WorkspaceSharingSettings::from(&s)))
}
