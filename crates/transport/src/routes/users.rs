//! The Users API.

use actix_web::web::{self, Path, ServiceConfig};
use actix_web::{get, HttpResponse};

use crate::auth::Authed;
use crate::dto::User;
use crate::error::{ApiResult, Response};
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_user);
}

/// Get user by name
#[utoipa::path(
    operation_id = "get-user-by-name",
    tag = "Users",
    params(("user" = String, Path, description = "User ID, username, or me")),
    responses(
        (status = 200, description = "OK", body = User),
        (status = 401, description = "Not signed in", body = Response),
        (status = 404, description = "No such user, or not visible to the caller", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/{user}")]
pub async fn get_user(state: web::Data<State>, actor: Authed, user: Path<String>) -> ApiResult<HttpResponse> {
    let view = blocking(&state, move |app| {
        let user = app.resolve_user(&actor.0, &user)?;
        let orgs = app.repo().memberships_of_user(user.id)?.into_iter().map(|m| m.organization_id).collect();
        Ok(User::from_domain(&user, orgs))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
