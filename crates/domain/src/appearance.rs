//! The deployment's appearance: application name, logo, announcement banners and support links.
//! Stored values show only while the `appearance` feature is on; without it everyone sees the
//! defaults (the stored values are kept for when it comes back), as in Coder.

use crate::app::{Actor, App};
use crate::error::{Error, ErrorKind, Result};
use crate::licensing::Feature;
use crate::rbac::{action, resource, Object};

/// An announcement banner (Coder's `codersdk.BannerConfig`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Banner {
    /// Shown or not.
    #[serde(default)]
    pub enabled: bool,
    /// Markdown text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// `#RRGGBB`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub background_color: String,
}

/// A support link (Coder's `codersdk.LinkConfig`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    /// Label.
    pub name: String,
    /// URL.
    pub target: String,
    /// `bug`, `chat`, `docs` or `star`.
    pub icon: String,
    /// `navbar` or `dropdown`; Coder's dropdown when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub location: String,
}

/// What `GET /appearance` answers.
#[derive(Debug, Clone, PartialEq)]
pub struct AppearanceConfig {
    /// Replaces "Coder" in the UI.
    pub application_name: String,
    /// Replaces Coder's logo.
    pub logo_url: String,
    /// Where the docs links point.
    pub docs_url: String,
    /// The first announcement banner (the deprecated single banner).
    pub service_banner: Banner,
    /// Banners shown at the top of every page.
    pub announcement_banners: Vec<Banner>,
    /// Links in the help menu.
    pub support_links: Vec<Link>,
}

/// What `PUT /appearance` takes (and echoes).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppearanceUpdate {
    /// New application name.
    pub application_name: String,
    /// New logo URL.
    pub logo_url: String,
    /// Accepted and echoed, never stored (Coder ignores it too).
    pub service_banner: Option<Banner>,
    /// New banners.
    pub announcement_banners: Vec<Banner>,
}

const APPLICATION_NAME: &str = "application_name";
const LOGO_URL: &str = "logo_url";
const ANNOUNCEMENT_BANNERS: &str = "announcement_banners";

/// Coder's default support links (`codersdk.DefaultSupportLinks`).
pub fn default_support_links(docs_url: &str, version: &str) -> Vec<Link> {
    let link = |name: &str, target: String, icon: &str| Link { name: name.into(), target, icon: icon.into(), location: String::new() };
    vec![
        link("Documentation", docs_url.to_string(), "docs"),
        link(
            "Report a bug",
            format!(
                "https://github.com/coder/coder/issues/new?labels=needs+triage&body=Version: [`{version}`](https://github.com/coder/coder)"
            ),
            "bug",
        ),
        link("Join the Coder Discord", "https://discord.gg/coder".into(), "chat"),
        link("Star the Repo", "https://github.com/coder/coder".into(), "star"),
    ]
}

/// Checks a banner colour as Coder does: `#` and six hex digits. `Err` is (message, detail).
fn check_color(color: &str) -> std::result::Result<(), String> {
    if color.len() != 7 {
        return Err("expected # prefix and 6 characters".into());
    }
    let Some(hex) = color.strip_prefix('#') else { return Err("no # prefix".into()) };
    match hex.char_indices().find(|(_, c)| !c.is_ascii_hexdigit()) {
        Some((_, c)) => Err(format!("encoding/hex: invalid byte: U+{:04X} '{c}'", c as u32)),
        None => Ok(()),
    }
}

impl App {
    /// `GET /appearance`.
    pub fn deployment_appearance(&self) -> Result<AppearanceConfig> {
        let s = &self.settings;
        let defaults = default_support_links(&s.docs_url, &s.version);
        if !self.feature_enabled(Feature::Appearance) {
            return Ok(AppearanceConfig {
                application_name: String::new(),
                logo_url: String::new(),
                docs_url: s.docs_url.clone(),
                service_banner: Banner::default(),
                announcement_banners: vec![],
                support_links: defaults,
            });
        }
        let repo = self.db_as(crate::authz::System::Site);
        let banners: Vec<Banner> = match repo.appearance_value(ANNOUNCEMENT_BANNERS)? {
            Some(json) if !json.is_empty() => serde_json::from_str(&json)
                .map_err(|e| Error::internal("Failed to fetch appearance config.", format!("stored banners: {e}")))?,
            _ => vec![],
        };
        Ok(AppearanceConfig {
            application_name: repo.appearance_value(APPLICATION_NAME)?.unwrap_or_default(),
            logo_url: repo.appearance_value(LOGO_URL)?.unwrap_or_default(),
            docs_url: s.docs_url.clone(),
            service_banner: banners.first().cloned().unwrap_or_default(),
            announcement_banners: banners,
            support_links: if s.support_links.is_empty() { defaults } else { s.support_links.clone() },
        })
    }

    /// `PUT /appearance`: owners only; every banner colour must be `#RRGGBB`. The three values
    /// are written in one transaction (Coder writes them one by one).
    pub fn update_deployment_appearance(&self, actor: &Actor, update: AppearanceUpdate) -> Result<AppearanceUpdate> {
        let db = self.db(actor);
        if !db.allows(action::UPDATE, &Object::of(resource::DEPLOYMENT_CONFIG)) {
            return Err(Error::new(ErrorKind::Forbidden, "Insufficient permissions to update appearance"));
        }
        for banner in &update.announcement_banners {
            if let Err(detail) = check_color(&banner.background_color) {
                return Err(Error::bad_request(format!("Invalid color format: {:?}", banner.background_color)).with_detail(detail));
            }
        }
        let banners = serde_json::to_string(&update.announcement_banners)
            .map_err(|e| Error::internal("Unable to set announcement banners", e.to_string()))?;
        db.transaction(|tx| {
            tx.put_appearance_value(ANNOUNCEMENT_BANNERS, &banners)?;
            tx.put_appearance_value(APPLICATION_NAME, &update.application_name)?;
            tx.put_appearance_value(LOGO_URL, &update.logo_url)
        })?;
        Ok(update)
    }
}

#[cfg(test)]
mod tests {
    use super::check_color;

    #[test]
    fn colors_are_checked_as_coder_does() {
        assert!(check_color("#00ffAA").is_ok());
        assert_eq!(check_color("").unwrap_err(), "expected # prefix and 6 characters");
        assert_eq!(check_color("0000000").unwrap_err(), "no # prefix");
        assert_eq!(check_color("#00000g").unwrap_err(), "encoding/hex: invalid byte: U+0067 'g'");
    }
}
