//! Real OAuth2 peers against the running server: Authlib (a client library, from PyPI) through
//! every flow, and headless Chromium through the sign-in and consent pages.

use serde_json::json;

use crate::harness::{Db, TestServer, USER_PASSWORD};

const PYTHON: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../build/tools/venv/bin/python");

/// The pinned Python tools, or `None` (a skip) outside CI when they are not installed.
fn python() -> Option<&'static str> {
    if std::path::Path::new(PYTHON).exists() {
        return Some(PYTHON);
    }
    assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "the Python tools are not installed (scripts/spec/tools.sh ensure_venv)");
    eprintln!("*** SKIPPING: no build/tools/venv ***");
    None
}

fn run(python: &str, script: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(python)
        .arg(format!("{}/../../scripts/oauth2/{script}", env!("CARGO_MANIFEST_DIR")))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {script}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{script} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

fn authlib(db: Db) {
    let Some(python) = python() else { return };
    let Some(srv) = TestServer::start_with(db, &["--experiments", "oauth2"]) else { return };
    let (owner, _, _) = srv.setup_owner();
    let (member, _) = srv.create_user(&owner, "member");
    let out = run(python, "flows.py", &[srv.url("").trim_end_matches('/'), &owner, &member]);
    assert!(out.trim_end().ends_with("oauth2 flows: ok"), "{out}");
}

#[test]
fn authlib_completes_the_flows_sqlite() {
    authlib(Db::Sqlite);
}

#[test]
fn authlib_completes_the_flows_postgres() {
    authlib(Db::Postgres);
}

/// A free loopback port for the client's callback server.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn browser_signs_in_and_approves() {
    let Some(python) = python() else { return };
    if !std::path::Path::new("/usr/bin/chromedriver").exists() {
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "chromium-driver is not installed (.ci/run installs it)");
        eprintln!("*** SKIPPING: no chromedriver ***");
        return;
    }
    let srv = TestServer::start_with(Db::Sqlite, &["--experiments", "oauth2"]).expect("sqlite always available");
    let (owner, _, _) = srv.setup_owner();
    srv.create_user(&owner, "member");
    let port = free_port();
    let callback = format!("http://127.0.0.1:{port}/callback");
    let app = srv.post("/api/v2/oauth2-provider/apps").token(&owner).json(json!({"name": "browser-app", "callback_url": callback})).send();
    app.expect(201);
    let id = app.json["id"].as_str().unwrap();
    let secret = srv.post(&format!("/api/v2/oauth2-provider/apps/{id}/secrets")).token(&owner).send().json["client_secret_full"]
        .as_str()
        .unwrap()
        .to_string();
    let out = run(python, "browser.py", &[srv.url("").trim_end_matches('/'), id, "member@example.com", USER_PASSWORD, &port.to_string()]);
    // The code the browser brought back is good at the token endpoint.
    let query = out.lines().last().unwrap();
    let code = url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "code").map(|(_, v)| v.into_owned()).expect("a code");
    let r = srv
        .post("/oauth2/tokens")
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("code_verifier", "browser-test-verifier-0123456789-abcdefghijklmnopqrstuvwxyz"),
            ("redirect_uri", &callback),
            ("client_id", id),
            ("client_secret", &secret),
        ])
        .send();
    r.expect(200);
    assert_eq!(r.json["scope"], "user:read");
    let access = r.json["access_token"].as_str().unwrap();
    assert_eq!(srv.get("/api/v2/users/me").header("Authorization", &format!("Bearer {access}")).send().json["username"], "member");
}
