//! The Users API: accounts, search, roles, status, profile and password.

use serde_json::{json, Value};

use crate::dual_test;
use crate::harness::*;

const DEFAULT_ORG: &str = "00000000-0000-0000-0000-000000000000";

fn new_user(srv: &TestServer, token: &str, body: Value) -> Resp {
    srv.post("/api/v2/users").token(token).json(body).send()
}

fn fields(r: &Resp) -> Vec<String> {
    r.json["validations"].as_array().map(|a| a.iter().map(|v| v["field"].as_str().unwrap().to_string()).collect()).unwrap_or_default()
}

dual_test!(create_user_rules, |srv| {
    let (token, _, org) = srv.setup_owner();
    let r = new_user(
        srv,
        &token,
        json!({"email": "ada@example.com", "username": "ada", "name": "Ada", "password": USER_PASSWORD, "organization_ids": [DEFAULT_ORG]}),
    );
    r.expect(201);
    assert_eq!(r.json["status"], "dormant", "new users are dormant until they log in");
    assert_eq!(r.json["login_type"], "password");
    assert_eq!(r.json["organization_ids"], json!([org]));
    assert_eq!(r.json["roles"], json!([]));

    // Username rules.
    for bad in ["bad_name", "-lead", "trail-", "double--hyphen", "me", "new", "", &"x".repeat(33)] {
        let r = new_user(
            srv,
            &token,
            json!({"email": "x@example.com", "username": bad, "password": USER_PASSWORD, "organization_ids": [DEFAULT_ORG]}),
        );
        r.expect_error(400);
        assert_eq!(fields(&r), ["username"], "username {bad:?}: {}", r.body);
    }
    // Email, name.
    let r = new_user(
        srv,
        &token,
        json!({"email": "not-an-email", "username": "x1", "password": USER_PASSWORD, "organization_ids": [DEFAULT_ORG]}),
    );
    r.expect_error(400);
    assert_eq!(fields(&r), ["email"]);
    let r = new_user(srv, &token, json!({"username": "x1", "password": USER_PASSWORD, "organization_ids": [DEFAULT_ORG]}));
    assert_eq!(fields(&r), ["email"]);
    let r = new_user(
        srv,
        &token,
        json!({"email": "x1@example.com", "username": "x1", "name": "n".repeat(129), "password": USER_PASSWORD, "organization_ids": [DEFAULT_ORG]}),
    );
    r.expect_error(400);
    assert_eq!(fields(&r), ["name"]);
    // Password strength and login types.
    let r = new_user(
        srv,
        &token,
        json!({"email": "x1@example.com", "username": "x1", "password": "password", "organization_ids": [DEFAULT_ORG]}),
    );
    r.expect_error(400);
    assert_eq!(r.json["message"], "Password is invalid");
    let r = new_user(
        srv,
        &token,
        json!({"email": "x1@example.com", "username": "x1", "login_type": "none", "password": USER_PASSWORD, "organization_ids": [DEFAULT_ORG]}),
    );
    r.expect_error(400);
    assert_eq!(r.json["message"], "Password cannot be set for non-password (\"none\") authentication.");
    let r = new_user(
        srv,
        &token,
        json!({"email": "x1@example.com", "username": "x1", "login_type": "bogus", "organization_ids": [DEFAULT_ORG]}),
    );
    r.expect_error(400);
    let r = new_user(
        srv,
        &token,
        json!({"email": "x1@example.com", "username": "x1", "login_type": "oidc", "organization_ids": [DEFAULT_ORG]}),
    );
    r.expect_error(400);
    let r = new_user(
        srv,
        &token,
        json!({"email": "gh@example.com", "username": "gh", "login_type": "github", "organization_ids": [DEFAULT_ORG]}),
    );
    r.expect(201);
    assert_eq!(r.json["login_type"], "github");
    // Organizations.
    let r = new_user(srv, &token, json!({"email": "x1@example.com", "username": "x1", "login_type": "none"}));
    r.expect_error(400);
    assert_eq!(fields(&r), ["organization_ids"]);
    let r = new_user(
        srv,
        &token,
        json!({"email": "x1@example.com", "username": "x1", "login_type": "none", "organization_ids": ["3c9d1e8c-7f50-4b56-8a8f-0f6ab2f0b0b1"]}),
    );
    r.expect_error(404);
    // Conflicts, case-insensitively.
    let r = new_user(
        srv,
        &token,
        json!({"email": "other@example.com", "username": "ADA", "login_type": "none", "organization_ids": [DEFAULT_ORG]}),
    );
    r.expect_error(409);
    assert_eq!(r.json["message"], "User already exists.");
    let r = new_user(
        srv,
        &token,
        json!({"email": "ADA@example.com", "username": "ada2", "login_type": "none", "organization_ids": [DEFAULT_ORG]}),
    );
    r.expect_error(409);
    // Status, nulls, unknown fields, roles.
    let r = new_user(
        srv,
        &token,
        json!({"email": "act@example.com", "username": "act", "login_type": "none", "user_status": "active", "name": null, "roles": ["auditor"], "extra": 1, "organization_ids": [DEFAULT_ORG]}),
    );
    r.expect(201);
    assert_eq!(r.json["status"], "active");
    assert_eq!(r.json["roles"], json!([{"name": "auditor", "display_name": "Auditor"}]));
    let r = new_user(
        srv,
        &token,
        json!({"email": "r@example.com", "username": "r1", "login_type": "none", "roles": ["wizard"], "organization_ids": [DEFAULT_ORG]}),
    );
    r.expect_error(400);
    // Service accounts have neither email nor password.
    let r = new_user(srv, &token, json!({"username": "robot", "service_account": true, "organization_ids": [DEFAULT_ORG]}));
    r.expect(201);
    assert_eq!(r.json["is_service_account"], true);
    assert_eq!(r.json["login_type"], "none");
    let r = new_user(
        srv,
        &token,
        json!({"username": "robot2", "email": "r2@example.com", "service_account": true, "organization_ids": [DEFAULT_ORG]}),
    );
    r.expect_error(400);
    let r = new_user(
        srv,
        &token,
        json!({"username": "robot3", "password": USER_PASSWORD, "service_account": true, "organization_ids": [DEFAULT_ORG]}),
    );
    r.expect_error(400);
    // The dormant user becomes active by logging in.
    let t = srv.login("ada@example.com", USER_PASSWORD);
    let me = srv.get("/api/v2/users/me").token(&t).send();
    assert_eq!(me.json["status"], "active");
});

