//! Making licenses: the key pairs and signatures behind `coderd license keygen`, `coderd license
//! sign` and the trial license a new deployment may give itself. The signing is
//! `ed25519-dalek`'s; this module only lays out the JWT around it.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use rand_core::OsRng;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

/// A key pair that signs licenses, with the key id licenses name in their header.
#[derive(Clone)]
pub struct LicenseSigner {
    /// Key id (`kid`).
    pub kid: String,
    key: SigningKey,
}

impl std::fmt::Debug for LicenseSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LicenseSigner").field("kid", &self.kid).finish_non_exhaustive()
    }
}

impl LicenseSigner {
    /// A fresh key pair from the operating system's randomness.
    pub fn generate(kid: &str) -> Self {
        Self { kid: kid.to_string(), key: SigningKey::generate(&mut OsRng) }
    }

    /// A signer from the base64 of its 32-byte private seed.
    pub fn from_base64(kid: &str, seed: &str) -> Result<Self, String> {
        let raw = STANDARD.decode(seed.trim()).map_err(|e| format!("private key is not base64: {e}"))?;
        let raw: [u8; 32] = raw.try_into().map_err(|v: Vec<u8>| format!("private key has {} bytes, want 32", v.len()))?;
        Ok(Self { kid: kid.to_string(), key: SigningKey::from_bytes(&raw) })
    }

    /// The base64 of the private seed (secret).
    pub fn private_base64(&self) -> String {
        STANDARD.encode(self.key.to_bytes())
    }

    /// The public key as `CODER_LICENSE_PUBLIC_KEYS` lists it: `<kid>:<base64 raw key>`.
    pub fn public_spec(&self) -> String {
        format!("{}:{}", self.kid, STANDARD.encode(self.key.verifying_key().to_bytes()))
    }

    /// The public half, to trust.
    pub fn verifying_key(&self) -> ed25519_dalek::VerifyingKey {
        self.key.verifying_key()
    }

    /// Signs `claims` as an EdDSA JWT naming this key.
    pub fn sign(&self, claims: &Map<String, Value>) -> String {
        let header = json!({"alg": "EdDSA", "kid": self.kid, "typ": "JWT"});
        let input =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(Value::Object(claims.clone()).to_string()));
        let sig = self.key.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig.to_bytes()))
    }
}

/// What a new license says; turned into Coder's claims by [`LicenseSpec::claims`].
#[derive(Debug, Clone)]
pub struct LicenseSpec {
    /// `feature_set`: `enterprise`, `premium` or empty.
    pub feature_set: String,
    /// Single features and limits (`user_limit`, `audit_log`, ...).
    pub features: Vec<(String, i64)>,
    /// Add-ons (`ai_governance`).
    pub addons: Vec<String>,
    /// Start of validity (`nbf`).
    pub not_before: OffsetDateTime,
    /// End of the term (`license_expires`).
    pub expires: OffsetDateTime,
    /// Grace after the term; `exp` = `expires` + grace.
    pub grace: time::Duration,
    /// A trial license.
    pub trial: bool,
    /// Deployments it is locked to (any when empty).
    pub deployment_ids: Vec<String>,
    /// `account_type`.
    pub account_type: String,
    /// `account_id`.
    pub account_id: String,
    /// `sub`: the customer's email.
    pub email: String,
}

impl LicenseSpec {
    /// The claims of this license, version 3, issued now, with a fresh `jti`.
    pub fn claims(&self, now: OffsetDateTime) -> Map<String, Value> {
        let mut features = Map::new();
        for (name, value) in &self.features {
            features.insert(name.clone(), json!(value));
        }
        let mut c = Map::new();
        c.insert("jti".into(), json!(Uuid::new_v4().to_string()));
        c.insert("iss".into(), json!("coderd"));
        if !self.email.is_empty() {
            c.insert("sub".into(), json!(self.email));
        }
        c.insert("iat".into(), json!(now.unix_timestamp()));
        c.insert("nbf".into(), json!(self.not_before.unix_timestamp()));
        c.insert("exp".into(), json!((self.expires + self.grace).unix_timestamp()));
        c.insert("license_expires".into(), json!(self.expires.unix_timestamp()));
        c.insert("account_type".into(), json!(self.account_type));
        c.insert("account_id".into(), json!(self.account_id));
        if !self.deployment_ids.is_empty() {
            c.insert("deployment_ids".into(), json!(self.deployment_ids));
        }
        c.insert("trial".into(), json!(self.trial));
        c.insert("feature_set".into(), json!(self.feature_set));
        c.insert("version".into(), json!(super::claims::CURRENT_VERSION));
        c.insert("features".into(), Value::Object(features));
        if !self.addons.is_empty() {
            c.insert("addons".into(), json!(self.addons));
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::super::claims::{verify, TrustedKeys};
    use super::*;

    #[test]
    fn signed_licenses_verify_with_the_public_spec() {
        let signer = LicenseSigner::generate("test");
        let now = OffsetDateTime::now_utc();
        let spec = LicenseSpec {
            feature_set: "premium".into(),
            features: vec![("user_limit".into(), 10)],
            addons: vec![],
            not_before: now - time::Duration::minutes(1),
            expires: now + time::Duration::days(30),
            grace: time::Duration::days(7),
            trial: false,
            deployment_ids: vec![],
            account_type: "salesforce".into(),
            account_id: "acme".into(),
            email: String::new(),
        };
        let jwt = signer.sign(&spec.claims(now));
        let mut keys = TrustedKeys::default();
        keys.add_spec(&signer.public_spec()).unwrap();
        let claims = verify(&jwt, &keys, now, false).unwrap();
        assert_eq!(claims.features.get("user_limit"), Some(&10));
        let other = LicenseSigner::generate("test");
        let mut wrong = TrustedKeys::default();
        wrong.add_spec(&other.public_spec()).unwrap();
        assert_eq!(verify(&jwt, &wrong, now, false).unwrap_err().to_string(), "ed25519: verification error");
        let again = LicenseSigner::from_base64("test", &signer.private_base64()).unwrap();
        assert_eq!(again.public_spec(), signer.public_spec());
    }
}
