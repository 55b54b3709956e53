//! Secrets: API key material and password hashes.
//!
//! API keys follow Coder's format `<10-char id>-<22-char secret>` drawn from `[a-zA-Z0-9]`; only the
//! SHA-256 of the secret is stored and it is compared in constant time.
//!
//! Passwords use Coder's own encoding, `$pbkdf2-sha256$<iterations>$<salt>$<hash>` with a
//! 16-byte random salt (stored base64, and that text is the salt fed to PBKDF2, as Coder does), a
//! 64-byte HMAC-SHA256 derived key and 65,535 iterations. Matching Coder's format means password
//! hashes can move between a Coder database and this one. The iteration count is read back from
//! each stored hash, so raising it later keeps old hashes valid.

use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const ALPHANUMERIC: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// PBKDF2 rounds for new password hashes (Coder's `defaultHashIter`).
pub const PASSWORD_ITERATIONS: u32 = 65_535;
const PASSWORD_HASH_LEN: usize = 64;
const PASSWORD_SALT_LEN: usize = 16;

/// A random string over `[a-zA-Z0-9]` without modulo bias.
pub fn random_alphanumeric(len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        OsRng.fill_bytes(&mut buf);
        for b in buf {
            // 248 = 62 * 4: reject the top bytes so every character is equally likely.
            if b < 248 && out.len() < len {
                out.push(ALPHANUMERIC[(b % 62) as usize] as char);
            }
        }
    }
    out
}

/// Random bytes from the OS, base64url-encoded; used for opaque secrets that are not API keys.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// A freshly generated API key: the id and secret go to the client once; only the hash is kept.
#[derive(Debug, Clone)]
pub struct GeneratedKey {
    /// Public 10-character id.
    pub id: String,
    /// 22-character secret, shown once.
    pub secret: String,
    /// SHA-256 of the secret, for storage.
    pub hashed_secret: Vec<u8>,
}

impl GeneratedKey {
    /// Makes a new key pair.
    pub fn generate() -> Self {
        let id = random_alphanumeric(10);
        let secret = random_alphanumeric(22);
        let hashed_secret = hash_secret(&secret);
        Self { id, secret, hashed_secret }
    }

    /// The token a client presents: `id-secret`.
    pub fn token(&self) -> String {
        format!("{}-{}", self.id, self.secret)
    }
}

/// SHA-256 of a key secret.
pub fn hash_secret(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Constant-time comparison of a presented secret with a stored digest.
pub fn secret_matches(secret: &str, stored_hash: &[u8]) -> bool {
    let presented = hash_secret(secret);
    presented.len() == stored_hash.len() && bool::from(presented.ct_eq(stored_hash))
}

/// Hashes a password in Coder's PBKDF2 format.
pub fn hash_password(password: &str) -> String {
    hash_password_with(password, PASSWORD_ITERATIONS)
}

fn hash_password_with(password: &str, iterations: u32) -> String {
    let mut salt_bytes = [0u8; PASSWORD_SALT_LEN];
    OsRng.fill_bytes(&mut salt_bytes);
    let salt = STANDARD_NO_PAD.encode(salt_bytes);
    let hash = derive(password, &salt, iterations);
    format!("$pbkdf2-sha256${iterations}${salt}${}", STANDARD_NO_PAD.encode(hash))
}

fn derive(password: &str, salt: &str, iterations: u32) -> [u8; PASSWORD_HASH_LEN] {
    let mut out = [0u8; PASSWORD_HASH_LEN];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt.as_bytes(), iterations, &mut out);
    out
}

/// Checks a password against a stored hash in constant time; malformed hashes never match.
pub fn verify_password(password: &str, stored: &str) -> bool {
    let parts: Vec<&str> = stored.split('$').collect();
    // ["", "pbkdf2-sha256", iterations, salt, hash]
    if parts.len() != 5 || !parts[0].is_empty() || parts[1] != "pbkdf2-sha256" {
        return false;
    }
    let Ok(iterations) = parts[2].parse::<u32>() else { return false };
    if iterations == 0 {
        return false;
    }
    let Ok(expected) = STANDARD_NO_PAD.decode(parts[4]) else { return false };
    let derived = derive(password, parts[3], iterations);
    expected.len() == derived.len() && bool::from(derived.as_slice().ct_eq(&expected))
}

/// A hash that no password matches, verified when a login names an unknown email so that the
/// response time does not reveal which emails exist.
pub fn dummy_password_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_alphanumeric(32)))
}

/// Lower-case hex of bytes (content hashes).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of raw bytes (file contents, uploads).
pub fn hash_secret_bytes(data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(data).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_have_coders_shape() {
        let key = GeneratedKey::generate();
        let token = key.token();
        let (id, secret) = token.split_once('-').unwrap();
        assert_eq!((id.len(), secret.len()), (10, 22));
        assert_eq!(id, key.id);
        assert!(secret_matches(secret, &key.hashed_secret));
        assert!(!secret_matches("x", &key.hashed_secret));
    }

    #[test]
    fn passwords_round_trip() {
        let hash = hash_password_with("correct horse", 1000);
        assert!(hash.starts_with("$pbkdf2-sha256$1000$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!verify_password("correct horse", "garbage"));
        assert!(!verify_password("", ""));
    }
}
