//! Licenses, entitlements and the feature gate, over HTTP. Licenses are signed here with
//! `jsonwebtoken` (an independent JWT library), with a key the server is told to trust.

use std::time::{Duration, Instant};

use base64::Engine;
use ed25519_dalek::pkcs8::EncodePrivateKey;
use ed25519_dalek::SigningKey;
use serde_json::{json, Value};

use crate::dual_test;
use crate::harness::{Db, TestServer};

/// A key pair the test server trusts under kid `test`, and another it does not know.
struct Keys {
    trusted: SigningKey,
    untrusted: SigningKey,
}

impl Keys {
    fn new() -> Self {
        let mut rng = rand_core::OsRng;
        Self { trusted: SigningKey::generate(&mut rng), untrusted: SigningKey::generate(&mut rng) }
    }

    /// `--license-public-keys` value trusting `trusted` as kid `test`.
    fn flag(&self) -> String {
        format!("test:{}", base64::engine::general_purpose::STANDARD.encode(self.trusted.verifying_key().to_bytes()))
    }
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// Claims of a valid premium license, to be adjusted per test.
fn claims(features: Value) -> Value {
    let n = now();
    json!({
        "jti": uuid::Uuid::new_v4().to_string(),
        "iss": "test@testing.test",
        "iat": n - 60,
        "nbf": n - 60,
        "exp": n + 40 * 86400,
        "license_expires": n + 30 * 86400,
        "account_type": "salesforce",
        "account_id": "acme",
        "trial": false,
        "feature_set": "",
        "version": 3,
        "features": features,
    })
}

fn sign_with(key: &SigningKey, kid: &str, claims: &Value) -> String {
    let der = key.to_pkcs8_der().expect("pkcs8");
    let enc = jsonwebtoken::EncodingKey::from_ed_der(der.as_bytes());
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
    header.kid = Some(kid.to_string());
    jsonwebtoken::encode(&header, claims, &enc).expect("sign")
}

fn start(db: Db, keys: &Keys) -> Option<TestServer> {
    TestServer::start_with(db, &["--license-public-keys", &keys.flag()])
}

fn upload(srv: &TestServer, token: &str, jwt: &str) -> crate::harness::Resp {
    srv.post("/api/v2/licenses").token(token).json(json!({"license": jwt})).send()
}

fn run_on_both(body: fn(&mut TestServer, &Keys)) {
    for db in [Db::Sqlite, Db::Postgres] {
        let keys = Keys::new();
        if let Some(mut srv) = start(db, &keys) {
            body(&mut srv, &keys);
        }
    }
}

fn uploads_check_and_delete(srv: &mut TestServer, keys: &Keys) {
    let (owner, _, _) = srv.setup_owner_unlicensed();
    let e = srv.get("/api/v2/entitlements").send();
    e.expect(200);
    assert_eq!(e.json["has_license"], false);
    assert_eq!(e.json["features"].as_object().unwrap().len(), 27);
    assert_eq!(e.json["features"]["user_limit"], json!({"entitlement": "not_entitled", "enabled": false, "actual": 1}));

    let good = sign_with(&keys.trusted, "test", &claims(json!({"user_limit": 10, "audit_log": 1, "template_rbac": 1})));
    let r = upload(srv, &owner, &good);
    r.expect(201);
    assert_eq!(r.json["id"], 1);
    assert_eq!(r.json["claims"]["account_id"], "acme");
    assert_eq!(r.json["claims"]["features"]["user_limit"], 10);
    assert!(r.json.get("jwt").is_none() && !r.body.contains(&good));
    let e = srv.get("/api/v2/entitlements").send();
    assert_eq!(e.json["has_license"], true);
    assert_eq!(e.json["features"]["user_limit"], json!({"entitlement": "entitled", "enabled": true, "limit": 10, "actual": 1}));
    assert_eq!(e.json["features"]["template_rbac"], json!({"entitlement": "entitled", "enabled": true}));
    assert_eq!(e.json["features"]["audit_log"]["enabled"], true);
    assert_eq!(e.json["features"]["multiple_organizations"]["enabled"], false);
    srv.get("/api/v2/groups").token(&owner).send().expect(200);

    // Coder's own tools write `"features": null` for a feature-set-only license.
    let mut null_features = claims(json!(null));
    null_features["feature_set"] = json!("enterprise");
    upload(srv, &owner, &sign_with(&keys.trusted, "test", &null_features)).expect(201);
    srv.delete("/api/v2/licenses/2").token(&owner).send().expect(200);

    // The same license again is a conflict (Coder answers 500).
    upload(srv, &owner, &good).expect_error(409);

    let reject = |jwt: String, message: &str, detail: &str| {
        let r = upload(srv, &owner, &jwt);
        r.expect_error(400);
        assert_eq!(r.json["message"], message, "{}", r.body);
        assert!(r.json["detail"].as_str().unwrap_or_default().starts_with(detail), "{detail:?} expected: {}", r.body);
    };
    reject(sign_with(&keys.untrusted, "test", &claims(json!({}))), "Invalid license", "ed25519: verification error");
    reject(sign_with(&keys.trusted, "other", &claims(json!({}))), "Invalid license", "no key with ID other");
    let mut expired = claims(json!({}));
    expired["exp"] = json!(now() - 3600);
    expired["license_expires"] = json!(now() - 7200);
    reject(sign_with(&keys.trusted, "test", &expired), "Invalid license", "token is expired by 1h0m");
    let mut v2 = claims(json!({}));
    v2["version"] = json!(2);
    reject(sign_with(&keys.trusted, "test", &v2), "Invalid license", "license must be version 3");
    let mut no_account = claims(json!({}));
    no_account["account_id"] = json!("");
    reject(sign_with(&keys.trusted, "test", &no_account), "Invalid license", "license must contain valid account ID");
    let mut elsewhere = claims(json!({}));
    elsewhere["deployment_ids"] = json!(["somewhere-else"]);
    reject(
        sign_with(&keys.trusted, "test", &elsewhere),
        "License cannot be used on this deployment!",
        "The provided license is locked to the following deployments: [\"somewhere-else\"]. Your deployment identifier is ",
    );
    reject("not-a-license".into(), "Invalid license", "token contains an invalid number of segments");
    let r = srv.post("/api/v2/licenses").token(&owner).json(json!({"license": ""})).send();
    r.expect_error(400);
    assert_eq!(r.json["validations"][0]["field"], "license");

    // This deployment's own id unlocks a locked license.
    let deployment = srv.get("/api/v2/buildinfo").send().json["deployment_id"].as_str().unwrap().to_string();
    let mut here = claims(json!({"connection_log": 1}));
    here["deployment_ids"] = json!([deployment]);
    upload(srv, &owner, &sign_with(&keys.trusted, "test", &here)).expect(201);

    // A license not valid yet is accepted and grants nothing until it starts.
    let mut later = claims(json!({"scim": 1}));
    later["nbf"] = json!(now() + 3600);
    upload(srv, &owner, &sign_with(&keys.trusted, "test", &later)).expect(201);
    let e = srv.get("/api/v2/entitlements").send();
    assert_eq!(e.json["features"]["scim"]["entitlement"], "not_entitled");
    assert_eq!(e.json["features"]["connection_log"]["entitlement"], "entitled");

    // In its grace period a license still counts, with warnings.
    let mut grace = claims(json!({"workspace_proxy": 1}));
    grace["license_expires"] = json!(now() - 60);
    upload(srv, &owner, &sign_with(&keys.trusted, "test", &grace)).expect(201);
    let e = srv.get("/api/v2/entitlements").send();
    assert_eq!(e.json["features"]["workspace_proxy"], json!({"entitlement": "grace_period", "enabled": true}));
    assert!(
        e.json["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w == "Workspace Proxy is enabled but your license for this feature is expired."),
        "{}",
        e.body
    );

    // Owners see the warnings on every response; members do not.
    let r = srv.get("/api/v2/users/me").token(&owner).send();
    assert!(r.headers.iter().any(|(k, v)| k == "x-coder-entitlements-warning" && v.contains("Workspace Proxy")), "{:?}", r.headers);
    let (member, _) = srv.create_user(&owner, "mia");
    assert!(srv.get("/api/v2/users/me").token(&member).send().header("x-coder-entitlements-warning").is_none());

    // Only owners manage licenses; others see none.
    upload(srv, &member, &good).expect_error(403);
    assert_eq!(srv.get("/api/v2/licenses").token(&member).send().json, json!([]));
    srv.delete("/api/v2/licenses/1").token(&member).send().expect_error(403);
    srv.get("/api/v2/licenses").send().expect_error(401);
    srv.post("/api/v2/licenses/refresh-entitlements").token(&member).send().expect_error(403);
    let list = srv.get("/api/v2/licenses").token(&owner).send();
    assert_eq!(list.json.as_array().unwrap().len(), 4);
    let ids: Vec<i64> = list.json.as_array().unwrap().iter().map(|l| l["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]) && ids[0] == 1 && !ids.contains(&2), "by id, the deleted one gone: {ids:?}");

    // Refreshing is limited to once a minute.
    let r = srv.post("/api/v2/licenses/refresh-entitlements").token(&owner).send();
    r.expect_error(400);
    assert!(r.json["message"].as_str().unwrap().starts_with("Entitlements already recently refreshed, please wait "));
    let wait: u64 = r.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&wait));

    // Deleting turns the license's features off.
    srv.delete("/api/v2/licenses/abc").token(&owner).send().expect_error(404);
    srv.delete("/api/v2/licenses/999").token(&owner).send().expect_error(404);
    let r = srv.delete("/api/v2/licenses/1").token(&owner).send();
    r.expect(200);
    assert!(r.body.is_empty());
    let e = srv.get("/api/v2/entitlements").send();
    assert_eq!(e.json["features"]["template_rbac"], json!({"entitlement": "not_entitled", "enabled": false}));
    let r = srv.get("/api/v2/groups").token(&owner).send();
    r.expect_error(403);
    assert_eq!(r.json["message"], "Template RBAC is a Premium feature. Contact sales!");
}

#[test]
fn uploads_check_and_delete_licenses() {
    run_on_both(uploads_check_and_delete);
}

dual_test!(trial_at_first_user_licenses_premium, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let e = srv.get("/api/v2/entitlements").send();
    assert_eq!(e.json["has_license"], true);
    assert_eq!(e.json["trial"], true);
    assert_eq!(e.json["features"]["multiple_organizations"]["enabled"], true);
    assert_eq!(e.json["features"]["managed_agent_limit"]["limit"], 1000);
    let list = srv.get("/api/v2/licenses").token(&owner).send();
    assert_eq!(list.json[0]["claims"]["trial"], true);
    assert_eq!(list.json[0]["claims"]["feature_set"], "premium");
});

/// (method, path, body, message of the refusal without a license, status once licensed).
fn gated_routes(org: &str, group: &str, user: &str) -> Vec<(&'static str, String, Option<Value>, &'static str, u16)> {
    const RBAC: &str = "Template RBAC is a Premium feature. Contact sales!";
    const ORGS: &str = "Multiple Organizations is a Premium feature. Contact sales!";
    const QUIET: &str = "Advanced template scheduling (and user quiet hours schedule) is an Enterprise feature. Contact sales!";
    vec![
        ("GET", "/api/v2/groups".into(), None, RBAC, 200),
        ("GET", format!("/api/v2/groups/{group}"), None, RBAC, 200),
        ("PATCH", format!("/api/v2/groups/{group}"), Some(json!({"display_name": "Devs"})), RBAC, 200),
        ("GET", format!("/api/v2/groups/{group}/members"), None, RBAC, 200),
        ("PUT", format!("/api/v2/groups/{group}/ai/budget"), Some(json!({"spend_limit_micros": 5})), RBAC, 200),
        ("GET", format!("/api/v2/groups/{group}/ai/budget"), None, RBAC, 200),
        ("DELETE", format!("/api/v2/groups/{group}/ai/budget"), None, RBAC, 204),
        ("GET", format!("/api/v2/organizations/{org}/groups"), None, RBAC, 200),
        ("POST", format!("/api/v2/organizations/{org}/groups"), Some(json!({"name": "ops"})), RBAC, 201),
        ("GET", format!("/api/v2/organizations/{org}/groups/devs"), None, RBAC, 200),
        ("GET", format!("/api/v2/organizations/{org}/groups/devs/members"), None, RBAC, 200),
        ("POST", "/api/v2/organizations".into(), Some(json!({"name": "second"})), ORGS, 201),
        ("DELETE", "/api/v2/organizations/second".into(), None, ORGS, 200),
        (
            "POST",
            "/api/v2/users".into(),
            Some(json!({"username": "robot", "service_account": true, "organization_ids": [org]})),
            "Service Accounts is a Premium feature. Contact sales!",
            201,
        ),
        ("GET", format!("/api/v2/users/{user}/quiet-hours"), None, QUIET, 200),
        ("GET", "/api/v2/workspaceproxies".into(), None, "Workspace Proxy is a Premium feature. Contact sales!", 200),
        ("PUT", format!("/api/v2/users/{user}/quiet-hours"), Some(json!({"schedule": "0 3 * * *"})), QUIET, 200),
        ("DELETE", format!("/api/v2/groups/{group}"), None, RBAC, 200),
    ]
}

fn gate_table(srv: &mut TestServer, keys: &Keys) {
    let (owner, user, org) = srv.setup_owner_unlicensed();
    // A group to address, made while licensed, then the license goes away.
    let premium = {
        let mut c = claims(json!({}));
        c["feature_set"] = json!("premium");
        c
    };
    upload(srv, &owner, &sign_with(&keys.trusted, "test", &premium)).expect(201);
    let g = srv.post(&format!("/api/v2/organizations/{org}/groups")).token(&owner).json(json!({"name": "devs"})).send();
    g.expect(201);
    let group = g.json["id"].as_str().unwrap().to_string();
    srv.delete("/api/v2/licenses/1").token(&owner).send().expect(200);

    for (method, path, body, message, _) in gated_routes(&org, &group, &user) {
        let mut req = srv.req(method, &path).token(&owner);
        if let Some(b) = body {
            req = req.json(b);
        }
        let r = req.send();
        r.expect_error(403);
        assert_eq!(r.json["message"], message, "{method} {path}");
    }
    // Where Coder gates before authentication, anonymous callers hear about the license too.
    for path in ["/api/v2/groups".to_string(), format!("/api/v2/users/{user}/quiet-hours")] {
        srv.get(&path).send().expect_error(403);
    }
    // Without group-based access control there is no quota.
    let q = srv.get(&format!("/api/v2/organizations/{org}/members/me/workspace-quota")).token(&owner).send();
    assert_eq!(q.json["budget"], -1);

    upload(
        srv,
        &owner,
        &sign_with(&keys.trusted, "test", &{
            let mut c = premium.clone();
            c["jti"] = json!(uuid::Uuid::new_v4().to_string());
            c
        }),
    )
    .expect(201);
    for (method, path, body, _, status) in gated_routes(&org, &group, &user) {
        let mut req = srv.req(method, &path).token(&owner);
        if let Some(b) = body {
            req = req.json(b);
        }
        let r = req.send();
        assert_eq!(r.status, status, "{method} {path}: {}", r.body);
    }
    let q = srv.get(&format!("/api/v2/organizations/{org}/members/me/workspace-quota")).token(&owner).send();
    assert_eq!(q.json["budget"], 0);
}

#[test]
fn every_gated_endpoint_without_and_with_the_feature() {
    run_on_both(gate_table);
}

fn replicas_share_licenses(srv: &mut TestServer, keys: &Keys) {
    let (owner, _, _) = srv.setup_owner_unlicensed();
    let other = srv.replica();
    // Both replicas list each other.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let a = srv.get("/api/v2/replicas").token(&owner).send();
        let b = other.get("/api/v2/replicas").token(&owner).send();
        if a.json.as_array().map(Vec::len) == Some(2) && b.json.as_array().map(Vec::len) == Some(2) {
            assert_ne!(a.json[0]["id"], b.json[0]["id"], "each lists itself first");
            assert!(a.json[0]["hostname"].as_str().is_some_and(|h| !h.is_empty()));
            assert_eq!(a.json[0]["region_id"], 999);
            break;
        }
        assert!(Instant::now() < deadline, "replicas never saw each other: {} / {}", a.body, b.body);
        std::thread::sleep(Duration::from_millis(100));
    }
    let (member, _) = srv.create_user(&owner, "mia");
    srv.get("/api/v2/replicas").token(&member).send().expect_error(404);

