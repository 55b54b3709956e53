//! Refused callers, endpoint by endpoint: a plain member acting on someone else's things or on
//! what only admins may change, a user of another organization, and narrowly scoped tokens. Each
//! must be refused (403, or 404 where Coder hides the object), and the authorization accounting
//! (`scripts/authz_accounting.py`) checks that every session-authenticated operation is refused
//! here or in another test.

use serde_json::{json, Value};

use crate::dual_test;
use crate::harness::{TestServer, USER_PASSWORD};
use crate::templates::upload;
use crate::workspaces::{settled, template};

/// A user of the organization `org` only; returns (token, id).
fn outsider(srv: &TestServer, owner: &str, org: &str, name: &str) -> (String, String) {
    let email = format!("{name}@example.com");
    let r = srv
        .post("/api/v2/users")
        .token(owner)
        .json(json!({"email": email, "username": name, "password": USER_PASSWORD, "organization_ids": [org]}))
        .send();
    assert_eq!(r.status, 201, "{}", r.body);
    (srv.login(&email, USER_PASSWORD), r.json["id"].as_str().unwrap().to_string())
}

fn token(srv: &TestServer, who: &str, scopes: &[&str]) -> String {
    let r = srv.post("/api/v2/users/me/keys/tokens").token(who).json(json!({"scopes": scopes})).send();
    assert_eq!(r.status, 201, "{}", r.body);
    r.json["key"].as_str().unwrap().to_string()
}

