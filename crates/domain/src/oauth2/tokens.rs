//! The token endpoint (RFC 6749 §3.2, §4.1.3, §6; RFC 7636 §4.6; RFC 9700 §4.14): client
//! authentication, the authorization code exchange and refresh token rotation.
//!
//! Every grant is a chain: the code exchange starts it, each refresh spends one refresh token
//! and issues the next. A spent refresh token or a redeemed code presented again means one of
//! them leaked, so the whole chain (every access and refresh token of the grant) is revoked.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use uuid::Uuid;

use super::authorize::{pkce_value_valid, single};
use super::errors::{OAuthError, OAuthResult};
use super::metadata::split_scope;
use super::uris::check_resource;
use super::{generate_secret, parse_secret, Grant, OAuth2App, RefreshToken};
use crate::app::App;
use crate::auth::{allow_all, create_api_key, NewKey};
use crate::authz::{Db, System};
use crate::clock;
use crate::secret;
use crate::store::GrantSelector;
use crate::user::{LoginType, UserStatus};

/// What a successful token request answers (RFC 6749 §5.1).
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    /// The API key (`ID-SECRET`), usable as `Authorization: Bearer` on the whole API.
    pub access_token: String,
    /// The next refresh token (`coder_<prefix>_<secret>`).
    pub refresh_token: String,
    /// Seconds the access token lives.
    pub expires_in: i64,
    /// When it expires (the field golang.org/x/oauth2 reads).
    pub expiry: OffsetDateTime,
    /// Granted scopes, space-separated.
    pub scope: String,
}

/// A client that proved who it is at the token or revocation endpoint.
#[derive(Debug, Clone)]
pub struct AuthenticatedClient {
    /// The client.
    pub app: OAuth2App,
    /// The secret it used (none for a public client).
    pub secret_id: Option<Uuid>,
}

/// Decodes a component of HTTP Basic client credentials, which RFC 6749 §2.3.1 form-encodes
/// before base64.
fn form_decode(s: &str) -> Option<String> {
    url::form_urlencoded::parse(format!("v={s}").as_bytes()).next().map(|(_, v)| v.into_owned())
}

/// `(client_id, client_secret)` of an `Authorization: Basic` header; `Ok(None)` for no header or
/// another scheme.
fn basic_credentials(header: Option<&str>) -> OAuthResult<Option<(String, String)>> {
    let Some(header) = header else { return Ok(None) };
    let Some((scheme, value)) = header.trim().split_once(' ') else { return Ok(None) };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let malformed = || OAuthError::invalid_client("The Basic authorization header is malformed.");
    let decoded = STANDARD.decode(value.trim()).map_err(|_| malformed())?;
    let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    Ok(Some((form_decode(id).ok_or_else(malformed)?, form_decode(secret).ok_or_else(malformed)?)))
}

/// Whether `verifier` hashes to `challenge` (RFC 7636 §4.6, S256), in constant time.
fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    computed.as_bytes().ct_eq(challenge.as_bytes()).into()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> OAuthResult<Option<&'a str>> {
    single(params, name).map_err(OAuthError::invalid_request)
}

fn required<'a>(params: &'a [(String, String)], name: &str) -> OAuthResult<&'a str> {
    param(params, name)?.ok_or_else(|| OAuthError::invalid_request(format!("The {name} parameter is required.")))
}

impl App {
    /// Forgets expired OAuth2 codes and refresh tokens, and the grants they leave empty (a
    /// background job).
    pub fn purge_expired_oauth2(&self) -> crate::error::Result<()> {
        self.db_as(crate::authz::System::Background).purge_expired_oauth2(clock::now())
    }

