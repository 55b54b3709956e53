//! OAuth2 applications and client secrets.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// Coder's `codersdk.OAuth2AppEndpoints`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::OAuth2AppEndpoints)]
pub struct OAuth2AppEndpoints {
    /// The authorization endpoint.
    pub authorization: String,
    /// The token endpoint.
    pub token: String,
    /// The revocation endpoint.
    pub token_revoke: String,
    /// Device authorization (not offered: empty).
    pub device_authorization: String,
}

/// Coder's `codersdk.OAuth2ProviderApp`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::OAuth2ProviderApp, example = json!({"id": "5b4e3c2a-1d0f-4e9b-8a7c-6b5d4e3f2a1b", "name": "grafana", "callback_url": "https://grafana.example.com/login/generic_oauth", "icon": "/icon/grafana.svg", "endpoints": {"authorization": "https://coder.example.com/oauth2/authorize", "token": "https://coder.example.com/oauth2/tokens", "token_revoke": "https://coder.example.com/oauth2/revoke", "device_authorization": ""}}))]
pub struct OAuth2ProviderApp {
    /// The client id.
    pub id: Uuid,
    /// Shown on the consent page.
    pub name: String,
    /// Where codes are sent.
    pub callback_url: String,
    /// Icon URL.
    pub icon: String,
    /// The endpoints a client uses (Coder's absolute paths on the access URL).
    pub endpoints: OAuth2AppEndpoints,
}

impl OAuth2ProviderApp {
    /// The wire form, with endpoints on `access_url`.
    pub fn new(a: &domain::oauth2::OAuth2App, access_url: &str) -> Self {
        // Coder resolves absolute paths against the access URL, so any path prefix is dropped.
        let origin = match access_url.find("://") {
            Some(i) => match access_url[i + 3..].find('/') {
                Some(j) => &access_url[..i + 3 + j],
                None => access_url,
            },
            None => access_url,
        };
        Self {
            id: a.id,
            name: a.name.clone(),
            callback_url: a.callback_url.clone(),
            icon: a.icon.clone(),
            endpoints: OAuth2AppEndpoints {
                authorization: format!("{origin}/oauth2/authorize"),
                token: format!("{origin}/oauth2/tokens"),
                token_revoke: format!("{origin}/oauth2/revoke"),
                device_authorization: String::new(),
            },
        }
    }
}

/// Coder's `codersdk.PostOAuth2ProviderAppRequest` (and `PutOAuth2ProviderAppRequest`, the same).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = codersdk::PostOAuth2ProviderAppRequest, example = json!({"name": "grafana", "callback_url": "https://grafana.example.com/login/generic_oauth", "icon": "/icon/grafana.svg"}))]
pub struct PostOAuth2ProviderAppRequest {
    /// 1–32 letters, digits and single hyphens.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    #[schema(min_length = 1, max_length = 32, pattern = "^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$")]
    pub name: String,
    /// An http(s) URL.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    #[schema(format = "uri")]
    pub callback_url: String,
    /// Icon URL.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    #[schema(max_length = 256)]
    pub icon: String,
}

/// Coder's `codersdk.OAuth2ProviderAppSecret`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::OAuth2ProviderAppSecret, example = json!({"id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "last_used_at": null, "client_secret_truncated": "a1B2c3"}))]
pub struct OAuth2ProviderAppSecret {
    /// Identity.
    pub id: Uuid,
    /// Last used to authenticate.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    /// The last six characters.
    pub client_secret_truncated: String,
}

impl From<&domain::oauth2::OAuth2AppSecret> for OAuth2ProviderAppSecret {
    fn from(s: &domain::oauth2::OAuth2AppSecret) -> Self {
        Self { id: s.id, last_used_at: s.last_used_at, client_secret_truncated: s.display_secret.clone() }
    }
}

/// Coder's `codersdk.OAuth2ProviderAppSecretFull`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::OAuth2ProviderAppSecretFull, example = json!({"id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "client_secret_full": "coder_Xk3Lm9Pq2R_a8Bc7De6Fg5Hi4Jk3Lm2No1Pq0Rs9Tu8Vw7Xy6Za5Bc4D"}))]
pub struct OAuth2ProviderAppSecretFull {
    /// Identity.
    pub id: Uuid,
    /// The whole secret, shown only now.
    pub client_secret_full: String,
}

/// A grant type this server supports (Coder's `codersdk.OAuth2ProviderGrantType`, without the
/// values Coder lists but refuses).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::OAuth2ProviderGrantType)]
pub enum OAuth2ProviderGrantType {
    /// RFC 6749 §4.1.
    #[serde(rename = "authorization_code")]
    AuthorizationCode,
    /// RFC 6749 §6.
    #[serde(rename = "refresh_token")]
    RefreshToken,
}

