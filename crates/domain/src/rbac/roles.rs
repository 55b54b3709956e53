//! The built-in roles as data, transcribed from Coder's `coderd/rbac/roles.go` with its default
//! deployment options (owners may open workspaces, sharing on, organizations sharing with
//! everyone): each role's permissions at the site, user, org and member levels, and
//! `assignRoles`, the table of who may grant which role.

use std::sync::OnceLock;

use uuid::Uuid;

use super::model::{Action as A, Permission, ResourceType as R};
use super::policy::Subject;
use super::role;

/// Where a role can be granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleScope {
    /// Granted on the user account; applies site-wide.
    Site,
    /// Granted on an organization membership; applies in that organization.
    Organization,
    /// Held only by the server's own named subjects (`crate::authz::System`): never granted,
    /// listed or assignable.
    System,
}

/// A built-in role.
#[derive(Debug, Clone)]
pub struct Role {
    /// Identifier, e.g. `user-admin`.
    pub name: &'static str,
    /// Human-friendly name shown in Coder's UI (empty for the implicit system roles).
    pub display_name: &'static str,
    /// Site or organization.
    pub scope: RoleScope,
    /// Permissions on any object.
    pub site: Vec<Permission>,
    /// Permissions on objects the holder owns outside any organization.
    pub user: Vec<Permission>,
    /// Permissions on objects of the organization the role is held in.
    pub org: Vec<Permission>,
    /// Permissions on objects the holder owns in that organization.
    pub member: Vec<Permission>,
}

fn allow(pairs: &[(R, &[A])]) -> Vec<Permission> {
    pairs.iter().flat_map(|(r, acts)| acts.iter().map(move |a| Permission::allow(*r, *a))).collect()
}

/// One `<type> *` permission per type, except `excepts` (Coder's `allPermsExcept`: never the
/// wildcard type itself).
fn all_except(excepts: &[R]) -> Vec<Permission> {
    R::concrete().filter(|t| !excepts.contains(t)).map(|t| Permission::allow(t, A::Wildcard)).collect()
}

/// Every workspace action (the type's whole action set).
fn workspace_all() -> &'static [A] {
    R::Workspace.actions()
}
/// What owners and organization admins may do to dormant workspaces (no start, no exec, no share).
const DORMANT: &[A] = &[A::Read, A::Delete, A::Create, A::Update, A::Stop, A::CreateAgent, A::DeleteAgent, A::UpdateAgent];
const CRUD: &[A] = &[A::Create, A::Read, A::Update, A::Delete];

/// The workspace bundle of an organization member (`OrgWorkspaceAccessMemberPerms`).
fn workspace_bundle() -> Vec<Permission> {
    allow(&[
        (R::File, &[A::Create, A::Read]),
        (R::ProvisionerDaemon, &[A::Create, A::Read]),
        (R::Task, CRUD),
        (R::Workspace, workspace_all()),
        (R::WorkspaceDormant, DORMANT),
    ])
}

/// What every organization member may do to their own things there (the floor of
/// `OrgMemberPermissions`).
fn member_floor() -> Vec<Permission> {
    allow(&[
        (R::AibridgeInterception, &[A::Create, A::Update]),
        (R::ApiKey, &[A::Create, A::Read, A::Delete, A::Update]),
        (R::GroupMember, &[A::Read]),
        (R::InboxNotification, &[A::Create, A::Read, A::Update]),
        (R::NotificationMessage, &[A::Read, A::Update]),
        (R::NotificationPreference, &[A::Read, A::Update]),
        (R::OrganizationMember, &[A::Read]),
    ])
}

/// What template admins may do, at site level (`template-admin`) or in their organization
/// (`organization-template-admin`).
fn template_admin_core() -> Vec<Permission> {
    allow(&[
        (R::File, &[A::Create, A::Read]),
        (R::Group, &[A::Read]),
        (R::GroupMember, &[A::Read]),
        (R::Organization, &[A::Read]),
        (R::OrganizationMember, &[A::Read]),
        (R::PrebuiltWorkspace, &[A::Update, A::Delete]),
        (R::ProvisionerDaemon, CRUD),
        (R::Template, &[A::Create, A::Use, A::Read, A::Update, A::Delete, A::ViewInsights]),
        (R::Workspace, &[A::Read]),
        (R::WorkspaceDormant, &[A::Read]),
    ])
}