    /// Authenticates the client of a token or revocation request: `client_secret_basic` or
    /// `client_secret_post` for a confidential client (the secret must be one of *its*
    /// secrets), the `client_id` alone for a public one. Using both methods at once is an
    /// `invalid_request` (RFC 6749 §2.3).
    pub fn authenticate_client(&self, params: &[(String, String)], authorization: Option<&str>) -> OAuthResult<AuthenticatedClient> {
        let basic = basic_credentials(authorization)?;
        let form_id = param(params, "client_id")?;
        let form_secret = param(params, "client_secret")?;
        let (client_id, secret) = match (&basic, form_secret) {
            (Some(_), Some(_)) => {
                return Err(OAuthError::invalid_request("Use one client authentication method, not both Basic and client_secret."))
            }
            (Some((id, secret)), None) => {
                if form_id.is_some_and(|f| f != id) {
                    return Err(OAuthError::invalid_request("The client_id differs from the one in the Authorization header."));
                }
                (id.as_str(), Some(secret.as_str()))
            }
            (None, secret) => (form_id.ok_or_else(|| OAuthError::invalid_client("The client_id parameter is required."))?, secret),
        };
        let unknown = || OAuthError::invalid_client("The client credentials are invalid.");
        let id = Uuid::parse_str(client_id).map_err(|_| unknown())?;
        let app = self.db_as(System::OAuth2).oauth2_app(id)?.ok_or_else(unknown)?;
        if app.is_public() {
            if secret.is_some_and(|s| !s.is_empty()) {
                return Err(OAuthError::invalid_client("This is a public client: it has no secret and must not send one."));
            }
            return Ok(AuthenticatedClient { app, secret_id: None });
        }
        let secret = secret
            .filter(|s| !s.is_empty())
            .ok_or_else(|| OAuthError::invalid_client("This confidential client must authenticate with its client secret."))?;
        let (prefix, secret_part) = parse_secret(secret).ok_or_else(unknown)?;
        let stored = self.db_as(System::OAuth2).oauth2_app_secret_by_prefix(prefix)?.ok_or_else(unknown)?;
        if stored.app_id != app.id || !secret::secret_matches(secret_part, &stored.hashed_secret) {
            return Err(unknown());
        }
        self.db_as(System::OAuth2).touch_oauth2_app_secret(stored.id, clock::now())?;
        Ok(AuthenticatedClient { app, secret_id: Some(stored.id) })
    }

    /// `POST /oauth2/tokens`: the form body (and `Authorization` header) of a token request.
    pub fn exchange_token(&self, params: &[(String, String)], authorization: Option<&str>) -> OAuthResult<IssuedTokens> {
        let grant_type = required(params, "grant_type")?;
        if !matches!(grant_type, "authorization_code" | "refresh_token") {
            return Err(OAuthError::unsupported_grant_type(format!(
                "The grant type {grant_type:?} is not supported; use authorization_code or refresh_token."
            )));
        }
        let client = self.authenticate_client(params, authorization)?;
        if !client.app.grant_types.iter().any(|g| g == grant_type) {
            return Err(OAuthError::unauthorized_client(format!("This client is not registered for the {grant_type} grant.")));
        }
        match grant_type {
            "authorization_code" => self.exchange_code(params, &client),
            _ => self.refresh(params, &client),
        }
    }

