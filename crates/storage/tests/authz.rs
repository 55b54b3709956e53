//! The enforcement layer's accounting (Coder's dbauthz `Method never called`): every method of
//! `domain::authz::Db` is called here by a subject who may do nothing, on rows that exist, and
//! must refuse (or show nothing). A method of the layer that no line below calls fails the test,
//! named.

use std::collections::BTreeSet;

use domain::authz::Db;
use domain::organization::{Group, GroupAiBudget, Organization, OrganizationMember};
use domain::rbac::{KeyScope, Subject};
use domain::store::{GroupStore, OrgStore, Page, ProvisionerStore, UserFilter, UserStore};
use domain::user::{LoginType, User, UserStatus};
use uuid::Uuid;

/// The sources of the layer, one file per capability.
const LAYER: &[&str] = &[
    include_str!("../../domain/src/authz/groups.rs"),
    include_str!("../../domain/src/authz/orgs.rs"),
    include_str!("../../domain/src/authz/provisioners.rs"),
    include_str!("../../domain/src/authz/site.rs"),
];

/// The public methods of `Db` declared in the layer's sources.
fn layer_methods() -> BTreeSet<String> {
    LAYER
        .iter()
        .flat_map(|src| src.lines())
        .filter_map(|l| l.trim_start().strip_prefix("pub fn "))
        .filter(|rest| rest.contains("(&self"))
        .filter_map(|rest| rest.split('(').next())
        .map(str::to_string)
        .collect()
}

/// Asserts that a call was refused or showed nothing, and records its method.
macro_rules! refused {
    ($seen:ident, $db:ident . $method:ident ( $($arg:expr),* )) => {{
        $seen.insert(stringify!($method).to_string());
        let out = $db.$method($($arg),*);
        assert!(Shows::nothing(&out), "{} was not refused: {:?}", stringify!($method), out.as_ref().map(|_| ()).map_err(|e| &e.message));
    }};
}

/// What "showed nothing" means for each result type.
trait Shows {
    fn nothing(&self) -> bool;
}
impl<T> Shows for domain::Result<T>
where
    T: Empty,
{
    fn nothing(&self) -> bool {
        match self {
            Err(e) => e.is_refusal(),
            Ok(v) => v.is_empty_result(),
        }
    }
}
trait Empty {
    fn is_empty_result(&self) -> bool;
}
impl Empty for () {
    fn is_empty_result(&self) -> bool {
        false
    }
}
impl Empty for bool {
    fn is_empty_result(&self) -> bool {
        false
    }
}
impl Empty for i64 {
    fn is_empty_result(&self) -> bool {
        false
    }
}
impl Empty for usize {
    fn is_empty_result(&self) -> bool {
        false
    }
}
impl<T> Empty for Option<T> {
    fn is_empty_result(&self) -> bool {
        self.is_none()
    }
}
impl<T> Empty for Vec<T> {
    fn is_empty_result(&self) -> bool {
        self.is_empty()
    }
}
impl<T> Empty for domain::store::Paged<T> {
    fn is_empty_result(&self) -> bool {
        self.items.is_empty() && self.count == 0
    }
}

