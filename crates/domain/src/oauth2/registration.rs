//! Dynamic client registration (RFC 7591) and client management (RFC 7592).
//!
//! Anyone may register a client (the endpoint is public, as in Coder); what they get is a
//! client id, a client secret for confidential clients (none for public ones, which use PKCE
//! alone), and a registration access token that alone lets them read, change or delete the
//! registration. Only the SHA-256 of that token is kept.

use subtle::ConstantTimeEq;
use uuid::Uuid;

use super::errors::{OAuthError, OAuthResult};
use super::metadata::{split_scope, unknown_scope};
use super::uris::{check_http_uri, check_redirect_uri};
use super::{generate_secret, hash_token, ClientMetadata, OAuth2App, OAuth2AppSecret};
use crate::app::App;
use crate::authz::System;
use crate::clock;
use crate::secret::random_alphanumeric;

/// The name given to a client that registers without one (Coder's).
pub const DEFAULT_CLIENT_NAME: &str = "Dynamically Registered Client";
const MAX_CLIENT_NAME: usize = 64;

/// The client metadata of a registration or update request (RFC 7591 §2).
#[derive(Debug, Clone, Default)]
pub struct RegistrationRequest {
    /// Redirect URIs; at least one.
    pub redirect_uris: Vec<String>,
    /// Display name.
    pub client_name: String,
    /// Home page.
    pub client_uri: String,
    /// Logo.
    pub logo_uri: String,
    /// Terms of service.
    pub tos_uri: String,
    /// Privacy policy.
    pub policy_uri: String,
    /// Key set URL.
    pub jwks_uri: String,
    /// Key set as JSON text (empty when none).
    pub jwks: String,
    /// Software identifier.
    pub software_id: String,
    /// Software version.
    pub software_version: String,
    /// Grant types; default `authorization_code refresh_token`.
    pub grant_types: Vec<String>,
    /// Response types; default `code`.
    pub response_types: Vec<String>,
    /// `client_secret_basic` (default), `client_secret_post` or `none`.
    pub token_endpoint_auth_method: String,
    /// Space-separated scopes the client may ask for.
    pub scope: String,
    /// Contact emails.
    pub contacts: Vec<String>,
    /// RFC 7592 update: the client id the body names (must be the client's own).
    pub client_id: Option<String>,
}

/// What registration answers: the client, its secret (confidential clients) and its
/// registration access token, each shown this once.
#[derive(Debug, Clone)]
pub struct RegisteredClient {
    /// The stored client.
    pub app: OAuth2App,
    /// `coder_<prefix>_<secret>`.
    pub client_secret: Option<String>,
    /// The bearer token of RFC 7592 management.
    pub registration_access_token: String,
}

/// Validated metadata, with RFC 7591 defaults applied.
struct Validated {
    redirect_uris: Vec<String>,
    name: String,
    grant_types: Vec<String>,
    response_types: Vec<String>,
    auth_method: String,
    metadata: ClientMetadata,
}

