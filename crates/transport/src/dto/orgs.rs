//! Organizations and roles.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::rfc3339;
use super::keys::{RbacAction, RbacResource};

/// Coder's `codersdk.Organization`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::Organization, example = json!({"id": "1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30", "name": "coder", "display_name": "Coder", "description": "Builtin default organization.", "icon": "", "created_at": "2026-01-02T03:04:05.123456Z", "updated_at": "2026-01-02T03:04:05.123456Z", "is_default": true, "default_org_member_roles": []}))]
pub struct Organization {
    /// Stable identity.
    pub id: Uuid,
    /// Unique name.
    pub name: String,
    /// Human-friendly name.
    pub display_name: String,
    /// Free text.
    pub description: String,
    /// Icon URL.
    pub icon: String,
    /// Creation time.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last change.
    #[serde(with = "rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Whether this is the deployment's default organization.
    pub is_default: bool,
    /// Roles every member holds implicitly.
    pub default_org_member_roles: Vec<String>,
}

impl From<&domain::organization::Organization> for Organization {
    fn from(o: &domain::organization::Organization) -> Self {
        Self {
            id: o.id,
            name: o.name.clone(),
            display_name: o.display_name.clone(),
            description: o.description.clone(),
            icon: o.icon.clone(),
            created_at: o.created_at,
            updated_at: o.updated_at,
            is_default: o.is_default,
            default_org_member_roles: Vec::new(),
        }
    }
}

/// Coder's `codersdk.Permission`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::Permission)]
pub struct Permission {
    /// Whether this denies instead of grants.
    pub negate: bool,
    /// Resource type.
    #[schema(value_type = RbacResource)]
    pub resource_type: String,
    /// Action.
    #[schema(value_type = RbacAction)]
    pub action: String,
}

/// Coder's `codersdk.AssignableRoles`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::AssignableRoles, example = json!({"name": "auditor", "display_name": "Auditor", "site_permissions": [{"negate": false, "resource_type": "audit_log", "action": "read"}], "organization_permissions": [], "organization_member_permissions": [], "user_permissions": [], "assignable": true, "built_in": true}))]
pub struct AssignableRoles {
    /// Role identifier.
    pub name: String,
    /// Set for organization roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<Uuid>,
    /// Human-friendly name.
    pub display_name: String,
    /// Permissions on any object.
    pub site_permissions: Vec<Permission>,
    /// Permissions on objects of the organization.
    pub organization_permissions: Vec<Permission>,
    /// Permissions of organization members on their own objects.
    pub organization_member_permissions: Vec<Permission>,
    /// Permissions on the holder's own objects.
    pub user_permissions: Vec<Permission>,
    /// Whether the caller may grant or remove this role.
    pub assignable: bool,
    /// Built-in roles cannot be changed.
    pub built_in: bool,
}

fn expand(perms: &[domain::rbac::Permission]) -> Vec<Permission> {
    perms.iter().map(|p| Permission { negate: p.negate, resource_type: p.resource.to_string(), action: p.action.to_string() }).collect()
}

impl From<&domain::users::AssignableRole> for AssignableRoles {
    fn from(r: &domain::users::AssignableRole) -> Self {
        let def = r.role;
        Self {
            name: def.name.to_string(),
            organization_id: r.organization_id,
            display_name: def.display_name.to_string(),
            site_permissions: expand(&def.site),
            organization_permissions: expand(&def.org),
            organization_member_permissions: expand(&def.member),
            user_permissions: expand(&def.user),
            assignable: r.assignable,
            built_in: true,
        }
    }
}
