//! Notification templates and dispatch methods.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Coder's `codersdk.NotificationTemplate`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::NotificationTemplate, example = json!({"id": "f517da0b-cdc9-410f-ab89-a86107c420ed", "name": "Workspace Deleted", "title_template": "Workspace \"{{.Labels.name}}\" deleted", "body_template": "Your workspace **{{.Labels.name}}** was deleted.", "actions": "[{\"url\": \"{{ base_url }}/workspaces\", \"label\": \"View workspaces\"}]", "group": "Workspace Events", "method": "", "kind": "system", "enabled_by_default": true}))]
pub struct NotificationTemplate {
    /// Fixed id.
    pub id: Uuid,
    /// Unique name.
    pub name: String,
    /// Go-template title.
    pub title_template: String,
    /// Go-template body.
    pub body_template: String,
    /// JSON text of the buttons.
    pub actions: String,
    /// UI grouping.
    pub group: String,
    /// Delivery method; empty means the deployment default.
    pub method: String,
    /// `system` or `custom`.
    pub kind: String,
    /// Sent unless the user opts out.
    pub enabled_by_default: bool,
}

impl From<&domain::notifications::NotificationTemplate> for NotificationTemplate {
    fn from(t: &domain::notifications::NotificationTemplate) -> Self {
        Self {
            id: t.id,
            name: t.name.clone(),
            title_template: t.title_template.clone(),
            body_template: t.body_template.clone(),
            actions: t.actions.clone(),
            group: t.group.clone(),
            method: t.method.clone(),
            kind: t.kind.clone(),
            enabled_by_default: t.enabled_by_default,
        }
    }
}

/// Coder's `codersdk.UpdateNotificationTemplateMethod`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = codersdk::UpdateNotificationTemplateMethod, example = json!({"method": "webhook"}))]
pub struct UpdateNotificationTemplateMethod {
    /// `smtp`, `webhook` or `inbox`.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    #[schema(pattern = "^(smtp|webhook|inbox)$")]
    pub method: String,
}

/// Coder's `codersdk.NotificationMethodsResponse`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::NotificationMethodsResponse, example = json!({"available": ["smtp", "webhook"], "default": "smtp"}))]
pub struct NotificationMethodsResponse {
    /// Methods a template can be routed to.
    pub available: Vec<String>,
    /// The deployment default (`CODER_NOTIFICATIONS_METHOD`).
    pub default: String,
}
