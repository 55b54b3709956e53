//! A user's personal settings: appearance, preferences and the git SSH key. They are read with
//! `read_personal` and changed with `update_personal` on the user, as in Coder.

use time::OffsetDateTime;

use crate::app::{Actor, App};
use crate::auth::tag_failure;
use crate::authz::Db;
use crate::clock;
use crate::error::{Error, Result};
use crate::rbac::{action, Object};
use crate::sshkey;
use crate::store::GitSshKeyRow;
use crate::user::User;

/// `codersdk.UserAppearanceSettings`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Appearance {
    /// Legacy single theme name.
    pub theme_preference: String,
    /// `sync`, `single` or empty.
    pub theme_mode: String,
    /// Theme used in light mode when syncing with the OS.
    pub theme_light: String,
    /// Theme used in dark mode when syncing with the OS.
    pub theme_dark: String,
    /// Terminal font.
    pub terminal_font: String,
}

/// `codersdk.UpdateUserAppearanceSettingsRequest`.
#[derive(Debug, Clone, Default)]
pub struct AppearanceUpdate {
    /// Required, any non-empty theme name.
    pub theme_preference: String,
    /// Optional: `sync` or `single`.
    pub theme_mode: String,
    /// Required when mode is `sync`.
    pub theme_light: String,
    /// Required when mode is `sync`.
    pub theme_dark: String,
    /// Required: one of the supported fonts.
    pub terminal_font: String,
}

/// `codersdk.UserPreferenceSettings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preferences {
    /// Whether the task notification alert was dismissed.
    pub task_notification_alert_dismissed: bool,
    /// `auto`, `preview`, `always_expanded`, `always_collapsed`.
    pub thinking_display_mode: String,
    /// `auto`, `always_expanded`, `always_collapsed`.
    pub shell_tool_display_mode: String,
    /// `auto`, `always_expanded`, `always_collapsed`, or empty when never set.
    pub code_diff_display_mode: String,
    /// `enter` or `modifier_enter`.
    pub agent_chat_send_shortcut: String,
}

/// `codersdk.UpdateUserPreferenceSettingsRequest`: every field optional; absent keeps.
#[derive(Debug, Clone, Default)]
pub struct PreferencesUpdate {
    /// New value, if any.
    pub task_notification_alert_dismissed: Option<bool>,
    /// New value, if any.
    pub thinking_display_mode: Option<String>,
    /// New value, if any.
    pub shell_tool_display_mode: Option<String>,
    /// New value, if any.
    pub code_diff_display_mode: Option<String>,
    /// New value, if any.
    pub agent_chat_send_shortcut: Option<String>,
}

/// Theme names accepted for the light and dark slots.
pub const THEMES: &[&str] = &["light", "light-protan-deuter", "light-tritan", "dark", "dark-protan-deuter", "dark-tritan"];
/// Supported terminal fonts.
pub const FONTS: &[&str] = &["geist-mono", "ibm-plex-mono", "fira-code", "source-code-pro", "jetbrains-mono"];
const THINKING_MODES: &[&str] = &["auto", "preview", "always_expanded", "always_collapsed"];
const DISPLAY_MODES: &[&str] = &["auto", "always_expanded", "always_collapsed"];
const SEND_SHORTCUTS: &[&str] = &["enter", "modifier_enter"];

fn read_appearance(repo: &Db<'_>, user: &User) -> Result<Appearance> {
    let get = |k: &str| -> Result<String> { Ok(repo.get_user_config(user.id, k)?.unwrap_or_default()) };
    Ok(Appearance {
        theme_preference: get("theme_preference")?,
        theme_mode: get("theme_mode")?,
        theme_light: get("theme_light")?,
        theme_dark: get("theme_dark")?,
        terminal_font: get("terminal_font")?,
    })
}

fn read_preferences(repo: &Db<'_>, user: &User) -> Result<Preferences> {
    let get = |k: &str, allowed: &[&str], default: &str| -> Result<String> {
        Ok(repo.get_user_config(user.id, k)?.filter(|v| allowed.contains(&v.as_str())).unwrap_or_else(|| default.to_string()))
    };
    Ok(Preferences {
        task_notification_alert_dismissed: repo.get_user_config(user.id, "task_notification_alert_dismissed")?.as_deref() == Some("true"),
        thinking_display_mode: get("thinking_display_mode", THINKING_MODES, "auto")?,
        shell_tool_display_mode: get("shell_tool_display_mode", DISPLAY_MODES, "always_collapsed")?,
        code_diff_display_mode: get("code_diff_display_mode", DISPLAY_MODES, "")?,
        agent_chat_send_shortcut: get("agent_chat_send_shortcut", SEND_SHORTCUTS, "enter")?,
    })
}

impl App {
    fn personal_target(&self, actor: &Actor, param: &str, act: crate::rbac::Action) -> Result<User> {
        let user = self.resolve_user(actor, param)?;
        self.db(actor).require(act, &Object::user(user.id))?;
        Ok(user)
    }

    /// `GET /users/{user}/appearance`.
    pub fn appearance(&self, actor: &Actor, param: &str) -> Result<Appearance> {
        let user = self.personal_target(actor, param, action::READ_PERSONAL)?;
        read_appearance(&self.db(actor), &user)
    }

