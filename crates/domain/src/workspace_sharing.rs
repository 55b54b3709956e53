//! Per-organization workspace sharing: whose workspaces members may share, and the
//! deployment-wide switch (`CODER_DISABLE_WORKSPACE_SHARING`) that overrides it.

use crate::app::{Actor, App};
use crate::error::{Error, Result};
use crate::rbac::action;

/// Whose workspaces may be shared.
pub const OWNERS: [&str; 3] = ["none", "everyone", "service_accounts"];

/// Coder's `codersdk.WorkspaceSharingSettings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSharing {
    /// The deployment switch is on.
    pub sharing_globally_disabled: bool,
    /// Nobody may share (deprecated form of `shareable_workspace_owners == none`).
    pub sharing_disabled: bool,
    /// `none`, `everyone` or `service_accounts`.
    pub shareable_workspace_owners: String,
}

impl App {
    /// `GET /organizations/{org}/settings/workspace-sharing`: members may read it.
    pub fn workspace_sharing(&self, actor: &Actor, org: &str) -> Result<WorkspaceSharing> {
        let org = self.resolve_org(actor, org)?;
        let owners = self.db(actor).workspace_sharing(org.id)?.ok_or_else(Error::not_found)?;
        let global = self.settings.disable_workspace_sharing;
        Ok(WorkspaceSharing {
            sharing_globally_disabled: global,
            sharing_disabled: owners == "none" || global,
            shareable_workspace_owners: if global { "none".into() } else { owners },
        })
    }

    /// Checks, before the body is read, that the actor may change the organization's sharing
    /// settings (Coder authorizes first).
    pub fn may_update_workspace_sharing(&self, actor: &Actor, org: &str) -> Result<()> {
        let org = self.resolve_org(actor, org)?;
        self.db(actor).require(action::UPDATE, &crate::authz::org_object(org.id))
    }

    /// `PATCH .../settings/workspace-sharing`: organization admins and owners. Without
    /// `shareable_workspace_owners` the deprecated boolean decides (`true`: none, else everyone).
    pub fn update_workspace_sharing(
        &self,
        actor: &Actor,
        org: &str,
        sharing_disabled: bool,
        owners: Option<&str>,
    ) -> Result<WorkspaceSharing> {
        let org = self.resolve_org(actor, org)?;
        self.db(actor).require(action::UPDATE, &crate::authz::org_object(org.id))?;
        let owners = match owners.filter(|o| !o.is_empty()) {
            Some(o) if OWNERS.contains(&o) => o.to_string(),
            Some(o) => {
                return Err(Error::invalid_field(
                    "Invalid shareable workspace owners value.",
                    "shareable_workspace_owners",
                    format!("invalid value {o:?}, must be one of [none, everyone, service_accounts]"),
                ))
            }
            None if sharing_disabled => "none".into(),
            None => "everyone".into(),
        };
        self.db(actor).transaction(|tx| tx.set_workspace_sharing(org.id, &owners, crate::clock::now()))?;
        Ok(WorkspaceSharing { sharing_globally_disabled: false, sharing_disabled: owners == "none", shareable_workspace_owners: owners })
    }
}