/// What auditors read, site-wide (`auditor`) or in their organization (`organization-auditor`).
fn auditor_core() -> Vec<Permission> {
    allow(&[
        (R::AuditLog, &[A::Read]),
        (R::ConnectionLog, &[A::Read]),
        (R::Group, &[A::Read]),
        (R::GroupMember, &[A::Read]),
        (R::Organization, &[A::Read]),
        (R::OrganizationMember, &[A::Read]),
        (R::Template, &[A::Read, A::ViewInsights]),
    ])
}

/// What user admins manage, site-wide (`user-admin`) or in their organization
/// (`organization-user-admin`).
fn user_admin_core() -> Vec<Permission> {
    allow(&[
        (R::AssignOrgRole, &[A::Assign, A::Unassign, A::Read]),
        (R::Group, CRUD),
        (R::GroupMember, &[A::Read]),
        (R::IdpsyncSettings, &[A::Read, A::Update]),
        (R::Organization, &[A::Read]),
        (R::OrganizationMember, CRUD),
    ])
}

/// `core` plus `extra`.
fn with(mut core: Vec<Permission>, extra: &[(R, &[A])]) -> Vec<Permission> {
    core.extend(allow(extra));
    core
}

fn site_role(name: &'static str, display_name: &'static str, site: Vec<Permission>, user: Vec<Permission>) -> Role {
    Role { name, display_name, scope: RoleScope::Site, site, user, org: Vec::new(), member: Vec::new() }
}

fn org_role(name: &'static str, display_name: &'static str, site: Vec<Permission>, org: Vec<Permission>, member: Vec<Permission>) -> Role {
    Role { name, display_name, scope: RoleScope::Organization, site, user: Vec::new(), org, member }
}

