//! The OpenAPI document against the server: every malformed request a client could send (a
//! bad body, a bad query value, a path parameter of the wrong format) gets a status the document
//! declares for that operation; and the defects once found by hand stay fixed.

use serde_json::{json, Value};

use crate::dual_test;

/// A value for a path parameter that names something that exists or plausibly could.
fn path_value(name: &str, schema: &Value) -> String {
    match (name, schema["format"].as_str()) {
        ("user", _) => "me".into(),
        ("organization", _) => "default".into(),
        (_, Some("uuid")) => uuid::Uuid::new_v4().to_string(),
        _ => "nothing-here".into(),
    }
}

fn fill(path: &str, params: &[Value], bad: Option<&str>) -> String {
    let mut out = path.to_string();
    for p in params.iter().filter(|p| p["in"] == "path") {
        let name = p["name"].as_str().unwrap();
        let value = if bad == Some(name) { "not-a-uuid".to_string() } else { path_value(name, &p["schema"]) };
        out = out.replace(&format!("{{{name}}}"), &value);
    }
    out
}

dual_test!(malformed_requests_get_documented_statuses, |srv| {
    walk_malformed(srv, None);
});

/// The same walk over the SCIM paths of a server with SCIM configured, authenticated with its key.
#[test]
fn malformed_scim_requests_get_documented_statuses() {
    for db in [crate::harness::Db::Sqlite, crate::harness::Db::Postgres] {
        if let Some(srv) = crate::harness::TestServer::start_with(db, &["--scim-auth-header", "spec-key"]) {
            walk_malformed(&srv, Some("spec-key"));
        }
    }
}

/// Sends malformed requests to every operation (only the SCIM ones when `scim_key` is given) and
/// checks each answer's status is one the document declares.
fn walk_malformed(srv: &crate::harness::TestServer, scim_key: Option<&str>) {
    let (owner, _, _) = srv.setup_owner();
    let doc = srv.get("/api/v2/openapi.json").send().json.clone();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            // Signing out would end the session the rest of the walk uses.
            if path.ends_with("/logout") || (scim_key.is_some() != path.starts_with("/scim")) {
                continue;
            }
            let params: Vec<Value> = op["parameters"].as_array().cloned().unwrap_or_default();
            let declared: Vec<String> = op["responses"].as_object().unwrap().keys().cloned().collect();
            let mut attempts: Vec<(String, Option<Value>, String)> = Vec::new();
            if op.get("requestBody").is_some() {
                attempts.push((fill(path, &params, None), Some(json!("{not json")), "a malformed body".into()));
            }
            for p in &params {
                let name = p["name"].as_str().unwrap();
                let ty = p["schema"]["type"].as_str().unwrap_or_default();
                let format = p["schema"]["format"].as_str().unwrap_or_default();
                match (p["in"].as_str().unwrap(), ty, format) {
                    ("query", "integer", _) => {
                        for v in ["-1", "x", "99999999999"] {
                            attempts.push((format!("{}?{name}={v}", fill(path, &params, None)), None, format!("{name}={v}")));
                        }
                    }
                    ("query", _, "uuid") => {
                        attempts.push((format!("{}?{name}=not-a-uuid", fill(path, &params, None)), None, format!("{name}=not-a-uuid")))
                    }
                    ("path", _, "uuid") => attempts.push((fill(path, &params, Some(name)), None, format!("{{{name}}}=not-a-uuid"))),
                    _ => {}
                }
            }
            for (url, body, what) in attempts {
                let mut req = srv.req(&method.to_uppercase(), &url).token(&owner);
                if let Some(key) = scim_key {
                    req = req.header("Authorization", key);
                }
                if let Some(Value::String(raw)) = &body {
                    req = req.raw(raw);
                }
                let r = req.send();
                assert!(
                    declared.contains(&r.status.to_string()),
                    "{} {path} with {what} answered {} (declared: {declared:?}): {}",
                    method.to_uppercase(),
                    r.status,
                    r.body
                );
                checked += 1;
            }
        }
    }
    let least = if scim_key.is_some() { 10 } else { 40 };
    assert!(checked > least, "only {checked} malformed requests were tried");
}

dual_test!(swagger_allow_and_rbac_actions, |srv| {
    let (owner, _, _) = srv.setup_owner();
    // Coder serves the UI at /swagger: here a redirect to /swagger/, which the client follows.
    let r = srv.get("/swagger").send();
    assert_eq!(r.status, 200);
    assert!(r.body.contains("swagger-ui"), "{}", r.body);
    // 405 lists exactly the methods of the route the path resolves to.
    let r = srv.req("OPTIONS", "/api/v2/users/authmethods").send();
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("GET"));
    let r = srv.req("PATCH", "/api/v2/users/first").send();
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("GET, POST"));
    let r = srv.req("PATCH", "/api/v2/users/someone").send();
    assert_eq!(r.header("allow"), Some("GET, DELETE"));
    // The owner role's permissions hold the action `*`, which the document's enum now has.
    let roles = srv.get("/api/v2/users/roles").token(&owner).send().json.clone();
    let doc = srv.get("/api/v2/openapi.json").send().json.clone();
    let actions: Vec<&str> =
        doc["components"]["schemas"]["codersdk.RBACAction"]["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let mut seen_star = false;
    for role in roles.as_array().unwrap() {
        for perm in role["site_permissions"].as_array().into_iter().flatten() {
            let action = perm["action"].as_str().unwrap();
            seen_star |= action == "*";
            assert!(actions.contains(&action), "action {action:?} of role {} is not in codersdk.RBACAction", role["name"]);
        }
    }
    assert!(seen_star, "no role has the action *");
    // Constraints the server enforces are in the document.
    let users = &doc["paths"]["/api/v2/users"]["get"]["parameters"];
    for p in users.as_array().unwrap() {
        if p["name"] == "limit" || p["name"] == "offset" {
            assert_eq!(p["schema"]["minimum"], 0, "{p}");
        }
    }
    let group = &doc["paths"]["/api/v2/groups/{group}"]["get"]["parameters"][0];
    assert_eq!(group["schema"]["format"], "uuid", "{group}");
});