    assert_eq!(other.get("/api/v2/entitlements").send().json["has_license"], false);
    let jwt = sign_with(&keys.trusted, "test", &claims(json!({"audit_log": 1})));
    let uploaded = Instant::now();
    upload(srv, &owner, &jwt).expect(201);
    loop {
        let e = other.get("/api/v2/entitlements").send();
        if e.json["has_license"] == true {
            assert_eq!(e.json["features"]["audit_log"]["enabled"], true);
            break;
        }
        assert!(uploaded.elapsed() < Duration::from_secs(2), "the other replica did not see the license within 2 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    srv.delete("/api/v2/licenses/1").token(&owner).send().expect(200);
    let deleted = Instant::now();
    while other.get("/api/v2/entitlements").send().json["has_license"] == true {
        assert!(deleted.elapsed() < Duration::from_secs(2), "the other replica did not see the delete within 2 s");
        std::thread::sleep(Duration::from_millis(50));
    }

    // A replica that shuts down leaves the list at once.
    drop(other);
    let stopped = Instant::now();
    while srv.get("/api/v2/replicas").token(&owner).send().json.as_array().map(Vec::len) != Some(1) {
        assert!(stopped.elapsed() < Duration::from_secs(7), "a stopped replica stays listed");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn licenses_reach_the_other_replica() {
    run_on_both(replicas_share_licenses);
}

/// The README's own-license recipe: `coderd license keygen`, then `sign`, then upload to a server
/// trusting the key.
#[test]
fn keygen_and_sign_make_licenses_the_server_trusts() {
    use clap::Parser;
    use coderd::config::{Cli, Command};
    use coderd::license_cli;
    let keygen = Cli::try_parse_from(["coderd", "license", "keygen", "--kid", "acme"]).unwrap();
    let Command::License(cmd) = keygen.command else { unreachable!() };
    let key = license_cli::run(&cmd).unwrap();
    let public = key.lines().find_map(|l| l.strip_prefix("CODER_LICENSE_PUBLIC_KEYS=")).expect("public line").to_string();
    assert!(public.starts_with("acme:"));
    let dir = std::env::temp_dir().join(format!("coderd-key-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("acme.key");
    std::fs::write(&key_file, &key).unwrap();
    let key_path = key_file.to_str().unwrap();
    let sign = |extra: &[&str]| {
        let mut argv =
            vec!["coderd", "license", "sign", "--key-file", key_path, "--feature-set", "enterprise", "--feature", "user_limit=5"];
        argv.extend_from_slice(extra);
        let Command::License(cmd) = Cli::try_parse_from(argv).unwrap().command else { unreachable!() };
        license_cli::run(&cmd).unwrap().trim().to_string()
    };
    let Some(srv) = TestServer::start_with(Db::Sqlite, &["--license-public-keys", &public]) else { return };
    let (owner, _, _) = srv.setup_owner_unlicensed();
    upload(&srv, &owner, &sign(&["--term", "720h", "--grace", "24h"])).expect(201);
    let e = srv.get("/api/v2/entitlements").send();
    assert_eq!(e.json["features"]["user_limit"]["limit"], 5);
    assert_eq!(e.json["features"]["template_rbac"]["enabled"], true);
    assert_eq!(e.json["features"]["multiple_organizations"]["enabled"], false, "enterprise lacks premium-only features");
    // Coder warns that AI Gateway needs the add-on; nothing else (the term is 30 days).
    assert_eq!(e.json["warnings"].as_array().unwrap().len(), 1, "{}", e.body);
    assert!(e.json["warnings"][0].as_str().unwrap().starts_with("The AI Governance add-on is required"));
    // A key file holding only the base64 of the private key works too.
    let bare = dir.join("bare.key");
    let private = key.lines().find_map(|l| l.strip_prefix("CODER_LICENSE_PRIVATE_KEY=")).unwrap();
    std::fs::write(&bare, format!("{private}\n")).unwrap();
    let argv = ["coderd", "license", "sign", "--key-file", bare.to_str().unwrap(), "--kid", "acme", "--feature", "audit_log=1"];
    let Command::License(cmd) = Cli::try_parse_from(argv).unwrap().command else { unreachable!() };
    upload(&srv, &owner, license_cli::run(&cmd).unwrap().trim()).expect(201);
    // Another deployment's license is refused.
    let r = upload(&srv, &owner, &sign(&["--deployment-id", "elsewhere"]));
    assert_eq!(r.json["message"], "License cannot be used on this deployment!");
    let _ = std::fs::remove_dir_all(dir);
}