fn validate(req: RegistrationRequest) -> OAuthResult<Validated> {
    let auth_method =
        if req.token_endpoint_auth_method.is_empty() { "client_secret_basic".to_string() } else { req.token_endpoint_auth_method };
    if !matches!(auth_method.as_str(), "client_secret_basic" | "client_secret_post" | "none") {
        return Err(OAuthError::invalid_client_metadata(format!(
            "The token_endpoint_auth_method {auth_method:?} is not supported; use client_secret_basic, client_secret_post or none."
        )));
    }
    let public = auth_method == "none";
    if req.redirect_uris.is_empty() {
        return Err(OAuthError::invalid_redirect_uri("redirect_uris is required: the authorization code flow sends the code there."));
    }
    for (i, uri) in req.redirect_uris.iter().enumerate() {
        check_redirect_uri(uri, public).map_err(|d| OAuthError::invalid_redirect_uri(format!("redirect_uris[{i}]: {d}")))?;
    }
    let grant_types = if req.grant_types.is_empty() { vec!["authorization_code".into(), "refresh_token".into()] } else { req.grant_types };
    if let Some(bad) = grant_types.iter().find(|g| !matches!(g.as_str(), "authorization_code" | "refresh_token")) {
        return Err(OAuthError::invalid_client_metadata(format!(
            "The grant type {bad:?} is not supported; use authorization_code and refresh_token."
        )));
    }
    if !grant_types.iter().any(|g| g == "authorization_code") {
        return Err(OAuthError::invalid_client_metadata("grant_types must include authorization_code."));
    }
    let response_types = if req.response_types.is_empty() { vec!["code".into()] } else { req.response_types };
    if let Some(bad) = response_types.iter().find(|r| *r != "code") {
        return Err(OAuthError::invalid_client_metadata(format!("The response type {bad:?} is not supported; use code.")));
    }
    for (field, value) in [
        ("client_uri", &req.client_uri),
        ("logo_uri", &req.logo_uri),
        ("tos_uri", &req.tos_uri),
        ("policy_uri", &req.policy_uri),
        ("jwks_uri", &req.jwks_uri),
    ] {
        if !value.is_empty() {
            check_http_uri(value).map_err(|d| OAuthError::invalid_client_metadata(format!("{field} {d}.")))?;
        }
    }
    if !req.jwks.is_empty() && !req.jwks_uri.is_empty() {
        return Err(OAuthError::invalid_client_metadata("Send jwks or jwks_uri, not both (RFC 7591 §2)."));
    }
    let scopes = split_scope(&req.scope);
    if let Some(bad) = unknown_scope(&scopes) {
        return Err(OAuthError::invalid_client_metadata(format!("The scope {bad:?} is not supported by this server.")));
    }
    if let Some(bad) = req.contacts.iter().find(|c| c.trim().is_empty()) {
        return Err(OAuthError::invalid_client_metadata(format!("The contact {bad:?} is empty.")));
    }
    let mut name = req.client_name.trim().to_string();
    if name.is_empty() {
        name = DEFAULT_CLIENT_NAME.to_string();
    }
    if name.chars().count() > MAX_CLIENT_NAME {
        return Err(OAuthError::invalid_client_metadata(format!("client_name must be at most {MAX_CLIENT_NAME} characters.")));
    }
    Ok(Validated {
        redirect_uris: req.redirect_uris,
        name,
        grant_types,
        response_types,
        auth_method,
        metadata: ClientMetadata {
            scope: scopes.join(" "),
            contacts: req.contacts,
            client_uri: req.client_uri,
            logo_uri: req.logo_uri,
            tos_uri: req.tos_uri,
            policy_uri: req.policy_uri,
            jwks_uri: req.jwks_uri,
            jwks: req.jwks,
            software_id: req.software_id,
            software_version: req.software_version,
        },
    })
}

fn apply(app: &mut OAuth2App, v: Validated) {
    app.name = v.name;
    app.callback_url = v.redirect_uris[0].clone();
    app.redirect_uris = v.redirect_uris;
    app.icon = v.metadata.logo_uri.clone();
    app.client_type = if v.auth_method == "none" { "public" } else { "confidential" }.into();
    app.grant_types = v.grant_types;
    app.response_types = v.response_types;
    app.token_endpoint_auth_method = v.auth_method;
    app.metadata = v.metadata;
}

