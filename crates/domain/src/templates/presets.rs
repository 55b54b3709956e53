//! Presets of template versions: invalidating a template's prebuilt workspaces.

use crate::app::{Actor, App};
use crate::clock;
use crate::error::{Error, Result};
use crate::licensing::Feature;
use crate::rbac::action;

/// A preset whose prebuilds were invalidated.
#[derive(Debug, Clone)]
pub struct InvalidatedPreset {
    /// The template's name.
    pub template_name: String,
    /// The active version's name.
    pub template_version_name: String,
    /// The preset's name.
    pub preset_name: String,
}

impl App {
    /// `POST /templates/{template}/prebuilds/invalidate`: marks every preset of the active
    /// version invalidated now, so prebuilt workspaces made before are replaced.
    pub fn invalidate_presets(&self, actor: &Actor, param: &str) -> Result<Vec<InvalidatedPreset>> {
        self.require_feature(Feature::WorkspacePrebuilds)?;
        let t = self.readable_template(actor, param)?;
        if !self.template_allows(actor, &t, action::UPDATE)? {
            return Err(Error::not_found().denied());
        }
        let db = self.db(actor);
        let version = db
            .template_version_by_id(t.active_version_id)?
            .ok_or_else(|| Error::internal("Failed to invalidate presets.", "active version missing"))?;
        let presets = db.invalidate_presets(version.id, clock::now())?;
        Ok(presets
            .into_iter()
            .map(|p| InvalidatedPreset { template_name: t.name.clone(), template_version_name: version.name.clone(), preset_name: p.name })
            .collect())
    }
}
