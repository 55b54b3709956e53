//! Git SSH key pairs, generated per user so workspaces can push to Git hosts as them.

use rand_core::OsRng;
use ssh_key::{Algorithm, EcdsaCurve, LineEnding, PrivateKey};

use crate::error::{Error, Result};

/// The kinds of key Coder generates (`CODER_SSH_KEYGEN_ALGORITHM`): some Git hosts still refuse
/// Ed25519, so a deployment chooses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum KeygenAlgorithm {
    /// Ed25519, Coder's default.
    #[default]
    Ed25519,
    /// ECDSA on NIST P-256.
    Ecdsa,
    /// RSA with a 4096-bit modulus.
    Rsa4096,
}

impl KeygenAlgorithm {
    /// Every algorithm by its setting's value.
    pub const ALL: [(&'static str, KeygenAlgorithm); 3] = [("ed25519", Self::Ed25519), ("ecdsa", Self::Ecdsa), ("rsa4096", Self::Rsa4096)];

    /// The algorithm a setting names, as Coder spells them.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, a)| *a)
    }
}

/// A new pair: (OpenSSH private key, `authorized_keys` public line ending in `\n`, as Coder
/// returns it).
pub fn generate(algorithm: KeygenAlgorithm) -> Result<(String, String)> {
    let failed = |e: ssh_key::Error| Error::internal("Internal error generating SSH key.", e.to_string());
    let private = match algorithm {
        KeygenAlgorithm::Ed25519 => PrivateKey::random(&mut OsRng, Algorithm::Ed25519).map_err(failed)?,
        KeygenAlgorithm::Ecdsa => PrivateKey::random(&mut OsRng, Algorithm::Ecdsa { curve: EcdsaCurve::NistP256 }).map_err(failed)?,
        KeygenAlgorithm::Rsa4096 => {
            let pair = ssh_key::private::RsaKeypair::random(&mut OsRng, 4096).map_err(failed)?;
            PrivateKey::from(pair)
        }
    };
    let private_pem = private.to_openssh(LineEnding::LF).map_err(|e| Error::internal("Internal error encoding SSH key.", e.to_string()))?;
    let public = private.public_key().to_openssh().map_err(|e| Error::internal("Internal error encoding SSH key.", e.to_string()))?;
    Ok((private_pem.to_string(), format!("{public}\n")))
}

/// A new Ed25519 pair, Coder's default.
pub fn generate_ed25519() -> Result<(String, String)> {
    generate(KeygenAlgorithm::Ed25519)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_openssh_keys_of_each_algorithm() {
        for (name, algorithm, prefix) in
            [("ed25519", KeygenAlgorithm::Ed25519, "ssh-ed25519 AAAA"), ("ecdsa", KeygenAlgorithm::Ecdsa, "ecdsa-sha2-nistp256 AAAA")]
        {
            assert_eq!(KeygenAlgorithm::parse(name), Some(algorithm));
            let (private, public) = generate(algorithm).unwrap();
            assert!(private.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----"), "{name}");
            assert!(public.starts_with(prefix), "{name}: {public}");
            assert!(public.ends_with('\n'));
        }
        assert_eq!(KeygenAlgorithm::parse("rsa4096"), Some(KeygenAlgorithm::Rsa4096));
        assert_eq!(KeygenAlgorithm::parse("dsa"), None);
    }

    #[test]
    fn generates_rsa_4096() {
        let (_, public) = generate(KeygenAlgorithm::Rsa4096).unwrap();
        assert!(public.starts_with("ssh-rsa AAAA"), "{public}");
        // A 4096-bit modulus makes the base64 body about 716 characters long.
        assert!(public.len() > 700, "{}", public.len());
    }
}
