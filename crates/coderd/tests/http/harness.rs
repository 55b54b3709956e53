//! Black-box harness: starts the real server on a random port with a fresh database and talks
//! HTTP to it.
// Helpers serve many test modules; not every helper is used by every build of the suite.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use coderd::config::{Command, ServerArgs};
use serde_json::{json, Value};

use crate::pg;

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// A running server with its own database.
pub struct TestServer {
    pub addr: SocketAddr,
    pub db: Db,
    pub args: ServerArgs,
    handle: Option<actix_web::dev::ServerHandle>,
    thread: Option<std::thread::JoinHandle<()>>,
    sqlite_dir: Option<PathBuf>,
    pg_name: Option<String>,
    agent: ureq::Agent,
}

/// Default test flags; `extra` adds or overrides flags of `coderd server`.
pub fn server_args(extra: &[&str]) -> ServerArgs {
    let mut argv =
        vec!["coderd", "server", "--http-address", "127.0.0.1:0", "--postgres-conn-max-open", "4", "--shutdown-grace-period", "1s"];
    // Tests make many requests quickly; the rate limit tests ask for their limits.
    if !extra.iter().any(|a| a.starts_with("--rate-limit-api")) {
        argv.push("--dangerous-disable-rate-limits");
    }
    argv.extend_from_slice(extra);
    match coderd::config::parse_from(argv).expect("test flags parse").command {
        Command::Server(a) => a,
        _ => unreachable!(),
    }
}

impl TestServer {
    /// Starts a server on `db` with default flags, or `None` when PostgreSQL is unavailable
    /// outside CI.
    pub fn start(db: Db) -> Option<Self> {
        Self::start_with(db, &[])
    }

    /// Starts a server with extra flags.
    pub fn start_with(db: Db, extra: &[&str]) -> Option<Self> {
        Self::start_with_args(db, server_args(extra))
    }

    /// Starts a server on `db` with these arguments (a fresh database is filled in).
    pub fn start_with_args(db: Db, mut args: ServerArgs) -> Option<Self> {
        let mut sqlite_dir = None;
        let mut pg_name = None;
        match db {
            Db::Sqlite => {
                let dir = std::env::temp_dir().join(format!("coderd-test-{}", uuid::Uuid::new_v4().simple()));
                args.database.data_dir = Some(dir.clone());
                sqlite_dir = Some(dir);
            }
            Db::Postgres => {
                let (url, name) = pg::fresh_database()?;
                args.database.postgres_url = Some(url);
                pg_name = Some(name);
            }
        }
        let mut srv =
            Self { addr: "0.0.0.0:0".parse().unwrap(), db, args, handle: None, thread: None, sqlite_dir, pg_name, agent: agent() };
        srv.boot();
        Some(srv)
    }

    /// Starts a server on a PostgreSQL database reached at `url` (a test database `pg_name`,
    /// dropped afterwards), for tests that put something between the server and the database.
    pub fn start_postgres_at(url: String, pg_name: String, extra: &[&str]) -> TestServer {
        let mut args = server_args(extra);
        args.database.postgres_url = Some(url);
        let mut srv = Self {
            addr: "0.0.0.0:0".parse().unwrap(),
            db: Db::Postgres,
            args,
            handle: None,
            thread: None,
            sqlite_dir: None,
            pg_name: Some(pg_name),
            agent: agent(),
        };
        srv.boot();
        srv
    }

    /// A second server on the same database, as another replica of the deployment would be.
    pub fn replica(&self) -> TestServer {
        let mut srv = TestServer {
            addr: "0.0.0.0:0".parse().unwrap(),
            db: self.db,
            args: self.args.clone(),
            handle: None,
            thread: None,
            sqlite_dir: None,
            pg_name: None,
            agent: agent(),
        };
        srv.boot();
        srv
    }

