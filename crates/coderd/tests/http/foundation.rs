//! Foundation: first user, login, logout, key transport, error envelope, persistence.

use serde_json::json;

use crate::dual_test;
use crate::harness::*;

dual_test!(first_user_flow, |srv| {
    let r = srv.get("/api/v2/users/first").send();
    r.expect_error(404);
    assert_eq!(r.json["message"], "The initial user has not been created!");

    let (token, user_id, org_id) = srv.setup_owner();
    let r = srv.get("/api/v2/users/first").send();
    r.expect(200);
    assert_eq!(r.json["message"], "The initial user has already been created!");

    let me = srv.get("/api/v2/users/me").token(&token).send();
    me.expect(200);
    assert_eq!(me.json["id"], user_id.as_str());
    assert_eq!(me.json["username"], "owner");
    assert_eq!(me.json["status"], "active");
    assert_eq!(me.json["login_type"], "password");
    assert_eq!(me.json["organization_ids"], json!([org_id]));
    assert_eq!(me.json["roles"], json!([{"name": "owner", "display_name": "Owner"}]));

    // The same user by id and by username.
    for key in [user_id.as_str(), "owner", "OWNER"] {
        let r = srv.get(&format!("/api/v2/users/{key}")).token(&token).send();
        r.expect(200);
        assert_eq!(r.json["id"], user_id.as_str());
    }
    srv.get("/api/v2/users/nobody").token(&token).send().expect_error(404);

    // A second first user is a conflict.
    let r = srv.post("/api/v2/users/first").json(json!({"email": "x@example.com", "username": "x", "password": OWNER_PASSWORD})).send();
    r.expect_error(409);
    assert_eq!(r.json["message"], "The initial user has already been created.");
});

dual_test!(first_user_validation, |srv| {
    let r = srv.post("/api/v2/users/first").json(json!({"email": "nope", "username": "bad_name", "password": ""})).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Validation failed.");
    let fields: Vec<&str> = r.json["validations"].as_array().unwrap().iter().map(|v| v["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["email", "username", "password"]);

    let r = srv.post("/api/v2/users/first").json(json!({"email": "a@b.co", "username": "admin", "password": "password"})).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Password is invalid");
    assert_eq!(r.json["validations"][0]["field"], "password");
    // Nothing was written.
    srv.get("/api/v2/users/first").send().expect_error(404);
});

dual_test!(login_and_logout, |srv| {
    let (token, _, _) = srv.setup_owner();
    let r = srv.post("/api/v2/users/login").json(json!({"email": "owner@example.com", "password": "wrong"})).send();
    r.expect_error(401);
    assert_eq!(r.json["message"], "Incorrect email or password.");
    let r = srv.post("/api/v2/users/login").json(json!({"email": "ghost@example.com", "password": "whatever"})).send();
    r.expect_error(401);
    let r = srv.post("/api/v2/users/login").json(json!({"email": "OWNER@example.com", "password": OWNER_PASSWORD})).send();
    r.expect(201);
    let cookie = r.header("set-cookie").unwrap().to_string();
    assert!(cookie.starts_with("coder_session_token="), "{cookie}");
    assert!(cookie.contains("HttpOnly"));
    let session = r.json["session_token"].as_str().unwrap().to_string();
    let (id, secret) = session.split_once('-').unwrap();
    assert_eq!((id.len(), secret.len()), (10, 22));

    // Every place Coder reads the token from works.
    srv.get("/api/v2/users/me").header("Cookie", &format!("coder_session_token={session}")).send().expect(200);
    srv.get(&format!("/api/v2/users/me?coder_session_token={session}")).send().expect(200);
    srv.get("/api/v2/users/me").header("Authorization", &format!("Bearer {session}")).send().expect(200);
    srv.get("/api/v2/users/me").token(&session).send().expect(200);

    let r = srv.post("/api/v2/users/logout").token(&session).send();
    r.expect(200);
    assert_eq!(r.json["message"], "Logged out!");
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
    let r = srv.get("/api/v2/users/me").token(&session).send();
    r.expect_error(401);
    assert_eq!(r.json["detail"], "API key is invalid.");
    // The other session is untouched.
    srv.get("/api/v2/users/me").token(&token).send().expect(200);
});

dual_test!(bad_tokens_are_401, |srv| {
    let (token, _, _) = srv.setup_owner();
    let r = srv.get("/api/v2/users/me").send();
    r.expect_error(401);
    assert_eq!(r.json["message"], "You are signed out or your session has expired. Please sign in again to continue.");
    srv.get("/api/v2/users/me").token("garbage").send().expect_error(401);
    srv.get("/api/v2/users/me").token("abcdefghij-abcdefghijabcdefghijkl").send().expect_error(401);
    let (id, _) = token.split_once('-').unwrap();
    let r = srv.get("/api/v2/users/me").token(&format!("{id}-abcdefghijabcdefghijkl")).send();
    r.expect_error(401);
    assert_eq!(r.json["detail"], "API key secret is invalid.");
});

dual_test!(error_envelope_everywhere, |srv| {
    let r = srv.get("/api/v2/no-such-route").send();
    r.expect_error(404);
    assert_eq!(r.json["message"], "Route not found.");
    let r = srv.put("/api/v2/buildinfo").send();
    r.expect_error(405);
    assert_eq!(r.header("allow"), Some("GET"));
    let r = srv.post("/api/v2/users/first").raw("{not json").header("Content-Type", "application/json").send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Request body must be valid JSON.");
    let r = srv.post("/api/v2/users/first").raw("email=a").header("Content-Type", "application/x-www-form-urlencoded").send();
    r.expect_error(400);
    let r = srv.post("/api/v2/users/first").json(json!({"email": 5})).send();
    r.expect_error(400);
    let big = format!("{{\"email\": \"{}\"}}", "a".repeat(2 << 20));
    let r = srv.post("/api/v2/users/first").raw(&big).header("Content-Type", "application/json").send();
    r.expect_error(413);
    // Unknown fields are ignored and nulls accepted, as Coder's decoder does.
    let r = srv
        .post("/api/v2/users/first")
        .json(json!({"email": "a@example.com", "username": "admin", "password": OWNER_PASSWORD, "name": null, "surprise": true}))
        .send();
    r.expect(201);
});

dual_test!(meta_endpoints, |srv| {
    let r = srv.get("/healthz").send();
    r.expect(200);
    assert_eq!(r.body, "OK");
    let r = srv.get("/api/v2/buildinfo").send();
    r.expect(200);
    assert!(r.json["version"].as_str().unwrap().starts_with('v'));
    let id = r.json["deployment_id"].as_str().unwrap().to_string();
    assert!(uuid::Uuid::parse_str(&id).is_ok());
    let r = srv.get("/api/v2/openapi.json").send();
    r.expect(200);
    assert_eq!(r.json["info"]["title"], "Coder API");
    let r = srv.get("/swagger/").send();
    r.expect(200);
    assert!(r.body.contains("swagger"), "swagger ui page");
    assert!(r.header("x-request-id").is_some());
});

dual_test!(data_survives_restart, |srv| {
    let (token, user_id, _) = srv.setup_owner();
    let before = srv.get("/api/v2/buildinfo").send().json["deployment_id"].clone();
    srv.stop();
    srv.boot();
    let me = srv.get("/api/v2/users/me").token(&token).send();
    me.expect(200);
    assert_eq!(me.json["id"], user_id.as_str());
    assert_eq!(srv.get("/api/v2/buildinfo").send().json["deployment_id"], before);
});