#[test]
fn every_method_of_the_layer_refuses_a_subject_who_may_do_nothing() {
    let dir = std::env::temp_dir().join(format!("coderd-authz-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = dir.join("db.sqlite").to_string_lossy().into_owned();
    let (repo, _) = storage::open(&url, 1).expect("migrates");
    let now = time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();

    let org = Organization {
        id: Uuid::new_v4(),
        name: "acme".into(),
        display_name: "Acme".into(),
        description: String::new(),
        icon: String::new(),
        is_default: true,
        created_at: now,
        updated_at: now,
    };
    repo.insert_organization(&org).unwrap();
    let user = User {
        id: Uuid::new_v4(),
        email: "alice@example.com".into(),
        username: "alice".into(),
        name: String::new(),
        avatar_url: String::new(),
        hashed_password: String::new(),
        login_type: LoginType::Password,
        status: UserStatus::Active,
        rbac_roles: Vec::new(),
        is_service_account: false,
        deleted: false,
        created_at: now,
        updated_at: now,
        last_seen_at: now,
    };
    repo.insert_user(&user).unwrap();
    let member = OrganizationMember { user_id: user.id, organization_id: org.id, roles: Vec::new(), created_at: now, updated_at: now };
    repo.insert_member(&member).unwrap();
    let group = Group {
        id: Uuid::new_v4(),
        name: "devs".into(),
        display_name: String::new(),
        organization_id: org.id,
        avatar_url: String::new(),
        quota_allowance: 1,
        source: "user".into(),
    };
    repo.insert_group(&group).unwrap();
    repo.add_group_members(group.id, &[user.id]).unwrap();
    let budget = GroupAiBudget { group_id: group.id, spend_limit_micros: 5, created_at: now, updated_at: now };
    repo.put_group_ai_budget(&budget).unwrap();
    let daemon = repo
        .upsert_daemon(&domain::provisioners::Daemon {
            id: Uuid::new_v4(),
            created_at: now,
            name: "d".into(),
            provisioners: vec!["echo".into()],
            replica_id: None,
            tags: Default::default(),
            last_seen_at: Some(now),
            version: "v2".into(),
            api_version: "1.0".into(),
            organization_id: org.id,
            key_id: domain::provisioners::KEY_ID_PSK,
        })
        .unwrap();

    // A key whose scope allows nothing, held by an owner: every decision is "no".
    let mut nobody = Subject::new(Uuid::new_v4(), &["owner".to_string()], [(org.id, Vec::new())]);
    nobody.scope = Some(KeyScope { permissions: Vec::new(), allow_list: Vec::new() });
    let db = Db::new(&repo, &nobody);
    let mut seen = BTreeSet::new();

    // Groups.
    refused!(seen, db.insert_group(&Group { id: Uuid::new_v4(), name: "x".into(), ..group.clone() }));
    refused!(seen, db.update_group(&group));
    refused!(seen, db.delete_group(group.id));
    refused!(seen, db.group_by_id(group.id));
    refused!(seen, db.group_by_name(org.id, "devs"));
    refused!(seen, db.list_groups(None));
    refused!(seen, db.change_group_members(group.id, &[], &[user.id]));
    refused!(seen, db.group_member_ids(group.id));
    refused!(seen, db.members_of_groups(std::slice::from_ref(&group)));
    refused!(seen, db.group_ids_of_user(user.id));
    refused!(seen, db.quota_allowance(user.id, org.id));
    refused!(seen, db.group_members_page(&group, &UserFilter::default(), &Page::default()));
    refused!(seen, db.group_member_accounts(std::slice::from_ref(&group), &[user.id]));
    refused!(seen, db.group_ai_budget(&group));
    refused!(seen, db.put_group_ai_budget(&budget));
    refused!(seen, db.delete_group_ai_budget(group.id));
    seen.insert("sees_all_group_members".into());
    assert!(!db.sees_all_group_members(org.id));

    // Organizations and memberships.
    refused!(seen, db.organization_by_id(org.id));
    refused!(seen, db.organization_by_name("acme"));
    refused!(seen, db.default_organization());
    refused!(seen, db.list_organizations());
    refused!(seen, db.insert_organization(&Organization { id: Uuid::new_v4(), name: "other".into(), is_default: false, ..org.clone() }));
    refused!(seen, db.delete_organization(org.id));
    refused!(seen, db.count_org_members(org.id));
    refused!(seen, db.member(org.id, user.id));
    refused!(seen, db.is_live_member(org.id, user.id));
    refused!(seen, db.insert_member(&OrganizationMember { user_id: Uuid::new_v4(), ..member.clone() }));
    refused!(seen, db.delete_member(org.id, user.id));
    refused!(seen, db.update_member_roles(org.id, user.id, &["organization-admin".into()], (&["organization-admin".into()], &[]), now));
    refused!(seen, db.memberships_of_user(user.id));
    refused!(seen, db.memberships_of_users(&[user.id]));
    refused!(seen, db.members_of_org(org.id));
    refused!(seen, db.member_accounts(org.id, &[user.id]));
    refused!(seen, db.members_page(org.id, &UserFilter::default(), &Page::default()));
    refused!(seen, db.workspace_sharing(org.id));
    refused!(seen, db.set_workspace_sharing(org.id, "none", now));

    // Provisioner daemons.
    refused!(seen, db.daemon_by_id(daemon.id));
    refused!(seen, db.touch_daemon(daemon.id, now));
    refused!(seen, db.delete_daemons_unseen_since(now));

    // Deployment values and bookkeeping.
    refused!(seen, db.get_site_config("deployment_id"));
    refused!(seen, db.put_site_config("deployment_id", "x"));
    refused!(seen, db.delete_stale_replicas(now));
    refused!(seen, db.purge_expired_oauth2(now));

    // Nothing was changed by the refused writes.
    assert!(repo.group_by_id(group.id).unwrap().is_some());
    assert!(repo.member(org.id, user.id).unwrap().is_some());
    assert_eq!(repo.group_member_ids(group.id).unwrap(), vec![user.id]);

    let never: Vec<String> = layer_methods().difference(&seen).cloned().collect();
    assert!(never.is_empty(), "methods of the enforcement layer with no refused-caller test: {never:?}");
    std::fs::remove_dir_all(dir).unwrap();
}
