//! The authorization endpoint (RFC 6749 §4.1.1, RFC 7636, RFC 8707, RFC 9207): validating an
//! authorization request, and issuing the code once the signed-in user approves it.
//!
//! Errors follow RFC 6749 §4.1.2.1: while the client or its redirect URI is in doubt, the user
//! sees an error page and nothing is sent anywhere; after that, the error goes back to the
//! client's redirect URI with `error`, `error_description` and `state`.

use time::Duration;
use uuid::Uuid;

use super::errors::OAuthError;
use super::metadata::{split_scope, unknown_scope, DEFAULT_SCOPE};
use super::uris::{check_resource, with_params};
use super::{generate_secret, AuthorizationCode, OAuth2App};
use crate::app::{Actor, App};
use crate::clock;
use crate::error::Result;

/// How long a code may wait for its exchange (RFC 6749 §4.1.2 recommends at most 10 minutes).
pub const CODE_LIFETIME: Duration = Duration::minutes(10);

/// Why an authorization request cannot go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizeError {
    /// The client or the redirect URI is unknown or wrong: shown to the user, never redirected
    /// (an open redirector otherwise).
    Page {
        /// Page title.
        title: String,
        /// What went wrong.
        description: String,
    },
    /// Sent back to the client's redirect URI.
    Redirect {
        /// Where to.
        redirect_uri: String,
        /// The RFC error.
        error: OAuthError,
        /// The client's `state`, echoed.
        state: String,
    },
}

impl AuthorizeError {
    fn page(title: &str, description: impl Into<String>) -> Self {
        AuthorizeError::Page { title: title.into(), description: description.into() }
    }

    /// The URL an error redirect goes to (`None` for a page).
    pub fn redirect_url(&self, issuer: &str) -> Option<String> {
        match self {
            AuthorizeError::Page { .. } => None,
            AuthorizeError::Redirect { redirect_uri, error, state } => Some(with_params(
                redirect_uri,
                &[("error", error.code), ("error_description", &error.description), ("state", state), ("iss", issuer)],
            )),
        }
    }
}

/// A validated authorization request.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    /// The client.
    pub app: OAuth2App,
    /// Where the answer goes.
    pub redirect_uri: String,
    /// Whether the request named it (then the token request must repeat it).
    pub redirect_uri_given: bool,
    /// The scopes the user is asked to grant.
    pub scopes: Vec<String>,
    /// Echoed to the client.
    pub state: String,
    /// RFC 8707 resource, or empty.
    pub resource: String,
    /// PKCE challenge (S256).
    pub code_challenge: String,
}

/// Picks the single value of `name`: `Err` when it is repeated (RFC 6749 §3.1).
pub(crate) fn single<'a>(params: &'a [(String, String)], name: &str) -> std::result::Result<Option<&'a str>, String> {
    let mut found = params.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let first = found.next();
    if found.next().is_some() {
        return Err(format!("The parameter {name:?} must not be repeated."));
    }
    Ok(first.filter(|v| !v.is_empty()))
}

