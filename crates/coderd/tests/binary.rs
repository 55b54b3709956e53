//! The `coderd` binary itself: subcommands, environment configuration, graceful shutdown.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_coderd");

fn temp_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("coderd-bin-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn openapi_subcommand_prints_the_document() {
    let out = Command::new(BIN).arg("openapi").output().unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
}

#[test]
fn migrate_subcommand_prepares_the_database() {
    let dir = temp_dir();
    let out = Command::new(BIN).arg("migrate").env("CODER_DATA_DIR", &dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.join("coderd.db").exists());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_configuration_fails_with_one_clear_line() {
    let out = Command::new(BIN).args(["server", "--postgres-url", "mysql://nope"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("postgres://"), "{err}");
    let out = Command::new(BIN).args(["server"]).env("CODER_SESSION_DURATION", "forever").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--session-duration"));
}

#[test]
fn server_reads_environment_and_stops_gracefully_on_sigterm() {
    let dir = temp_dir();
    let port = free_port();
    let mut child = Command::new(BIN)
        .arg("server")
        .env("CODER_HTTP_ADDRESS", format!("127.0.0.1:{port}"))
        .env("CODER_DATA_DIR", &dir)
        .env("CODER_ACCESS_URL", "https://coder.example.com")
        .env("CODER_LOG_FORMAT", "json")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let url = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    while agent.get(format!("{url}/healthz")).call().is_err() {
        assert!(start.elapsed() < Duration::from_secs(30), "server did not come up");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut info = agent.get(format!("{url}/api/v2/buildinfo")).call().unwrap();
    let info: serde_json::Value = serde_json::from_str(&info.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(info["dashboard_url"], "https://coder.example.com");

    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "server did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status}");
    let mut logs = String::new();
    child.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
    assert!(logs.lines().any(|l| l.starts_with('{') && l.contains("coderd listening")), "json logs: {logs}");
    std::fs::remove_dir_all(dir).unwrap();
}
