//! `POST /api/v2/authcheck` bodies (`codersdk.AuthorizationRequest`, `AuthorizationCheck`,
//! `AuthorizationObject`, `AuthorizationResponse`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::keys::{RbacAction, RbacResource};

/// Coder's `codersdk.AuthorizationRequest`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::AuthorizationRequest, example = json!({"checks": {"viewAllUsers": {"object": {"resource_type": "user"}, "action": "read"}}}))]
pub struct AuthorizationRequest {
    /// Checks by a name of the caller's choosing; the response answers each under its name.
    #[serde(default)]
    pub checks: Option<BTreeMap<String, AuthorizationCheck>>,
}

/// Coder's `codersdk.AuthorizationCheck`: may the caller take `action` on `object`?
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::AuthorizationCheck)]
pub struct AuthorizationCheck {
    /// The object, or set of objects.
    #[serde(default)]
    pub object: AuthorizationObject,
    /// The action (not validated: an unknown one is allowed only by a wildcard permission).
    #[serde(default)]
    #[schema(value_type = RbacAction)]
    pub action: String,
}

/// Coder's `codersdk.AuthorizationObject`: a set of objects, narrowed by each field given.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::AuthorizationObject)]
pub struct AuthorizationObject {
    /// The resource type (required).
    #[serde(default)]
    #[schema(value_type = RbacResource)]
    pub resource_type: String,
    /// Objects owned by this user (`me` for the caller).
    #[serde(default)]
    pub owner_id: Option<String>,
    /// Objects of this organization.
    #[serde(default)]
    pub organization_id: Option<String>,
    /// One object, looked up (workspaces, templates, users and groups; at most 10 per request).
    #[serde(default)]
    pub resource_id: Option<String>,
    /// In any organization the caller belongs to; not with `organization_id`.
    #[serde(default)]
    pub any_org: Option<bool>,
}

impl From<AuthorizationCheck> for domain::authcheck::Check {
    fn from(c: AuthorizationCheck) -> Self {
        Self {
            resource_type: c.object.resource_type,
            owner_id: c.object.owner_id.unwrap_or_default(),
            organization_id: c.object.organization_id.unwrap_or_default(),
            resource_id: c.object.resource_id.unwrap_or_default(),
            any_org: c.object.any_org.unwrap_or(false),
            action: c.action,
        }
    }
}