dual_test!(list_users_search_and_pages, |srv| {
    let (token, _, _) = srv.setup_owner();
    for (name, status) in [("alice", "active"), ("bob", "dormant"), ("carol", "suspended"), ("dave", "active"), ("eve", "active")] {
        new_user(srv, &token, json!({"email": format!("{name}@corp.example"), "username": name, "login_type": "none", "user_status": status, "organization_ids": [DEFAULT_ORG]}))
            .expect(201);
    }
    let names = |r: &Resp| -> Vec<String> {
        r.json["users"].as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap().to_string()).collect()
    };
    let r = srv.get("/api/v2/users").token(&token).send();
    r.expect(200);
    assert_eq!(names(&r), ["alice", "bob", "carol", "dave", "eve", "owner"]);
    assert_eq!(r.json["count"], 6);

    let r = srv.get("/api/v2/users?q=CORP").token(&token).send();
    assert_eq!(r.json["count"], 5);
    let r = srv.get("/api/v2/users?q=status:active").token(&token).send();
    assert_eq!(names(&r), ["alice", "dave", "eve", "owner"]);
    let r = srv.get("/api/v2/users?q=status:suspended,dormant").token(&token).send();
    assert_eq!(names(&r), ["bob", "carol"]);
    let r = srv.get("/api/v2/users?q=role:owner").token(&token).send();
    assert_eq!(names(&r), ["owner"]);
    let r = srv.get("/api/v2/users?q=login_type:password").token(&token).send();
    assert_eq!(names(&r), ["owner"]);
    let r = srv.get("/api/v2/users?q=al%20status:active").token(&token).send();
    assert_eq!(names(&r), ["alice"]);
    let r = srv
        .get("/api/v2/users?q=created_after:%222000-01-01T00:00:00Z%22%20created_before:%222000-01-02T00:00:00Z%22")
        .token(&token)
        .send();
    assert_eq!(r.json["count"], 0);
    let r = srv.get("/api/v2/users?q=last_seen_after:%222000-01-01T00:00:00Z%22").token(&token).send();
    assert_eq!(names(&r), ["owner"], "only the owner has been seen");

    // Pagination: limit, offset, after_id; count stays the total.
    let r = srv.get("/api/v2/users?limit=2").token(&token).send();
    assert_eq!(names(&r), ["alice", "bob"]);
    assert_eq!(r.json["count"], 6);
    let r = srv.get("/api/v2/users?limit=2&offset=2").token(&token).send();
    assert_eq!(names(&r), ["carol", "dave"]);
    let bob = srv.get("/api/v2/users/bob").token(&token).send().json["id"].as_str().unwrap().to_string();
    let r = srv.get(&format!("/api/v2/users?after_id={bob}&limit=2")).token(&token).send();
    assert_eq!(names(&r), ["carol", "dave"]);

    // Malformed input names the bad term.
    let r = srv.get("/api/v2/users?q=status:sleepy").token(&token).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Invalid user search query.");
    assert_eq!(fields(&r), ["status"]);
    let r = srv.get("/api/v2/users?q=colour:blue").token(&token).send();
    assert_eq!(fields(&r), ["colour"]);
    let r = srv.get("/api/v2/users?q=created_after:yesterday").token(&token).send();
    assert_eq!(fields(&r), ["created_after"]);
    let r = srv.get("/api/v2/users?limit=-1").token(&token).send();
    r.expect_error(400);
    assert_eq!(fields(&r), ["limit"]);
    let r = srv.get("/api/v2/users?after_id=nope").token(&token).send();
    assert_eq!(fields(&r), ["after_id"]);
});

