//! The decision function checked against Coder's own expectations (`coderd/rbac/roles_test.go`)
//! and, exhaustively, against the role and scope tables.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::roles::roles;
use super::*;

fn subject_with(id: Uuid, site: &[&str], orgs: &[(Uuid, &[&str])]) -> Subject {
    // Built as Coder's test subjects are: the roles named, plus the site `member`; no implied
    // `organization-member` unless named.
    let mut site: Vec<String> = site.iter().map(|s| s.to_string()).collect();
    site.push(role::MEMBER.into());
    let org_roles: BTreeMap<Uuid, Vec<String>> = orgs.iter().map(|(o, r)| (*o, r.iter().map(|s| s.to_string()).collect())).collect();
    Subject { user_id: id, site_roles: site, org_roles, scope: None, workspace_exec_withheld: false }
}

fn subject(site: &[&str], orgs: &[(Uuid, &[&str])]) -> Subject {
    Subject::new(
        Uuid::new_v4(),
        &site.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        orgs.iter().map(|(o, r)| (*o, r.iter().map(|s| s.to_string()).collect())),
    )
}

/// The cast of `roles_test.go`.
struct Cast {
    me: Uuid,
    org: Uuid,
    subjects: BTreeMap<&'static str, Subject>,
}

fn cast() -> Cast {
    let (me, org, other) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let mut s = BTreeMap::new();
    let any = Uuid::new_v4;
    s.insert("memberMe", subject_with(me, &[], &[]));
    s.insert("owner", subject_with(any(), &[role::OWNER], &[]));
    s.insert("templateAdmin", subject_with(any(), &[role::TEMPLATE_ADMIN], &[]));
    s.insert("userAdmin", subject_with(any(), &[role::USER_ADMIN], &[]));
    s.insert("auditor", subject_with(any(), &[role::AUDITOR], &[]));
    s.insert("orgAdmin", subject_with(any(), &[], &[(org, &[role::ORG_ADMIN])]));
    s.insert("orgAuditor", subject_with(any(), &[], &[(org, &[role::ORG_AUDITOR])]));
    s.insert("orgUserAdmin", subject_with(any(), &[], &[(org, &[role::ORG_USER_ADMIN])]));
    s.insert("orgTemplateAdmin", subject_with(any(), &[], &[(org, &[role::ORG_TEMPLATE_ADMIN])]));
    s.insert("otherOrgAdmin", subject_with(any(), &[], &[(other, &[role::ORG_ADMIN])]));
    s.insert("otherOrgUserAdmin", subject_with(any(), &[], &[(other, &[role::ORG_USER_ADMIN])]));
    s.insert("otherOrgTemplateAdmin", subject_with(any(), &[], &[(other, &[role::ORG_TEMPLATE_ADMIN])]));
    s.insert("orgAdminBan", subject_with(any(), &[], &[(org, &[role::ORG_ADMIN, role::ORG_WORKSPACE_CREATION_BAN])]));
    s.insert("agentsAccess", subject_with(me, &[], &[(org, &[role::AGENTS_ACCESS])]));
    s.insert("orgWsAccess", subject_with(me, &[], &[(org, &[role::ORG_WORKSPACE_ACCESS])]));
    s.insert("orgMemberMe", subject_with(me, &[], &[(org, &[role::ORG_MEMBER])]));
    Cast { me, org, subjects: s }
}

impl Cast {
    #[track_caller]
    fn check(&self, who: &[&str], acts: &[Action], object: Object, expected: bool) {
        for name in who {
            let s = &self.subjects[name];
            for a in acts {
                assert_eq!(authorize(s, *a, &object), expected, "{name} {a} {object:?}");
            }
        }
    }
}