/// A response type this server supports.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::OAuth2ProviderResponseType)]
pub enum OAuth2ProviderResponseType {
    /// The authorization code flow.
    #[serde(rename = "code")]
    Code,
}

/// How a client authenticates at the token and revocation endpoints.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::OAuth2TokenEndpointAuthMethod)]
pub enum OAuth2TokenEndpointAuthMethod {
    /// HTTP Basic with the client id and secret.
    #[serde(rename = "client_secret_basic")]
    ClientSecretBasic,
    /// `client_id` and `client_secret` in the form body.
    #[serde(rename = "client_secret_post")]
    ClientSecretPost,
    /// A public client: `client_id` alone, proven by PKCE.
    #[serde(rename = "none")]
    None,
}

/// A PKCE method this server supports (only `S256`; `plain` is refused).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::OAuth2PKCECodeChallengeMethod)]
pub enum OAuth2PKCECodeChallengeMethod {
    /// RFC 7636 §4.2.
    S256,
}

/// An RFC 6749 §5.2 (or RFC 7009, RFC 7591, RFC 6750) error.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = OAuth2Error, example = json!({"error": "invalid_grant", "error_description": "The authorization code is invalid or expired."}))]
pub struct OAuth2ErrorBody {
    /// The error code.
    #[schema(example = "invalid_grant")]
    pub error: String,
    /// For people.
    pub error_description: String,
}

/// The token response (RFC 6749 §5.1), Coder's `oauth2.Token` with the granted `scope`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = oauth2::Token, example = json!({"access_token": "AbCdEfGhIj-a1B2c3D4e5F6g7H8i9J0k1L", "token_type": "Bearer", "expires_in": 86400, "refresh_token": "coder_Xk3Lm9Pq2R_a8Bc7De6Fg5Hi4Jk3Lm2No1Pq0Rs9Tu8Vw7Xy6Za5Bc4D", "expiry": "2026-01-03T03:04:05Z", "scope": "coder:all"}))]
pub struct OAuth2Token {
    /// An API key (`<id>-<secret>`), good as `Authorization: Bearer` on the whole API within
    /// its scope.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Single use: each refresh returns the next one.
    pub refresh_token: String,
    /// When the access token expires (the field golang.org/x/oauth2 reads).
    #[serde(with = "super::common::rfc3339")]
    pub expiry: OffsetDateTime,
    /// The granted scopes, space-separated.
    pub scope: String,
}

impl From<domain::oauth2::tokens::IssuedTokens> for OAuth2Token {
    fn from(t: domain::oauth2::tokens::IssuedTokens) -> Self {
        Self {
            access_token: t.access_token,
            token_type: "Bearer".into(),
            expires_in: t.expires_in,
            refresh_token: t.refresh_token,
            expiry: t.expiry,
            scope: t.scope,
        }
    }
}

/// Coder's `codersdk.OAuth2ClientRegistrationRequest`: RFC 7591 client metadata. Unknown fields
/// are ignored; `software_statement` is accepted and not used.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = codersdk::OAuth2ClientRegistrationRequest, example = json!({"client_name": "My CLI", "redirect_uris": ["http://127.0.0.1:8765/callback"], "token_endpoint_auth_method": "none", "scope": "user:read"}))]
pub struct OAuth2ClientRegistrationRequest {
    /// At least one; https, http on a loopback host, or (public clients) a private-use scheme
    /// with a period.
    #[serde(default)]
    #[schema(min_items = 1)]
    pub redirect_uris: Option<Vec<String>>,
    /// Display name, at most 64 characters; default "Dynamically Registered Client".
    #[serde(default)]
    #[schema(max_length = 64)]
    pub client_name: Option<String>,
    /// Home page (http or https).
    #[serde(default)]
    #[schema(format = "uri")]
    pub client_uri: Option<String>,
    /// Logo (http or https).
    #[serde(default)]
    #[schema(format = "uri")]
    pub logo_uri: Option<String>,
    /// Terms of service (http or https).
    #[serde(default)]
    #[schema(format = "uri")]
    pub tos_uri: Option<String>,
    /// Privacy policy (http or https).
    #[serde(default)]
    #[schema(format = "uri")]
    pub policy_uri: Option<String>,
    /// Key set URL (http or https); not with `jwks`.
    #[serde(default)]
    #[schema(format = "uri")]
    pub jwks_uri: Option<String>,
    /// Key set; not with `jwks_uri`.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub jwks: Option<serde_json::Value>,
    /// Software identifier.
    #[serde(default)]
    pub software_id: Option<String>,
    /// Software version.
    #[serde(default)]
    pub software_version: Option<String>,
    /// Accepted and not used.
    #[serde(default)]
    pub software_statement: Option<String>,
    /// Default `["authorization_code", "refresh_token"]`; must include `authorization_code`.
    #[serde(default)]
    #[schema(value_type = Option<Vec<OAuth2ProviderGrantType>>)]
    pub grant_types: Option<Vec<String>>,
    /// Default `["code"]`.
    #[serde(default)]
    #[schema(value_type = Option<Vec<OAuth2ProviderResponseType>>)]
    pub response_types: Option<Vec<String>>,
    /// Default `client_secret_basic`; `none` makes a public client with no secret.
    #[serde(default)]
    #[schema(value_type = OAuth2TokenEndpointAuthMethod)]
    pub token_endpoint_auth_method: Option<String>,
    /// Space-separated scopes the client may ask for (from `scopes_supported`); empty for any.
    #[serde(default)]
    pub scope: Option<String>,
    /// Contact emails.
    #[serde(default)]
    pub contacts: Option<Vec<String>>,
    /// RFC 7592 update: the client's own id.
    #[serde(default)]
    #[schema(format = "uuid")]
    pub client_id: Option<String>,
}