dual_test!(refused_callers_are_refused, |srv| {
    let (owner, _, org) = srv.setup_owner();
    let (template_id, version) = template(srv, &owner);
    srv.patch(&format!("/api/v2/groups/{org}")).token(&owner).json(json!({"quota_allowance": 1000})).send().expect(200);
    let (alice, alice_json) = srv.create_user(&owner, "alice");
    let alice_id = alice_json["id"].as_str().unwrap().to_string();
    let r = srv.post("/api/v2/users/me/workspaces").token(&alice).json(json!({"template_id": template_id, "name": "ws"})).send();
    assert_eq!(r.status, 201, "{}", r.body);
    let ws = settled(srv, &alice, r.json["id"].as_str().unwrap());
    let build = ws["latest_build"]["id"].as_str().unwrap().to_string();
    let agent = ws["latest_build"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|r| r["agents"][0]["id"].as_str())
        .expect("an agent")
        .to_string();
    let (bob, _) = srv.create_user(&owner, "bob");
    let side = srv.post("/api/v2/organizations").token(&owner).json(json!({"name": "side"})).send();
    assert_eq!(side.status, 201, "{}", side.body);
    let side_id = side.json["id"].as_str().unwrap().to_string();
    let (carol, carol_id) = outsider(srv, &owner, &side_id, "carol");
    let group = srv.post("/api/v2/organizations/default/groups").token(&owner).json(json!({"name": "devs"})).send();
    assert_eq!(group.status, 201, "{}", group.body);
    let group_id = group.json["id"].as_str().unwrap().to_string();
    let file = upload(srv, &owner, crate::templates::echo_tar(Default::default()));
    let key = srv.post("/api/v2/users/me/keys/tokens").token(&owner).json(json!({"token_name": "ownerkey"})).send();
    let key_id = key.json["key"].as_str().unwrap().split('-').next().unwrap().to_string();
    let proxy = srv
        .post("/api/v2/workspaceproxies")
        .token(&owner)
        .json(json!({"name": "p1", "display_name": "P1", "icon": "/emojis/1f3f4.png"}))
        .send();
    assert_eq!(proxy.status, 201, "{}", proxy.body);
    let proxy_id = proxy.json["proxy"]["id"].as_str().unwrap().to_string();
    let owner_user_read = token(srv, &owner, &["user:read"]);
    let bob_user_read = token(srv, &bob, &["user:read"]);
    let bob_ws_read = token(srv, &bob, &["workspace:read"]);

    let v = version.as_str();
    let t = template_id.as_str();
    let cases: Vec<(&str, &str, String, Value)> = vec![
        // A plain member on what admins manage, or on another user's things.
        (bob.as_str(), "DELETE", format!("/api/v2/groups/{group_id}/ai/budget"), json!(null)),
        (bob.as_str(), "DELETE", format!("/api/v2/users/owner/keys/{key_id}"), json!(null)),
        (bob.as_str(), "GET", format!("/api/v2/files/{file}"), json!(null)),
        (bob.as_str(), "GET", "/api/v2/settings/idpsync/field-values?claimField=groups".into(), json!(null)),
        (bob.as_str(), "GET", "/api/v2/users/owner/gitsshkey".into(), json!(null)),
        (bob.as_str(), "GET", "/api/v2/users/owner/keys/tokens/tokenconfig".into(), json!(null)),
        (bob.as_str(), "GET", "/api/v2/users/owner/keys/tokens/ownerkey".into(), json!(null)),
        (bob.as_str(), "GET", format!("/api/v2/users/owner/keys/{key_id}"), json!(null)),
        (bob.as_str(), "GET", "/api/v2/users/owner/organizations".into(), json!(null)),
        (bob.as_str(), "GET", "/api/v2/users/owner/organizations/coder".into(), json!(null)),
        (bob.as_str(), "GET", "/api/v2/users/owner/preferences".into(), json!(null)),
        (bob.as_str(), "GET", "/api/v2/users/owner/roles".into(), json!(null)),
        (bob.as_str(), "GET", format!("/api/v2/workspace-quota/{alice_id}"), json!(null)),
        (bob.as_str(), "GET", format!("/api/v2/workspaceagents/{agent}"), json!(null)),
        (bob.as_str(), "GET", format!("/api/v2/workspacebuilds/{build}/resources"), json!(null)),
        (bob.as_str(), "GET", "/api/v2/organizations/default/settings/idpsync/available-fields".into(), json!(null)),
        (bob.as_str(), "GET", "/api/v2/organizations/default/settings/idpsync/field-values?claimField=groups".into(), json!(null)),
        (bob.as_str(), "GET", "/api/v2/organizations/default/settings/idpsync/roles".into(), json!(null)),
        (bob.as_str(), "PATCH", "/api/v2/organizations/default/settings/idpsync/groups".into(), json!({"field": "groups"})),
        (bob.as_str(), "PATCH", "/api/v2/organizations/default/settings/idpsync/groups/config".into(), json!({"field": "groups"})),
        (bob.as_str(), "PATCH", "/api/v2/organizations/default/settings/idpsync/groups/mapping".into(), json!({"add": [], "remove": []})),
        (bob.as_str(), "PATCH", "/api/v2/organizations/default/settings/idpsync/roles/config".into(), json!({"field": "roles"})),
        (bob.as_str(), "PATCH", "/api/v2/organizations/default/settings/idpsync/roles/mapping".into(), json!({"add": [], "remove": []})),
        (bob.as_str(), "PATCH", "/api/v2/settings/idpsync/organization/config".into(), json!({"field": "orgs"})),
        (bob.as_str(), "PATCH", "/api/v2/settings/idpsync/organization/mapping".into(), json!({"add": [], "remove": []})),
        (bob.as_str(), "PATCH", format!("/api/v2/templateversions/{v}/cancel"), json!(null)),
        (bob.as_str(), "POST", format!("/api/v2/organizations/default/members/{carol_id}"), json!(null)),
        (
            bob.as_str(),
            "POST",
            format!("/api/v2/organizations/default/members/{alice_id}/workspaces"),
            json!({"template_id": t, "name": "forged"}),
        ),
        (bob.as_str(), "POST", "/api/v2/organizations/default/templates".into(), json!({"name": "mine", "template_version_id": v})),
        (
            bob.as_str(),
            "POST",
            "/api/v2/organizations/default/templateversions".into(),
            json!({"storage_method": "file", "file_id": file, "provisioner": "echo"}),
        ),
        (bob.as_str(), "PUT", format!("/api/v2/organizations/default/members/{alice_id}/roles"), json!({"roles": ["organization-admin"]})),
        (bob.as_str(), "PUT", "/api/v2/users/owner/appearance".into(), json!({"theme_preference": "dark"})),
        (bob.as_str(), "PUT", format!("/api/v2/users/owner/keys/{key_id}/expire"), json!(null)),
        (bob.as_str(), "PUT", "/api/v2/users/owner/preferences".into(), json!({"task_notification_alert_dismissed": true})),
        // A user of another organization.
        (carol.as_str(), "GET", format!("/api/v2/groups/{group_id}/ai/budget"), json!(null)),
        (carol.as_str(), "GET", format!("/api/v2/groups/{group_id}/members"), json!(null)),
        (carol.as_str(), "GET", "/api/v2/organizations/default/members".into(), json!(null)),
        (carol.as_str(), "GET", "/api/v2/organizations/default/provisionerkeys/daemons".into(), json!(null)),
        (carol.as_str(), "GET", "/api/v2/organizations/default/members/roles".into(), json!(null)),
        (carol.as_str(), "GET", "/api/v2/organizations/default/paginated-members".into(), json!(null)),
        (carol.as_str(), "GET", "/api/v2/organizations/default/settings/workspace-sharing".into(), json!(null)),
        (carol.as_str(), "GET", "/api/v2/organizations/default/templates".into(), json!(null)),
        (carol.as_str(), "GET", "/api/v2/organizations/default/templates/box".into(), json!(null)),
        (carol.as_str(), "GET", format!("/api/v2/templates/{t}/versions"), json!(null)),
        (carol.as_str(), "GET", format!("/api/v2/templates/{t}/versions/v1"), json!(null)),
        (carol.as_str(), "GET", format!("/api/v2/templateversions/{v}"), json!(null)),
        (carol.as_str(), "GET", format!("/api/v2/templateversions/{v}/presets"), json!(null)),
        (carol.as_str(), "GET", format!("/api/v2/templateversions/{v}/resources"), json!(null)),
        (carol.as_str(), "GET", format!("/api/v2/templateversions/{v}/rich-parameters"), json!(null)),
        // Tokens scoped narrower than the call.
        (owner_user_read.as_str(), "GET", "/api/v2/users/roles".into(), json!(null)),
        (owner_user_read.as_str(), "GET", format!("/api/v2/workspaceproxies/{proxy_id}"), json!(null)),
        (bob_user_read.as_str(), "POST", "/api/v2/files".into(), json!(null)),
        (bob_ws_read.as_str(), "GET", "/api/v2/users/oidc-claims".into(), json!(null)),
        (bob_ws_read.as_str(), "GET", "/api/v2/workspaceproxies".into(), json!(null)),
    ];
    let mut unrefused = Vec::new();
    for (who, method, path, body) in &cases {
        let mut req = srv.req(method, path).token(who);
        req = if path == "/api/v2/files" {
            req.bytes(crate::templates::echo_tar(Default::default()), "application/x-tar")
        } else if body.is_null() {
            req
        } else {
            req.json(body.clone())
        };
        let r = req.send();
        if r.status != 403 && r.status != 404 {
            unrefused.push(format!("{method} {path}: {} {}", r.status, &r.body[..r.body.len().min(200)]));
        } else {
            r.expect_error(r.status);
        }
    }
    assert!(unrefused.is_empty(), "not refused:\n{}", unrefused.join("\n"));
    // Nothing changed.
    let members = srv.get("/api/v2/organizations/default/members").token(&owner).send();
    let alice_member = members.json.as_array().unwrap().iter().find(|m| m["user_id"] == alice_id.as_str()).cloned().unwrap();
    assert_eq!(alice_member["roles"].as_array().map(Vec::len), Some(0), "{alice_member}");
    assert!(srv.get("/api/v2/organizations/default/templates/mine").token(&owner).send().status == 404);
});

