//! Provisioner daemons, keys and jobs, as a subject may use them.

use time::OffsetDateTime;
use uuid::Uuid;

use super::Db;
use crate::error::{Error, Result};
use crate::provisioners::Daemon;
use crate::rbac::{action, resource, Object};

/// A daemon as an authorization object: in its organization, named by its id.
pub fn daemon_object(d: &Daemon) -> Object {
    Object::of(resource::PROVISIONER_DAEMON).in_org(d.organization_id).with_id(d.id)
}

impl Db<'_> {
    /// A daemon by id, if the subject may read it.
    pub fn daemon_by_id(&self, id: Uuid) -> Result<Option<Daemon>> {
        self.fetch(self.store.daemon_by_id(id)?, daemon_object)
    }

    /// Records a daemon's heartbeat: `update` on the stored daemon.
    pub fn touch_daemon(&self, id: Uuid, at: OffsetDateTime) -> Result<()> {
        let daemon = self.store.daemon_by_id(id)?.ok_or_else(Error::not_found)?;
        self.write(action::UPDATE, &daemon_object(&daemon), |s| s.touch_daemon(id, at))
    }

    /// Forgets every daemon unseen since `before`: `delete` on daemons anywhere.
    pub fn delete_daemons_unseen_since(&self, before: OffsetDateTime) -> Result<usize> {
        self.write(action::DELETE, &Object::of(resource::PROVISIONER_DAEMON), |s| s.delete_daemons_unseen_since(before))
    }
}
