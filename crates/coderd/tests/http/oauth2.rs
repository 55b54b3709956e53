//! The OAuth2 provider's admin API over HTTP: applications and client secrets, behind the
//! `oauth2` experiment.

use serde_json::json;

use crate::harness::{Db, TestServer};

fn admin_api(db: Db) {
    if let Some(off) = TestServer::start(db) {
        let (owner, _, _) = off.setup_owner();
        let r = off.get("/api/v2/oauth2-provider/apps").token(&owner).send();
        r.expect_error(403);
        assert_eq!(r.json["message"], "OAuth2 Provider Functionality functionality requires enabling the 'oauth2' experiment.");
    }
    let Some(srv) = TestServer::start_with(db, &["--experiments", "oauth2"]) else { return };
    let (owner, owner_id, _) = srv.setup_owner();
    let (member, member_json) = srv.create_user(&owner, "mia");
    srv.get("/api/v2/oauth2-provider/apps").send().expect_error(401);

    let create = |tok: &str, body: serde_json::Value| srv.post("/api/v2/oauth2-provider/apps").token(tok).json(body).send();
    let r = create(&owner, json!({"name": "zeta", "callback_url": "https://zeta.example.com/cb", "icon": "/icon/z.svg"}));
    r.expect(201);
    let zeta = r.json["id"].as_str().unwrap().to_string();
    assert_eq!(r.json["endpoints"]["authorization"], srv.url("/oauth2/authorize"));
    assert_eq!(r.json["endpoints"]["token"], srv.url("/oauth2/tokens"));
    assert_eq!(r.json["endpoints"]["token_revoke"], srv.url("/oauth2/revoke"));
    assert_eq!(r.json["endpoints"]["device_authorization"], "");
    // Names are not unique, as in Coder.
    create(&owner, json!({"name": "alpha", "callback_url": "http://localhost:9000/cb"})).expect(201);
    let alpha2 =
        create(&owner, json!({"name": "alpha", "callback_url": "http://localhost:9001/cb"})).json["id"].as_str().unwrap().to_string();
    for (body, field, tag) in [
        (json!({"name": "no spaces", "callback_url": "https://x.example.com"}), "name", "oauth2_app_name"),
        (json!({"callback_url": "https://x.example.com"}), "name", "required"),
        (json!({"name": "x"}), "callback_url", "required"),
        (json!({"name": "x", "callback_url": "ftp://x"}), "callback_url", "http_url"),
    ] {
        let r = create(&owner, body);
        r.expect_error(400);
        assert_eq!(r.json["validations"][0]["field"], field);
        assert!(r.json["validations"][0]["detail"].as_str().unwrap().contains(&format!("tag \"{tag}\"")), "{}", r.body);
    }
    srv.post("/api/v2/oauth2-provider/apps").token(&owner).raw("{nope").send().expect_error(400);
    create(&member, json!({"name": "mine", "callback_url": "https://x.example.com"})).expect_error(403);

    // Everyone reads applications, by name.
    let list = srv.get("/api/v2/oauth2-provider/apps").token(&member).send();
    let names: Vec<&str> = list.json.as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["alpha", "alpha", "zeta"]);
    assert_eq!(srv.get(&format!("/api/v2/oauth2-provider/apps/{zeta}")).token(&member).send().json["name"], "zeta");
    let r = srv.get("/api/v2/oauth2-provider/apps/nope").token(&owner).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Invalid UUID \"nope\".");
    let r = srv.get(&format!("/api/v2/oauth2-provider/apps/{}", uuid::Uuid::new_v4())).token(&owner).send();
    r.expect_error(404);
    assert_eq!(r.json["message"], "OAuth2 application not found.");
    let r = srv.get("/api/v2/oauth2-provider/apps?user_id=nope").token(&owner).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Invalid user UUID");
    assert_eq!(srv.get(&format!("/api/v2/oauth2-provider/apps?user_id={owner_id}")).token(&owner).send().json, json!([]));
    let member_id = member_json["id"].as_str().unwrap();
    srv.get(&format!("/api/v2/oauth2-provider/apps?user_id={owner_id}")).token(&member).send().expect_error(403);
    srv.get(&format!("/api/v2/oauth2-provider/apps?user_id={member_id}")).token(&member).send().expect(200);

    // Updates.
    let put =
        |tok: &str, id: &str, body: serde_json::Value| srv.put(&format!("/api/v2/oauth2-provider/apps/{id}")).token(tok).json(body).send();
    let r = put(&owner, &zeta, json!({"name": "zeta-two", "callback_url": "https://zeta.example.com/callback"}));
    r.expect(200);
    assert_eq!((r.json["name"].as_str(), r.json["icon"].as_str()), (Some("zeta-two"), Some("")));
    put(&member, &zeta, json!({"name": "x", "callback_url": "https://x.example.com"})).expect_error(403);
    put(&owner, &uuid::Uuid::new_v4().to_string(), json!({"name": "x", "callback_url": "https://x.example.com"})).expect_error(404);
    put(&owner, &zeta, json!({"name": ""})).expect_error(400);

    // Secrets: shown once, kept hashed, listed truncated.
    let secrets = format!("/api/v2/oauth2-provider/apps/{zeta}/secrets");
    let r = srv.post(&secrets).token(&owner).send();
    r.expect(201);
    let full = r.json["client_secret_full"].as_str().unwrap().to_string();
    let secret_id = r.json["id"].as_str().unwrap().to_string();
    assert_eq!(full.len(), 57);
    assert!(full.starts_with("coder_") && full.split('_').count() == 3, "{full}");
    srv.post(&secrets).token(&owner).send().expect(201);
    let list = srv.get(&secrets).token(&owner).send();
    list.expect(200);
    assert_eq!(list.json.as_array().unwrap().len(), 2);
    assert_eq!(list.json[0]["id"], secret_id);
    assert_eq!(list.json[0]["client_secret_truncated"], full[full.len() - 6..]);
    assert_eq!(list.json[0]["last_used_at"], json!(null));
    assert!(!list.body.contains(&full));
    srv.get(&secrets).token(&member).send().expect_error(403);
    srv.post(&secrets).token(&member).send().expect_error(403);
    let r = srv.delete(&format!("/api/v2/oauth2-provider/apps/{alpha2}/secrets/{secret_id}")).token(&owner).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "App ID does not match secret app ID.");
    srv.delete(&format!("{secrets}/{}", uuid::Uuid::new_v4())).token(&owner).send().expect_error(404);
    srv.delete(&format!("{secrets}/{secret_id}")).token(&member).send().expect_error(404);
    srv.delete(&format!("{secrets}/{secret_id}")).token(&owner).send().expect(204);
    assert_eq!(srv.get(&secrets).token(&owner).send().json.as_array().unwrap().len(), 1);

    // Deleting an application takes its secrets with it.
    srv.delete(&format!("/api/v2/oauth2-provider/apps/{zeta}")).token(&member).send().expect_error(403);
    srv.delete(&format!("/api/v2/oauth2-provider/apps/{zeta}")).token(&owner).send().expect(204);
    srv.get(&format!("/api/v2/oauth2-provider/apps/{zeta}")).token(&owner).send().expect_error(404);
    srv.get(&secrets).token(&owner).send().expect_error(404);
}

#[test]
fn oauth2_apps_and_secrets_sqlite() {
    admin_api(Db::Sqlite);
}

#[test]
fn oauth2_apps_and_secrets_postgres() {
    admin_api(Db::Postgres);
}
