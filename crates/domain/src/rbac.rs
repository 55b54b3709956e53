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
    /// Start a workspace (a `start` build).
    pub const START: &str = "start";
    /// Stop a workspace (a `stop` build).
    pub const STOP: &str = "stop";
    /// Open an SSH session into a workspace.
    pub const SSH: &str = "ssh";
    /// Reach a workspace's applications.
    pub const APPLICATION_CONNECT: &str = "application_connect";
    /// Build workspaces from a template.
    pub const USE: &str = "use";
    /// Read a template's usage insights.
    pub const VIEW_INSIGHTS: &str = "view_insights";
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

/// What every signed-in user may do to their own things that belong to no organization (the
/// user level of Coder's `member`: it never reaches an object inside an organization).
const MEMBER_OWN: &[Permission] = &[
    p(r::USER, &[a::READ, a::READ_PERSONAL, a::UPDATE_PERSONAL]),
    p(r::API_KEY, ALL),
    p(r::ORGANIZATION_MEMBER, READ),
    p(r::OAUTH2_APP_CODE_TOKEN, ALL),
    p(r::FILE, &[a::CREATE, a::READ]),
    p(r::PROVISIONER_DAEMON, &[a::CREATE, a::READ]),
];

/// What a member may do to their own things inside an organization they belong to (the member
/// level of Coder's `organization-member`, with its workspace bundle): rights on one's own
/// workspaces come from membership, so leaving the organization ends them.
const ORG_MEMBER_OWN: &[Permission] = &[
    p(r::WORKSPACE, ALL),
    p(r::PROVISIONER_DAEMON, &[a::CREATE, a::READ]),
    p(r::ORGANIZATION_MEMBER, READ),
    p(r::GROUP_MEMBER, READ),
    p(r::API_KEY, ALL),
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
        user: ORG_MEMBER_OWN,
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

/// The site permissions of a named scope (`coderd/rbac/scopes.go`): exactly what Coder's
/// bundle grants, never a whole resource type. `None` for a low-level `<type>:<action>` scope,
/// which grants that one pair.
pub fn scope_bundle(scope: &str) -> Option<&'static [(&'static str, &'static [&'static str])]> {
    const WS_READ: (&str, &[&str]) = (r::ORGANIZATION_MEMBER, &[a::READ]);
    Some(match scope {
        "all" | "coder:all" => &[(r::WILDCARD, &[a::WILDCARD])],
        "application_connect" | "coder:application_connect" => &[(r::WORKSPACE, &[a::APPLICATION_CONNECT])],
        "coder:workspaces.create" => {
            &[(r::TEMPLATE, &[a::READ, a::USE]), (r::WORKSPACE, &[a::CREATE, a::READ, a::UPDATE, a::START, a::STOP]), WS_READ]
        }
        "coder:workspaces.operate" => &[(r::TEMPLATE, &[a::READ]), (r::WORKSPACE, &[a::READ, a::UPDATE, a::START, a::STOP]), WS_READ],
        "coder:workspaces.delete" => &[(r::TEMPLATE, &[a::READ, a::USE]), (r::WORKSPACE, &[a::READ, a::DELETE]), WS_READ],
        "coder:workspaces.access" => &[(r::TEMPLATE, &[a::READ]), (r::WORKSPACE, &[a::READ, a::SSH, a::APPLICATION_CONNECT]), WS_READ],
        "coder:templates.build" => &[(r::TEMPLATE, &[a::READ]), (r::FILE, &[a::CREATE, a::READ]), (r::PROVISIONER_JOBS, &[a::READ])],
        "coder:templates.author" => {
            &[(r::TEMPLATE, &[a::READ, a::CREATE, a::UPDATE, a::DELETE, a::VIEW_INSIGHTS]), (r::FILE, &[a::CREATE, a::READ])]
        }
        "coder:apikeys.manage_self" => &[(r::API_KEY, CRUD)],
        _ => return None,
    })
}

