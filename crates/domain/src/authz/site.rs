//! Deployment-wide values and the server's own bookkeeping, as a subject may use them.

use time::OffsetDateTime;

use super::Db;
use crate::error::Result;
use crate::rbac::{action, resource, Object};

impl Db<'_> {
    /// A deployment-wide value (the deployment id, ...): `read` on the system.
    pub fn get_site_config(&self, key: &str) -> Result<Option<String>> {
        self.require(action::READ, &Object::of(resource::SYSTEM))?;
        self.store.get_site_config(key)
    }

    /// Stores a deployment-wide value: `update` on the system.
    pub fn put_site_config(&self, key: &str, value: &str) -> Result<()> {
        self.write(action::UPDATE, &Object::of(resource::SYSTEM), |s| s.put_site_config(key, value))
    }

    /// Forgets replicas silent since `before`: `delete` on the system's bookkeeping.
    pub fn delete_stale_replicas(&self, before: OffsetDateTime) -> Result<()> {
        self.write(action::DELETE, &Object::of(resource::SYSTEM), |s| s.delete_stale_replicas(before))
    }

    /// Forgets OAuth2 codes and refresh tokens that expired (and the grants they leave empty):
    /// `delete` on codes and tokens anywhere.
    pub fn purge_expired_oauth2(&self, now: OffsetDateTime) -> Result<()> {
        self.write(action::DELETE, &Object::of(resource::OAUTH2_APP_CODE_TOKEN), |s| s.purge_expired_oauth2(now))
    }
}