/// The token of an `Authorization: Bearer` header (scheme case-insensitive, RFC 6750 §2.1).
fn bearer(header: Option<&str>) -> Option<&str> {
    let (scheme, token) = header?.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

impl App {
    /// `POST /oauth2/register`.
    pub fn register_client(&self, req: RegistrationRequest) -> OAuthResult<RegisteredClient> {
        let v = validate(req)?;
        let now = clock::now();
        let rat = random_alphanumeric(40);
        let mut app = OAuth2App {
            id: Uuid::new_v4(),
            name: String::new(),
            callback_url: String::new(),
            icon: String::new(),
            redirect_uris: vec![],
            client_type: String::new(),
            dynamically_registered: true,
            grant_types: vec![],
            response_types: vec![],
            token_endpoint_auth_method: String::new(),
            created_at: now,
            updated_at: now,
            metadata: ClientMetadata::default(),
            client_id_issued_at: Some(now),
            registration_access_token: Some(hash_token(&rat)),
        };
        apply(&mut app, v);
        let secret = (!app.is_public()).then(generate_secret);
        self.db_as(System::OAuth2).transaction(|tx| {
            tx.insert_oauth2_app(&app)?;
            if let Some(s) = &secret {
                tx.insert_oauth2_app_secret(&OAuth2AppSecret {
                    id: Uuid::new_v4(),
                    app_id: app.id,
                    created_at: now,
                    last_used_at: None,
                    hashed_secret: s.hashed.clone(),
                    display_secret: s.formatted[s.formatted.len() - 6..].to_string(),
                    secret_prefix: s.prefix.clone(),
                })?;
            }
            Ok(())
        })?;
        Ok(RegisteredClient { app, client_secret: secret.map(|s| s.formatted), registration_access_token: rat })
    }

    /// The client an RFC 7592 request manages, once its registration access token checks out.
    /// Every failure is the same 401 `invalid_token`, so the endpoint does not tell which
    /// client ids exist.
    pub fn registered_client(&self, client_id: &str, authorization: Option<&str>) -> OAuthResult<OAuth2App> {
        let token = bearer(authorization)
            .ok_or_else(|| OAuthError::invalid_token("A registration access token is required (Authorization: Bearer)."))?;
        let invalid = || OAuthError::invalid_token("The registration access token is invalid for this client.");
        let id = Uuid::parse_str(client_id).map_err(|_| invalid())?;
        let app = self.db_as(System::OAuth2).oauth2_app(id)?.ok_or_else(invalid)?;
        let stored = app.registration_access_token.as_deref().filter(|_| app.dynamically_registered).ok_or_else(invalid)?;
        if !bool::from(hash_token(token).ct_eq(stored)) {
            return Err(invalid());
        }
        Ok(app)
    }

    /// `PUT /oauth2/clients/{client_id}`: replaces the client's metadata (RFC 7592 §2.2). A client
    /// cannot turn public or confidential here: that changes whether it has a secret.
    pub fn update_registered_client(
        &self,
        client_id: &str,
        authorization: Option<&str>,
        req: RegistrationRequest,
    ) -> OAuthResult<OAuth2App> {
        let mut app = self.registered_client(client_id, authorization)?;
        if req.client_id.as_deref().is_some_and(|c| c != app.id.to_string()) {
            return Err(OAuthError::invalid_client_metadata("The client_id in the body must be this client's own."));
        }
        let v = validate(req)?;
        if (v.auth_method == "none") != app.is_public() {
            return Err(OAuthError::invalid_client_metadata(
                "A client cannot switch between public (none) and confidential authentication; register a new client.",
            ));
        }
        apply(&mut app, v);
        app.updated_at = clock::now();
        self.db_as(System::OAuth2).transaction(|tx| tx.update_oauth2_app(&app))?;
        Ok(app)
    }

    /// `DELETE /oauth2/clients/{client_id}`: the client with its secrets, codes and grants.
    pub fn delete_registered_client(&self, client_id: &str, authorization: Option<&str>) -> OAuthResult<()> {
        let app = self.registered_client(client_id, authorization)?;
        self.db_as(System::OAuth2).transaction(|tx| tx.delete_oauth2_app(app.id))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(uris: &[&str], method: &str) -> RegistrationRequest {
        RegistrationRequest {
            redirect_uris: uris.iter().map(|s| s.to_string()).collect(),
            token_endpoint_auth_method: method.into(),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_follow_rfc_7591() {
        let v = validate(req(&["https://c.example/cb"], "")).ok().unwrap();
        assert_eq!(v.auth_method, "client_secret_basic");
        assert_eq!(v.grant_types, ["authorization_code", "refresh_token"]);
        assert_eq!(v.response_types, ["code"]);
        assert_eq!(v.name, DEFAULT_CLIENT_NAME);
    }

    #[test]
    fn errors_use_rfc_7591_codes() {
        assert_eq!(validate(req(&[], "")).err().unwrap().code, "invalid_redirect_uri");
        assert_eq!(validate(req(&["http://c.example/cb"], "")).err().unwrap().code, "invalid_redirect_uri");
        assert_eq!(validate(req(&["https://c.example/cb"], "private_key_jwt")).err().unwrap().code, "invalid_client_metadata");
        let mut r = req(&["https://c.example/cb"], "");
        r.grant_types = vec!["client_credentials".into()];
        assert_eq!(validate(r).err().unwrap().code, "invalid_client_metadata");
        let mut r = req(&["https://c.example/cb"], "");
        r.scope = "user:read nope".into();
        assert_eq!(validate(r).err().unwrap().code, "invalid_client_metadata");
    }

    #[test]
    fn bearer_tokens() {
        assert_eq!(bearer(Some("Bearer abc")), Some("abc"));
        assert_eq!(bearer(Some("bearer  abc ")), Some("abc"));
        assert_eq!(bearer(Some("Basic abc")), None);
        assert_eq!(bearer(Some("Bearer ")), None);
        assert_eq!(bearer(None), None);
    }
}
