//! Coder's RBAC vocabulary as types: every resource type and action of `coderd/rbac/policy`
//! (`RBACPermissions`), spelled as Coder spells them on the wire, and which actions each type
//! has. A name Coder does not know parses as `Unlisted`, which only a wildcard permission
//! matches (Coder evaluates unknown names without validating them).

macro_rules! names {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $s:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A name Coder does not define: matched only by a wildcard.
            Unlisted,
        }

        impl $name {
            /// Every named value, the wildcard first.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The wire spelling (`"*"` for the wildcard, `""` for `Unlisted`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $s,)*
                    $name::Unlisted => "",
                }
            }

            /// Reads a wire name; unknown names are `Unlisted`.
            pub fn parse(s: &str) -> Self {
                match s {
                    $($s => $name::$variant,)*
                    _ => $name::Unlisted,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

names! {
    /// A resource type (`codersdk.RBACResource`).
    ResourceType {
        /// Every type.
        Wildcard = "*",
        /// AI gateway keys.
        AiGatewayKey = "ai_gateway_key",
        /// AI model prices.
        AiModelPrice = "ai_model_price",
        /// AI providers.
        AiProvider = "ai_provider",
        /// AI seats.
        AiSeat = "ai_seat",
        /// AI bridge interceptions.
        AibridgeInterception = "aibridge_interception",
        /// API keys and tokens.
        ApiKey = "api_key",
        /// Granting organization roles, and custom roles.
        AssignOrgRole = "assign_org_role",
        /// Granting site roles.
        AssignRole = "assign_role",
        /// Audit logs.
        AuditLog = "audit_log",
        /// Boundary logs.
        BoundaryLog = "boundary_log",
        /// Boundary usage.
        BoundaryUsage = "boundary_usage",
        /// Agent chats.
        Chat = "chat",
        /// Connection logs.
        ConnectionLog = "connection_log",
        /// Signing and encryption keys.
        CryptoKey = "crypto_key",
        /// The health report and debug endpoints.
        DebugInfo = "debug_info",
        /// Deployment-wide settings.
        DeploymentConfig = "deployment_config",
        /// Deployment statistics.
        DeploymentStats = "deployment_stats",
        /// Uploaded template sources.
        File = "file",
        /// Groups.
        Group = "group",
        /// Group memberships.
        GroupMember = "group_member",
        /// IdP sync settings.
        IdpsyncSettings = "idpsync_settings",
        /// Inbox notifications.
        InboxNotification = "inbox_notification",
        /// Licenses.
        License = "license",
        /// Queued notification messages.
        NotificationMessage = "notification_message",
        /// A user's notification preferences.
        NotificationPreference = "notification_preference",
        /// Notification templates.
        NotificationTemplate = "notification_template",
        /// OAuth2 applications.
        Oauth2App = "oauth2_app",
        /// A user's OAuth2 codes and tokens.
        Oauth2AppCodeToken = "oauth2_app_code_token",
        /// OAuth2 client secrets.
        Oauth2AppSecret = "oauth2_app_secret",
        /// Organizations.
        Organization = "organization",
        /// Organization memberships.
        OrganizationMember = "organization_member",
        /// Prebuilt workspaces.
        PrebuiltWorkspace = "prebuilt_workspace",
        /// Provisioner daemons and their keys.
        ProvisionerDaemon = "provisioner_daemon",
        /// Provisioner jobs and their logs.
        ProvisionerJobs = "provisioner_jobs",
        /// The server processes of the deployment.
        Replicas = "replicas",
        /// Deprecated catch-all for internal state.
        System = "system",
        /// The tailnet coordinator.
        TailnetCoordinator = "tailnet_coordinator",
        /// Tasks.
        Task = "task",
        /// Templates.
        Template = "template",
        /// Usage events.
        UsageEvent = "usage_event",
        /// User accounts.
        User = "user",
        /// User secrets.
        UserSecret = "user_secret",
        /// User skills.
        UserSkill = "user_skill",
        /// Web push subscriptions.
        WebpushSubscription = "webpush_subscription",
        /// Workspaces, their builds and agents.
        Workspace = "workspace",
        /// Devcontainers of workspace agents.
        WorkspaceAgentDevcontainers = "workspace_agent_devcontainers",
        /// Resource monitors of workspace agents.
        WorkspaceAgentResourceMonitor = "workspace_agent_resource_monitor",
        /// Dormant workspaces.
        WorkspaceDormant = "workspace_dormant",
        /// Workspace proxies.
        WorkspaceProxy = "workspace_proxy",
    }
}

names! {
    /// An action (`codersdk.RBACAction`).
    Action {
        /// Every action.
        Wildcard = "*",
        /// Reach a workspace's applications.
        ApplicationConnect = "application_connect",
        /// Grant a role.
        Assign = "assign",
        /// Create.
        Create = "create",
        /// Create a workspace agent.
        CreateAgent = "create_agent",
        /// Delete.
        Delete = "delete",
        /// Delete a workspace agent.
        DeleteAgent = "delete_agent",
        /// Read.
        Read = "read",
        /// Read a user's personal data.
        ReadPersonal = "read_personal",
        /// Share a workspace or chat.
        Share = "share",
        /// Open an SSH session into a workspace.
        Ssh = "ssh",
        /// Start a workspace.
        Start = "start",
        /// Stop a workspace.
        Stop = "stop",
        /// Take a role away.
        Unassign = "unassign",
        /// Update.
        Update = "update",
        /// Update a workspace agent.
        UpdateAgent = "update_agent",
        /// Update a user's personal data.
        UpdatePersonal = "update_personal",
        /// Build workspaces from a template.
        Use = "use",
        /// Read a template's usage insights.
        ViewInsights = "view_insights",
    }
}

use Action as A;
use ResourceType as R;

const CRUD: &[Action] = &[A::Create, A::Read, A::Update, A::Delete];
const WORKSPACE_ACTIONS: &[Action] = &[
    A::Create,
    A::Read,
    A::Update,
    A::Delete,
    A::Start,
    A::Stop,
    A::Ssh,
    A::ApplicationConnect,
    A::CreateAgent,
    A::DeleteAgent,
    A::UpdateAgent,
    A::Share,
];

impl ResourceType {
    /// The actions the type has (`RBACPermissions`); none for the wildcard and `Unlisted`.
    pub fn actions(self) -> &'static [Action] {
        match self {
            R::ApiKey
            | R::AiProvider
            | R::CryptoKey
            | R::Group
            | R::NotificationMessage
            | R::Oauth2App
            | R::Oauth2AppSecret
            | R::Organization
            | R::OrganizationMember
            | R::ProvisionerDaemon
            | R::System
            | R::TailnetCoordinator
            | R::Task
            | R::UserSecret
            | R::UserSkill
            | R::WorkspaceProxy => CRUD,
            R::User => &[A::Create, A::Read, A::Update, A::Delete, A::ReadPersonal, A::UpdatePersonal],
            R::Workspace | R::WorkspaceDormant => WORKSPACE_ACTIONS,
            R::Chat => &[A::Create, A::Read, A::Update, A::Delete, A::Share],
            R::Template => &[A::Create, A::Read, A::Update, A::Delete, A::Use, A::ViewInsights],
            R::License | R::Oauth2AppCodeToken | R::WebpushSubscription | R::BoundaryLog | R::AiGatewayKey => {
                &[A::Create, A::Read, A::Delete]
            }
            R::ProvisionerJobs | R::InboxNotification | R::WorkspaceAgentResourceMonitor | R::UsageEvent | R::AibridgeInterception => {
                &[A::Create, A::Read, A::Update]
            }
            R::AuditLog | R::File | R::AiSeat => &[A::Create, A::Read],
            R::ConnectionLog
            | R::DeploymentConfig
            | R::NotificationTemplate
            | R::NotificationPreference
            | R::IdpsyncSettings
            | R::AiModelPrice => &[A::Read, A::Update],
            R::BoundaryUsage => &[A::Read, A::Update, A::Delete],
            R::PrebuiltWorkspace => &[A::Update, A::Delete],
            R::DeploymentStats | R::Replicas | R::GroupMember | R::DebugInfo => &[A::Read],
            R::WorkspaceAgentDevcontainers => &[A::Create],
            R::AssignRole => &[A::Assign, A::Unassign, A::Read],
            R::AssignOrgRole => &[A::Assign, A::Unassign, A::Create, A::Read, A::Update, A::Delete],
            R::Wildcard | R::Unlisted => &[],
        }
    }

    /// Every concrete type (neither the wildcard nor `Unlisted`).
    pub fn concrete() -> impl Iterator<Item = ResourceType> + Clone {
        Self::ALL.iter().copied().filter(|t| *t != R::Wildcard)
    }
}

/// One permission: an action on a resource type, granted or (negated) denied. Either may be
/// the wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Permission {
    /// A denial: one matching negation outvotes every grant at its level.
    pub negate: bool,
    /// The type it applies to, or the wildcard.
    pub resource: ResourceType,
    /// The action it applies to, or the wildcard.
    pub action: Action,
}

