//! Role-based access control, modelled on Coder's `rbac` package.
//!
//! Every use case asks [`authorize`] (or one of the `require_*` helpers) before it reads or
//! changes anything; handlers never decide permissions themselves. A role grants permissions at
//! three levels, as in Coder: *site* (any object), *org* (objects of the organization the role was
//! granted in) and *user* (objects the subject owns). Each permission names a resource type and
//! the actions allowed on it, with `*` as a wildcard for either. The tables follow Coder's
//! `rbac/roles.go` for the resources this server has; `user-admin` may only grant `member`
//! (Coder's `assignRoles`), and only `owner` may grant `owner`.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::error::{Error, Result};

/// Resource type names, spelled as Coder's `codersdk.RBACResource`.
pub mod resource {
    /// Everything.
    pub const WILDCARD: &str = "*";
    /// User accounts.
    pub const USER: &str = "user";
    /// API keys and tokens.
    pub const API_KEY: &str = "api_key";
    /// Organizations.
    pub const ORGANIZATION: &str = "organization";
    /// Organization memberships.
    pub const ORGANIZATION_MEMBER: &str = "organization_member";
    /// Groups.
    pub const GROUP: &str = "group";
    /// Group memberships.
    pub const GROUP_MEMBER: &str = "group_member";
    /// Granting site roles.
    pub const ASSIGN_ROLE: &str = "assign_role";
    /// Granting organization roles.
    pub const ASSIGN_ORG_ROLE: &str = "assign_org_role";
    /// Deployment-wide settings.
    pub const DEPLOYMENT_CONFIG: &str = "deployment_config";
    /// Audit logs.
    pub const AUDIT_LOG: &str = "audit_log";
    /// Templates.
    pub const TEMPLATE: &str = "template";
    /// Licenses.
    pub const LICENSE: &str = "license";
    /// The server processes of the deployment.
    pub const REPLICAS: &str = "replicas";
    /// Notification templates.
    pub const NOTIFICATION_TEMPLATE: &str = "notification_template";
    /// Workspace proxies.
    pub const WORKSPACE_PROXY: &str = "workspace_proxy";
    /// OAuth2 applications.
    pub const OAUTH2_APP: &str = "oauth2_app";
    /// OAuth2 client secrets.
    pub const OAUTH2_APP_SECRET: &str = "oauth2_app_secret";
    /// A user's OAuth2 codes and tokens.
    pub const OAUTH2_APP_CODE_TOKEN: &str = "oauth2_app_code_token";
    /// IdP sync settings.
    pub const IDPSYNC_SETTINGS: &str = "idpsync_settings";
    /// Uploaded template sources.
    pub const FILE: &str = "file";
    /// Provisioner daemons and the keys they authenticate with.
    pub const PROVISIONER_DAEMON: &str = "provisioner_daemon";
    /// Provisioner jobs (imports and builds) and their logs.
    pub const PROVISIONER_JOBS: &str = "provisioner_jobs";
    /// Workspaces, their builds and agents.
    pub const WORKSPACE: &str = "workspace";
    /// Connection logs.
    pub const CONNECTION_LOG: &str = "connection_log";
}

/// Action names, spelled as Coder's `codersdk.RBACAction`.
pub mod action {
    /// Every action.
    pub const WILDCARD: &str = "*";
    /// Create.
    pub const CREATE: &str = "create";
    /// Read.
    pub const READ: &str = "read";
    /// Update.
    pub const UPDATE: &str = "update";
    /// Delete.
    pub const DELETE: &str = "delete";
    /// Read a user's personal data (appearance, preferences, SSH keys).
    pub const READ_PERSONAL: &str = "read_personal";
    /// Update a user's personal data (profile, password, appearance, preferences, SSH keys).
    pub const UPDATE_PERSONAL: &str = "update_personal";
    /// Grant a role.
    pub const ASSIGN: &str = "assign";
    /// Take a role away.
    pub const UNASSIGN: &str = "unassign";
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
}

use action as a;
use resource as r;

/// Permission to perform `actions` on `resource`.
#[derive(Debug, Clone, Copy)]
pub struct Permission {
    /// Resource type, or `*`.
    pub resource: &'static str,
    /// Allowed actions; `*` allows all.
    pub actions: &'static [&'static str],
}

