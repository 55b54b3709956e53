//! The error answers of the OAuth2 protocol endpoints (RFC 6749 §5.2, RFC 7009, RFC 7591 §3.2.2,
//! RFC 6750 §3.1), kept apart from Coder's error envelope, which the admin API uses.

use crate::error::Error;

/// An OAuth2 error: its code, a description for people, and the HTTP status it is sent with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    /// The RFC error code (`invalid_request`, `invalid_client`, `invalid_grant`, ...).
    pub code: &'static str,
    /// `error_description`.
    pub description: String,
    /// 400, 401, 403 or 500.
    pub status: u16,
}

/// Results of the protocol endpoints.
pub type OAuthResult<T> = std::result::Result<T, OAuthError>;

impl OAuthError {
    fn new(code: &'static str, status: u16, description: impl Into<String>) -> Self {
        Self { code, description: description.into(), status }
    }

    /// 400 `invalid_request`: a parameter is missing, repeated, or malformed.
    pub fn invalid_request(d: impl Into<String>) -> Self {
        Self::new("invalid_request", 400, d)
    }

    /// 401 `invalid_client`: client authentication failed.
    pub fn invalid_client(d: impl Into<String>) -> Self {
        Self::new("invalid_client", 401, d)
    }

    /// 400 `invalid_grant`: the code or refresh token is invalid, expired, spent or not this
    /// client's, or the PKCE verifier or redirect URI does not match.
    pub fn invalid_grant(d: impl Into<String>) -> Self {
        Self::new("invalid_grant", 400, d)
    }

    /// 400 `unauthorized_client`: the client may not use this grant type.
    pub fn unauthorized_client(d: impl Into<String>) -> Self {
        Self::new("unauthorized_client", 400, d)
    }

    /// 400 `unsupported_grant_type`.
    pub fn unsupported_grant_type(d: impl Into<String>) -> Self {
        Self::new("unsupported_grant_type", 400, d)
    }

    /// 400 `invalid_scope`: unknown scopes, or more than the client or grant allows.
    pub fn invalid_scope(d: impl Into<String>) -> Self {
        Self::new("invalid_scope", 400, d)
    }

    /// 400 `invalid_target` (RFC 8707): a resource this server does not serve.
    pub fn invalid_target(d: impl Into<String>) -> Self {
        Self::new("invalid_target", 400, d)
    }

    /// 400 `invalid_client_metadata` (RFC 7591).
    pub fn invalid_client_metadata(d: impl Into<String>) -> Self {
        Self::new("invalid_client_metadata", 400, d)
    }

    /// 400 `invalid_redirect_uri` (RFC 7591).
    pub fn invalid_redirect_uri(d: impl Into<String>) -> Self {
        Self::new("invalid_redirect_uri", 400, d)
    }

    /// 401 `invalid_token` (RFC 6750): a missing or wrong registration access token.
    pub fn invalid_token(d: impl Into<String>) -> Self {
        Self::new("invalid_token", 401, d)
    }

    /// 400 `unsupported_response_type` (sent to the redirect URI).
    pub fn unsupported_response_type(d: impl Into<String>) -> Self {
        Self::new("unsupported_response_type", 400, d)
    }

    /// `access_denied`: the user declined (sent to the redirect URI).
    pub fn access_denied() -> Self {
        Self::new("access_denied", 400, "The resource owner denied the request.")
    }

    /// 400 `unsupported_token_type` (RFC 7009 §2.2.1).
    pub fn unsupported_token_type(d: impl Into<String>) -> Self {
        Self::new("unsupported_token_type", 400, d)
    }

    /// 500 `server_error`.
    pub fn server_error(d: impl Into<String>) -> Self {
        Self::new("server_error", 500, d)
    }
}

impl From<Error> for OAuthError {
    /// A store failure inside a protocol endpoint: logged by the caller, answered as
    /// `server_error` without the internal detail.
    fn from(e: Error) -> Self {
        OAuthError::server_error(format!("The server could not complete the request: {}", e.message))
    }
}
