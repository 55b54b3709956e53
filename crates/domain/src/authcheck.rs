//! `POST /api/v2/authcheck` (Coder's `checkAuthorization`): clients, Coder's dashboard first,
//! ask which of a set of actions the caller may take, and get one boolean per named check,
//! decided by the same function that guards every use case, with the key's scope applied.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::app::{Actor, App};
use crate::error::{Error, Result};
use crate::rbac::{self, Action, Object, ResourceType, NOBODY};

/// Most checks of one request that may name a `resource_id` (each is a database read).
pub const MAX_RESOURCE_ID_CHECKS: usize = 10;

/// One check as the client sends it (`codersdk.AuthorizationCheck`), strings as sent.
#[derive(Debug, Clone, Default)]
pub struct Check {
    /// The resource type.
    pub resource_type: String,
    /// The owning user: a UUID, `me`, or anything else (which matches nobody).
    pub owner_id: String,
    /// The organization: a UUID, or empty.
    pub organization_id: String,
    /// A single object, looked up (workspaces, templates, users and groups only).
    pub resource_id: String,
    /// "In any organization".
    pub any_org: bool,
    /// The action.
    pub action: String,
}

/// The checks Coder's dashboard asks before it renders anything (`site/permissions.json`):
/// name, resource type, action, `any_org`, and whether `owner_id` is `me`. The server answers
/// them in `index.html` (the `permissions` meta), so the dashboard needs no round trip.
pub const DASHBOARD_CHECKS: &[(&str, &str, &str, bool, bool)] = &[
    ("viewAllUsers", "user", "read", false, false),
    ("updateUsers", "user", "update", false, false),
    ("createUser", "user", "create", false, false),
    ("createTemplates", "template", "create", true, false),
    ("updateTemplates", "template", "update", false, false),
    ("deleteTemplates", "template", "delete", false, false),
    ("viewDeploymentConfig", "deployment_config", "read", false, false),
    ("editDeploymentConfig", "deployment_config", "update", false, false),
    ("viewDeploymentStats", "deployment_stats", "read", false, false),
    ("readWorkspaceProxies", "workspace_proxy", "read", false, false),
    ("editWorkspaceProxies", "workspace_proxy", "create", false, false),
    ("createOrganization", "organization", "create", false, false),
    ("viewAnyGroup", "group", "read", false, false),
    ("createGroup", "group", "create", false, false),
    ("viewAllLicenses", "license", "read", false, false),
    ("viewNotificationTemplate", "notification_template", "read", false, false),
    ("viewOrganizationIDPSyncSettings", "idpsync_settings", "read", false, false),
    ("viewAnyMembers", "organization_member", "read", true, false),
    ("editAnyGroups", "group", "update", true, false),
    ("assignAnyRoles", "assign_org_role", "assign", true, false),
    ("viewAnyIdpSyncSettings", "idpsync_settings", "read", true, false),
    ("editAnySettings", "organization", "update", true, false),
    ("viewAnyAuditLog", "audit_log", "read", true, false),
    ("viewAnyConnectionLog", "connection_log", "read", true, false),
    ("viewDebugInfo", "debug_info", "read", false, false),
    ("viewAnyAIBridgeInterception", "aibridge_interception", "read", true, false),
    ("viewAnyAIProvider", "ai_provider", "read", false, false),
    ("viewAIGatewayKeys", "ai_gateway_key", "read", false, false),
    ("createOAuth2App", "oauth2_app", "create", false, false),
    ("editOAuth2App", "oauth2_app", "update", false, false),
    ("deleteOAuth2App", "oauth2_app", "delete", false, false),
    ("viewOAuth2AppSecrets", "oauth2_app_secret", "read", false, false),
    ("createChat", "chat", "create", true, true),
];

/// A user or organization id as Coder's policy sees it: empty is none; a string that is not a
/// UUID names nobody.
fn id_of(s: &str) -> Option<Uuid> {
    match s {
        "" => None,
        s => Some(Uuid::parse_str(s).unwrap_or(NOBODY)),
    }
}

/// Whether the actor may read the object (Coder looks it up through its authorizing store, so
/// an unreadable one answers `false`) and take the action on it.
fn reads_and_may(actor: &Actor, act: Action, object: &Object) -> bool {
    rbac::authorize(&actor.subject, Action::Read, object) && rbac::authorize(&actor.subject, act, object)
}

