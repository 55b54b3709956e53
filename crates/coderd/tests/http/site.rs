//! Coder's dashboard served by this server (`--site-dir`): files with Coder's cache rule, the
//! single-page fallback, the rendered metadata of `index.html` (the CSRF token the CSRF check
//! accepts, the signed-in user, permissions, organizations), Coder's headers; the landing page
//! without a dashboard; and the small endpoints every dashboard page calls.

use serde_json::{json, Value};

use crate::harness::{Db, TestServer};
use crate::{dual_test, dual_test_with};

/// A dashboard build in miniature: Coder's `index.html` metas and one hashed asset.
fn fixture() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("coderd-site-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    let metas = [
        "csrf-token:CSRF.Token",
        "build-info:BuildInfo",
        "user:User",
        "entitlements:Entitlements",
        "appearance:Appearance",
        "userAppearance:UserAppearance",
        "experiments:Experiments",
        "regions:Regions",
        "docs-url:DocsURL",
        "logo-url:LogoURL",
        "tasks-tab-visible:TasksTabVisible",
        "permissions:Permissions",
        "organizations:Organizations",
    ]
    .iter()
    .map(|m| {
        let (prop, field) = m.split_once(':').unwrap();
        format!("<meta property=\"{prop}\" content=\"{{{{ .{field} }}}}\" />\n")
    })
    .collect::<String>();
    let index = format!(
        "<!doctype html><html><head><meta name=\"application-name\" content=\"{{{{ .ApplicationName }}}}\" />\n{metas}\
         <script type=\"module\" src=\"/assets/index-abc123.js\"></script></head><body><div id=\"root\"></div></body></html>"
    );
    std::fs::write(dir.join("index.html"), index).unwrap();
    std::fs::write(dir.join("assets/index-abc123.js"), "console.log('dashboard')").unwrap();
    std::fs::write(dir.join("favicon.ico"), [0u8, 1, 2]).unwrap();
    std::fs::write(dir.join("install.sh"), "#!/bin/sh\nURL={{ .Origin }}\n").unwrap();
    dir
}

/// The `content` of `<meta property="name">`, HTML-unescaped.
fn meta(html: &str, name: &str) -> String {
    let key = format!("property=\"{name}\" content=\"");
    let start = html.find(&key).unwrap_or_else(|| panic!("meta {name} in {html}")) + key.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_string()
}