#[test]
fn coder_role_expectations() {
    use Action as A;
    use ResourceType as R;
    let c = cast();
    let (me, org) = (c.me, c.org);
    let ws = Object::of(R::Workspace).in_org(org).owned_by(me).with_id(Uuid::new_v4());
    let user_me = Object::user(me);
    c.check(&["memberMe", "orgAdmin", "orgUserAdmin", "otherOrgAdmin", "otherOrgUserAdmin"], &[A::Read], user_me, true);
    c.check(&["orgTemplateAdmin", "orgAuditor"], &[A::Read], user_me, false);
    c.check(&["memberMe", "agentsAccess", "userAdmin", "orgUserAdmin", "orgAuditor"], &[A::Read], ws, false);
    c.check(&["owner", "orgAdmin", "templateAdmin", "orgTemplateAdmin", "orgAdminBan", "orgWsAccess"], &[A::Read], ws, true);
    c.check(&["templateAdmin", "orgTemplateAdmin"], &[A::Update], ws, false);
    c.check(&["orgAdminBan"], &[A::Create, A::Delete, A::CreateAgent, A::DeleteAgent], ws, false);
    c.check(&["orgAdminBan"], &[A::Read, A::Update, A::UpdateAgent, A::Share], ws, true);
    c.check(&["orgWsAccess"], &[A::Create, A::Delete, A::Ssh, A::ApplicationConnect, A::Start, A::Stop, A::Share], ws, true);
    let ws_anyone = Object::of(R::Workspace).in_org(org).owned_by(NOBODY);
    c.check(&["owner", "orgAdmin"], &[A::Create], ws_anyone, true);
    c.check(&["orgWsAccess", "memberMe"], &[A::Create], ws_anyone, false);
    c.check(&["orgAdmin", "orgUserAdmin", "orgTemplateAdmin", "orgAuditor"], &[A::Ssh, A::ApplicationConnect], ws, false);
    let ws_elsewhere = Object::of(R::Workspace).in_org(Uuid::new_v4()).owned_by(Uuid::new_v4());
    c.check(&["owner"], &[A::Ssh], ws_elsewhere, true);
    let dormant = Object::of(R::WorkspaceDormant).in_org(org).owned_by(me);
    c.check(&["owner", "orgAdmin", "orgWsAccess"], &[A::Share, A::Start, A::Ssh, A::ApplicationConnect], dormant, false);
    c.check(&["owner", "orgAdmin", "templateAdmin", "orgTemplateAdmin", "orgWsAccess"], &[A::Read], dormant, true);
    c.check(&["templateAdmin", "orgTemplateAdmin"], &[A::Create, A::Update, A::Delete, A::Stop], dormant, false);
    let prebuilt = Object::of(R::PrebuiltWorkspace).in_org(org).owned_by(Uuid::new_v4());
    c.check(&["owner", "orgAdmin", "templateAdmin", "orgTemplateAdmin"], &[A::Update, A::Delete], prebuilt, true);
    c.check(&["orgWsAccess"], &[A::Update, A::Delete], prebuilt, false);
    let task = Object::of(R::Task).in_org(org).owned_by(me);
    c.check(&["owner", "orgAdmin", "orgWsAccess"], &[A::Create, A::Read, A::Update, A::Delete], task, true);
    c.check(&["memberMe", "templateAdmin"], &[A::Create, A::Read], task, false);
    let file = Object::of(R::File).with_id(Uuid::new_v4());
    c.check(&["owner", "templateAdmin"], &[A::Create], file, true);
    c.check(&["orgAdmin", "orgTemplateAdmin"], &[A::Create], file, false);
    let my_file = Object::of(R::File).owned_by(me);
    c.check(&["memberMe", "agentsAccess", "orgWsAccess", "templateAdmin"], &[A::Create, A::Read], my_file, true);
    c.check(&["userAdmin", "orgAdmin"], &[A::Create], my_file, false);
    let template = Object::of(R::Template).in_org(org);
    c.check(&["owner", "orgAuditor", "orgAdmin", "templateAdmin", "orgTemplateAdmin"], &[A::Read, A::ViewInsights], template, true);
    c.check(&["orgUserAdmin", "memberMe"], &[A::Read], template, false);
    c.check(&["owner"], &[A::Create], Object::of(R::Organization), true);
    c.check(&["orgAdmin", "userAdmin", "templateAdmin", "memberMe"], &[A::Create], Object::of(R::Organization), false);
    let the_org = Object::of(R::Organization).in_org(org).with_id(org);
    c.check(&["owner", "orgAdmin"], &[A::Update, A::Delete], the_org, true);
    c.check(&["orgUserAdmin", "orgAuditor"], &[A::Update], the_org, false);
    c.check(&["auditor", "userAdmin", "templateAdmin", "orgAuditor", "orgUserAdmin", "orgTemplateAdmin"], &[A::Read], the_org, true);
    c.check(&["memberMe", "orgWsAccess"], &[A::Read], the_org, false);
    c.check(&["owner"], &[A::Create, A::Update, A::Delete], Object::of(R::AssignOrgRole), true);
    c.check(&["orgAdmin", "userAdmin"], &[A::Create], Object::of(R::AssignOrgRole), false);
    c.check(&["memberMe", "otherOrgAdmin", "orgAuditor"], &[A::Read], Object::of(R::AssignRole), true);
    c.check(&["owner", "userAdmin"], &[A::Assign, A::Unassign], Object::of(R::AssignRole), true);
    c.check(&["orgAdmin", "templateAdmin"], &[A::Assign], Object::of(R::AssignRole), false);
    let org_roles = Object::of(R::AssignOrgRole).in_org(org);
    c.check(&["owner", "orgAdmin", "userAdmin", "orgUserAdmin"], &[A::Assign, A::Unassign], org_roles, true);
    c.check(&["owner", "orgAdmin"], &[A::Create, A::Update], org_roles, true);
    c.check(&["orgUserAdmin", "userAdmin"], &[A::Create, A::Update], org_roles, false);
    c.check(&["templateAdmin", "userAdmin", "orgAdmin", "orgUserAdmin"], &[A::Read], org_roles, true);
    c.check(&["orgAuditor", "orgTemplateAdmin", "memberMe"], &[A::Read], org_roles, false);
    let key = Object::of(R::ApiKey).owned_by(me);
    c.check(&["memberMe", "agentsAccess", "orgWsAccess", "owner"], &[A::Create, A::Read, A::Update, A::Delete], key, true);
    c.check(&["templateAdmin", "userAdmin"], &[A::Read], key, false);
    let inbox = Object::of(R::InboxNotification).in_org(org).owned_by(me);
    c.check(&["owner", "orgAdmin"], &[A::Create, A::Read, A::Update], inbox, true);
    c.check(&["memberMe", "orgWsAccess"], &[A::Read], inbox, false);
    c.check(&["owner", "memberMe", "userAdmin", "orgWsAccess"], &[A::ReadPersonal, A::UpdatePersonal], user_me, true);
    c.check(&["templateAdmin"], &[A::ReadPersonal], user_me, false);
    let membership = Object::of(R::OrganizationMember).in_org(org).owned_by(me).with_id(me);
    c.check(&["owner", "orgAdmin", "userAdmin", "orgUserAdmin"], &[A::Create, A::Update, A::Delete], membership, true);
    c.check(&["memberMe", "agentsAccess", "orgWsAccess"], &[A::Read], membership, false);
    c.check(&["orgMemberMe", "templateAdmin", "orgTemplateAdmin", "orgAuditor"], &[A::Read], membership, true);
    let group_member = Object::of(R::GroupMember).in_org(org).owned_by(Uuid::new_v4());
    c.check(&["orgAuditor", "orgAdmin", "templateAdmin"], &[A::Read], group_member, true);
    c.check(&["memberMe"], &[A::Read], group_member, false);
    let daemon = Object::of(R::ProvisionerDaemon).in_org(org).owned_by(me);
    c.check(&["owner", "templateAdmin", "orgAdmin", "orgTemplateAdmin", "orgWsAccess"], &[A::Create], daemon, true);
    c.check(&["orgWsAccess"], &[A::Update, A::Delete], daemon, false);
    let jobs = Object::of(R::ProvisionerJobs).in_org(org);
    c.check(&["owner", "orgTemplateAdmin", "orgAdmin"], &[A::Read, A::Update, A::Create], jobs, true);
    c.check(&["templateAdmin"], &[A::Read], jobs, false);
    c.check(
        &["owner", "userAdmin", "orgAdmin", "otherOrgAdmin", "orgUserAdmin", "otherOrgUserAdmin"],
        &[A::Create],
        Object::of(R::OrganizationMember).in_any_org(),
        true,
    );
    c.check(&["templateAdmin", "orgAuditor"], &[A::Create], Object::of(R::OrganizationMember).in_any_org(), false);
    let any_template = Object::of(R::Template).in_any_org();
    c.check(
        &["owner", "templateAdmin", "orgTemplateAdmin", "otherOrgTemplateAdmin", "orgAdmin", "otherOrgAdmin"],
        &[A::Create],
        any_template,
        true,
    );
    c.check(&["userAdmin", "orgWsAccess"], &[A::Create], any_template, false);
    let any_ws = Object::of(R::Workspace).in_any_org().owned_by(me);
    c.check(&["owner", "orgAdmin", "otherOrgAdmin", "orgWsAccess"], &[A::Create], any_ws, true);
    c.check(&["memberMe", "templateAdmin", "orgTemplateAdmin"], &[A::Create], any_ws, false);
    let idp = Object::of(R::IdpsyncSettings).in_org(org);
    c.check(&["owner", "orgAdmin", "orgUserAdmin", "userAdmin"], &[A::Read, A::Update], idp, true);
    c.check(&["otherOrgAdmin"], &[A::Read], idp, false);
    c.check(&["owner", "userAdmin"], &[A::Read, A::Update], Object::of(R::IdpsyncSettings), true);
    c.check(&["orgAdmin", "orgUserAdmin"], &[A::Read], Object::of(R::IdpsyncSettings), false);
    let secret = Object::of(R::UserSecret).owned_by(me);
    c.check(&["memberMe", "agentsAccess", "orgWsAccess"], &[A::Create, A::Read, A::Update, A::Delete], secret, true);
    c.check(&["owner", "orgAdmin"], &[A::Read], Object::of(R::UserSecret).owned_by(Uuid::new_v4()), false);
    for t in [R::UsageEvent, R::BoundaryUsage, R::AiSeat] {
        c.check(&["owner", "orgAdmin", "auditor"], &[A::Read], Object::of(t), false);
    }
    let chat = Object::of(R::Chat).in_org(org).owned_by(me);
    c.check(&["owner", "orgAdmin", "agentsAccess"], &[A::Create, A::Read, A::Update, A::Share], chat, true);
    c.check(&["memberMe", "orgMemberMe", "orgWsAccess"], &[A::Create], chat, false);
    c.check(&["agentsAccess"], &[A::Delete], chat, false);
    for t in [R::License, R::DeploymentStats, R::DeploymentConfig, R::DebugInfo, R::Replicas, R::System, R::AuditLog, R::ConnectionLog] {
        c.check(&["owner"], &[A::Read], Object::of(t), true);
        c.check(&["memberMe", "templateAdmin", "userAdmin", "orgAdmin"], &[A::Read], Object::of(t), false);
    }
    c.check(&["memberMe", "orgAdmin", "templateAdmin"], &[A::Read], Object::of(R::Oauth2App), true);
    c.check(&["memberMe", "orgAdmin"], &[A::Read], Object::of(R::WorkspaceProxy), true);
    // A group ACL is evaluated apart from the roles; unknown types and actions are not
    // validated, only a wildcard reaches them.
    c.check(&["owner"], &[A::Unlisted], Object::of(R::User), true);
    c.check(&["owner"], &[A::Read], Object::of(R::Unlisted), false);
}

