//! The feature names a license can grant, and what Coder says about each: how it is called in
//! messages, which ones carry a limit, which are on whenever entitled, and which feature sets
//! (`enterprise`, `premium`) include them (`codersdk/deployment.go`).

use serde::{Deserialize, Serialize};

/// Every licensable feature, in Coder's `FeatureNames` order (the order warnings are made in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Feature {
    UserLimit,
    AuditLog,
    ConnectionLog,
    BrowserOnly,
    Scim,
    TemplateRbac,
    HighAvailability,
    MultipleExternalAuth,
    ExternalProvisionerDaemons,
    Appearance,
    AdvancedTemplateScheduling,
    WorkspaceProxy,
    UserRoleManagement,
    ExternalTokenEncryption,
    WorkspaceBatchActions,
    TaskBatchActions,
    AccessControl,
    ControlSharedPorts,
    CustomRoles,
    MultipleOrganizations,
    WorkspacePrebuilds,
    ManagedAgentLimit,
    WorkspaceExternalAgent,
    #[serde(rename = "aibridge")]
    AiBridge,
    Boundary,
    ServiceAccounts,
    AiGovernanceUserLimit,
}

use Feature::*;

impl Feature {
    /// All features, in Coder's order.
    pub const ALL: [Feature; 27] = [
        UserLimit,
        AuditLog,
        ConnectionLog,
        BrowserOnly,
        Scim,
        TemplateRbac,
        HighAvailability,
        MultipleExternalAuth,
        ExternalProvisionerDaemons,
        Appearance,
        AdvancedTemplateScheduling,
        WorkspaceProxy,
        UserRoleManagement,
        ExternalTokenEncryption,
        WorkspaceBatchActions,
        TaskBatchActions,
        AccessControl,
        ControlSharedPorts,
        CustomRoles,
        MultipleOrganizations,
        WorkspacePrebuilds,
        ManagedAgentLimit,
        WorkspaceExternalAgent,
        AiBridge,
        Boundary,
        ServiceAccounts,
        AiGovernanceUserLimit,
    ];

    /// The name in licenses and in the entitlements document.
    pub fn name(self) -> &'static str {
        match self {
            UserLimit => "user_limit",
            AuditLog => "audit_log",
            ConnectionLog => "connection_log",
            BrowserOnly => "browser_only",
            Scim => "scim",
            TemplateRbac => "template_rbac",
            HighAvailability => "high_availability",
            MultipleExternalAuth => "multiple_external_auth",
            ExternalProvisionerDaemons => "external_provisioner_daemons",
            Appearance => "appearance",
            AdvancedTemplateScheduling => "advanced_template_scheduling",
            WorkspaceProxy => "workspace_proxy",
            UserRoleManagement => "user_role_management",
            ExternalTokenEncryption => "external_token_encryption",
            WorkspaceBatchActions => "workspace_batch_actions",
            TaskBatchActions => "task_batch_actions",
            AccessControl => "access_control",
            ControlSharedPorts => "control_shared_ports",
            CustomRoles => "custom_roles",
            MultipleOrganizations => "multiple_organizations",
            WorkspacePrebuilds => "workspace_prebuilds",
            ManagedAgentLimit => "managed_agent_limit",
            WorkspaceExternalAgent => "workspace_external_agent",
            AiBridge => "aibridge",
            Boundary => "boundary",
            ServiceAccounts => "service_accounts",
            AiGovernanceUserLimit => "ai_governance_user_limit",
        }
    }

    /// Reads a feature name as licenses spell it; unknown names are `None` (Coder ignores them).
    pub fn parse(name: &str) -> Option<Feature> {
        Feature::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The name used in messages (Coder's `Humanize`: title case, with a few fixed spellings).
    pub fn humanize(self) -> String {
        match self {
            TemplateRbac => "Template RBAC".into(),
            Scim => "SCIM".into(),
            AiBridge => "AI Gateway".into(),
            AiGovernanceUserLimit => "AI Governance User Limit".into(),
            other => other
                .name()
                .split('_')
                .map(|w| {
                    let mut c = w.chars();
                    c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// Features that are on whenever a license entitles them; the rest also need the
    /// deployment to switch them on.
    pub fn always_enable(self) -> bool {
        matches!(
            self,
            MultipleExternalAuth
                | ExternalProvisionerDaemons
                | Appearance
                | WorkspaceBatchActions
                | TaskBatchActions
                | HighAvailability
                | CustomRoles
                | MultipleOrganizations
                | WorkspacePrebuilds
                | WorkspaceExternalAgent
                | Boundary
                | ServiceAccounts
        )
    }

    /// Features granted with a number (a limit) rather than on/off; no feature set includes them.
    pub fn uses_limit(self) -> bool {
        matches!(self, UserLimit | ManagedAgentLimit | AiGovernanceUserLimit)
    }

    /// Features whose usage is counted over a period taken from the license.
    pub fn uses_usage_period(self) -> bool {
        self == ManagedAgentLimit
    }

    /// Part of the `enterprise` feature set (premium-only features are not).
    fn enterprise(self) -> bool {
        !matches!(self, MultipleOrganizations | CustomRoles | ServiceAccounts)
    }

    /// Features the AI Governance add-on grants.
    pub fn ai_governance_addon(self) -> bool {
        matches!(self, AiBridge | Boundary)
    }
}

impl std::fmt::Display for Feature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The features a license's `feature_set` claim names (matched case-insensitively); an empty or
/// unknown set grants nothing by itself.
pub fn feature_set(name: &str) -> Vec<Feature> {
    match name.to_ascii_lowercase().as_str() {
        "enterprise" => Feature::ALL.into_iter().filter(|f| f.enterprise() && !f.uses_limit()).collect(),
        "premium" => Feature::ALL.into_iter().filter(|f| !f.uses_limit()).collect(),
        _ => Vec::new(),
    }
}

/// The one add-on Coder knows (`ai_governance`), which grants the AI Governance features.
pub const ADDON_AI_GOVERNANCE: &str = "ai_governance";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_humanize_as_coder() {
        for f in Feature::ALL {
            assert_eq!(Feature::parse(f.name()), Some(f));
            assert_eq!(serde_json::to_value(f).unwrap(), serde_json::Value::String(f.name().into()));
        }
        assert_eq!(ConnectionLog.humanize(), "Connection Log");
        assert_eq!(MultipleOrganizations.humanize(), "Multiple Organizations");
        assert_eq!(AiBridge.humanize(), "AI Gateway");
        assert_eq!(TemplateRbac.humanize(), "Template RBAC");
    }

    #[test]
    fn feature_sets_differ_in_premium_only_features() {
        let ent = feature_set("Enterprise");
        let prem = feature_set("premium");
        assert_eq!(prem.len(), 24);
        assert_eq!(ent.len(), 21);
        assert!(!ent.contains(&MultipleOrganizations) && prem.contains(&MultipleOrganizations));
        assert!(!prem.contains(&UserLimit));
        assert!(feature_set("").is_empty());
    }
}
