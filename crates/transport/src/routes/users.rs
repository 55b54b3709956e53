//! The Users API: accounts, profile, password, status and roles.

use actix_web::web::{self, Json, Path, ServiceConfig};
use actix_web::{delete, get, post, put, HttpRequest, HttpResponse};
use domain::user::UserStatus;
use domain::users::{NewUser, UserView};

use crate::auth::Authed;
use crate::dto::{
    AssignableRoles, AuthMethod, AuthMethods, CreateUserRequestWithOrgs, GetUsersResponse, GithubAuthMethod, LoginType, OidcAuthMethod,
    Organization, UpdateRoles, UpdateUserPasswordRequest, UpdateUserProfileRequest, User, UserLoginType, ValidateUserPasswordRequest,
    ValidateUserPasswordResponse,
};
use crate::error::{ApiResult, Response};
use crate::query;
use crate::state::{blocking, State};

/// Registers the routes of this module; fixed paths before `{user}`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_users)
        .service(create_user)
        .service(validate_password)
        .service(auth_methods)
        .service(site_roles)
        .service(get_user)
        .service(delete_user)
        .service(update_profile)
        .service(update_password)
        .service(activate_user)
        .service(suspend_user)
        .service(get_user_roles)
        .service(put_user_roles)
        .service(login_type)
        .service(user_organizations)
        .service(user_organization_by_name);
}

/// A user as `GET /users/me` shows it.
pub fn user_json(v: &UserView) -> User {
    User::from_domain(&v.user, v.organization_ids.clone())
}

/// Get users
#[utoipa::path(
    operation_id = "get-users",
    tag = "Users",
    params(
        ("q" = Option<String>, Query, description = "Search query: bare words match username or email; filters `status:`, `role:`, `login_type:`, `service_account:`, `name:`, `created_before:`, `created_after:`, `last_seen_before:`, `last_seen_after:` (quote times: `created_after:\"2024-01-02T00:00:00Z\"`)."),
        ("after_id" = Option<uuid::Uuid>, Query, description = "After ID: start after this user in username order"),
        ("limit" = Option<i32>, Query, minimum = 0, description = "Page limit (0 = no limit)"),
        ("offset" = Option<i32>, Query, minimum = 0, description = "Page offset"),
    ),
    responses(
        (status = 200, description = "OK", body = GetUsersResponse),
        (status = 400, description = "Malformed search query or pagination", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users")]
pub async fn list_users(state: web::Data<State>, actor: Authed, req: HttpRequest) -> ApiResult<HttpResponse> {
    let pairs = query::pairs(&req);
    let q = query::string(&pairs, "q");
    // As in Coder, a bad search query is reported before bad pagination.
    domain::search::parse_user_query(&q)?;
    let page = query::page(&pairs)?;
    let paged = blocking(&state, move |app| app.list_users(&actor.0, &q, page)).await?;
    Ok(HttpResponse::Ok().json(GetUsersResponse { users: paged.items.iter().map(user_json).collect(), count: paged.count }))
}

/// Create new user
#[utoipa::path(
    operation_id = "create-new-user",
    tag = "Users",
    request_body = CreateUserRequestWithOrgs,
    responses(
        (status = 201, description = "Created", body = User),
        (status = 400, description = "Invalid request", body = Response),
        (status = 403, description = "Not allowed to create users, or a service account on a deployment not licensed for Service Accounts", body = Response),
        (status = 404, description = "Unknown organization", body = Response),
        (status = 409, description = "Username or email taken", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/users")]
pub async fn create_user(state: web::Data<State>, actor: Authed, body: Json<CreateUserRequestWithOrgs>) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let mut organization_ids = b.organization_ids;
    if let Some(org) = b.organization_id {
        organization_ids.push(org);
    }
    let input = NewUser {
        email: b.email,
        username: b.username,
        name: b.name,
        password: b.password,
        login_type: domain::user::LoginType::parse(&b.login_type),
        unsupported_login_type: (!b.login_type.is_empty() && domain::user::LoginType::parse(&b.login_type).is_none())
            .then(|| b.login_type.clone()),
        status: b.user_status.map(Into::into),
        organization_ids,
        service_account: b.service_account,
        roles: b.roles,
    };
    let view = blocking(&state, move |app| app.create_user(&actor.0, input)).await?;
    Ok(HttpResponse::Created().json(user_json(&view)))
}

/// Validate user password
///
/// Tells whether a password would be accepted, and why not; the setup and change-password forms
/// call it as the user types.
#[utoipa::path(
    operation_id = "validate-user-password",
    tag = "Authorization",
    security(()),
    request_body = ValidateUserPasswordRequest,
    responses(
        (status = 200, description = "OK", body = ValidateUserPasswordResponse),
        (status = 400, description = "Invalid request", body = Response),
    ),
)]
#[post("/api/v2/users/validate-password")]
pub async fn validate_password(body: Json<ValidateUserPasswordRequest>) -> ApiResult<HttpResponse> {
    let password = body.into_inner().password;
    if password.is_empty() {
        return Err(domain::Error::invalid_field("Validation failed.", "password", domain::auth::tag_failure("required", "")).into());
    }
    let outcome = domain::validation::password_valid(&password);
    Ok(HttpResponse::Ok().json(ValidateUserPasswordResponse { valid: outcome.is_ok(), details: outcome.err().unwrap_or_default() }))
}

/// Get authentication methods
#[utoipa::path(
    operation_id = "get-authentication-methods",
    security(()),
    tag = "Users",
    responses((status = 200, description = "OK", body = AuthMethods)),
)]
#[get("/api/v2/users/authmethods")]
pub async fn auth_methods(state: web::Data<State>) -> HttpResponse {
    HttpResponse::Ok().json(AuthMethods {
        password: AuthMethod { enabled: !state.app.settings.disable_password_auth },
        github: GithubAuthMethod { enabled: state.app.settings.github.is_some(), default_provider_configured: false },
        oidc: match &state.app.settings.oidc {
            Some(o) => OidcAuthMethod { enabled: true, sign_in_text: o.sign_in_text.clone(), icon_url: o.icon_url.clone() },
            None => OidcAuthMethod { enabled: false, sign_in_text: String::new(), icon_url: String::new() },
        },
        terms_of_service_url: String::new(),
    })
}

