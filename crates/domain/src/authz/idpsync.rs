//! IdP sync settings and the external identities linked to accounts, as a subject may use
//! them.

use serde_json::{Map, Value};
use uuid::Uuid;

use super::Db;
use crate::error::Result;
use crate::externallogin::UserLink;
use crate::rbac::{action, resource, Object};
use crate::user::LoginType;

/// IdP sync settings as an authorization object: site-wide, or of one organization.
fn settings_object(org: Option<Uuid>) -> Object {
    match org {
        Some(id) => Object::of(resource::IDPSYNC_SETTINGS).in_org(id),
        None => Object::of(resource::IDPSYNC_SETTINGS),
    }
}

impl Db<'_> {
    /// A stored IdP sync setting (`key` of `org`, or site-wide): `read` on IdP sync settings
    /// there.
    pub fn idpsync_setting(&self, org: Option<Uuid>, key: &str) -> Result<Option<String>> {
        self.require(action::READ, &settings_object(org))?;
        self.store.get_site_config(key)
    }

    /// Stores an IdP sync setting: `update` on IdP sync settings there.
    pub fn put_idpsync_setting(&self, org: Option<Uuid>, key: &str, json: &str) -> Result<()> {
        self.write(action::UPDATE, &settings_object(org), |s| s.put_site_config(key, json))
    }

    /// The merged claims of the stored OIDC logins (of `org`'s members): `read` on IdP sync
    /// settings there.
    pub fn oidc_merged_claims(&self, org: Option<Uuid>) -> Result<Vec<Map<String, Value>>> {
        self.require(action::READ, &settings_object(org))?;
        self.store.oidc_merged_claims(org)
    }

    /// The account an external identity is linked to: `read_personal` on that account.
    pub fn user_link_by_linked_id(&self, login_type: LoginType, linked_id: &str) -> Result<Option<UserLink>> {
        self.fetch_personal(self.store.user_link_by_linked_id(login_type, linked_id)?)
    }

    /// The link of one account for one login type: `read_personal` on the account.
    pub fn user_link(&self, user: Uuid, login_type: LoginType) -> Result<Option<UserLink>> {
        self.fetch_personal(self.store.user_link(user, login_type)?)
    }

    /// Creates or replaces an account's link: `update_personal` on the account.
    pub fn upsert_user_link(&self, link: &UserLink) -> Result<()> {
        self.write(action::UPDATE_PERSONAL, &Object::user(link.user_id), |s| s.upsert_user_link(link))
    }

    fn fetch_personal(&self, link: Option<UserLink>) -> Result<Option<UserLink>> {
        match link {
            Some(l) if !self.allows(action::READ_PERSONAL, &Object::user(l.user_id)) => Err(crate::error::Error::not_found().denied()),
            other => Ok(other),
        }
    }
}
