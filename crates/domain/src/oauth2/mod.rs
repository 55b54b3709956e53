//! Coder as an OAuth2 authorization server, behind Coder's `oauth2` experiment switch: the admin
//! API of applications and their client secrets (`apps`), the authorization endpoint with its
//! consent (`authorize`), the token endpoint (`tokens`), revocation (`revoke`), dynamic client
//! registration and management (`registration`) and the metadata documents (`metadata`).
//!
//! Client secrets, authorization codes and refresh tokens have Coder's format,
//! `coder_<10-character prefix>_<40-character secret>`: the prefix finds the row, and only the
//! SHA-256 of the secret part is stored, compared in constant time. Access tokens are ordinary
//! API keys (login type `oauth2_provider_app`) carrying the granted scopes, so the API's scope
//! machinery enforces them.

pub mod apps;
pub mod authorize;
pub mod errors;
pub mod metadata;
pub mod registration;
pub mod revoke;
pub mod tokens;
pub mod uris;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::app::App;
use crate::error::{Error, ErrorKind, Result};

/// The experiment that switches the OAuth2 provider on (`CODER_EXPERIMENTS=oauth2`).
pub const EXPERIMENT: &str = "oauth2";

/// An OAuth2 application (a client).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuth2App {
    /// The client id.
    pub id: Uuid,
    /// Shown on the consent page; not unique, as in Coder.
    pub name: String,
    /// Where the authorization code is sent.
    pub callback_url: String,
    /// Icon URL.
    pub icon: String,
    /// RFC 7591 redirect URIs (empty for apps made through the admin API).
    pub redirect_uris: Vec<String>,
    /// `confidential` or `public`.
    pub client_type: String,
    /// Made through dynamic client registration.
    pub dynamically_registered: bool,
    /// Allowed grants.
    pub grant_types: Vec<String>,
    /// Allowed response types.
    pub response_types: Vec<String>,
    /// How the client authenticates at the token endpoint: `client_secret_basic`,
    /// `client_secret_post`, or `none` for a public client (PKCE alone).
    pub token_endpoint_auth_method: String,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
    /// The RFC 7591 metadata a registered client gave (empty for admin-made apps).
    pub metadata: ClientMetadata,
    /// When dynamic registration issued the client id.
    pub client_id_issued_at: Option<OffsetDateTime>,
    /// SHA-256 of the registration access token (RFC 7592); only dynamically registered clients.
    pub registration_access_token: Option<Vec<u8>>,
}

impl OAuth2App {
    /// The redirect URIs an authorization request may name: the registered list, or the
    /// callback URL of an app made through the admin API.
    pub fn registered_redirect_uris(&self) -> Vec<String> {
        if self.redirect_uris.is_empty() {
            vec![self.callback_url.clone()]
        } else {
            self.redirect_uris.clone()
        }
    }

    /// Whether the client has no secret and proves itself with PKCE alone.
    pub fn is_public(&self) -> bool {
        self.token_endpoint_auth_method == "none"
    }
}

/// RFC 7591 client metadata kept as given (besides the fields [`OAuth2App`] holds itself).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ClientMetadata {
    /// Space-separated scopes the client may ask for; empty for any supported scope.
    pub scope: String,
    /// Contact emails.
    pub contacts: Vec<String>,
    /// Home page of the client.
    pub client_uri: String,
    /// Logo (also the app's icon).
    pub logo_uri: String,
    /// Terms of service.
    pub tos_uri: String,
    /// Privacy policy.
    pub policy_uri: String,
    /// The client's key set URL.
    pub jwks_uri: String,
    /// The client's key set, as JSON text (empty when none).
    pub jwks: String,
    /// Software identifier.
    pub software_id: String,
    /// Software version.
    pub software_version: String,
}

/// An authorization code as stored (single use, short-lived).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationCode {
    /// Identity.
    pub id: Uuid,
    /// Issued.
    pub created_at: OffsetDateTime,
    /// No exchange after this.
    pub expires_at: OffsetDateTime,
    /// The prefix part, unique.
    pub secret_prefix: String,
    /// SHA-256 of the secret part.
    pub hashed_secret: Vec<u8>,
    /// Who approved.
    pub user_id: Uuid,
    /// For which client.
    pub app_id: Uuid,
    /// Where it was sent.
    pub redirect_uri: String,
    /// Whether the authorization request named the redirect URI (then the token request must
    /// repeat it, RFC 6749 §4.1.3).
    pub redirect_uri_given: bool,
    /// Granted scopes, space-separated.
    pub scope: String,
    /// RFC 8707 resource, or empty.
    pub resource_uri: String,
    /// PKCE challenge.
    pub code_challenge: String,
    /// `S256`.
    pub code_challenge_method: String,
    /// Set once, when exchanged.
    pub redeemed_at: Option<OffsetDateTime>,
    /// The grant the exchange made (revoked when the code is replayed).
    pub grant_id: Option<Uuid>,
}

