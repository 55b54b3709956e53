//! Inbox notifications, as a subject may use them: a user's own (`inbox_notification` owned
//! by them).

use time::OffsetDateTime;
use uuid::Uuid;

use super::Db;
use crate::error::Result;
use crate::inbox::{InboxFilter, InboxNotification};
use crate::rbac::{action, resource, Object};

fn inbox_object(user: Uuid) -> Object {
    Object::of(resource::INBOX_NOTIFICATION).owned_by(user)
}

impl Db<'_> {
    /// Stores a notification for its user: `create` on their inbox.
    pub fn insert_inbox_notification(&self, n: &InboxNotification) -> Result<()> {
        self.write(action::CREATE, &inbox_object(n.user_id), |s| s.insert_inbox_notification(n))
    }

    /// A notification by id, if the subject may read it.
    pub fn inbox_notification(&self, id: Uuid) -> Result<Option<InboxNotification>> {
        self.fetch(self.store.inbox_notification(id)?, |n| inbox_object(n.user_id))
    }

    /// A page of a user's notifications: `read` on their inbox.
    pub fn inbox_page(&self, user: Uuid, filter: &InboxFilter, limit: i64) -> Result<Vec<InboxNotification>> {
        self.require_visible(action::READ, &inbox_object(user))?;
        self.store.inbox_page(user, filter, limit)
    }

    /// How many of a user's notifications are unread: `read` on their inbox.
    pub fn inbox_unread_count(&self, user: Uuid) -> Result<i64> {
        self.require_visible(action::READ, &inbox_object(user))?;
        self.store.inbox_unread_count(user)
    }

    /// Marks a notification (read through this layer) read or unread: `update` on its inbox.
    pub fn set_inbox_read(&self, n: &InboxNotification, at: Option<OffsetDateTime>) -> Result<()> {
        self.write(action::UPDATE, &inbox_object(n.user_id), |s| s.set_inbox_read(n.id, at))
    }

    /// Marks every notification of a user read: `update` on their inbox.
    pub fn mark_all_inbox_read(&self, user: Uuid, at: OffsetDateTime) -> Result<()> {
        self.write(action::UPDATE, &inbox_object(user), |s| s.mark_all_inbox_read(user, at))
    }
}
