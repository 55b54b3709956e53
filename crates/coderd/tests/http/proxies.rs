//! Workspace proxies over HTTP, with a stand-in proxy on loopback that registers with its token
//! and answers `/healthz-report` as told.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::harness::{Db, TestServer};

/// A tiny HTTP server answering every request with the current (status, body).
struct StandIn {
    url: String,
    answer: Arc<Mutex<(u16, String)>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StandIn {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let answer = Arc::new(Mutex::new((200, r#"{"errors":[],"warnings":[]}"#.to_string())));
        let stop = Arc::new(AtomicBool::new(false));
        let (a, s) = (answer.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((mut conn, _)) => {
                        conn.set_nonblocking(false).ok();
                        conn.set_read_timeout(Some(Duration::from_secs(2))).ok();
                        let mut buf = [0u8; 4096];
                        let _ = conn.read(&mut buf);
                        let (status, body) = a.lock().unwrap().clone();
                        let resp = format!(
                            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = conn.write_all(resp.as_bytes());
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Self { url, answer, stop, thread: Some(thread) }
    }

    fn answer(&self, status: u16, body: &str) {
        *self.answer.lock().unwrap() = (status, body.to_string());
    }

    /// Stops listening: connections are refused from now on.
    fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.stop();
    }
}

fn registration(url: &str, replica: &str) -> Value {
    json!({"access_url": url, "wildcard_hostname": "", "derp_enabled": true, "derp_only": false, "replica_id": replica,
           "hostname": "standin", "replica_error": "", "replica_relay_address": "", "version": "v2.99.0"})
}

/// Polls a proxy until its status is `want` and its first error (if `error` is given) starts so.
fn wait_for(srv: &TestServer, token: &str, id: &str, want: &str, error: Option<&str>) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = srv.get(&format!("/api/v2/workspaceproxies/{id}")).token(token).send();
        let first_error = r.json["status"]["report"]["errors"][0].as_str().unwrap_or_default().to_string();
        if r.json["status"]["status"] == want && error.is_none_or(|e| first_error.starts_with(e)) {
            return r.json;
        }
        assert!(Instant::now() < deadline, "proxy never became {want} ({error:?}): {}", r.body);
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn wait_status(srv: &TestServer, token: &str, id: &str, want: &str) -> Value {
    wait_for(srv, token, id, want, None)
}

fn proxies(db: Db) {
    let Some(srv) = TestServer::start_with(db, &["--proxy-health-interval", "200ms"]) else { return };
    // Unlicensed: refused before authentication, proxy-facing routes too.
    for (method, path) in [("GET", "/api/v2/workspaceproxies"), ("POST", "/api/v2/workspaceproxies/me/register")] {
        let r = srv.req(method, path).send();
        r.expect_error(403);
        assert_eq!(r.json["message"], "Workspace Proxy is a Premium feature. Contact sales!");
    }
    let (owner, _, _) = srv.setup_owner();
    let (member, _) = srv.create_user(&owner, "mia");
    srv.get("/api/v2/workspaceproxies").send().expect_error(401);

    let list = srv.get("/api/v2/workspaceproxies").token(&member).send();
    list.expect(200);
    let primary = &list.json["regions"][0];
    assert_eq!(primary["name"], "primary");
    assert_eq!(primary["display_name"], "Default");
    assert_eq!(primary["healthy"], true);
    assert_eq!(primary["status"]["status"], "ok");
    assert_eq!(primary["path_app_url"], srv.url(""));
    let deployment = srv.get("/api/v2/buildinfo").send().json["deployment_id"].as_str().unwrap().to_string();
    assert_eq!(primary["id"], deployment);
    assert_eq!(srv.get(&format!("/api/v2/workspaceproxies/{deployment}")).token(&member).send().json["name"], "primary");

    // Create.
    let r = srv
        .post("/api/v2/workspaceproxies")
        .token(&owner)
        .json(json!({"name": "eu", "display_name": "Europe", "icon": "/emojis/1f1ea-1f1fa.png"}))
        .send();
    r.expect(201);
    let id = r.json["proxy"]["id"].as_str().unwrap().to_string();
    let token = r.json["proxy_token"].as_str().unwrap().to_string();
    let (tid, secret) = token.split_once(':').unwrap();
    assert_eq!(tid, id);
    assert_eq!(secret.len(), 64);
    assert_eq!(r.json["proxy"]["status"]["status"], "unregistered");
    assert_eq!(r.json["proxy"]["derp_enabled"], true);
    let r = srv.post("/api/v2/workspaceproxies").token(&owner).json(json!({"name": "EU"})).send();
    r.expect_error(409);
    assert_eq!(r.json["message"], "Workspace proxy with name \"EU\" already exists.");
    let r = srv.post("/api/v2/workspaceproxies").token(&owner).json(json!({"name": "Primary"})).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "The name \"primary\" is reserved for the primary region.");
    assert_eq!(r.json["validations"][0], json!({"field": "name", "detail": "Reserved name"}));
    let r = srv.post("/api/v2/workspaceproxies").token(&owner).json(json!({})).send();
    r.expect_error(400);
    assert_eq!(r.json["validations"][0]["field"], "name");
    srv.post("/api/v2/workspaceproxies").token(&member).json(json!({"name": "mine"})).send().expect_error(403);
    assert_eq!(srv.get("/api/v2/workspaceproxies/eu").token(&member).send().json["id"], id);
    srv.get("/api/v2/workspaceproxies/nowhere").token(&owner).send().expect_error(404);
    assert_eq!(srv.get("/api/v2/workspaceproxies").token(&owner).send().json["regions"].as_array().unwrap().len(), 2);
    wait_status(&srv, &owner, &id, "unregistered");

    // Registration, with its checks.
    let mut standin = StandIn::start();
    let replica = uuid::Uuid::new_v4().to_string();
    let register = |tok: &str, body: Value| {
        srv.post("/api/v2/workspaceproxies/me/register").header("Coder-External-Proxy-Token", tok).json(body).send()
    };
    let r = register("", registration(&standin.url, &replica));
    r.expect_error(401);
    assert_eq!(r.json["message"], "Missing required external proxy token");
    let r = register("garbage", registration(&standin.url, &replica));
    assert_eq!(r.json["message"], "Invalid external proxy token");
    let r = register(&format!("{}:{}", uuid::Uuid::new_v4(), "x".repeat(64)), registration(&standin.url, &replica));
    assert_eq!(r.json["detail"], "Proxy not found.");
    let r = register(&token, registration("ftp://x", &replica));
    r.expect_error(400);
    assert_eq!(r.json["message"], "URL is invalid.");
    let r = register(&token, registration(&format!("{}/sub", standin.url), &replica));
    assert_eq!(r.json["detail"], "path must be empty or /");
    let r = register(&token, registration(&standin.url, "00000000-0000-0000-0000-000000000000"));
    assert_eq!(r.json["message"], "Replica ID is invalid.");
    let mut derp_only = registration(&standin.url, &replica);
    derp_only["derp_enabled"] = json!(false);
    derp_only["derp_only"] = json!(true);
    assert_eq!(register(&token, derp_only).json["message"], "DerpOnly cannot be true when DerpEnabled is false.");
    let mut bad_wildcard = registration(&standin.url, &replica);
    bad_wildcard["wildcard_hostname"] = json!("apps.example.com");
    assert_eq!(register(&token, bad_wildcard).json["message"], "Wildcard URL is invalid.");

    let mut good = registration(&standin.url, &replica);
    good["wildcard_hostname"] = json!("*.eu.example.com");
    let r = register(&token, good);
    r.expect(201);
    assert_eq!(r.json["derp_region_id"], 10001);
    assert_eq!(r.json["derp_mesh_key"].as_str().unwrap().len(), 64);
    assert_eq!(r.json["sibling_replicas"], json!([]));
    let p = wait_status(&srv, &owner, &id, "ok");
    assert_eq!(p["healthy"], true);
    assert_eq!(p["path_app_url"], standin.url);
    assert_eq!(p["wildcard_hostname"], "*.eu.example.com");
    assert_eq!(p["version"], "v2.99.0");

    // The stand-in reports a problem, answers wrongly, then goes away.
    standin.answer(200, r#"{"errors":["cannot reach the primary"],"warnings":["version mismatch"]}"#);
    let p = wait_for(&srv, &owner, &id, "unhealthy", Some("cannot reach the primary"));
    assert_eq!(p["status"]["report"], json!({"errors": ["cannot reach the primary"], "warnings": ["version mismatch"]}));
    assert_eq!(p["healthy"], false);
    standin.answer(500, "oops");
    wait_for(&srv, &owner, &id, "unhealthy", Some("unexpected status code 500"));
    standin.answer(200, r#"{"errors":[],"warnings":[]}"#);
    wait_status(&srv, &owner, &id, "ok");
    standin.stop();
    wait_for(&srv, &owner, &id, "unreachable", Some("request to proxy failed"));

    // Deregistering a replica.
    let dereg = |tok: &str, replica: &str| {
        srv.post("/api/v2/workspaceproxies/me/deregister")
            .header("Coder-External-Proxy-Token", tok)
            .json(json!({"replica_id": replica}))
            .send()
    };
    dereg(&token, &uuid::Uuid::new_v4().to_string()).expect_error(404);
    dereg(&token, &replica).expect(204);

    // Updates: a regenerated token replaces the old one.
    let patch =
        |tok: &str, target: &str, body: Value| srv.patch(&format!("/api/v2/workspaceproxies/{target}")).token(tok).json(body).send();
    let body = |name: &str, regen: bool| json!({"id": id, "name": name, "display_name": "Europe West", "icon": "/emojis/1f1ea-1f1fa.png", "regenerate_token": regen});
    let r = patch(&owner, "eu", body("eu-west", true));
    r.expect(200);
    assert_eq!(r.json["proxy"]["name"], "eu-west");
    let new_token = r.json["proxy_token"].as_str().unwrap().to_string();
    assert_ne!(new_token, token);
    let r = register(&token, registration(&standin.url, &replica));
    r.expect_error(401);
    assert_eq!(r.json["detail"], "Invalid proxy token secret.");
    register(&new_token, registration(&standin.url, &replica)).expect(201);
    assert_eq!(patch(&owner, &id, body("eu-west", false)).json["proxy_token"], "");
    srv.post("/api/v2/workspaceproxies").token(&owner).json(json!({"name": "us"})).send().expect(201);
    let r = patch(&owner, &id, body("US", false));
    r.expect_error(409);
    let r = patch(&owner, &id, json!({"id": id, "name": "eu-west"}));
    r.expect_error(400);
    assert_eq!(r.json["validations"][0]["field"], "display_name");
    patch(&member, &id, body("mine", false)).expect_error(404);
    // The primary: display name and icon only.
    let r = patch(&owner, "primary", json!({"id": deployment, "name": "primary", "display_name": "Home", "icon": "/emojis/1f3e0.png"}));
    r.expect(200);
    assert_eq!(r.json["proxy"]["display_name"], "Home");
    assert_eq!(srv.get("/api/v2/workspaceproxies").token(&member).send().json["regions"][0]["icon_url"], "/emojis/1f3e0.png");
    let r = patch(&owner, "primary", json!({"id": deployment, "name": "main", "display_name": "Home", "icon": "/x.png"}));
    r.expect_error(400);
    assert_eq!(r.json["message"], "Cannot update name of default primary proxy, did you mean to update the 'display name'?");

    // Soft delete.
    let r = srv.delete("/api/v2/workspaceproxies/primary").token(&owner).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Cannot delete primary proxy");
    srv.delete(&format!("/api/v2/workspaceproxies/{id}")).token(&member).send().expect_error(404);
    let r = srv.delete("/api/v2/workspaceproxies/eu-west").token(&owner).send();
    r.expect(200);
    assert_eq!(r.json["message"], "Proxy has been deleted!");
    let names: Vec<String> = srv.get("/api/v2/workspaceproxies").token(&owner).send().json["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["primary", "us"]);
    let gone = srv.get(&format!("/api/v2/workspaceproxies/{id}")).token(&owner).send();
    assert_eq!(gone.json["deleted"], true);
    assert_eq!(gone.json["status"]["status"], "unknown");
    srv.get("/api/v2/workspaceproxies/eu-west").token(&owner).send().expect_error(404);
    let r = register(&new_token, registration(&standin.url, &replica));
    assert_eq!(r.json["detail"], "Proxy has been deleted.");
    srv.post("/api/v2/workspaceproxies").token(&owner).json(json!({"name": "eu-west"})).send().expect(201);
}

#[test]
fn workspace_proxies_sqlite() {
    proxies(Db::Sqlite);
}

#[test]
fn workspace_proxies_postgres() {
    proxies(Db::Postgres);
}
