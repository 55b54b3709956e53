//! Reading and checking a license: an EdDSA-signed JWT whose header names its key (`kid`).
//!
//! The checks and their order are golang-jwt v4's (segments, algorithm, key, registered claims,
//! signature) followed by Coder's own (`validateClaims` in `enterprise/coderd/license`), and the
//! failure texts are theirs, because operators search for them. The signature itself is checked
//! by `ed25519-dalek`; this module only splits and decodes.

use std::collections::BTreeMap;

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde::Deserialize;
use time::OffsetDateTime;

/// The key Coder signs its licenses with: kid `2022-08-12`, the raw 32 bytes of
/// `enterprise/coderd/keys/2022-08-12`.
pub const CODER_KEY_ID: &str = "2022-08-12";
/// Coder's public key, raw.
pub const CODER_PUBLIC_KEY: [u8; 32] = [
    0x67, 0x18, 0x6a, 0xde, 0x9d, 0x22, 0x2c, 0x21, 0xb1, 0xbe, 0x11, 0x20, 0x09, 0xb7, 0xc4, 0x36, 0x76, 0xaa, 0xb1, 0x7f, 0x1b, 0x87,
    0x96, 0x68, 0x2f, 0x88, 0xc8, 0x63, 0x6d, 0xce, 0xaf, 0x2f,
];

/// The only license format version Coder accepts.
pub const CURRENT_VERSION: u64 = 3;

/// The keys licenses may be signed with, by key id.
#[derive(Debug, Clone, Default)]
pub struct TrustedKeys(BTreeMap<String, VerifyingKey>);

impl TrustedKeys {
    /// Coder's own key only.
    pub fn coder() -> Self {
        let mut keys = Self::default();
        if let Ok(k) = VerifyingKey::from_bytes(&CODER_PUBLIC_KEY) {
            keys.0.insert(CODER_KEY_ID.to_string(), k);
        }
        keys
    }

    /// Adds (or replaces) a key.
    pub fn insert(&mut self, kid: &str, key: VerifyingKey) {
        self.0.insert(kid.to_string(), key);
    }

    /// Adds keys written as `CODER_LICENSE_PUBLIC_KEYS` has them: a comma-separated list of
    /// `<kid>:<base64 of the raw 32-byte key>`.
    pub fn add_spec(&mut self, spec: &str) -> Result<(), String> {
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (kid, b64) = item.split_once(':').ok_or_else(|| format!("license public key {item:?} is not <kid>:<base64 key>"))?;
            let raw = base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|e| format!("license public key {kid:?}: not base64: {e}"))?;
            let raw: [u8; 32] = raw
                .try_into()
                .map_err(|v: Vec<u8>| format!("license public key {kid:?}: {} bytes, want 32 (a raw Ed25519 key)", v.len()))?;
            let key = VerifyingKey::from_bytes(&raw).map_err(|e| format!("license public key {kid:?}: {e}"))?;
            self.insert(kid.trim(), key);
        }
        Ok(())
    }

    fn get(&self, kid: &str) -> Option<&VerifyingKey> {
        self.0.get(kid)
    }
}

/// A JWT NumericDate: seconds since the epoch, possibly fractional.
fn numeric_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<OffsetDateTime>, D::Error> {
    let v: Option<f64> = Option::deserialize(d)?;
    Ok(v.and_then(|s| OffsetDateTime::from_unix_timestamp_nanos((s * 1e9).round() as i128).ok()))
}

