//! SCIM 2.0 over HTTP: the third-party conformance checker, authentication and gating, the error
//! format, every filter operator, every PATCH form, and what SCIM changes as seen through the
//! Coder API.

use serde_json::{json, Value};

use crate::harness::{Db, Resp, TestServer};

const KEY: &str = "scim-test-key-0123456789";

fn start(db: Db) -> Option<TestServer> {
    TestServer::start_with(db, &["--scim-auth-header", KEY])
}

fn scim(srv: &TestServer, method: &str, path: &str, body: Option<Value>) -> Resp {
    let mut r = srv.req(method, &format!("/scim/v2{path}")).header("Authorization", &format!("Bearer {KEY}"));
    if let Some(b) = body {
        r = r.raw(&b.to_string()).header("Content-Type", "application/scim+json");
    }
    r.send()
}

#[track_caller]
fn expect_scim_error(r: &Resp, status: u16, scim_type: Option<&str>) {
    assert_eq!(r.status, status, "{}", r.body);
    assert!(r.header("content-type").is_some_and(|c| c.starts_with("application/scim+json")), "{:?}", r.headers);
    assert_eq!(r.json["schemas"], json!(["urn:ietf:params:scim:api:messages:2.0:Error"]));
    assert_eq!(r.json["status"], status.to_string());
    assert_eq!(r.json["scimType"].as_str(), scim_type, "{}", r.body);
}

fn user_body(user_name: &str, email: &str, extra: Value) -> Value {
    let mut b = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": user_name,
                       "emails": [{"value": email, "type": "work", "primary": true}], "active": true});
    for (k, v) in extra.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

fn tester(db: Db) {
    let python = concat!(env!("CARGO_MANIFEST_DIR"), "/../../build/tools/venv/bin/python");
    if !std::path::Path::new(python).exists() {
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "scim2-tester is not installed (scripts/spec/tools.sh ensure_venv)");
        eprintln!("*** SKIPPING scim2-tester: no build/tools/venv ***");
        return;
    }
    let Some(srv) = start(db) else { return };
    srv.setup_owner();
    let out = std::process::Command::new(python)
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/scim/tester.py"))
        .arg(srv.url("/scim/v2"))
        .arg(KEY)
        .output()
        .expect("run scim2-tester");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "scim2-tester failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(" 0 failed"), "{stdout}");
}

#[test]
fn scim2_tester_passes_sqlite() {
    tester(Db::Sqlite);
}

#[test]
fn scim2_tester_passes_postgres() {
    tester(Db::Postgres);
}

fn gating_and_auth(db: Db) {
    // Not configured: every /scim path is Coder's 404.
    if let Some(off) = TestServer::start(db) {
        off.setup_owner();
        let r = off.get("/scim/v2/Users").send();
        r.expect_error(404);
        assert_eq!(r.json["message"], "SCIM is disabled, please contact your administrator if you believe this is an error");
    }
    let Some(srv) = start(db) else { return };
    // Configured but unlicensed: Coder's 403, before authentication.
    let r = srv.get("/scim/v2/Users").send();
    r.expect_error(403);
    assert_eq!(r.json["message"], "SCIM is a Premium feature. Contact sales!");
    srv.setup_owner();
    let r = srv.get("/scim/v2/Users").send();
    expect_scim_error(&r, 401, None);
    assert_eq!(r.json["detail"], "invalid authorization");
    expect_scim_error(&srv.get("/scim/v2/Users").header("Authorization", "Bearer wrong").send(), 401, None);
    expect_scim_error(&srv.get("/scim/v2/ServiceProviderConfig").send(), 401, None);
    // The key raw or as a bearer token.
    srv.get("/scim/v2/Users").header("Authorization", KEY).send().expect(200);
    let spc = scim(&srv, "GET", "/ServiceProviderConfig", None);
    spc.expect(200);
    assert_eq!(spc.json["filter"], json!({"supported": true, "maxResults": 1000}));
    assert_eq!(spc.json["etag"]["supported"], true);
    assert_eq!(spc.json["bulk"]["supported"], false);
    assert_eq!(scim(&srv, "GET", "/ResourceTypes", None).json["totalResults"], 2);
    assert_eq!(scim(&srv, "GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group", None).json["name"], "Group");
    expect_scim_error(&scim(&srv, "GET", "/Schemas/urn:nope", None), 404, None);
    expect_scim_error(&scim(&srv, "GET", "/Nowhere", None), 404, None);
    let r = scim(&srv, "DELETE", "/ServiceProviderConfig", None);
    expect_scim_error(&r, 405, None);
    assert_eq!(r.header("allow"), Some("GET"));
}

#[test]
fn scim_gating_and_authentication() {
    for db in [Db::Sqlite, Db::Postgres] {
        gating_and_auth(db);
    }
}

