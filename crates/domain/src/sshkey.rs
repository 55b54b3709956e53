//! Git SSH key pairs, generated per user so workspaces can push to Git hosts as them.

use rand_core::OsRng;
use ssh_key::{Algorithm, LineEnding, PrivateKey};

use crate::error::{Error, Result};

/// A new Ed25519 pair: (OpenSSH private key, `authorized_keys` public line ending in `\n`, as
/// Coder returns it).
pub fn generate_ed25519() -> Result<(String, String)> {
    let private = PrivateKey::random(&mut OsRng, Algorithm::Ed25519)
        .map_err(|e| Error::internal("Internal error generating SSH key.", e.to_string()))?;
    let private_pem = private.to_openssh(LineEnding::LF).map_err(|e| Error::internal("Internal error encoding SSH key.", e.to_string()))?;
    let public = private.public_key().to_openssh().map_err(|e| Error::internal("Internal error encoding SSH key.", e.to_string()))?;
    Ok((private_pem.to_string(), format!("{public}\n")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn generates_openssh_keys() {
        let (private, public) = super::generate_ed25519().unwrap();
        assert!(private.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----"));
        assert!(public.starts_with("ssh-ed25519 AAAA"));
        assert!(public.ends_with('\n'));
    }
}