fn serves_the_dashboard(db: Db) {
    let dir = fixture();
    let Some(srv) = TestServer::start_with(db, &["--site-dir", dir.to_str().unwrap()]) else { return };
    // Signed out: the page, a fresh CSRF cookie and the same token in the meta, no user.
    let r = srv.get("/").send();
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.header("content-security-policy").unwrap().contains("script-src 'self'"), "no inline scripts");
    assert!(r.header("content-security-policy").unwrap().contains("frame-ancestors 'self'"));
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    assert!(r.header("cache-control").is_none(), "index.html is never cached");
    let csrf_cookie = cookie_value(r.header("set-cookie").expect("csrf cookie"));
    assert_eq!(meta(&r.body, "csrf-token"), csrf_cookie);
    assert_eq!(meta(&r.body, "user"), "", "signed out: no user");
    let build: Value = serde_json::from_str(&meta(&r.body, "build-info")).unwrap();
    assert!(build["version"].as_str().is_some_and(|v| v.starts_with('v')));
    assert!(r.body.contains("content=\"Coder\""), "application name defaults to Coder");

    // Files: hashed assets kept for a year; a missing asset is a real 404; other paths are
    // the dashboard's; the API keeps its JSON 404; nothing outside the build.
    let a = srv.get("/assets/index-abc123.js").send();
    assert_eq!(a.status, 200);
    assert_eq!(a.header("cache-control"), Some("public, max-age=31536000, immutable"));
    assert!(a.header("content-type").unwrap().contains("javascript"));
    let missing = srv.get("/assets/index-gone.js").send();
    assert_eq!(missing.status, 404);
    assert!(missing.header("cache-control").is_none());
    for spa in ["/workspaces", "/templates/docker/versions", "/deployment/users", "/login"] {
        let p = srv.get(spa).send();
        assert_eq!(p.status, 200, "{spa}");
        assert!(p.body.contains("<div id=\"root\">"), "{spa}: {}", p.body);
    }
    srv.get("/api/v2/not-a-route").send().expect_error(404);
    for evil in ["/assets/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/%2e%2e/index.html"] {
        let p = srv.get(evil).send();
        assert!(!p.body.contains("root:"), "{evil}");
    }
    let install = srv.get("/install.sh").send();
    assert_eq!(install.status, 200);
    assert!(install.body.contains(&format!("URL={}", srv.url("").trim_end_matches('/'))), "{}", install.body);

    // Signed in: every meta the dashboard reads instead of asking.
    let (owner, _, _) = srv.setup_owner();
    let page = srv.get("/").header("Cookie", &format!("coder_session_token={owner}; csrf_token={csrf_cookie}")).send();
    assert_eq!(page.status, 200);
    assert!(page.header("set-cookie").is_none(), "the browser's CSRF cookie is kept");
    assert_eq!(meta(&page.body, "csrf-token"), csrf_cookie);
    let user: Value = serde_json::from_str(&meta(&page.body, "user")).unwrap();
    let me = srv.get("/api/v2/users/me").token(&owner).send();
    assert_eq!(user, me.json, "the user meta is /users/me");
    let permissions: Value = serde_json::from_str(&meta(&page.body, "permissions")).unwrap();
    assert_eq!(permissions.as_object().unwrap().len(), 33);
    assert_eq!(permissions["viewAllUsers"], true);
    let orgs: Value = serde_json::from_str(&meta(&page.body, "organizations")).unwrap();
    assert_eq!(orgs[0]["is_default"], true);
    let entitlements: Value = serde_json::from_str(&meta(&page.body, "entitlements")).unwrap();
    assert!(entitlements["features"]["appearance"].is_object(), "every feature is listed");
    let regions: Value = serde_json::from_str(&meta(&page.body, "regions")).unwrap();
    assert_eq!(regions["regions"][0]["name"], "primary");
    assert_eq!(meta(&page.body, "experiments"), "[]");
    assert_eq!(meta(&page.body, "tasks-tab-visible"), "false");
    let ua: Value = serde_json::from_str(&meta(&page.body, "userAppearance")).unwrap();
    assert!(ua["terminal_font"].is_string());

    // The token of the meta is one the CSRF check accepts for a cookie-authenticated write;
    // without it the write is refused.
    let checks = json!({"checks": {"x": {"object": {"resource_type": "user"}, "action": "read"}}});
    let cookies = format!("coder_session_token={owner}; csrf_token={csrf_cookie}");
    let ok = srv.post("/api/v2/authcheck").header("Cookie", &cookies).header("X-CSRF-TOKEN", &csrf_cookie).json(checks.clone()).send();
    assert_eq!(ok.status, 200, "{}", ok.body);
    let refused = srv.post("/api/v2/authcheck").header("Cookie", &cookies).json(checks).send();
    assert_eq!(refused.status, 400, "{}", refused.body);

    // A member's page carries a member's permissions.
    let (member, _) = srv.create_user(&owner, "mia");
    let page = srv.get("/").header("Cookie", &format!("coder_session_token={member}")).send();
    let permissions: Value = serde_json::from_str(&meta(&page.body, "permissions")).unwrap();
    assert_eq!(permissions["viewAllUsers"], false);
    assert_eq!(permissions["createTemplates"], false);
    // A revoked session is signed out on the page too.
    srv.post("/api/v2/users/logout").token(&member).send().expect(200);
    let page = srv.get("/").header("Cookie", &format!("coder_session_token={member}")).send();
    assert_eq!(meta(&page.body, "user"), "");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn serves_the_dashboard_sqlite() {
    serves_the_dashboard(Db::Sqlite);
}

#[test]
fn serves_the_dashboard_postgres() {
    serves_the_dashboard(Db::Postgres);
}

dual_test!(landing_page_without_a_dashboard, |srv| {
    let r = srv.get("/").send();
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.body.contains("href=\"/login\""), "{}", r.body);
    assert!(r.body.contains("--site-dir"), "{}", r.body);
    // Without a dashboard only `/` is a page; `/login` stays this server's own form.
    srv.get("/workspaces").send().expect_error(404);
    assert!(srv.get("/login").send().body.contains("login-form"));
});

