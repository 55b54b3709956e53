//! The benchmark's store-side tool (`scripts/bench.sh` runs it):
//!
//! - `storebench seed <url> <from> <to>`: bulk-inserts users `from..to` (members of the
//!   default organization, each with a git SSH key) through the store's bulk path.
//! - `storebench sql <url> <kind> <threads> <seconds>`: runs the store calls a users-list
//!   request makes (the page with its count, then the page's memberships) directly, from
//!   `threads` threads, and prints throughput and latency: the database's limit for that request.
//!   (The page carries its users' organization ids; the count is a counter or a window.)
//! - `storebench pgbench <url> <kind>`: prints the same statements as SQL for `pgbench -f`.
//!
//! `kind` is `page-offset`, `page-after`, `search` or `name` (see [`request`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use domain::organization::OrganizationMember;
use domain::store::{GitSshKeyRow, OrgStore, Page, UserFilter, UserStore};
use domain::user::{LoginType, User, UserStatus};
use storage::{DbRepo, SeedUser};
use uuid::Uuid;

const FIRST: [&str; 32] = [
    "ada",
    "alan",
    "grace",
    "edsger",
    "barbara",
    "donald",
    "margaret",
    "ken",
    "dennis",
    "linus",
    "radia",
    "frances",
    "john",
    "hedy",
    "tim",
    "katherine",
    "claude",
    "niklaus",
    "leslie",
    "shafi",
    "tony",
    "robin",
    "adele",
    "bjarne",
    "guido",
    "anita",
    "vint",
    "sophie",
    "whitfield",
    "jean",
    "carl",
    "mary",
];
const LAST: [&str; 32] = [
    "lovelace",
    "turing",
    "hopper",
    "dijkstra",
    "liskov",
    "knuth",
    "hamilton",
    "thompson",
    "ritchie",
    "torvalds",
    "perlman",
    "allen",
    "mccarthy",
    "lamarr",
    "berners",
    "johnson",
    "shannon",
    "wirth",
    "lamport",
    "goldwasser",
    "hoare",
    "milner",
    "goldberg",
    "stroustrup",
    "rossum",
    "borg",
    "cerf",
    "wilson",
    "diffie",
    "bartik",
    "petri",
    "keller",
];

/// The seeded user number `i`: realistic names, so that searches match a realistic share.
fn seed_user(i: usize, org: Uuid) -> SeedUser {
    let (first, last) = (FIRST[i % 32], LAST[(i / 32) % 32]);
    let now = time::OffsetDateTime::now_utc();
    let user = User {
        id: Uuid::new_v4(),
        email: format!("{first}.{last}.{i}@example.com"),
        username: format!("{first}-{last}-{i}"),
        name: format!("{} {}", capitalized(first), capitalized(last)),
        avatar_url: String::new(),
        hashed_password: String::new(),
        login_type: LoginType::None,
        status: if i.is_multiple_of(4) { UserStatus::Dormant } else { UserStatus::Active },
        rbac_roles: vec![],
        is_service_account: false,
        deleted: false,
        created_at: now,
        updated_at: now,
        last_seen_at: now,
    };
    let (private_key, public_key) = domain::sshkey::generate_ed25519().expect("ssh key");
    let member = OrganizationMember { user_id: user.id, organization_id: org, roles: vec![], created_at: now, updated_at: now };
    let ssh_key = GitSshKeyRow { user_id: user.id, private_key, public_key, created_at: now, updated_at: now };
    SeedUser { user, memberships: vec![member], ssh_key }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// The users-list request of each kind, as the server's use case builds it from the query
/// string the benchmark sends (`limit=50&offset=1000`, `limit=50&after_id=..`, `q=hopper-12`,
/// `q=name:"grace hopper"`).
fn request(repo: &DbRepo, kind: &str) -> (UserFilter, Page) {
    match kind {
        "page-offset" => (UserFilter::default(), Page { limit: 50, offset: 1000, after_id: None }),
        "page-after" => (UserFilter::default(), Page { limit: 50, offset: 0, after_id: Some(after_id(repo)) }),
        "search" => (UserFilter { search: Some("hopper-12".into()), ..Default::default() }, Page { limit: 50, ..Default::default() }),
        "name" => (UserFilter { name: Some("grace hopper".into()), ..Default::default() }, Page { limit: 50, ..Default::default() }),
        other => panic!("unknown kind {other:?}"),
    }
}

/// The keyset start the benchmark uses: the user the benchmark's script also asks for.
fn after_id(repo: &DbRepo) -> Uuid {
    repo.user_by_username("grace-hopper-66").expect("lookup").expect("seeded user grace-hopper-66").id
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_else(|| panic!("usage: see the doc comment of storebench.rs"));
    let (repo, _) = storage::open(&arg(1), 16).expect("open store");
    match arg(0).as_str() {
        "seed" => {
            let (from, to): (usize, usize) = (arg(2).parse().unwrap(), arg(3).parse().unwrap());
            let org = repo.default_organization().expect("read").expect("the first user exists").id;
            let t = Instant::now();
            let batch: Vec<SeedUser> = (from..to).map(|i| seed_user(i, org)).collect();
            repo.insert_users_bulk(&batch).expect("bulk insert");
            repo.execute_sql(if repo.backend() == storage::Backend::Postgres { "VACUUM ANALYZE" } else { "PRAGMA optimize" })
                .expect("analyze");
            eprintln!("seeded users {from}..{to} in {:.1}s", t.elapsed().as_secs_f64());
        }
        "sql" => {
            let (filter, page) = request(&repo, &arg(2));
            let threads: usize = arg(3).parse().unwrap();
            let seconds: f64 = arg(4).parse().unwrap();
            sql_loop(Arc::new(repo), filter, page, threads, Duration::from_secs_f64(seconds));
        }
        "pgbench" => {
            let (filter, page) = request(&repo, &arg(2));
            for statement in repo.pg_users_page_statements(&filter, &page).expect("statements") {
                println!("{statement};");
            }
        }
        other => panic!("unknown command {other:?}"),
    }
}

/// What the users-list use case asks of the store for one request.
fn one_request(repo: &DbRepo, filter: &UserFilter, page: &Page) {
    repo.list_users_with_orgs(filter, page).expect("page");
}

fn sql_loop(repo: Arc<DbRepo<'static>>, filter: UserFilter, page: Page, threads: usize, duration: Duration) {
    let stop = Arc::new(AtomicBool::new(false));
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let start = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (repo, stop, latencies, filter) = (repo.clone(), stop.clone(), latencies.clone(), filter.clone());
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    one_request(&repo, &filter, &page);
                    mine.push(t.elapsed());
                }
                latencies.lock().unwrap().extend(mine);
            })
        })
        .collect();
    std::thread::sleep(duration);
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().unwrap();
    }
    let wall = start.elapsed().as_secs_f64();
    let mut lat = latencies.lock().unwrap().clone();
    lat.sort();
    let pct = |q: f64| {
        lat.get(((lat.len() as f64 * q) as usize).min(lat.len().saturating_sub(1))).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
    };
    println!("ops={} rps={:.1} p50_ms={:.3} p99_ms={:.3}", lat.len(), lat.len() as f64 / wall, pct(0.50), pct(0.99));
}
