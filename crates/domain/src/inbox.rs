//! Inbox notifications (Coder's `coderd/inboxnotifications.go`): what the dashboard's bell shows
//! a user, newest first, 25 at a time, with how many are unread; each can be marked read or
//! unread, or all read at once. The notification system fills it (`Change::Inbox` tells the
//! watchers of every replica).

use time::OffsetDateTime;
use uuid::Uuid;

use crate::app::{Actor, App};
use crate::error::{Error, Result, Validations};

/// The page size, fixed as in Coder.
pub const PAGE: i64 = 25;

/// A link a notification offers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Action {
    /// Its text.
    pub label: String,
    /// Where it goes.
    pub url: String,
}

/// One notification of one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxNotification {
    /// Identity.
    pub id: Uuid,
    /// Whose it is.
    pub user_id: Uuid,
    /// The notification template it was made from.
    pub template_id: Uuid,
    /// What it is about (workspace, template, user ids).
    pub targets: Vec<Uuid>,
    /// Title.
    pub title: String,
    /// Body.
    pub content: String,
    /// Icon (empty: the dashboard's default for its kind).
    pub icon: String,
    /// Links.
    pub actions: Vec<Action>,
    /// When it was read, if it was.
    pub read_at: Option<OffsetDateTime>,
    /// When it was made.
    pub created_at: OffsetDateTime,
}

/// Which notifications by read status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReadStatus {
    /// Every one.
    #[default]
    All,
    /// Read ones.
    Read,
    /// Unread ones.
    Unread,
}

/// The filters of the list and of the watch socket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboxFilter {
    /// Only notifications about all of these.
    pub targets: Vec<Uuid>,
    /// Only notifications from these templates.
    pub templates: Vec<Uuid>,
    /// By read status.
    pub read_status: ReadStatus,
    /// Only notifications older than this one.
    pub starting_before: Option<Uuid>,
}

impl InboxFilter {
    /// Parses the query parameters with Coder's words (unknown ones and bad values are a 400).
    pub fn parse(params: &[(String, String)], allow_format: bool) -> Result<(Self, Option<String>)> {
        let mut f = Self::default();
        let mut format = None;
        let mut v = Validations::new();
        let uuids = |v: &mut Validations, key: &str, raw: &str| -> Vec<Uuid> {
            let mut out = Vec::new();
            for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                match Uuid::parse_str(part) {
                    Ok(id) => out.push(id),
                    Err(e) => v.add(key, format!("Query param {key:?} must be a valid uuid: {e}")),
                }
            }
            out
        };
        for (key, value) in params {
            match key.as_str() {
                "targets" => f.targets = uuids(&mut v, "targets", value),
                "templates" => f.templates = uuids(&mut v, "templates", value),
                "read_status" => {
                    f.read_status = match value.as_str() {
                        "" | "all" => ReadStatus::All,
                        "read" => ReadStatus::Read,
                        "unread" => ReadStatus::Unread,
                        _ => {
                            // Coder's wording (it names the wrong parameter).
                            return Err(Error::bad_request("starting_before query parameter should be any of 'all', 'read', 'unread'."));
                        }
                    }
                }
                "starting_before" if !allow_format && !value.is_empty() => match Uuid::parse_str(value) {
                    Ok(id) => f.starting_before = Some(id),
                    Err(e) => v.add("starting_before", format!("Query param \"starting_before\" must be a valid uuid: {e}")),
                },
                "starting_before" if !allow_format => {}
                "format" if allow_format => match value.as_str() {
                    "" | "markdown" | "plaintext" => format = Some(value.clone()).filter(|f| !f.is_empty()),
                    _ => v.add("format", format!("Query param \"format\" must be one of plaintext, markdown, got {value:?}")),
                },
                other => v.add(other, format!("{other:?} is not a valid query param")),
            }
        }
        v.finish("Query parameters have invalid values.")?;
        Ok((f, format))
    }
}

impl App {
    /// `GET /notifications/inbox`: the caller's notifications matching the filters, newest
    /// first, at most [`PAGE`], with their unread count.
    pub fn inbox(&self, actor: &Actor, filter: &InboxFilter) -> Result<(Vec<InboxNotification>, i64)> {
        let db = self.db(actor);
        let page = db.inbox_page(actor.user.id, filter, PAGE)?;
        Ok((page, db.inbox_unread_count(actor.user.id)?))
    }

    /// The caller's notifications made after `after` (the watch socket's next ones), oldest
    /// first, with the unread count.
    pub fn inbox_since(&self, actor: &Actor, filter: &InboxFilter, after: OffsetDateTime) -> Result<(Vec<InboxNotification>, i64)> {
        let db = self.db(actor);
        let mut newer: Vec<InboxNotification> = db
            .inbox_page(actor.user.id, &InboxFilter { starting_before: None, ..filter.clone() }, PAGE)?
            .into_iter()
            .filter(|n| n.created_at > after)
            .collect();
        newer.reverse();
        Ok((newer, db.inbox_unread_count(actor.user.id)?))
    }

    /// `PUT /notifications/inbox/{id}/read-status`: marks one of the caller's notifications read
    /// or unread; another user's is reported missing.
    pub fn set_inbox_read(&self, actor: &Actor, param: &str, is_read: bool) -> Result<(InboxNotification, i64)> {
        let id = crate::groups::parse_uuid_param(param)?;
        let db = self.db(actor);
        let mut n = db.inbox_notification(id)?.filter(|n| n.user_id == actor.user.id).ok_or_else(Error::not_found)?;
        let at = if is_read { Some(n.read_at.unwrap_or_else(crate::clock::now)) } else { None };
        db.set_inbox_read(&n, at)?;
        n.read_at = at;
        Ok((n, db.inbox_unread_count(actor.user.id)?))
    }

    /// `PUT /notifications/inbox/mark-all-as-read`.
    pub fn mark_inbox_read(&self, actor: &Actor) -> Result<()> {
        self.db(actor).mark_all_inbox_read(actor.user.id, crate::clock::now())
    }
}
