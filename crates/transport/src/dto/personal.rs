//! Personal settings bodies: appearance, preferences, git SSH key.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::rfc3339;
use crate::de::null_default;

/// Coder's `codersdk.UserAppearanceSettings`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::UserAppearanceSettings, example = json!({"theme_preference": "dark", "theme_mode": "sync", "theme_light": "light", "theme_dark": "dark", "terminal_font": "fira-code"}))]
pub struct UserAppearanceSettings {
    /// Legacy single theme setting.
    pub theme_preference: String,
    /// `sync`, `single` or empty.
    #[schema(value_type = ThemeMode)]
    pub theme_mode: String,
    /// Theme in light mode (ignored in `single` mode).
    pub theme_light: String,
    /// Theme in dark mode (ignored in `single` mode).
    pub theme_dark: String,
    /// Terminal font.
    #[schema(value_type = TerminalFontName)]
    pub terminal_font: String,
}

impl From<domain::personal::Appearance> for UserAppearanceSettings {
    fn from(a: domain::personal::Appearance) -> Self {
        Self {
            theme_preference: a.theme_preference,
            theme_mode: a.theme_mode,
            theme_light: a.theme_light,
            theme_dark: a.theme_dark,
            terminal_font: a.terminal_font,
        }
    }
}

/// Coder's `codersdk.ThemeMode`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::ThemeMode)]
pub enum ThemeMode {
    /// Unset.
    #[serde(rename = "")]
    Unset,
    /// Follow the OS between the light and dark slots.
    #[serde(rename = "sync")]
    Sync,
    /// One theme.
    #[serde(rename = "single")]
    Single,
}

/// Coder's `codersdk.TerminalFontName`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::TerminalFontName)]
pub enum TerminalFontName {
    /// Unset.
    #[serde(rename = "")]
    Unknown,
    /// Geist Mono.
    #[serde(rename = "geist-mono")]
    GeistMono,
    /// IBM Plex Mono.
    #[serde(rename = "ibm-plex-mono")]
    IbmPlexMono,
    /// Fira Code.
    #[serde(rename = "fira-code")]
    FiraCode,
    /// Source Code Pro.
    #[serde(rename = "source-code-pro")]
    SourceCodePro,
    /// JetBrains Mono.
    #[serde(rename = "jetbrains-mono")]
    JetbrainsMono,
}

/// Coder's `codersdk.UpdateUserAppearanceSettingsRequest`.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::UpdateUserAppearanceSettingsRequest, example = json!({"theme_preference": "dark", "terminal_font": "fira-code"}))]
pub struct UpdateUserAppearanceSettingsRequest {
    /// Required; any theme name.
    #[serde(default, deserialize_with = "null_default")]
    pub theme_preference: String,
    /// Optional; empty leaves mode and slots unchanged.
    #[serde(default, deserialize_with = "null_default")]
    #[schema(value_type = ThemeMode)]
    pub theme_mode: String,
    /// Required in `sync` mode: one of `light`, `light-protan-deuter`, `light-tritan`, `dark`,
    /// `dark-protan-deuter`, `dark-tritan`.
    #[serde(default, deserialize_with = "null_default")]
    pub theme_light: String,
    /// Required in `sync` mode; same values as `theme_light`.
    #[serde(default, deserialize_with = "null_default")]
    pub theme_dark: String,
    /// Required; one of the supported fonts.
    #[serde(default, deserialize_with = "null_default")]
    #[schema(value_type = TerminalFontName)]
    pub terminal_font: String,
}

/// Coder's `codersdk.UserPreferenceSettings`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::UserPreferenceSettings, example = json!({"task_notification_alert_dismissed": false, "thinking_display_mode": "auto", "shell_tool_display_mode": "always_collapsed", "code_diff_display_mode": "auto", "agent_chat_send_shortcut": "enter"}))]
pub struct UserPreferenceSettings {
    /// Whether the task notification alert was dismissed.
    pub task_notification_alert_dismissed: bool,
    /// `auto`, `preview`, `always_expanded` or `always_collapsed`.
    pub thinking_display_mode: String,
    /// `auto`, `always_expanded` or `always_collapsed`.
    pub shell_tool_display_mode: String,
    /// `auto`, `always_expanded` or `always_collapsed` (empty until set).
    pub code_diff_display_mode: String,
    /// `enter` or `modifier_enter`.
    pub agent_chat_send_shortcut: String,
}

impl From<domain::personal::Preferences> for UserPreferenceSettings {
    fn from(p: domain::personal::Preferences) -> Self {
        Self {
            task_notification_alert_dismissed: p.task_notification_alert_dismissed,
            thinking_display_mode: p.thinking_display_mode,
            shell_tool_display_mode: p.shell_tool_display_mode,
            code_diff_display_mode: p.code_diff_display_mode,
            agent_chat_send_shortcut: p.agent_chat_send_shortcut,
        }
    }
}

/// Coder's `codersdk.UpdateUserPreferenceSettingsRequest`: absent or empty fields keep their
/// value.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::UpdateUserPreferenceSettingsRequest, example = json!({"thinking_display_mode": "preview"}))]
pub struct UpdateUserPreferenceSettingsRequest {
    /// New value, if any.
    #[serde(default)]
    pub task_notification_alert_dismissed: Option<bool>,
    /// New value, if any.
    #[serde(default)]
    pub thinking_display_mode: Option<String>,
    /// New value, if any.
    #[serde(default)]
    pub shell_tool_display_mode: Option<String>,
    /// New value, if any.
    #[serde(default)]
    pub code_diff_display_mode: Option<String>,
    /// New value, if any.
    #[serde(default)]
    pub agent_chat_send_shortcut: Option<String>,
}

/// Coder's `codersdk.GitSSHKey`: the public key only.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::GitSSHKey, example = json!({"user_id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "created_at": "2026-01-02T03:04:05.123456Z", "updated_at": "2026-01-02T03:04:05.123456Z", "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID3OmYJvT7q1cF1azbybYy0OZ9yrXfA+M6Lr4vzX5zlp\n"}))]
pub struct GitSshKey {
    /// Owner.
    pub user_id: Uuid,
    /// First generation.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last regeneration.
    #[serde(with = "rfc3339")]
    pub updated_at: OffsetDateTime,
    /// The public key in OpenSSH `authorized_keys` format, with a trailing newline.
    pub public_key: String,
}

impl From<domain::store::GitSshKeyRow> for GitSshKey {
    fn from(k: domain::store::GitSshKeyRow) -> Self {
        Self { user_id: k.user_id, created_at: k.created_at, updated_at: k.updated_at, public_key: k.public_key }
    }
}