dual_test!(substring_search_matches_exactly, |srv| {
    let (token, _, _) = srv.setup_owner();
    // The index picks candidates by some of the term's trigrams; a row holding those trigrams
    // in another order must not be returned.
    for (username, name) in [("gh", "Grace Hopper"), ("hg", "Hopper Gracece per"), ("ed", "Élodie Durand"), ("ed2", "ÉLODIE Martin")] {
        new_user(srv, &token, json!({"email": format!("{username}@corp.example"), "username": username, "name": name, "login_type": "none", "organization_ids": [DEFAULT_ORG]}))
            .expect(201);
    }
    let names = |q: &str| -> Vec<String> {
        let r = srv.get(&format!("/api/v2/users?q={q}")).token(&token).send();
        r.expect(200);
        let users: Vec<String> = r.json["users"].as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap().to_string()).collect();
        assert_eq!(r.json["count"], users.len(), "{q}");
        users
    };
    assert_eq!(names("name:%22grace%20hopper%22"), ["gh"]);
    assert_eq!(names("name:%22GRACE%20HOP%22"), ["gh"]);
    assert_eq!(names("name:%22hopper%22"), ["gh", "hg"]);
    assert_eq!(names("name:%22per%22"), ["gh", "hg"]);
    assert_eq!(names("name:%22ace%20hopper%20x%22"), Vec::<String>::new());
    assert_eq!(names("ed2%40corp"), ["ed2"]);
    assert_eq!(names("d2%40c"), ["ed2"]);
    assert_eq!(names("corp.example"), ["ed", "ed2", "gh", "hg"]);
    assert_eq!(names("name:%22lodie%20durand%22"), ["ed"]);
    // SQLite folds case over all of Unicode; PostgreSQL's lower() folds as the database's
    // LC_CTYPE says, which in the C locale is ASCII only.
    if srv.db == Db::Sqlite {
        assert_eq!(names("name:%22%C3%A9lodie%22"), ["ed", "ed2"]);
    }
});

