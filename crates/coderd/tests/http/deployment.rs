//! Deployment administration over HTTP: appearance, notification templates, workspace sharing
//! and quiet hours, with their error cases.

use clap::Parser;
use serde_json::json;

use crate::dual_test;
use crate::harness::{Db, TestServer};

dual_test!(appearance_defaults_validation_and_who_may_write, |srv| {
    let (owner, _, _) = srv.setup_owner_unlicensed();
    let (member, _) = srv.create_user(&owner, "mia");
    let r = srv.get("/api/v2/appearance").send();
    r.expect_error(401);
    assert_eq!(r.json["message"], "API key or workspace agent token required, but none provided");
    srv.get("/api/v2/appearance").token("bogus-token").send().expect_error(401);
    let a = srv.get("/api/v2/appearance").token(&member).send();
    a.expect(200);
    assert_eq!(a.json["application_name"], "");
    assert_eq!(a.json["service_banner"], json!({"enabled": false}));
    assert_eq!(a.json["announcement_banners"], json!([]));
    assert_eq!(a.json["docs_url"], "https://coder.com/docs");
    let links: Vec<&str> = a.json["support_links"].as_array().unwrap().iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(links, ["Documentation", "Report a bug", "Join the Coder Discord", "Star the Repo"]);

    let body = json!({"application_name": "Acme Dev", "logo_url": "https://acme.example/logo.png",
        "announcement_banners": [{"enabled": true, "message": "Maintenance", "background_color": "#004852"}, {"enabled": false, "message": "old", "background_color": "#ABCDEF"}]});
    let r = srv.put("/api/v2/appearance").token(&member).json(body.clone()).send();
    r.expect_error(403);
    assert_eq!(r.json["message"], "Insufficient permissions to update appearance");
    for (color, detail) in
        [("", "expected # prefix and 6 characters"), ("0048521", "no # prefix"), ("#00485g", "encoding/hex: invalid byte: U+0067 'g'")]
    {
        let r = srv
            .put("/api/v2/appearance")
            .token(&owner)
            .json(json!({"announcement_banners": [{"enabled": false, "background_color": color}]}))
            .send();
        r.expect_error(400);
        assert_eq!(r.json["message"], format!("Invalid color format: {color:?}"));
        assert_eq!(r.json["detail"], detail);
    }
    srv.put("/api/v2/appearance").token(&owner).raw("{nope").send().expect_error(400);
    let r = srv.put("/api/v2/appearance").token(&owner).json(body.clone()).send();
    r.expect(200);
    assert_eq!(r.json["application_name"], "Acme Dev");
    assert_eq!(r.json["service_banner"], json!({"enabled": false}), "echoed as Coder echoes it");
    // Saved but hidden until the appearance feature is licensed.
    assert_eq!(srv.get("/api/v2/appearance").token(&member).send().json["application_name"], "");
});

dual_test!(appearance_shows_saved_values_when_licensed, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let body = json!({"application_name": "Acme Dev", "logo_url": "https://acme.example/logo.png",
        "announcement_banners": [{"enabled": false, "message": "first", "background_color": "#004852"}]});
    srv.put("/api/v2/appearance").token(&owner).json(body).send().expect(200);
    let a = srv.get("/api/v2/appearance").token(&owner).send();
    assert_eq!(a.json["application_name"], "Acme Dev");
    assert_eq!(a.json["logo_url"], "https://acme.example/logo.png");
    assert_eq!(a.json["service_banner"], json!({"enabled": false, "message": "first", "background_color": "#004852"}));
    assert_eq!(a.json["announcement_banners"].as_array().unwrap().len(), 1);
    // A null banner list clears them.
    srv.put("/api/v2/appearance").token(&owner).json(json!({"application_name": "X", "announcement_banners": null})).send().expect(200);
    let a = srv.get("/api/v2/appearance").token(&owner).send();
    assert_eq!(a.json["announcement_banners"], json!([]));
    assert_eq!(a.json["service_banner"], json!({"enabled": false}));
});

#[test]
fn support_links_and_docs_url_come_from_the_configuration() {
    let links = r#"[{"name": "Wiki", "target": "https://wiki.example", "icon": "docs", "location": "navbar"}]"#;
    for db in [Db::Sqlite, Db::Postgres] {
        let Some(srv) = TestServer::start_with(db, &["--support-links", links, "--docs-url", "https://docs.example"]) else { continue };
        let (owner, _, _) = srv.setup_owner();
        let a = srv.get("/api/v2/appearance").token(&owner).send();
        assert_eq!(a.json["support_links"], serde_json::from_str::<serde_json::Value>(links).unwrap());
        assert_eq!(a.json["docs_url"], "https://docs.example");
    }
}

