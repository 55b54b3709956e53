//! Appearance, preferences and git SSH keys.

use serde_json::json;

use crate::dual_test;

dual_test!(appearance_settings, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (token, _) = srv.create_user(&owner, "looks");
    let r = srv.get("/api/v2/users/me/appearance").token(&token).send();
    r.expect(200);
    assert_eq!(r.json, json!({"theme_preference": "", "theme_mode": "", "theme_light": "", "theme_dark": "", "terminal_font": ""}));
    let r =
        srv.put("/api/v2/users/me/appearance").token(&token).json(json!({"theme_preference": "dark", "terminal_font": "fira-code"})).send();
    r.expect(200);
    assert_eq!(r.json["theme_preference"], "dark");
    assert_eq!(r.json["terminal_font"], "fira-code");
    let r = srv
        .put("/api/v2/users/me/appearance")
        .token(&token)
        .json(json!({"theme_preference": "dark", "terminal_font": "fira-code", "theme_mode": "sync", "theme_light": "light", "theme_dark": "dark-tritan"}))
        .send();
    r.expect(200);
    assert_eq!(r.json["theme_mode"], "sync");
    assert_eq!(r.json["theme_dark"], "dark-tritan");
    // Rules: font must be supported, sync needs both slots, slots must be known themes.
    let r = srv
        .put("/api/v2/users/me/appearance")
        .token(&token)
        .json(json!({"theme_preference": "dark", "terminal_font": "comic-sans"}))
        .send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Unsupported font family.");
    let r = srv
        .put("/api/v2/users/me/appearance")
        .token(&token)
        .json(json!({"theme_preference": "dark", "terminal_font": "fira-code", "theme_mode": "sync"}))
        .send();
    r.expect_error(400);
    let r = srv.put("/api/v2/users/me/appearance").token(&token).json(json!({"terminal_font": "fira-code"})).send();
    r.expect_error(400);
    assert_eq!(r.json["validations"][0]["field"], "theme_preference");
    let r = srv
        .put("/api/v2/users/me/appearance")
        .token(&token)
        .json(json!({"theme_preference": "x", "terminal_font": "fira-code", "theme_mode": "blink"}))
        .send();
    r.expect_error(400);
    // Nothing invalid was stored.
    assert_eq!(srv.get("/api/v2/users/me/appearance").token(&token).send().json["theme_mode"], "sync");
    // Others' settings are off limits; owners may read them.
    let (other, _) = srv.create_user(&owner, "peeker");
    srv.get("/api/v2/users/looks/appearance").token(&other).send().expect_error(404);
    srv.get("/api/v2/users/looks/appearance").token(&owner).send().expect(200);
});

dual_test!(preference_settings, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (token, _) = srv.create_user(&owner, "prefs");
    let r = srv.get("/api/v2/users/me/preferences").token(&token).send();
    r.expect(200);
    assert_eq!(r.json["thinking_display_mode"], "auto");
    assert_eq!(r.json["agent_chat_send_shortcut"], "enter");
    assert_eq!(r.json["task_notification_alert_dismissed"], false);
    let r = srv
        .put("/api/v2/users/me/preferences")
        .token(&token)
        .json(json!({"thinking_display_mode": "preview", "task_notification_alert_dismissed": true, "agent_chat_send_shortcut": null}))
        .send();
    r.expect(200);
    assert_eq!(r.json["thinking_display_mode"], "preview");
    assert_eq!(r.json["task_notification_alert_dismissed"], true);
    assert_eq!(r.json["agent_chat_send_shortcut"], "enter");
    let r = srv.put("/api/v2/users/me/preferences").token(&token).json(json!({"shell_tool_display_mode": "sideways"})).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Invalid shell tool display mode.");
    assert_eq!(r.json["validations"][0]["field"], "shell_tool_display_mode");
    let r = srv.put("/api/v2/users/me/preferences").token(&token).json(json!({"agent_chat_send_shortcut": "shift"})).send();
    r.expect_error(400);
});

dual_test!(git_ssh_keys, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (token, user) = srv.create_user(&owner, "gitty");
    let r = srv.get("/api/v2/users/me/gitsshkey").token(&token).send();
    r.expect(200);
    let first = r.json["public_key"].as_str().unwrap().to_string();
    assert!(first.starts_with("ssh-ed25519 AAAA"), "{first}");
    assert!(first.ends_with('\n'));
    assert_eq!(r.json["user_id"], user["id"]);
    assert!(!r.body.contains("PRIVATE"));
    let r = srv.put("/api/v2/users/me/gitsshkey").token(&token).send();
    r.expect(200);
    let second = r.json["public_key"].as_str().unwrap().to_string();
    assert_ne!(first, second);
    assert!(r.json["updated_at"].as_str().unwrap() >= r.json["created_at"].as_str().unwrap());
    assert_eq!(srv.get("/api/v2/users/me/gitsshkey").token(&token).send().json["public_key"], second.as_str());
    let (other, _) = srv.create_user(&owner, "nosy");
    srv.put("/api/v2/users/gitty/gitsshkey").token(&other).send().expect_error(404);
});
