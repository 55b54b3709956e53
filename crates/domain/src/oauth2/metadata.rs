//! What the metadata documents say (RFC 8414, RFC 9728), and the scope vocabulary they
//! advertise: exactly the scopes an API key can carry and the API enforces.

use crate::rbac::is_external_scope;
use crate::vocab::API_KEY_SCOPES;

/// The scope granted when a client asks for none and registered none: the user's full access,
/// as Coder grants.
pub const DEFAULT_SCOPE: &str = "coder:all";

/// Scopes a client may ask for, byte-sorted: Coder's external API-key scopes, without the
/// legacy spellings `all` and `application_connect`.
pub fn supported_scopes() -> Vec<&'static str> {
    let mut out: Vec<&'static str> =
        API_KEY_SCOPES.iter().copied().filter(|s| is_external_scope(s) && !matches!(*s, "all" | "application_connect")).collect();
    out.sort_unstable();
    out
}

/// Splits a space-separated scope string (RFC 6749 §3.3), dropping repeats, keeping order.
pub fn split_scope(scope: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in scope.split(' ').filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    out
}

/// The first scope this server does not know, if any.
pub fn unknown_scope(scopes: &[String]) -> Option<&String> {
    let supported = supported_scopes();
    scopes.iter().find(|s| !supported.contains(&s.as_str()))
}

/// The endpoints of the authorization server, from the access URL (any path prefix kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerMetadata {
    /// The issuer identifier: the access URL.
    pub issuer: String,
    /// `/oauth2/authorize`.
    pub authorization_endpoint: String,
    /// `/oauth2/tokens`.
    pub token_endpoint: String,
    /// `/oauth2/register`.
    pub registration_endpoint: String,
    /// `/oauth2/revoke`.
    pub revocation_endpoint: String,
}

/// The issuer and endpoints under `access_url`.
pub fn server_metadata(access_url: &str) -> ServerMetadata {
    let base = access_url.trim_end_matches('/');
    ServerMetadata {
        issuer: base.to_string(),
        authorization_endpoint: format!("{base}/oauth2/authorize"),
        token_endpoint: format!("{base}/oauth2/tokens"),
        registration_endpoint: format!("{base}/oauth2/register"),
        revocation_endpoint: format!("{base}/oauth2/revoke"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes() {
        let s = supported_scopes();
        assert!(s.contains(&"coder:all") && s.contains(&"user:read") && s.contains(&"workspace:ssh"));
        assert!(!s.contains(&"all") && !s.contains(&"application_connect"));
        assert!(s.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(split_scope(" user:read  user:read coder:all"), vec!["user:read", "coder:all"]);
        assert_eq!(unknown_scope(&["user:read".into(), "nope".into()]), Some(&"nope".to_string()));
    }
}
