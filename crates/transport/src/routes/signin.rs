//! The server-rendered sign-in page at `/login`, where the OAuth2 consent page sends visitors who
//! are not signed in (Coder's web UI is not part of this project). A password form that sets
//! the session cookie and returns to `redirect`, which must be a path on this server.

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes, ServiceConfig};
use actix_web::{get, post, HttpRequest, HttpResponse};
use domain::ErrorKind;

use crate::auth::{session_cookie, MaybeAuthed};
use crate::html::{self, escape, local_redirect, CSRF_FIELD};
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(show).service(submit);
}

fn field<'a>(params: &'a [(String, String)], name: &str) -> &'a str {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

fn form_page(req: &HttpRequest, state: &State, status: StatusCode, redirect: &str, email: &str, error: &str) -> HttpResponse {
    let (csrf, cookie) = html::csrf_token(req, state.info.secure_cookie);
    let error = if error.is_empty() { String::new() } else { format!("<p class=\"error\" id=\"error\">{}</p>", escape(error)) };
    let oidc_button = match &state.app.settings.oidc {
        Some(o) => {
            let target = format!(
                "/api/v2/users/oidc/callback?{}",
                url::form_urlencoded::Serializer::new(String::new()).append_pair("redirect", redirect).finish()
            );
            let icon = if o.icon_url.is_empty() {
                String::new()
            } else {
                format!("<img class=\"icon\" alt=\"\" src=\"{}\"> ", escape(&o.icon_url))
            };
            format!("<p><a id=\"oidc\" class=\"button\" href=\"{}\">{icon}{}</a></p>", escape(&target), escape(&o.sign_in_text))
        }
        None => String::new(),
    };
    let github_button = if state.app.settings.github.is_some() {
        let target = format!(
            "/api/v2/users/oauth2/github/callback?{}",
            url::form_urlencoded::Serializer::new(String::new()).append_pair("redirect", redirect).finish()
        );
        format!("<p><a id=\"github\" class=\"button\" href=\"{}\">GitHub</a></p>", escape(&target))
    } else {
        String::new()
    };
    let oidc_button = format!("{github_button}{oidc_button}");
    let body = if state.app.settings.disable_password_auth {
        if oidc_button.is_empty() {
            "<h1>Sign in</h1><p>Password sign-in is disabled on this deployment, and no other sign-in method is configured.</p>".to_string()
        } else {
            format!("<h1>Sign in to Coder</h1>{error}{oidc_button}")
        }
    } else {
        format!(
            "<h1>Sign in to Coder</h1>{error}<form id=\"login-form\" method=\"POST\" action=\"/login\">\
             <input type=\"hidden\" name=\"{CSRF_FIELD}\" value=\"{csrf}\"><input type=\"hidden\" name=\"redirect\" value=\"{redirect}\">\
             <label for=\"email\">Email</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" required value=\"{email}\">\
             <label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
             <button id=\"sign-in\" class=\"primary\" type=\"submit\">Sign in</button></form>{oidc_button}",
            redirect = escape(redirect),
            email = escape(email),
        )
    };
    html::page(status).cookie(cookie).body(html::document("Sign in", &body))
}

fn signed_in_page(username: &str) -> HttpResponse {
    html::respond(
        StatusCode::OK,
        "Signed in",
        &format!("<h1>Signed in</h1><p>You are signed in as <strong>{}</strong>.</p>", escape(username)),
    )
}

/// The sign-in page; a signed-in visitor goes straight on to `redirect`.
#[get("/login")]
pub async fn show(state: web::Data<State>, actor: MaybeAuthed, req: HttpRequest) -> HttpResponse {
    // With Coder's dashboard served, `/login` is its page (it honours `redirect` the same way).
    if state.site.is_some() {
        return crate::site::serve(req, state).await;
    }
    let query = crate::query::pairs(&req);
    let redirect = local_redirect(field(&query, "redirect")).unwrap_or("");
    match actor.0 {
        Some(_) if !redirect.is_empty() => html::page(StatusCode::SEE_OTHER).insert_header((header::LOCATION, redirect)).finish(),
        Some(actor) => signed_in_page(&actor.user.username),
        None => form_page(&req, &state, StatusCode::OK, redirect, "", ""),
    }
}

/// Signs in with email and password: sets the session cookie and goes on to `redirect`.
#[post("/login")]
pub async fn submit(state: web::Data<State>, req: HttpRequest, body: Bytes) -> HttpResponse {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let redirect = local_redirect(field(&form, "redirect")).unwrap_or("").to_string();
    let email = field(&form, "email").trim().to_string();
    if !html::csrf_valid(&req, &form, state.info.secure_cookie) {
        return form_page(&req, &state, StatusCode::FORBIDDEN, &redirect, &email, "The form expired. Please sign in again.");
    }
    let password = field(&form, "password").to_string();
    if email.is_empty() || password.is_empty() {
        return form_page(&req, &state, StatusCode::BAD_REQUEST, &redirect, &email, "Enter your email and password.");
    }
    let login_email = email.clone();
    let outcome = blocking(&state, move |app| {
        let token = app.login(&login_email, &password)?;
        let actor = app.authenticate(&token)?;
        Ok((token, actor.user.username))
    })
    .await;
    match outcome {
        Ok((token, username)) => {
            let mut resp = if redirect.is_empty() {
                signed_in_page(&username)
            } else {
                html::page(StatusCode::SEE_OTHER).insert_header((header::LOCATION, redirect)).finish()
            };
            // The cookie is well-formed by construction; a failure would only drop it.
            let _ = resp.add_cookie(&session_cookie(&token, state.info.secure_cookie));
            resp
        }
        Err(e) => {
            let status = match e.0.kind {
                ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
                ErrorKind::Forbidden => StatusCode::FORBIDDEN,
                ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
                _ => StatusCode::UNAUTHORIZED,
            };
            if status.is_server_error() {
                tracing::error!(error = %e.0, "sign-in failed");
            }
            form_page(&req, &state, status, &redirect, &email, &e.0.message)
        }
    }
}
