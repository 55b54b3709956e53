//! IdP sync settings: organization sync (site-wide), group and role sync (per organization).
//! Authorization first, then the body, as in Coder.

use actix_web::web::{self, Bytes, Path, ServiceConfig};
use actix_web::{get, patch, HttpResponse};
use domain::app::App as UseCases;
use domain::Error;

use crate::auth::Authed;
use crate::dto::{
    GroupSyncSettings, OrganizationSyncSettings, PatchGroupIdpSyncConfig, PatchIdpSyncMapping, PatchOrganizationIdpSyncConfig,
    PatchRoleIdpSyncConfig, RoleSyncSettings,
};
use crate::error::{ApiResult, Response};
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_org_sync)
        .service(patch_org_sync)
        .service(patch_org_sync_config)
        .service(patch_org_sync_mapping)
        .service(get_group_sync)
        .service(patch_group_sync)
        .service(patch_group_sync_config)
        .service(patch_group_sync_mapping)
        .service(get_role_sync)
        .service(patch_role_sync)
        .service(patch_role_sync_config)
        .service(patch_role_sync_mapping)
        .service(available_fields)
        .service(org_available_fields)
        .service(field_values)
        .service(org_field_values);
}

/// Get organization IdP Sync settings
#[utoipa::path(
    operation_id = "get-organization-idp-sync-settings",
    tag = "Enterprise",
    responses(
        (status = 200, description = "OK", body = OrganizationSyncSettings),
        (status = 403, description = "Not allowed to read IdP sync settings", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/settings/idpsync/organization")]
pub async fn get_org_sync(state: web::Data<State>, actor: Authed) -> ApiResult<HttpResponse> {
    let s = blocking(&state, move |app| app.organization_sync(&actor.0)).await?;
    Ok(HttpResponse::Ok().json(OrganizationSyncSettings::from(s)))
}

/// Update organization IdP Sync settings
#[utoipa::path(
    operation_id = "update-organization-idp-sync-settings",
    tag = "Enterprise",
    request_body = OrganizationSyncSettings,
    responses(
        (status = 200, description = "OK", body = OrganizationSyncSettings),
        (status = 400, description = "Not valid JSON, a malformed id or an invalid regular expression", body = Response),
        (status = 403, description = "Not allowed to change IdP sync settings", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[patch("/api/v2/settings/idpsync/organization")]
pub async fn patch_org_sync(state: web::Data<State>, actor: Authed, body: Bytes) -> ApiResult<HttpResponse> {
    let a = actor.clone();
    blocking(&state, move |app| app.may_update_organization_sync(&a.0)).await?;
    let b: OrganizationSyncSettings = crate::de::json_body(&body)?;
    let s = blocking(&state, move |app| {
        app.update_organization_sync(&actor.0, move |s| {
            s.field = b.field;
            s.mapping = b.mapping;
            s.assign_default = b.organization_assign_default;
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(OrganizationSyncSettings::from(s)))
}

/// Update organization IdP Sync config
#[utoipa::path(
    operation_id = "update-organization-idp-sync-config",
    tag = "Enterprise",
    request_body = PatchOrganizationIdpSyncConfig,
    responses(
        (status = 200, description = "OK", body = OrganizationSyncSettings),
        (status = 400, description = "Not valid JSON, a malformed id or an invalid regular expression", body = Response),
        (status = 403, description = "Not allowed to change IdP sync settings", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[patch("/api/v2/settings/idpsync/organization/config")]
pub async fn patch_org_sync_config(state: web::Data<State>, actor: Authed, body: Bytes) -> ApiResult<HttpResponse> {
    let a = actor.clone();
    blocking(&state, move |app| app.may_update_organization_sync(&a.0)).await?;
    let b: PatchOrganizationIdpSyncConfig = crate::de::json_body(&body)?;
    let s = blocking(&state, move |app| {
        app.update_organization_sync(&actor.0, move |s| {
            s.field = b.field;
            s.assign_default = b.assign_default;
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(OrganizationSyncSettings::from(s)))
}

/// Update organization IdP Sync mapping
#[utoipa::path(
    operation_id = "update-organization-idp-sync-mapping",
    tag = "Enterprise",
    request_body = PatchIdpSyncMapping,
    responses(
        (status = 200, description = "OK", body = OrganizationSyncSettings),
        (status = 400, description = "Not valid JSON, a malformed id or an invalid regular expression", body = Response),
        (status = 403, description = "Not allowed to change IdP sync settings", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[patch("/api/v2/settings/idpsync/organization/mapping")]
pub async fn patch_org_sync_mapping(state: web::Data<State>, actor: Authed, body: Bytes) -> ApiResult<HttpResponse> {
    let a = actor.clone();
    blocking(&state, move |app| app.may_update_organization_sync(&a.0)).await?;
    let b: PatchIdpSyncMapping = crate::de::json_body(&body)?;
    let (add, remove) = b.edits();
    let s =
        blocking(&state, move |app| app.update_organization_sync(&actor.0, UseCases::organization_mapping_edit(&add, &remove)?)).await?;
    Ok(HttpResponse::Ok().json(OrganizationSyncSettings::from(s)))
}

/// Get group IdP Sync settings by organization
#[utoipa::path(
    operation_id = "get-group-idp-sync-settings-by-organization",
    tag = "Enterprise",
    params(("organization" = String, Path, description = "Organization ID or name")),
    responses(
        (status = 200, description = "OK", body = GroupSyncSettings),
        (status = 403, description = "Not allowed to read IdP sync settings", body = Response),
        (status = 404, description = "No such organization, or not a member", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations/{organization}/settings/idpsync/groups")]
pub async fn get_group_sync(state: web::Data<State>, actor: Authed, org: Path<String>) -> ApiResult<HttpResponse> {
    let (s, legacy) = blocking(&state, move |app| app.group_sync(&actor.0, &org)).await?;
    let mut body = GroupSyncSettings::from(s);
    body.legacy_group_name_mapping = (!legacy.is_empty()).then_some(legacy);
    Ok(HttpResponse::Ok().json(body))
}

/// Update group IdP Sync settings by organization
#[utoipa::path(
    operation_id = "update-group-idp-sync-settings-by-organization",
    tag = "Enterprise",
    params(("organization" = String, Path, description = "Organization ID or name")),
    request_body = GroupSyncSettings,
    responses(
        (status = 200, description = "OK", body = GroupSyncSettings),
        (status = 400, description = "Not valid JSON, a malformed id or an invalid regular expression", body = Response),
        (status = 403, description = "Not allowed to change IdP sync settings", body = Response),
        (status = 404, description = "No such organization, or not a member", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[patch("/api/v2/organizations/{organization}/settings/idpsync/groups")]
pub async fn patch_group_sync(state: web::Data<State>, actor: Authed, org: Path<String>, body: Bytes) -> ApiResult<HttpResponse> {
    let (a, o) = (actor.clone(), org.clone());
    blocking(&state, move |app| app.may_update_org_sync(&a.0, &o)).await?;
    let b: GroupSyncSettings = crate::de::json_body(&body)?;
    if b.legacy_group_name_mapping.as_ref().is_some_and(|m| !m.is_empty()) {
        return Err(Error::bad_request("Unexpected field 'legacy_group_name_mapping'. Field not allowed, set to null or remove it.")
            .with_detail("legacy_group_name_mapping is deprecated, use mapping instead")
            .with_validation("legacy_group_name_mapping", "field is not allowed")
            .into());
    }
    let s = blocking(&state, move |app| {
        app.update_group_sync(&actor.0, &org, move |s| {
            s.field = b.field;
            s.mapping = b.mapping;
            s.regex_filter = b.regex_filter;
            s.auto_create_missing_groups = b.auto_create_missing_groups;
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(GroupSyncSettings::from(s)))
}

/// Update group IdP Sync config
#[utoipa::path(
    operation_id = "update-group-idp-sync-config",
    tag = "Enterprise",
    params(("organization" = String, Path, description = "Organization ID or name")),
    request_body = PatchGroupIdpSyncConfig,
    responses(
        (status = 200, description = "OK", body = GroupSyncSettings),
        (status = 400, description = "Not valid JSON, a malformed id or an invalid regular expression", body = Response),
        (status = 403, description = "Not allowed to change IdP sync settings", body = Response),
        (status = 404, description = "No such organization, or not a member", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[patch("/api/v2/organizations/{organization}/settings/idpsync/groups/config")]
pub async fn patch_group_sync_config(state: web::Data<State>, actor: Authed, org: Path<String>, body: Bytes) -> ApiResult<HttpResponse> {
    let (a, o) = (actor.clone(), org.clone());
    blocking(&state, move |app| app.may_update_org_sync(&a.0, &o)).await?;
    let b: PatchGroupIdpSyncConfig = crate::de::json_body(&body)?;
    let s = blocking(&state, move |app| {
        app.update_group_sync(&actor.0, &org, move |s| {
            s.field = b.field;
            s.regex_filter = b.regex_filter;
            s.auto_create_missing_groups = b.auto_create_missing_groups;
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(GroupSyncSettings::from(s)))
}

/// Update group IdP Sync mapping
#[utoipa::path(
    operation_id = "update-group-idp-sync-mapping",
    tag = "Enterprise",
    params(("organization" = String, Path, description = "Organization ID or name")),
    request_body = PatchIdpSyncMapping,
    responses(
        (status = 200, description = "OK", body = GroupSyncSettings),
        (status = 400, description = "Not valid JSON, a malformed id or an invalid regular expression", body = Response),
        (status = 403, description = "Not allowed to change IdP sync settings", body = Response),
        (status = 404, description = "No such organization, or not a member", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[patch("/api/v2/organizations/{organization}/settings/idpsync/groups/mapping")]
pub async fn patch_group_sync_mapping(state: web::Data<State>, actor: Authed, org: Path<String>, body: Bytes) -> ApiResult<HttpResponse> {
    let (a, o) = (actor.clone(), org.clone());
    blocking(&state, move |app| app.may_update_org_sync(&a.0, &o)).await?;
    let b: PatchIdpSyncMapping = crate::de::json_body(&body)?;
    let (add, remove) = b.edits();
    let s = blocking(&state, move |app| app.update_group_sync(&actor.0, &org, UseCases::group_mapping_edit(&add, &remove)?)).await?;
    Ok(HttpResponse::Ok().json(GroupSyncSettings::from(s)))
}

/// Get role IdP Sync settings by organization
#[utoipa::path(
    operation_id = "get-role-idp-sync-settings-by-organization",
    tag = "Enterprise",
    params(("organization" = String, Path, description = "Organization ID or name")),
    responses(
        (status = 200, description = "OK", body = RoleSyncSettings),
        (status = 403, description = "Not allowed to read IdP sync settings", body = Response),
        (status = 404, description = "No such organization, or not a member", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations/{organization}/settings/idpsync/roles")]
pub async fn get_role_sync(state: web::Data<State>, actor: Authed, org: Path<String>) -> ApiResult<HttpResponse> {
    let s = blocking(&state, move |app| app.role_sync(&actor.0, &org)).await?;
    Ok(HttpResponse::Ok().json(RoleSyncSettings::from(s)))
}

/// Update role IdP Sync settings by organization
#[utoipa::path(
    operation_id = "update-role-idp-sync-settings-by-organization",
    tag = "Enterprise",
    params(("organization" = String, Path, description = "Organization ID or name")),
    request_body = RoleSyncSettings,
    responses(
        (status = 200, description = "OK", body = RoleSyncSettings),
        (status = 400, description = "Not valid JSON, a malformed id or an invalid regular expression", body = Response),
        (status = 403, description = "Not allowed to change IdP sync settings", body = Response),
        (status = 404, description = "No such organization, or not a member", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[patch("/api/v2/organizations/{organization}/settings/idpsync/roles")]
pub async fn patch_role_sync(state: web::Data<State>, actor: Authed, org: Path<String>, body: Bytes) -> ApiResult<HttpResponse> {
    let (a, o) = (actor.clone(), org.clone());
    blocking(&state, move |app| app.may_update_org_sync(&a.0, &o)).await?;
    let b: RoleSyncSettings = crate::de::json_body(&body)?;
    let s = blocking(&state, move |app| {
        app.update_role_sync(&actor.0, &org, move |s| {
            s.field = b.field;
            s.mapping = b.mapping;
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(RoleSyncSettings::from(s)))
}

/// Update role IdP Sync config
#[utoipa::path(
    operation_id = "update-role-idp-sync-config",
    tag = "Enterprise",
    params(("organization" = String, Path, description = "Organization ID or name")),
    request_body = PatchRoleIdpSyncConfig,
    responses(
        (status = 200, description = "OK", body = RoleSyncSettings),
        (status = 400, description = "Not valid JSON, a malformed id or an invalid regular expression", body = Response),
        (status = 403, description = "Not allowed to change IdP sync settings", body = Response),
        (status = 404, description = "No such organization, or not a member", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[patch("/api/v2/organizations/{organization}/settings/idpsync/roles/config")]
pub async fn patch_role_sync_config(state: web::Data<State>, actor: Authed, org: Path<String>, body: Bytes) -> ApiResult<HttpResponse> {
    let (a, o) = (actor.clone(), org.clone());
    blocking(&state, move |app| app.may_update_org_sync(&a.0, &o)).await?;
    let b: PatchRoleIdpSyncConfig = crate::de::json_body(&body)?;
    let s = blocking(&state, move |app| {
        app.update_role_sync(&actor.0, &org, move |s| {
            s.field = b.field;
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(RoleSyncSettings::from(s)))
}

/// Update role IdP Sync mapping
#[utoipa::path(
    operation_id = "update-role-idp-sync-mapping",
    tag = "Enterprise",
    params(("organization" = String, Path, description = "Organization ID or name")),
    request_body = PatchIdpSyncMapping,
    responses(
        (status = 200, description = "OK", body = RoleSyncSettings),
        (status = 400, description = "Not valid JSON, a malformed id or an invalid regular expression", body = Response),
        (status = 403, description = "Not allowed to change IdP sync settings", body = Response),
        (status = 404, description = "No such organization, or not a member", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[patch("/api/v2/organizations/{organization}/settings/idpsync/roles/mapping")]
pub async fn patch_role_sync_mapping(state: web::Data<State>, actor: Authed, org: Path<String>, body: Bytes) -> ApiResult<HttpResponse> {
    let (a, o) = (actor.clone(), org.clone());
    blocking(&state, move |app| app.may_update_org_sync(&a.0, &o)).await?;
    let b: PatchIdpSyncMapping = crate::de::json_body(&body)?;
    let (add, remove) = b.edits();
    let s = blocking(&state, move |app| app.update_role_sync(&actor.0, &org, UseCases::role_mapping_edit(&add, &remove))).await?;
    Ok(HttpResponse::Ok().json(RoleSyncSettings::from(s)))
}

fn claim_field(req: &actix_web::HttpRequest) -> String {
    crate::query::pairs(req).into_iter().find(|(k, _)| k == "claimField").map(|(_, v)| v).unwrap_or_default()
}

/// Get the available idp sync claim fields
#[utoipa::path(
    operation_id = "get-the-available-idp-sync-claim-fields",
    tag = "Enterprise",
    responses(
        (status = 200, description = "Claim names seen in stored OIDC logins, sorted", body = Vec<String>, example = json!(["email", "groups", "sub"])),
        (status = 403, description = "Not allowed to read IdP sync settings", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/settings/idpsync/available-fields")]
pub async fn available_fields(state: web::Data<State>, actor: Authed) -> ApiResult<HttpResponse> {
    let v = blocking(&state, move |app| app.idpsync_available_fields(&actor.0, None)).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Get the available organization idp sync claim fields
#[utoipa::path(
    operation_id = "get-the-available-organization-idp-sync-claim-fields",
    tag = "Enterprise",
    params(("organization" = String, Path, description = "Organization ID or name")),
    responses(
        (status = 200, description = "Claim names seen in the stored OIDC logins of the organization's members, sorted", body = Vec<String>, example = json!(["email", "groups", "sub"])),
        (status = 403, description = "Not allowed to read the organization's IdP sync settings", body = Response),
        (status = 404, description = "No such organization, or not a member", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations/{organization}/settings/idpsync/available-fields")]
pub async fn org_available_fields(state: web::Data<State>, actor: Authed, org: Path<String>) -> ApiResult<HttpResponse> {
    let v = blocking(&state, move |app| app.idpsync_available_fields(&actor.0, Some(&org))).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Get the idp sync claim field values
#[utoipa::path(
    operation_id = "get-the-idp-sync-claim-field-values",
    tag = "Enterprise",
    params(("claimField" = String, Query, description = "The claim whose values to list")),
    responses(
        (status = 200, description = "The claim's distinct string values, sorted", body = Vec<String>, example = json!(["eng", "ops"])),
        (status = 400, description = "No `claimField`", body = Response),
        (status = 403, description = "Not allowed to read IdP sync settings", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/settings/idpsync/field-values")]
pub async fn field_values(state: web::Data<State>, actor: Authed, req: actix_web::HttpRequest) -> ApiResult<HttpResponse> {
    let field = claim_field(&req);
    let v = blocking(&state, move |app| app.idpsync_field_values(&actor.0, None, &field)).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Get the organization idp sync claim field values
#[utoipa::path(
    operation_id = "get-the-organization-idp-sync-claim-field-values",
    tag = "Enterprise",
    params(
        ("organization" = String, Path, description = "Organization ID or name"),
        ("claimField" = String, Query, description = "The claim whose values to list"),
    ),
    responses(
        (status = 200, description = "The claim's distinct string values among the organization's members, sorted", body = Vec<String>, example = json!(["eng", "ops"])),
        (status = 400, description = "No `claimField`", body = Response),
        (status = 403, description = "Not allowed to read the organization's IdP sync settings", body = Response),
        (status = 404, description = "No such organization, or not a member", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations/{organization}/settings/idpsync/field-values")]
pub async fn org_field_values(
    state: web::Data<State>,
    actor: Authed,
    org: Path<String>,
    req: actix_web::HttpRequest,
) -> ApiResult<HttpResponse> {
    let field = claim_field(&req);
    let v = blocking(&state, move |app| app.idpsync_field_values(&actor.0, Some(&org), &field)).await?;
    Ok(HttpResponse::Ok().json(v))
}
