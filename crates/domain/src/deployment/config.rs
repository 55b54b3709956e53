//! The deployment's configuration as Coder's `GET /deployment/config` shows it: `config`, the
//! values in Coder's `DeploymentValues` shape (the dashboard reads a few of them), and
//! `options`, one entry per setting with where its value came from. The binary builds it once
//! from its own flag definitions (secrets already redacted); reading it needs `read` on the
//! deployment configuration (owners and auditors), as in Coder.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::app::{Actor, App};
use crate::error::Result;
use crate::rbac::{action, resource, Object};

/// `codersdk.DeploymentConfig`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeploymentConfig {
    /// The values, nested as Coder's `DeploymentValues`.
    pub config: Value,
    /// Every setting, in the order the server defines them.
    pub options: Vec<DeploymentOption>,
}

/// `serpent.Option`: a setting's names, documentation and value. Empty fields are left out,
/// as serpent leaves them out.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeploymentOption {
    /// The display name the dashboard looks settings up by (`Access URL`).
    pub name: String,
    /// What the setting does.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Its command-line flag, without dashes.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub flag: String,
    /// Its environment variable.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub env: String,
    /// Its key in Coder's YAML configuration.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub yaml: String,
    /// The default, as written on the command line.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub default: String,
    /// The value in effect, typed as Coder types it (durations in nanoseconds); absent for a
    /// secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Hints for renderers: `secret`, `format_duration`, `enterprise`, ...
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Where the setting is filed (the dashboard's settings pages filter on it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<OptionGroup>,
    /// Left out of help output.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
    /// `flag`, `env` or `default`; absent when nothing set it.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub value_source: String,
}

/// `serpent.Group`, with its parents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OptionGroup {
    /// The enclosing group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<Box<OptionGroup>>,
    /// Its name (`Networking`, `OIDC`, ...).
    pub name: String,
    /// Its YAML key.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub yaml: String,
    /// What it configures.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
}

impl App {
    /// The deployment's configuration: `read` on the deployment configuration (owners and
    /// auditors), else 403.
    pub fn deployment_config(&self, actor: &Actor) -> Result<std::sync::Arc<DeploymentConfig>> {
        self.db(actor).require(action::READ, &Object::of(resource::DEPLOYMENT_CONFIG))?;
        Ok(self.settings.deployment_config.clone())
    }
}