dual_test!(authorization_of_user_management, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (member, member_json) = srv.create_user(&owner, "member1");
    let (admin, admin_json) = srv.create_user(&owner, "admin1");
    let (auditor, _) = srv.create_user(&owner, "auditor1");
    srv.put(&format!("/api/v2/users/{}/roles", admin_json["id"].as_str().unwrap()))
        .token(&owner)
        .json(json!({"roles": ["user-admin"]}))
        .send()
        .expect(200);
    srv.put("/api/v2/users/auditor1/roles").token(&owner).json(json!({"roles": ["auditor"]})).send().expect(200);

    // A member sees only themselves and cannot create users.
    let r = srv.get("/api/v2/users").token(&member).send();
    assert_eq!(r.json["count"], 1);
    assert_eq!(r.json["users"][0]["id"], member_json["id"]);
    srv.get("/api/v2/users/owner").token(&member).send().expect_error(404);
    let r =
        new_user(srv, &member, json!({"email": "z@example.com", "username": "z", "login_type": "none", "organization_ids": [DEFAULT_ORG]}));
    r.expect_error(403);
    srv.put("/api/v2/users/member1/status/suspend").token(&member).send().expect_error(400);
    srv.delete("/api/v2/users/admin1").token(&member).send().expect_error(404);

    // A user admin manages users but cannot grant owner.
    new_user(srv, &admin, json!({"email": "z@example.com", "username": "z", "login_type": "none", "organization_ids": [DEFAULT_ORG]}))
        .expect(201);
    srv.put("/api/v2/users/z/status/suspend").token(&admin).send().expect(200);
    let r = srv.put("/api/v2/users/z/roles").token(&admin).json(json!({"roles": ["owner"]})).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "not authorized to assign role \"owner\"");
    srv.put("/api/v2/users/z/roles").token(&admin).json(json!({"roles": ["auditor"]})).send().expect_error(400);
    // Members cannot assign roles at all.
    srv.put("/api/v2/users/z/roles").token(&member).json(json!({"roles": []})).send().expect_error(404);

    // An auditor reads everyone but changes nothing.
    assert_eq!(srv.get("/api/v2/users").token(&auditor).send().json["count"], 5);
    srv.get("/api/v2/users/owner").token(&auditor).send().expect(200);
    new_user(srv, &auditor, json!({"email": "y@example.com", "username": "y", "login_type": "none", "organization_ids": [DEFAULT_ORG]}))
        .expect_error(403);
    srv.put("/api/v2/users/z/status/activate").token(&auditor).send().expect_error(403);
});

dual_test!(delete_user_is_soft_and_frees_names, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (token, user) = srv.create_user(&owner, "gone");
    let id = user["id"].as_str().unwrap().to_string();
    let r = srv.delete("/api/v2/users/me").token(&owner).send();
    r.expect_error(403);
    assert_eq!(r.json["message"], "You cannot delete yourself!");
    let r = srv.delete("/api/v2/users/gone").token(&owner).send();
    r.expect(200);
    assert_eq!(r.json["message"], "User has been deleted!");
    srv.get("/api/v2/users/me").token(&token).send().expect_error(401);
    srv.get(&format!("/api/v2/users/{id}")).token(&owner).send().expect_error(404);
    srv.get("/api/v2/users/gone").token(&owner).send().expect_error(404);
    assert_eq!(srv.get("/api/v2/users?q=gone").token(&owner).send().json["count"], 0);
    let r = srv.post("/api/v2/users/login").json(json!({"email": "gone@example.com", "password": USER_PASSWORD})).send();
    r.expect_error(401);
    // Username and email are free again.
    let (_, again) = srv.create_user(&owner, "gone");
    assert_ne!(again["id"], user["id"]);
});

dual_test!(profile_updates, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (token, _) = srv.create_user(&owner, "prof");
    srv.create_user(&owner, "taken");
    // Members may change their display name but not their username.
    let r = srv.put("/api/v2/users/me/profile").token(&token).json(json!({"username": "prof", "name": "Prof X"})).send();
    r.expect(200);
    assert_eq!(r.json["name"], "Prof X");
    srv.put("/api/v2/users/me/profile").token(&token).json(json!({"username": "renamed", "name": "Prof X"})).send().expect_error(404);
    // Admins rename; conflicts are 409; bad names 400.
    let r = srv.put("/api/v2/users/prof/profile").token(&owner).json(json!({"username": "TAKEN", "name": ""})).send();
    r.expect_error(409);
    assert_eq!(r.json["validations"][0]["field"], "username");
    srv.put("/api/v2/users/prof/profile").token(&owner).json(json!({"username": "bad name"})).send().expect_error(400);
    srv.put("/api/v2/users/prof/profile").token(&owner).json(json!({"username": "prof", "name": " padded"})).send().expect_error(400);
    let r = srv.put("/api/v2/users/prof/profile").token(&owner).json(json!({"username": "renamed", "name": "R"})).send();
    r.expect(200);
    assert_eq!(r.json["username"], "renamed");
    srv.get("/api/v2/users/renamed").token(&owner).send().expect(200);
});