dual_test!(notification_templates_and_methods, |srv| {
    let (owner, _, _) = srv.setup_owner_unlicensed();
    let (member, _) = srv.create_user(&owner, "mia");
    let list = srv.get("/api/v2/notifications/templates/system").token(&member).send();
    list.expect(200);
    let templates = list.json.as_array().unwrap();
    assert_eq!(templates.len(), 31, "Coder's system templates");
    let names: Vec<&str> = templates.iter().map(|t| t["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "ordered by name");
    let deleted = templates.iter().find(|t| t["id"] == "f517da0b-cdc9-410f-ab89-a86107c420ed").expect("Workspace Deleted");
    assert_eq!(deleted["name"], "Workspace Deleted");
    assert_eq!(deleted["group"], "Workspace Events");
    assert_eq!(deleted["kind"], "system");
    assert_eq!(deleted["method"], "");
    assert!(deleted["actions"].as_str().unwrap().contains("View workspaces"));
    srv.get("/api/v2/notifications/templates/system").send().expect_error(401);

    let m = srv.get("/api/v2/notifications/dispatch-methods").token(&member).send();
    assert_eq!(m.json, json!({"available": ["smtp", "webhook"], "default": "smtp"}));

    let path = "/api/v2/notifications/templates/f517da0b-cdc9-410f-ab89-a86107c420ed/method";
    srv.put(path).token(&member).json(json!({"method": "webhook"})).send().expect_error(404);
    let r = srv.put(path).token(&owner).json(json!({"method": "carrier-pigeon"})).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Invalid request to update notification template method");
    assert_eq!(
        r.json["validations"][0],
        json!({"field": "method", "detail": "\"carrier-pigeon\" is not a valid method; smtp, webhook, inbox are the available options"})
    );
    srv.put(path).token(&owner).json(json!({})).send().expect_error(400);
    let r = srv.put("/api/v2/notifications/templates/nope/method").token(&owner).json(json!({"method": "smtp"})).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Invalid UUID \"nope\".");
    srv.put("/api/v2/notifications/templates/00000000-0000-0000-0000-000000000001/method")
        .token(&owner)
        .json(json!({"method": "smtp"}))
        .send()
        .expect_error(404);
    let r = srv.put(path).token(&owner).json(json!({"method": "webhook"})).send();
    r.expect(200);
    assert_eq!(r.json["message"], "Successfully updated notification template method.");
    let r = srv.put(path).token(&owner).json(json!({"method": "webhook"})).send();
    r.expect(304);
    assert!(r.body.is_empty());
    let list = srv.get("/api/v2/notifications/templates/system").token(&member).send();
    let t = list.json.as_array().unwrap().iter().find(|t| t["id"] == "f517da0b-cdc9-410f-ab89-a86107c420ed").unwrap().clone();
    assert_eq!(t["method"], "webhook");
});

dual_test!(custom_templates_and_notification_preferences, |srv| {
    let (owner, owner_id, _) = srv.setup_owner_unlicensed();
    let (member, member_json) = srv.create_user(&owner, "mia");
    let member_id = member_json["id"].as_str().unwrap().to_string();
    let custom = srv.get("/api/v2/notifications/templates/custom").token(&member).send();
    assert_eq!(custom.status, 200, "{}", custom.body);
    assert_eq!(custom.json.as_array().unwrap().len(), 1);
    assert_eq!(custom.json[0]["id"], "39b1e189-c857-4b0c-877a-511144c18516");
    assert_eq!(custom.json[0]["kind"], "custom");
    srv.get("/api/v2/notifications/templates/custom").send().expect_error(401);

    // Nothing stored: every template follows its default.
    let path = "/api/v2/users/me/notifications/preferences";
    assert_eq!(srv.get(path).token(&member).send().json, json!([]));
    let deleted = "f517da0b-cdc9-410f-ab89-a86107c420ed";
    let created = "281fdf73-c6d6-4cbb-8ff5-888baf8a2fff";
    let r = srv.put(path).token(&member).json(json!({"template_disabled_map": {deleted: true, created: false}})).send();
    assert_eq!(r.status, 200, "{}", r.body);
    let list = r.json.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let of = |id: &str| list.iter().find(|p| p["id"] == id).unwrap()["disabled"].clone();
    assert_eq!((of(deleted), of(created)), (json!(true), json!(false)));
    // Changing one keeps the other; the owner reads them too.
    let r = srv.put(path).token(&member).json(json!({"template_disabled_map": {deleted: false}})).send();
    assert_eq!(r.json.as_array().unwrap().len(), 2);
    let theirs = srv.get(&format!("/api/v2/users/{member_id}/notifications/preferences")).token(&owner).send();
    assert_eq!(theirs.status, 200, "{}", theirs.body);
    assert!(theirs.json.as_array().unwrap().iter().all(|p| p["disabled"] == false));
    // Bad keys, unknown templates: 400, and nothing stored.
    let r = srv.put(path).token(&member).json(json!({"template_disabled_map": {"nope": true}})).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Unable to parse notification template UUID.");
    let r = srv
        .put(path)
        .token(&member)
        .json(json!({"template_disabled_map": {deleted: true, "00000000-0000-0000-0000-000000000001": true}}))
        .send();
    r.expect_error(400);
    assert_eq!(srv.get(path).token(&member).send().json.as_array().unwrap().iter().filter(|p| p["disabled"] == true).count(), 0);
    // Refused (403; Coder answers 500): another member, and a user admin, see the user but
    // not their preferences.
    let (other, _) = srv.create_user(&owner, "oscar");
    srv.get(&format!("/api/v2/users/{member_id}/notifications/preferences")).token(&other).send().expect_error(403);
    srv.put(&format!("/api/v2/users/{owner_id}/notifications/preferences"))
        .token(&other)
        .json(json!({"template_disabled_map": {deleted: true}}))
        .send()
        .expect_error(403);
    let (admin, admin_json) = srv.create_user(&owner, "uma");
    let admin_id = admin_json["id"].as_str().unwrap();
    srv.put(&format!("/api/v2/users/{admin_id}/roles")).token(&owner).json(json!({"roles": ["user-admin"]})).send().expect(200);
    srv.get(&format!("/api/v2/users/{member_id}/notifications/preferences")).token(&admin).send().expect_error(403);
    srv.put(&format!("/api/v2/users/{member_id}/notifications/preferences"))
        .token(&admin)
        .json(json!({"template_disabled_map": {deleted: true}}))
        .send()
        .expect_error(403);
    srv.get(path).send().expect_error(401);
});

dual_test!(workspace_sharing_settings, |srv| {
    let (owner, _, _) = srv.setup_owner_unlicensed();
    let (member, _) = srv.create_user(&owner, "mia");
    let path = "/api/v2/organizations/default/settings/workspace-sharing";
    let r = srv.get(path).token(&member).send();
    r.expect(200);
    assert_eq!(r.json, json!({"sharing_globally_disabled": false, "sharing_disabled": false, "shareable_workspace_owners": "everyone"}));
    srv.get("/api/v2/organizations/nosuch/settings/workspace-sharing").token(&owner).send().expect_error(404);
    srv.patch(path).token(&member).json(json!({"shareable_workspace_owners": "none"})).send().expect_error(403);
    let r = srv.patch(path).token(&owner).json(json!({"shareable_workspace_owners": "friends"})).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Invalid shareable workspace owners value.");
    assert_eq!(r.json["validations"][0]["field"], "shareable_workspace_owners");
    let r = srv.patch(path).token(&owner).json(json!({"shareable_workspace_owners": "service_accounts"})).send();
    assert_eq!(
        r.json,
        json!({"sharing_globally_disabled": false, "sharing_disabled": false, "shareable_workspace_owners": "service_accounts"})
    );
    let r = srv.patch(path).token(&owner).json(json!({"sharing_disabled": true})).send();
    assert_eq!(r.json["shareable_workspace_owners"], "none");
    assert_eq!(r.json["sharing_disabled"], true);
    assert_eq!(srv.get(path).token(&member).send().json["shareable_workspace_owners"], "none");
    // An empty body means everyone, as in Coder.
    let r = srv.patch(path).token(&owner).json(json!({})).send();
    assert_eq!(r.json["shareable_workspace_owners"], "everyone");
});

#[test]
fn workspace_sharing_can_be_disabled_for_the_deployment() {
    for db in [Db::Sqlite, Db::Postgres] {
        let Some(srv) = TestServer::start_with(db, &["--disable-workspace-sharing"]) else { continue };
        let (owner, _, _) = srv.setup_owner_unlicensed();
        let r = srv.get("/api/v2/organizations/default/settings/workspace-sharing").token(&owner).send();
        assert_eq!(r.json, json!({"sharing_globally_disabled": true, "sharing_disabled": true, "shareable_workspace_owners": "none"}));
    }
}

dual_test!(quiet_hours_schedules, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (member, mia) = srv.create_user(&owner, "mia");
    let r = srv.get("/api/v2/users/me/quiet-hours").token(&member).send();
    r.expect(200);
    assert_eq!(r.json["raw_schedule"], "CRON_TZ=UTC 0 0 * * *");
    assert_eq!(r.json["user_set"], false);
    assert_eq!(r.json["user_can_set"], true);
    assert_eq!(r.json["time"], "00:00");
    assert_eq!(r.json["timezone"], "UTC");
    assert!(r.json["next"].as_str().unwrap().ends_with("T00:00:00Z"));

    let r = srv.put("/api/v2/users/me/quiet-hours").token(&member).json(json!({"schedule": "CRON_TZ=Asia/Kolkata 30 2 * * *"})).send();
    r.expect(200);
    assert_eq!(r.json["raw_schedule"], "CRON_TZ=Asia/Kolkata 30 2 * * *");
    assert_eq!(r.json["user_set"], true);
    assert_eq!(r.json["time"], "02:30");
    assert_eq!(r.json["timezone"], "Asia/Kolkata");
    assert!(r.json["next"].as_str().unwrap().ends_with("T02:30:00+05:30"), "{}", r.body);
    let r = srv.put("/api/v2/users/me/quiet-hours").token(&member).json(json!({"schedule": "15 4 * * *"})).send();
    assert_eq!(r.json["raw_schedule"], "CRON_TZ=UTC 15 4 * * *");

    for (schedule, detail) in [
        ("0 2 * * 1-5", "expected day-of-month, month and day-of-week to be *"),
        ("0 2", "expected schedule to consist of 5 fields"),
        ("CRON_TZ=Deans/House 0 2 * * *", "unknown time zone Deans/House"),
        ("*/15 2 * * *", "has more than one time"),
    ] {
        let r = srv.put("/api/v2/users/me/quiet-hours").token(&member).json(json!({"schedule": schedule})).send();
        r.expect_error(400);
        assert_eq!(r.json["validations"][0]["field"], "schedule");
        assert!(r.json["validations"][0]["detail"].as_str().unwrap().contains(detail), "{schedule}: {}", r.body);
    }
    let r = srv.put("/api/v2/users/me/quiet-hours").token(&member).json(json!({"schedule": ""})).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Validation failed.");
    // Blank resets to the default.
    let r = srv.put("/api/v2/users/me/quiet-hours").token(&member).json(json!({"schedule": "   "})).send();
    assert_eq!(r.json["user_set"], false);

    // Others' schedules: owners may read and change them; members may not see them.
    let mia_id = mia["id"].as_str().unwrap();
    srv.get(&format!("/api/v2/users/{mia_id}/quiet-hours")).token(&owner).send().expect(200);
    srv.put("/api/v2/users/mia/quiet-hours").token(&owner).json(json!({"schedule": "0 1 * * *"})).send().expect(200);
    srv.get("/api/v2/users/owner/quiet-hours").token(&member).send().expect_error(404);
    srv.get("/api/v2/users/me/quiet-hours").send().expect_error(401);
});