impl App {
    /// The dashboard's own checks ([`DASHBOARD_CHECKS`]) answered for the actor.
    pub fn dashboard_permissions(&self, actor: &Actor) -> Result<BTreeMap<String, bool>> {
        let checks: BTreeMap<String, Check> = DASHBOARD_CHECKS
            .iter()
            .map(|(name, resource_type, act, any_org, me)| {
                let check = Check {
                    resource_type: resource_type.to_string(),
                    owner_id: if *me { "me".into() } else { String::new() },
                    any_org: *any_org,
                    action: act.to_string(),
                    ..Default::default()
                };
                (name.to_string(), check)
            })
            .collect();
        self.check_authorization(actor, &checks)
    }

    /// Answers each check with whether the actor may take it. Validation follows Coder's order:
    /// the count of `resource_id` checks, then per key (sorted) the resource type and the id.
    pub fn check_authorization(&self, actor: &Actor, checks: &BTreeMap<String, Check>) -> Result<BTreeMap<String, bool>> {
        let with_id = checks.values().filter(|c| !c.resource_id.is_empty()).count();
        if with_id > MAX_RESOURCE_ID_CHECKS {
            return Err(Error::bad_request(format!(
                "Endpoint only supports using \"resource_id\" field {MAX_RESOURCE_ID_CHECKS} times, found {with_id} usages. Remove {} objects with this field set.",
                with_id - MAX_RESOURCE_ID_CHECKS
            )));
        }
        let mut out = BTreeMap::new();
        for (key, check) in checks {
            if check.resource_type.is_empty() {
                return Err(Error::bad_request(format!("Object's \"resource_type\" field must be defined for key {key:?}.")));
            }
            let resource = ResourceType::parse(&check.resource_type);
            let act = Action::parse(&check.action);
            let owner = match check.owner_id.as_str() {
                "me" => Some(actor.user.id),
                other => id_of(other),
            };
            let object = Object { resource, owner, org: id_of(&check.organization_id), id: None, any_org: check.any_org };
            if !check.resource_id.is_empty() {
                let id = Uuid::parse_str(&check.resource_id).map_err(|e| {
                    Error::invalid_field(format!("Object {:?} id is not a valid uuid.", check.resource_id), "resource_id", e.to_string())
                })?;
                let allowed = match resource {
                    ResourceType::Workspace => self.workspace_check(actor, id, act)?,
                    ResourceType::Template => self.template_check(actor, id, act)?,
                    ResourceType::User => self
                        .db(actor)
                        .user_by_id(id)
                        .or_else(crate::authz::hidden)?
                        .filter(|u| !u.deleted)
                        .is_some_and(|u| reads_and_may(actor, act, &Object::user(u.id))),
                    ResourceType::Group => self
                        .db(actor)
                        .group_by_id(id)
                        .or_else(crate::authz::hidden)?
                        .is_some_and(|g| reads_and_may(actor, act, &App::group_object(&g))),
                    _ => {
                        let message = format!("Object type {:?} does not support \"resource_id\" field.", check.resource_type);
                        return Err(Error::invalid_field(message.clone(), "resource_type", message));
                    }
                };
                out.insert(key.clone(), allowed);
                continue;
            }
            out.insert(key.clone(), rbac::authorize(&actor.subject, act, &object));
        }
        Ok(out)
    }

    /// A workspace by id: readable first (an unreadable one is `false`, as Coder's lookup through
    /// its authorizing store fails), then the action on the workspace's own object.
    fn workspace_check(&self, actor: &Actor, id: Uuid, act: Action) -> Result<bool> {
        let Some(w) = self.db(actor).workspace_by_id(id).or_else(crate::authz::hidden)?.filter(|w| !w.deleted) else { return Ok(false) };
        Ok(reads_and_may(actor, act, &crate::workspaces::workspace::workspace_object(&w)))
    }

    /// A template by id, with its ACLs (the Everyone group, groups, users).
    fn template_check(&self, actor: &Actor, id: Uuid, act: Action) -> Result<bool> {
        let Some(t) = self.db(actor).template_by_id(id).or_else(crate::authz::hidden)?.filter(|t| !t.deleted) else { return Ok(false) };
        Ok(self.template_allows(actor, &t, Action::Read)? && self.template_allows(actor, &t, act)?)
    }
}
