//! Licenses and the counts entitlements are measured against, as a subject may use them.

use time::OffsetDateTime;
use uuid::Uuid;

use super::Db;
use crate::error::Result;
use crate::rbac::{action, resource, Object};
use crate::replicas::Replica;
use crate::store::LicenseRow;

fn licenses() -> Object {
    Object::of(resource::LICENSE)
}

impl Db<'_> {
    /// Stores a checked license: `create` on licenses.
    pub fn insert_license(&self, jwt: &str, exp: OffsetDateTime, uuid: Uuid, uploaded_at: OffsetDateTime) -> Result<LicenseRow> {
        self.write(action::CREATE, &licenses(), |s| s.insert_license(jwt, exp, uuid, uploaded_at))
    }

    /// Every license on file: `read` on licenses.
    pub fn list_licenses(&self) -> Result<Vec<LicenseRow>> {
        self.require(action::READ, &licenses())?;
        self.store.list_licenses()
    }

    /// The licenses not yet expired: `read` on licenses.
    pub fn unexpired_licenses(&self, now: OffsetDateTime) -> Result<Vec<LicenseRow>> {
        self.require(action::READ, &licenses())?;
        self.store.unexpired_licenses(now)
    }

    /// Removes a license (`false` when there was none): `delete` on licenses.
    pub fn delete_license(&self, id: i32) -> Result<bool> {
        self.write(action::DELETE, &licenses(), |s| s.delete_license(id))
    }

    /// The number of active users licenses are measured against: `read` on users.
    pub fn count_active_users(&self) -> Result<i64> {
        self.require(action::READ, &Object::of(resource::USER))?;
        self.store.count_active_users()
    }

    /// Tells the other replicas that licenses changed: `read` on licenses (a subject who may
    /// read them may have them re-read).
    pub fn announce_licenses_changed(&self) -> Result<()> {
        self.require(action::READ, &licenses())?;
        self.store.announce_licenses_changed()
    }

    /// The replicas heard from since `after`: `read` on replicas.
    pub fn live_replicas(&self, after: OffsetDateTime) -> Result<Vec<Replica>> {
        self.require(action::READ, &Object::of(resource::REPLICAS))?;
        self.store.live_replicas(after)
    }
}