#[test]
fn any_org_with_an_organization_is_refused() {
    let s = subject(&[role::OWNER], &[]);
    assert!(authorize(&s, Action::Read, &Object::of(ResourceType::Template).in_any_org()));
    assert!(!authorize(&s, Action::Read, &Object::of(ResourceType::Template).in_any_org().in_org(Uuid::new_v4())));
    assert!(authorize(&s, Action::Read, &Object::of(ResourceType::Template).in_any_org().in_org(Uuid::nil())));
}

/// Every built-in role × type × action: a site grant reaches objects anywhere, a user grant only
/// the holder's objects outside organizations, an org grant only its organization, a member
/// grant only the holder's objects there; negations deny.
#[test]
fn every_role_type_and_action_follows_its_table() {
    let (org, elsewhere) = (Uuid::new_v4(), Uuid::new_v4());
    for role in roles() {
        let held = match role.scope {
            RoleScope::Site | RoleScope::System => subject_with(Uuid::new_v4(), &[role.name], &[]),
            RoleScope::Organization => Subject {
                user_id: Uuid::new_v4(),
                site_roles: Vec::new(),
                org_roles: BTreeMap::from([(org, vec![role.name.to_string()]), (elsewhere, Vec::new())]),
                scope: None,
                workspace_exec_withheld: false,
            },
        };
        let member_site: Vec<Permission> = if role.scope != RoleScope::Organization && role.name != role::MEMBER {
            role_def(role::MEMBER).unwrap().site.clone()
        } else {
            Vec::new()
        };
        let me = held.user_id;
        for t in ResourceType::concrete() {
            for a in t.actions() {
                let site = policy::vote(role.site.iter().chain(member_site.iter()), t, *a);
                let has = |perms: &[Permission]| policy::vote(perms.iter(), t, *a);
                let user = if role.scope != RoleScope::Organization {
                    let member_user = if role.name == role::MEMBER { Vec::new() } else { role_def(role::MEMBER).unwrap().user.clone() };
                    policy::vote(role.user.iter().chain(member_user.iter()), t, *a)
                } else {
                    0
                };
                let anywhere = Object::of(t).in_org(Uuid::new_v4()).owned_by(Uuid::new_v4());
                assert_eq!(authorize(&held, *a, &anywhere), site == 1, "{} {a} {t} elsewhere", role.name);
                let mine = Object::of(t).owned_by(me);
                assert_eq!(authorize(&held, *a, &mine), site == 1 || (site != -1 && user == 1), "{} {a} {t} own", role.name);
                let in_org = Object::of(t).in_org(org).owned_by(Uuid::new_v4());
                let org_vote = has(&role.org);
                assert_eq!(authorize(&held, *a, &in_org), site == 1 || (site != -1 && org_vote == 1), "{} {a} {t} in org", role.name);
                let mine_in_org = Object::of(t).in_org(org).owned_by(me);
                let member_vote = has(&role.member);
                assert_eq!(
                    authorize(&held, *a, &mine_in_org),
                    site == 1 || (site != -1 && (org_vote == 1 || (org_vote != -1 && member_vote == 1))),
                    "{} {a} {t} own in org",
                    role.name
                );
                if role.scope == RoleScope::Organization {
                    let other_org = Object::of(t).in_org(elsewhere).owned_by(me);
                    assert_eq!(authorize(&held, *a, &other_org), site == 1, "{} {a} {t} other org", role.name);
                }
            }
        }
    }
}