const fn p(resource: &'static str, actions: &'static [&'static str]) -> Permission {
    Permission { resource, actions }
}

/// Where a role can be granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleScope {
    /// Granted on the user account; applies site-wide.
    Site,
    /// Granted on an organization membership; applies in that organization.
    Organization,
}

/// A built-in role.
#[derive(Debug, Clone, Copy)]
pub struct RoleDef {
    /// Identifier, e.g. `user-admin`.
    pub name: &'static str,
    /// Human-friendly name shown in Coder's UI.
    pub display_name: &'static str,
    /// Site or organization.
    pub scope: RoleScope,
    /// Permissions on any object.
    pub site: &'static [Permission],
    /// Permissions on objects of the organization the role is held in (organization roles only).
    pub org: &'static [Permission],
    /// Permissions on objects the subject owns.
    pub user: &'static [Permission],
}

const ALL: &[&str] = &[a::WILDCARD];
const READ: &[&str] = &[a::READ];
const CRUD: &[&str] = &[a::CREATE, a::READ, a::UPDATE, a::DELETE];

/// What every signed-in user may do to their own things.
const MEMBER_OWN: &[Permission] = &[
    p(r::USER, &[a::READ, a::READ_PERSONAL, a::UPDATE_PERSONAL]),
    p(r::API_KEY, ALL),
    p(r::ORGANIZATION_MEMBER, READ),
    p(r::OAUTH2_APP_CODE_TOKEN, ALL),
    p(r::FILE, &[a::CREATE, a::READ]),
    p(r::PROVISIONER_DAEMON, &[a::CREATE, a::READ]),
    p(r::WORKSPACE, ALL),
];

/// The built-in roles. Site roles first, then organization roles.
pub const ROLES: &[RoleDef] = &[
    RoleDef { name: role::OWNER, display_name: "Owner", scope: RoleScope::Site, site: &[p(r::WILDCARD, ALL)], org: &[], user: &[] },
    RoleDef {
        name: role::USER_ADMIN,
        display_name: "User Admin",
        scope: RoleScope::Site,
        site: &[
            p(r::USER, &[a::CREATE, a::READ, a::UPDATE, a::DELETE, a::READ_PERSONAL, a::UPDATE_PERSONAL]),
            p(r::ASSIGN_ROLE, &[a::ASSIGN, a::UNASSIGN, a::READ]),
            p(r::ASSIGN_ORG_ROLE, &[a::ASSIGN, a::UNASSIGN, a::READ]),
            p(r::ORGANIZATION, READ),
            p(r::ORGANIZATION_MEMBER, CRUD),
            p(r::GROUP, CRUD),
            p(r::GROUP_MEMBER, READ),
            p(r::IDPSYNC_SETTINGS, &[a::READ, a::UPDATE]),
        ],
        org: &[],
        user: &[],
    },
    RoleDef {
        name: role::TEMPLATE_ADMIN,
        display_name: "Template Admin",
        scope: RoleScope::Site,
        site: &[
            p(r::TEMPLATE, ALL),
            p(r::FILE, &[a::CREATE, a::READ]),
            p(r::PROVISIONER_DAEMON, CRUD),
            p(r::WORKSPACE, READ),
            p(r::USER, READ),
            p(r::ORGANIZATION, READ),
            p(r::ORGANIZATION_MEMBER, READ),
            p(r::GROUP, READ),
            p(r::GROUP_MEMBER, READ),
        ],
        org: &[],
        user: &[],
    },
    RoleDef {
        name: role::AUDITOR,
        display_name: "Auditor",
        scope: RoleScope::Site,
        site: &[
            p(r::AUDIT_LOG, READ),
            p(r::CONNECTION_LOG, READ),
            p(r::USER, READ),
            p(r::ORGANIZATION, READ),
            p(r::ORGANIZATION_MEMBER, READ),
            p(r::GROUP, READ),
            p(r::GROUP_MEMBER, READ),
            p(r::TEMPLATE, READ),
            p(r::DEPLOYMENT_CONFIG, READ),
        ],
        org: &[],
        user: &[],
    },
    RoleDef {
        name: role::MEMBER,
        display_name: "Member",
        scope: RoleScope::Site,
        site: &[p(r::ASSIGN_ROLE, READ), p(r::WORKSPACE_PROXY, READ), p(r::OAUTH2_APP, READ)],
        org: &[],
        user: MEMBER_OWN,
    },
    RoleDef {
        name: role::ORG_ADMIN,
        display_name: "Organization Admin",
        scope: RoleScope::Organization,
        site: &[p(r::USER, READ)],
        org: &[p(r::WILDCARD, ALL)],
        user: &[],
    },
    RoleDef {
        name: role::ORG_MEMBER,
        display_name: "Organization Member",
        scope: RoleScope::Organization,
        site: &[],
        org: &[
            p(r::ORGANIZATION, READ),
            p(r::ASSIGN_ORG_ROLE, READ),
            p(r::ORGANIZATION_MEMBER, READ),
            p(r::GROUP, READ),
            p(r::PROVISIONER_DAEMON, READ),
        ],
        user: &[p(r::GROUP_MEMBER, READ), p(r::API_KEY, ALL)],
    },
    RoleDef {
        name: role::ORG_USER_ADMIN,
        display_name: "Organization User Admin",
        scope: RoleScope::Organization,
        site: &[p(r::USER, READ)],
        org: &[
            p(r::ORGANIZATION, READ),
            p(r::ORGANIZATION_MEMBER, CRUD),
            p(r::ASSIGN_ORG_ROLE, &[a::ASSIGN, a::UNASSIGN, a::READ]),
            p(r::GROUP, CRUD),
            p(r::GROUP_MEMBER, ALL),
            p(r::IDPSYNC_SETTINGS, &[a::READ, a::UPDATE]),
        ],
        user: &[],
    },
    RoleDef {
        name: role::ORG_TEMPLATE_ADMIN,
        display_name: "Organization Template Admin",
        scope: RoleScope::Organization,
        site: &[],
        org: &[
            p(r::TEMPLATE, ALL),
            p(r::FILE, &[a::CREATE, a::READ]),
            p(r::PROVISIONER_DAEMON, CRUD),
            p(r::PROVISIONER_JOBS, &[a::READ, a::UPDATE, a::CREATE]),
            p(r::WORKSPACE, READ),
            p(r::ORGANIZATION_MEMBER, READ),
            p(r::GROUP, READ),
            p(r::GROUP_MEMBER, READ),
        ],
        user: &[],
    },
    RoleDef {
        name: role::ORG_AUDITOR,
        display_name: "Organization Auditor",
        scope: RoleScope::Organization,
        site: &[],
        org: &[
            p(r::AUDIT_LOG, READ),
            p(r::CONNECTION_LOG, READ),
            p(r::ORGANIZATION_MEMBER, READ),
            p(r::GROUP, READ),
            p(r::GROUP_MEMBER, READ),
            p(r::TEMPLATE, READ),
        ],
        user: &[],
    },
];