dual_test!(experiments_update_check_regions_and_csp_reports, |srv| {
    srv.get("/api/v2/experiments").send().expect_error(401);
    srv.get("/api/v2/experiments/available").send().expect_error(401);
    let (owner, _, _) = srv.setup_owner();
    let (member, _) = srv.create_user(&owner, "mia");
    assert_eq!(srv.get("/api/v2/experiments").token(&member).send().json, json!([]));
    assert_eq!(srv.get("/api/v2/experiments/available").token(&member).send().json, json!({"safe": ["minimum-implicit-member"]}));
    let u = srv.get("/api/v2/updatecheck").send();
    assert_eq!(u.status, 200);
    assert_eq!(u.json["current"], true);
    assert!(u.json["version"].as_str().unwrap().starts_with('v'));
    // Regions: the primary, with the proxies when licensed; signed-in callers only.
    srv.get("/api/v2/regions").send().expect_error(401);
    let r = srv.get("/api/v2/regions").token(&member).send();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json["regions"][0]["name"], "primary");
    assert_eq!(r.json["regions"][0]["healthy"], true);
    assert!(r.json["regions"][0].get("status").is_none(), "Region, not WorkspaceProxy");
    // A key scoped away from proxies sees only the primary.
    let scoped = srv.post("/api/v2/users/me/keys/tokens").token(&member).json(json!({"scopes": ["user:read"]})).send();
    let scoped = scoped.json["key"].as_str().unwrap().to_string();
    assert_eq!(srv.get("/api/v2/regions").token(&scoped).send().json["regions"].as_array().unwrap().len(), 1);
    let c = srv.post("/api/v2/csp/reports").json(json!({"csp-report": {"blocked-uri": "inline"}})).send();
    assert_eq!((c.status, c.json.clone()), (200, json!("ok")));
    srv.post("/api/v2/csp/reports").raw("not json").header("Content-Type", "application/json").send().expect_error(400);
});

dual_test!(deployment_stats_count_workspaces_by_their_latest_build, |srv| {
    let (owner, _, org) = srv.setup_owner();
    // Enough quota for both of the echo template's workspaces (5 credits each).
    srv.patch(&format!("/api/v2/groups/{org}")).token(&owner).json(json!({"quota_allowance": 100})).send().expect(200);
    let (member, _) = srv.create_user(&owner, "mia");
    let empty = srv.get("/api/v2/deployment/stats").token(&owner).send();
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert_eq!(empty.json["workspaces"]["running"], 0);
    assert_eq!(empty.json["workspaces"]["connection_latency_ms"], json!({"P50": 0.0, "P95": 0.0}));
    assert_eq!(empty.json["session_count"], json!({"vscode": 0, "ssh": 0, "jetbrains": 0, "reconnecting_pty": 0}));
    // Members may not read it (403, not 401: the dashboard signs out on a 401).
    srv.get("/api/v2/deployment/stats").token(&member).send().expect_error(403);
    srv.get("/api/v2/deployment/stats").send().expect_error(401);

    let (template, _) = crate::workspaces::template(srv, &owner);
    let mut ids = Vec::new();
    for name in ["one", "two"] {
        let w = srv.post("/api/v2/users/me/workspaces").token(&owner).json(json!({"name": name, "template_id": template})).send();
        assert_eq!(w.status, 201, "{}", w.body);
        ids.push(w.json["id"].as_str().unwrap().to_string());
    }
    for id in &ids {
        crate::workspaces::settled(srv, &owner, id);
    }
    let b = srv.post(&format!("/api/v2/workspaces/{}/builds", ids[1])).token(&owner).json(json!({"transition": "stop"})).send();
    assert_eq!(b.status, 201, "{}", b.body);
    crate::workspaces::settled(srv, &owner, &ids[1]);
    let s = srv.get("/api/v2/deployment/stats").token(&owner).send();
    assert_eq!(s.json["workspaces"]["running"], 1, "{}", s.body);
    assert_eq!(s.json["workspaces"]["stopped"], 1, "{}", s.body);
    assert_eq!(s.json["workspaces"]["pending"], 0);
    // An auditor reads it too.
    let (auditor, auditor_json) = srv.create_user(&owner, "audrey");
    let id = auditor_json["id"].as_str().unwrap();
    srv.put(&format!("/api/v2/users/{id}/roles")).token(&owner).json(json!({"roles": ["auditor"]})).send().expect(200);
    assert_eq!(srv.get("/api/v2/deployment/stats").token(&auditor).send().json["workspaces"]["running"], 1);
});