impl OAuth2ClientRegistrationRequest {
    /// The domain request.
    pub fn into_domain(self) -> Result<domain::oauth2::registration::RegistrationRequest, domain::oauth2::errors::OAuthError> {
        let jwks = match self.jwks {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(v @ serde_json::Value::Object(_)) => v.to_string(),
            Some(_) => return Err(domain::oauth2::errors::OAuthError::invalid_client_metadata("jwks must be a JSON object.")),
        };
        Ok(domain::oauth2::registration::RegistrationRequest {
            redirect_uris: self.redirect_uris.unwrap_or_default(),
            client_name: self.client_name.unwrap_or_default(),
            client_uri: self.client_uri.unwrap_or_default(),
            logo_uri: self.logo_uri.unwrap_or_default(),
            tos_uri: self.tos_uri.unwrap_or_default(),
            policy_uri: self.policy_uri.unwrap_or_default(),
            jwks_uri: self.jwks_uri.unwrap_or_default(),
            jwks,
            software_id: self.software_id.unwrap_or_default(),
            software_version: self.software_version.unwrap_or_default(),
            grant_types: self.grant_types.unwrap_or_default(),
            response_types: self.response_types.unwrap_or_default(),
            token_endpoint_auth_method: self.token_endpoint_auth_method.unwrap_or_default(),
            scope: self.scope.unwrap_or_default(),
            contacts: self.contacts.unwrap_or_default(),
            client_id: self.client_id,
        })
    }
}

/// Coder's `codersdk.OAuth2ClientConfiguration` (RFC 7592 §3), also the body of the
/// registration response with `client_secret` added. Empty optional fields are left out.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::OAuth2ClientConfiguration, example = json!({"client_id": "bed5ab4c-0bbb-41d3-8a37-843c5c04a495", "client_id_issued_at": 1795493682, "redirect_uris": ["http://127.0.0.1:8765/callback"], "client_name": "My CLI", "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"], "token_endpoint_auth_method": "none", "scope": "user:read", "registration_access_token": "cvKZf2rdg31THuht05xOg8AlQab7GsuP91IBLnNT", "registration_client_uri": "https://coder.example.com/oauth2/clients/bed5ab4c-0bbb-41d3-8a37-843c5c04a495"}))]
pub struct OAuth2ClientConfiguration {
    /// The client id.
    #[schema(format = "uuid")]
    pub client_id: String,
    /// Shown once, at registration, to confidential clients only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// Unix time of registration.
    pub client_id_issued_at: i64,
    /// 0: the secret does not expire (present when a secret exists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret_expires_at: Option<i64>,
    /// Registered redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Display name.
    pub client_name: String,
    /// Home page.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub client_uri: String,
    /// Logo.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub logo_uri: String,
    /// Terms of service.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub tos_uri: String,
    /// Privacy policy.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub policy_uri: String,
    /// Key set URL.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub jwks_uri: String,
    /// Key set.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub jwks: Option<serde_json::Value>,
    /// Software identifier.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub software_id: String,
    /// Software version.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub software_version: String,
    /// Allowed grants.
    #[schema(value_type = Vec<OAuth2ProviderGrantType>)]
    pub grant_types: Vec<String>,
    /// Allowed response types.
    #[schema(value_type = Vec<OAuth2ProviderResponseType>)]
    pub response_types: Vec<String>,
    /// Token endpoint authentication.
    #[schema(value_type = OAuth2TokenEndpointAuthMethod)]
    pub token_endpoint_auth_method: String,
    /// Space-separated scopes the client may ask for.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub scope: String,
    /// Contact emails.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<String>,
    /// The bearer token of `/oauth2/clients/{client_id}` (echoed as presented).
    pub registration_access_token: String,
    /// Where the client manages its registration.
    #[schema(format = "uri")]
    pub registration_client_uri: String,
}