dual_test!(password_changes, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (session_a, _) = srv.create_user(&owner, "pw");
    let session_b = srv.login("pw@example.com", USER_PASSWORD);
    let new_pw = "Brand-New-Passw0rd!";
    let r = srv.put("/api/v2/users/me/password").token(&session_a).json(json!({"password": new_pw})).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Old password is required.");
    let r = srv.put("/api/v2/users/me/password").token(&session_a).json(json!({"old_password": "wrong", "password": new_pw})).send();
    r.expect_error(400);
    assert_eq!(r.json["validations"][0]["field"], "old_password");
    let r = srv.put("/api/v2/users/me/password").token(&session_a).json(json!({"old_password": USER_PASSWORD, "password": "weak"})).send();
    r.expect_error(400);
    assert_eq!(r.json["validations"][0]["field"], "password");
    srv.put("/api/v2/users/me/password")
        .token(&session_a)
        .json(json!({"old_password": USER_PASSWORD, "password": new_pw}))
        .send()
        .expect(204);
    // The other session ended; this one goes on; the new password logs in, the old one not.
    srv.get("/api/v2/users/me").token(&session_b).send().expect_error(401);
    srv.get("/api/v2/users/me").token(&session_a).send().expect(200);
    srv.post("/api/v2/users/login").json(json!({"email": "pw@example.com", "password": USER_PASSWORD})).send().expect_error(401);
    let fresh = srv.login("pw@example.com", new_pw);
    // An admin resets it without the old one, and every session ends.
    srv.put("/api/v2/users/pw/password").token(&owner).json(json!({"password": "Admin-Reset-Passw0rd!"})).send().expect(204);
    srv.get("/api/v2/users/me").token(&fresh).send().expect_error(401);
    srv.get("/api/v2/users/me").token(&session_a).send().expect_error(401);
    srv.login("pw@example.com", "Admin-Reset-Passw0rd!");
    // Members cannot change someone else's password.
    let (other, _) = srv.create_user(&owner, "other");
    srv.put("/api/v2/users/pw/password").token(&other).json(json!({"password": "Whatever-Passw0rd!"})).send().expect_error(404);
});

dual_test!(roles_and_status, |srv| {
    let (owner, owner_id, _) = srv.setup_owner();
    let (token, user) = srv.create_user(&owner, "roley");
    let id = user["id"].as_str().unwrap();
    let r = srv.put(&format!("/api/v2/users/{id}/roles")).token(&owner).json(json!({"roles": ["template-admin", "auditor"]})).send();
    r.expect(200);
    let roles: Vec<&str> = r.json["roles"].as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap()).collect();
    assert_eq!(roles, ["template-admin", "auditor"]);
    let r = srv.get("/api/v2/users/roley/roles").token(&owner).send();
    r.expect(200);
    assert_eq!(r.json["roles"].as_array().unwrap().len(), 2);
    let r = srv.put("/api/v2/users/roley/roles").token(&owner).json(json!({"roles": ["wizard"]})).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "\"wizard\" is not a supported role");
    let r = srv.put("/api/v2/users/me/roles").token(&owner).json(json!({"roles": []})).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "You cannot change your own roles.");
    srv.put("/api/v2/users/roley/roles").token(&token).json(json!({"roles": []})).send().expect_error(400);

    // Suspension: keys stop working, login refused; nobody suspends themselves or an owner.
    let r = srv.put("/api/v2/users/me/status/suspend").token(&owner).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "You cannot suspend yourself.");
    srv.put("/api/v2/users/roley/roles").token(&owner).json(json!({"roles": []})).send().expect(200);
    let (admin, _) = srv.create_user(&owner, "useradmin");
    srv.put("/api/v2/users/useradmin/roles").token(&owner).json(json!({"roles": ["user-admin"]})).send().expect(200);
    srv.put(&format!("/api/v2/users/{owner_id}/status/suspend")).token(&admin).send().expect_error(400);
    let r = srv.put("/api/v2/users/roley/status/suspend").token(&owner).send();
    r.expect(200);
    assert_eq!(r.json["status"], "suspended");
    let r = srv.get("/api/v2/users/me").token(&token).send();
    r.expect_error(401);
    let r = srv.post("/api/v2/users/login").json(json!({"email": "roley@example.com", "password": USER_PASSWORD})).send();
    r.expect_error(401);
    assert_eq!(r.json["message"], "Your account is suspended. Contact an admin to reactivate your account.");
    let r = srv.put("/api/v2/users/roley/status/activate").token(&owner).send();
    r.expect(200);
    assert_eq!(r.json["status"], "active");
    srv.get("/api/v2/users/me").token(&token).send().expect(200);

    // Site roles list.
    let r = srv.get("/api/v2/users/roles").token(&owner).send();
    r.expect(200);
    let names: Vec<&str> = r.json.as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["owner", "user-admin", "template-admin", "auditor"]);
    assert!(r.json.as_array().unwrap().iter().all(|x| x["assignable"] == true && x["built_in"] == true));
    let r = srv.get("/api/v2/users/roles").token(&token).send();
    r.expect(200);
    assert!(r.json.as_array().unwrap().iter().all(|x| x["assignable"] == false));
});

