//! Organizations and their members.

use actix_web::web::{self, Json, Path, ServiceConfig};
use actix_web::{delete, get, patch, post, put, HttpRequest, HttpResponse};
use domain::orgs::{NewOrganization, OrganizationPatch};

use crate::auth::Authed;
use crate::dto::{
    AssignableRoles, CreateOrganizationRequest, Organization, OrganizationMember, OrganizationMemberWithUserData, PaginatedMembersResponse,
    UpdateRoles,
};
use crate::error::{ApiResult, Response};
use crate::query;
use crate::state::{blocking, State};

/// Registers the routes of this module; fixed segments before parameters.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_organizations)
        .service(create_organization)
        .service(get_organization)
        .service(patch_organization)
        .service(delete_organization)
        .service(member_roles)
        .service(list_members)
        .service(paginated_members)
        .service(add_member)
        .service(remove_member)
        .service(put_member_roles);
}

/// Get organizations
#[utoipa::path(
    operation_id = "get-organizations",
    tag = "Organizations",
    responses(
        (status = 200, description = "OK", body = Vec<Organization>),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations")]
pub async fn list_organizations(state: web::Data<State>, actor: Authed) -> ApiResult<HttpResponse> {
    let orgs = blocking(&state, move |app| app.list_organizations(&actor.0)).await?;
    Ok(HttpResponse::Ok().json(orgs.iter().map(Organization::from).collect::<Vec<_>>()))
}

/// Create organization
#[utoipa::path(
    operation_id = "create-organization",
    tag = "Organizations",
    request_body = CreateOrganizationRequest,
    responses(
        (status = 201, description = "Created", body = Organization),
        (status = 400, description = "Invalid request", body = Response),
        (status = 403, description = "Not allowed to create organizations, or the deployment is not licensed for Multiple Organizations", body = Response),
        (status = 409, description = "Name taken", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/organizations")]
pub async fn create_organization(state: web::Data<State>, actor: Authed, body: web::Bytes) -> ApiResult<HttpResponse> {
    // Coder's gate runs before the body is read.
    state.app.require_feature(domain::licensing::Feature::MultipleOrganizations)?;
    let b: CreateOrganizationRequest = crate::de::json_body(&body)?;
    let input = NewOrganization { name: b.name, display_name: b.display_name, description: b.description, icon: b.icon };
    let org = blocking(&state, move |app| app.create_organization(&actor.0, input)).await?;
    Ok(HttpResponse::Created().json(Organization::from(&org)))
}

/// Get organization by ID
#[utoipa::path(
    operation_id = "get-organization-by-id",
    tag = "Organizations",
    params(("organization" = String, Path, description = "Organization ID or name")),
    responses(
        (status = 200, description = "OK", body = Organization),
        (status = 404, description = "No such organization, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations/{organization}")]
pub async fn get_organization(state: web::Data<State>, actor: Authed, org: Path<String>) -> ApiResult<HttpResponse> {
    let org = blocking(&state, move |app| app.resolve_org(&actor.0, &org)).await?;
    Ok(HttpResponse::Ok().json(Organization::from(&org)))
}

/// Update organization
#[utoipa::path(
    operation_id = "update-organization",
    tag = "Organizations",
    params(("organization" = String, Path, description = "Organization ID or name")),
    request_body = crate::dto::UpdateOrganizationRequest,
    responses(
        (status = 200, description = "OK", body = Organization),
        (status = 400, description = "An invalid or reserved name", body = Response),
        (status = 403, description = "The deployment is not licensed for Multiple Organizations", body = Response),
        (status = 404, description = "No such organization, or the caller may not change it", body = Response),
        (status = 409, description = "Name taken", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[patch("/api/v2/organizations/{organization}")]
pub async fn patch_organization(state: web::Data<State>, actor: Authed, org: Path<String>, body: web::Bytes) -> ApiResult<HttpResponse> {
    state.app.require_feature(domain::licensing::Feature::MultipleOrganizations)?;
    let b: crate::dto::UpdateOrganizationRequest = crate::de::json_body(&body)?;
    let patch = OrganizationPatch { name: b.name, display_name: b.display_name, description: b.description, icon: b.icon };
    let org = org.into_inner();
    let updated = blocking(&state, move |app| app.patch_organization(&actor.0, &org, patch)).await?;
    Ok(HttpResponse::Ok().json(Organization::from(&updated)))
}

/// Delete organization
#[utoipa::path(
    operation_id = "delete-organization",
    tag = "Organizations",
    params(("organization" = String, Path, description = "Organization ID or name")),
    responses(
        (status = 200, description = "OK", body = Response, example = json!({"message": "Organization has been deleted."})),
        (status = 400, description = "The default organization cannot be deleted", body = Response),
        (status = 409, description = "Other members or groups must be removed first", body = Response),
        (status = 403, description = "Not allowed, or the deployment is not licensed for Multiple Organizations", body = Response),
        (status = 404, description = "No such organization", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[delete("/api/v2/organizations/{organization}")]
pub async fn delete_organization(state: web::Data<State>, actor: Authed, org: Path<String>) -> ApiResult<HttpResponse> {
    blocking(&state, move |app| app.delete_organization(&actor.0, &org)).await?;
    Ok(HttpResponse::Ok().json(Response::message("Organization has been deleted.")))
}

/// Get member roles by organization
#[utoipa::path(
    operation_id = "get-member-roles-by-organization",
    tag = "Members",
    params(("organization" = String, Path, description = "Organization ID or name")),
    responses(
        (status = 200, description = "OK", body = Vec<AssignableRoles>),
        (status = 404, description = "No such organization", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations/{organization}/members/roles")]
pub async fn member_roles(state: web::Data<State>, actor: Authed, org: Path<String>) -> ApiResult<HttpResponse> {
    let roles = blocking(&state, move |app| app.assignable_org_roles(&actor.0, &org)).await?;
    Ok(HttpResponse::Ok().json(roles.iter().map(AssignableRoles::from).collect::<Vec<_>>()))
}

/// List organization members
#[utoipa::path(
    operation_id = "list-organization-members",
    tag = "Members",
    params(("organization" = String, Path, description = "Organization ID or name")),
    responses(
        (status = 200, description = "OK", body = Vec<OrganizationMemberWithUserData>),
        (status = 404, description = "No such organization", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations/{organization}/members")]
pub async fn list_members(state: web::Data<State>, actor: Authed, org: Path<String>) -> ApiResult<HttpResponse> {
    let (_, members) = blocking(&state, move |app| app.list_members(&actor.0, &org)).await?;
    Ok(HttpResponse::Ok().json(members.iter().map(OrganizationMemberWithUserData::from).collect::<Vec<_>>()))
}

/// Paginated organization members
#[utoipa::path(
    operation_id = "paginated-organization-members",
    tag = "Members",
    params(
        ("organization" = String, Path, description = "Organization ID or name"),
        ("q" = Option<String>, Query, description = "Member search query, as the users list's `q`"),
        ("after_id" = Option<uuid::Uuid>, Query, description = "After ID: start after this member in username order"),
        ("limit" = Option<i32>, Query, minimum = 0, description = "Page limit, if 0 returns all members"),
        ("offset" = Option<i32>, Query, minimum = 0, description = "Page offset"),
    ),
    responses(
        (status = 200, description = "OK", body = PaginatedMembersResponse),
        (status = 400, description = "Malformed search query or pagination", body = Response),
        (status = 404, description = "No such organization", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations/{organization}/paginated-members")]
pub async fn paginated_members(state: web::Data<State>, actor: Authed, org: Path<String>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let pairs = query::pairs(&req);
    let q = query::string(&pairs, "q");
    domain::search::parse_user_query(&q).map_err(|e| domain::Error { message: "Invalid member search query.".into(), ..e })?;
    let page = query::page(&pairs)?;
    let (members, count) = blocking(&state, move |app| app.paginated_members(&actor.0, &org, &q, page)).await?;
    Ok(HttpResponse::Ok()
        .json(PaginatedMembersResponse { members: members.iter().map(OrganizationMemberWithUserData::from).collect(), count }))
}

/// Add organization member
#[utoipa::path(
    operation_id = "add-organization-member",
    tag = "Members",
    params(
        ("organization" = String, Path, description = "Organization ID or name"),
        ("user" = String, Path, description = "User ID, username, or me"),
    ),
    responses(
        (status = 200, description = "OK", body = OrganizationMember),
        (status = 400, description = "Already a member", body = Response),
        (status = 403, description = "Not allowed", body = Response),
        (status = 404, description = "No such organization or user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/organizations/{organization}/members/{user}")]
pub async fn add_member(state: web::Data<State>, actor: Authed, path: Path<(String, String)>) -> ApiResult<HttpResponse> {
    let (org, user) = path.into_inner();
    let member = blocking(&state, move |app| app.add_member(&actor.0, &org, &user)).await?;
    Ok(HttpResponse::Ok().json(OrganizationMember::from(&member)))
}

/// Remove organization member
#[utoipa::path(
    operation_id = "remove-organization-member",
    tag = "Members",
    params(
        ("organization" = String, Path, description = "Organization ID or name"),
        ("user" = String, Path, description = "User ID, username, or me"),
    ),
    responses(
        (status = 204, description = "No Content"),
        (status = 400, description = "Removing yourself", body = Response),
        (status = 404, description = "No such organization, user or membership, or not allowed", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[delete("/api/v2/organizations/{organization}/members/{user}")]
pub async fn remove_member(state: web::Data<State>, actor: Authed, path: Path<(String, String)>) -> ApiResult<HttpResponse> {
    let (org, user) = path.into_inner();
    blocking(&state, move |app| app.remove_member(&actor.0, &org, &user)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Assign role to organization member
#[utoipa::path(
    operation_id = "assign-role-to-organization-member",
    tag = "Members",
    params(
        ("organization" = String, Path, description = "Organization ID or name"),
        ("user" = String, Path, description = "User ID, username, or me"),
    ),
    request_body = UpdateRoles,
    responses(
        (status = 200, description = "OK", body = OrganizationMember),
        (status = 400, description = "Unknown role, a role the caller may not grant, or changing your own roles", body = Response),
        (status = 403, description = "Not allowed to grant or remove roles here", body = Response),
        (status = 404, description = "No such organization or member", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[put("/api/v2/organizations/{organization}/members/{user}/roles")]
pub async fn put_member_roles(
    state: web::Data<State>,
    actor: Authed,
    path: Path<(String, String)>,
    body: Json<UpdateRoles>,
) -> ApiResult<HttpResponse> {
    let (org, user) = path.into_inner();
    let roles = body.into_inner().roles;
    let (member, _) = blocking(&state, move |app| app.set_member_roles(&actor.0, &org, &user, &roles)).await?;
    Ok(HttpResponse::Ok().json(OrganizationMember::from(&member)))
}