    /// (Re)starts the server process-internally on the same database.
    pub fn boot(&mut self) {
        let args = self.args.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                match coderd::prepare(&args) {
                    Ok(p) => {
                        let _ = tx.send(Ok((p.addr, p.server.handle())));
                        let _ = p.serve().await;
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                    }
                }
            })
        });
        let (addr, handle) = rx.recv_timeout(Duration::from_secs(60)).expect("server start timed out").expect("server starts");
        self.addr = addr;
        self.handle = Some(handle);
        self.thread = Some(thread);
    }

    /// Stops the server, keeping the database.
    pub fn stop(&mut self) {
        if let Some(h) = self.handle.take() {
            actix_web::rt::System::new().block_on(h.stop(true));
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Starts a request.
    pub fn req(&self, method: &str, path: &str) -> Req<'_> {
        Req { srv: self, method: method.to_string(), path: path.to_string(), headers: Vec::new(), body: None, follow_redirects: true }
    }

    pub fn get(&self, path: &str) -> Req<'_> {
        self.req("GET", path)
    }
    pub fn post(&self, path: &str) -> Req<'_> {
        self.req("POST", path)
    }
    pub fn put(&self, path: &str) -> Req<'_> {
        self.req("PUT", path)
    }
    pub fn patch(&self, path: &str) -> Req<'_> {
        self.req("PATCH", path)
    }
    pub fn delete(&self, path: &str) -> Req<'_> {
        self.req("DELETE", path)
    }

    /// Creates the first user (owner) with a trial license, as the README's walk-through does,
    /// and logs in. Returns (token, user id, default org id).
    pub fn setup_owner(&self) -> (String, String, String) {
        self.setup_owner_with(true)
    }

    /// Creates the first user without a license and logs in.
    pub fn setup_owner_unlicensed(&self) -> (String, String, String) {
        self.setup_owner_with(false)
    }

    fn setup_owner_with(&self, trial: bool) -> (String, String, String) {
        let r = self
            .post("/api/v2/users/first")
            .json(json!({"email": "owner@example.com", "username": "owner", "name": "Owner", "password": OWNER_PASSWORD, "trial": trial}))
            .send();
        assert_eq!(r.status, 201, "{}", r.body);
        let user_id = r.json["user_id"].as_str().unwrap().to_string();
        let org_id = r.json["organization_id"].as_str().unwrap().to_string();
        let token = self.login("owner@example.com", OWNER_PASSWORD);
        (token, user_id, org_id)
    }

    /// Logs in and returns the session token.
    pub fn login(&self, email: &str, password: &str) -> String {
        let r = self.post("/api/v2/users/login").json(json!({"email": email, "password": password})).send();
        assert_eq!(r.status, 201, "login {email}: {}", r.body);
        r.json["session_token"].as_str().unwrap().to_string()
    }

    /// Creates a password user in the default organization (as `admin_token`) and logs them in.
    /// Returns (token, user JSON).
    pub fn create_user(&self, admin_token: &str, username: &str) -> (String, Value) {
        let email = format!("{username}@example.com");
        let r = self
            .post("/api/v2/users")
            .token(admin_token)
            .json(json!({"email": email, "username": username, "password": USER_PASSWORD, "organization_ids": ["00000000-0000-0000-0000-000000000000"]}))
            .send();
        assert_eq!(r.status, 201, "create {username}: {}", r.body);
        let token = self.login(&email, USER_PASSWORD);
        (token, r.json)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
        if let Some(dir) = &self.sqlite_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some(name) = &self.pg_name {
            pg::drop_database(name);
        }
    }
}

pub const OWNER_PASSWORD: &str = "SomeSecurePassword!";
pub const USER_PASSWORD: &str = "An0ther-Secure-Passw0rd!";

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(120))).build().into()
}

/// A request being built.
pub struct Req<'a> {
    srv: &'a TestServer,
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    follow_redirects: bool,
}