/// Get site member roles
#[utoipa::path(
    operation_id = "get-site-member-roles",
    tag = "Members",
    responses(
        (status = 200, description = "OK", body = Vec<AssignableRoles>),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/roles")]
pub async fn site_roles(state: web::Data<State>, actor: Authed) -> ApiResult<HttpResponse> {
    let roles = blocking(&state, move |app| app.assignable_site_roles(&actor.0)).await?;
    Ok(HttpResponse::Ok().json(roles.iter().map(AssignableRoles::from).collect::<Vec<_>>()))
}

/// Get user by name
#[utoipa::path(
    operation_id = "get-user-by-name",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    responses(
        (status = 200, description = "OK", body = User),
        (status = 404, description = "No such user, or not visible to the caller", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/{user}")]
pub async fn get_user(state: web::Data<State>, actor: Authed, user: Path<String>) -> ApiResult<HttpResponse> {
    // The hottest request of all needs no database: authentication loaded everything.
    if user.as_str() == "me" {
        return Ok(HttpResponse::Ok().json(user_json(&state.app.me(&actor.0)?)));
    }
    let view = blocking(&state, move |app| app.get_user(&actor.0, &user)).await?;
    Ok(HttpResponse::Ok().json(user_json(&view)))
}

/// Delete user
#[utoipa::path(
    operation_id = "delete-user",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    responses(
        (status = 200, description = "OK", body = Response, example = json!({"message": "User has been deleted!"})),
        (status = 403, description = "Deleting yourself, or not allowed", body = Response),
        (status = 404, description = "No such user", body = Response),
        (status = 417, description = "The user still owns workspaces: delete them first", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[delete("/api/v2/users/{user}")]
pub async fn delete_user(state: web::Data<State>, actor: Authed, user: Path<String>) -> ApiResult<HttpResponse> {
    blocking(&state, move |app| app.delete_user(&actor.0, &user)).await?;
    Ok(HttpResponse::Ok().json(Response::message("User has been deleted!")))
}

/// Update user profile
#[utoipa::path(
    operation_id = "update-user-profile",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    request_body = UpdateUserProfileRequest,
    responses(
        (status = 200, description = "OK", body = User),
        (status = 400, description = "Invalid request", body = Response),
        (status = 404, description = "No such user, or renaming not allowed", body = Response),
        (status = 409, description = "Username taken", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[put("/api/v2/users/{user}/profile")]
pub async fn update_profile(
    state: web::Data<State>,
    actor: Authed,
    user: Path<String>,
    body: Json<UpdateUserProfileRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let view = blocking(&state, move |app| app.update_profile(&actor.0, &user, &b.username, &b.name)).await?;
    Ok(HttpResponse::Ok().json(user_json(&view)))
}

/// Update user password
#[utoipa::path(
    operation_id = "update-user-password",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    request_body = UpdateUserPasswordRequest,
    responses(
        (status = 204, description = "No Content"),
        (status = 400, description = "Invalid, weak or wrong password", body = Response),
        (status = 404, description = "No such user, or not allowed", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[put("/api/v2/users/{user}/password")]
pub async fn update_password(
    state: web::Data<State>,
    actor: Authed,
    user: Path<String>,
    body: Json<UpdateUserPasswordRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    blocking(&state, move |app| app.update_password(&actor.0, &user, &b.old_password, &b.password)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Activate user account
#[utoipa::path(
    operation_id = "activate-user-account",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    responses(
        (status = 200, description = "OK", body = User),
        (status = 403, description = "Not allowed", body = Response),
        (status = 404, description = "No such user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[put("/api/v2/users/{user}/status/activate")]
pub async fn activate_user(state: web::Data<State>, actor: Authed, user: Path<String>) -> ApiResult<HttpResponse> {
    let view = blocking(&state, move |app| app.set_status(&actor.0, &user, UserStatus::Active)).await?;
    Ok(HttpResponse::Ok().json(user_json(&view)))
}

/// Suspend user account
#[utoipa::path(
    operation_id = "suspend-user-account",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    responses(
        (status = 200, description = "OK", body = User),
        (status = 400, description = "Suspending yourself or an owner", body = Response),
        (status = 403, description = "Not allowed", body = Response),
        (status = 404, description = "No such user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[put("/api/v2/users/{user}/status/suspend")]
pub async fn suspend_user(state: web::Data<State>, actor: Authed, user: Path<String>) -> ApiResult<HttpResponse> {
    let view = blocking(&state, move |app| app.set_status(&actor.0, &user, UserStatus::Suspended)).await?;
    Ok(HttpResponse::Ok().json(user_json(&view)))
}

/// Get user roles
///
/// Answers with the user (whose `roles` are the site roles), as Coder's API description has it.
#[utoipa::path(
    operation_id = "get-user-roles",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    responses(
        (status = 200, description = "OK", body = User),
        (status = 404, description = "No such user, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/{user}/roles")]
pub async fn get_user_roles(state: web::Data<State>, actor: Authed, user: Path<String>) -> ApiResult<HttpResponse> {
    let view = blocking(&state, move |app| {
        app.user_roles(&actor.0, &user)?;
        app.get_user(&actor.0, &user)
    })
    .await?;
    Ok(HttpResponse::Ok().json(user_json(&view)))
}

/// Assign role to user
#[utoipa::path(
    operation_id = "assign-role-to-user",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    request_body = UpdateRoles,
    responses(
        (status = 200, description = "OK", body = User),
        (status = 400, description = "Unknown role, a role the caller may not grant (only owners grant owner), or changing your own roles", body = Response),
        (status = 403, description = "Not allowed to grant or remove roles", body = Response),
        (status = 404, description = "No such user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[put("/api/v2/users/{user}/roles")]
pub async fn put_user_roles(
    state: web::Data<State>,
    actor: Authed,
    user: Path<String>,
    body: Json<UpdateRoles>,
) -> ApiResult<HttpResponse> {
    let roles = body.into_inner().roles;
    let view = blocking(&state, move |app| app.set_user_roles(&actor.0, &user, &roles)).await?;
    Ok(HttpResponse::Ok().json(user_json(&view)))
}

/// Get user login type
#[utoipa::path(
    operation_id = "get-user-login-type",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    responses(
        (status = 200, description = "OK", body = UserLoginType),
        (status = 403, description = "Only your own login type can be read", body = Response),
        (status = 404, description = "No such user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/{user}/login-type")]
pub async fn login_type(state: web::Data<State>, actor: Authed, user: Path<String>) -> ApiResult<HttpResponse> {
    let lt = blocking(&state, move |app| app.login_type_of(&actor.0, &user)).await?;
    Ok(HttpResponse::Ok().json(UserLoginType { login_type: LoginType::from(lt) }))
}

/// Get organizations by user
#[utoipa::path(
    operation_id = "get-organizations-by-user",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    responses(
        (status = 200, description = "OK", body = Vec<Organization>),
        (status = 404, description = "No such user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/{user}/organizations")]
pub async fn user_organizations(state: web::Data<State>, actor: Authed, user: Path<String>) -> ApiResult<HttpResponse> {
    let orgs = blocking(&state, move |app| app.organizations_of_user(&actor.0, &user)).await?;
    Ok(HttpResponse::Ok().json(orgs.iter().map(Organization::from).collect::<Vec<_>>()))
}

/// Get organization by user and organization name
#[utoipa::path(
    operation_id = "get-organization-by-user-and-organization-name",
    tag = "Users",
    params(
        ("user" = String, Path, description = "User ID, username, or me"),
        ("organizationname" = String, Path, description = "Organization name"),
    ),
    responses(
        (status = 200, description = "OK", body = Organization),
        (status = 404, description = "No such user or organization, or the user is not a member", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/{user}/organizations/{organizationname}")]
pub async fn user_organization_by_name(state: web::Data<State>, actor: Authed, path: Path<(String, String)>) -> ApiResult<HttpResponse> {
    let (user, name) = path.into_inner();
    let org = blocking(&state, move |app| app.organization_of_user(&actor.0, &user, &name)).await?;
    Ok(HttpResponse::Ok().json(Organization::from(&org)))
}