/// Looks a built-in role up by name.
pub fn role_def(name: &str) -> Option<&'static RoleDef> {
    ROLES.iter().find(|r| r.name == name)
}

/// Site roles that can be granted explicitly (the implicit `member` cannot).
pub fn assignable_site_roles() -> impl Iterator<Item = &'static RoleDef> {
    ROLES.iter().filter(|r| r.scope == RoleScope::Site && r.name != role::MEMBER)
}

/// Organization roles that can be granted explicitly (the implicit `organization-member` cannot).
pub fn assignable_org_roles() -> impl Iterator<Item = &'static RoleDef> {
    ROLES.iter().filter(|r| r.scope == RoleScope::Organization && r.name != role::ORG_MEMBER)
}

/// Who is asking: a user with their site roles and their roles in each organization.
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    /// The user.
    pub user_id: Uuid,
    /// Explicit site roles plus the implicit `member`.
    pub site_roles: Vec<String>,
    /// Per organization: explicit roles plus the implicit `organization-member`.
    pub org_roles: BTreeMap<Uuid, Vec<String>>,
    /// What the API key in use allows, when it is narrower than the user's roles.
    pub scope: Option<KeyScope>,
}

/// The limits an API key puts on its user's permissions: scopes (resource and action pairs)
/// and an allow list of objects (type and id). A request is authorized only when the roles
/// *and* the key allow it, as in Coder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyScope {
    /// `(resource, action)` pairs, `*` for any.
    pub permissions: Vec<(String, String)>,
    /// `(resource type, id)` pairs, `*` for any.
    pub allow_list: Vec<(String, String)>,
}

