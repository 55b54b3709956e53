//! OIDC login against a real OpenID provider on loopback (panva/oidc-provider from npm, started
//! here), driven without a browser by scripts/oidc/flows.py; GitHub login (web and device flow)
//! against a local stand-in for GitHub; and the start-up checks of both.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::harness::{server_args, Db, TestServer};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
const CLIENT_ID: &str = "coderd-test";
const CLIENT_SECRET: &str = "coderd-test-secret-0123456789";

/// The provider process; killed when dropped.
struct Provider {
    child: Child,
    url: String,
    claims: std::path::PathBuf,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.claims);
    }
}

fn tools_present() -> bool {
    let ok = std::path::Path::new(&format!("{ROOT}/build/tools/oidc/node_modules/oidc-provider")).exists()
        && std::path::Path::new(&format!("{ROOT}/build/tools/venv/bin/python")).exists();
    if !ok {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "oidc-provider or the Python tools are not installed (scripts/spec/tools.sh)"
        );
        eprintln!("*** SKIPPING: no build/tools/oidc or build/tools/venv ***");
    }
    ok
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts the provider for a server whose callback is on `server_port`.
fn provider(server_port: u16) -> Provider {
    let dir = format!("{ROOT}/build/tools/oidc");
    // Tests start providers in parallel: the script is put in place once, by an atomic rename,
    // so that no node process reads it half-written (an empty module runs and exits silently).
    static COPIED: std::sync::Once = std::sync::Once::new();
    COPIED.call_once(|| {
        let staged = format!("{dir}/provider.mjs.{}", std::process::id());
        std::fs::copy(format!("{ROOT}/scripts/oidc/provider.mjs"), &staged).expect("copy provider.mjs");
        std::fs::rename(&staged, format!("{dir}/provider.mjs")).expect("place provider.mjs");
    });
    let claims = std::env::temp_dir().join(format!("oidc-claims-{}.json", uuid::Uuid::new_v4().simple()));
    std::fs::write(&claims, "{}").unwrap();
    let port = free_port();
    let redirect = format!("http://127.0.0.1:{server_port}/api/v2/users/oidc/callback");
    let mut child = Command::new("node")
        .current_dir(&dir)
        .args(["provider.mjs", &port.to_string(), CLIENT_ID, CLIENT_SECRET, &redirect, claims.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready", "the provider did not start");
    Provider { child, url: format!("http://127.0.0.1:{port}"), claims }
}

/// A server with OIDC pointing at `p`, on `port` (the provider knows that redirect URI).
fn server(db: Db, port: u16, p: &Provider, extra: &[&str]) -> Option<TestServer> {
    let mut flags = vec![
        "--oidc-client-id",
        CLIENT_ID,
        "--oidc-client-secret",
        CLIENT_SECRET,
        "--oidc-issuer-url",
        &p.url,
        "--oidc-scopes",
        "openid,profile,email,groups",
        "--oidc-email-domain",
        "example.com",
    ];
    flags.extend_from_slice(extra);
    let mut args = server_args(&flags);
    args.http_address = format!("127.0.0.1:{port}").parse().unwrap();
    TestServer::start_with_args(db, args)
}

fn run_flows(srv: &TestServer, owner: &str, p: &Provider, mode: &str) {
    let out = Command::new(format!("{ROOT}/build/tools/venv/bin/python"))
        .arg(format!("{ROOT}/scripts/oidc/flows.py"))
        .args([srv.url("").trim_end_matches('/'), owner, p.claims.to_str().unwrap(), mode])
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "oidc flows ({mode}) failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.trim_end().ends_with("oidc flows: ok"), "{stdout}");
}

fn oidc_login(db: Db) {
    if !tools_present() {
        return;
    }
    let port = free_port();
    let p = provider(port);
    let Some(srv) =
        server(db, port, &p, &["--oidc-user-role-field", "siteroles", "--oidc-user-role-mapping", r#"{"admins": ["auditor"]}"#])
    else {
        return;
    };
    let (owner, _, _) = srv.setup_owner();
    run_flows(&srv, &owner, &p, "main");
    drop(srv);

    let port = free_port();
    let p = provider(port);
    let Some(srv) = server(
        db,
        port,
        &p,
        &[
            "--oidc-allow-signups",
            "false",
            "--oidc-group-field",
            "groups",
            "--oidc-allowed-groups",
            "allowed",
            "--oidc-group-mapping",
            r#"{"idp-devs": "devs"}"#,
        ],
    ) else {
        return;
    };
    let (owner, _, _) = srv.setup_owner();
    // While nothing is stored, the default organization shows the legacy options the login
    // applies (Coder's `GroupSyncSettings`); other organizations show nothing.
    let r = srv.get("/api/v2/organizations/default/settings/idpsync/groups").token(&owner).send();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json,
        serde_json::json!({"field": "groups", "mapping": {}, "regex_filter": ".*",
            "auto_create_missing_groups": false, "legacy_group_name_mapping": {"idp-devs": "devs"}})
    );
    run_flows(&srv, &owner, &p, "nosignups");
}

#[test]
fn oidc_login_sqlite() {
    oidc_login(Db::Sqlite);
}

#[test]
fn oidc_login_postgres() {
    oidc_login(Db::Postgres);
}

#[test]
fn a_bad_issuer_stops_start_up() {
    let args = server_args(&["--oidc-client-id", "x", "--oidc-issuer-url", "http://127.0.0.1:9/nowhere"]);
    let err = match coderd::externallogin::provider(&args, "http://127.0.0.1:1") {
        Ok(_) => panic!("discovery of a dead issuer succeeded"),
        Err(e) => e,
    };
    assert!(err.starts_with("OIDC discovery at \"http://127.0.0.1:9/nowhere\" failed"), "{err}");
    assert!(!err.contains('\n'), "one line: {err}");
    let args = server_args(&["--oidc-client-id", "x"]);
    assert_eq!(
        coderd::externallogin::settings(&args).err().as_deref(),
        Some("CODER_OIDC_ISSUER_URL is required when CODER_OIDC_CLIENT_ID is set")
    );
}

/// The GitHub stand-in process; killed when dropped.
struct Standin {
    child: Child,
    url: String,
}

impl Drop for Standin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const GH_ID: &str = "gh-client";
const GH_SECRET: &str = "gh-secret";

fn standin() -> Standin {
    let port = free_port();
    let mut child = Command::new(format!("{ROOT}/build/tools/venv/bin/python"))
        .args([&format!("{ROOT}/scripts/github/standin.py"), &port.to_string(), GH_ID, GH_SECRET])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready", "the GitHub stand-in did not start");
    Standin { child, url: format!("http://127.0.0.1:{port}") }
}

fn github_server(db: Db, s: &Standin, extra: &[&str]) -> Option<TestServer> {
    let mut flags = vec![
        "--oauth2-github-client-id",
        GH_ID,
        "--oauth2-github-client-secret",
        GH_SECRET,
        "--oauth2-github-enterprise-base-url",
        &s.url,
        "--oauth2-github-allowed-orgs",
        "acme",
        "--oauth2-github-allowed-teams",
        "acme/devs",
        "--oauth2-github-allow-signups",
        "true",
    ];
    flags.extend_from_slice(extra);
    TestServer::start_with(db, &flags)
}

fn run_github(srv: &TestServer, s: &Standin, mode: &str) {
    let out = Command::new(format!("{ROOT}/build/tools/venv/bin/python"))
        .arg(format!("{ROOT}/scripts/github/flows.py"))
        .args([srv.url("").trim_end_matches('/'), &s.url, mode])
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "github flows ({mode}) failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.trim_end().ends_with("github flows: ok"), "{stdout}");
}

fn github_login(db: Db) {
    if !tools_present() {
        return;
    }
    let s = standin();
    let Some(srv) = github_server(db, &s, &[]) else { return };
    srv.setup_owner();
    run_github(&srv, &s, "web");
    drop(srv);
    let Some(srv) = github_server(db, &s, &["--oauth2-github-device-flow", "true"]) else { return };
    srv.setup_owner();
    run_github(&srv, &s, "device");
}

#[test]
fn github_login_sqlite() {
    github_login(Db::Sqlite);
}

#[test]
fn github_login_postgres() {
    github_login(Db::Postgres);
}

#[test]
fn github_settings_are_checked_at_start_up() {
    let args = server_args(&["--oauth2-github-client-id", "x"]);
    assert_eq!(
        coderd::externallogin::github_settings(&args).err().as_deref(),
        Some("allowed orgs is empty: must specify at least one org or allow everyone")
    );
    let args =
        server_args(&["--oauth2-github-client-id", "x", "--oauth2-github-allow-everyone", "true", "--oauth2-github-allowed-orgs", "a"]);
    assert!(coderd::externallogin::github_settings(&args).is_err());
    let args =
        server_args(&["--oauth2-github-client-id", "x", "--oauth2-github-allowed-orgs", "a", "--oauth2-github-allowed-teams", "bad"]);
    assert!(coderd::externallogin::github_settings(&args).err().unwrap().contains("org/team-slug"));
}