#[test]
fn quiet_hours_follow_the_deployment_settings() {
    for db in [Db::Sqlite, Db::Postgres] {
        let Some(srv) = TestServer::start_with(
            db,
            &["--default-quiet-hours-schedule", "CRON_TZ=Europe/Paris 0 3 * * *", "--allow-custom-quiet-hours", "false"],
        ) else {
            continue;
        };
        let (owner, _, _) = srv.setup_owner();
        let r = srv.get("/api/v2/users/me/quiet-hours").token(&owner).send();
        assert_eq!(r.json["raw_schedule"], "CRON_TZ=Europe/Paris 0 3 * * *");
        assert_eq!(r.json["user_can_set"], false);
        let r = srv.put("/api/v2/users/me/quiet-hours").token(&owner).json(json!({"schedule": "0 1 * * *"})).send();
        r.expect_error(403);
        assert_eq!(r.json["message"], "Users cannot set custom quiet hours schedule due to deployment configuration.");
    }
    let bad = coderd::config::Cli::try_parse_from(["coderd", "server", "--default-quiet-hours-schedule", "0 2 * * 1"]);
    if let Ok(coderd::config::Cli { command: coderd::config::Command::Server(args) }) = bad {
        let err = coderd::settings(&args).expect_err("a bad default schedule stops start-up");
        assert!(err.contains("expected day-of-month, month and day-of-week to be *"), "{err}");
    }
}
