//! Types shared by several endpoint groups.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// Serializes instants as RFC 3339 with up to nanosecond precision, as Go's `time.Time` does.
pub mod rfc3339 {
    pub use time::serde::rfc3339::{deserialize, serialize};

    /// The same for optional timestamps (`null` when absent).
    pub mod option {
        pub use time::serde::rfc3339::option::{deserialize, serialize};
    }
}

/// Coder's `codersdk.BuildInfoResponse`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::BuildInfoResponse, example = json!({"external_url": "https://github.com/coder/coder", "version": "v0.1.0", "dashboard_url": "https://coder.example.com", "telemetry": false, "workspace_proxy": false, "agent_api_version": "1.0", "provisioner_api_version": "1.18", "upgrade_message": "", "deployment_id": "1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30"}))]
pub struct BuildInfoResponse {
    /// Links to the source of this build.
    pub external_url: String,
    /// The semantic version of the build.
    pub version: String,
    /// The URL of the deployment's dashboard (its access URL).
    pub dashboard_url: String,
    /// Whether telemetry is enabled (never, here).
    pub telemetry: bool,
    /// Whether this is a workspace proxy (never, here).
    pub workspace_proxy: bool,
    /// The current version of the Agent API.
    pub agent_api_version: String,
    /// The current version of the Provisioner API.
    pub provisioner_api_version: String,
    /// Message shown to users of an outdated client.
    pub upgrade_message: String,
    /// The unique identifier of this deployment.
    pub deployment_id: String,
}

/// Coder's `codersdk.SlimRole`: a role reference as shown on users and members.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[schema(as = codersdk::SlimRole, example = json!({"name": "owner", "display_name": "Owner"}))]
pub struct SlimRole {
    /// Role identifier, e.g. `owner`.
    pub name: String,
    /// Human-friendly name, e.g. `Owner`.
    pub display_name: String,
    /// Set for organization roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
}

impl SlimRole {
    /// A site role reference with its built-in display name (empty when unknown).
    pub fn site(name: &str) -> Self {
        Self {
            name: name.to_string(),
            display_name: domain::rbac::role_def(name).map(|d| d.display_name.to_string()).unwrap_or_default(),
            organization_id: None,
        }
    }
}

/// Keeps a timestamp type alias handy for schema attributes.
pub type Timestamp = OffsetDateTime;