impl KeyScope {
    /// The limits of a key, or `None` when it allows everything its user may do.
    pub fn of_key(scopes: &[String], allow_list: &[(String, String)]) -> Option<Self> {
        let mut permissions: Vec<(String, String)> = Vec::new();
        for s in scopes {
            match scope_bundle(s) {
                Some(bundle) => {
                    for (res, acts) in bundle {
                        permissions.extend(acts.iter().map(|act| (res.to_string(), act.to_string())));
                    }
                }
                None => {
                    if let Some((res, act)) = s.split_once(':') {
                        permissions.push((res.to_string(), act.to_string()))
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
/// organization admin must see users site-wide to add them). As in Coder's policy, the user
/// level of site roles reaches only owned objects outside any organization; owned objects
/// inside one are reached through the member level of the roles held in that organization.
pub fn authorize(subject: &Subject, act: &str, object: &Object) -> bool {
    if let Some(scope) = &subject.scope {
        if !scope.allows(act, object) {
            return false;
        }
    }
    let owns_orgless = object.owner == Some(subject.user_id) && object.org.is_none();
    let site = subject
        .site_roles
        .iter()
        .filter_map(|n| role_def(n))
        .any(|role| grants(role.site, act, object.resource) || (owns_orgless && grants(role.user, act, object.resource)));
    if site {
        return true;
    }
    let org_site = subject.org_roles.values().flatten().filter_map(|n| role_def(n)).any(|role| grants(role.site, act, object.resource));
    if org_site {
        return true;
    }
    let Some(org) = object.org else { return false };
    let owns = object.owner == Some(subject.user_id);
    subject.org_roles.get(&org).is_some_and(|roles| {
        roles
            .iter()
            .filter_map(|n| role_def(n))
            .any(|role| grants(role.org, act, object.resource) || (owns && grants(role.user, act, object.resource)))
    })
}

/// Which rows of one resource type a subject may `act` on, in a form a list query turns into
/// its `WHERE` clause (Coder's `Prepare` + `GetAuthorized*`): the page and its count are then
/// exactly what the caller may see. Built from the same tables as [`authorize`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visibility {
    /// The subject the owner terms refer to.
    pub user_id: Uuid,
    /// The key's scope denies the type: no row at all.
    pub nothing: bool,
    /// A site-level grant: every row (still narrowed by `ids`).
    pub everything: bool,
    /// Rows of these organizations.
    pub orgs: Vec<Uuid>,
    /// Rows the subject owns in these organizations (the member level).
    pub own_in_orgs: Vec<Uuid>,
    /// Rows the subject owns outside any organization (the user level of site roles).
    pub own_outside_orgs: bool,
    /// When set, only rows with these ids (the key's allow list; empty means none).
    pub ids: Option<Vec<Uuid>>,
}

impl Visibility {
    /// Whether a row passes: the in-memory form of the query filter, for small lists.
    pub fn admits(&self, id: Option<Uuid>, owner: Option<Uuid>, org: Option<Uuid>) -> bool {
        if self.nothing || self.ids.as_ref().is_some_and(|ids| !id.is_some_and(|i| ids.contains(&i))) {
            return false;
        }
        let own = owner == Some(self.user_id);
        self.everything
            || org.is_some_and(|o| self.orgs.contains(&o) || (own && self.own_in_orgs.contains(&o)))
            || (own && org.is_none() && self.own_outside_orgs)
    }
}

/// What `subject` may `act` on among the rows of `resource` (see [`Visibility`]).
pub fn visibility(subject: &Subject, act: &str, resource: &'static str) -> Visibility {
    let mut v = Visibility {
        user_id: subject.user_id,
        nothing: false,
        everything: false,
        orgs: Vec::new(),
        own_in_orgs: Vec::new(),
        own_outside_orgs: false,
        ids: None,
    };
    if let Some(scope) = &subject.scope {
        v.nothing = !scope.permissions.iter().any(|(r, a)| (r == "*" || r == resource) && (a == "*" || a == act));
        let listed: Vec<&(String, String)> = scope.allow_list.iter().filter(|(t, _)| t == "*" || t == resource).collect();
        let whole_type = scope.allow_list.is_empty() || listed.iter().any(|(_, i)| i == "*");
        if !whole_type {
            v.ids = Some(listed.iter().filter_map(|(_, i)| Uuid::parse_str(i).ok()).collect());
        }
    }
    let site_roles = subject.site_roles.iter().filter_map(|n| role_def(n));
    let org_roles = subject.org_roles.values().flatten().filter_map(|n| role_def(n));
    v.everything = site_roles.clone().chain(org_roles).any(|role| grants(role.site, act, resource));
    v.own_outside_orgs = site_roles.into_iter().any(|role| grants(role.user, act, resource));
    for (org, names) in &subject.org_roles {
        let roles: Vec<&RoleDef> = names.iter().filter_map(|n| role_def(n)).collect();
        if roles.iter().any(|role| grants(role.org, act, resource)) {
            v.orgs.push(*org);
        }
        if roles.iter().any(|role| grants(role.user, act, resource)) {
            v.own_in_orgs.push(*org);
        }
    }
    v
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
    fn scope_bundles_grant_exactly_their_permissions() {
        let org = Uuid::new_v4();
        let mut s = subject(&[], &[(org, &[])]);
        let ws = Object::of(resource::WORKSPACE).in_org(org).owned_by(s.user_id).with_id(Uuid::new_v4());
        let tpl = Object::of(resource::TEMPLATE).in_org(org).with_id(Uuid::new_v4());
        let file = Object::of(resource::FILE).owned_by(s.user_id);
        let me = Object::user(s.user_id);
        type Checks<'a> = &'a [(&'a str, &'a Object)];
        let cases: &[(&str, Checks, Checks)] = &[
            (
                "coder:workspaces.access",
                &[(action::READ, &ws), (action::SSH, &ws), (action::APPLICATION_CONNECT, &ws)],
                &[(action::STOP, &ws), (action::DELETE, &ws), (action::UPDATE, &ws), (action::READ, &me)],
            ),
            (
                "coder:workspaces.operate",
                &[(action::START, &ws), (action::STOP, &ws), (action::UPDATE, &ws)],
                &[(action::DELETE, &ws), (action::CREATE, &ws), (action::SSH, &ws)],
            ),
            ("coder:workspaces.create", &[(action::CREATE, &ws), (action::START, &ws)], &[(action::DELETE, &ws), (action::SSH, &ws)]),
            ("coder:workspaces.delete", &[(action::DELETE, &ws), (action::READ, &ws)], &[(action::START, &ws), (action::STOP, &ws)]),
            ("coder:templates.build", &[(action::CREATE, &file), (action::READ, &file)], &[(action::UPDATE, &tpl), (action::READ, &ws)]),
            ("coder:templates.author", &[(action::CREATE, &file)], &[(action::READ, &ws), (action::USE, &tpl)]),
            (
                "coder:apikeys.manage_self",
                &[(action::CREATE, &Object::of(resource::API_KEY).owned_by(s.user_id))],
                &[(action::READ, &me), (action::READ, &ws)],
            ),
            ("coder:application_connect", &[(action::APPLICATION_CONNECT, &ws)], &[(action::READ, &ws), (action::READ, &me)]),
        ];
        for (scope, allowed, refused) in cases {
            s.scope = KeyScope::of_key(&[scope.to_string()], &[]);
            for (act, obj) in *allowed {
                assert!(authorize(&s, act, obj), "{scope} must allow {act} on {}", obj.resource);
            }
            for (act, obj) in *refused {
                assert!(!authorize(&s, act, obj), "{scope} must refuse {act} on {}", obj.resource);
            }
        }
        // Template rights come from the roles too: an owner's templates.build token reads but
        // cannot update templates.
        let mut owner = subject(&[role::OWNER], &[]);
        owner.scope = KeyScope::of_key(&["coder:templates.build".to_string()], &[]);
        assert!(authorize(&owner, action::READ, &tpl));
        assert!(!authorize(&owner, action::UPDATE, &tpl));
        assert!(!authorize(&owner, action::DELETE, &tpl));
    }

    #[test]
    fn own_workspaces_need_membership() {
        let org = Uuid::new_v4();
        let member = subject(&[], &[(org, &[])]);
        let mine = Object::of(resource::WORKSPACE).in_org(org).owned_by(member.user_id);
        assert!(authorize(&member, action::STOP, &mine));
        assert!(authorize(&member, action::DELETE, &mine));
        let removed = Subject { org_roles: BTreeMap::new(), ..member.clone() };
        for act in [action::READ, action::START, action::STOP, action::DELETE, action::UPDATE] {
            assert!(!authorize(&removed, act, &mine), "{act} after removal");
        }
        let other = Object::of(resource::WORKSPACE).in_org(org).owned_by(Uuid::new_v4());
        assert!(!authorize(&member, action::READ, &other));
    }

    #[test]
    fn visibility_matches_authorize() {
        let (org, other) = (Uuid::new_v4(), Uuid::new_v4());
        let mut s = subject(&[], &[(org, &[]), (other, &[role::ORG_ADMIN])]);
        let v = visibility(&s, action::READ, resource::WORKSPACE);
        assert!(!v.everything);
        assert_eq!(v.orgs, vec![other]);
        let rows = [
            (Uuid::new_v4(), s.user_id, org),
            (Uuid::new_v4(), Uuid::new_v4(), org),
            (Uuid::new_v4(), Uuid::new_v4(), other),
            (Uuid::new_v4(), s.user_id, Uuid::new_v4()),
        ];
        let check = |s: &Subject| {
            let v = visibility(s, action::READ, resource::WORKSPACE);
            for (id, owner, o) in rows {
                let obj = Object::of(resource::WORKSPACE).in_org(o).owned_by(owner).with_id(id);
                assert_eq!(v.admits(Some(id), Some(owner), Some(o)), authorize(s, action::READ, &obj));
            }
        };
        check(&s);
        s.scope = KeyScope::of_key(&["user:read".to_string()], &[]);
        assert!(visibility(&s, action::READ, resource::WORKSPACE).nothing);
        check(&s);
        s.scope = KeyScope::of_key(&["coder:all".to_string()], &[("workspace".into(), rows[0].0.to_string())]);
        assert_eq!(visibility(&s, action::READ, resource::WORKSPACE).ids, Some(vec![rows[0].0]));
        check(&s);
        let owner = subject(&[role::OWNER], &[]);
        assert!(visibility(&owner, action::READ, resource::WORKSPACE).everything);
        check(&owner);
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
