//! Query plans: the statements behind a users page, a search and a members page are served by
//! indexes on both backends, over a table large enough for the planner to care.
//! A full scan of `users`, or a sort of it for a page, fails the test.

use domain::organization::OrganizationMember;
use domain::store::{GitSshKeyRow, Page, UserFilter};
use domain::user::{LoginType, User, UserStatus};
use storage::{Backend, DbRepo, SeedUser};
use uuid::Uuid;

use crate::pg;

/// Users seeded: on PostgreSQL as many as the benchmark has, since its planner rightly prefers
/// a sequential scan of a small table over many index lookups.
fn users_for(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 20_000,
        Backend::Postgres => 100_000,
    }
}

struct Seeded {
    repo: DbRepo<'static>,
    backend: Backend,
    org: Uuid,
    small_org: Uuid,
    group: Uuid,
    some_user: Uuid,
}

fn user(i: usize) -> User {
    let now = time::OffsetDateTime::now_utc();
    User {
        id: Uuid::new_v4(),
        email: format!("user{i}@plans.example"),
        username: format!("user{i}"),
        name: format!("Person {i}"),
        avatar_url: String::new(),
        hashed_password: String::new(),
        login_type: LoginType::None,
        status: if i.is_multiple_of(3) { UserStatus::Active } else { UserStatus::Dormant },
        rbac_roles: vec![],
        is_service_account: false,
        deleted: i.is_multiple_of(50),
        created_at: now,
        updated_at: now,
        last_seen_at: now,
    }
}

fn seed(url: &str) -> Seeded {
    let (repo, backend) = storage::open(url, 1).expect("open store");
    let now = time::OffsetDateTime::now_utc();
    let (org, small_org, group) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let exec = |sql: &str| repo.execute_sql(sql).expect(sql);
    let ts = "2026-01-01 00:00:00";
    exec(&format!(
        "INSERT INTO organizations (id, name, is_default, created_at, updated_at) VALUES ('{org}', 'big', TRUE, '{ts}', '{ts}'), ('{small_org}', 'small', FALSE, '{ts}', '{ts}')"
    ));
    exec(&format!("INSERT INTO groups (id, name, organization_id) VALUES ('{group}', 'few', '{org}')"));
    let seeded: Vec<SeedUser> = (0..users_for(backend))
        .map(|i| {
            let u = user(i);
            let member =
                |o: Uuid| OrganizationMember { user_id: u.id, organization_id: o, roles: vec![], created_at: now, updated_at: now };
            let mut memberships = vec![member(org)];
            if i.is_multiple_of(100) {
                memberships.push(member(small_org));
            }
            let ssh_key =
                GitSshKeyRow { user_id: u.id, private_key: String::new(), public_key: String::new(), created_at: now, updated_at: now };
            SeedUser { user: u, memberships, ssh_key }
        })
        .collect();
    repo.insert_users_bulk(&seeded).expect("bulk insert");
    let some_user = seeded[seeded.len() / 2].user.id;
    let few: Vec<String> = seeded.iter().step_by(97).map(|s| format!("('{group}', '{}')", s.user.id)).collect();
    exec(&format!("INSERT INTO group_members (group_id, user_id) VALUES {}", few.join(", ")));
    if backend == Backend::Postgres {
        // What autovacuum does in production: statistics for the planner, and the trigram
        // indexes' pending lists merged (until then they make the index look costly).
        exec("VACUUM ANALYZE");
    }
    Seeded { repo, backend, org, small_org, group, some_user }
}

/// Plan lines that mean `users` is read whole, or sorted whole.
fn full_scan_or_sort(backend: Backend, plan: &[String], sort_allowed: bool) -> Option<String> {
    plan.iter()
        .find(|line| {
            let l = line.trim();
            match backend {
                Backend::Sqlite => l == "SCAN users" || (!sort_allowed && l.contains("USE TEMP B-TREE FOR ORDER BY")),
                // A sort of no more rows than a page (the page's own rows, after its ids were
                // found through the index) is not a sort of users.
                Backend::Postgres => l.contains("Seq Scan on users") || (!sort_allowed && l.contains("Sort  (") && estimated_rows(l) > 100),
            }
        })
        .cloned()
}

/// The planner's row estimate of a PostgreSQL plan line (`... rows=N ...`).
fn estimated_rows(line: &str) -> u64 {
    line.split("rows=").nth(1).and_then(|r| r.split_whitespace().next()).and_then(|n| n.parse().ok()).unwrap_or(u64::MAX)
}

fn check(s: &Seeded, what: &str, filter: UserFilter, page: Page, sort_allowed: bool, must_use: &[&str]) {
    let plans = s.repo.explain_users_page(&filter, &page).expect("explain");
    for (statement, plan) in &plans {
        let text = plan.join("\n");
        if let Some(bad) = full_scan_or_sort(s.backend, plan, sort_allowed || statement == "count") {
            panic!("{what} ({statement}) on {:?} scans or sorts users ({bad}):\n{text}", s.backend);
        }
        if statement == "page" {
            for index in must_use {
                assert!(text.contains(index), "{what} on {:?} does not use {index}:\n{text}", s.backend);
            }
        }
    }
}

fn all_plans(s: &Seeded) {
    for (what, plan) in s.repo.explain_user_lookups().expect("explain") {
        let text = plan.join("\n");
        assert!(full_scan_or_sort(s.backend, &plan, false).is_none(), "lookup {what} on {:?} scans users:\n{text}", s.backend);
        assert!(text.contains("users_"), "lookup {what} on {:?} uses no index of users:\n{text}", s.backend);
    }
    let page = Page { limit: 50, offset: 1000, after_id: None };
    let keyset = Page { limit: 50, offset: 0, after_id: Some(s.some_user) };
    let (username_index, search_index, name_index) = match s.backend {
        Backend::Sqlite => ("users_username_live", "users_search", "users_search"),
        Backend::Postgres => ("users_username_live", "users_username_trgm", "users_name_trgm"),
    };
    check(s, "users page", UserFilter::default(), page, false, &[username_index]);
    check(s, "users page after id", UserFilter::default(), keyset, false, &[username_index]);
    let active = UserFilter { status: vec![UserStatus::Active], ..Default::default() };
    check(s, "active users page", active, page, false, &[username_index]);
    let search = UserFilter { search: Some("user1234".into()), ..Default::default() };
    check(s, "search", search, Page { limit: 25, ..Default::default() }, true, &[search_index]);
    let name = UserFilter { name: Some("person 1234".into()), ..Default::default() };
    check(s, "name search", name, Page { limit: 25, ..Default::default() }, true, &[name_index]);
    let group = UserFilter { group_id: Some(s.group), ..Default::default() };
    check(s, "group members page", group, Page { limit: 50, ..Default::default() }, true, &[]);
    let org = UserFilter { organization_id: Some(s.org), ..Default::default() };
    check(s, "organization members page", org, page, true, &[]);
    let small = UserFilter { organization_id: Some(s.small_org), ..Default::default() };
    check(s, "small organization members page", small, Page { limit: 50, ..Default::default() }, true, &[]);
}

#[test]
fn list_and_search_plans_use_indexes_sqlite() {
    let dir = std::env::temp_dir().join(format!("coderd-plans-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let s = seed(&dir.join("coderd.db").to_string_lossy());
    all_plans(&s);
    drop(s);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn list_and_search_plans_use_indexes_postgres() {
    let Some((url, name)) = pg::fresh_database() else { return };
    let s = seed(&url);
    all_plans(&s);
    drop(s);
    pg::drop_database(&name);
}
