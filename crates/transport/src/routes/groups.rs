//! Groups, their members, AI budgets and workspace quota.

use actix_web::web::{self, Json, Path, ServiceConfig};
use actix_web::{delete, get, patch, post, put, HttpRequest, HttpResponse};
use domain::groups::{GroupPatch, GroupQuery, NewGroup};
use domain::store::Paged;
use domain::user::User;

use crate::auth::Authed;
use crate::dto::{
    CreateGroupRequest, Group, GroupAiBudget, GroupMembersResponse, PatchGroupRequest, ReducedUser, UpsertGroupAiBudgetRequest,
    WorkspaceQuota,
};
use crate::error::{ApiResult, Response};
use crate::gate::{Gate, TemplateRbac};
use crate::query;
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_groups)
        .service(get_group)
        .service(patch_group)
        .service(delete_group)
        .service(group_members)
        .service(get_ai_budget)
        .service(put_ai_budget)
        .service(delete_ai_budget)
        .service(org_groups)
        .service(create_group)
        .service(group_by_name)
        .service(group_members_by_name)
        .service(workspace_quota)
        .service(workspace_quota_deprecated);
}

fn members_json(p: Paged<User>) -> GroupMembersResponse {
    GroupMembersResponse { users: p.items.iter().map(ReducedUser::from).collect(), count: p.count }
}