impl OAuth2ClientConfiguration {
    /// The wire form of a registered client.
    pub fn new(a: &domain::oauth2::OAuth2App, access_url: &str, registration_access_token: &str, client_secret: Option<String>) -> Self {
        let m = &a.metadata;
        Self {
            client_id: a.id.to_string(),
            client_secret_expires_at: (!a.is_public()).then_some(0),
            client_secret,
            client_id_issued_at: a.client_id_issued_at.unwrap_or(a.created_at).unix_timestamp(),
            redirect_uris: a.redirect_uris.clone(),
            client_name: a.name.clone(),
            client_uri: m.client_uri.clone(),
            logo_uri: m.logo_uri.clone(),
            tos_uri: m.tos_uri.clone(),
            policy_uri: m.policy_uri.clone(),
            jwks_uri: m.jwks_uri.clone(),
            jwks: (!m.jwks.is_empty()).then(|| serde_json::from_str(&m.jwks).ok()).flatten(),
            software_id: m.software_id.clone(),
            software_version: m.software_version.clone(),
            grant_types: a.grant_types.clone(),
            response_types: a.response_types.clone(),
            token_endpoint_auth_method: a.token_endpoint_auth_method.clone(),
            scope: m.scope.clone(),
            contacts: m.contacts.clone(),
            registration_access_token: registration_access_token.to_string(),
            registration_client_uri: format!("{}/oauth2/clients/{}", access_url.trim_end_matches('/'), a.id),
        }
    }
}

/// Coder's `codersdk.OAuth2AuthorizationServerMetadata` (RFC 8414), with the fields that say
/// what this server really does.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::OAuth2AuthorizationServerMetadata, example = json!({"issuer": "https://coder.example.com", "authorization_endpoint": "https://coder.example.com/oauth2/authorize", "token_endpoint": "https://coder.example.com/oauth2/tokens", "registration_endpoint": "https://coder.example.com/oauth2/register", "revocation_endpoint": "https://coder.example.com/oauth2/revoke", "response_types_supported": ["code"], "grant_types_supported": ["authorization_code", "refresh_token"], "code_challenge_methods_supported": ["S256"], "scopes_supported": ["coder:all", "user:read"], "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"], "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"], "authorization_response_iss_parameter_supported": true}))]
pub struct OAuth2AuthorizationServerMetadata {
    /// The access URL.
    pub issuer: String,
    /// `/oauth2/authorize`.
    pub authorization_endpoint: String,
    /// `/oauth2/tokens`.
    pub token_endpoint: String,
    /// `/oauth2/register`.
    pub registration_endpoint: String,
    /// `/oauth2/revoke`.
    pub revocation_endpoint: String,
    /// `["code"]`.
    pub response_types_supported: Vec<OAuth2ProviderResponseType>,
    /// `["authorization_code", "refresh_token"]`.
    pub grant_types_supported: Vec<OAuth2ProviderGrantType>,
    /// `["S256"]`.
    pub code_challenge_methods_supported: Vec<OAuth2PKCECodeChallengeMethod>,
    /// Every scope an access token can carry.
    pub scopes_supported: Vec<String>,
    /// `client_secret_basic`, `client_secret_post`, `none`.
    pub token_endpoint_auth_methods_supported: Vec<OAuth2TokenEndpointAuthMethod>,
    /// The same as at the token endpoint.
    pub revocation_endpoint_auth_methods_supported: Vec<OAuth2TokenEndpointAuthMethod>,
    /// `true`: authorization responses carry `iss` (RFC 9207).
    pub authorization_response_iss_parameter_supported: bool,
}

/// Coder's `codersdk.OAuth2ProtectedResourceMetadata` (RFC 9728).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::OAuth2ProtectedResourceMetadata, example = json!({"resource": "https://coder.example.com", "authorization_servers": ["https://coder.example.com"], "scopes_supported": ["coder:all", "user:read"], "bearer_methods_supported": ["header", "query"]}))]
pub struct OAuth2ProtectedResourceMetadata {
    /// The access URL.
    pub resource: String,
    /// This server.
    pub authorization_servers: Vec<String>,
    /// Every scope an access token can carry.
    pub scopes_supported: Vec<String>,
    /// `header` (`Authorization: Bearer`) and `query` (`access_token`).
    pub bearer_methods_supported: Vec<String>,
}
