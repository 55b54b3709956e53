//! Notification templates and how each is delivered. The templates are Coder's, seeded by a
//! migration; an owner may route a template to another method (`smtp`, `webhook`, `inbox`).

use uuid::Uuid;

use crate::app::{Actor, App};
use crate::error::{Error, Result};
use crate::rbac::{action, resource, Object};

/// The methods a template may be routed to.
pub const METHODS: [&str; 3] = ["smtp", "webhook", "inbox"];

/// A notification template (Coder's `codersdk.NotificationTemplate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationTemplate {
    /// Fixed id, the same in every Coder deployment.
    pub id: Uuid,
    /// Unique name.
    pub name: String,
    /// Go-template text of the title.
    pub title_template: String,
    /// Go-template text of the body.
    pub body_template: String,
    /// JSON text of the buttons; empty when none.
    pub actions: String,
    /// UI grouping; empty when none.
    pub group: String,
    /// Delivery method; empty means the deployment default.
    pub method: String,
    /// `system` or `custom`.
    pub kind: String,
    /// Whether users receive it unless they opt out.
    pub enabled_by_default: bool,
}

/// What `PUT .../method` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MethodUpdate {
    /// The method changed.
    Updated,
    /// It already was that method (Coder answers 304).
    Unchanged,
}

impl App {
    /// `GET /notifications/templates/system`: every signed-in user may read them.
    pub fn system_notification_templates(&self) -> Result<Vec<NotificationTemplate>> {
        self.db_as(crate::authz::System::Site).notification_templates("system")
    }

    /// `GET /notifications/templates/custom`: every signed-in user may read them.
    pub fn custom_notification_templates(&self) -> Result<Vec<NotificationTemplate>> {
        self.db_as(crate::authz::System::Site).notification_templates("custom")
    }

    /// `GET /users/{user}/notifications/preferences`: the templates the user turned on or off
    /// (those never touched follow their default). A user the caller cannot see is a 404;
    /// one whose preferences they may not read a 403.
    pub fn notification_preferences(&self, actor: &Actor, user_param: &str) -> Result<Vec<(Uuid, bool, time::OffsetDateTime)>> {
        let user = self.find_user(actor, user_param)?;
        self.db(actor).notification_preferences(user.id)
    }

    /// `PUT /users/{user}/notifications/preferences`: turns templates on or off for the user
    /// (`template_disabled_map`: template id → disabled); answers every stored choice. Ids
    /// that are not UUIDs are a 400, as in Coder; unknown templates a 400 too (Coder fails
    /// with a 500). All or nothing.
    pub fn update_notification_preferences(
        &self,
        actor: &Actor,
        user_param: &str,
        choices: &std::collections::BTreeMap<String, bool>,
    ) -> Result<Vec<(Uuid, bool, time::OffsetDateTime)>> {
        let user = self.find_user(actor, user_param)?;
        let mut parsed = Vec::with_capacity(choices.len());
        for (id, disabled) in choices {
            let id = Uuid::parse_str(id)
                .map_err(|e| Error::bad_request("Unable to parse notification template UUID.").with_detail(e.to_string()))?;
            parsed.push((id, *disabled));
        }
        let site = self.db_as(crate::authz::System::Site);
        let mut known: Vec<Uuid> = site.notification_templates("system")?.iter().map(|t| t.id).collect();
        known.extend(site.notification_templates("custom")?.iter().map(|t| t.id));
        if let Some((unknown, _)) = parsed.iter().find(|(id, _)| !known.contains(id)) {
            return Err(
                Error::bad_request("Unknown notification template.").with_detail(format!("No notification template has the id {unknown}."))
            );
        }
        let now = crate::clock::now();
        self.db(actor).transaction(|tx| {
            tx.put_notification_preferences(user.id, &parsed, now)?;
            tx.notification_preferences(user.id)
        })
    }

    /// `GET /notifications/dispatch-methods`: what a template may be routed to (inbox is always
    /// added on top, so Coder leaves it out) and the deployment default.
    pub fn notification_dispatch_methods(&self) -> (Vec<&'static str>, String) {
        (vec!["smtp", "webhook"], self.settings.notifications_method.clone())
    }

    /// Resolves the `{notification_template}` parameter as Coder's middleware does, before the
    /// body is read: 400 for a malformed id, 404 for an unknown one or a caller who is no owner.
    pub fn find_notification_template(&self, actor: &Actor, id: &str) -> Result<NotificationTemplate> {
        let id = Uuid::parse_str(id).map_err(|e| Error::bad_request(format!("Invalid UUID {id:?}.")).with_detail(e.to_string()))?;
        let db = self.db(actor);
        db.require_visible(action::READ, &Object::of(resource::NOTIFICATION_TEMPLATE))?;
        db.notification_template(id)?.ok_or_else(Error::not_found)
    }

    /// `PUT /notifications/templates/{id}/method`: owners only (others are told it does not
    /// exist, as Coder does).
    pub fn set_notification_template_method(&self, actor: &Actor, id: &str, method: &str) -> Result<MethodUpdate> {
        let id = Uuid::parse_str(id).map_err(|e| Error::bad_request(format!("Invalid UUID {id:?}.")).with_detail(e.to_string()))?;
        let db = self.db(actor);
        db.require_visible(action::READ, &Object::of(resource::NOTIFICATION_TEMPLATE))?;
        let template = db.notification_template(id)?.ok_or_else(Error::not_found)?;
        if !METHODS.contains(&method) {
            return Err(Error::invalid_field(
                "Invalid request to update notification template method",
                "method",
                format!("{method:?} is not a valid method; smtp, webhook, inbox are the available options"),
            ));
        }
        if template.method == method {
            return Ok(MethodUpdate::Unchanged);
        }
        db.require_visible(action::UPDATE, &Object::of(resource::NOTIFICATION_TEMPLATE))?;
        db.transaction(|tx| tx.set_notification_template_method(id, Some(method)))?;
        Ok(MethodUpdate::Updated)
    }
}
