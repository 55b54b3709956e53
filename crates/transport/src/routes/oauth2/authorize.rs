//! The authorization endpoint: `GET` shows the consent page, `POST` records the decision.
//!
//! The parameters are always read from the URL query (the consent form posts back to the same
//! URL). A visitor who is not signed in is sent to the sign-in page, which returns here.

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes, ServiceConfig};
use actix_web::{get, post, HttpRequest, HttpResponse};
use domain::app::Actor;
use domain::oauth2::authorize::{AuthorizeError, AuthorizeRequest};

use super::EXPERIMENT_403;
use crate::auth::{MaybeAuthed, SESSION_COOKIE};
use crate::error::{ApiResult, Response};
use crate::html::{self, escape, CSRF_FIELD};
use crate::state::{blocking_raw, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(show).service(decide);
}

fn redirect(status: StatusCode, location: &str) -> HttpResponse {
    html::page(status).insert_header((header::LOCATION, location)).finish()
}

/// The answer to an invalid request: a page, or the error sent back to the client.
fn refuse(state: &State, e: &AuthorizeError) -> HttpResponse {
    match e {
        AuthorizeError::Page { title, description } => html::error_page(StatusCode::BAD_REQUEST, title, description),
        AuthorizeError::Redirect { .. } => redirect(StatusCode::FOUND, &e.redirect_url(&state.app.issuer()).unwrap_or_default()),
    }
}

/// Where a signed-out visitor goes: the sign-in page, which comes back to this very URL.
fn to_sign_in(req: &HttpRequest) -> HttpResponse {
    let back = match req.query_string() {
        "" => req.path().to_string(),
        q => format!("{}?{q}", req.path()),
    };
    let location = format!("/login?{}", url::form_urlencoded::Serializer::new(String::new()).append_pair("redirect", &back).finish());
    redirect(StatusCode::SEE_OTHER, &location)
}

/// What a scope lets the application do, for people.
fn describe_scope(scope: &str) -> String {
    match scope {
        "coder:all" => "Full access: everything your account can do".into(),
        _ => match scope.split_once(':') {
            Some((resource, "*")) => format!("Everything on {}", resource.replace('_', " ")),
            Some((resource, action)) => format!("{} {}", action.replace(['_', '.'], " "), resource.replace('_', " ")),
            None => scope.into(),
        },
    }
}

fn consent_page(req: &AuthorizeRequest, actor: &Actor, csrf: &str) -> String {
    let app = &req.app;
    let icon = if app.icon.starts_with("https://") || app.icon.starts_with("http://") || app.icon.starts_with('/') {
        format!("<img class=\"icon\" alt=\"\" src=\"{}\">", escape(&app.icon))
    } else {
        String::new()
    };
    let scopes: String =
        req.scopes.iter().map(|s| format!("<li><code>{}</code>: {}</li>", escape(s), escape(&describe_scope(s)))).collect();
    let host =
        url::Url::parse(&req.redirect_uri).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_else(|| req.redirect_uri.clone());
    format!(
        "{icon}<h1>Authorize {name}</h1>\
         <p>Allow <strong>{name}</strong> to act as <strong>{user}</strong> with these permissions?</p><ul id=\"scopes\">{scopes}</ul>\
         <p>You will be sent back to <code>{host}</code>.</p>\
         <form id=\"allow-form\" method=\"POST\"><input type=\"hidden\" name=\"{CSRF_FIELD}\" value=\"{csrf}\">\
         <button id=\"allow\" class=\"primary\" type=\"submit\" name=\"decision\" value=\"allow\">Allow</button> \
         <button id=\"deny\" type=\"submit\" name=\"decision\" value=\"deny\">Cancel</button></form>",
        name = escape(&app.name),
        user = escape(&actor.user.username),
        host = escape(&host),
    )
}

