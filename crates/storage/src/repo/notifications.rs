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

    fn set_notification_template_method(&self, id: Uuid, method: Option<&str>) -> Result<()> {
        self.with(|c| {
            diesel::update(notification_templates::table.find(id.to_string()))
                .set(notification_templates::method.eq(method))
                .execute(c)
                .map(|_| ())
        })
    }
}