// Lists answer 200 with only what the caller may see; their refused-caller test is this one.
dual_test!(lists_show_only_what_the_caller_may_see, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (template_id, _) = template(srv, &owner);
    let side = srv.post("/api/v2/organizations").token(&owner).json(json!({"name": "side"})).send();
    let side_id = side.json["id"].as_str().unwrap().to_string();
    let (carol, _) = outsider(srv, &owner, &side_id, "carol");
    let (bob, _) = srv.create_user(&owner, "bob");
    srv.post("/api/v2/organizations/default/groups").token(&owner).json(json!({"name": "devs"})).send().expect(201);
    srv.post("/api/v2/workspaceproxies")
        .token(&owner)
        .json(json!({"name": "p1", "display_name": "P1", "icon": "/emojis/1f3f4.png"}))
        .send()
        .expect(201);
    let _ = template_id;
    // Users: a member sees only themselves.
    let r = srv.get("/api/v2/users").token(&bob).send();
    assert_eq!((r.json["count"].as_i64(), r.json["users"][0]["username"].as_str()), (Some(1), Some("bob")), "{}", r.body);
    // Organizations: only one's own.
    let r = srv.get("/api/v2/organizations").token(&carol).send();
    let names: Vec<&str> = r.json.as_array().unwrap().iter().filter_map(|o| o["name"].as_str()).collect();
    assert_eq!(names, ["side"], "{}", r.body);
    // Templates: none of another organization.
    let r = srv.get("/api/v2/templates").token(&carol).send();
    assert_eq!(r.json.as_array().map(Vec::len), Some(0), "{}", r.body);
    // Groups: none of another organization.
    let r = srv.get("/api/v2/groups").token(&carol).send();
    assert!(r.json.as_array().unwrap().iter().all(|g| g["organization_id"] == side_id.as_str()), "{}", r.body);
    // Workspaces: none of others'.
    let r = srv.get("/api/v2/workspaces").token(&bob).send();
    assert_eq!(r.json["count"], 0);
    // Licenses: none for members.
    let r = srv.get("/api/v2/licenses").token(&bob).send();
    assert_eq!(r.json, json!([]), "{}", r.body);
    // Workspace proxies: every member reads them (Coder's `member` role), a token scoped away
    // from them is refused.
    assert_eq!(srv.get("/api/v2/workspaceproxies").token(&bob).send().status, 200);
    let scoped = token(srv, &bob, &["user:read"]);
    srv.get("/api/v2/workspaceproxies").token(&scoped).send().expect_error(403);
});