/// A response, with the body parsed as JSON when it is JSON.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub body: String,
    pub json: Value,
    pub headers: Vec<(String, String)>,
    /// The body as it came (binary bodies leave `body` empty).
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Asserts the status and that an error body is Coder's envelope.
    #[track_caller]
    pub fn expect_error(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert!(self.json["message"].as_str().is_some_and(|m| !m.is_empty()), "error envelope expected, got {}", self.body);
        assert!(self.header("content-type").is_some_and(|c| c.starts_with("application/json")), "json content type");
        self
    }

    #[track_caller]
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "body: {}", self.body);
        self
    }
}

impl<'a> Req<'a> {
    pub fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }

    pub fn token(self, t: &str) -> Self {
        self.header("Coder-Session-Token", t)
    }

    pub fn json(mut self, v: Value) -> Self {
        self.body = Some(v.to_string().into_bytes());
        self.header("Content-Type", "application/json")
    }

    /// Answers a redirect as it is, instead of following it.
    pub fn no_redirects(mut self) -> Self {
        self.follow_redirects = false;
        self
    }

    /// An `application/x-www-form-urlencoded` body.
    pub fn form(mut self, pairs: &[(&str, &str)]) -> Self {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            s.append_pair(k, v);
        }
        self.body = Some(s.finish().into_bytes());
        self.header("Content-Type", "application/x-www-form-urlencoded")
    }

    pub fn raw(mut self, body: &str) -> Self {
        self.body = Some(body.as_bytes().to_vec());
        self
    }

    /// A binary body of the given type.
    pub fn bytes(mut self, body: Vec<u8>, content_type: &str) -> Self {
        self.body = Some(body);
        self.header("Content-Type", content_type)
    }

    pub fn send(self) -> Resp {
        let url = self.srv.url(&self.path);
        let method: ureq::http::Method = self.method.parse().unwrap();
        let mut builder = ureq::http::Request::builder().method(method).uri(&url);
        for (k, v) in &self.headers {
            builder = builder.header(k, v);
        }
        let body = self.body.unwrap_or_default();
        let req = builder.body(body).unwrap();
        let no_follow: ureq::Agent;
        let agent = if self.follow_redirects {
            &self.srv.agent
        } else {
            no_follow = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .timeout_global(Some(Duration::from_secs(120)))
                .build()
                .into();
            &no_follow
        };
        let mut resp = agent.run(req).unwrap_or_else(|e| panic!("{} {url}: {e}", self.method));
        let status = resp.status().as_u16();
        let headers = resp.headers().iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string())).collect();
        let bytes = resp.body_mut().read_to_vec().unwrap_or_default();
        let body = String::from_utf8(bytes.clone()).unwrap_or_default();
        let json = serde_json::from_str(&body).unwrap_or(Value::Null);
        Resp { status, body, json, headers, bytes }
    }
}

/// Defines a test that runs once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! dual_test {
    ($name:ident, |$srv:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            fn body($srv: &mut $crate::harness::TestServer) $body
            #[test]
            fn sqlite() {
                let mut srv = $crate::harness::TestServer::start($crate::harness::Db::Sqlite).expect("sqlite always available");
                body(&mut srv);
            }
            #[test]
            fn postgres() {
                if let Some(mut srv) = $crate::harness::TestServer::start($crate::harness::Db::Postgres) {
                    body(&mut srv);
                }
            }
        }
    };
}

/// [`dual_test!`] with extra `coderd server` flags.
#[macro_export]
macro_rules! dual_test_with {
    ($name:ident, [$($flag:expr),*], |$srv:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            fn body($srv: &mut $crate::harness::TestServer) $body
            #[test]
            fn sqlite() {
                let mut srv = $crate::harness::TestServer::start_with($crate::harness::Db::Sqlite, &[$($flag),*]).expect("sqlite always available");
                body(&mut srv);
            }
            #[test]
            fn postgres() {
                if let Some(mut srv) = $crate::harness::TestServer::start_with($crate::harness::Db::Postgres, &[$($flag),*]) {
                    body(&mut srv);
                }
            }
        }
    };
}
