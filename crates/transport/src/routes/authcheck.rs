//! Authorization checks for clients (Coder's dashboard asks before it renders a page).

use std::collections::BTreeMap;

use actix_web::web::{self, Json, ServiceConfig};
use actix_web::{post, HttpResponse};

use crate::auth::Authed;
use crate::dto::AuthorizationRequest;
use crate::error::{ApiResult, Response};
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(check_authorization);
}

/// Check authorization
///
/// Answers each named check with whether the caller may take its action, with the caller's
/// roles and the API key's scope, as every endpoint decides it. `owner_id: "me"` is the caller.
#[utoipa::path(
    operation_id = "check-authorization",
    tag = "Authorization",
    request_body = AuthorizationRequest,
    responses(
        (status = 200, description = "One boolean per check", body = BTreeMap<String, bool>,
            example = json!({"viewAllUsers": false})),
        (status = 400, description = "A check without a resource type, a malformed or unsupported `resource_id`, or more than 10 of them", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/authcheck")]
pub async fn check_authorization(state: web::Data<State>, actor: Authed, body: Json<AuthorizationRequest>) -> ApiResult<HttpResponse> {
    let checks: BTreeMap<String, domain::authcheck::Check> =
        body.into_inner().checks.unwrap_or_default().into_iter().map(|(k, v)| (k, v.into())).collect();
    let answers = blocking(&state, move |app| app.check_authorization(&actor.0, &checks)).await?;
    Ok(HttpResponse::Ok().json(answers))
}