/// API key scopes Coder lets clients ask for (`rbac.IsExternalScope`): the legacy `all` and
/// `application_connect`, the `coder:*` bundles, and `<resource>:<action>` scopes of the
/// resources a token may be limited to.
pub fn is_external_scope(scope: &str) -> bool {
    const LOW_LEVEL: &[&str] = &["workspace", "template", "api_key", "file", "user", "user_secret", "user_skill", "task", "organization"];
    if matches!(scope, "all" | "application_connect") {
        return true;
    }
    if !crate::vocab::API_KEY_SCOPES.contains(&scope) {
        return false;
    }
    if scope.starts_with("coder:") {
        return true;
    }
    scope.split_once(':').is_some_and(|(res, _)| LOW_LEVEL.contains(&res))
}

impl KeyScope {
    /// The limits of a key, or `None` when it allows everything its user may do.
    pub fn of_key(scopes: &[String], allow_list: &[(String, String)]) -> Option<Self> {
        let mut permissions: Vec<(String, String)> = Vec::new();
        let mut add = |r: &str, a: &str| permissions.push((r.to_string(), a.to_string()));
        for s in scopes {
            match s.as_str() {
                "all" | "coder:all" => add("*", "*"),
                "application_connect" | "coder:application_connect" => add("workspace", "application_connect"),
                "coder:apikeys.manage_self" => {
                    add("api_key", "*");
                    add("user", "read");
                }
                other if other.starts_with("coder:workspaces.") => add("workspace", "*"),
                other if other.starts_with("coder:templates.") => add("template", "*"),
                other => {
                    if let Some((res, act)) = other.split_once(':') {
                        add(res, act)
                    }
                }
            }
        }
        let everything = permissions.iter().any(|(r, a)| r == "*" && a == "*");
        let anywhere = allow_list.is_empty() || allow_list.iter().any(|(t, i)| t == "*" && i == "*");
        if everything && anywhere {
            return None;
        }
        Some(Self { permissions, allow_list: allow_list.to_vec() })
    }

    fn allows(&self, act: &str, object: &Object) -> bool {
        let scoped = self.permissions.iter().any(|(r, a)| (r == "*" || r == object.resource) && (a == "*" || a == act));
        let listed = self.allow_list.is_empty()
            || self
                .allow_list
                .iter()
                .any(|(t, i)| (t == "*" || t == object.resource) && (i == "*" || object.id.is_some_and(|id| id.to_string() == *i)));
        scoped && listed
    }
}

impl Subject {
    /// Builds a subject from stored roles, adding the implicit `member` and `organization-member`.
    pub fn new(user_id: Uuid, site_roles: &[String], memberships: impl IntoIterator<Item = (Uuid, Vec<String>)>) -> Self {
        let mut roles: Vec<String> = site_roles.to_vec();
        if !roles.iter().any(|r| r == role::MEMBER) {
            roles.push(role::MEMBER.to_string());
        }
        let org_roles = memberships
            .into_iter()
            .map(|(org, mut roles)| {
                if !roles.iter().any(|r| r == role::ORG_MEMBER) {
                    roles.push(role::ORG_MEMBER.to_string());
                }
                (org, roles)
            })
            .collect();
        Self { user_id, site_roles: roles, org_roles, scope: None }
    }

    /// Whether the subject holds a site role.
    pub fn has_site_role(&self, name: &str) -> bool {
        self.site_roles.iter().any(|r| r == name)
    }

    /// Whether the subject is a member of an organization.
    pub fn is_member_of(&self, org: Uuid) -> bool {
        self.org_roles.contains_key(&org)
    }
}

/// What is being acted on: a resource type, and optionally its owner and organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Object {
    /// Resource type (one of [`resource`]).
    pub resource: &'static str,
    /// The user who owns it, if any.
    pub owner: Option<Uuid>,
    /// The organization it belongs to, if any.
    pub org: Option<Uuid>,
    /// Its own id, when API key allow lists may name it.
    pub id: Option<Uuid>,
}

impl Object {
    /// An object with neither owner nor organization (e.g. "all users").
    pub fn of(resource: &'static str) -> Self {
        Self { resource, owner: None, org: None, id: None }
    }

    /// Sets the owning user.
    pub fn owned_by(mut self, owner: Uuid) -> Self {
        self.owner = Some(owner);
        self
    }

