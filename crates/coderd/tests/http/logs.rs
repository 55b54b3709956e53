//! Structured request logs: one JSON line per request with its id, route template, user,
//! status and latency.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::harness::OWNER_PASSWORD;

#[test]
fn request_logs_carry_route_user_status_and_latency() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = std::env::temp_dir().join(format!("coderd-logs-{}", uuid::Uuid::new_v4().simple()));
    let log = dir.with_extension("log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_coderd"))
        .args(["server", "--http-address", &format!("127.0.0.1:{port}"), "--data-dir", &dir.display().to_string()])
        .args(["--log-format", "json", "--provisioner-daemons", "0", "--dangerous-disable-rate-limits"])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("coderd starts");
    let base = format!("http://127.0.0.1:{port}");
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let start = Instant::now();
    while agent.get(&format!("{base}/healthz")).call().map(|r| r.status().as_u16()).unwrap_or(0) != 200 {
        assert!(start.elapsed() < Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut r = agent
        .post(&format!("{base}/api/v2/users/first"))
        .send_json(json!({"email": "owner@example.com", "username": "owner", "password": OWNER_PASSWORD}))
        .unwrap();
    let user_id = r.body_mut().read_json::<Value>().unwrap()["user_id"].as_str().unwrap().to_string();
    let mut r = agent
        .post(&format!("{base}/api/v2/users/login"))
        .send_json(json!({"email": "owner@example.com", "password": OWNER_PASSWORD}))
        .unwrap();
    let token = r.body_mut().read_json::<Value>().unwrap()["session_token"].as_str().unwrap().to_string();
    let r = agent
        .get(&format!("{base}/api/v2/users/{user_id}"))
        .header("Coder-Session-Token", &token)
        .header("X-Request-Id", "trace-me-1")
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    std::thread::sleep(Duration::from_millis(300));
    let _ = child.kill();
    let _ = child.wait();
    let text = std::fs::read_to_string(&log).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&log);
    let line = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["fields"]["request_id"] == "trace-me-1")
        .unwrap_or_else(|| panic!("no log line for the request:\n{text}"));
    let f = &line["fields"];
    assert_eq!(f["route"], "/api/v2/users/{user}", "{line}");
    assert_eq!(f["user_id"], user_id.as_str(), "{line}");
    assert_eq!(f["status"], 200, "{line}");
    assert_eq!(f["method"], "GET", "{line}");
    assert!(f["ms"].as_f64().is_some(), "{line}");
}