    /// `PUT /users/{user}/appearance`, with Coder's rules: an empty mode leaves the mode and
    /// slots alone (a legacy `auto*` preference clears the mode), `sync` needs both slots, and
    /// `single` keeps a slot that is sent empty.
    pub fn update_appearance(&self, actor: &Actor, param: &str, req: AppearanceUpdate) -> Result<Appearance> {
        let user = self.personal_target(actor, param, action::UPDATE_PERSONAL)?;
        let mut v = crate::error::Validations::new();
        if req.theme_preference.is_empty() {
            v.add("theme_preference", tag_failure("required", ""));
        }
        if !req.theme_mode.is_empty() && !matches!(req.theme_mode.as_str(), "sync" | "single") {
            v.add("theme_mode", tag_failure("oneof", &req.theme_mode));
        }
        for (field, value) in [("theme_light", &req.theme_light), ("theme_dark", &req.theme_dark)] {
            if value.is_empty() && req.theme_mode == "sync" {
                v.add(field, tag_failure("required_if", ""));
            } else if !value.is_empty() && !THEMES.contains(&value.as_str()) {
                v.add(field, tag_failure("oneof", value));
            }
        }
        if req.terminal_font.is_empty() {
            v.add("terminal_font", tag_failure("required", ""));
        }
        v.finish("Validation failed.")?;
        if !FONTS.contains(&req.terminal_font.as_str()) {
            return Err(Error::bad_request("Unsupported font family."));
        }
        self.db(actor).transaction(|tx| {
            tx.put_user_config(user.id, "theme_preference", &req.theme_preference)?;
            if !req.theme_mode.is_empty() {
                tx.put_user_config(user.id, "theme_mode", &req.theme_mode)?;
            } else if matches!(req.theme_preference.as_str(), "auto" | "auto-protan-deuter" | "auto-tritan") {
                tx.put_user_config(user.id, "theme_mode", "")?;
            }
            for (key, value) in [("theme_light", &req.theme_light), ("theme_dark", &req.theme_dark)] {
                if req.theme_mode == "sync" || (req.theme_mode == "single" && !value.is_empty()) {
                    tx.put_user_config(user.id, key, value)?;
                }
            }
            tx.put_user_config(user.id, "terminal_font", &req.terminal_font)?;
            read_appearance(tx, &user)
        })
    }

    /// `GET /users/{user}/preferences`.
    pub fn preferences(&self, actor: &Actor, param: &str) -> Result<Preferences> {
        let user = self.personal_target(actor, param, action::READ_PERSONAL)?;
        read_preferences(&self.db(actor), &user)
    }

    /// `PUT /users/{user}/preferences`: validates each given value against its enum.
    pub fn update_preferences(&self, actor: &Actor, param: &str, req: PreferencesUpdate) -> Result<Preferences> {
        let user = self.personal_target(actor, param, action::UPDATE_PERSONAL)?;
        let checks: [(&str, &Option<String>, &[&str], &str); 4] = [
            ("thinking_display_mode", &req.thinking_display_mode, THINKING_MODES, "Invalid thinking display mode."),
            ("shell_tool_display_mode", &req.shell_tool_display_mode, DISPLAY_MODES, "Invalid shell tool display mode."),
            ("code_diff_display_mode", &req.code_diff_display_mode, DISPLAY_MODES, "Invalid code diff display mode."),
            ("agent_chat_send_shortcut", &req.agent_chat_send_shortcut, SEND_SHORTCUTS, "Invalid agent chat send shortcut."),
        ];
        for (field, value, allowed, message) in checks {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                if !allowed.contains(&v) {
                    return Err(Error::invalid_field(message, field, format!("must be one of: {}", allowed.join(", "))));
                }
            }
        }
        self.db(actor).transaction(|tx| {
            if let Some(b) = req.task_notification_alert_dismissed {
                tx.put_user_config(user.id, "task_notification_alert_dismissed", if b { "true" } else { "false" })?;
            }
            for (field, value, _, _) in checks {
                if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                    tx.put_user_config(user.id, field, v)?;
                }
            }
            read_preferences(tx, &user)
        })
    }

    /// `GET /users/{user}/gitsshkey`: the public half only.
    pub fn gitsshkey(&self, actor: &Actor, param: &str) -> Result<GitSshKeyRow> {
        let user = self.personal_target(actor, param, action::READ_PERSONAL)?;
        // Users made before keys existed get one on first use.
        self.db(actor).gitsshkey(user.id, || new_gitsshkey(&user, None, self.settings.ssh_keygen_algorithm))
    }

    /// `PUT /users/{user}/gitsshkey`: a new Ed25519 pair replaces the old one.
    pub fn regenerate_gitsshkey(&self, actor: &Actor, param: &str) -> Result<GitSshKeyRow> {
        let user = self.personal_target(actor, param, action::UPDATE_PERSONAL)?;
        let db = self.db(actor);
        let row = new_gitsshkey(&user, db.gitsshkey_created_at(user.id)?, self.settings.ssh_keygen_algorithm)?;
        db.put_gitsshkey(&row)?;
        Ok(row)
    }
}

/// A new pair of the deployment's algorithm for `user`, keeping the first creation time.
fn new_gitsshkey(user: &User, created_at: Option<OffsetDateTime>, algorithm: sshkey::KeygenAlgorithm) -> Result<GitSshKeyRow> {
    let (private_key, public_key) = sshkey::generate(algorithm)?;
    let now = clock::now();
    Ok(GitSshKeyRow { user_id: user.id, private_key, public_key, created_at: created_at.unwrap_or(now), updated_at: now })
}