    /// Sets the organization.
    pub fn in_org(mut self, org: Uuid) -> Self {
        self.org = Some(org);
        self
    }

    /// Sets the object's own id.
    pub fn with_id(mut self, id: Uuid) -> Self {
        self.id = Some(id);
        self
    }

    /// A user account, owned by itself.
    pub fn user(id: Uuid) -> Self {
        Self::of(resource::USER).owned_by(id).with_id(id)
    }
}

fn grants(perms: &[Permission], act: &str, res: &str) -> bool {
    perms.iter().any(|p| (p.resource == r::WILDCARD || p.resource == res) && p.actions.iter().any(|x| *x == a::WILDCARD || *x == act))
}

/// Whether `subject` may perform `act` on `object`: some role must allow it, and so must the
/// API key's scope. Site permissions of organization roles apply everywhere, as in Coder (an
/// organization admin must see users site-wide to add them).
pub fn authorize(subject: &Subject, act: &str, object: &Object) -> bool {
    if let Some(scope) = &subject.scope {
        if !scope.allows(act, object) {
            return false;
        }
    }
    let owns = object.owner == Some(subject.user_id);
    let site = subject
        .site_roles
        .iter()
        .filter_map(|n| role_def(n))
        .any(|role| grants(role.site, act, object.resource) || (owns && grants(role.user, act, object.resource)));
    if site {
        return true;
    }
    let org_site = subject.org_roles.values().flatten().filter_map(|n| role_def(n)).any(|role| grants(role.site, act, object.resource));
    if org_site {
        return true;
    }
    let Some(org) = object.org else { return false };
    subject.org_roles.get(&org).is_some_and(|roles| {
        roles
            .iter()
            .filter_map(|n| role_def(n))
            .any(|role| grants(role.org, act, object.resource) || (owns && grants(role.user, act, object.resource)))
    })
}

/// Whether the API key in use permits `act` on `object` (always, for unscoped keys): checked on
/// its own where access comes from an object's ACL rather than from roles.
pub fn scope_allows(subject: &Subject, act: &str, object: &Object) -> bool {
    subject.scope.as_ref().is_none_or(|s| s.allows(act, object))
}

/// Fails with 403 unless allowed.
pub fn require(subject: &Subject, act: &str, object: &Object) -> Result<()> {
    if authorize(subject, act, object) {
        Ok(())
    } else {
        Err(Error::forbidden())
    }
}

/// Fails with 404 unless the subject may read the object: Coder hides what you cannot see.
pub fn require_visible(subject: &Subject, object: &Object) -> Result<()> {
    if authorize(subject, action::READ, object) {
        Ok(())
    } else {
        Err(Error::not_found())
    }
}

/// Fails with 404 unless allowed: for changes Coder reports as a missing resource.
pub fn require_visible_action(subject: &Subject, act: &str, object: &Object) -> Result<()> {
    if authorize(subject, act, object) {
        Ok(())
    } else {
        Err(Error::not_found())
    }
}

/// Coder's role-assignment rule: which roles a holder of `assigner` may grant or take away.
fn can_assign(assigner: &str, target: &str) -> bool {
    match assigner {
        role::OWNER => true,
        role::USER_ADMIN => matches!(target, role::MEMBER | role::ORG_MEMBER),
        role::ORG_ADMIN => role_def(target).is_some_and(|d| d.scope == RoleScope::Organization),
        role::ORG_USER_ADMIN => target == role::ORG_MEMBER,
        _ => false,
    }
}

/// Whether `subject` may grant or remove the site role `target`.
pub fn can_assign_site_role(subject: &Subject, target: &str) -> bool {
    subject.site_roles.iter().any(|r| can_assign(r, target))
}