impl Permission {
    /// A grant.
    pub const fn allow(resource: ResourceType, action: Action) -> Self {
        Self { negate: false, resource, action }
    }

    /// A denial.
    pub const fn deny(resource: ResourceType, action: Action) -> Self {
        Self { negate: true, resource, action }
    }

    /// Whether it speaks about `action` on `resource` (Coder's match rule).
    pub fn matches(&self, resource: ResourceType, action: Action) -> bool {
        (self.action == A::Wildcard || self.action == action) && (self.resource == R::Wildcard || self.resource == resource)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(ResourceType::ALL.len(), 50, "49 types and the wildcard");
        assert_eq!(Action::ALL.len(), 19, "18 actions and the wildcard");
        for t in ResourceType::ALL {
            assert_eq!(ResourceType::parse(t.as_str()), *t);
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), *a);
        }
        assert_eq!(ResourceType::parse("nonsense"), ResourceType::Unlisted);
        assert!(ResourceType::concrete().all(|t| !t.actions().is_empty()));
    }

    #[test]
    fn matching() {
        let p = Permission::allow(R::Wildcard, A::Read);
        assert!(p.matches(R::User, A::Read) && !p.matches(R::User, A::Update));
        assert!(Permission::allow(R::User, A::Wildcard).matches(R::User, A::Unlisted));
        assert!(!Permission::allow(R::User, A::Wildcard).matches(R::Unlisted, A::Read));
    }
}
