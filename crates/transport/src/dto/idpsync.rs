//! IdP sync settings. Keys are read in any case, as Go's decoder reads them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Coder's `codersdk.OrganizationSyncSettings`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::OrganizationSyncSettings, example = json!({"field": "organizations", "mapping": {"platform": ["1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30"]}, "organization_assign_default": true}))]
pub struct OrganizationSyncSettings {
    /// The claim naming the user's organizations; empty turns the sync off.
    #[serde(default, alias = "Field")]
    pub field: String,
    /// Claim value → organization ids.
    #[serde(default, alias = "Mapping", deserialize_with = "crate::de::null_default")]
    pub mapping: BTreeMap<String, Vec<Uuid>>,
    /// Also put every user in the default organization.
    #[serde(default, alias = "AssignDefault", alias = "assign_default")]
    pub organization_assign_default: bool,
}

/// Coder's `codersdk.GroupSyncSettings`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::GroupSyncSettings, example = json!({"field": "groups", "mapping": {"developers": ["8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a"]}, "regex_filter": "^eng-.*", "auto_create_missing_groups": false}))]
pub struct GroupSyncSettings {
    /// The claim naming the user's groups; empty turns the sync off.
    #[serde(default, alias = "Field")]
    pub field: String,
    /// Claim value → group ids.
    #[serde(default, alias = "Mapping", deserialize_with = "crate::de::null_default")]
    pub mapping: BTreeMap<String, Vec<Uuid>>,
    /// Only claim values matching this regular expression count.
    #[serde(default, alias = "RegexFilter")]
    pub regex_filter: Option<String>,
    /// Create groups named in claims that do not exist.
    #[serde(default, alias = "AutoCreateMissing", deserialize_with = "crate::de::null_default")]
    pub auto_create_missing_groups: bool,
    /// Deprecated: refused when not empty.
    #[serde(default, alias = "LegacyNameMapping", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub legacy_group_name_mapping: Option<BTreeMap<String, String>>,
}

/// Coder's `codersdk.RoleSyncSettings`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::RoleSyncSettings, example = json!({"field": "roles", "mapping": {"admins": ["organization-admin"]}}))]
pub struct RoleSyncSettings {
    /// The claim naming the user's organization roles; empty turns the sync off.
    #[serde(default, alias = "Field")]
    pub field: String,
    /// Claim value → organization role names.
    #[serde(default, alias = "Mapping", deserialize_with = "crate::de::null_default")]
    pub mapping: BTreeMap<String, Vec<String>>,
}

/// Coder's `codersdk.PatchOrganizationIDPSyncConfigRequest`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = codersdk::PatchOrganizationIDPSyncConfigRequest, example = json!({"field": "organizations", "assign_default": true}))]
pub struct PatchOrganizationIdpSyncConfig {
    /// The claim.
    #[serde(default, alias = "Field")]
    pub field: String,
    /// Also put every user in the default organization.
    #[serde(default, alias = "AssignDefault")]
    pub assign_default: bool,
}

/// Coder's `codersdk.PatchGroupIDPSyncConfigRequest`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = codersdk::PatchGroupIDPSyncConfigRequest, example = json!({"field": "groups", "regex_filter": null, "auto_create_missing_groups": true}))]
pub struct PatchGroupIdpSyncConfig {
    /// The claim.
    #[serde(default, alias = "Field")]
    pub field: String,
    /// Only claim values matching this regular expression count.
    #[serde(default, alias = "RegexFilter")]
    pub regex_filter: Option<String>,
    /// Create groups named in claims that do not exist.
    #[serde(default, alias = "AutoCreateMissingGroups")]
    pub auto_create_missing_groups: bool,
}

/// Coder's `codersdk.PatchRoleIDPSyncConfigRequest`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = codersdk::PatchRoleIDPSyncConfigRequest, example = json!({"field": "roles"}))]
pub struct PatchRoleIdpSyncConfig {
    /// The claim.
    #[serde(default, alias = "Field")]
    pub field: String,
}

/// One edit of a mapping.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = codersdk::IDPSyncMapping)]
pub struct IdpSyncMapping {
    /// The IdP claim value the user has.
    #[serde(default, alias = "Given")]
    pub given: String,
    /// What the user gets: an organization or group id, or a role name.
    #[serde(default, alias = "Gets")]
    pub gets: String,
}

/// Coder's `codersdk.Patch{Organization,Group,Role}IDPSyncMappingRequest` (one shape).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = codersdk::PatchIDPSyncMappingRequest, example = json!({"add": [{"given": "developers", "gets": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a"}], "remove": []}))]
pub struct PatchIdpSyncMapping {
    /// Edits to add (applied first).
    #[serde(default, alias = "Add", deserialize_with = "crate::de::null_default")]
    pub add: Vec<IdpSyncMapping>,
    /// Edits to remove (applied after, so a removal wins).
    #[serde(default, alias = "Remove", deserialize_with = "crate::de::null_default")]
    pub remove: Vec<IdpSyncMapping>,
}

impl PatchIdpSyncMapping {
    /// The edits in the domain's form.
    pub fn edits(&self) -> (Vec<domain::idpsync::MappingEdit>, Vec<domain::idpsync::MappingEdit>) {
        let conv = |v: &[IdpSyncMapping]| {
            v.iter().map(|m| domain::idpsync::MappingEdit { given: m.given.clone(), gets: m.gets.clone() }).collect()
        };
        (conv(&self.add), conv(&self.remove))
    }
}

impl From<domain::idpsync::OrganizationSync> for OrganizationSyncSettings {
    fn from(s: domain::idpsync::OrganizationSync) -> Self {
        Self { field: s.field, mapping: s.mapping, organization_assign_default: s.assign_default }
    }
}

impl From<domain::idpsync::GroupSync> for GroupSyncSettings {
    fn from(s: domain::idpsync::GroupSync) -> Self {
        Self {
            field: s.field,
            mapping: s.mapping,
            regex_filter: s.regex_filter,
            auto_create_missing_groups: s.auto_create_missing_groups,
            legacy_group_name_mapping: None,
        }
    }
}

impl From<domain::idpsync::RoleSync> for RoleSyncSettings {
    fn from(s: domain::idpsync::RoleSync) -> Self {
        Self { field: s.field, mapping: s.mapping }
    }
}