/// Go reads `null` as a field's zero value, and Coder's own license tools write `"features":
/// null`; so does this.
fn or_default<'de, D: serde::Deserializer<'de>, T: Deserialize<'de> + Default>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// The claims of a license (Coder's `license.Claims`).
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Claims {
    /// End of the grace period: after it the license is ignored.
    #[serde(default, deserialize_with = "numeric_date")]
    pub exp: Option<OffsetDateTime>,
    #[serde(default, deserialize_with = "numeric_date")]
    pub nbf: Option<OffsetDateTime>,
    #[serde(default, deserialize_with = "numeric_date")]
    pub iat: Option<OffsetDateTime>,
    /// License id; a UUID in licenses Coder issues.
    #[serde(default, deserialize_with = "or_default")]
    pub jti: Option<String>,
    #[serde(default, deserialize_with = "or_default")]
    pub sub: Option<String>,
    /// End of the paid term and start of the grace period.
    #[serde(default, deserialize_with = "numeric_date")]
    pub license_expires: Option<OffsetDateTime>,
    #[serde(default, deserialize_with = "or_default")]
    pub account_type: String,
    #[serde(default, deserialize_with = "or_default")]
    pub account_id: String,
    /// Deployments the license is locked to (any when empty).
    #[serde(default, deserialize_with = "or_default")]
    pub deployment_ids: Vec<String>,
    #[serde(default, deserialize_with = "or_default")]
    pub trial: bool,
    #[serde(default, deserialize_with = "or_default")]
    pub feature_set: String,
    /// Deprecated spelling of `feature_set: enterprise`.
    #[serde(default, deserialize_with = "or_default")]
    pub all_features: bool,
    #[serde(default, deserialize_with = "or_default")]
    pub version: u64,
    /// Features granted one by one, by name (unknown names are kept and ignored later).
    #[serde(default, deserialize_with = "or_default")]
    pub features: BTreeMap<String, i64>,
    #[serde(default, deserialize_with = "or_default")]
    pub addons: Vec<String>,
    #[serde(default, deserialize_with = "or_default")]
    pub require_telemetry: bool,
    #[serde(default, deserialize_with = "or_default")]
    pub publish_usage_data: bool,
}

/// Why a license was refused. `Display` gives the text Coder (or golang-jwt under it) uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LicenseError {
    /// Not a JWT: wrong number of segments, bad base64 or JSON.
    Malformed(String),
    /// No usable key: no `kid`, an unknown one, or an algorithm other than EdDSA.
    Unverifiable(String),
    /// The signature does not match.
    BadSignature,
    /// `exp` has passed, by this long (Go duration text).
    Expired(String),
    /// `iat` is in the future.
    UsedBeforeIssued,
    /// `nbf` is in the future (and nothing else is wrong).
    NotValidYet,
    /// One of Coder's own checks failed.
    Invalid(&'static str),
}

impl std::fmt::Display for LicenseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LicenseError::Malformed(s) | LicenseError::Unverifiable(s) => f.write_str(s),
            LicenseError::BadSignature => f.write_str("ed25519: verification error"),
            LicenseError::Expired(by) => write!(f, "token is expired by {by}"),
            LicenseError::UsedBeforeIssued => f.write_str("token used before issued"),
            LicenseError::NotValidYet => f.write_str("token is not valid yet"),
            LicenseError::Invalid(s) => f.write_str(s),
        }
    }
}

/// Coder's texts for its own claim checks.
pub mod texts {
    /// Wrong or missing `version`.
    pub const INVALID_VERSION: &str = "license must be version 3";
    /// No `kid` in the header.
    pub const MISSING_KEY_ID: &str = "JOSE header must contain kid";
    /// No `iat`.
    pub const MISSING_ISSUED_AT: &str = "license has invalid or missing iat (issued at) claim";
    /// No `nbf`.
    pub const MISSING_NOT_BEFORE: &str = "license has invalid or missing nbf (not before) claim";
    /// No `license_expires`, or one more than five years ahead.
    pub const MISSING_LICENSE_EXPIRES: &str = "license has invalid or missing license_expires claim";
    /// No `exp`.
    pub const MISSING_EXP: &str = "license has invalid or missing exp (expires at) claim";
    /// Several JWT checks failed at once.
    pub const MULTIPLE_ISSUES: &str = "license has multiple issues; contact support";
    /// Empty `account_type`.
    pub const MISSING_ACCOUNT_TYPE: &str = "license must contain valid account type";
    /// Empty `account_id`.
    pub const MISSING_ACCOUNT_ID: &str = "license must contain valid account ID";
}