/// Whether `subject` may grant or remove the organization role `target` in `org`.
/// Owners may grant any; site user admins only `organization-member` (Coder's `assignRoles`).
pub fn can_assign_org_role(subject: &Subject, org: Uuid, target: &str) -> bool {
    subject.site_roles.iter().any(|r| can_assign(r, target))
        || subject.org_roles.get(&org).is_some_and(|roles| roles.iter().any(|r| can_assign(r, target)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(site: &[&str], orgs: &[(Uuid, &[&str])]) -> Subject {
        let site: Vec<String> = site.iter().map(|s| s.to_string()).collect();
        Subject::new(Uuid::new_v4(), &site, orgs.iter().map(|(o, r)| (*o, r.iter().map(|s| s.to_string()).collect())))
    }

    #[test]
    fn owner_can_do_anything() {
        let s = subject(&[role::OWNER], &[]);
        assert!(authorize(&s, action::DELETE, &Object::user(Uuid::new_v4())));
    }

    #[test]
    fn members_manage_only_themselves() {
        let s = subject(&[], &[]);
        assert!(authorize(&s, action::READ, &Object::user(s.user_id)));
        assert!(authorize(&s, action::UPDATE_PERSONAL, &Object::user(s.user_id)));
        assert!(!authorize(&s, action::UPDATE, &Object::user(s.user_id)));
        assert!(!authorize(&s, action::READ, &Object::user(Uuid::new_v4())));
        assert!(authorize(&s, action::CREATE, &Object::of(resource::API_KEY).owned_by(s.user_id)));
        assert!(!authorize(&s, action::READ, &Object::of(resource::API_KEY).owned_by(Uuid::new_v4())));
    }

    #[test]
    fn org_roles_apply_only_in_their_org() {
        let org = Uuid::new_v4();
        let other = Uuid::new_v4();
        let s = subject(&[], &[(org, &[role::ORG_ADMIN]), (other, &[])]);
        assert!(authorize(&s, action::CREATE, &Object::of(resource::GROUP).in_org(org)));
        assert!(!authorize(&s, action::CREATE, &Object::of(resource::GROUP).in_org(other)));
        assert!(authorize(&s, action::READ, &Object::of(resource::GROUP).in_org(other)));
    }

    #[test]
    fn org_admins_read_users_site_wide() {
        let org = Uuid::new_v4();
        let s = subject(&[], &[(org, &[role::ORG_ADMIN])]);
        assert!(authorize(&s, action::READ, &Object::user(Uuid::new_v4())));
        assert!(!authorize(&s, action::UPDATE, &Object::user(Uuid::new_v4())));
    }

    #[test]
    fn key_scopes_narrow_the_roles() {
        let mut s = subject(&[role::OWNER], &[]);
        let all = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(KeyScope::of_key(&all(&["coder:all"]), &[("*".into(), "*".into())]), None);
        s.scope = KeyScope::of_key(&all(&["user:read"]), &[]);
        let other = Uuid::new_v4();
        assert!(authorize(&s, action::READ, &Object::user(other)));
        assert!(!authorize(&s, action::UPDATE, &Object::user(other)));
        assert!(!authorize(&s, action::CREATE, &Object::of(resource::API_KEY).owned_by(s.user_id)));
        s.scope = KeyScope::of_key(&all(&["coder:all"]), &[("user".into(), other.to_string())]);
        assert!(authorize(&s, action::UPDATE, &Object::user(other)));
        assert!(!authorize(&s, action::READ, &Object::user(Uuid::new_v4())));
        s.scope = KeyScope::of_key(&all(&["coder:application_connect"]), &[]);
        assert!(!authorize(&s, action::READ, &Object::user(s.user_id)));
    }

    #[test]
    fn external_scopes() {
        assert!(is_external_scope("coder:all") && is_external_scope("all") && is_external_scope("user:read"));
        assert!(!is_external_scope("assign_role:assign") && !is_external_scope("bogus:thing"));
    }

    #[test]
    fn role_assignment() {
        let admin = subject(&[role::USER_ADMIN], &[]);
        assert!(can_assign_site_role(&admin, role::MEMBER));
        assert!(!can_assign_site_role(&admin, role::AUDITOR));
        assert!(!can_assign_site_role(&admin, role::OWNER));
        let owner = subject(&[role::OWNER], &[]);
        assert!(can_assign_site_role(&owner, role::OWNER));
        let member = subject(&[], &[]);
        assert!(!can_assign_site_role(&member, role::AUDITOR));
        let org = Uuid::new_v4();
        assert!(can_assign_org_role(&admin, org, role::ORG_MEMBER));
        assert!(!can_assign_org_role(&admin, org, role::ORG_ADMIN), "user admins cannot make org admins");
        let org_admin = subject(&[], &[(org, &[role::ORG_ADMIN])]);
        assert!(can_assign_org_role(&org_admin, org, role::ORG_ADMIN));
        assert!(!can_assign_org_role(&org_admin, Uuid::new_v4(), role::ORG_ADMIN));
    }
}