fn build() -> Vec<Role> {
    let mut owner = all_except(&[
        R::WorkspaceDormant,
        R::PrebuiltWorkspace,
        R::Workspace,
        R::UserSecret,
        R::UsageEvent,
        R::BoundaryUsage,
        R::BoundaryLog,
        R::UserSkill,
        R::AiSeat,
    ]);
    owner.extend(allow(&[
        (R::BoundaryLog, &[A::Read]),
        (R::PrebuiltWorkspace, &[A::Update, A::Delete]),
        (R::UserSkill, &[A::Read, A::Delete]),
        (R::Workspace, workspace_all()),
        (R::WorkspaceDormant, DORMANT),
    ]));
    let mut member_user = all_except(&[
        R::WorkspaceDormant,
        R::PrebuiltWorkspace,
        R::Workspace,
        R::User,
        R::OrganizationMember,
        R::BoundaryUsage,
        R::BoundaryLog,
        R::AibridgeInterception,
        R::Chat,
        R::AiSeat,
    ]);
    member_user.extend(allow(&[
        (R::AibridgeInterception, &[A::Create, A::Update]),
        (R::BoundaryLog, &[A::Create]),
        (R::ProvisionerDaemon, &[A::Read, A::Create, A::Update]),
        (R::User, &[A::Read, A::ReadPersonal, A::UpdatePersonal]),
    ]));
    let mut org_admin = all_except(&[
        R::Workspace,
        R::WorkspaceDormant,
        R::PrebuiltWorkspace,
        R::AssignRole,
        R::UserSecret,
        R::BoundaryUsage,
        R::BoundaryLog,
        R::AiSeat,
    ]);
    org_admin.extend(allow(&[
        (R::PrebuiltWorkspace, &[A::Update, A::Delete]),
        (
            R::Workspace,
            &[A::Create, A::Read, A::Update, A::Delete, A::Start, A::Stop, A::CreateAgent, A::DeleteAgent, A::UpdateAgent, A::Share],
        ),
        (R::WorkspaceDormant, DORMANT),
    ]));
    let mut org_member = workspace_bundle();
    org_member.extend(member_floor());
    let org_member_org = allow(&[
        (R::AssignOrgRole, &[A::Read]),
        (R::Group, &[A::Read]),
        (R::Organization, &[A::Read]),
        (R::OrganizationMember, &[A::Read]),
        (R::ProvisionerDaemon, &[A::Read]),
    ]);
    vec![
        site_role(role::OWNER, "Owner", owner, Vec::new()),
        site_role(
            role::USER_ADMIN,
            "User Admin",
            with(
                user_admin_core(),
                &[
                    (R::AssignRole, &[A::Assign, A::Unassign, A::Read]),
                    (R::User, &[A::Create, A::Read, A::Update, A::Delete, A::UpdatePersonal, A::ReadPersonal]),
                ],
            ),
            Vec::new(),
        ),
        site_role(
            role::TEMPLATE_ADMIN,
            "Template Admin",
            with(template_admin_core(), &[(R::AssignOrgRole, &[A::Read]), (R::User, &[A::Read])]),
            Vec::new(),
        ),
        site_role(
            role::AUDITOR,
            "Auditor",
            with(
                auditor_core(),
                &[
                    (R::AibridgeInterception, &[A::Read]),
                    (R::AssignOrgRole, &[A::Read]),
                    (R::BoundaryLog, &[A::Read]),
                    (R::DeploymentConfig, &[A::Read]),
                    (R::DeploymentStats, &[A::Read]),
                    (R::User, &[A::Read]),
                ],
            ),
            Vec::new(),
        ),
        site_role(
            role::MEMBER,
            "Member",
            allow(&[(R::AssignRole, &[A::Read]), (R::Oauth2App, &[A::Read]), (R::WorkspaceProxy, &[A::Read])]),
            member_user,
        ),
        org_role(role::ORG_ADMIN, "Organization Admin", allow(&[(R::User, &[A::Read])]), org_admin, Vec::new()),
        org_role(role::ORG_AUDITOR, "Organization Auditor", Vec::new(), auditor_core(), Vec::new()),
        org_role(role::ORG_USER_ADMIN, "Organization User Admin", allow(&[(R::User, &[A::Read])]), user_admin_core(), Vec::new()),
        org_role(
            role::ORG_TEMPLATE_ADMIN,
            "Organization Template Admin",
            Vec::new(),
            with(template_admin_core(), &[(R::ProvisionerJobs, &[A::Read, A::Update, A::Create])]),
            Vec::new(),
        ),
        org_role(
            role::ORG_WORKSPACE_CREATION_BAN,
            "Organization Workspace Creation Ban",
            Vec::new(),
            [A::Create, A::Delete, A::CreateAgent, A::DeleteAgent].into_iter().map(|a| Permission::deny(R::Workspace, a)).collect(),
            Vec::new(),
        ),
        org_role(role::ORG_WORKSPACE_ACCESS, "Organization Workspace Access", Vec::new(), Vec::new(), workspace_bundle()),
        org_role(
            role::AGENTS_ACCESS,
            "Coder Agents User",
            Vec::new(),
            Vec::new(),
            allow(&[(R::Chat, &[A::Create, A::Read, A::Share, A::Update])]),
        ),
        org_role(role::ORG_MEMBER, "", Vec::new(), org_member_org.clone(), org_member.clone()),
        org_role(role::ORG_SERVICE_ACCOUNT, "", Vec::new(), org_member_org, org_member),
    ]
}

/// Every built-in role, site roles first, then organization roles, then the system roles.
pub fn roles() -> &'static [Role] {
    static ROLES: OnceLock<Vec<Role>> = OnceLock::new();
    ROLES.get_or_init(|| {
        let mut all = build();
        all.extend(system_roles());
        all
    })
}

fn system_role(name: &'static str, site: Vec<Permission>) -> Role {
    Role { name, display_name: "", scope: RoleScope::System, site, user: Vec::new(), org: Vec::new(), member: Vec::new() }
}

