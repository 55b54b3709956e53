//! Authentication of requests: where the session token is read from, and the extractor that
//! turns it into an [`Actor`].

use std::collections::HashMap;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use domain::app::Actor;
use domain::rbac;
use domain::Error;
use futures_util::future::LocalBoxFuture;

use crate::error::ApiError;
use crate::state::{blocking, State};

/// Name of the session cookie and query parameter (`codersdk.SessionTokenCookie`).
pub const SESSION_COOKIE: &str = "coder_session_token";
/// Name of the session header (`codersdk.SessionTokenHeader`).
pub const SESSION_HEADER: &str = "Coder-Session-Token";

/// The token presented with a request, looked for where Coder looks, in Coder's order: the
/// cookie, the `coder_session_token` query parameter, the `Coder-Session-Token` header,
/// `Authorization: Bearer`, then the `access_token` query parameter.
pub fn token_from_request(req: &HttpRequest) -> Option<String> {
    let non_empty = |s: String| (!s.trim().is_empty()).then(|| s.trim().to_string());
    let query = || web::Query::<HashMap<String, String>>::from_query(req.query_string()).ok();
    if let Some(c) = req.cookie(SESSION_COOKIE).and_then(|c| non_empty(c.value().to_string())) {
        return Some(c);
    }
    if let Some(q) = query().and_then(|q| q.get(SESSION_COOKIE).cloned()).and_then(non_empty) {
        return Some(q);
    }
    if let Some(h) = req.headers().get(SESSION_HEADER).and_then(|h| h.to_str().ok()).and_then(|h| non_empty(h.to_string())) {
        return Some(h);
    }
    if let Some(auth) = req.headers().get(actix_web::http::header::AUTHORIZATION).and_then(|h| h.to_str().ok()) {
        if auth.len() > 7 && auth[..7].eq_ignore_ascii_case("bearer ") {
            if let Some(t) = non_empty(auth[7..].to_string()) {
                return Some(t);
            }
        }
    }
    query().and_then(|q| q.get("access_token").cloned()).and_then(non_empty)
}

/// An authenticated caller. Using it as a handler argument makes the route require a session.
#[derive(Debug, Clone)]
pub struct Authed(pub Actor);

impl FromRequest for Authed {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = token_from_request(req);
        let state = req.app_data::<web::Data<State>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let actor = authenticate(token, state).await?;
            req.extensions_mut().insert(AuthedUser(actor.0.user.id));
            if rbac::authorize(&actor.0.subject, rbac::action::READ, &rbac::Object::of(rbac::resource::DEPLOYMENT_CONFIG)) {
                req.extensions_mut().insert(SeesEntitlementWarnings);
            }
            Ok(actor)
        })
    }
}

/// The user a request authenticated as, for the access log.
#[derive(Debug, Clone, Copy)]
pub struct AuthedUser(pub uuid::Uuid);

/// The caller when the request carries a valid session, else `None` (a missing, malformed or
/// revoked token alike), for endpoints that word their own refusal.
#[derive(Debug, Clone)]
pub struct MaybeAuthed(pub Option<Actor>);

impl FromRequest for MaybeAuthed {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let inner = Authed::from_request(req, payload);
        Box::pin(async move { Ok(MaybeAuthed(inner.await.ok().map(|a| a.0))) })
    }
}

/// Marks a request whose caller is shown entitlement warnings in `X-Coder-Entitlements-Warning`
/// headers (those who may read the deployment's configuration: owners and auditors).
#[derive(Debug, Clone, Copy)]
pub struct SeesEntitlementWarnings;

async fn authenticate(token: Option<String>, state: Option<web::Data<State>>) -> Result<Authed, ApiError> {
    {
        let token = token.ok_or_else(|| {
            ApiError(domain::auth::signed_out(&format!("Cookie {SESSION_COOKIE:?} or query parameter must be provided.")))
        })?;
        let state = state.ok_or_else(|| ApiError(Error::internal("Internal error.", "application state missing")))?;
        // Most requests are answered by the in-process cache without leaving this thread.
        if let Some(outcome) = state.app.authenticate_cached(&token) {
            return outcome.map(Authed).map_err(ApiError);
        }
        let actor = blocking(&state, move |app| app.authenticate(&token)).await?;
        Ok(Authed(actor))
    }
}

/// The session cookie Coder sets on login: HttpOnly, a year long, SameSite=Lax.
pub fn session_cookie(token: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token.to_string())
        .path("/")
        .http_only(true)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .same_site(SameSite::Lax)
        .secure(secure)
        .finish()
}

/// The cookie that clears the session on logout.
pub fn clear_session_cookie() -> Cookie<'static> {
    let mut c = Cookie::build(SESSION_COOKIE, "").path("/").same_site(SameSite::Lax).finish();
    c.make_removal();
    c
}