    fn exchange_code(&self, params: &[(String, String)], client: &AuthenticatedClient) -> OAuthResult<IssuedTokens> {
        let presented = required(params, "code")?;
        let verifier = required(params, "code_verifier")?;
        if !pkce_value_valid(verifier) {
            return Err(OAuthError::invalid_request("The code_verifier must be 43 to 128 characters of [A-Za-z0-9-._~]."));
        }
        let invalid = || OAuthError::invalid_grant("The authorization code is invalid or expired.");
        let (prefix, secret_part) = parse_secret(presented).ok_or_else(invalid)?;
        let code = self.db_as(System::OAuth2).oauth2_code_by_prefix(prefix)?.ok_or_else(invalid)?;
        if !secret::secret_matches(secret_part, &code.hashed_secret) || code.app_id != client.app.id {
            return Err(invalid());
        }
        if code.redeemed_at.is_some() {
            if let Some(grant) = code.grant_id {
                self.db_as(System::OAuth2).transaction(|tx| tx.revoke_oauth2_grants(GrantSelector::Id(grant)))?;
            }
            return Err(OAuthError::invalid_grant("The authorization code was already used; the tokens issued for it are revoked."));
        }
        let now = clock::now();
        if code.expires_at <= now {
            return Err(invalid());
        }
        let redirect_uri = param(params, "redirect_uri")?;
        if (code.redirect_uri_given || redirect_uri.is_some()) && redirect_uri != Some(code.redirect_uri.as_str()) {
            return Err(OAuthError::invalid_grant("The redirect_uri differs from the one in the authorization request."));
        }
        if !pkce_matches(verifier, &code.code_challenge) {
            return Err(OAuthError::invalid_grant("The PKCE code verifier does not match the code challenge."));
        }
        let audience = match param(params, "resource")? {
            None => code.resource_uri.clone(),
            Some(r) if r == code.resource_uri => code.resource_uri.clone(),
            Some(r) if code.resource_uri.is_empty() => {
                check_resource(r, &self.settings.access_url).map_err(OAuthError::invalid_target)?;
                r.to_string()
            }
            Some(_) => return Err(OAuthError::invalid_target("The resource differs from the one in the authorization request.")),
        };
        self.check_user_active(code.user_id)?;
        let grant = Grant {
            id: Uuid::new_v4(),
            created_at: now,
            app_id: client.app.id,
            app_secret_id: client.secret_id,
            user_id: code.user_id,
            scope: code.scope.clone(),
            audience,
        };
        let scopes = split_scope(&grant.scope);
        let issued = self.db_as(System::OAuth2).transaction(|tx| {
            if !tx.redeem_oauth2_code(&code, grant.id, now)? {
                return Ok(None);
            }
            tx.insert_oauth2_grant(&grant)?;
            self.issue_tokens(tx, &grant, &scopes).map(Some)
        })?;
        match issued {
            Some(tokens) => Ok(tokens),
            None => {
                // Another exchange won the race: a replay, so what it issued is revoked too.
                if let Some(grant) = self.db_as(System::OAuth2).oauth2_code_by_prefix(prefix)?.and_then(|c| c.grant_id) {
                    self.db_as(System::OAuth2).transaction(|tx| tx.revoke_oauth2_grants(GrantSelector::Id(grant)))?;
                }
                Err(OAuthError::invalid_grant("The authorization code was already used; the tokens issued for it are revoked."))
            }
        }
    }

    fn refresh(&self, params: &[(String, String)], client: &AuthenticatedClient) -> OAuthResult<IssuedTokens> {
        let presented = required(params, "refresh_token")?;
        let invalid = || OAuthError::invalid_grant("The refresh token is invalid or expired.");
        let (prefix, secret_part) = parse_secret(presented).ok_or_else(invalid)?;
        let token = self.db_as(System::OAuth2).oauth2_refresh_token_by_prefix(prefix)?.ok_or_else(invalid)?;
        if !secret::secret_matches(secret_part, &token.refresh_hash) {
            return Err(invalid());
        }
        let grant = self.db_as(System::OAuth2).oauth2_grant(token.grant_id)?.ok_or_else(invalid)?;
        if grant.app_id != client.app.id {
            return Err(invalid());
        }
        let reuse = || OAuthError::invalid_grant("The refresh token was already used; every token of this grant is revoked.");
        if token.spent_at.is_some() {
            self.db_as(System::OAuth2).transaction(|tx| tx.revoke_oauth2_grants(GrantSelector::Id(grant.id)))?;
            return Err(reuse());
        }
        if token.expires_at <= clock::now() {
            return Err(invalid());
        }
        // A live refresh token whose access key is gone (a password change, a sign-out of
        // every session, the key deleted) ends its grant, as Coder's cascade does.
        if token.api_key_id.is_none() {
            self.db_as(System::OAuth2).transaction(|tx| tx.revoke_oauth2_grants(GrantSelector::Id(grant.id)))?;
            return Err(invalid());
        }
        let granted = split_scope(&grant.scope);
        let scopes = match param(params, "scope")? {
            None => granted,
            Some(requested) => {
                let requested = split_scope(requested);
                if let Some(extra) = requested.iter().find(|s| !granted.contains(s)) {
                    return Err(OAuthError::invalid_scope(format!("The scope {extra:?} was not granted.")));
                }
                requested
            }
        };
        if let Some(r) = param(params, "resource")? {
            if r != grant.audience {
                return Err(OAuthError::invalid_target("The resource differs from the one this grant was issued for."));
            }
        }
        self.check_user_active(grant.user_id)?;
        let issued = self.db_as(System::OAuth2).transaction(|tx| {
            // A revocation of the grant that commits first wins; one that comes later revokes
            // what this refresh mints.
            if !tx.lock_oauth2_grant(grant.id)? {
                return Ok(Err(invalid()));
            }
            if !tx.spend_oauth2_refresh_token(&token, clock::now())? {
                return Ok(Ok(None));
            }
            self.issue_tokens(tx, &grant, &scopes).map(|t| Ok(Some(t)))
        })??;
        match issued {
            Some(tokens) => Ok(tokens),
            None => {
                self.db_as(System::OAuth2).transaction(|tx| tx.revoke_oauth2_grants(GrantSelector::Id(grant.id)))?;
                Err(reuse())
            }
        }
    }

