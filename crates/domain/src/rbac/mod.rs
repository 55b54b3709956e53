//! Role-based access control: Coder's `coderd/rbac` as data and one decision function.
//!
//! - [`model`]: resource types and actions as enums, with the actions each type has.
//! - [`roles`]: every built-in role as a permission table (site, user, org and member levels),
//!   and who may assign which.
//! - [`scopes`]: API key scopes (`coder:*` bundles, low-level `type:action`).
//! - [`policy`]: subjects, objects and [`authorize`], Coder's `policy.rego` in Rust.
//! - [`visibility`]: the same decision as the terms of a list query.
//!
//! Every use case asks [`authorize`] (or one of the `require_*` helpers) before it reads or
//! changes anything; handlers never decide permissions themselves.

pub mod model;
pub mod policy;
pub mod roles;
pub mod scopes;
pub mod visibility;

use uuid::Uuid;

pub use model::{Action, Permission, ResourceType};
pub use policy::{authorize, scope_allows, KeyScope, Object, Subject};
pub use roles::{assignable_org_roles, assignable_site_roles, can_assign_org_role, can_assign_site_role, role_def, Role, RoleScope};
pub use scopes::{is_external_scope, scope_bundle};
pub use visibility::{visibility, Visibility};

use crate::error::{Error, Result};

/// Resource types under their Coder names, for call sites.
pub mod resource {
    use super::ResourceType as R;
    /// Everything.
    pub const WILDCARD: R = R::Wildcard;
    /// User accounts.
    pub const USER: R = R::User;
    /// API keys and tokens.
    pub const API_KEY: R = R::ApiKey;
    /// Organizations.
    pub const ORGANIZATION: R = R::Organization;
    /// Organization memberships.
    pub const ORGANIZATION_MEMBER: R = R::OrganizationMember;
    /// Groups.
    pub const GROUP: R = R::Group;
    /// Group memberships.
    pub const GROUP_MEMBER: R = R::GroupMember;
    /// Granting site roles.
    pub const ASSIGN_ROLE: R = R::AssignRole;
    /// Granting organization roles.
    pub const ASSIGN_ORG_ROLE: R = R::AssignOrgRole;
    /// Deployment-wide settings.
    pub const DEPLOYMENT_CONFIG: R = R::DeploymentConfig;
    /// Audit logs.
    pub const AUDIT_LOG: R = R::AuditLog;
    /// Templates.
    pub const TEMPLATE: R = R::Template;
    /// Licenses.
    pub const LICENSE: R = R::License;
    /// The server processes of the deployment.
    pub const REPLICAS: R = R::Replicas;
    /// Notification templates.
    pub const NOTIFICATION_TEMPLATE: R = R::NotificationTemplate;
    /// Workspace proxies.
    pub const WORKSPACE_PROXY: R = R::WorkspaceProxy;
    /// OAuth2 applications.
    pub const OAUTH2_APP: R = R::Oauth2App;
    /// OAuth2 client secrets.
    pub const OAUTH2_APP_SECRET: R = R::Oauth2AppSecret;
    /// A user's OAuth2 codes and tokens.
    pub const OAUTH2_APP_CODE_TOKEN: R = R::Oauth2AppCodeToken;
    /// IdP sync settings.
    pub const IDPSYNC_SETTINGS: R = R::IdpsyncSettings;
    /// Uploaded template sources.
    pub const FILE: R = R::File;
    /// Provisioner daemons and the keys they authenticate with.
    pub const PROVISIONER_DAEMON: R = R::ProvisionerDaemon;
    /// Provisioner jobs (imports and builds) and their logs.
    pub const PROVISIONER_JOBS: R = R::ProvisionerJobs;
    /// Workspaces, their builds and agents.
    pub const WORKSPACE: R = R::Workspace;
    /// Connection logs.
    pub const CONNECTION_LOG: R = R::ConnectionLog;
    /// Deployment statistics.
    pub const DEPLOYMENT_STATS: R = R::DeploymentStats;
    /// The health report and debug endpoints.
    pub const DEBUG_INFO: R = R::DebugInfo;
    /// A user's notification preferences.
    pub const NOTIFICATION_PREFERENCE: R = R::NotificationPreference;
    /// Inbox notifications.
    pub const INBOX_NOTIFICATION: R = R::InboxNotification;
    /// The deprecated catch-all.
    pub const SYSTEM: R = R::System;
}