dual_test!(misc_user_endpoints, |srv| {
    let (owner, _, org) = srv.setup_owner();
    let (token, _) = srv.create_user(&owner, "misc");
    let r = srv.get("/api/v2/users/authmethods").send();
    r.expect(200);
    assert_eq!(
        r.json,
        json!({"password": {"enabled": true}, "github": {"enabled": false, "default_provider_configured": false}, "oidc": {"enabled": false, "signInText": "", "iconUrl": ""}})
    );
    let r = srv.get("/api/v2/users/me/login-type").token(&token).send();
    r.expect(200);
    assert_eq!(r.json, json!({"login_type": "password"}));
    srv.get("/api/v2/users/misc/login-type").token(&owner).send().expect_error(403);
    let r = srv.get("/api/v2/users/me/organizations").token(&token).send();
    r.expect(200);
    assert_eq!(r.json[0]["id"], org.as_str());
    assert_eq!(r.json[0]["name"], "coder");
    assert_eq!(r.json[0]["is_default"], true);
    let r = srv.get("/api/v2/users/misc/organizations/coder").token(&token).send();
    r.expect(200);
    assert_eq!(r.json["id"], org.as_str());
    srv.get("/api/v2/users/misc/organizations/nope").token(&token).send().expect_error(404);
});

dual_test!(ten_thousand_users_page_correctly, |srv| {
    let (owner, _, _) = srv.setup_owner();
    const N: usize = 10_000;
    std::thread::scope(|s| {
        for t in 0..4 {
            let owner = owner.clone();
            let srv = &*srv;
            s.spawn(move || {
                for i in (t..N).step_by(4) {
                    new_user(srv, &owner, json!({"email": format!("u{i:05}@bulk.example"), "username": format!("u{i:05}"), "login_type": "none", "organization_ids": [DEFAULT_ORG]}))
                        .expect(201);
                }
            });
        }
    });
    let total = N + 1;
    let mut seen = Vec::with_capacity(total);
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            Some(a) => format!("/api/v2/users?limit=1000&after_id={a}"),
            None => "/api/v2/users?limit=1000".to_string(),
        };
        let r = srv.get(&path).token(&owner).send();
        r.expect(200);
        assert_eq!(r.json["count"], total as u64);
        let page = r.json["users"].as_array().unwrap();
        if page.is_empty() {
            break;
        }
        for u in page {
            seen.push(u["username"].as_str().unwrap().to_string());
        }
        after = Some(page.last().unwrap()["id"].as_str().unwrap().to_string());
    }
    assert_eq!(seen.len(), total);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "ordered by username");
    sorted.dedup();
    assert_eq!(sorted.len(), total, "no duplicates");
    let r = srv.get("/api/v2/users?limit=50&offset=9990").token(&owner).send();
    assert_eq!(r.json["users"].as_array().unwrap().len(), 11);
    assert_eq!(r.json["count"], total as u64);
    let r = srv.get("/api/v2/users?q=bulk&limit=1").token(&owner).send();
    assert_eq!(r.json["count"], N as u64);
});