    /// A grant is only good while its user may sign in.
    fn check_user_active(&self, user_id: Uuid) -> OAuthResult<()> {
        match self.db_as(System::OAuth2).user_by_id(user_id)? {
            Some(u) if u.status != UserStatus::Suspended => Ok(()),
            _ => Err(OAuthError::invalid_grant("The user who granted access is suspended or deleted.")),
        }
    }

    /// Mints an access token (an API key with the granted scopes) and the next refresh token.
    fn issue_tokens(&self, tx: &Db<'_>, grant: &Grant, scopes: &[String]) -> crate::error::Result<IssuedTokens> {
        let (key, access_token) = create_api_key(
            tx,
            NewKey {
                user_id: grant.user_id,
                login_type: LoginType::OAuth2ProviderApp,
                lifetime: self.settings.session_duration,
                token_name: format!("{}_{}_oauth_session_token", grant.user_id, grant.app_id),
                scopes: scopes.to_vec(),
                allow_list: allow_all(),
            },
        )?;
        let refresh = generate_secret();
        let now = clock::now();
        let lifetime = time::Duration::try_from(self.settings.oauth_refresh_lifetime).unwrap_or(time::Duration::days(30));
        tx.insert_oauth2_refresh_token(&RefreshToken {
            id: Uuid::new_v4(),
            grant_id: grant.id,
            created_at: now,
            expires_at: now + lifetime,
            hash_prefix: refresh.prefix.clone(),
            refresh_hash: refresh.hashed.clone(),
            api_key_id: Some(key.id.clone()),
            spent_at: None,
        })?;
        Ok(IssuedTokens {
            access_token,
            refresh_token: refresh.formatted,
            expires_in: key.lifetime_seconds,
            expiry: key.expires_at,
            scope: scopes.join(" "),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256() {
        // RFC 7636 Appendix B.
        assert!(pkce_matches("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
        assert!(!pkce_matches("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    }

    #[test]
    fn basic_credentials_are_form_decoded() {
        let header = format!("Basic {}", STANDARD.encode("my%20id:s%2Bcret"));
        assert_eq!(basic_credentials(Some(&header)).unwrap(), Some(("my id".into(), "s+cret".into())));
        assert_eq!(basic_credentials(Some("Bearer x")).unwrap(), None);
        assert!(basic_credentials(Some("Basic !!!")).is_err());
        assert!(basic_credentials(Some(&format!("Basic {}", STANDARD.encode("nocolon")))).is_err());
    }
}