/// OAuth2 authorization request (GET - show authorization page)
///
/// The consent page.
///
/// Needs a signed-in user; others are redirected (303) to `/login?redirect=...`. While the
/// client or redirect URI is in doubt, errors are an HTML page; after that they go back to the
/// redirect URI (RFC 6749 §4.1.2.1).
#[utoipa::path(
    operation_id = "oauth2-authorization-request-get",
    tag = "Enterprise",
    params(
        ("client_id" = uuid::Uuid, Query, description = "Client ID"),
        ("response_type" = String, Query, description = "`code`"),
        ("code_challenge" = String, Query, description = "PKCE: base64url SHA-256 of the verifier (43 characters)", min_length = 43, max_length = 128),
        ("code_challenge_method" = Option<String>, Query, description = "`S256` (the default; `plain` is refused)"),
        ("redirect_uri" = Option<String>, Query, description = "One of the registered redirect URIs, exactly; required when several are registered"),
        ("state" = Option<String>, Query, description = "Echoed to the redirect URI"),
        ("scope" = Option<String>, Query, description = "Space-separated scopes (from `scopes_supported`); default the client's registered scope, else `coder:all`"),
        ("resource" = Option<String>, Query, description = "RFC 8707: this deployment's access URL"),
    ),
    responses(
        (status = 200, description = "The consent page (HTML)", content_type = "text/html", body = String, example = json!("<!DOCTYPE html><html lang=\"en\">…<form id=\"allow-form\" method=\"POST\">…</form>…</html>")),
        (status = 302, description = "An error sent back to the redirect URI"),
        (status = 303, description = "Not signed in: to `/login?redirect=...`"),
        (status = 400, description = "Unknown client or redirect URI (HTML page)", content_type = "text/html", body = String),
        (status = 403, description = EXPERIMENT_403, body = Response),
    ),
    security((), ("CoderSessionToken" = [])),
)]
#[get("/oauth2/authorize")]
pub async fn show(state: web::Data<State>, actor: MaybeAuthed, req: HttpRequest) -> ApiResult<HttpResponse> {
    state.app.require_oauth2_experiment()?;
    let params = crate::query::pairs(&req);
    let validated = blocking_raw(&state, move |app| app.authorize_request(&params)).await?;
    let request = match validated {
        Ok(r) => r,
        Err(e) => return Ok(refuse(&state, &e)),
    };
    let Some(actor) = actor.0 else { return Ok(to_sign_in(&req)) };
    let (csrf, cookie) = html::csrf_token(&req, state.info.secure_cookie);
    let body = consent_page(&request, &actor, &csrf);
    Ok(html::page(StatusCode::OK).cookie(cookie).body(html::document(&format!("Authorize {}", request.app.name), &body)))
}

/// OAuth2 authorization request (POST - process authorization)
///
/// The user's decision.
///
/// `decision=deny` sends `access_denied` to the client; anything else approves and redirects
/// (302) with `code`, `state` and `iss`. A browser session (the cookie) must send the page's
/// `csrf_token`.
#[utoipa::path(
    operation_id = "oauth2-authorization-request-post",
    tag = "Enterprise",
    params(
        ("client_id" = uuid::Uuid, Query, description = "Client ID"),
        ("response_type" = String, Query, description = "`code`"),
        ("code_challenge" = String, Query, description = "PKCE: base64url SHA-256 of the verifier (43 characters)", min_length = 43, max_length = 128),
        ("code_challenge_method" = Option<String>, Query, description = "`S256` (the default; `plain` is refused)"),
        ("redirect_uri" = Option<String>, Query, description = "One of the registered redirect URIs, exactly"),
        ("state" = Option<String>, Query, description = "Echoed to the redirect URI"),
        ("scope" = Option<String>, Query, description = "Space-separated scopes"),
        ("resource" = Option<String>, Query, description = "RFC 8707: this deployment's access URL"),
    ),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "csrf_token (browser sessions), decision (allow or deny)"),
    responses(
        (status = 302, description = "To the redirect URI, with the code or an error"),
        (status = 303, description = "Not signed in: to `/login?redirect=...`"),
        (status = 400, description = "Unknown client or redirect URI (HTML page)", content_type = "text/html", body = String),
        (status = 403, description = "A missing or wrong CSRF token (HTML page), or the experiment is off (JSON)", content((Response = "application/json"), (String = "text/html"))),
    ),
    security((), ("CoderSessionToken" = [])),
)]
#[post("/oauth2/authorize")]
pub async fn decide(state: web::Data<State>, actor: MaybeAuthed, req: HttpRequest, body: Bytes) -> ApiResult<HttpResponse> {
    state.app.require_oauth2_experiment()?;
    let params = crate::query::pairs(&req);
    let validated = blocking_raw(&state, move |app| app.authorize_request(&params)).await?;
    let request = match validated {
        Ok(r) => r,
        Err(e) => return Ok(refuse(&state, &e)),
    };
    let Some(actor) = actor.0 else { return Ok(to_sign_in(&req)) };
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    // A browser carries the session cookie on its own; then only our page can have the token.
    let by_cookie = req.cookie(SESSION_COOKIE).is_some_and(|c| crate::auth::token_from_request(&req).as_deref() == Some(c.value().trim()));
    if by_cookie && !html::csrf_valid(&req, &form, state.info.secure_cookie) {
        return Ok(html::error_page(
            StatusCode::FORBIDDEN,
            "Request refused",
            "The form's CSRF token is missing or wrong. Reload the page and try again.",
        ));
    }
    if form.iter().any(|(k, v)| k == "decision" && v == "deny") {
        return Ok(redirect(StatusCode::FOUND, &state.app.deny_authorization(&request)));
    }
    let location = crate::state::blocking(&state, move |app| app.approve_authorization(&actor, &request)).await?;
    Ok(redirect(StatusCode::FOUND, &location))
}
