//! API keys and tokens.

use serde_json::json;

use crate::dual_test;
use crate::harness::*;

const DAY_NS: i64 = 86_400_000_000_000;

dual_test!(token_lifecycle, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (token, user) = srv.create_user(&owner, "tok");
    let user_id = user["id"].as_str().unwrap();

    let r = srv.post("/api/v2/users/me/keys/tokens").token(&token).json(json!({"token_name": "ci", "lifetime": DAY_NS})).send();
    r.expect(201);
    let ci = r.json["key"].as_str().unwrap().to_string();
    let (ci_id, _) = ci.split_once('-').unwrap();
    srv.get("/api/v2/users/me").token(&ci).send().expect(200);

    // Names are unique per user.
    let r = srv.post("/api/v2/users/me/keys/tokens").token(&token).json(json!({"token_name": "ci"})).send();
    r.expect_error(409);
    assert_eq!(r.json["message"], "A token with name \"ci\" already exists.");
    srv.post("/api/v2/users/tok/keys/tokens").token(&owner).json(json!({"token_name": "other"})).send().expect(201);

    // Listing, by name and by id; the secret never comes back.
    let r = srv.get("/api/v2/users/me/keys/tokens").token(&token).send();
    r.expect(200);
    let list = r.json.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let ci_json = list.iter().find(|k| k["token_name"] == "ci").unwrap();
    assert_eq!(ci_json["id"], ci_id);
    assert_eq!(ci_json["user_id"], user_id);
    assert_eq!(ci_json["login_type"], "token");
    assert_eq!(ci_json["lifetime_seconds"], 86400);
    assert_eq!(ci_json["scopes"], json!(["coder:all"]));
    assert_eq!(ci_json["scope"], "all");
    assert_eq!(ci_json["allow_list"], json!([{"type": "*", "id": "*"}]));
    assert!(!r.body.contains(ci.split_once('-').unwrap().1));
    let r = srv.get("/api/v2/users/me/keys/tokens/ci").token(&token).send();
    r.expect(200);
    assert_eq!(r.json["id"], ci_id);
    srv.get("/api/v2/users/me/keys/tokens/nope").token(&token).send().expect_error(404);
    srv.get(&format!("/api/v2/users/me/keys/{ci_id}")).token(&token).send().expect(200);
    // Another member cannot see them.
    let (stranger, _) = srv.create_user(&owner, "stranger");
    srv.get("/api/v2/users/tok/keys/tokens").token(&stranger).send().expect_error(404);
    srv.get(&format!("/api/v2/users/me/keys/{ci_id}")).token(&stranger).send().expect_error(404);

    // Expiring stops it at once, and it drops out of the default listing.
    srv.put(&format!("/api/v2/users/me/keys/{ci_id}/expire")).token(&token).send().expect(204);
    let r = srv.get("/api/v2/users/me").token(&ci).send();
    r.expect_error(401);
    assert!(r.json["detail"].as_str().unwrap().starts_with("API key expired at"));
    assert_eq!(srv.get("/api/v2/users/me/keys/tokens").token(&token).send().json.as_array().unwrap().len(), 1);
    assert_eq!(srv.get("/api/v2/users/me/keys/tokens?include_expired=true").token(&token).send().json.as_array().unwrap().len(), 2);
    srv.put(&format!("/api/v2/users/me/keys/{ci_id}/expire")).token(&token).send().expect(204);

    // Deleting removes it.
    srv.delete(&format!("/api/v2/users/me/keys/{ci_id}")).token(&token).send().expect(204);
    srv.get(&format!("/api/v2/users/me/keys/{ci_id}")).token(&token).send().expect_error(404);
    srv.delete(&format!("/api/v2/users/me/keys/{ci_id}")).token(&token).send().expect_error(404);
});

dual_test!(token_validation, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (token, _) = srv.create_user(&owner, "val");
    let r = srv.post("/api/v2/users/me/keys/tokens").token(&token).json(json!({"lifetime": -5})).send();
    r.expect_error(400);
    assert_eq!(r.json["detail"], "lifetime must be positive number greater than 0");
    // Owners are capped by the admin maximum (7 days by default).
    let r = srv.post("/api/v2/users/me/keys/tokens").token(&owner).json(json!({"lifetime": 8 * DAY_NS})).send();
    r.expect_error(400);
    assert_eq!(r.json["detail"], "lifetime must be less than 168h0m0s");
    srv.post("/api/v2/users/me/keys/tokens").token(&token).json(json!({"lifetime": 8 * DAY_NS})).send().expect(201);
    let r = srv.post("/api/v2/users/me/keys/tokens").token(&token).json(json!({"scopes": ["bogus:thing"]})).send();
    r.expect_error(400);
    assert_eq!(r.json["detail"], "invalid or unsupported API key scope: \"bogus:thing\"");
    let r = srv.post("/api/v2/users/me/keys/tokens").token(&token).json(json!({"allow_list": ["nope:*"]})).send();
    r.expect_error(400);
    let r = srv.post("/api/v2/users/me/keys/tokens").token(&token).json(json!({"lifetime": "1h"})).send();
    r.expect_error(400);
    // Legacy scope, string allow-list entries, scopes kept; a name is made up when absent.
    let r = srv
        .post("/api/v2/users/me/keys/tokens")
        .token(&token)
        .json(json!({"token_name": "legacy", "scope": "application_connect", "allow_list": ["workspace:*"]}))
        .send();
    r.expect(201);
    let k = srv.get("/api/v2/users/me/keys/tokens/legacy").token(&token).send();
    assert_eq!(k.json["scopes"], json!(["coder:application_connect"]));
    assert_eq!(k.json["scope"], "application_connect");
    assert_eq!(k.json["allow_list"], json!([{"type": "workspace", "id": "*"}]));
    srv.post("/api/v2/users/me/keys/tokens").token(&token).json(json!({})).send().expect(201);
    let names: Vec<String> = srv
        .get("/api/v2/users/me/keys/tokens")
        .token(&token)
        .send()
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["token_name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 3);
    assert!(names.iter().all(|n| !n.is_empty()));
    // A maximum set by configuration applies to non-owners.
    let mut capped = TestServer::start_with(Db::Sqlite, &["--max-token-lifetime", "24h"]).unwrap();
    let (o, _, _) = capped.setup_owner();
    let (m, _) = capped.create_user(&o, "capped");
    let r = capped.post("/api/v2/users/me/keys/tokens").token(&m).json(json!({"lifetime": 2 * DAY_NS})).send();
    r.expect_error(400);
    assert_eq!(r.json["detail"], "lifetime must be less than 24h0m0s");
    capped.stop();
});