dual_test!(health_report_checks_what_this_server_runs, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (member, _) = srv.create_user(&owner, "mia");
    srv.get("/api/v2/debug/health").send().expect_error(401);
    srv.get("/api/v2/debug/health").token(&member).send().expect_error(403);
    srv.get("/api/v2/debug/health/settings").token(&member).send().expect_error(403);

    // The built-in daemons register once there is a default organization.
    let start = std::time::Instant::now();
    let r = loop {
        let r = srv.get("/api/v2/debug/health?force=false").token(&owner).send();
        if r.json["provisioner_daemons"]["items"].as_array().is_some_and(|i| !i.is_empty()) || start.elapsed().as_secs() > 15 {
            break r;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    assert_eq!(r.status, 200, "{}", r.body);
    let h = &r.json;
    assert_eq!(h["database"]["reachable"], true, "{}", r.body);
    assert_eq!(h["database"]["threshold_ms"], 15);
    assert_eq!(h["access_url"]["reachable"], true, "{}", r.body);
    assert_eq!(h["access_url"]["status_code"], 200);
    assert_eq!(h["access_url"]["healthz_response"], "OK");
    assert_eq!(h["websocket"]["severity"], "ok", "the echo through the access URL: {}", r.body);
    assert_eq!(h["derp"]["dismissed"], true, "DERP is not run here");
    assert_eq!(h["workspace_proxy"]["workspace_proxies"]["regions"][0]["name"], "primary");
    assert!(h["provisioner_daemons"]["items"].as_array().is_some_and(|i| !i.is_empty()), "the built-in daemons: {}", r.body);
    for section in ["access_url", "database", "websocket", "workspace_proxy", "provisioner_daemons", "derp"] {
        assert!(h[section]["warnings"].is_array(), "{section}: warnings never null");
    }
    assert!(["ok", "warning"].contains(&h["severity"].as_str().unwrap()), "{}", r.body);
    assert_eq!(h["healthy"], true);

    let t = srv.get("/api/v2/debug/health?format=text").token(&owner).send();
    assert_eq!(t.status, 200);
    assert!(t.header("content-type").unwrap().starts_with("text/plain"));
    assert!(t.body.contains("Database: "), "{}", t.body);
    srv.get("/api/v2/debug/health?format=yaml").token(&owner).send().expect_error(400);

    // Settings: dismissing a section marks it, an unchanged PUT is a 204, an unknown one a 400.
    let s = srv.get("/api/v2/debug/health/settings").token(&owner).send();
    assert_eq!(s.json, json!({"dismissed_healthchecks": []}));
    let p = srv.put("/api/v2/debug/health/settings").token(&owner).json(json!({"dismissed_healthchecks": ["Websocket"]})).send();
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(
        srv.put("/api/v2/debug/health/settings").token(&owner).json(json!({"dismissed_healthchecks": ["Websocket"]})).send().status,
        204
    );
    srv.put("/api/v2/debug/health/settings").token(&owner).json(json!({"dismissed_healthchecks": ["Nope"]})).send().expect_error(400);
    srv.put("/api/v2/debug/health/settings").token(&member).json(json!({"dismissed_healthchecks": []})).send().expect_error(403);
    let h = srv.get("/api/v2/debug/health").token(&owner).send();
    assert_eq!(h.json["websocket"]["dismissed"], true);
    assert_eq!(srv.get("/api/v2/debug/health/settings").token(&owner).send().json, json!({"dismissed_healthchecks": ["Websocket"]}));
    // The echo refuses callers who may not read debug information.
    srv.get("/api/v2/debug/ws").token(&member).send().expect_error(403);
});

dual_test!(user_status_counts_follow_the_recorded_history, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (member, member_json) = srv.create_user(&owner, "mia");
    let (_, other_json) = srv.create_user(&owner, "otto");
    srv.get("/api/v2/insights/user-status-counts").send().expect_error(401);
    srv.get("/api/v2/insights/user-status-counts").token(&member).send().expect_error(403);
    // The member signed in (dormant → active); otto is suspended.
    let other = other_json["id"].as_str().unwrap();
    srv.put(&format!("/api/v2/users/{other}/status/suspend")).token(&owner).send().expect(200);
    let r = srv.get("/api/v2/insights/user-status-counts?timezone=America/New_York").token(&owner).send();
    assert_eq!(r.status, 200, "{}", r.body);
    let now = |s: &str| r.json["status_counts"][s].as_array().and_then(|a| a.last()).map(|p| p["count"].as_i64().unwrap()).unwrap_or(0);
    assert_eq!(now("active"), 2, "the owner and mia: {}", r.body);
    assert_eq!(now("suspended"), 1, "{}", r.body);
    assert_eq!(r.json["status_counts"]["active"].as_array().unwrap().len(), 61, "60 midnights and now");
    assert!(r.json["status_counts"]["active"][0]["date"].as_str().unwrap().ends_with('Z'));
    for bad in ["timezone=Mars/Base", "timezone=UTC&tz_offset=2"] {
        srv.get(&format!("/api/v2/insights/user-status-counts?{bad}")).token(&owner).send().expect_error(400);
    }
    assert_eq!(srv.get("/api/v2/insights/user-status-counts?tz_offset=-5").token(&owner).send().status, 200);
    let _ = member_json;
});