/// Every scope bundle × type × action, for an owner: allowed exactly when the bundle lists it
/// (and the owner's roles do).
#[test]
fn every_scope_bundle_type_and_action() {
    let mut s = subject(&[role::OWNER], &[]);
    let unscoped = s.clone();
    for name in [
        "coder:all",
        "coder:application_connect",
        "coder:workspaces.create",
        "coder:workspaces.operate",
        "coder:workspaces.delete",
        "coder:workspaces.access",
        "coder:templates.build",
        "coder:templates.author",
        "coder:apikeys.manage_self",
    ] {
        s.scope = KeyScope::of_key(&[name.to_string()], &[]);
        let bundle = scope_bundle(name).unwrap();
        for t in ResourceType::concrete() {
            for a in t.actions() {
                let o = Object::of(t).in_org(Uuid::new_v4()).owned_by(s.user_id).with_id(Uuid::new_v4());
                let listed = policy::vote(bundle.iter(), t, *a) == 1;
                assert_eq!(authorize(&s, *a, &o), listed && authorize(&unscoped, *a, &o), "{name} {a} {t}");
            }
        }
    }
}

#[test]
fn scope_bundles_grant_exactly_their_permissions() {
    let org = Uuid::new_v4();
    let mut s = subject(&[], &[(org, &[])]);
    let ws = Object::of(resource::WORKSPACE).in_org(org).owned_by(s.user_id).with_id(Uuid::new_v4());
    let tpl = Object::of(resource::TEMPLATE).in_org(org).with_id(Uuid::new_v4());
    let file = Object::of(resource::FILE).owned_by(s.user_id);
    let me = Object::user(s.user_id);
    type Checks<'a> = &'a [(Action, &'a Object)];
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
            assert!(authorize(&s, *act, obj), "{scope} must allow {act} on {}", obj.resource);
        }
        for (act, obj) in *refused {
            assert!(!authorize(&s, *act, obj), "{scope} must refuse {act} on {}", obj.resource);
        }
    }
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
        for t in [ResourceType::Workspace, ResourceType::Template, ResourceType::Group, ResourceType::User] {
            let v = visibility(s, action::READ, t);
            for (id, owner, o) in rows {
                let obj = Object::of(t).in_org(o).owned_by(owner).with_id(id);
                assert_eq!(v.admits(Some(id), Some(owner), Some(o)), authorize(s, action::READ, &obj), "{t}");
                let orgless = Object::of(t).owned_by(owner).with_id(id);
                assert_eq!(v.admits(Some(id), Some(owner), None), authorize(s, action::READ, &orgless), "{t} outside orgs");
            }
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
    let banned = subject(&[], &[(org, &[role::ORG_WORKSPACE_CREATION_BAN])]);
    check(&banned);
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
    s.scope = KeyScope::of_key(&all(&["workspace:*"]), &[]);
    assert!(authorize(&s, action::SSH, &Object::of(resource::WORKSPACE).in_org(Uuid::new_v4())));
    assert!(!authorize(&s, action::READ, &Object::of(resource::TEMPLATE).in_org(Uuid::new_v4())));
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
    assert!(!can_assign_org_role(&owner, Uuid::new_v4(), role::ORG_SERVICE_ACCOUNT), "nobody assigns service accounts");
    let member = subject(&[], &[]);
    assert!(!can_assign_site_role(&member, role::AUDITOR));
    let org = Uuid::new_v4();
    assert!(can_assign_org_role(&admin, org, role::ORG_MEMBER));
    assert!(can_assign_org_role(&admin, org, role::ORG_WORKSPACE_ACCESS));
    assert!(!can_assign_org_role(&admin, org, role::ORG_ADMIN), "user admins cannot make org admins");
    let org_admin = subject(&[], &[(org, &[role::ORG_ADMIN])]);
    assert!(can_assign_org_role(&org_admin, org, role::ORG_ADMIN));
    assert!(!can_assign_org_role(&org_admin, Uuid::new_v4(), role::ORG_ADMIN));
    assert!(!can_assign_site_role(&org_admin, role::MEMBER), "organization roles never grant site roles");
    let listed: Vec<&str> = assignable_org_roles().map(|r| r.name).collect();
    assert_eq!(
        listed,
        [
            role::ORG_ADMIN,
            role::ORG_AUDITOR,
            role::ORG_USER_ADMIN,
            role::ORG_TEMPLATE_ADMIN,
            role::ORG_WORKSPACE_CREATION_BAN,
            role::ORG_WORKSPACE_ACCESS,
            role::AGENTS_ACCESS
        ]
    );
    let site: Vec<&str> = assignable_site_roles().map(|r| r.name).collect();
    assert_eq!(site, [role::OWNER, role::USER_ADMIN, role::TEMPLATE_ADMIN, role::AUDITOR]);
}

/// `CODER_DISABLE_OWNER_WORKSPACE_ACCESS`: owners lose SSH and application access to others'
/// workspaces and keep everything else, and both on their own workspaces.
#[test]
fn owners_without_workspace_exec() {
    use Action as A;
    use ResourceType as R;
    let org = Uuid::new_v4();
    let mut owner = subject(&[role::OWNER], &[(org, &[])]);
    let theirs = Object::of(R::Workspace).in_org(org).owned_by(Uuid::new_v4()).with_id(Uuid::new_v4());
    let own = Object::of(R::Workspace).in_org(org).owned_by(owner.user_id).with_id(Uuid::new_v4());
    for act in [A::Ssh, A::ApplicationConnect, A::Read, A::Update] {
        assert!(authorize(&owner, act, &theirs), "{act:?}");
    }
    owner.workspace_exec_withheld = true;
    assert!(!authorize(&owner, A::Ssh, &theirs));
    assert!(!authorize(&owner, A::ApplicationConnect, &theirs));
    assert!(authorize(&owner, A::Read, &theirs));
    assert!(authorize(&owner, A::Update, &theirs));
    assert!(authorize(&owner, A::Ssh, &own));
    assert!(authorize(&owner, A::ApplicationConnect, &own));
    // Only the owner role changes.
    let mut admin = subject(&[], &[(org, &[role::ORG_ADMIN])]);
    admin.workspace_exec_withheld = true;
    assert!(!authorize(&admin, A::Ssh, &theirs), "organization admins never had it");
}
