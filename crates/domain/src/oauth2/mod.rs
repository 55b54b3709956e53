//! Coder as an OAuth2 authorization server. So far: the admin API of applications and their
//! client secrets (`/api/v2/oauth2-provider/apps`), behind Coder's `oauth2` experiment switch.
//!
//! Secrets have Coder's format, `coder_<10-character prefix>_<40-character secret>`: the prefix
//! finds the row, and only the SHA-256 of the secret part is stored, compared in constant time.

pub mod apps;

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
    /// How the client authenticates at the token endpoint.
    pub token_endpoint_auth_method: String,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
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
