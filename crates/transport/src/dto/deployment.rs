//! Deployment administration: appearance, replicas, notification templates, workspace sharing
//! and quiet hours.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::rfc3339;

/// Coder's `codersdk.BannerConfig`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq)]
#[schema(as = codersdk::BannerConfig, example = json!({"enabled": true, "message": "Maintenance on Friday", "background_color": "#004852"}))]
pub struct BannerConfig {
    /// Shown or not.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub enabled: bool,
    /// Markdown text.
    #[serde(default, deserialize_with = "crate::de::null_default", skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// `#RRGGBB`.
    #[serde(default, deserialize_with = "crate::de::null_default", skip_serializing_if = "String::is_empty")]
    #[schema(pattern = "^#[0-9a-fA-F]{6}$")]
    pub background_color: String,
}

impl From<&domain::appearance::Banner> for BannerConfig {
    fn from(b: &domain::appearance::Banner) -> Self {
        Self { enabled: b.enabled, message: b.message.clone(), background_color: b.background_color.clone() }
    }
}

impl From<&BannerConfig> for domain::appearance::Banner {
    fn from(b: &BannerConfig) -> Self {
        Self { enabled: b.enabled, message: b.message.clone(), background_color: b.background_color.clone() }
    }
}

/// Coder's `codersdk.LinkConfig`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::LinkConfig)]
pub struct LinkConfig {
    /// Label.
    pub name: String,
    /// URL.
    pub target: String,
    /// Icon.
    #[schema(value_type = String, pattern = "^(bug|chat|docs|star)$")]
    pub icon: String,
    /// Where the link is shown.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    #[schema(value_type = Option<String>)]
    pub location: String,
}

/// Coder's `codersdk.AppearanceConfig`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::AppearanceConfig, example = json!({"application_name": "", "logo_url": "", "docs_url": "https://coder.com/docs", "service_banner": {"enabled": false}, "announcement_banners": [], "support_links": [{"name": "Documentation", "target": "https://coder.com/docs", "icon": "docs"}]}))]
pub struct AppearanceConfig {
    /// Replaces "Coder" in the UI.
    pub application_name: String,
    /// Replaces Coder's logo.
    pub logo_url: String,
    /// Where documentation links point.
    pub docs_url: String,
    /// Deprecated: the first announcement banner.
    pub service_banner: BannerConfig,
    /// Banners shown on every page.
    pub announcement_banners: Vec<BannerConfig>,
    /// Links in the help menu.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub support_links: Vec<LinkConfig>,
}

impl From<&domain::appearance::AppearanceConfig> for AppearanceConfig {
    fn from(a: &domain::appearance::AppearanceConfig) -> Self {
        Self {
            application_name: a.application_name.clone(),
            logo_url: a.logo_url.clone(),
            docs_url: a.docs_url.clone(),
            service_banner: BannerConfig::from(&a.service_banner),
            announcement_banners: a.announcement_banners.iter().map(BannerConfig::from).collect(),
            support_links: a
                .support_links
                .iter()
                .map(|l| LinkConfig { name: l.name.clone(), target: l.target.clone(), icon: l.icon.clone(), location: l.location.clone() })
                .collect(),
        }
    }
}

/// Coder's `codersdk.UpdateAppearanceConfig` (the body of `PUT /appearance` and its answer).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::UpdateAppearanceConfig, example = json!({"application_name": "Acme Dev", "logo_url": "https://acme.example/logo.png", "announcement_banners": [{"enabled": true, "message": "Maintenance on Friday", "background_color": "#004852"}]}))]
pub struct UpdateAppearanceConfig {
    /// Replaces "Coder" in the UI.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub application_name: String,
    /// Replaces Coder's logo.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub logo_url: String,
    /// Deprecated and ignored (echoed back as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub service_banner: Option<BannerConfig>,
    /// Banners shown on every page.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub announcement_banners: Vec<BannerConfig>,
}

/// Coder's `codersdk.Replica`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::Replica, example = json!({"id": "6a0a1bc5-7e2c-4a50-9a5b-0f3c3d9b8e21", "hostname": "coderd-0", "created_at": "2026-01-02T03:04:05.123456Z", "relay_address": "", "region_id": 999, "error": "", "database_latency": 412}))]
pub struct Replica {
    /// Random id made at each start.
    pub id: Uuid,
    /// Host name of the machine.
    pub hostname: String,
    /// When the replica was first seen.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// Address other replicas relay DERP traffic through.
    pub relay_address: String,
    /// DERP region.
    pub region_id: i32,
    /// What went wrong reaching peers.
    pub error: String,
    /// Microseconds a database round trip took.
    pub database_latency: i32,
}

