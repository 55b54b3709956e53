//! Rate limits as Coder sets them: the API allows `CODER_RATE_LIMIT_API` requests a minute
//! (512 by default) per caller and endpoint, the caller being the signed-in user of a key that
//! checks out, or the client's address otherwise (see [`crate::realip`]); password login (JSON
//! and HTML form, one bucket), the external login callbacks and anonymous OAuth2 client
//! registration allow 60 a minute per address; the other OAuth2 endpoints and SCIM count as
//! API. Limited requests get 429 in Coder's envelope with `Retry-After`; every counted response
//! carries `X-Ratelimit-Limit`, `X-Ratelimit-Remaining` and `X-Ratelimit-Reset`. Owners
//! may skip the API limit with `X-Coder-Bypass-Ratelimit: true`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use domain::rbac::role;

use crate::error::Response;
use crate::state::State;

/// Coder's header for owners skipping the API limit.
pub const BYPASS_HEADER: &str = "x-coder-bypass-ratelimit";
/// Login attempts a minute per IP.
pub const LOGIN_LIMIT: u64 = 60;
const WINDOW: Duration = Duration::from_secs(60);

/// Counters of one limit: requests per key in the current fixed window.
#[derive(Debug)]
pub struct Limiter {
    limit: u64,
    counts: Mutex<HashMap<String, (Instant, u64)>>,
}

/// What a request used of its allowance.
#[derive(Debug, Clone, Copy)]
pub struct Allowance {
    /// The limit.
    pub limit: u64,
    /// Requests left in the window.
    pub remaining: u64,
    /// Seconds until the window resets.
    pub reset_in: u64,
    /// Whether this request is refused.
    pub exceeded: bool,
}

impl Limiter {
    /// A limiter allowing `limit` requests a minute per key.
    pub fn new(limit: u64) -> Self {
        Self { limit, counts: Mutex::new(HashMap::new()) }
    }

    /// Counts a request of `key`.
    pub fn hit(&self, key: &str) -> Allowance {
        let now = Instant::now();
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if counts.len() > 100_000 {
            counts.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = counts.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        let reset_in = WINDOW.saturating_sub(now.duration_since(entry.0)).as_secs().max(1);
        Allowance { limit: self.limit, remaining: self.limit.saturating_sub(entry.1), reset_in, exceeded: entry.1 > self.limit }
    }
}

/// The limits of a server; `None` where a limit is off.
#[derive(Debug)]
pub struct RateLimits {
    /// `CODER_RATE_LIMIT_API`.
    pub api: Option<Limiter>,
    /// Logins.
    pub login: Option<Limiter>,
}

impl RateLimits {
    /// The limits from the settings: `api_limit` ≤ 0 turns the API limit off, `disable_all`
    /// (`CODER_DANGEROUS_DISABLE_RATE_LIMITS`) both.
    pub fn new(api_limit: i64, disable_all: bool) -> Self {
        if disable_all {
            return Self { api: None, login: None };
        }
        Self { api: (api_limit > 0).then(|| Limiter::new(api_limit as u64)), login: Some(Limiter::new(LOGIN_LIMIT)) }
    }
}

/// Which login limit a request counts against, and under which bucket name: the JSON and the
/// HTML password logins share one bucket per client (a guess costs a password hash either way);
/// each external login callback has its own; anonymous OAuth2 client registration has one too
/// (each success adds a row).
fn login_bucket(method: &str, path: &str) -> Option<&'static str> {
    match (method, path) {
        ("POST", "/api/v2/users/login") | ("POST", "/login") => Some("password-login"),
        (_, "/api/v2/users/oidc/callback") => Some("oidc-callback"),
        (_, "/api/v2/users/oauth2/github/callback") => Some("github-callback"),
        (_, "/api/v2/users/oauth2/github/device") => Some("github-device"),
        ("POST", "/oauth2/register") => Some("oauth2-register"),
        _ => None,
    }
}

/// Paths outside `/api/v2` that the API limit covers: the OAuth2 endpoints (where clients
/// present secrets, codes, refresh and registration tokens) and SCIM (where an IdP presents
/// the SCIM key), so that no credential can be guessed at an unbounded rate.
fn api_limited(path: &str) -> bool {
    path.starts_with("/api/v2") || path.starts_with("/oauth2/") || path.starts_with("/scim/")
}