dual_test!(session_keys, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (token, _) = srv.create_user(&owner, "sess");
    let r = srv.post("/api/v2/users/me/keys").token(&token).send();
    r.expect(201);
    let key = r.json["key"].as_str().unwrap().to_string();
    srv.get("/api/v2/users/me").token(&key).send().expect(200);
    let (id, _) = key.split_once('-').unwrap();
    let r = srv.get(&format!("/api/v2/users/me/keys/{id}")).token(&token).send();
    r.expect(200);
    assert_eq!(r.json["login_type"], "password");
    assert_eq!(r.json["lifetime_seconds"], 86400, "the deployment's session lifetime");
    // Session keys are not tokens.
    assert_eq!(srv.get("/api/v2/users/me/keys/tokens").token(&token).send().json, json!([]));
    // Owners may make keys for others; members may not.
    srv.post("/api/v2/users/sess/keys").token(&owner).send().expect(201);
    let (other, _) = srv.create_user(&owner, "other");
    srv.post("/api/v2/users/sess/keys").token(&other).send().expect_error(404);
});

dual_test!(token_config_and_listing_all, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (token, _) = srv.create_user(&owner, "lister");
    let r = srv.get("/api/v2/users/me/keys/tokens/tokenconfig").token(&token).send();
    r.expect(200);
    assert_eq!(r.json["max_token_lifetime"], 876_600u64 * 3600 * 1_000_000_000);
    let r = srv.get("/api/v2/users/me/keys/tokens/tokenconfig").token(&owner).send();
    assert_eq!(r.json["max_token_lifetime"], 168u64 * 3600 * 1_000_000_000);

    srv.post("/api/v2/users/me/keys/tokens").token(&token).json(json!({"token_name": "mine"})).send().expect(201);
    srv.post("/api/v2/users/me/keys/tokens").token(&owner).json(json!({"token_name": "boss"})).send().expect(201);
    let r = srv.get("/api/v2/users/me/keys/tokens").token(&token).send();
    assert_eq!(r.json.as_array().unwrap().len(), 1);
    assert_eq!(r.json[0]["username"], "lister");
    // Owners may list everyone's tokens; members still see only their own.
    let r = srv.get("/api/v2/users/me/keys/tokens?include_all=true").token(&owner).send();
    let owners: Vec<&str> = r.json.as_array().unwrap().iter().map(|k| k["username"].as_str().unwrap()).collect();
    assert_eq!(owners.len(), 2);
    assert!(owners.contains(&"lister") && owners.contains(&"owner"));
    assert_eq!(srv.get("/api/v2/users/me/keys/tokens?include_all=true").token(&token).send().json.as_array().unwrap().len(), 1);
    // Admins who may see the user but not their keys get an empty list.
    let (auditor, _) = srv.create_user(&owner, "aud");
    srv.put("/api/v2/users/aud/roles").token(&owner).json(json!({"roles": ["auditor"]})).send().expect(200);
    let r = srv.get("/api/v2/users/lister/keys/tokens").token(&auditor).send();
    r.expect(200);
    assert_eq!(r.json, json!([]));
});

dual_test!(token_scopes_are_enforced, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (_, other) = srv.create_user(&owner, "target");
    let other_id = other["id"].as_str().unwrap().to_string();
    let make = |body: serde_json::Value| -> String {
        let r = srv.post("/api/v2/users/me/keys/tokens").token(&owner).json(body).send();
        r.expect(201);
        r.json["key"].as_str().unwrap().to_string()
    };
    // A read-only token reads but cannot write, even for an owner.
    let read_only = make(json!({"token_name": "ro", "scopes": ["user:read"]}));
    srv.get("/api/v2/users/target").token(&read_only).send().expect(200);
    srv.put("/api/v2/users/target/status/suspend").token(&read_only).send().expect_error(403);
    srv.post("/api/v2/users/me/keys/tokens").token(&read_only).json(json!({})).send().expect_error(403);
    // An allow list confines the token to the objects it names.
    let one_user = make(json!({"token_name": "one", "allow_list": [{"type": "user", "id": other_id}]}));
    srv.get(&format!("/api/v2/users/{other_id}")).token(&one_user).send().expect(200);
    srv.get("/api/v2/users/me").token(&one_user).send().expect_error(404);
    // An application-connect token cannot use the REST API.
    let app = make(json!({"token_name": "app", "scope": "application_connect"}));
    srv.get("/api/v2/users/target").token(&app).send().expect_error(404);
    // Only scopes Coder offers to clients are accepted.
    let r = srv.post("/api/v2/users/me/keys/tokens").token(&owner).json(json!({"scopes": ["assign_role:assign"]})).send();
    r.expect_error(400);
    make(json!({"token_name": "legacy-all", "scopes": ["all"]}));
});