dual_test!(password_checks_and_other_coder_details, |srv| {
    let r = srv.post("/api/v2/users/validate-password").json(json!({"password": "password"})).send();
    r.expect(200);
    assert_eq!(r.json["valid"], false);
    assert!(r.json["details"].as_str().unwrap().starts_with("insecure password"));
    let r = srv.post("/api/v2/users/validate-password").json(json!({"password": OWNER_PASSWORD})).send();
    assert_eq!(r.json, json!({"valid": true, "details": ""}));
    srv.post("/api/v2/users/validate-password").json(json!({})).send().expect_error(400);

    let (owner, _, _) = srv.setup_owner();
    let r = new_user(
        srv,
        &owner,
        json!({"email": "x@example.com", "username": "x", "login_type": "carrier-pigeon", "organization_ids": [DEFAULT_ORG]}),
    );
    r.expect_error(400);
    assert_eq!(r.json["message"], "Unsupported login type \"carrier-pigeon\" for manually creating new users.");
    assert_eq!(srv.get("/api/v2/users?q=github_com_user_id:42").token(&owner).send().json["count"], 0);
    // A bad query wins over bad pagination, as in Coder.
    let r = srv.get("/api/v2/users?q=color:red&limit=-1").token(&owner).send();
    assert_eq!(r.json["message"], "Invalid user search query.");
    // Failed logins carry no token challenge; a bad session does.
    let r = srv.post("/api/v2/users/login").json(json!({"email": "owner@example.com", "password": "nope"})).send();
    assert!(r.header("www-authenticate").is_none());
    let r = srv.get("/api/v2/users/me").send();
    assert!(r.header("www-authenticate").unwrap().contains("expired"));
});

dual_test!(organization_admins_see_users, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (admin, _) = srv.create_user(&owner, "orgboss");
    srv.create_user(&owner, "someone");
    srv.post("/api/v2/organizations").token(&owner).json(json!({"name": "side"})).send().expect(201);
    srv.post("/api/v2/organizations/side/members/orgboss").token(&owner).send().expect(200);
    srv.put("/api/v2/organizations/side/members/orgboss/roles")
        .token(&owner)
        .json(json!({"roles": ["organization-admin"]}))
        .send()
        .expect(200);
    // To add members, organization admins must be able to find users site-wide.
    assert_eq!(srv.get("/api/v2/users").token(&admin).send().json["count"], 3);
    srv.get("/api/v2/users/someone").token(&admin).send().expect(200);
    srv.post("/api/v2/organizations/side/members/someone").token(&admin).send().expect(200);
    srv.put("/api/v2/users/someone/status/suspend").token(&admin).send().expect_error(403);
});

dual_test!(counts_follow_every_change, |srv| {
    let (owner, _, _) = srv.setup_owner();
    for name in ["u1", "u2", "u3", "u4"] {
        srv.create_user(&owner, name);
    }
    srv.put("/api/v2/users/u1/status/suspend").token(&owner).send().expect(200);
    srv.delete("/api/v2/users/u2").token(&owner).send().expect(200);
    srv.put("/api/v2/users/u1/status/activate").token(&owner).send().expect(200);
    srv.put("/api/v2/users/u3/status/suspend").token(&owner).send().expect(200);
    // Every count, whether read from a counter or counted, equals the rows listed in full.
    for q in ["", "status:active", "status:suspended", "status:dormant", "status:active%20status:suspended", "u", "role:owner"] {
        let r = srv.get(&format!("/api/v2/users?q={q}")).token(&owner).send();
        r.expect(200);
        assert_eq!(r.json["count"].as_i64().unwrap() as usize, r.json["users"].as_array().unwrap().len(), "q={q}: {}", r.body);
        let r = srv.get(&format!("/api/v2/users?q={q}&limit=1&offset=1")).token(&owner).send();
        let full = srv.get(&format!("/api/v2/users?q={q}")).token(&owner).send();
        assert_eq!(r.json["count"], full.json["count"], "q={q} paged");
    }
    let r = srv.get("/api/v2/users?q=status:suspended").token(&owner).send();
    assert_eq!(r.json["count"], 1);
    let r = srv.get("/api/v2/users").token(&owner).send();
    assert_eq!(r.json["count"], 4);
});