/// What one user allowed one client: every token of one rotation chain belongs to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// Identity.
    pub id: Uuid,
    /// When the code was exchanged.
    pub created_at: OffsetDateTime,
    /// The client.
    pub app_id: Uuid,
    /// The client secret that authenticated the exchange (none for public clients).
    pub app_secret_id: Option<Uuid>,
    /// The user.
    pub user_id: Uuid,
    /// Granted scopes, space-separated.
    pub scope: String,
    /// RFC 8707 audience, or empty.
    pub audience: String,
}

/// A refresh token as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshToken {
    /// Identity.
    pub id: Uuid,
    /// Its grant.
    pub grant_id: Uuid,
    /// Issued.
    pub created_at: OffsetDateTime,
    /// No refresh after this.
    pub expires_at: OffsetDateTime,
    /// The prefix part, unique.
    pub hash_prefix: String,
    /// SHA-256 of the secret part.
    pub refresh_hash: Vec<u8>,
    /// The access token issued with it (gone once rotated or revoked).
    pub api_key_id: Option<String>,
    /// Set when rotated: using it again means it leaked.
    pub spent_at: Option<OffsetDateTime>,
}

/// A client secret as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuth2AppSecret {
    /// Identity.
    pub id: Uuid,
    /// The application.
    pub app_id: Uuid,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last used to authenticate.
    pub last_used_at: Option<OffsetDateTime>,
    /// SHA-256 of the secret part.
    pub hashed_secret: Vec<u8>,
    /// The last six characters, shown in lists.
    pub display_secret: String,
    /// The prefix part, unique.
    pub secret_prefix: String,
}

/// A freshly made secret in Coder's format.
#[derive(Debug, Clone)]
pub struct GeneratedSecret {
    /// `coder_<prefix>_<secret>`, shown once.
    pub formatted: String,
    /// The prefix part.
    pub prefix: String,
    /// SHA-256 of the secret part.
    pub hashed: Vec<u8>,
}

/// Makes a secret: `coder_` + 10 + `_` + 40 characters of `[0-9A-Za-z]`.
pub fn generate_secret() -> GeneratedSecret {
    let prefix = crate::secret::random_alphanumeric(10);
    let secret = crate::secret::random_alphanumeric(40);
    GeneratedSecret { formatted: format!("coder_{prefix}_{secret}"), hashed: crate::secret::hash_secret(&secret), prefix }
}

/// Splits a presented secret into (prefix, secret); `None` unless it has Coder's shape.
pub fn parse_secret(s: &str) -> Option<(&str, &str)> {
    let mut parts = s.split('_');
    let (coder, prefix, secret) = (parts.next()?, parts.next()?, parts.next()?);
    (coder == "coder" && parts.next().is_none() && !prefix.is_empty() && !secret.is_empty()).then_some((prefix, secret))
}

/// SHA-256 of a token with no prefix (the registration access token).
pub fn hash_token(token: &str) -> Vec<u8> {
    crate::secret::hash_secret(token)
}

impl App {
    /// Coder's experiment gate of every OAuth2 provider route.
    pub fn require_oauth2_experiment(&self) -> Result<()> {
        if self.settings.experiments.iter().any(|e| e == EXPERIMENT) {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::Forbidden, "OAuth2 Provider Functionality functionality requires enabling the 'oauth2' experiment."))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_have_coders_shape() {
        let s = generate_secret();
        assert_eq!(s.formatted.len(), 57);
        let (prefix, secret) = parse_secret(&s.formatted).unwrap();
        assert_eq!(prefix, s.prefix);
        assert!(crate::secret::secret_matches(secret, &s.hashed));
        assert!(parse_secret("coder_a_b_c").is_none());
        assert!(parse_secret("nope_a_b").is_none());
    }
}
