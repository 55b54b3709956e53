//! The decision: Coder's `policy.rego` restated in Rust. A role grants permissions at four
//! levels: *site* (any object), *user* (objects the subject owns outside any organization),
//! *org* (objects of an organization the role is held in) and *member* (objects the subject owns
//! in such an organization). At each level a matching negation outvotes every grant. An API
//! key's scope is a second role, site level only, with an allow list of objects; a request is
//! allowed when the roles allow it and so does the scope.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::model::{Action, Permission, ResourceType};
use super::roles::{role_def, Role};

/// Who is asking: a user with their site roles and their roles in each organization they belong
/// to (membership is exactly a key of `org_roles`), and the limits of the key in use.
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
    /// The deployment withholds the owner role's SSH and application access to others'
    /// workspaces (`CODER_DISABLE_OWNER_WORKSPACE_ACCESS`); owners keep it on their own.
    pub workspace_exec_withheld: bool,
}

impl Subject {
    /// Builds a subject from stored roles, adding the implicit `member` and `organization-member`.
    pub fn new(user_id: Uuid, site_roles: &[String], memberships: impl IntoIterator<Item = (Uuid, Vec<String>)>) -> Self {
        let mut roles: Vec<String> = site_roles.to_vec();
        if !roles.iter().any(|r| r == super::role::MEMBER) {
            roles.push(super::role::MEMBER.to_string());
        }
        let org_roles = memberships
            .into_iter()
            .map(|(org, mut roles)| {
                if !roles.iter().any(|r| r == super::role::ORG_MEMBER) {
                    roles.push(super::role::ORG_MEMBER.to_string());
                }
                (org, roles)
            })
            .collect();
        Self { user_id, site_roles: roles, org_roles, scope: None, workspace_exec_withheld: false }
    }

    /// Whether the subject holds a site role.
    pub fn has_site_role(&self, name: &str) -> bool {
        self.site_roles.iter().any(|r| r == name)
    }

    /// Whether the subject is a member of an organization.
    pub fn is_member_of(&self, org: Uuid) -> bool {
        self.org_roles.contains_key(&org)
    }

    /// The built-in roles held site-wide (organization roles included: their site permissions
    /// apply everywhere, as in Coder). Unknown names are dropped, as Coder drops missing
    /// custom roles.
    pub(crate) fn all_roles(&self) -> impl Iterator<Item = &'static Role> + '_ {
        self.site_roles.iter().chain(self.org_roles.values().flatten()).filter_map(|n| match n.as_str() {
            super::role::OWNER if self.workspace_exec_withheld => Some(super::roles::owner_without_workspace_exec()),
            _ => role_def(n),
        })
    }

    /// The built-in roles held in one organization.
    pub(crate) fn roles_in(&self, org: Uuid) -> impl Iterator<Item = &'static Role> + '_ {
        self.org_roles.get(&org).into_iter().flatten().filter_map(|n| role_def(n))
    }
}

/// The limits an API key puts on its user's permissions: a site-level permission set and an
/// allow list of objects (type and id, `*` for any). A request is authorized only when the
/// roles *and* the key allow it, as in Coder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyScope {
    /// Site-level permissions of the key's scopes, concatenated.
    pub permissions: Vec<Permission>,
    /// `(resource type, id)` pairs, `*` for any; empty allows every object.
    pub allow_list: Vec<(String, String)>,
}

impl KeyScope {
    /// The limits of a key, or `None` when it allows everything its user may do.
    pub fn of_key(scopes: &[String], allow_list: &[(String, String)]) -> Option<Self> {
        let permissions: Vec<Permission> = scopes.iter().flat_map(|s| super::scopes::scope_permissions(s)).collect();
        let everything = permissions.iter().any(|p| !p.negate && p.resource == ResourceType::Wildcard && p.action == Action::Wildcard);
        let anywhere = allow_list.is_empty() || allow_list.iter().any(|(t, i)| t == "*" && i == "*");
        if everything && anywhere {
            return None;
        }
        Some(Self { permissions, allow_list: allow_list.to_vec() })
    }

    /// Whether the object is on the allow list (an object without an id passes only a
    /// wildcard entry).
    pub fn lists(&self, object: &Object) -> bool {
        self.allow_list.is_empty()
            || self
                .allow_list
                .iter()
                .any(|(t, i)| (t == "*" || t == object.resource.as_str()) && (i == "*" || object.id.is_some_and(|id| id.to_string() == *i)))
    }

    /// Whether the key permits `act` on `object`.
    pub fn allows(&self, act: Action, object: &Object) -> bool {
        self.lists(object) && vote(self.permissions.iter(), object.resource, act) == 1
    }
}