/// The permissions of the server's own work (Coder's `dbauthz.As*` subjects), each as narrow as
/// the work it does: a site-level role nobody can be granted.
fn system_roles() -> Vec<Role> {
    use super::system_role as sr;
    vec![
        // Authenticating requests and signing in: keys, the users behind them, their
        // memberships, and the accounts and memberships an external login creates or syncs.
        system_role(
            sr::LOGIN,
            allow(&[
                (R::ApiKey, CRUD),
                (R::User, &[A::Create, A::Read, A::Update, A::UpdatePersonal, A::ReadPersonal]),
                (R::Organization, &[A::Read]),
                (R::OrganizationMember, CRUD),
                (R::Group, &[A::Create, A::Read, A::Update]),
                (R::GroupMember, &[A::Read]),
                (R::AssignRole, &[A::Read, A::Assign, A::Unassign]),
                (R::AssignOrgRole, &[A::Read, A::Assign, A::Unassign]),
                (R::IdpsyncSettings, &[A::Read]),
                (R::System, &[A::Read, A::Update]),
            ]),
        ),
        // The OAuth2 provider's token and revocation endpoints, which authenticate clients by
        // their own secrets and mint keys for the users who granted them.
        system_role(
            sr::OAUTH2,
            allow(&[
                // Dynamic client registration (RFC 7591) manages clients by their own
                // registration tokens.
                (R::Oauth2App, CRUD),
                (R::Oauth2AppSecret, CRUD),
                (R::Oauth2AppCodeToken, &[A::Create, A::Read, A::Delete]),
                (R::ApiKey, CRUD),
                (R::User, &[A::Read]),
                (R::OrganizationMember, &[A::Read]),
                (R::System, &[A::Read]),
            ]),
        ),
        // The SCIM provisioning endpoints, which authenticate by the deployment's SCIM key.
        system_role(
            sr::SCIM,
            allow(&[
                (R::User, &[A::Create, A::Read, A::Update, A::Delete, A::UpdatePersonal, A::ReadPersonal]),
                (R::ApiKey, &[A::Read, A::Delete]),
                (R::Organization, &[A::Read]),
                (R::OrganizationMember, CRUD),
                (R::Group, CRUD),
                (R::GroupMember, &[A::Read]),
                (R::System, &[A::Read, A::Update]),
            ]),
        ),
        // Provisioner daemons: the job queue, the sources and templates they build, and the
        // workspaces and agents a build produces.
        system_role(
            sr::PROVISIONERD,
            allow(&[
                (R::ProvisionerJobs, &[A::Read, A::Update, A::Create]),
                (R::ProvisionerDaemon, &[A::Read, A::Create, A::Update]),
                (R::File, &[A::Read]),
                (R::Template, &[A::Read, A::Update]),
                (R::Workspace, &[A::Read, A::Update, A::Delete, A::CreateAgent, A::UpdateAgent, A::DeleteAgent]),
                (R::User, &[A::Read]),
                (R::Organization, &[A::Read]),
                (R::System, &[A::Read, A::Update]),
            ]),
        ),
        // Workspace agents, authenticated by their own tokens: their workspace, its build and
        // template, and the connections they report.
        system_role(
            sr::AGENT,
            allow(&[
                (R::Workspace, &[A::Read, A::Update, A::UpdateAgent]),
                (R::Template, &[A::Read]),
                (R::User, &[A::Read]),
                (R::ProvisionerJobs, &[A::Read]),
                (R::ConnectionLog, &[A::Update]),
                (R::System, &[A::Read]),
            ]),
        ),
        // Background jobs: replica heartbeats, entitlements, proxy health, and the cleanups
        // (expired OAuth2 codes and tokens, silent daemons, hung jobs).
        system_role(
            sr::BACKGROUND,
            allow(&[
                (R::Replicas, &[A::Read]),
                (R::License, &[A::Read]),
                (R::User, &[A::Read]),
                (R::WorkspaceProxy, &[A::Read, A::Update]),
                (R::Oauth2AppCodeToken, &[A::Delete]),
                (R::ProvisionerDaemon, &[A::Read, A::Delete]),
                (R::ProvisionerJobs, &[A::Read, A::Update]),
                (R::System, &[A::Read, A::Update, A::Create, A::Delete]),
            ]),
        ),
        // First-user setup: the owner, the default organization with its Everyone group, the
        // membership, and the trial license the owner may ask for.
        system_role(
            sr::SETUP,
            allow(&[
                (R::User, &[A::Create, A::Read]),
                (R::Organization, &[A::Create, A::Read]),
                (R::Group, &[A::Create]),
                (R::OrganizationMember, &[A::Create, A::Read]),
                (R::AssignRole, &[A::Assign]),
                (R::License, &[A::Create, A::Read]),
                (R::System, &[A::Read, A::Update]),
            ]),
        ),
        // Workspace proxies (authenticated by their tokens) registering themselves, and the
        // health checks that visit them.
        system_role(
            sr::PROXY,
            allow(&[(R::WorkspaceProxy, &[A::Read, A::Update]), (R::Replicas, &[A::Read]), (R::System, &[A::Read, A::Update])]),
        ),
        // Requests that sign in nobody but need deployment data: the build info, the
        // deployment id, appearance and the health probes.
        system_role(sr::SITE, allow(&[(R::System, &[A::Read]), (R::DeploymentConfig, &[A::Read])])),
    ]
}