/// Decodes a JWT segment: base64url, padded or not (golang-jwt v4 accepts both).
fn segment(s: &str) -> Result<Vec<u8>, LicenseError> {
    URL_SAFE_NO_PAD.decode(s).or_else(|_| URL_SAFE.decode(s)).map_err(|e| LicenseError::Malformed(format!("illegal base64 data: {e}")))
}

/// The claims of a license as written, without checking anything: what `GET /licenses` shows.
pub fn decode_unverified(jwt: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let payload = jwt.split('.').nth(1)?;
    serde_json::from_slice(&segment(payload).ok()?).ok()
}

/// Checks a license at `now` against `keys`. With `ignore_nbf`, a license that is only not valid
/// *yet* passes (an upload ahead of its term); a not-yet-valid license that has other faults gets
/// Coder's "multiple issues" text.
pub fn verify(jwt: &str, keys: &TrustedKeys, now: OffsetDateTime, ignore_nbf: bool) -> Result<Claims, LicenseError> {
    let parts: Vec<&str> = jwt.split('.').collect();
    if parts.len() != 3 {
        return Err(LicenseError::Malformed("token contains an invalid number of segments".into()));
    }
    let header: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&segment(parts[0])?).map_err(|e| LicenseError::Malformed(e.to_string()))?;
    let claims: Claims = serde_json::from_slice(&segment(parts[1])?).map_err(|e| LicenseError::Malformed(e.to_string()))?;
    let alg = header.get("alg").and_then(|a| a.as_str()).unwrap_or_default();
    const KNOWN: &[&str] =
        &["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA", "none"];
    if !KNOWN.contains(&alg) {
        return Err(LicenseError::Unverifiable("signing method (alg) is unavailable.".into()));
    }
    if alg != "EdDSA" {
        return Err(LicenseError::Unverifiable(format!("signing method {alg} is invalid")));
    }
    let kid = header.get("kid").and_then(|k| k.as_str()).ok_or(LicenseError::Unverifiable(texts::MISSING_KEY_ID.into()))?;
    let key = keys.get(kid).ok_or_else(|| LicenseError::Unverifiable(format!("no key with ID {kid}")))?;

    // golang-jwt collects every failed check and reports the last one, signature last.
    let mut failed: Vec<LicenseError> = Vec::new();
    if let Some(exp) = claims.exp {
        if now >= exp {
            failed.push(LicenseError::Expired(go_duration(now - exp)));
        }
    }
    if claims.iat.is_some_and(|iat| now < iat) {
        failed.push(LicenseError::UsedBeforeIssued);
    }
    let not_yet = claims.nbf.is_some_and(|nbf| now < nbf);
    if not_yet {
        failed.push(LicenseError::NotValidYet);
    }
    let sig = segment(parts[2])?;
    let signed = Signature::from_slice(&sig).ok().is_some_and(|s| key.verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &s).is_ok());
    if !signed {
        failed.push(LicenseError::BadSignature);
    }
    if ignore_nbf && not_yet {
        if failed.len() > 1 {
            return Err(LicenseError::Invalid(texts::MULTIPLE_ISSUES));
        }
    } else if not_yet {
        // golang-jwt reports "not valid yet" whenever that check failed, whatever else did.
        return Err(LicenseError::NotValidYet);
    } else if let Some(last) = failed.pop() {
        return Err(last);
    }
    validate(claims, now)
}

/// Coder's own checks, in its order.
fn validate(claims: Claims, now: OffsetDateTime) -> Result<Claims, LicenseError> {
    if claims.version != CURRENT_VERSION {
        return Err(LicenseError::Invalid(texts::INVALID_VERSION));
    }
    if claims.iat.is_none() {
        return Err(LicenseError::Invalid(texts::MISSING_ISSUED_AT));
    }
    if claims.nbf.is_none() {
        return Err(LicenseError::Invalid(texts::MISSING_NOT_BEFORE));
    }
    let hard_limit = now + time::Duration::days(5 * 365);
    if claims.license_expires.is_none_or(|le| le > hard_limit) {
        return Err(LicenseError::Invalid(texts::MISSING_LICENSE_EXPIRES));
    }
    if claims.exp.is_none() {
        return Err(LicenseError::Invalid(texts::MISSING_EXP));
    }
    if claims.account_type.is_empty() {
        return Err(LicenseError::Invalid(texts::MISSING_ACCOUNT_TYPE));
    }
    if claims.account_id.is_empty() {
        return Err(LicenseError::Invalid(texts::MISSING_ACCOUNT_ID));
    }
    Ok(claims)
}