impl From<&domain::replicas::Replica> for Replica {
    fn from(r: &domain::replicas::Replica) -> Self {
        Self {
            id: r.id,
            hostname: r.hostname.clone(),
            created_at: r.created_at,
            relay_address: r.relay_address.clone(),
            region_id: r.region_id,
            error: r.error.clone(),
            database_latency: r.database_latency,
        }
    }
}

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

/// Coder's `codersdk.ShareableWorkspaceOwners`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[schema(as = codersdk::ShareableWorkspaceOwners)]
pub enum ShareableWorkspaceOwners {
    /// Nobody may share.
    None,
    /// Every member may share their workspaces.
    Everyone,
    /// Only workspaces of service accounts may be shared.
    ServiceAccounts,
}

impl ShareableWorkspaceOwners {
    fn parse(s: &str) -> Self {
        match s {
            "none" => Self::None,
            "service_accounts" => Self::ServiceAccounts,
            _ => Self::Everyone,
        }
    }
}

/// Coder's `codersdk.WorkspaceSharingSettings`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::WorkspaceSharingSettings, example = json!({"sharing_globally_disabled": false, "sharing_disabled": false, "shareable_workspace_owners": "everyone"}))]
pub struct WorkspaceSharingSettings {
    /// The deployment switch (`CODER_DISABLE_WORKSPACE_SHARING`) is on.
    pub sharing_globally_disabled: bool,
    /// Deprecated: nobody may share.
    pub sharing_disabled: bool,
    /// Whose workspaces may be shared.
    pub shareable_workspace_owners: ShareableWorkspaceOwners,
}

impl From<&domain::workspace_sharing::WorkspaceSharing> for WorkspaceSharingSettings {
    fn from(w: &domain::workspace_sharing::WorkspaceSharing) -> Self {
        Self {
            sharing_globally_disabled: w.sharing_globally_disabled,
            sharing_disabled: w.sharing_disabled,
            shareable_workspace_owners: ShareableWorkspaceOwners::parse(&w.shareable_workspace_owners),
        }
    }
}

/// Coder's `codersdk.UpdateWorkspaceSharingSettingsRequest`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = codersdk::UpdateWorkspaceSharingSettingsRequest, example = json!({"shareable_workspace_owners": "service_accounts"}))]
pub struct UpdateWorkspaceSharingSettingsRequest {
    /// Deprecated: `true` means `none` when `shareable_workspace_owners` is absent.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub sharing_disabled: bool,
    /// Whose workspaces may be shared.
    #[serde(default)]
    #[schema(value_type = ShareableWorkspaceOwners, nullable = false)]
    pub shareable_workspace_owners: Option<String>,
}

/// Coder's `codersdk.UserQuietHoursScheduleResponse`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::UserQuietHoursScheduleResponse, example = json!({"raw_schedule": "CRON_TZ=Europe/Berlin 0 2 * * *", "user_set": true, "user_can_set": true, "time": "02:00", "timezone": "Europe/Berlin", "next": "2026-01-03T02:00:00+01:00"}))]
pub struct UserQuietHoursScheduleResponse {
    /// The schedule in force, normalised.
    pub raw_schedule: String,
    /// The user chose it.
    pub user_set: bool,
    /// The deployment lets users choose.
    pub user_can_set: bool,
    /// `HH:MM`, 24-hour.
    pub time: String,
    /// IANA zone.
    pub timezone: String,
    /// The next start, with the zone's offset.
    #[serde(with = "rfc3339")]
    pub next: OffsetDateTime,
}

impl From<&domain::quiet_hours::QuietHours> for UserQuietHoursScheduleResponse {
    fn from(q: &domain::quiet_hours::QuietHours) -> Self {
        Self {
            raw_schedule: q.raw_schedule.clone(),
            user_set: q.user_set,
            user_can_set: q.user_can_set,
            time: q.time.clone(),
            timezone: q.timezone.clone(),
            next: q.next,
        }
    }
}

/// Coder's `codersdk.UpdateUserQuietHoursScheduleRequest`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = codersdk::UpdateUserQuietHoursScheduleRequest, example = json!({"schedule": "CRON_TZ=Europe/Berlin 0 2 * * *"}))]
pub struct UpdateUserQuietHoursScheduleRequest {
    /// `[CRON_TZ=<zone> ]<minute> <hour> * * *`; blank returns to the default.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub schedule: String,
}
