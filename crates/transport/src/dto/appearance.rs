//! The deployment's appearance.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub service_banner: BannerConfig,
    /// Banners shown on every page.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub announcement_banners: Vec<BannerConfig>,
}