/// A duration as Go's `time.Duration.String` writes it (`1h0m0s`, `2.5s`, `300ms`), which
/// golang-jwt puts in its "token is expired by" text.
pub fn go_duration(d: time::Duration) -> String {
    let nanos = d.whole_nanoseconds();
    let (neg, n) = (nanos < 0, nanos.unsigned_abs());
    let sign = if neg { "-" } else { "" };
    if n == 0 {
        return "0s".into();
    }
    let frac = |v: u128, unit: u128| -> String {
        let whole = v / unit;
        let rest = v % unit;
        if rest == 0 {
            return whole.to_string();
        }
        let digits = unit.to_string().len() - 1;
        let s = format!("{rest:0digits$}");
        format!("{whole}.{}", s.trim_end_matches('0'))
    };
    if n < 1_000 {
        return format!("{sign}{n}ns");
    }
    if n < 1_000_000 {
        return format!("{sign}{}µs", frac(n, 1_000));
    }
    if n < 1_000_000_000 {
        return format!("{sign}{}ms", frac(n, 1_000_000));
    }
    let secs_ns = n % 60_000_000_000;
    let mins = (n / 60_000_000_000) % 60;
    let hours = n / 3_600_000_000_000;
    let s = frac(secs_ns, 1_000_000_000);
    if hours > 0 {
        format!("{sign}{hours}h{mins}m{s}s")
    } else if mins > 0 {
        format!("{sign}{mins}m{s}s")
    } else {
        format!("{sign}{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(go_duration(time::Duration::hours(1)), "1h0m0s");
        assert_eq!(go_duration(time::Duration::milliseconds(2500)), "2.5s");
        assert_eq!(go_duration(time::Duration::milliseconds(300)), "300ms");
        assert_eq!(go_duration(time::Duration::seconds(90)), "1m30s");
    }

    #[test]
    fn coders_key_is_valid_and_specs_parse() {
        assert!(TrustedKeys::coder().get(CODER_KEY_ID).is_some());
        let mut keys = TrustedKeys::default();
        keys.add_spec("mine:Zxhq3p0iLCGxvhEgCbfENnaqsX8bh5ZoL4jIY23Ory8=").unwrap();
        assert!(keys.get("mine").is_some());
        assert!(keys.add_spec("nokid").is_err());
        assert!(keys.add_spec("k:AAAA").is_err());
    }

    #[test]
    fn null_claims_read_as_go_reads_them() {
        let signer = super::super::signer::LicenseSigner::generate("k");
        let mut keys = TrustedKeys::default();
        keys.insert("k", signer.verifying_key());
        let n = OffsetDateTime::now_utc().unix_timestamp();
        let claims = serde_json::json!({"iat": n - 5, "nbf": n - 5, "exp": n + 99, "license_expires": n + 99, "account_type": "salesforce",
            "account_id": "a", "version": 3, "features": null, "deployment_ids": null, "addons": null, "feature_set": "premium"});
        let c = verify(&signer.sign(claims.as_object().unwrap()), &keys, OffsetDateTime::now_utc(), true).unwrap();
        assert!(c.features.is_empty() && c.deployment_ids.is_empty());
    }

    #[test]
    fn garbage_is_malformed() {
        let err = verify("invalid", &TrustedKeys::coder(), OffsetDateTime::now_utc(), true).unwrap_err();
        assert_eq!(err.to_string(), "token contains an invalid number of segments");
    }
}