fn users_and_mapping(db: Db) {
    let Some(srv) = start(db) else { return };
    let (owner, _, _) = srv.setup_owner();

    // A userName that is no valid Coder username is kept; the username is derived.
    let long = "0b6a2c1e-2f0e-4d5c-9b8a-7f6e5d4c3b2a";
    let r = scim(
        &srv,
        "POST",
        "/Users",
        Some(user_body(
            long,
            "ann@example.com",
            json!({"externalId": "ext-ann", "name": {"givenName": "Ann", "familyName": "Lee"}, "displayName": "Ann Lee"}),
        )),
    );
    r.expect(201);
    assert!(r.header("content-type").unwrap().starts_with("application/scim+json"));
    let ann = r.json["id"].as_str().unwrap().to_string();
    assert_eq!(r.json["userName"], long);
    assert_eq!(r.json["externalId"], "ext-ann");
    assert_eq!(r.json["meta"]["resourceType"], "User");
    assert_eq!(r.header("location"), r.json["meta"]["location"].as_str());
    assert_eq!(r.header("etag"), r.json["meta"]["version"].as_str());
    let coder = srv.get(&format!("/api/v2/users/{ann}")).token(&owner).send();
    assert_eq!(coder.json["username"], "0b6a2c1e-2f0e-4d5c-9b8a-7f6e5d4c");
    assert_eq!(coder.json["email"], "ann@example.com");
    assert_eq!(coder.json["login_type"], "oidc");
    assert_eq!(coder.json["status"], "dormant");
    assert_eq!(coder.json["name"], "Ann Lee");
    assert_eq!(coder.json["organization_ids"].as_array().unwrap().len(), 1);

    // Errors.
    expect_scim_error(&scim(&srv, "POST", "/Users", Some(user_body(long, "other@example.com", json!({})))), 409, Some("uniqueness"));
    expect_scim_error(&scim(&srv, "POST", "/Users", Some(user_body("someone", "ann@example.com", json!({})))), 409, Some("uniqueness"));
    expect_scim_error(
        &scim(&srv, "POST", "/Users", Some(json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]}))),
        400,
        Some("invalidValue"),
    );
    expect_scim_error(&scim(&srv, "POST", "/Users", Some(json!({"userName": "x"}))), 400, Some("invalidSyntax"));
    expect_scim_error(
        &scim(&srv, "POST", "/Users", Some(user_body("y", "y@example.com", json!({"active": "yes"})))),
        400,
        Some("invalidValue"),
    );
    let r = srv.req("POST", "/scim/v2/Users").header("Authorization", KEY).raw("{nope").send();
    expect_scim_error(&r, 400, Some("invalidSyntax"));
    expect_scim_error(&scim(&srv, "GET", "/Users/not-a-uuid", None), 404, None);
    expect_scim_error(&scim(&srv, "GET", &format!("/Users/{}", uuid::Uuid::new_v4()), None), 404, None);

    // More users for the filters.
    let bob = scim(
        &srv,
        "POST",
        "/Users",
        Some(user_body("bob.smith@example.com", "bob@example.com", json!({"externalId": "ext-bob", "title": "Engineer"}))),
    )
    .json["id"]
        .as_str()
        .unwrap()
        .to_string();
    let cy = scim(&srv, "POST", "/Users", Some(user_body("cy", "cy@corp.example.org", json!({"active": false})))).json["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(srv.get(&format!("/api/v2/users/{cy}")).token(&owner).send().json["status"], "suspended");
    let found = |filter: &str| -> Vec<String> {
        let r = srv.get(&format!("/scim/v2/Users?filter={}", urlencode(filter))).header("Authorization", KEY).send();
        assert_eq!(r.status, 200, "{filter}: {}", r.body);
        let mut names: Vec<String> =
            r.json["Resources"].as_array().unwrap().iter().map(|u| u["userName"].as_str().unwrap().to_string()).collect();
        names.sort();
        assert_eq!(r.json["totalResults"], names.len(), "{filter}");
        names
    };
    let bobn = "bob.smith@example.com".to_string();
    assert_eq!(found(r#"userName eq "BOB.SMITH@example.com""#), [bobn.as_str()]);
    assert_eq!(found(r#"userName ne "owner" and userName ne "cy""#), [long, bobn.as_str()]);
    assert_eq!(found(r#"userName co "smith""#), [bobn.as_str()]);
    assert_eq!(found(r#"userName sw "0b6a""#), [long]);
    assert_eq!(found(r#"emails.value ew "corp.example.org""#), ["cy"]);
    assert_eq!(found("title pr"), [bobn.as_str()]);
    assert_eq!(found(r#"externalId eq "ext-ann""#), [long]);
    assert_eq!(found("active eq false"), ["cy"]);
    assert_eq!(found(r#"userName gt "c" and userName lt "d""#), ["cy"]);
    assert_eq!(found(r#"userName ge "cy" and userName le "cy""#), ["cy"]);
    assert_eq!(
        found(r#"meta.lastModified gt "2000-01-01T00:00:00Z" and (externalId eq "ext-bob" or externalId eq "ext-ann")"#),
        [long.to_string(), bobn.clone()]
    );
    assert_eq!(found(r#"not (userName pr) or emails[type eq "work" and value sw "bob"]"#), [bobn.as_str()]);
    let r = scim(&srv, "GET", "/Users?filter=userName%20zz%20%22x%22", None);
    expect_scim_error(&r, 400, Some("invalidFilter"));
    // Paging with the true total.
    let r = scim(&srv, "GET", "/Users?startIndex=2&count=2&sortBy=userName", None);
    assert_eq!(
        (r.json["totalResults"].as_i64(), r.json["startIndex"].as_i64(), r.json["itemsPerPage"].as_i64()),
        (Some(4), Some(2), Some(2))
    );
    assert_eq!(r.json["Resources"][0]["userName"], bobn);
    let r = scim(&srv, "GET", "/Users?count=0", None);
    assert_eq!((r.json["totalResults"].as_i64(), r.json["Resources"].as_array().map(Vec::len)), (Some(4), Some(0)));
    let r = scim(&srv, "GET", &format!("/Users/{bob}?attributes=userName"), None);
    assert_eq!(r.json.as_object().unwrap().keys().collect::<Vec<_>>(), ["id", "schemas", "userName"]);
    assert!(scim(&srv, "GET", &format!("/Users/{bob}?excludedAttributes=emails"), None).json.get("emails").is_none());

    // PATCH forms, seen through the Coder API.
    let patch = |id: &str, ops: Value| {
        scim(
            &srv,
            "PATCH",
            &format!("/Users/{id}"),
            Some(json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})),
        )
    };
    patch(&bob, json!([{"op": "replace", "path": "active", "value": false}])).expect(200);
    assert_eq!(srv.get(&format!("/api/v2/users/{bob}")).token(&owner).send().json["status"], "suspended");
    patch(&bob, json!([{"op": "Replace", "value": {"active": true, "displayName": "Bob S"}}])).expect(200);
    let coder = srv.get(&format!("/api/v2/users/{bob}")).token(&owner).send();
    assert_eq!((coder.json["status"].as_str(), coder.json["name"].as_str()), (Some("dormant"), Some("Bob S")));
    let r = patch(
        &bob,
        json!([{"op": "add", "path": "emails", "value": [{"value": "b2@example.com", "type": "home"}]},
                               {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "robert@example.com"}]),
    );
    r.expect(200);
    assert_eq!(srv.get(&format!("/api/v2/users/{bob}")).token(&owner).send().json["email"], "robert@example.com");
    let r = patch(&bob, json!([{"op": "remove", "path": "emails[type eq \"home\"]"}, {"op": "remove", "path": "title"}]));
    assert_eq!(r.json["emails"].as_array().unwrap().len(), 1);
    assert!(r.json.get("title").is_none());
    expect_scim_error(
        &patch(&bob, json!([{"op": "replace", "path": "emails[type eq \"fax\"].value", "value": "x"}])),
        400,
        Some("noTarget"),
    );
    expect_scim_error(&patch(&bob, json!([{"op": "remove"}])), 400, Some("noTarget"));
    expect_scim_error(&patch(&bob, json!([{"op": "add", "path": "bad path[", "value": 1}])), 400, Some("invalidPath"));
    expect_scim_error(&patch(&bob, json!([{"op": "jump", "path": "title"}])), 400, Some("invalidValue"));
    expect_scim_error(&scim(&srv, "PATCH", &format!("/Users/{bob}"), Some(json!({"Operations": []}))), 400, Some("invalidValue"));
    // Renaming the userName renames the Coder user.
    patch(&bob, json!([{"op": "replace", "path": "userName", "value": "robert"}])).expect(200);
    assert_eq!(srv.get(&format!("/api/v2/users/{bob}")).token(&owner).send().json["username"], "robert");

    // ETags.
    let current = scim(&srv, "GET", &format!("/Users/{bob}"), None);
    let etag = current.header("etag").unwrap().to_string();
    let r = srv.get(&format!("/scim/v2/Users/{bob}")).header("Authorization", KEY).header("If-None-Match", &etag).send();
    assert_eq!(r.status, 304);
    let stale = srv
        .req("PUT", &format!("/scim/v2/Users/{bob}"))
        .header("Authorization", KEY)
        .header("If-Match", "W/\"1\"")
        .raw(&user_body("robert", "robert@example.com", json!({})).to_string())
        .send();
    expect_scim_error(&stale, 412, None);
    let r = srv
        .req("PUT", &format!("/scim/v2/Users/{bob}"))
        .header("Authorization", KEY)
        .header("If-Match", &etag)
        .raw(&user_body("robert", "robert@example.com", json!({"nickName": "Rob"})).to_string())
        .send();
    r.expect(200);
    assert_eq!(r.json["nickName"], "Rob");
    assert_ne!(r.header("etag").unwrap(), etag);

    // DELETE suspends; SCIM no longer sees the user, the Coder API shows it suspended.
    scim(&srv, "DELETE", &format!("/Users/{ann}"), None).expect(204);
    expect_scim_error(&scim(&srv, "GET", &format!("/Users/{ann}"), None), 404, None);
    assert_eq!(srv.get(&format!("/api/v2/users/{ann}")).token(&owner).send().json["status"], "suspended");
    // Provisioning the same userName again brings the user back.
    let r = scim(&srv, "POST", "/Users", Some(user_body(long, "ann@example.com", json!({}))));
    r.expect(201);
    assert_eq!(r.json["id"], ann);
    assert_eq!(srv.get(&format!("/api/v2/users/{ann}")).token(&owner).send().json["status"], "dormant");
}

#[test]
fn scim_users_filters_patch_and_mapping() {
    for db in [Db::Sqlite, Db::Postgres] {
        users_and_mapping(db);
    }
}

fn groups(db: Db) {
    let Some(srv) = start(db) else { return };
    let (owner, _, _) = srv.setup_owner();
    let a = scim(&srv, "POST", "/Users", Some(user_body("alice", "alice@example.com", json!({})))).json["id"].as_str().unwrap().to_string();
    let b = scim(&srv, "POST", "/Users", Some(user_body("bert", "bert@example.com", json!({})))).json["id"].as_str().unwrap().to_string();
    let r = scim(
        &srv,
        "POST",
        "/Groups",
        Some(
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Platform Team", "externalId": "g-1", "members": [{"value": a}]}),
        ),
    );
    r.expect(201);
    let g = r.json["id"].as_str().unwrap().to_string();
    let coder = srv.get(&format!("/api/v2/groups/{g}")).token(&owner).send();
    assert_eq!(coder.json["name"], "Platform-Team");
    assert_eq!(coder.json["display_name"], "Platform Team");
    assert_eq!(coder.json["members"].as_array().unwrap().len(), 1);
    expect_scim_error(
        &scim(
            &srv,
            "POST",
            "/Groups",
            Some(json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "platform team"})),
        ),
        409,
        Some("uniqueness"),
    );
    expect_scim_error(
        &scim(
            &srv,
            "POST",
            "/Groups",
            Some(
                json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "x", "members": [{"value": uuid::Uuid::new_v4()}]}),
            ),
        ),
        400,
        Some("invalidValue"),
    );
    let patch = |ops: Value| {
        scim(
            &srv,
            "PATCH",
            &format!("/Groups/{g}"),
            Some(json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})),
        )
    };
    patch(json!([{"op": "add", "path": "members", "value": [{"value": b}]}])).expect(200);
    assert_eq!(srv.get(&format!("/api/v2/groups/{g}")).token(&owner).send().json["members"].as_array().unwrap().len(), 2);
    patch(json!([{"op": "remove", "path": format!("members[value eq \"{a}\"]")}])).expect(200);
    let members = srv.get(&format!("/api/v2/groups/{g}")).token(&owner).send().json["members"].clone();
    assert_eq!(members.as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect::<Vec<_>>(), [b.as_str()]);
    patch(json!([{"op": "replace", "value": {"displayName": "Infra"}}])).expect(200);
    assert_eq!(srv.get(&format!("/api/v2/groups/{g}")).token(&owner).send().json["name"], "Infra");
    let r = scim(&srv, "GET", &format!("/Groups?filter={}", urlencode(&format!("members.value eq \"{b}\""))), None);
    assert_eq!(r.json["totalResults"], 1);
    assert_eq!(scim(&srv, "GET", "/Groups?filter=displayName%20eq%20%22nope%22", None).json["totalResults"], 0);
    // PUT replaces the members.
    let r = scim(
        &srv,
        "PUT",
        &format!("/Groups/{g}"),
        Some(
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Infra", "members": [{"value": a}, {"value": b}]}),
        ),
    );
    r.expect(200);
    assert_eq!(srv.get(&format!("/api/v2/groups/{g}")).token(&owner).send().json["members"].as_array().unwrap().len(), 2);
    scim(&srv, "DELETE", &format!("/Groups/{g}"), None).expect(204);
    srv.get(&format!("/api/v2/groups/{g}")).token(&owner).send().expect_error(404);
    expect_scim_error(&scim(&srv, "GET", &format!("/Groups/{g}"), None), 404, None);
}

#[test]
fn scim_groups_map_onto_coder_groups() {
    for db in [Db::Sqlite, Db::Postgres] {
        groups(db);
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