dual_test_with!(
    deployment_config_shows_every_setting_with_secrets_redacted,
    [
        "--session-duration",
        "2h",
        "--provisioner-daemon-psk",
        "the-psk-value-0123",
        "--wildcard-access-url",
        "*.apps.example.com",
        "--ssh-keygen-algorithm",
        "ecdsa",
        "--disable-owner-workspace-access"
    ],
    |srv| {
        srv.get("/api/v2/deployment/config").send().expect_error(401);
        let (owner, owner_id, org) = srv.setup_owner();
        let (member, member_json) = srv.create_user(&owner, "mia");
        // A permission failure is a 403 (a 401 would sign the dashboard out).
        srv.get("/api/v2/deployment/config").token(&member).send().expect_error(403);
        let (auditor, auditor_json) = srv.create_user(&owner, "audrey");
        let id = auditor_json["id"].as_str().unwrap();
        srv.put(&format!("/api/v2/users/{id}/roles")).token(&owner).json(json!({"roles": ["auditor"]})).send().expect(200);
        assert_eq!(srv.get("/api/v2/deployment/config").token(&auditor).send().status, 200);

        let r = srv.get("/api/v2/deployment/config").token(&owner).send();
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(!r.body.contains("the-psk-value-0123"), "a secret leaked: {}", r.body);
        let options = r.json["options"].as_array().unwrap();
        let option = |name: &str| options.iter().find(|o| o["name"] == name).unwrap_or_else(|| panic!("no option {name:?}")).clone();
        // The names the dashboard's settings pages look up (they throw without them).
        for name in [
            "Access URL",
            "Wildcard Access URL",
            "Experiments",
            "SSH Keygen Algorithm",
            "Secure Auth Cookie",
            "Disable Owner Workspace Access",
            "OIDC Client ID",
            "OAuth2 GitHub Client ID",
        ] {
            option(name);
        }
        let mut names: Vec<&str> = options.iter().map(|o| o["name"].as_str().unwrap()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), options.len(), "names are unique");
        // Typed as Coder types them, with their source and group.
        let session = option("Session Duration");
        assert_eq!(session["value"], json!(7_200_000_000_000u64));
        assert_eq!(session["value_source"], "flag");
        assert_eq!(session["default"], "24h");
        assert_eq!(session["env"], "CODER_SESSION_DURATION");
        assert_eq!(session["flag"], "session-duration");
        assert_eq!(session["annotations"], json!({"format_duration": "true"}));
        assert_eq!(session["group"], json!({"name": "HTTP", "yaml": "http", "parent": {"name": "Networking", "yaml": "networking"}}));
        assert_eq!(option("Max Token Lifetime")["value_source"], "default");
        assert_eq!(option("Experiments")["value"], Value::Null);
        assert!(option("Experiments").get("value_source").is_none(), "nothing set it");
        assert_eq!(option("OIDC Group Mapping")["value"], json!({}));
        assert_eq!(option("OIDC Scopes")["value"], json!(["openid", "profile", "email"]));
        assert_eq!(option("Access URL")["value"], srv.url("").trim_end_matches('/'));
        let cookie = option("Secure Auth Cookie");
        assert_eq!((cookie["value"].clone(), cookie["default"].clone()), (json!(false), json!("false")), "http: not Secure");
        // Secrets: no value, marked, empty in `config`; unset secrets alike.
        let psk = option("Provisioner Daemon Pre-shared Key (PSK)");
        assert!(psk.get("value").is_none(), "{psk}");
        assert_eq!(psk["annotations"]["secret"], "true");
        assert_eq!(psk["value_source"], "flag");
        assert!(option("OIDC Client Secret").get("value").is_none());
        let config = &r.json["config"];
        assert_eq!(config["provisioner"]["daemon_psk"], "");
        assert_eq!(config["session_lifetime"]["default_duration"], json!(7_200_000_000_000u64));
        // What the dashboard reads from `config`.
        assert_eq!(config["oidc"]["user_role_field"], "");
        assert_eq!(config["external_auth"], json!([]));
        assert_eq!(config["notifications"]["webhook"]["endpoint"], "");
        assert_eq!(config["notifications"]["email"]["smarthost"], "");

        // The settings behind the names do what they say: the wildcard is the primary region's,
        assert_eq!(option("Wildcard Access URL")["value"], "*.apps.example.com");
        let regions = srv.get("/api/v2/regions").token(&member).send();
        assert_eq!(regions.json["regions"][0]["wildcard_hostname"], "*.apps.example.com", "{}", regions.body);
        // keys are ECDSA,
        assert_eq!(option("SSH Keygen Algorithm")["value"], "ecdsa");
        let key = srv.get("/api/v2/users/me/gitsshkey").token(&member).send();
        assert!(key.json["public_key"].as_str().unwrap().starts_with("ecdsa-sha2-nistp256 "), "{}", key.body);
        let key = srv.put("/api/v2/users/me/gitsshkey").token(&member).send();
        assert!(key.json["public_key"].as_str().unwrap().starts_with("ecdsa-sha2-nistp256 "), "{}", key.body);
        // and owners may not reach into others' workspaces (their own they still may).
        assert_eq!(option("Disable Owner Workspace Access")["value"], true);
        let member_id = member_json["id"].as_str().unwrap();
        let check = |owner_of: &str, action: &str| {
            let r = srv
                .post("/api/v2/authcheck")
                .token(&owner)
                .json(json!({"checks": {"c": {"object": {"resource_type": "workspace", "owner_id": owner_of, "organization_id": org}, "action": action}}}))
                .send();
            assert_eq!(r.status, 200, "{}", r.body);
            r.json["c"].as_bool().unwrap()
        };
        assert!(!check(member_id, "ssh"));
        assert!(!check(member_id, "application_connect"));
        assert!(check(member_id, "read"));
        assert!(check(&owner_id, "ssh"));
    }
);

#[test]
fn deployment_settings_are_validated_and_secure_cookies_follow_theirs() {
    for bad in [["--wildcard-access-url", "apps.example.com"], ["--ssh-keygen-algorithm", "dsa"], ["--secure-auth-cookie", "maybe"]] {
        assert!(coderd::config::parse_from(["coderd", "server", bad[0], bad[1]]).is_err(), "{bad:?}");
    }
    let srv = TestServer::start_with(Db::Sqlite, &["--secure-auth-cookie", "true"]).expect("sqlite always available");
    srv.setup_owner();
    let r = srv.post("/api/v2/users/login").json(json!({"email": "owner@example.com", "password": crate::harness::OWNER_PASSWORD})).send();
    assert_eq!(r.status, 201, "{}", r.body);
    let cookie = r.header("set-cookie").expect("a session cookie");
    assert!(cookie.contains("Secure"), "{cookie}");
}
