//! Notification templates (seeded by the migrations) and their methods.

use diesel::prelude::*;
use domain::notifications::NotificationTemplate;
use domain::store::NotificationStore;
use domain::Result;
use uuid::Uuid;

use super::DbRepo;
use crate::rows::*;
use crate::schema::*;

/// A `notification_templates` row.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = notification_templates)]
struct TemplateRow {
    id: String,
    name: String,
    title_template: String,
    body_template: String,
    actions: Option<String>,
    group_name: Option<String>,
    method: Option<String>,
    kind: String,
    enabled_by_default: bool,
}

impl TryFrom<TemplateRow> for NotificationTemplate {
    type Error = domain::Error;
    fn try_from(r: TemplateRow) -> Result<Self> {
        Ok(NotificationTemplate {
            id: parse_uuid(&r.id)?,
            name: r.name,
            title_template: r.title_template,
            body_template: r.body_template,
            actions: r.actions.unwrap_or_default(),
            group: r.group_name.unwrap_or_default(),
            method: r.method.unwrap_or_default(),
            kind: r.kind,
            enabled_by_default: r.enabled_by_default,
        })
    }
}

impl NotificationStore for DbRepo<'_> {
    fn notification_templates(&self, kind: &str) -> Result<Vec<NotificationTemplate>> {
        let rows: Vec<TemplateRow> = self.with(|c| {
            notification_templates::table.filter(notification_templates::kind.eq(kind)).select(TemplateRow::as_select()).load(c)
        })?;
        // By name in byte order on both backends (PostgreSQL's collation would vary by locale).
        let mut out: Vec<NotificationTemplate> = convert_all(rows)?;
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn notification_template(&self, id: Uuid) -> Result<Option<NotificationTemplate>> {
        let row: Option<TemplateRow> =
            self.with(|c| notification_templates::table.find(id.to_string()).select(TemplateRow::as_select()).first(c).optional())?;
        row.map(NotificationTemplate::try_from).transpose()
    }

    fn notification_preferences(&self, user: Uuid) -> Result<Vec<(Uuid, bool, time::OffsetDateTime)>> {
        let rows: Vec<(String, bool, time::PrimitiveDateTime)> = self.with(|c| {
            notification_preferences::table
                .filter(notification_preferences::user_id.eq(user.to_string()))
                .order(notification_preferences::notification_template_id.asc())
                .select((
                    notification_preferences::notification_template_id,
                    notification_preferences::disabled,
                    notification_preferences::updated_at,
                ))
                .load(c)
        })?;
        rows.into_iter().map(|(id, disabled, at)| Ok((parse_uuid(&id)?, disabled, from_db_time(at)))).collect()
    }

    fn put_notification_preferences(&self, user: Uuid, choices: &[(Uuid, bool)], at: time::OffsetDateTime) -> Result<()> {
        let at = to_db_time(at);
        self.with(|c| {
            for (template, disabled) in choices {
                let key = (user.to_string(), template.to_string());
                let n = diesel::update(notification_preferences::table.find((&key.0, &key.1)))
                    .set((notification_preferences::disabled.eq(disabled), notification_preferences::updated_at.eq(at)))
                    .execute(c)?;
                if n == 0 {
                    diesel::insert_into(notification_preferences::table)
                        .values((
                            notification_preferences::user_id.eq(&key.0),
                            notification_preferences::notification_template_id.eq(&key.1),
                            notification_preferences::disabled.eq(disabled),
                            notification_preferences::created_at.eq(at),
                            notification_preferences::updated_at.eq(at),
                        ))
                        .execute(c)?;
                }
            }
            Ok(())
        })
    }

    fn set_notification_template_method(&self, id: Uuid, method: Option<&str>) -> Result<()> {
        self.with(|c| {
            diesel::update(notification_templates::table.find(id.to_string()))
                .set(notification_templates::method.eq(method))
                .execute(c)
                .map(|_| ())
        })
    }
}