/// Get groups
#[utoipa::path(
    operation_id = "get-groups",
    tag = "Enterprise",
    params(
        ("organization" = Option<String>, Query, description = "Organization ID or name"),
        ("has_member" = Option<String>, Query, description = "User ID or name"),
        ("group_ids" = Option<String>, Query, description = "Comma separated list of group IDs"),
    ),
    responses(
        (status = 200, description = "OK", body = Vec<Group>),
        (status = 400, description = "An unknown organization or user name, a malformed group id, or an unknown parameter", body = Response),
        (status = 403, description = "The deployment is not licensed for Template RBAC", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/groups")]
pub async fn list_groups(_: Gate<TemplateRbac>, state: web::Data<State>, actor: Authed, req: HttpRequest) -> ApiResult<HttpResponse> {
    let pairs = query::pairs(&req);
    let known = ["organization", "has_member", "group_ids"];
    let mut unknown_params: Vec<String> = pairs.iter().map(|(k, _)| k.clone()).filter(|k| !known.contains(&k.as_str())).collect();
    unknown_params.dedup();
    let q = GroupQuery {
        organization: query::string(&pairs, "organization"),
        has_member: query::string(&pairs, "has_member"),
        group_ids: query::string(&pairs, "group_ids"),
        unknown_params,
    };
    let groups = blocking(&state, move |app| app.list_groups(&actor.0, q)).await?;
    Ok(HttpResponse::Ok().json(groups.iter().map(Group::from).collect::<Vec<_>>()))
}

/// Get group by ID
#[utoipa::path(
    operation_id = "get-group-by-id",
    tag = "Enterprise",
    params(
        ("group" = uuid::Uuid, Path, description = "Group ID"),
        ("exclude_members" = Option<bool>, Query, description = "Leave out the member list (`total_member_count` stays)"),
    ),
    responses(
        (status = 200, description = "OK", body = Group),
        (status = 400, description = "Malformed group id", body = Response),
        (status = 403, description = "The deployment is not licensed for Template RBAC", body = Response),
        (status = 404, description = "No such group, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/groups/{group}")]
pub async fn get_group(
    _: Gate<TemplateRbac>,
    state: web::Data<State>,
    actor: Authed,
    group: Path<String>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let exclude = query::boolean(&query::pairs(&req), "exclude_members");
    let view = blocking(&state, move |app| app.get_group(&actor.0, &group, exclude)).await?;
    Ok(HttpResponse::Ok().json(Group::from(&view)))
}

/// Update group by name
#[utoipa::path(
    operation_id = "update-group-by-name",
    tag = "Enterprise",
    params(("group" = uuid::Uuid, Path, description = "Group ID")),
    request_body = PatchGroupRequest,
    responses(
        (status = 200, description = "OK", body = Group),
        (status = 400, description = "Invalid change, a user outside the organization, or a user added twice", body = Response),
        (status = 403, description = "Not allowed, or changing the Everyone group's members, or the deployment is not licensed for Template RBAC", body = Response),
        (status = 404, description = "No such group", body = Response),
        (status = 409, description = "Name taken", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[patch("/api/v2/groups/{group}")]
pub async fn patch_group(
    _: Gate<TemplateRbac>,
    state: web::Data<State>,
    actor: Authed,
    group: Path<String>,
    body: Json<PatchGroupRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let patch = GroupPatch {
        name: b.name,
        display_name: b.display_name,
        avatar_url: b.avatar_url,
        quota_allowance: b.quota_allowance,
        add_users: b.add_users,
        remove_users: b.remove_users,
    };
    let view = blocking(&state, move |app| app.patch_group(&actor.0, &group, patch)).await?;
    Ok(HttpResponse::Ok().json(Group::from(&view)))
}

/// Delete group by name
#[utoipa::path(
    operation_id = "delete-group-by-name",
    tag = "Enterprise",
    params(("group" = uuid::Uuid, Path, description = "Group ID")),
    responses(
        (status = 200, description = "OK: the deleted group", body = Group),
        (status = 400, description = "The Everyone group cannot be deleted", body = Response),
        (status = 403, description = "Not allowed, or the deployment is not licensed for Template RBAC", body = Response),
        (status = 404, description = "No such group", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[delete("/api/v2/groups/{group}")]
pub async fn delete_group(_: Gate<TemplateRbac>, state: web::Data<State>, actor: Authed, group: Path<String>) -> ApiResult<HttpResponse> {
    let view = blocking(&state, move |app| app.delete_group(&actor.0, &group)).await?;
    Ok(HttpResponse::Ok().json(Group::from(&view)))
}

/// Get group members by group ID
#[utoipa::path(
    operation_id = "get-group-members-by-group-id",
    tag = "Enterprise",
    params(
        ("group" = uuid::Uuid, Path, description = "Group ID"),
        ("q" = Option<String>, Query, description = "Member search query, in the users list's language"),
        ("after_id" = Option<uuid::Uuid>, Query, description = "After ID"),
        ("limit" = Option<i32>, Query, minimum = 0, description = "Page limit"),
        ("offset" = Option<i32>, Query, minimum = 0, description = "Page offset"),
    ),
    responses(
        (status = 200, description = "OK", body = GroupMembersResponse),
        (status = 400, description = "Malformed query", body = Response),
        (status = 403, description = "The deployment is not licensed for Template RBAC", body = Response),
        (status = 404, description = "No such group", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/groups/{group}/members")]
pub async fn group_members(
    _: Gate<TemplateRbac>,
    state: web::Data<State>,
    actor: Authed,
    group: Path<String>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let pairs = query::pairs(&req);
    let page = query::page(&pairs)?;
    let q = query::string(&pairs, "q");
    let members = blocking(&state, move |app| app.group_members(&actor.0, &group, &q, page)).await?;
    Ok(HttpResponse::Ok().json(members_json(members)))
}

/// Get group AI budget
#[utoipa::path(
    operation_id = "get-group-ai-budget",
    tag = "Enterprise",
    params(("group" = uuid::Uuid, Path, description = "Group ID")),
    responses(
        (status = 200, description = "OK", body = GroupAiBudget),
        (status = 400, description = "Group ID is not a UUID", body = Response),
        (status = 403, description = "The deployment is not licensed for Template RBAC", body = Response),
        (status = 404, description = "No such group, or no budget set", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/groups/{group}/ai/budget")]
pub async fn get_ai_budget(_: Gate<TemplateRbac>, state: web::Data<State>, actor: Authed, group: Path<String>) -> ApiResult<HttpResponse> {
    let b = blocking(&state, move |app| app.group_ai_budget(&actor.0, &group)).await?;
    Ok(HttpResponse::Ok().json(GroupAiBudget::from(&b)))
}

/// Upsert group AI budget
#[utoipa::path(
    operation_id = "upsert-group-ai-budget",
    tag = "Enterprise",
    params(("group" = uuid::Uuid, Path, description = "Group ID")),
    request_body = UpsertGroupAiBudgetRequest,
    responses(
        (status = 200, description = "OK", body = GroupAiBudget),
        (status = 400, description = "Negative limit", body = Response),
        (status = 403, description = "The deployment is not licensed for Template RBAC", body = Response),
        (status = 404, description = "No such group, or not allowed to change it", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[put("/api/v2/groups/{group}/ai/budget")]
pub async fn put_ai_budget(
    _: Gate<TemplateRbac>,
    state: web::Data<State>,
    actor: Authed,
    group: Path<String>,
    body: Json<UpsertGroupAiBudgetRequest>,
) -> ApiResult<HttpResponse> {
    let limit = body.into_inner().spend_limit_micros;
    let b = blocking(&state, move |app| app.put_group_ai_budget(&actor.0, &group, limit)).await?;
    Ok(HttpResponse::Ok().json(GroupAiBudget::from(&b)))
}

/// Delete group AI budget
#[utoipa::path(
    operation_id = "delete-group-ai-budget",
    tag = "Enterprise",
    params(("group" = uuid::Uuid, Path, description = "Group ID")),
    responses(
        (status = 204, description = "No Content"),
        (status = 400, description = "Group ID is not a UUID", body = Response),
        (status = 403, description = "The deployment is not licensed for Template RBAC", body = Response),
        (status = 404, description = "No such group, no budget set, or not allowed to change it", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[delete("/api/v2/groups/{group}/ai/budget")]
pub async fn delete_ai_budget(
    _: Gate<TemplateRbac>,
    state: web::Data<State>,
    actor: Authed,
    group: Path<String>,
) -> ApiResult<HttpResponse> {
    blocking(&state, move |app| app.delete_group_ai_budget(&actor.0, &group)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Get groups by organization
#[utoipa::path(
    operation_id = "get-groups-by-organization",
    tag = "Enterprise",
    params(("organization" = String, Path, description = "Organization ID or name")),
    responses(
        (status = 200, description = "OK", body = Vec<Group>),
        (status = 403, description = "The deployment is not licensed for Template RBAC", body = Response),
        (status = 404, description = "No such organization", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations/{organization}/groups")]
pub async fn org_groups(state: web::Data<State>, actor: Authed, org: Path<String>) -> ApiResult<HttpResponse> {
    let groups = blocking(&state, move |app| app.org_groups(&actor.0, &org)).await?;
    Ok(HttpResponse::Ok().json(groups.iter().map(Group::from).collect::<Vec<_>>()))
}

/// Create group for organization
#[utoipa::path(
    operation_id = "create-group-for-organization",
    tag = "Enterprise",
    params(("organization" = String, Path, description = "Organization ID or name")),
    request_body = CreateGroupRequest,
    responses(
        (status = 201, description = "Created", body = Group),
        (status = 400, description = "Invalid group", body = Response),
        (status = 403, description = "Not allowed to create groups here, or the deployment is not licensed for Template RBAC", body = Response),
        (status = 404, description = "No such organization", body = Response),
        (status = 409, description = "Name taken in this organization", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/organizations/{organization}/groups")]
pub async fn create_group(state: web::Data<State>, actor: Authed, org: Path<String>, body: web::Bytes) -> ApiResult<HttpResponse> {
    // Coder's gate runs before the body is read.
    state.app.require_feature(domain::licensing::Feature::TemplateRbac)?;
    let b: CreateGroupRequest = crate::de::json_body(&body)?;
    let input = NewGroup { name: b.name, display_name: b.display_name, avatar_url: b.avatar_url, quota_allowance: b.quota_allowance };
    let view = blocking(&state, move |app| app.create_group(&actor.0, &org, input)).await?;
    Ok(HttpResponse::Created().json(Group::from(&view)))
}

/// Get group by organization and group name
#[utoipa::path(
    operation_id = "get-group-by-organization-and-group-name",
    tag = "Enterprise",
    params(
        ("organization" = String, Path, description = "Organization ID or name"),
        ("groupName" = String, Path, description = "Group name"),
    ),
    responses(
        (status = 200, description = "OK", body = Group),
        (status = 403, description = "The deployment is not licensed for Template RBAC", body = Response),
        (status = 404, description = "No such organization or group", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations/{organization}/groups/{groupName}")]
pub async fn group_by_name(state: web::Data<State>, actor: Authed, path: Path<(String, String)>) -> ApiResult<HttpResponse> {
    let (org, name) = path.into_inner();
    let view = blocking(&state, move |app| app.group_by_name(&actor.0, &org, &name)).await?;
    Ok(HttpResponse::Ok().json(Group::from(&view)))
}

/// Get group members by organization and group name
#[utoipa::path(
    operation_id = "get-group-members-by-organization-and-group-name",
    tag = "Enterprise",
    params(
        ("organization" = String, Path, description = "Organization ID or name"),
        ("groupName" = String, Path, description = "Group name"),
        ("q" = Option<String>, Query, description = "Member search query, in the users list's language"),
        ("after_id" = Option<uuid::Uuid>, Query, description = "After ID"),
        ("limit" = Option<i32>, Query, minimum = 0, description = "Page limit"),
        ("offset" = Option<i32>, Query, minimum = 0, description = "Page offset"),
    ),
    responses(
        (status = 200, description = "OK", body = GroupMembersResponse),
        (status = 400, description = "Malformed query", body = Response),
        (status = 403, description = "The deployment is not licensed for Template RBAC", body = Response),
        (status = 404, description = "No such organization or group", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations/{organization}/groups/{groupName}/members")]
pub async fn group_members_by_name(
    state: web::Data<State>,
    actor: Authed,
    path: Path<(String, String)>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let (org, name) = path.into_inner();
    let pairs = query::pairs(&req);
    let page = query::page(&pairs)?;
    let q = query::string(&pairs, "q");
    let members = blocking(&state, move |app| app.group_members_by_name(&actor.0, &org, &name, &q, page)).await?;
    Ok(HttpResponse::Ok().json(members_json(members)))
}

/// Get workspace quota by user
#[utoipa::path(
    operation_id = "get-workspace-quota-by-user",
    tag = "Enterprise",
    params(
        ("organization" = String, Path, description = "Organization ID or name"),
        ("user" = String, Path, description = "User ID, username, or me"),
    ),
    responses(
        (status = 200, description = "OK", body = WorkspaceQuota),
        (status = 404, description = "No such organization, or a user the caller may not see", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations/{organization}/members/{user}/workspace-quota")]
pub async fn workspace_quota(state: web::Data<State>, actor: Authed, path: Path<(String, String)>) -> ApiResult<HttpResponse> {
    let (org, user) = path.into_inner();
    let q = blocking(&state, move |app| app.workspace_quota(&actor.0, Some(&org), &user)).await?;
    Ok(HttpResponse::Ok().json(WorkspaceQuota { credits_consumed: q.credits_consumed, budget: q.budget }))
}

/// Get workspace quota by user deprecated
#[utoipa::path(
    operation_id = "get-workspace-quota-by-user-deprecated",
    tag = "Enterprise",
    params(("user" = String, Path, description = "User ID, username, or me")),
    responses(
        (status = 200, description = "OK", body = WorkspaceQuota),
        (status = 404, description = "No such user, or one the caller may not see", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/workspace-quota/{user}")]
pub async fn workspace_quota_deprecated(state: web::Data<State>, actor: Authed, user: Path<String>) -> ApiResult<HttpResponse> {
    let q = blocking(&state, move |app| app.workspace_quota(&actor.0, None, &user)).await?;
    Ok(HttpResponse::Ok().json(WorkspaceQuota { credits_consumed: q.credits_consumed, budget: q.budget }))
}