/// Actions under their Coder names, for call sites.
pub mod action {
    use super::Action as A;
    /// Every action.
    pub const WILDCARD: A = A::Wildcard;
    /// Create.
    pub const CREATE: A = A::Create;
    /// Read.
    pub const READ: A = A::Read;
    /// Update.
    pub const UPDATE: A = A::Update;
    /// Delete.
    pub const DELETE: A = A::Delete;
    /// Read a user's personal data (appearance, preferences, SSH keys).
    pub const READ_PERSONAL: A = A::ReadPersonal;
    /// Update a user's personal data (profile, password, appearance, preferences, SSH keys).
    pub const UPDATE_PERSONAL: A = A::UpdatePersonal;
    /// Grant a role.
    pub const ASSIGN: A = A::Assign;
    /// Take a role away.
    pub const UNASSIGN: A = A::Unassign;
    /// Start a workspace (a `start` build).
    pub const START: A = A::Start;
    /// Stop a workspace (a `stop` build).
    pub const STOP: A = A::Stop;
    /// Open an SSH session into a workspace.
    pub const SSH: A = A::Ssh;
    /// Reach a workspace's applications.
    pub const APPLICATION_CONNECT: A = A::ApplicationConnect;
    /// Build workspaces from a template.
    pub const USE: A = A::Use;
    /// Read a template's usage insights.
    pub const VIEW_INSIGHTS: A = A::ViewInsights;
    /// Share a workspace.
    pub const SHARE: A = A::Share;
    /// Create a workspace's agents (a build producing them).
    pub const CREATE_AGENT: A = A::CreateAgent;
    /// Update a workspace's agents (lifecycle, connections, stats).
    pub const UPDATE_AGENT: A = A::UpdateAgent;
}

/// Role names Coder builds in.
pub mod role {
    /// Site owner: may do everything.
    pub const OWNER: &str = "owner";
    /// Manages users and groups.
    pub const USER_ADMIN: &str = "user-admin";
    /// Manages templates.
    pub const TEMPLATE_ADMIN: &str = "template-admin";
    /// Reads everything that matters for audits.
    pub const AUDITOR: &str = "auditor";
    /// Implicit role of every user.
    pub const MEMBER: &str = "member";
    /// Administers one organization.
    pub const ORG_ADMIN: &str = "organization-admin";
    /// Implicit role of every organization member.
    pub const ORG_MEMBER: &str = "organization-member";
    /// Manages members and groups of one organization.
    pub const ORG_USER_ADMIN: &str = "organization-user-admin";
    /// Manages templates of one organization.
    pub const ORG_TEMPLATE_ADMIN: &str = "organization-template-admin";
    /// Audits one organization.
    pub const ORG_AUDITOR: &str = "organization-auditor";
    /// Bans creating workspaces in one organization.
    pub const ORG_WORKSPACE_CREATION_BAN: &str = "organization-workspace-creation-ban";
    /// The workspace bundle in one organization (the default of new members' roles).
    pub const ORG_WORKSPACE_ACCESS: &str = "organization-workspace-access";
    /// Uses Coder Agents (chats) in one organization.
    pub const AGENTS_ACCESS: &str = "agents-access";
    /// Implicit role of service accounts in an organization.
    pub const ORG_SERVICE_ACCOUNT: &str = "organization-service-account";
}

/// Names of the system roles, held only by the server's own subjects (`crate::authz::System`).
pub mod system_role {
    /// Authenticating requests, password and external sign-in, IdP sync at login.
    pub const LOGIN: &str = "system:login";
    /// The OAuth2 provider's token and revocation endpoints.
    pub const OAUTH2: &str = "system:oauth2";
    /// SCIM provisioning.
    pub const SCIM: &str = "system:scim";
    /// Provisioner daemons.
    pub const PROVISIONERD: &str = "system:provisionerd";
    /// Workspace agents.
    pub const AGENT: &str = "system:agent";
    /// Background jobs of the server.
    pub const BACKGROUND: &str = "system:background";
    /// First-user setup.
    pub const SETUP: &str = "system:setup";
    /// Workspace proxies.
    pub const PROXY: &str = "system:proxy";
    /// Unauthenticated requests that read deployment data (build info, health, appearance).
    pub const SITE: &str = "system:site";
}

/// Fails with 403 unless allowed.
pub fn require(subject: &Subject, act: Action, object: &Object) -> Result<()> {
    if authorize(subject, act, object) {
        Ok(())
    } else {
        Err(Error::forbidden())
    }
}

/// Fails with 404 unless the subject may read the object: Coder hides what you cannot see.
pub fn require_visible(subject: &Subject, object: &Object) -> Result<()> {
    require_visible_action(subject, action::READ, object)
}

/// Fails with 404 unless allowed: for changes Coder reports as a missing resource.
pub fn require_visible_action(subject: &Subject, act: Action, object: &Object) -> Result<()> {
    if authorize(subject, act, object) {
        Ok(())
    } else {
        Err(Error::not_found().denied())
    }
}

/// The id Coder's `owner_id: "*"` or a non-UUID owner or organization stands for: nobody's.
pub const NOBODY: Uuid = Uuid::max();

#[cfg(test)]
mod tests;