/// What is being acted on (Coder's `rbac.Object`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Object {
    /// Resource type.
    pub resource: ResourceType,
    /// The user who owns it, if any.
    pub owner: Option<Uuid>,
    /// The organization it belongs to, if any.
    pub org: Option<Uuid>,
    /// Its own id, when API key allow lists may name it.
    pub id: Option<Uuid>,
    /// "In any organization": organization levels count in whichever the subject belongs to.
    pub any_org: bool,
}

impl Object {
    /// An object with neither owner nor organization (e.g. "all users").
    pub fn of(resource: ResourceType) -> Self {
        Self { resource, owner: None, org: None, id: None, any_org: false }
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

    /// Marks it as "in any organization".
    pub fn in_any_org(mut self) -> Self {
        self.any_org = true;
        self
    }

    /// A user account, owned by itself.
    pub fn user(id: Uuid) -> Self {
        Self::of(ResourceType::User).owned_by(id).with_id(id)
    }
}

/// Coder's vote over a set of permissions: −1 if a matching one is negated, else 1 if one
/// matches, else 0.
pub(crate) fn vote<'a>(perms: impl IntoIterator<Item = &'a Permission>, resource: ResourceType, act: Action) -> i8 {
    let mut allowed = false;
    for p in perms {
        if p.matches(resource, act) {
            if p.negate {
                return -1;
            }
            allowed = true;
        }
    }
    i8::from(allowed)
}

/// The four votes of the subject's roles on one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Votes {
    pub site: i8,
    pub user: i8,
    pub org: i8,
    pub member: i8,
}

impl Votes {
    /// Coder's `role_allow`.
    pub fn allow(self) -> bool {
        self.site == 1 || (self.site != -1 && (self.user == 1 || self.org == 1 || (self.org != -1 && self.member == 1)))
    }
}

/// The org and member votes in one organization.
pub(crate) fn org_votes(subject: &Subject, org: Uuid, resource: ResourceType, act: Action) -> (i8, i8) {
    let org_vote = vote(subject.roles_in(org).flat_map(|r| r.org.iter()), resource, act);
    let member_vote = vote(subject.roles_in(org).flat_map(|r| r.member.iter()), resource, act);
    (org_vote, member_vote)
}

/// The site vote of the subject's roles (every role's site level, organization roles' too).
pub(crate) fn site_vote(subject: &Subject, resource: ResourceType, act: Action) -> i8 {
    vote(subject.all_roles().flat_map(|r| r.site.iter()), resource, act)
}

/// The subject's user-level vote (on objects it owns outside any organization).
pub(crate) fn user_vote(subject: &Subject, resource: ResourceType, act: Action) -> i8 {
    vote(subject.all_roles().flat_map(|r| r.user.iter()), resource, act)
}

/// The four votes, given the site vote already counted.
fn votes(subject: &Subject, act: Action, object: &Object, site: i8) -> Votes {
    let owns = object.owner == Some(subject.user_id);
    let user = if owns && object.org.is_none() && !object.any_org { user_vote(subject, object.resource, act) } else { 0 };
    let (org, member) = if object.any_org {
        let all: Vec<(i8, i8)> = subject.org_roles.keys().map(|o| org_votes(subject, *o, object.resource, act)).collect();
        (all.iter().map(|v| v.0).max().unwrap_or(0), if owns { all.iter().map(|v| v.1).max().unwrap_or(0) } else { 0 })
    } else {
        match object.org.filter(|o| subject.is_member_of(*o)) {
            Some(o) => {
                let (org, member) = org_votes(subject, o, object.resource, act);
                (org, if owns { member } else { 0 })
            }
            None => (0, 0),
        }
    };
    Votes { site, user, org, member }
}

/// Whether `subject` may perform `act` on `object`: the roles must allow it (Coder's
/// `role_allow`), and so must the API key's scope and allow list.
pub fn authorize(subject: &Subject, act: Action, object: &Object) -> bool {
    if object.any_org && object.org.is_some_and(|o| !o.is_nil()) {
        // Coder's authorizer refuses the combination (an error, read as a denial).
        return false;
    }
    if !scope_allows(subject, act, object) {
        return false;
    }
    // A site grant decides at once (Coder's first `role_allow` rule); the other levels are
    // counted only when it does not, which keeps the hot path (owners, `/users/me`) short.
    match site_vote(subject, object.resource, act) {
        1 => true,
        -1 => false,
        site => votes(subject, act, object, site).allow(),
    }
}

/// Whether the API key in use permits `act` on `object` (always, for unscoped keys): checked on
/// its own where access comes from an object's ACL rather than from roles.
pub fn scope_allows(subject: &Subject, act: Action, object: &Object) -> bool {
    subject.scope.as_ref().is_none_or(|s| s.allows(act, object))
}