fn envelope(status: StatusCode, message: String) -> HttpResponse {
    HttpResponse::build(status).json(Response { message, detail: String::new(), validations: Vec::new() })
}

fn set_headers(headers: &mut actix_web::http::header::HeaderMap, a: Allowance) {
    let reset = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0) + a.reset_in;
    for (name, value) in [("x-ratelimit-limit", a.limit), ("x-ratelimit-remaining", a.remaining), ("x-ratelimit-reset", reset)] {
        if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
            headers.insert(HeaderName::from_static(name), v);
        }
    }
    if a.exceeded {
        if let Ok(v) = HeaderValue::from_str(&a.reset_in.to_string()) {
            headers.insert(actix_web::http::header::RETRY_AFTER, v);
        }
    }
}

/// Applies the limits: logins per client address, the API per signed-in user (or per client
/// address for anonymous callers and credentials that do not check out).
pub async fn rate_limit(req: ServiceRequest, next: Next<impl MessageBody + 'static>) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<State>>().cloned() else {
        return next.call(req).await.map(|r| r.map_into_boxed_body());
    };
    let login = login_bucket(req.method().as_str(), req.path());
    let counted = match login {
        Some(_) => state.rate_limits.login.is_some(),
        None => state.rate_limits.api.is_some() && api_limited(req.path()),
    };
    if !counted {
        return next.call(req).await.map(|r| r.map_into_boxed_body());
    }
    let path = req.path().to_string();
    let ip = state.real_ip.client_ip(req.peer_addr().map(|a| a.ip()), req.headers()).map(crate::realip::bucket).unwrap_or_default();
    let mut allowance = None;
    if let (Some(bucket), Some(limiter)) = (login, &state.rate_limits.login) {
        let a = limiter.hit(&format!("ip:{ip}:{bucket}"));
        if a.exceeded {
            let mut res = envelope(
                StatusCode::TOO_MANY_REQUESTS,
                format!("You've been rate limited for sending more than {LOGIN_LIMIT} requests in 1m0s."),
            );
            set_headers(res.headers_mut(), a);
            return Ok(req.into_response(res));
        }
        allowance = Some(a);
    } else if let Some(api) = &state.rate_limits.api {
        // Callers are told apart by a key that checks out (the cache answers without the
        // database; a miss is authenticated once here, which fills the cache for the handler).
        // A made-up or foreign token counts against the caller's address.
        let token = crate::auth::token_from_request(req.request());
        let actor = match token.as_deref().map(|t| (t, state.app.authenticate_cached(t))) {
            None => None,
            Some((_, Some(result))) => result.ok(),
            Some((t, None)) => {
                let (app, t) = (state.app.clone(), t.to_string());
                web::block(move || app.authenticate(&t)).await.ok().and_then(|r| r.ok())
            }
        };
        let bypass = req.headers().get(BYPASS_HEADER).and_then(|v| v.to_str().ok()).is_some_and(|v| crate::query::go_bool(v) == Some(true));
        if bypass {
            match &actor {
                Some(a) if a.subject.has_site_role(role::OWNER) => return next.call(req).await.map(|r| r.map_into_boxed_body()),
                Some(_) => {
                    let res = envelope(
                        StatusCode::PRECONDITION_REQUIRED,
                        format!("\"X-Coder-Bypass-Ratelimit\" provided but user is not {}", role::OWNER),
                    );
                    return Ok(req.into_response(res));
                }
                None => {}
            }
        }
        let who = match &actor {
            Some(a) => format!("user:{}", a.user.id),
            None => format!("ip:{ip}"),
        };
        let a = api.hit(&format!("{who}:{path}"));
        if a.exceeded {
            let mut res = envelope(
                StatusCode::TOO_MANY_REQUESTS,
                format!("You've been rate limited for sending more than {} requests in 1m0s.", api.limit),
            );
            set_headers(res.headers_mut(), a);
            return Ok(req.into_response(res));
        }
        allowance = Some(a);
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    if let Some(a) = allowance {
        set_headers(res.headers_mut(), a);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_count_per_key() {
        let l = Limiter::new(2);
        assert!(!l.hit("a").exceeded);
        let second = l.hit("a");
        assert_eq!(second.remaining, 0);
        assert!(!second.exceeded);
        assert!(l.hit("a").exceeded);
        assert!(!l.hit("b").exceeded);
    }
}
