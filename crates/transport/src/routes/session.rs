//! First-user setup, login and logout.

use actix_web::web::{self, Json, ServiceConfig};
use actix_web::{get, post, HttpResponse};
use domain::auth::FirstUserInput;

use crate::auth::{clear_session_cookie, session_cookie, Authed};
use crate::dto::{CreateFirstUserRequest, CreateFirstUserResponse, LoginWithPasswordRequest, LoginWithPasswordResponse};
use crate::error::{ApiResult, Response};
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(check_first_user).service(create_first_user).service(login).service(logout);
}

/// Check initial user created
#[utoipa::path(
    operation_id = "check-initial-user-created",
    security(()),
    tag = "Users",
    responses(
        (status = 200, description = "The initial user exists", body = Response, example = json!({"message": "The initial user has already been created!"})),
        (status = 404, description = "No user has been created yet", body = Response, example = json!({"message": "The initial user has not been created!"})),
    ),
)]
#[get("/api/v2/users/first")]
pub async fn check_first_user(state: web::Data<State>) -> ApiResult<HttpResponse> {
    let exists = blocking(&state, |app| app.has_first_user()).await?;
    Ok(if exists {
        HttpResponse::Ok().json(Response::message("The initial user has already been created!"))
    } else {
        HttpResponse::NotFound().json(Response::message("The initial user has not been created!"))
    })
}

/// Create initial user
#[utoipa::path(
    operation_id = "create-initial-user",
    security(()),
    tag = "Users",
    request_body = CreateFirstUserRequest,
    responses(
        (status = 201, description = "Created", body = CreateFirstUserResponse),
        (status = 400, description = "Invalid request", body = Response),
        (status = 409, description = "The initial user already exists", body = Response),
    ),
)]
#[post("/api/v2/users/first")]
pub async fn create_first_user(state: web::Data<State>, body: Json<CreateFirstUserRequest>) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let input = FirstUserInput { email: body.email, username: body.username, name: body.name, password: body.password, trial: body.trial };
    let (user_id, organization_id) = blocking(&state, move |app| app.create_first_user(input)).await?;
    Ok(HttpResponse::Created().json(CreateFirstUserResponse { user_id, organization_id }))
}

/// Log in user
#[utoipa::path(
    operation_id = "log-in-user",
    security(()),
    tag = "Authorization",
    request_body = LoginWithPasswordRequest,
    responses(
        (status = 201, description = "Created; also sets the `coder_session_token` cookie", body = LoginWithPasswordResponse),
        (status = 400, description = "Invalid request", body = Response),
        (status = 401, description = "Wrong email or password, or account suspended", body = Response),
        (status = 403, description = "Password login is disabled or not this user's login type", body = Response),
    ),
)]
#[post("/api/v2/users/login")]
pub async fn login(state: web::Data<State>, body: Json<LoginWithPasswordRequest>) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let mut v = domain::error::Validations::new();
    if body.email.is_empty() {
        v.add("email", domain::auth::tag_failure("required", ""));
    } else if domain::validation::email_valid(&body.email).is_err() {
        v.add("email", domain::auth::tag_failure("email", &body.email));
    }
    if body.password.is_empty() {
        v.add("password", domain::auth::tag_failure("required", ""));
    }
    v.finish("Validation failed.")?;
    let token = blocking(&state, move |app| app.login(&body.email, &body.password)).await?;
    Ok(HttpResponse::Created()
        .cookie(session_cookie(&token, state.info.secure_cookie))
        .json(LoginWithPasswordResponse { session_token: token }))
}

/// Log out user
#[utoipa::path(
    operation_id = "log-out-user",
    tag = "Users",
    responses(
        (status = 200, description = "OK", body = Response, example = json!({"message": "Logged out!"})),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/users/logout")]
pub async fn logout(state: web::Data<State>, actor: Authed) -> ApiResult<HttpResponse> {
    let actor = actor.0;
    blocking(&state, move |app| app.logout(&actor)).await?;
    Ok(HttpResponse::Ok().cookie(clear_session_cookie()).json(Response::message("Logged out!")))
}
