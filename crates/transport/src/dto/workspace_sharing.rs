//! Workspace sharing settings of an organization.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
