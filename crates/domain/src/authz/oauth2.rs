//! The OAuth2 provider's applications, secrets, codes, grants and refresh tokens, as a subject
//! may use them.

use time::OffsetDateTime;
use uuid::Uuid;

use super::Db;
use crate::error::{Error, Result};
use crate::oauth2::{AuthorizationCode, Grant, OAuth2App, OAuth2AppSecret, RefreshToken};
use crate::rbac::{action, resource, Object};
use crate::store::GrantSelector;

/// An application as an authorization object (deployment-wide, named by its id).
pub fn oauth2_app_object(id: Uuid) -> Object {
    Object::of(resource::OAUTH2_APP).with_id(id)
}

fn secret_object(id: Uuid) -> Object {
    Object::of(resource::OAUTH2_APP_SECRET).with_id(id)
}

/// A user's codes, grants and tokens as an authorization object.
fn code_token_object(user: Uuid) -> Object {
    Object::of(resource::OAUTH2_APP_CODE_TOKEN).owned_by(user)
}

impl Db<'_> {
    /// Stores a new application: `create` on applications.
    pub fn insert_oauth2_app(&self, app: &OAuth2App) -> Result<()> {
        self.write(action::CREATE, &Object::of(resource::OAUTH2_APP), |s| s.insert_oauth2_app(app))
    }

    /// An application, if the subject may read it.
    pub fn oauth2_app(&self, id: Uuid) -> Result<Option<OAuth2App>> {
        self.fetch(self.store.oauth2_app(id)?, |a| oauth2_app_object(a.id))
    }

    /// Every application: `read` on applications.
    pub fn list_oauth2_apps(&self) -> Result<Vec<OAuth2App>> {
        self.require(action::READ, &Object::of(resource::OAUTH2_APP))?;
        self.store.list_oauth2_apps()
    }

    /// The applications a user has granted: `read` on the user's codes and tokens.
    pub fn oauth2_apps_granted_by(&self, user: Uuid) -> Result<Vec<OAuth2App>> {
        self.require(action::READ, &code_token_object(user))?;
        self.store.oauth2_apps_granted_by(user)
    }

    /// Overwrites an application: `update` on the stored one.
    pub fn update_oauth2_app(&self, app: &OAuth2App) -> Result<()> {
        self.store.oauth2_app(app.id)?.ok_or_else(Error::not_found)?;
        self.write(action::UPDATE, &oauth2_app_object(app.id), |s| s.update_oauth2_app(app))
    }

    /// Removes an application with its secrets and grants: `delete` on it.
    pub fn delete_oauth2_app(&self, id: Uuid) -> Result<()> {
        self.write(action::DELETE, &oauth2_app_object(id), |s| s.delete_oauth2_app(id))
    }

    /// Stores a new client secret: `create` on secrets.
    pub fn insert_oauth2_app_secret(&self, secret: &OAuth2AppSecret) -> Result<()> {
        self.write(action::CREATE, &Object::of(resource::OAUTH2_APP_SECRET), |s| s.insert_oauth2_app_secret(secret))
    }

    /// A client secret, if the subject may read it.
    pub fn oauth2_app_secret(&self, id: Uuid) -> Result<Option<OAuth2AppSecret>> {
        self.fetch(self.store.oauth2_app_secret(id)?, |s| secret_object(s.id))
    }

    /// An application's secrets: `read` on secrets.
    pub fn oauth2_app_secrets(&self, app: Uuid) -> Result<Vec<OAuth2AppSecret>> {
        self.require(action::READ, &Object::of(resource::OAUTH2_APP_SECRET))?;
        self.store.oauth2_app_secrets(app)
    }

    /// Removes a client secret: `delete` on it.
    pub fn delete_oauth2_app_secret(&self, id: Uuid) -> Result<()> {
        self.write(action::DELETE, &secret_object(id), |s| s.delete_oauth2_app_secret(id))
    }

    /// A client secret by its public prefix (a client authenticating), if the subject may read
    /// it.
    pub fn oauth2_app_secret_by_prefix(&self, prefix: &str) -> Result<Option<OAuth2AppSecret>> {
        self.fetch(self.store.oauth2_app_secret_by_prefix(prefix)?, |s| secret_object(s.id))
    }

    /// Records a secret's use: `update` on it.
    pub fn touch_oauth2_app_secret(&self, id: Uuid, at: OffsetDateTime) -> Result<()> {
        self.write(action::UPDATE, &secret_object(id), |s| s.touch_oauth2_app_secret(id, at))
    }

    /// Stores an authorization code: `create` on its user's codes and tokens.
    pub fn insert_oauth2_code(&self, code: &AuthorizationCode) -> Result<()> {
        self.write(action::CREATE, &code_token_object(code.user_id), |s| s.insert_oauth2_code(code))
    }

    /// A code by its public prefix, if the subject may read it.
    pub fn oauth2_code_by_prefix(&self, prefix: &str) -> Result<Option<AuthorizationCode>> {
        self.fetch(self.store.oauth2_code_by_prefix(prefix)?, |c| code_token_object(c.user_id))
    }

    /// Spends a code (read through this layer) for a grant (`false` when spent already):
    /// `delete` on its user's codes.
    pub fn redeem_oauth2_code(&self, code: &AuthorizationCode, grant: Uuid, at: OffsetDateTime) -> Result<bool> {
        self.write(action::DELETE, &code_token_object(code.user_id), |s| s.redeem_oauth2_code(code.id, grant, at))
    }

    /// Stores a grant: `create` on its user's codes and tokens.
    pub fn insert_oauth2_grant(&self, grant: &Grant) -> Result<()> {
        self.write(action::CREATE, &code_token_object(grant.user_id), |s| s.insert_oauth2_grant(grant))
    }

    /// A grant, if the subject may read it.
    pub fn oauth2_grant(&self, id: Uuid) -> Result<Option<Grant>> {
        self.fetch(self.store.oauth2_grant(id)?, |g| code_token_object(g.user_id))
    }

    /// The grant an access token was issued under, if the subject may read it.
    pub fn oauth2_grant_of_api_key(&self, api_key_id: &str) -> Result<Option<Grant>> {
        self.fetch(self.store.oauth2_grant_of_api_key(api_key_id)?, |g| code_token_object(g.user_id))
    }

    /// The user a stored grant belongs to.
    fn grant_owner(&self, grant: Uuid) -> Result<Uuid> {
        Ok(self.store.oauth2_grant(grant)?.ok_or_else(Error::not_found)?.user_id)
    }

    /// Stores a refresh token: `create` on its grant's user's tokens.
    pub fn insert_oauth2_refresh_token(&self, token: &RefreshToken) -> Result<()> {
        let owner = self.grant_owner(token.grant_id)?;
        self.write(action::CREATE, &code_token_object(owner), |s| s.insert_oauth2_refresh_token(token))
    }

    /// A refresh token by its public prefix, if the subject may read it.
    pub fn oauth2_refresh_token_by_prefix(&self, prefix: &str) -> Result<Option<RefreshToken>> {
        match self.store.oauth2_refresh_token_by_prefix(prefix)? {
            Some(t) => {
                let owner = self.grant_owner(t.grant_id)?;
                self.fetch(Some(t), |_| code_token_object(owner))
            }
            None => Ok(None),
        }
    }

    /// Spends a refresh token (read through this layer; `false` when spent already): `delete`
    /// on its user's tokens.
    pub fn spend_oauth2_refresh_token(&self, token: &RefreshToken, at: OffsetDateTime) -> Result<bool> {
        let owner = self.grant_owner(token.grant_id)?;
        self.write(action::DELETE, &code_token_object(owner), |s| s.spend_oauth2_refresh_token(token.id, at))
    }

    /// Ends grants with their tokens and keys: `delete` on the user's codes and tokens.
    pub fn revoke_oauth2_grants(&self, which: GrantSelector) -> Result<()> {
        let owner = match &which {
            GrantSelector::Id(id) => match self.store.oauth2_grant(*id)? {
                Some(g) => g.user_id,
                None => return Ok(()),
            },
            GrantSelector::UserApp { user, .. } => *user,
        };
        self.write(action::DELETE, &code_token_object(owner), |s| s.revoke_oauth2_grants(which))
    }

    /// Locks a live grant for a refresh (`false` when it ended): `delete` on its user's tokens,
    /// as spending its token needs.
    pub fn lock_oauth2_grant(&self, id: Uuid) -> Result<bool> {
        let owner = self.grant_owner(id)?;
        self.write(action::DELETE, &code_token_object(owner), |s| s.lock_oauth2_grant(id))
    }
}
