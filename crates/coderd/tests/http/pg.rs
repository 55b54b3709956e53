//! A private PostgreSQL for the test run: `CODER_TEST_PG_URL` when set, otherwise a throwaway
//! cluster started from the local binaries (one per test process, removed when it exits). Each
//! test gets a fresh database in it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

struct Cluster {
    /// URL of the maintenance database, used to create and drop test databases.
    admin_url: String,
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();

fn run(cmd: &mut Command) -> Result<String, String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{cmd:?} failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn bindir() -> Option<PathBuf> {
    if let Ok(out) = run(Command::new("pg_config").arg("--bindir")) {
        let dir = PathBuf::from(out.trim());
        if dir.join("initdb").exists() {
            return Some(dir);
        }
    }
    let mut versions: Vec<PathBuf> =
        std::fs::read_dir("/usr/lib/postgresql").ok()?.filter_map(|e| e.ok()).map(|e| e.path().join("bin")).collect();
    versions.sort();
    versions.into_iter().rev().find(|d| d.join("initdb").exists())
}

fn is_root() -> bool {
    run(Command::new("id").arg("-u")).map(|s| s.trim() == "0").unwrap_or(false)
}

/// Runs a PostgreSQL binary, as the `postgres` user when we are root (initdb refuses root).
fn pg_cmd(bin: &Path, args: &[&str]) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin).args(args);
        c
    } else {
        let mut c = Command::new(bin);
        c.args(args);
        c
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(55432)
}

fn start_cluster() -> Result<Cluster, String> {
    if let Ok(url) = std::env::var("CODER_TEST_PG_URL") {
        if !url.is_empty() {
            return Ok(Cluster { admin_url: url });
        }
    }
    let bin = bindir().ok_or("no PostgreSQL binaries found (install postgresql, or set CODER_TEST_PG_URL)")?;
    let dir = std::env::temp_dir().join(format!("coderd-test-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    if is_root() {
        run(Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir))?;
    }
    let data = dir.join("data");
    let data_s = data.to_string_lossy().into_owned();
    let dir_s = dir.to_string_lossy().into_owned();
    run(&mut pg_cmd(&bin.join("initdb"), &["-D", &data_s, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]))?;
    let port = free_port();
    let opts = format!(
        "-p {port} -k {dir_s} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400"
    );
    let log = dir.join("log").to_string_lossy().into_owned();
    run(&mut pg_cmd(&bin.join("pg_ctl"), &["-D", &data_s, "-o", &opts, "-l", &log, "-w", "start"]))?;
    // Stop the cluster and remove it once this test process is gone.
    let pg_ctl = bin.join("pg_ctl").to_string_lossy().into_owned();
    let stop = if is_root() { format!("runuser -u postgres -- {pg_ctl}") } else { pg_ctl };
    let watchdog = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} -D {data_s} -m immediate stop >/dev/null 2>&1; rm -rf {dir_s}",
        pid = std::process::id()
    );
    Command::new("setsid")
        .args(["sh", "-c", &watchdog])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start the cluster watchdog: {e}"))?;
    Ok(Cluster { admin_url: format!("postgres://postgres@127.0.0.1:{port}/postgres") })
}

/// A fresh, empty database; `None` (after a loud message) when no PostgreSQL is available and
/// this is not CI. Under `CI=true` a missing PostgreSQL fails the test.
pub fn fresh_database() -> Option<(String, String)> {
    let cluster = CLUSTER.get_or_init(start_cluster);
    let cluster = match cluster {
        Ok(c) => c,
        Err(e) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("PostgreSQL is required under CI=true: {e}");
            }
            eprintln!("\n*** SKIPPING PostgreSQL test: {e} ***\n");
            return None;
        }
    };
    let name = format!("coderd_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::establish(&cluster.admin_url).unwrap_or_else(|e| panic!("cannot reach test PostgreSQL: {e}"));
    admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("create test database");
    let base = cluster.admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&cluster.admin_url);
    Some((format!("{base}/{name}"), name))
}

/// Drops a test database (best effort; a leftover goes with the throwaway cluster anyway).
pub fn drop_database(name: &str) {
    if let Some(Ok(cluster)) = CLUSTER.get() {
        if let Ok(mut admin) = PgConnection::establish(&cluster.admin_url) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}