/// Looks a built-in role up by name: the common names by a direct match (this runs for every
/// role of every subject on every decision), the rest by a scan.
pub fn role_def(name: &str) -> Option<&'static Role> {
    let all = roles();
    let at = |i: usize| all.get(i).filter(|r| r.name == name);
    match name {
        role::OWNER => at(0),
        role::MEMBER => at(4),
        role::ORG_MEMBER => at(ORG_MEMBER_INDEX),
        _ => None,
    }
    .or_else(|| all.iter().find(|r| r.name == name))
}

/// The owner role of a deployment that withholds workspace access from owners
/// (`CODER_DISABLE_OWNER_WORKSPACE_ACCESS`, `NoOwnerWorkspaceExec` in Coder's `rbac/roles.go`):
/// no SSH and no application access to workspaces through the role. Owners keep both on their
/// own workspaces, through the member role.
pub fn owner_without_workspace_exec() -> &'static Role {
    static ROLE: OnceLock<Role> = OnceLock::new();
    ROLE.get_or_init(|| {
        let mut owner = role_def(role::OWNER).cloned().unwrap_or_else(|| build().swap_remove(0));
        owner.site.retain(|p| !(p.resource == R::Workspace && matches!(p.action, A::Ssh | A::ApplicationConnect)));
        owner
    })
}

/// Where `organization-member` sits in [`roles`] (checked by the fast path above).
const ORG_MEMBER_INDEX: usize = 12;

/// Site roles that can be granted explicitly and are listed by `GET /users/roles` (the
/// implicit `member` is not).
pub fn assignable_site_roles() -> impl Iterator<Item = &'static Role> {
    roles().iter().filter(|r| r.scope == RoleScope::Site && r.name != role::MEMBER)
}

/// Organization roles listed by `GET /organizations/{org}/members/roles` (the implicit system
/// roles, with no display name, are not).
pub fn assignable_org_roles() -> impl Iterator<Item = &'static Role> {
    roles().iter().filter(|r| r.scope == RoleScope::Organization && !r.display_name.is_empty())
}

/// Coder's `assignRoles`: which roles a holder of `assigner` may grant or take away. Nobody may
/// assign `organization-service-account`.
fn can_assign(assigner: &str, target: &str) -> bool {
    use role::*;
    match assigner {
        // The server's own sign-up paths grant roles as Coder's internal `system` subject does.
        OWNER | super::system_role::SETUP | super::system_role::LOGIN | super::system_role::SCIM => matches!(
            target,
            OWNER
                | AUDITOR
                | MEMBER
                | TEMPLATE_ADMIN
                | USER_ADMIN
                | ORG_ADMIN
                | ORG_MEMBER
                | ORG_AUDITOR
                | ORG_USER_ADMIN
                | ORG_TEMPLATE_ADMIN
                | ORG_WORKSPACE_CREATION_BAN
                | ORG_WORKSPACE_ACCESS
                | AGENTS_ACCESS
        ),
        USER_ADMIN => matches!(target, MEMBER | ORG_MEMBER | ORG_WORKSPACE_ACCESS | AGENTS_ACCESS),
        ORG_ADMIN => matches!(
            target,
            ORG_ADMIN
                | ORG_MEMBER
                | ORG_AUDITOR
                | ORG_USER_ADMIN
                | ORG_TEMPLATE_ADMIN
                | ORG_WORKSPACE_CREATION_BAN
                | ORG_WORKSPACE_ACCESS
                | AGENTS_ACCESS
        ),
        ORG_USER_ADMIN => matches!(target, ORG_MEMBER | ORG_WORKSPACE_ACCESS | AGENTS_ACCESS),
        _ => false,
    }
}

/// Whether `subject` may grant or remove the site role `target` (Coder's `CanAssignRole`: only
/// site roles of the subject count for site roles).
pub fn can_assign_site_role(subject: &Subject, target: &str) -> bool {
    role_def(target).is_some_and(|r| r.scope == RoleScope::Site) && subject.site_roles.iter().any(|r| can_assign(r, target))
}

/// Whether `subject` may grant or remove the organization role `target` in `org`: through a
/// site role, or an organization role held in that same organization.
pub fn can_assign_org_role(subject: &Subject, org: Uuid, target: &str) -> bool {
    role_def(target).is_some_and(|r| r.scope == RoleScope::Organization)
        && (subject.site_roles.iter().any(|r| can_assign(r, target))
            || subject.org_roles.get(&org).is_some_and(|roles| roles.iter().any(|r| can_assign(r, target))))
}
