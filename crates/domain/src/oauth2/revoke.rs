//! Revocation: RFC 7009 by the client (`POST /oauth2/revoke`), and Coder's revocation of a whole
//! application by the user who granted it (`DELETE /oauth2/tokens?client_id=`).

use uuid::Uuid;

use super::authorize::single;
use super::errors::{OAuthError, OAuthResult};
use super::parse_secret;
use crate::app::{Actor, App};
use crate::auth::split_token;
use crate::authz::System;
use crate::error::{Error, ErrorKind, Result};
use crate::secret;
use crate::store::GrantSelector;
use crate::user::LoginType;

impl App {
    /// `POST /oauth2/revoke`: the client authenticates as at the token endpoint. A refresh token
    /// revokes its whole grant (every access and refresh token); an access token deletes its key,
    /// which ends its grant too (the live refresh token no longer refreshes), as in Coder.
    /// Tokens that are unknown, malformed, already revoked or another client's are answered
    /// with success and left alone (RFC 7009 §2.2), so the endpoint tells nothing about them.
    pub fn revoke_token(&self, params: &[(String, String)], authorization: Option<&str>) -> OAuthResult<()> {
        let client = self.authenticate_client(params, authorization)?;
        let token = single(params, "token")
            .map_err(OAuthError::invalid_request)?
            .ok_or_else(|| OAuthError::invalid_request("The token parameter is required."))?;
        // RFC 7009 §2.1: the hint only speeds up the lookup; an unknown one is ignored.
        single(params, "token_type_hint").map_err(OAuthError::invalid_request)?;
        if let Some((prefix, secret_part)) = parse_secret(token) {
            let Some(refresh) = self.db_as(System::OAuth2).oauth2_refresh_token_by_prefix(prefix)? else { return Ok(()) };
            if !secret::secret_matches(secret_part, &refresh.refresh_hash) {
                return Ok(());
            }
            if self.db_as(System::OAuth2).oauth2_grant(refresh.grant_id)?.is_some_and(|g| g.app_id == client.app.id) {
                self.db_as(System::OAuth2).transaction(|tx| tx.revoke_oauth2_grants(GrantSelector::Id(refresh.grant_id)))?;
            }
            return Ok(());
        }
        let Ok((id, secret_part)) = split_token(token) else { return Ok(()) };
        let Some(key) = self.db_as(System::OAuth2).api_key_by_id(id)? else { return Ok(()) };
        if key.login_type != LoginType::OAuth2ProviderApp || !secret::secret_matches(secret_part, &key.hashed_secret) {
            return Ok(());
        }
        if self.db_as(System::OAuth2).oauth2_grant_of_api_key(&key.id)?.is_some_and(|g| g.app_id == client.app.id) {
            self.db_as(System::OAuth2).delete_api_key(&key.id)?;
        }
        Ok(())
    }

    /// `DELETE /oauth2/tokens?client_id=`: the signed-in user withdraws every grant they gave the
    /// application; 204 even when there was none, as Coder answers.
    pub fn revoke_app_for_user(&self, actor: &Actor, client_id: Option<&str>) -> Result<()> {
        self.require_oauth2_experiment()?;
        let raw = client_id.filter(|c| !c.is_empty()).ok_or_else(|| Error::bad_request("Missing client_id parameter."))?;
        let id = Uuid::parse_str(raw).map_err(|e| Error::bad_request(format!("Invalid client_id {raw:?}.")).with_detail(e.to_string()))?;
        self.db(actor).oauth2_app(id)?.ok_or_else(|| Error::new(ErrorKind::NotFound, "OAuth2 application not found."))?;
        self.db(actor).transaction(|tx| tx.revoke_oauth2_grants(GrantSelector::UserApp { user: actor.user.id, app: id }))
    }
}