/// A PKCE value: 43–128 characters of `[A-Za-z0-9-._~]` (RFC 7636 §4.1, §4.2).
pub(crate) fn pkce_value_valid(v: &str) -> bool {
    (43..=128).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

impl App {
    /// Validates an authorization request (the query of `GET` or `POST /oauth2/authorize`;
    /// parameters this server does not know are ignored, as RFC 6749 §3.1 requires).
    pub fn authorize_request(&self, params: &[(String, String)]) -> std::result::Result<AuthorizeRequest, AuthorizeError> {
        let client_id = single(params, "client_id").map_err(|d| AuthorizeError::page("Invalid client", d))?;
        let client_id = client_id.ok_or_else(|| AuthorizeError::page("Invalid client", "The client_id parameter is missing."))?;
        let unknown = || AuthorizeError::page("Invalid client", format!("There is no OAuth2 application with client_id {client_id:?}."));
        let id = Uuid::parse_str(client_id).map_err(|_| unknown())?;
        let app = self
            .db_as(crate::authz::System::OAuth2)
            .oauth2_app(id)
            .map_err(|e| AuthorizeError::page("Server error", e.message))?
            .ok_or_else(unknown)?;

        let given = single(params, "redirect_uri").map_err(|d| AuthorizeError::page("Invalid redirect URI", d))?;
        let registered = app.registered_redirect_uris();
        let redirect_uri = match given {
            Some(uri) if registered.iter().any(|r| super::uris::redirect_matches(r, uri)) => uri.to_string(),
            Some(uri) => {
                return Err(AuthorizeError::page(
                    "Invalid redirect URI",
                    format!("The redirect URI {uri:?} is not registered for this application; it must match a registered one exactly (any port, for http on a loopback IP)."),
                ))
            }
            None if registered.len() == 1 => registered[0].clone(),
            None => {
                return Err(AuthorizeError::page(
                    "Invalid redirect URI",
                    "The application registered several redirect URIs, so the request must name one in redirect_uri.",
                ))
            }
        };

        let state = params.iter().find(|(k, _)| k == "state").map(|(_, v)| v.clone()).unwrap_or_default();
        let fail = |error: OAuthError| AuthorizeError::Redirect { redirect_uri: redirect_uri.clone(), error, state: state.clone() };
        let get = |name: &str| single(params, name).map_err(|d| fail(OAuthError::invalid_request(d)));

        get("state")?;
        match get("response_type")? {
            None => return Err(fail(OAuthError::invalid_request("The response_type parameter is missing."))),
            Some("code") => {}
            Some(other) => {
                return Err(fail(OAuthError::unsupported_response_type(format!(
                    "The response type {other:?} is not supported; only \"code\" is."
                ))))
            }
        }
        if !app.response_types.iter().any(|r| r == "code") || !app.grant_types.iter().any(|g| g == "authorization_code") {
            return Err(fail(OAuthError::unauthorized_client("This client is not registered for the authorization code grant.")));
        }

        let code_challenge = get("code_challenge")?
            .ok_or_else(|| fail(OAuthError::invalid_request("PKCE is required: send code_challenge with code_challenge_method=S256.")))?;
        match get("code_challenge_method")? {
            None | Some("S256") => {}
            Some("plain") => {
                return Err(fail(OAuthError::invalid_request("The code_challenge_method \"plain\" is not supported; use \"S256\".")))
            }
            Some(other) => {
                return Err(fail(OAuthError::invalid_request(format!(
                    "The code_challenge_method {other:?} is not supported; use \"S256\"."
                ))))
            }
        }
        if !pkce_value_valid(code_challenge) {
            return Err(fail(OAuthError::invalid_request(
                "The code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~] (the base64url SHA-256 of the verifier).",
            )));
        }

        let registered_scope = split_scope(&app.metadata.scope);
        let mut scopes = split_scope(get("scope")?.unwrap_or_default());
        if scopes.is_empty() {
            scopes = if registered_scope.is_empty() { vec![DEFAULT_SCOPE.to_string()] } else { registered_scope.clone() };
        }
        if let Some(bad) = unknown_scope(&scopes) {
            return Err(fail(OAuthError::invalid_scope(format!("The scope {bad:?} is not supported by this server."))));
        }
        if !registered_scope.is_empty() {
            if let Some(extra) = scopes.iter().find(|s| !registered_scope.contains(s)) {
                return Err(fail(OAuthError::invalid_scope(format!("The client did not register the scope {extra:?}."))));
            }
        }

        let resource = get("resource")?.unwrap_or_default().to_string();
        if !resource.is_empty() {
            check_resource(&resource, &self.settings.access_url).map_err(|d| fail(OAuthError::invalid_target(d)))?;
        }

        Ok(AuthorizeRequest {
            app,
            redirect_uri,
            redirect_uri_given: given.is_some(),
            scopes,
            state: state.clone(),
            resource,
            code_challenge: code_challenge.to_string(),
        })
    }

    /// The user approved: stores a single-use code and answers with the redirect that carries
    /// it, `state` and `iss` (RFC 9207).
    pub fn approve_authorization(&self, actor: &Actor, req: &AuthorizeRequest) -> Result<String> {
        // Only a full session may grant access: never an OAuth2 access token or a scoped token,
        // which would otherwise widen itself to any scope.
        let key = self.db(actor).api_key_by_id(&actor.api_key_id).or_else(|e| if e.is_refusal() { Ok(None) } else { Err(e) })?;
        let full = key.is_some_and(|k| {
            k.login_type != crate::user::LoginType::OAuth2ProviderApp && k.scopes.iter().any(|s| s == "coder:all" || s == "all")
        });
        if !full {
            return Err(crate::error::Error::new(
                crate::error::ErrorKind::Forbidden,
                "Only a full session may approve an OAuth2 authorization request.",
            ));
        }
        let generated = generate_secret();
        let now = clock::now();
        let code = AuthorizationCode {
            id: Uuid::new_v4(),
            created_at: now,
            expires_at: now + CODE_LIFETIME,
            secret_prefix: generated.prefix.clone(),
            hashed_secret: generated.hashed.clone(),
            user_id: actor.user.id,
            app_id: req.app.id,
            redirect_uri: req.redirect_uri.clone(),
            redirect_uri_given: req.redirect_uri_given,
            scope: req.scopes.join(" "),
            resource_uri: req.resource.clone(),
            code_challenge: req.code_challenge.clone(),
            code_challenge_method: "S256".into(),
            redeemed_at: None,
            grant_id: None,
        };
        self.db(actor).transaction(|tx| tx.insert_oauth2_code(&code))?;
        Ok(with_params(&req.redirect_uri, &[("code", &generated.formatted), ("state", &req.state), ("iss", &self.issuer())]))
    }

    /// The user declined: RFC 6749 §4.1.2.1 `access_denied`.
    pub fn deny_authorization(&self, req: &AuthorizeRequest) -> String {
        AuthorizeError::Redirect { redirect_uri: req.redirect_uri.clone(), error: OAuthError::access_denied(), state: req.state.clone() }
            .redirect_url(&self.issuer())
            .unwrap_or_default()
    }

    /// The issuer identifier: the access URL without a trailing slash.
    pub fn issuer(&self) -> String {
        self.settings.access_url.trim_end_matches('/').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_values() {
        assert!(pkce_value_valid(&"a".repeat(43)));
        assert!(!pkce_value_valid(&"a".repeat(42)));
        assert!(!pkce_value_valid(&"a".repeat(129)));
        assert!(!pkce_value_valid(&format!("{}+", "a".repeat(43))));
    }

    #[test]
    fn repeated_parameters_are_refused() {
        let p = vec![("a".to_string(), "1".to_string()), ("a".to_string(), "2".to_string())];
        assert!(single(&p, "a").is_err());
        assert_eq!(single(&p, "b"), Ok(None));
    }

    #[test]
    fn error_redirects_carry_state_and_issuer() {
        let e = AuthorizeError::Redirect {
            redirect_uri: "https://c.example/cb".into(),
            error: OAuthError::invalid_scope("no"),
            state: "xyz".into(),
        };
        assert_eq!(
            e.redirect_url("https://coder.example").unwrap(),
            "https://c.example/cb?error=invalid_scope&error_description=no&state=xyz&iss=https%3A%2F%2Fcoder.example"
        );
    }
}
