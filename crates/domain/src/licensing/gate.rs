//! The feature gate: the one place that decides whether a licensed feature may be used, and with
//! which words a refusal is given.

use super::features::Feature;
use crate::app::App;
use crate::error::{Error, ErrorKind, Result};

/// How a refusal is worded: most gates say "Premium"; a few of Coder's older ones still say
/// "Enterprise", and clients match on the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wording {
    /// `<Feature> is a Premium feature. Contact sales!`
    Premium,
    /// `External provisioner daemons is an Enterprise feature. Contact sales!`
    ProvisionerDaemons,
    /// `Advanced template scheduling (and user quiet hours schedule) is an Enterprise feature.
    /// Contact sales!` (or `... is not enabled.` when entitled but off).
    QuietHours,
}

/// The 403 for a feature that is off.
pub fn refusal(feature: Feature, wording: Wording, entitled: bool) -> Error {
    let message = match wording {
        Wording::Premium => format!("{} is a Premium feature. Contact sales!", feature.humanize()),
        Wording::ProvisionerDaemons => "External provisioner daemons is an Enterprise feature. Contact sales!".to_string(),
        Wording::QuietHours if entitled => "Advanced template scheduling (and user quiet hours schedule) is not enabled.".to_string(),
        Wording::QuietHours => {
            "Advanced template scheduling (and user quiet hours schedule) is an Enterprise feature. Contact sales!".to_string()
        }
    };
    Error::new(ErrorKind::Forbidden, message)
}

impl App {
    /// Refuses with Coder's 403 unless `feature` is enabled.
    pub fn require_feature(&self, feature: Feature) -> Result<()> {
        self.require_feature_worded(feature, Wording::Premium)
    }

    /// [`App::require_feature`] with one of Coder's older wordings.
    pub fn require_feature_worded(&self, feature: Feature, wording: Wording) -> Result<()> {
        let state = self.licensing.current().feature(feature);
        if state.enabled {
            Ok(())
        } else {
            Err(refusal(feature, wording, state.entitlement.entitled()))
        }
    }

    /// Whether `feature` is on, for use cases whose behaviour (not access) depends on it.
    pub fn feature_enabled(&self, feature: Feature) -> bool {
        self.licensing.current().enabled(feature)
    }
}
