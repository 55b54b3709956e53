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

/// The public methods of `Db` declared in the layer's capability files (every file of
/// `domain/src/authz` but `mod.rs`, whose helpers are the decision itself).
fn layer_methods() -> BTreeSet<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../domain/src/authz");
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("the layer's sources") {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") || path.file_name().is_some_and(|n| n == "mod.rs") {
            continue;
        }
        let src = std::fs::read_to_string(&path).unwrap();
        out.extend(
            src.lines()
                .filter_map(|l| l.trim_start().strip_prefix("pub fn "))
                .filter(|rest| rest.contains("(&self"))
                .filter_map(|rest| rest.split('(').next())
                .map(str::to_string),
        );
    }
    assert!(out.len() > 20, "found the layer's methods in {}", dir.display());
    out
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
/// Results that show something whenever they are `Ok`.
macro_rules! always_shown {
    ($($t:ty),*) => {$(
        impl Empty for $t {
            fn is_empty_result(&self) -> bool {
                false
            }
        }
    )*};
}
always_shown!(
    (),
    bool,
    i64,
    usize,
    String,
    User,
    domain::store::GitSshKeyRow,
    domain::store::LicenseRow,
    domain::templates::Template,
    domain::organization::Organization,
    domain::provisioners::Daemon,
    domain::authz::BuildRows
);
impl<A, B> Empty for (A, B) {
    fn is_empty_result(&self) -> bool {
        false
    }
}
impl<A, B, C> Empty for (Vec<A>, Vec<B>, Vec<C>) {
    fn is_empty_result(&self) -> bool {
        self.0.is_empty() && self.1.is_empty() && self.2.is_empty()
    }
}
impl<A, B, C> Empty for (domain::store::Paged<A>, Vec<B>, Vec<C>) {
    fn is_empty_result(&self) -> bool {
        self.0.is_empty_result() && self.1.is_empty() && self.2.is_empty()
    }
}
impl<A, B, C, D> Empty for (A, B, C, D) {
    fn is_empty_result(&self) -> bool {
        false
    }
}
impl<K, V> Empty for std::collections::HashMap<K, V> {
    fn is_empty_result(&self) -> bool {
        self.is_empty()
    }
}

