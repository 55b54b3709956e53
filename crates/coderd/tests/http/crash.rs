//! Crash safety: the server process is killed (SIGKILL) during a stream of writes; every write
//! it acknowledged with a 2xx is there when it restarts on the same data.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::harness::{Db, OWNER_PASSWORD};
use crate::pg;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(10))).build().into()
}

fn start(args: &[String]) -> Child {
    let child =
        Command::new(env!("CARGO_BIN_EXE_coderd")).args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("coderd starts");
    child
}

fn wait_healthy(base: &str) {
    let a = agent();
    let start = Instant::now();
    while a.get(&format!("{base}/healthz")).call().map(|r| r.status().as_u16()).unwrap_or(0) != 200 {
        assert!(start.elapsed() < Duration::from_secs(30), "server did not come up");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn post(base: &str, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
    let mut req = agent().post(&format!("{base}{path}"));
    if let Some(t) = token {
        req = req.header("Coder-Session-Token", t);
    }
    match req.send_json(body) {
        Ok(mut r) => {
            let status = r.status().as_u16();
            (status, r.body_mut().read_json::<Value>().unwrap_or(Value::Null))
        }
        Err(_) => (0, Value::Null),
    }
}

fn killed_during_writes(db: Db) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut args: Vec<String> =
        ["server", "--http-address", &format!("127.0.0.1:{port}"), "--dangerous-disable-rate-limits", "--provisioner-daemons", "0"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let dir = std::env::temp_dir().join(format!("coderd-crash-{}", uuid::Uuid::new_v4().simple()));
    let mut pg_name = None;
    match db {
        Db::Sqlite => args.extend(["--data-dir".to_string(), dir.display().to_string()]),
        Db::Postgres => {
            let Some((url, name)) = pg::fresh_database() else { return };
            pg_name = Some(name);
            args.extend(["--postgres-url".to_string(), url]);
        }
    }
    let mut child = start(&args);
    wait_healthy(&base);
    let (s, _) =
        post(&base, "/api/v2/users/first", None, json!({"email": "owner@example.com", "username": "owner", "password": OWNER_PASSWORD}));
    assert_eq!(s, 201);
    let (s, login) = post(&base, "/api/v2/users/login", None, json!({"email": "owner@example.com", "password": OWNER_PASSWORD}));
    assert_eq!(s, 201);
    let token = login["session_token"].as_str().unwrap().to_string();

    // Writes stream in until the process dies under them.
    let writer = {
        let (base, token) = (base.clone(), token.clone());
        std::thread::spawn(move || {
            let mut acknowledged = Vec::new();
            for i in 0.. {
                let name = format!("crash{i}");
                let body = json!({"email": format!("{name}@example.com"), "username": name, "login_type": "none", "organization_ids": ["00000000-0000-0000-0000-000000000000"]});
                match post(&base, "/api/v2/users", Some(&token), body) {
                    (201, _) => acknowledged.push(name),
                    (0, _) => break,
                    (other, v) => panic!("unexpected {other}: {v}"),
                }
            }
            acknowledged
        })
    };
    std::thread::sleep(Duration::from_millis(700));
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let acknowledged = writer.join().unwrap();
    assert!(!acknowledged.is_empty(), "some writes were acknowledged before the kill");

    // The same data, a new process: everything acknowledged is there.
    let mut child = start(&args);
    wait_healthy(&base);
    let a = agent();
    for name in &acknowledged {
        let r = a.get(&format!("{base}/api/v2/users/{name}")).header("Coder-Session-Token", &token).call().unwrap();
        assert_eq!(r.status().as_u16(), 200, "{name} was acknowledged but is gone");
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(n) = pg_name {
        pg::drop_database(&n);
    }
}

#[test]
fn acknowledged_writes_survive_sigkill_sqlite() {
    killed_during_writes(Db::Sqlite);
}

#[test]
fn acknowledged_writes_survive_sigkill_postgres() {
    killed_during_writes(Db::Postgres);
}
