//! Inbox notifications.

use diesel::prelude::*;
use domain::inbox::{InboxFilter, InboxNotification, ReadStatus};
use domain::store::{Change, InboxStore};
use domain::{Error, Result};
use time::{OffsetDateTime, PrimitiveDateTime};
use uuid::Uuid;

use super::DbRepo;
use crate::rows::*;
use crate::schema::*;

fn corrupt(what: &str, e: impl std::fmt::Display) -> Error {
    Error::internal("Internal error.", format!("stored {what} is unreadable: {e}"))
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = inbox_notifications)]
struct InboxRow {
    id: String,
    user_id: String,
    template_id: String,
    targets: String,
    title: String,
    content: String,
    icon: String,
    actions: String,
    read_at: Option<PrimitiveDateTime>,
    created_at: PrimitiveDateTime,
}

impl From<&InboxNotification> for InboxRow {
    fn from(n: &InboxNotification) -> Self {
        Self {
            id: n.id.to_string(),
            user_id: n.user_id.to_string(),
            template_id: n.template_id.to_string(),
            targets: serde_json::to_string(&n.targets).unwrap_or_else(|_| "[]".into()),
            title: n.title.clone(),
            content: n.content.clone(),
            icon: n.icon.clone(),
            actions: serde_json::to_string(&n.actions).unwrap_or_else(|_| "[]".into()),
            read_at: n.read_at.map(to_db_time),
            created_at: to_db_time(n.created_at),
        }
    }
}

impl TryFrom<InboxRow> for InboxNotification {
    type Error = Error;
    fn try_from(r: InboxRow) -> Result<Self> {
        Ok(Self {
            id: parse_uuid(&r.id)?,
            user_id: parse_uuid(&r.user_id)?,
            template_id: parse_uuid(&r.template_id)?,
            targets: serde_json::from_str(&r.targets).map_err(|e| corrupt("targets", e))?,
            title: r.title,
            content: r.content,
            icon: r.icon,
            actions: serde_json::from_str(&r.actions).map_err(|e| corrupt("actions", e))?,
            read_at: r.read_at.map(from_db_time),
            created_at: from_db_time(r.created_at),
        })
    }
}

impl InboxStore for DbRepo<'_> {
    fn insert_inbox_notification(&self, n: &InboxNotification) -> Result<()> {
        let row = InboxRow::from(n);
        self.with(|c| diesel::insert_into(inbox_notifications::table).values(&row).execute(c).map(|_| ()))?;
        self.changed(Change::Inbox(n.user_id))
    }

    fn inbox_notification(&self, id: Uuid) -> Result<Option<InboxNotification>> {
        let row: Option<InboxRow> =
            self.with(|c| inbox_notifications::table.find(id.to_string()).select(InboxRow::as_select()).first(c).optional())?;
        row.map(InboxNotification::try_from).transpose()
    }

    fn inbox_page(&self, user: Uuid, f: &InboxFilter, limit: i64) -> Result<Vec<InboxNotification>> {
        // The page starts below the `starting_before` notification (of this user only).
        let before: Option<(PrimitiveDateTime, String)> = match f.starting_before {
            Some(id) => self.with(|c| {
                inbox_notifications::table
                    .filter(inbox_notifications::id.eq(id.to_string()))
                    .filter(inbox_notifications::user_id.eq(user.to_string()))
                    .select((inbox_notifications::created_at, inbox_notifications::id))
                    .first(c)
                    .optional()
            })?,
            None => None,
        };
        if f.starting_before.is_some() && before.is_none() {
            return Ok(Vec::new());
        }
        let templates: Vec<String> = f.templates.iter().map(Uuid::to_string).collect();
        let rows: Vec<InboxRow> = self.with(|c| {
            let mut q = inbox_notifications::table.filter(inbox_notifications::user_id.eq(user.to_string())).into_boxed();
            if !templates.is_empty() {
                q = q.filter(inbox_notifications::template_id.eq_any(templates.clone()));
            }
            // A notification must be about every target asked for.
            for t in &f.targets {
                q = q.filter(inbox_notifications::targets.like(format!("%\"{t}\"%")));
            }
            q = match f.read_status {
                ReadStatus::All => q,
                ReadStatus::Read => q.filter(inbox_notifications::read_at.is_not_null()),
                ReadStatus::Unread => q.filter(inbox_notifications::read_at.is_null()),
            };
            if let Some((at, id)) = &before {
                q = q.filter(
                    inbox_notifications::created_at
                        .lt(*at)
                        .or(inbox_notifications::created_at.eq(*at).and(inbox_notifications::id.lt(id.clone()))),
                );
            }
            q.order((inbox_notifications::created_at.desc(), inbox_notifications::id.desc()))
                .limit(limit)
                .select(InboxRow::as_select())
                .load(c)
        })?;
        convert_all(rows)
    }

    fn inbox_unread_count(&self, user: Uuid) -> Result<i64> {
        self.with(|c| {
            inbox_notifications::table
                .filter(inbox_notifications::user_id.eq(user.to_string()))
                .filter(inbox_notifications::read_at.is_null())
                .count()
                .get_result(c)
        })
    }

    fn set_inbox_read(&self, id: Uuid, at: Option<OffsetDateTime>) -> Result<()> {
        self.with(|c| {
            diesel::update(inbox_notifications::table.find(id.to_string()))
                .set(inbox_notifications::read_at.eq(at.map(to_db_time)))
                .execute(c)
                .map(|_| ())
        })
    }

    fn mark_all_inbox_read(&self, user: Uuid, at: OffsetDateTime) -> Result<()> {
        self.with(|c| {
            diesel::update(
                inbox_notifications::table
                    .filter(inbox_notifications::user_id.eq(user.to_string()))
                    .filter(inbox_notifications::read_at.is_null()),
            )
            .set(inbox_notifications::read_at.eq(Some(to_db_time(at))))
            .execute(c)
            .map(|_| ())
        })
    }
}