/// Asserts that a predicate of the layer answered "no", and records its method.
macro_rules! denied {
    ($seen:ident, $db:ident . $method:ident ( $($arg:expr),* )) => {{
        $seen.insert(stringify!($method).to_string());
        assert!(matches!($db.$method($($arg),*), Ok(false)), "{} did not deny", stringify!($method));
    }};
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

/// The id of one of the notification templates the migrations seed.
fn repo_templates(repo: &dyn domain::store::Repo) -> Uuid {
    repo.notification_templates("system").unwrap().first().expect("seeded templates").id
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

    // The rest is made through the layer itself, as an owner.
    let owner = Subject::new(Uuid::new_v4(), &["owner".to_string()], [(org.id, Vec::new())]);
    let admin = Db::new(&repo, &owner);
    let (key, _) = domain::auth::create_api_key(
        &admin,
        domain::auth::NewKey {
            user_id: user.id,
            login_type: LoginType::Token,
            lifetime: std::time::Duration::from_secs(3600),
            token_name: "t".into(),
            scopes: vec!["coder:all".into()],
            allow_list: domain::auth::allow_all(),
        },
    )
    .unwrap();
    admin.put_user_config(user.id, "theme_preference", "dark").unwrap();
    let ssh =
        domain::store::GitSshKeyRow { user_id: user.id, private_key: "p".into(), public_key: "k".into(), created_at: now, updated_at: now };
    admin.put_gitsshkey(&ssh).unwrap();
    let link = domain::externallogin::UserLink {
        user_id: user.id,
        login_type: LoginType::Oidc,
        linked_id: "sub-1".into(),
        claims: Default::default(),
    };
    admin.upsert_user_link(&link).unwrap();
    let app = domain::oauth2::OAuth2App {
        id: Uuid::new_v4(),
        name: "app".into(),
        callback_url: "https://c.example/cb".into(),
        icon: String::new(),
        redirect_uris: vec![],
        client_type: "confidential".into(),
        dynamically_registered: false,
        grant_types: vec![],
        response_types: vec![],
        token_endpoint_auth_method: String::new(),
        created_at: now,
        updated_at: now,
        metadata: Default::default(),
        client_id_issued_at: None,
        registration_access_token: None,
    };
    admin.insert_oauth2_app(&app).unwrap();
    let secret = domain::oauth2::OAuth2AppSecret {
        id: Uuid::new_v4(),
        app_id: app.id,
        created_at: now,
        last_used_at: None,
        hashed_secret: vec![1],
        display_secret: "abc".into(),
        secret_prefix: "sp".into(),
    };
    admin.insert_oauth2_app_secret(&secret).unwrap();
    let code = domain::oauth2::AuthorizationCode {
        id: Uuid::new_v4(),
        created_at: now,
        expires_at: now + time::Duration::minutes(5),
        secret_prefix: "cp".into(),
        hashed_secret: vec![1],
        user_id: user.id,
        app_id: app.id,
        redirect_uri: app.callback_url.clone(),
        redirect_uri_given: false,
        scope: "coder:all".into(),
        resource_uri: String::new(),
        code_challenge: "x".into(),
        code_challenge_method: "S256".into(),
        redeemed_at: None,
        grant_id: None,
    };
    admin.insert_oauth2_code(&code).unwrap();
    let grant = domain::oauth2::Grant {
        id: Uuid::new_v4(),
        created_at: now,
        app_id: app.id,
        app_secret_id: Some(secret.id),
        user_id: user.id,
        scope: "coder:all".into(),
        audience: String::new(),
    };
    admin.insert_oauth2_grant(&grant).unwrap();
    let refresh = domain::oauth2::RefreshToken {
        id: Uuid::new_v4(),
        grant_id: grant.id,
        created_at: now,
        expires_at: now + time::Duration::days(1),
        hash_prefix: "rp".into(),
        refresh_hash: vec![1],
        api_key_id: Some(key.id.clone()),
        spent_at: None,
    };
    admin.insert_oauth2_refresh_token(&refresh).unwrap();
    let scim_user = domain::scim::ScimUserRow {
        user_id: user.id,
        user_name: "alice".into(),
        external_id: None,
        attributes: "{}".into(),
        deleted: false,
        created_at: now,
        updated_at: now,
    };
    admin.put_scim_user(&scim_user).unwrap();
    let scim_group = domain::scim::ScimGroupRow {
        group_id: group.id,
        display_name: "devs".into(),
        external_id: None,
        attributes: "{}".into(),
        created_at: now,
        updated_at: now,
    };
    admin.put_scim_group(&scim_group).unwrap();
    let license = admin.insert_license("jwt", now + time::Duration::days(1), Uuid::new_v4(), now).unwrap();
    admin.put_idpsync_setting(None, "organization-sync-settings", "{}").unwrap();

    // Templates, a version and its import job, a workspace, its build, job and agent.
    use domain::provisioners::{Job, JobLog, JobType};
    use domain::templates::{File, Preset, Template, TemplateVersion};
    use domain::workspaces::{Agent, Build, Transition, Workspace};
    let file = File {
        id: Uuid::new_v4(),
        hash: "h".into(),
        created_at: now,
        created_by: user.id,
        mimetype: "application/x-tar".into(),
        data: vec![],
    };
    admin.insert_file(&file).unwrap();
    let job_of = |kind: JobType| Job {
        id: Uuid::new_v4(),
        created_at: now,
        updated_at: now,
        started_at: None,
        canceled_at: None,
        completed_at: None,
        error: None,
        error_code: String::new(),
        organization_id: org.id,
        initiator_id: user.id,
        provisioner: "echo".into(),
        file_id: file.id,
        job_type: kind,
        input: serde_json::json!({}),
        worker_id: None,
        tags: Default::default(),
    };
    let import = job_of(JobType::TemplateVersionImport);
    let mut version = TemplateVersion {
        id: Uuid::new_v4(),
        template_id: None,
        organization_id: org.id,
        name: "v1".into(),
        message: String::new(),
        readme: String::new(),
        job_id: import.id,
        created_by: user.id,
        created_at: now,
        updated_at: now,
        archived: false,
        has_external_agent: false,
    };
    admin.insert_template_version(&version, &import).unwrap();
    let template = Template {
        id: Uuid::new_v4(),
        organization_id: org.id,
        name: "tpl".into(),
        display_name: String::new(),
        description: String::new(),
        icon: String::new(),
        provisioner: "echo".into(),
        active_version_id: version.id,
        created_by: user.id,
        created_at: now,
        updated_at: now,
        deleted: false,
        user_acl: Default::default(),
        group_acl: Default::default(),
        settings: Default::default(),
    };
    admin.insert_template(&template).unwrap();
    version.template_id = Some(template.id);
    admin.update_template_version(&version).unwrap();
    let preset = Preset {
        id: Uuid::new_v4(),
        template_version_id: version.id,
        name: "p".into(),
        created_at: now,
        last_invalidated_at: None,
        is_default: false,
        data: Default::default(),
    };
    admin.insert_presets(std::slice::from_ref(&preset)).unwrap();
    let workspace = Workspace {
        id: Uuid::new_v4(),
        created_at: now,
        updated_at: now,
        owner_id: user.id,
        organization_id: org.id,
        template_id: template.id,
        deleted: false,
        name: "ws".into(),
        autostart_schedule: None,
        ttl_ms: None,
        last_used_at: now,
        automatic_updates: "never".into(),
    };
    admin.insert_workspace(&workspace).unwrap();
    let build_job = job_of(JobType::WorkspaceBuild);
    let build = Build {
        id: Uuid::new_v4(),
        created_at: now,
        updated_at: now,
        workspace_id: workspace.id,
        template_version_id: version.id,
        build_number: 1,
        transition: Transition::Start,
        initiator_id: user.id,
        job_id: build_job.id,
        deadline: None,
        max_deadline: None,
        reason: "initiator".into(),
        daily_cost: 0,
        has_external_agent: None,
        provisioner_state: vec![],
    };
    admin.insert_build(&build_job, &build, &[("a".into(), "b".into())]).unwrap();
    let agent = Agent {
        id: Uuid::new_v4(),
        created_at: now,
        updated_at: now,
        resource_id: Uuid::new_v4(),
        job_id: build_job.id,
        name: "main".into(),
        auth_token: Uuid::new_v4(),
        auth_instance_id: None,
        operating_system: "linux".into(),
        architecture: "amd64".into(),
        directory: String::new(),
        lifecycle_state: "created".into(),
        first_connected_at: None,
        last_connected_at: None,
        disconnected_at: None,
        data: serde_json::json!({}),
    };
    admin.insert_agents(std::slice::from_ref(&agent)).unwrap();
    let log = JobLog {
        id: 0,
        job_id: import.id,
        created_at: now,
        source: "provisioner".into(),
        level: "info".into(),
        stage: "s".into(),
        output: "o".into(),
    };
    admin.insert_job_logs(std::slice::from_ref(&log)).unwrap();
    let pkey = domain::provisioners::ProvisionerKey {
        id: Uuid::new_v4(),
        created_at: now,
        organization_id: org.id,
        name: "k".into(),
        hashed_secret: vec![7],
        tags: Default::default(),
    };
    admin.insert_provisioner_key(&pkey).unwrap();
    let mut proxy = domain::proxies::WorkspaceProxy {
        id: Uuid::new_v4(),
        name: "eu".into(),
        display_name: String::new(),
        icon: String::new(),
        url: String::new(),
        wildcard_hostname: String::new(),
        derp_enabled: true,
        derp_only: false,
        region_id: 0,
        token_hashed_secret: vec![1],
        created_at: now,
        updated_at: now,
        deleted: false,
        version: String::new(),
    };
    admin.insert_proxy(&mut proxy).unwrap();
    let replica = domain::replicas::Replica {
        id: Uuid::new_v4(),
        hostname: "h".into(),
        created_at: now,
        started_at: now,
        stopped_at: None,
        updated_at: now,
        relay_address: String::new(),
        region_id: 10_000 + proxy.region_id,
        database_latency: 0,
        version: String::new(),
        error: String::new(),
        primary: false,
    };
    let conn = domain::connectionlog::ConnectionLog {
        id: Uuid::new_v4(),
        connect_time: now,
        organization_id: org.id,
        workspace_owner_id: user.id,
        workspace_id: workspace.id,
        workspace_name: "ws".into(),
        agent_name: "main".into(),
        kind: "ssh".into(),
        ip: None,
        code: None,
        connection_id: Some(Uuid::new_v4()),
        disconnect_time: None,
        disconnect_reason: None,
    };
    let template_ids = [template.id];

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
    refused!(seen, db.edit_organization(org.id, |o| o.name = "renamed".into()));
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

    // Users, keys and personal data.
    refused!(seen, db.user_by_id(user.id));
    refused!(seen, db.user_by_username("alice"));
    refused!(seen, db.user_by_email("alice@example.com"));
    refused!(seen, db.list_users_with_orgs(&UserFilter::default(), &Page::default()));
    refused!(seen, db.list_users(&UserFilter::default(), &Page::default()));
    refused!(seen, db.users_by_ids(&[user.id]));
    refused!(seen, db.count_users());
    refused!(seen, db.user_status_changes(now));
    refused!(seen, db.user_name_taken("alice", "x@example.com"));
    refused!(seen, db.username_taken_by_other(user.id, "bob"));
    refused!(
        seen,
        db.insert_user(
            &User { id: Uuid::new_v4(), username: "carol".into(), email: "c@example.com".into(), ..user.clone() },
            &[org.id],
            &("a".into(), "b".into())
        )
    );
    refused!(
        seen,
        db.modify_user(user.id, |u| {
            u.name = "Mallory".into();
            Ok(())
        })
    );
    refused!(seen, db.delete_user(user.id));
    refused!(seen, db.set_password(user.id, "x".into(), None));
    refused!(seen, db.update_user_status(user.id, UserStatus::Suspended, now));
    refused!(seen, db.touch_user_last_seen(user.id, now));
    refused!(seen, db.get_user_config(user.id, "theme_preference"));
    refused!(seen, db.put_user_config(user.id, "theme_preference", "light"));
    refused!(seen, db.gitsshkey(user.id, || Ok(ssh.clone())));
    refused!(seen, db.put_gitsshkey(&ssh));
    refused!(seen, db.gitsshkey_created_at(user.id));
    refused!(seen, db.insert_api_key(&domain::apikey::ApiKey { id: "abcdefghij".into(), ..key.clone() }));
    refused!(seen, db.api_key_by_id(&key.id));
    refused!(seen, db.api_key_by_name(user.id, "t"));
    refused!(seen, db.api_keys_of_user(user.id, None, true, now));
    refused!(seen, db.all_tokens(true, now));
    refused!(seen, db.update_api_key_usage(&key.id, now, now));
    refused!(seen, db.delete_api_key(&key.id));
    refused!(seen, db.delete_api_keys_of_user(user.id, None));

    // IdP sync settings and linked identities.
    refused!(seen, db.idpsync_setting(None, "organization-sync-settings"));
    refused!(seen, db.put_idpsync_setting(None, "organization-sync-settings", "{}"));
    refused!(seen, db.oidc_merged_claims(None));
    refused!(seen, db.user_link_by_linked_id(LoginType::Oidc, "sub-1"));
    refused!(seen, db.user_link(user.id, LoginType::Oidc));
    refused!(seen, db.upsert_user_link(&link));

    // Licenses and the counts entitlements use.
    refused!(seen, db.insert_license("jwt2", now, Uuid::new_v4(), now));
    refused!(seen, db.list_licenses());
    refused!(seen, db.unexpired_licenses(now));
    refused!(seen, db.delete_license(license.id));
    refused!(seen, db.count_active_users());
    refused!(seen, db.announce_licenses_changed());
    refused!(seen, db.live_replicas(now - time::Duration::hours(1)));

    // The OAuth2 provider.
    refused!(seen, db.insert_oauth2_app(&domain::oauth2::OAuth2App { id: Uuid::new_v4(), ..app.clone() }));
    refused!(seen, db.oauth2_app(app.id));
    refused!(seen, db.list_oauth2_apps());
    refused!(seen, db.oauth2_apps_granted_by(user.id));
    refused!(seen, db.update_oauth2_app(&app));
    refused!(seen, db.delete_oauth2_app(app.id));
    refused!(seen, db.insert_oauth2_app_secret(&domain::oauth2::OAuth2AppSecret { id: Uuid::new_v4(), ..secret.clone() }));
    refused!(seen, db.oauth2_app_secret(secret.id));
    refused!(seen, db.oauth2_app_secrets(app.id));
    refused!(seen, db.delete_oauth2_app_secret(secret.id));
    refused!(seen, db.oauth2_app_secret_by_prefix("sp"));
    refused!(seen, db.touch_oauth2_app_secret(secret.id, now));
    refused!(
        seen,
        db.insert_oauth2_code(&domain::oauth2::AuthorizationCode { id: Uuid::new_v4(), secret_prefix: "cq".into(), ..code.clone() })
    );
    refused!(seen, db.oauth2_code_by_prefix("cp"));
    refused!(seen, db.redeem_oauth2_code(&code, grant.id, now));
    refused!(seen, db.insert_oauth2_grant(&domain::oauth2::Grant { id: Uuid::new_v4(), ..grant.clone() }));
    refused!(seen, db.oauth2_grant(grant.id));
    refused!(seen, db.oauth2_grant_of_api_key(&key.id));
    refused!(
        seen,
        db.insert_oauth2_refresh_token(&domain::oauth2::RefreshToken { id: Uuid::new_v4(), hash_prefix: "rq".into(), ..refresh.clone() })
    );
    refused!(seen, db.oauth2_refresh_token_by_prefix("rp"));
    refused!(seen, db.spend_oauth2_refresh_token(&refresh, now));
    refused!(seen, db.revoke_oauth2_grants(domain::store::GrantSelector::Id(grant.id)));
    refused!(seen, db.lock_oauth2_grant(grant.id));

    // SCIM data.
    refused!(seen, db.scim_user(user.id));
    refused!(seen, db.scim_users());
    refused!(seen, db.scim_user_by_user_name("alice"));
    refused!(seen, db.put_scim_user(&scim_user));
    refused!(seen, db.scim_group(group.id));
    refused!(seen, db.scim_groups());
    refused!(seen, db.put_scim_group(&scim_group));
    refused!(seen, db.delete_scim_group(group.id));

    // Templates, versions, sources, presets.
    use domain::rbac::action;
    denied!(seen, db.template_allows(&template, action::READ));
    refused!(seen, db.require_template(&template, action::READ));
    refused!(seen, db.insert_file(&File { id: Uuid::new_v4(), hash: "h2".into(), ..file.clone() }));
    refused!(seen, db.file_by_id(file.id));
    refused!(seen, db.file_by_hash("h", user.id));
    refused!(seen, db.insert_template(&Template { id: Uuid::new_v4(), name: "t2".into(), ..template.clone() }));
    refused!(
        seen,
        db.edit_template(template.id, action::UPDATE, |t| {
            t.name = "renamed".into();
            Ok(())
        })
    );
    refused!(seen, db.template_by_id(template.id));
    refused!(seen, db.template_by_name(org.id, "tpl"));
    refused!(seen, db.template_name_taken(org.id, "tpl", None));
    refused!(seen, db.list_templates(None));
    refused!(seen, db.templates_by_ids(&template_ids));
    refused!(seen, db.template_context(std::slice::from_ref(&template)));
    refused!(
        seen,
        db.insert_template_version(&TemplateVersion { id: Uuid::new_v4(), ..version.clone() }, &job_of(JobType::TemplateVersionImport))
    );
    refused!(seen, db.update_template_version(&version));
    refused!(seen, db.template_version_by_id(version.id));
    refused!(seen, db.template_versions_by_ids(&[version.id]));
    refused!(seen, db.template_version_by_job(import.id));
    refused!(seen, db.template_version_by_name(template.id, "v1"));
    refused!(seen, db.template_versions_of(&template, &Page::default()));
    refused!(seen, db.version_context(std::slice::from_ref(&version)));
    refused!(seen, db.put_template_version_parameters(version.id, &[]));
    refused!(seen, db.template_version_parameters(version.id));
    refused!(seen, db.put_template_version_variables(version.id, &[]));
    refused!(seen, db.put_template_version_external_auth(version.id, &[]));
    refused!(seen, db.template_version_inputs(version.id));
    refused!(seen, db.insert_presets(std::slice::from_ref(&preset)));
    refused!(seen, db.presets_of_version(version.id));
    refused!(seen, db.invalidate_presets(version.id, now));
    refused!(seen, db.insert_job_resources(&[]));
    refused!(seen, db.version_resources(&version));
    refused!(seen, db.template_acl_context(&template));
    refused!(seen, db.missing_acl_entries(&template, &[user.id], &[]));

    // Workspaces, builds, agents, quota.
    refused!(seen, db.insert_workspace(&Workspace { id: Uuid::new_v4(), name: "ws2".into(), ..workspace.clone() }));
    refused!(seen, db.update_workspace(&Workspace { name: "renamed".into(), ..workspace.clone() }));
    refused!(seen, db.workspace_by_id(workspace.id));
    refused!(seen, db.workspace_by_owner_and_name(user.id, "ws"));
    refused!(seen, db.deleted_workspace_by_owner_and_name(user.id, "ws"));
    refused!(seen, db.workspace_name_taken(user.id, org.id, "ws"));
    refused!(seen, db.list_workspaces(&domain::workspaces::WorkspaceFilter::default(), &Page::default()));
    refused!(seen, db.workspace_context(std::slice::from_ref(&workspace)));
    refused!(seen, db.count_template_workspaces(&template));
    refused!(seen, db.insert_build(&job_of(JobType::WorkspaceBuild), &Build { id: Uuid::new_v4(), build_number: 2, ..build.clone() }, &[]));
    refused!(seen, db.update_build(&build));
    refused!(seen, db.build_by_id(build.id));
    refused!(seen, db.build_by_job(build_job.id));
    refused!(seen, db.build_by_number(&workspace, 1));
    refused!(seen, db.latest_build(&workspace));
    refused!(seen, db.builds_of(&workspace, &Page::default()));
    refused!(seen, db.build_parameters(&build));
    refused!(seen, db.build_context(vec![build.clone()]));
    refused!(seen, db.insert_agents(&[]));
    refused!(seen, db.agent_by_id(agent.id));
    refused!(seen, db.agent_by_token(agent.auth_token));
    refused!(seen, db.update_agent(&agent));
    refused!(seen, db.set_agent_connection(agent.id, true, now));
    refused!(seen, db.lock_for_quota(user.id, org.id));
    refused!(seen, db.quota_consumed(user.id, org.id));
    refused!(seen, db.autofill_values(user.id, template.id));

    // Provisioner keys, daemons and jobs.
    refused!(
        seen,
        db.insert_provisioner_key(&domain::provisioners::ProvisionerKey { id: Uuid::new_v4(), name: "k2".into(), ..pkey.clone() })
    );
    refused!(seen, db.provisioner_keys_of_org(org.id));
    refused!(seen, db.provisioner_key_by_name(org.id, "k"));
    refused!(seen, db.provisioner_key_by_hash(&[7]));
    refused!(seen, db.delete_provisioner_key(&pkey));
    refused!(seen, db.upsert_daemon(&daemon));
    refused!(seen, db.daemons_of_org(org.id));
    refused!(seen, db.daemon_jobs(std::slice::from_ref(&daemon)));
    denied!(seen, db.job_allows(&import, action::READ));
    refused!(seen, db.job_by_id(import.id));
    refused!(seen, db.job_logs(import.id, None));
    refused!(seen, db.pending_jobs(org.id, &["echo".into()], 10, 0));
    refused!(seen, db.job_queues(std::slice::from_ref(&import)));
    refused!(seen, db.claim_job(import.id, daemon.id, now));
    refused!(seen, db.touch_job(import.id, daemon.id, now));
    refused!(seen, db.insert_job_logs(std::slice::from_ref(&log)));
    refused!(seen, db.complete_job(&import));
    refused!(seen, db.cancel_job(import.id, now));
    refused!(seen, db.running_jobs_idle_since(now));

    // Proxies and replicas.
    refused!(seen, db.insert_proxy(&mut domain::proxies::WorkspaceProxy { id: Uuid::new_v4(), name: "us".into(), ..proxy.clone() }));
    refused!(seen, db.proxy_by_id(proxy.id));
    refused!(seen, db.proxy_by_name("eu"));
    refused!(seen, db.proxy_name_taken("eu", None));
    refused!(seen, db.list_proxies());
    refused!(seen, db.update_proxy(&proxy));
    refused!(seen, db.delete_proxy(proxy.id, now));
    let address = domain::authz::ProxyAddress {
        url: "https://eu.example",
        wildcard_hostname: "",
        derp_enabled: true,
        derp_only: false,
        version: "v",
    };
    refused!(seen, db.register_proxy(proxy.id, address, &replica, now, "mesh"));
    refused!(seen, db.deregister_proxy_replica(proxy.id, replica.region_id, replica.id, now));
    refused!(seen, db.live_proxy_replicas(now - time::Duration::hours(1)));
    refused!(seen, db.primary_proxy_value("display_name"));
    refused!(seen, db.put_primary_proxy_value("display_name", "x"));
    refused!(seen, db.upsert_replica(&replica));
    refused!(seen, db.heartbeat_replica(replica.id, now, 1, ""));
    refused!(seen, db.stop_replica(replica.id, now));
    refused!(seen, db.announce_replicas_changed());

    // Appearance, notification templates, connection logs.
    refused!(seen, db.appearance_value("application_name"));
    refused!(seen, db.put_appearance_value("application_name", "x"));
    refused!(seen, db.notification_templates("internal"));
    let any_template = repo_templates(&repo);
    refused!(seen, db.notification_template(any_template));
    refused!(seen, db.set_notification_template_method(any_template, Some("smtp")));
    refused!(seen, db.upsert_connection_log(&conn));
    refused!(seen, db.list_connection_logs(&Default::default(), 10, 0, 100));
    refused!(seen, db.user_id_for_filter(Some("alice"), None));
    refused!(seen, db.deployment_counts());
    refused!(seen, db.connections_since(time::OffsetDateTime::now_utc()));
    refused!(seen, db.notification_preferences(uuid::Uuid::new_v4()));
    refused!(seen, db.put_notification_preferences(uuid::Uuid::new_v4(), &[], time::OffsetDateTime::now_utc()));

    // Inbox notifications.
    let notification = domain::inbox::InboxNotification {
        id: Uuid::new_v4(),
        user_id: user.id,
        template_id: Uuid::new_v4(),
        targets: vec![],
        title: "t".into(),
        content: "c".into(),
        icon: String::new(),
        actions: vec![],
        read_at: None,
        created_at: now,
    };
    admin.insert_inbox_notification(&notification).unwrap();
    refused!(seen, db.insert_inbox_notification(&domain::inbox::InboxNotification { id: Uuid::new_v4(), ..notification.clone() }));
    refused!(seen, db.inbox_notification(notification.id));
    refused!(seen, db.inbox_page(user.id, &Default::default(), 25));
    refused!(seen, db.inbox_unread_count(user.id));
    refused!(seen, db.set_inbox_read(&notification, Some(now)));
    refused!(seen, db.mark_all_inbox_read(user.id, now));

    // Nothing was changed by the refused writes.
    assert!(repo.group_by_id(group.id).unwrap().is_some());
    assert!(repo.member(org.id, user.id).unwrap().is_some());
    assert_eq!(repo.organization_by_id(org.id).unwrap().unwrap().name, "acme");
    assert_eq!(repo.group_member_ids(group.id).unwrap(), vec![user.id]);
    let stored = repo.user_by_id(user.id).unwrap().unwrap();
    assert_eq!((stored.name.as_str(), stored.deleted, stored.status), ("", false, UserStatus::Active));
    assert!(domain::store::KeyStore::api_key_by_id(&repo, &key.id).unwrap().is_some());
    assert!(domain::store::OAuth2Store::oauth2_app(&repo, app.id).unwrap().is_some());
    assert_eq!(domain::store::TemplateStore::template_by_id(&repo, template.id).unwrap().unwrap().name, "tpl");
    assert!(!domain::store::WorkspaceStore::workspace_by_id(&repo, workspace.id).unwrap().unwrap().deleted);
    assert!(domain::store::ProxyStore::proxy_by_id(&repo, proxy.id).unwrap().is_some_and(|p| !p.deleted));
    assert!(repo.job_by_id(import.id).unwrap().is_some_and(|j| j.canceled_at.is_none() && j.worker_id.is_none()));

    let never: Vec<String> = layer_methods().difference(&seen).cloned().collect();
    assert!(never.is_empty(), "methods of the enforcement layer with no refused-caller test: {never:?}");
    std::fs::remove_dir_all(dir).unwrap();
}
