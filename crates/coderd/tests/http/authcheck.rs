//! `POST /api/v2/authcheck` with the checks Coder's dashboard sends, for an owner, a member, an
//! auditor, a user admin, a template admin and an organization admin, each answered as Coder's
//! role tables answer them.

use serde_json::{json, Map, Value};

use crate::dual_test;
use crate::harness::TestServer;

/// The dashboard's site-wide checks (`site/permissions.json`): name, type, action, any_org,
/// `owner_id: "me"`, then the expected answer for owner, member, auditor, user admin, template
/// admin and organization admin (of the default organization; everyone is a member of it).
const SITE_CHECKS: &[(&str, &str, &str, bool, bool, &str)] = &[
    ("viewAllUsers", "user", "read", false, false, "101111"),
    ("updateUsers", "user", "update", false, false, "100100"),
    ("createUser", "user", "create", false, false, "100100"),
    ("createTemplates", "template", "create", true, false, "100011"),
    ("updateTemplates", "template", "update", false, false, "100010"),
    ("deleteTemplates", "template", "delete", false, false, "100010"),
    ("viewDeploymentConfig", "deployment_config", "read", false, false, "101000"),
    ("editDeploymentConfig", "deployment_config", "update", false, false, "100000"),
    ("viewDeploymentStats", "deployment_stats", "read", false, false, "101000"),
    ("readWorkspaceProxies", "workspace_proxy", "read", false, false, "111111"),
    ("editWorkspaceProxies", "workspace_proxy", "create", false, false, "100000"),
    ("createOrganization", "organization", "create", false, false, "100000"),
    ("viewAnyGroup", "group", "read", false, false, "101110"),
    ("createGroup", "group", "create", false, false, "100100"),
    ("viewAllLicenses", "license", "read", false, false, "100000"),
    ("viewNotificationTemplate", "notification_template", "read", false, false, "100000"),
    ("viewOrganizationIDPSyncSettings", "idpsync_settings", "read", false, false, "100100"),
    ("viewAnyMembers", "organization_member", "read", true, false, "111111"),
    ("editAnyGroups", "group", "update", true, false, "100101"),
    ("assignAnyRoles", "assign_org_role", "assign", true, false, "100101"),
    ("viewAnyIdpSyncSettings", "idpsync_settings", "read", true, false, "100101"),
    ("editAnySettings", "organization", "update", true, false, "100001"),
    ("viewAnyAuditLog", "audit_log", "read", true, false, "101001"),
    ("viewAnyConnectionLog", "connection_log", "read", true, false, "101001"),
    ("viewDebugInfo", "debug_info", "read", false, false, "100000"),
    ("viewAnyAIBridgeInterception", "aibridge_interception", "read", true, false, "101001"),
    ("viewAnyAIProvider", "ai_provider", "read", false, false, "100000"),
    ("viewAIGatewayKeys", "ai_gateway_key", "read", false, false, "100000"),
    ("createOAuth2App", "oauth2_app", "create", false, false, "100000"),
    ("editOAuth2App", "oauth2_app", "update", false, false, "100000"),
    ("deleteOAuth2App", "oauth2_app", "delete", false, false, "100000"),
    ("viewOAuth2AppSecrets", "oauth2_app_secret", "read", false, false, "100000"),
    ("createChat", "chat", "create", true, true, "100001"),
];

/// The dashboard's per-organization checks (`organizations.ts`), with the organization's id.
const ORG_CHECKS: &[(&str, &str, &str, &str)] = &[
    ("viewMembers", "organization_member", "read", "111111"),
    ("editMembers", "organization_member", "update", "100101"),
    ("createGroup", "group", "create", "100101"),
    ("viewGroups", "group", "read", "111111"),
    ("editGroups", "group", "update", "100101"),
    ("editSettings", "organization", "update", "100001"),
    ("assignOrgRoles", "assign_org_role", "assign", "100101"),
    ("viewOrgRoles", "assign_org_role", "read", "111111"),
    ("createOrgRoles", "assign_org_role", "create", "100001"),
    ("updateOrgRoles", "assign_org_role", "update", "100001"),
    ("deleteOrgRoles", "assign_org_role", "delete", "100001"),
    ("viewProvisioners", "provisioner_daemon", "read", "111111"),
    ("viewProvisionerJobs", "provisioner_jobs", "read", "100001"),
    ("viewIdpSyncSettings", "idpsync_settings", "read", "100101"),
    ("editIdpSyncSettings", "idpsync_settings", "update", "100101"),
];

fn request(org: &str) -> Value {
    let mut checks = Map::new();
    for (name, t, a, any_org, me, _) in SITE_CHECKS {
        let mut object = json!({"resource_type": t});
        if *any_org {
            object["any_org"] = json!(true);
        }
        if *me {
            object["owner_id"] = json!("me");
        }
        checks.insert(name.to_string(), json!({"object": object, "action": a}));
    }
    for (name, t, a, _) in ORG_CHECKS {
        checks.insert(format!("{org}.{name}"), json!({"object": {"resource_type": t, "organization_id": org}, "action": a}));
    }
    json!({ "checks": checks })
}

fn expected(org: &str, who: usize) -> Value {
    let mut out = Map::new();
    for (name, .., answers) in SITE_CHECKS {
        out.insert(name.to_string(), json!(answers.as_bytes()[who] == b'1'));
    }
    for (name, _, _, answers) in ORG_CHECKS {
        out.insert(format!("{org}.{name}"), json!(answers.as_bytes()[who] == b'1'));
    }
    Value::Object(out)
}

fn user_with_role(srv: &TestServer, owner: &str, name: &str, site_role: Option<&str>) -> (String, String) {
    let (token, user) = srv.create_user(owner, name);
    if let Some(r) = site_role {
        srv.put(&format!("/api/v2/users/{name}/roles")).token(owner).json(json!({"roles": [r]})).send().expect(200);
    }
    (token, user["id"].as_str().unwrap().to_string())
}

dual_test!(dashboard_checks_answer_as_coder, |srv| {
    let (owner, _, org) = srv.setup_owner();
    let (member, member_id) = user_with_role(srv, &owner, "plain", None);
    let (auditor, _) = user_with_role(srv, &owner, "audit", Some("auditor"));
    let (user_admin, _) = user_with_role(srv, &owner, "useradmin", Some("user-admin"));
    let (template_admin, _) = user_with_role(srv, &owner, "tmpladmin", Some("template-admin"));
    let (org_admin, _) = user_with_role(srv, &owner, "orgadmin", None);
    srv.put("/api/v2/organizations/default/members/orgadmin/roles")
        .token(&owner)
        .json(json!({"roles": ["organization-admin"]}))
        .send()
        .expect(200);
    let body = request(&org);
    for (who, (name, token)) in [
        ("owner", &owner),
        ("member", &member),
        ("auditor", &auditor),
        ("user admin", &user_admin),
        ("template admin", &template_admin),
        ("org admin", &org_admin),
    ]
    .into_iter()
    .enumerate()
    {
        let r = srv.post("/api/v2/authcheck").token(token).json(body.clone()).send();
        assert_eq!(r.status, 200, "{name}: {}", r.body);
        let want = expected(&org, who);
        for (k, v) in want.as_object().unwrap() {
            assert_eq!(&r.json[k], v, "{name}: {k}");
        }
        assert_eq!(r.json.as_object().unwrap().len(), want.as_object().unwrap().len());
    }

    // Objects by id: `me`, a user, a group; the caller's own record only.
    let me = json!({"checks": {
        "readMe": {"object": {"resource_type": "user", "owner_id": "me"}, "action": "read"},
        "readOwnUser": {"object": {"resource_type": "user", "resource_id": member_id}, "action": "read_personal"},
        "readOther": {"object": {"resource_type": "user", "resource_id": uuid::Uuid::new_v4().to_string()}, "action": "read"},
        "everyoneGroup": {"object": {"resource_type": "group", "resource_id": org}, "action": "read"},
        "editEveryone": {"object": {"resource_type": "group", "resource_id": org}, "action": "update"},
        "anyOrgWithOrg": {"object": {"resource_type": "template", "any_org": true, "organization_id": org}, "action": "read"},
        "strangeType": {"object": {"resource_type": "no_such_type"}, "action": "read"},
    }});
    let r = srv.post("/api/v2/authcheck").token(&member).json(me.clone()).send();
    assert_eq!(
        r.json,
        json!({"readMe": true, "readOwnUser": true, "readOther": false, "everyoneGroup": true, "editEveryone": false,
               "anyOrgWithOrg": false, "strangeType": false}),
        "{}",
        r.body
    );
    // An owner holds every known type with `*`: an unknown action on one is allowed, an
    // unknown type is not.
    let r = srv
        .post("/api/v2/authcheck")
        .token(&owner)
        .json(json!({"checks": {
            "odd": {"object": {"resource_type": "user"}, "action": "frobnicate"},
            "strange": {"object": {"resource_type": "no_such_type"}, "action": "read"},
        }}))
        .send();
    assert_eq!(r.json, json!({"odd": true, "strange": false}));

    // The key's scope applies: an owner's user:read token answers as that scope allows.
    let scoped = srv.post("/api/v2/users/me/keys/tokens").token(&owner).json(json!({"scopes": ["user:read"]})).send();
    let scoped = scoped.json["key"].as_str().unwrap().to_string();
    let r = srv
        .post("/api/v2/authcheck")
        .token(&scoped)
        .json(json!({"checks": {
            "read": {"object": {"resource_type": "user"}, "action": "read"},
            "update": {"object": {"resource_type": "user"}, "action": "update"},
        }}))
        .send();
    assert_eq!(r.json, json!({"read": true, "update": false}));

    // Empty and missing checks; errors in Coder's words.
    assert_eq!(srv.post("/api/v2/authcheck").token(&member).json(json!({})).send().json, json!({}));
    assert_eq!(srv.post("/api/v2/authcheck").token(&member).json(json!({"checks": {}})).send().json, json!({}));
    let r = srv.post("/api/v2/authcheck").token(&member).json(json!({"checks": {"x": {"object": {}, "action": "read"}}})).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Object's \"resource_type\" field must be defined for key \"x\".");
    let r = srv
        .post("/api/v2/authcheck")
        .token(&member)
        .json(json!({"checks": {"x": {"object": {"resource_type": "user", "resource_id": "nope"}, "action": "read"}}}))
        .send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Object \"nope\" id is not a valid uuid.");
    assert_eq!(r.json["validations"][0]["field"], "resource_id");
    let r = srv
        .post("/api/v2/authcheck")
        .token(&member)
        .json(json!({"checks": {"x": {"object": {"resource_type": "license", "resource_id": org}, "action": "read"}}}))
        .send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Object type \"license\" does not support \"resource_id\" field.");
    let many: Map<String, Value> = (0..12)
        .map(|i| (format!("c{i}"), json!({"object": {"resource_type": "user", "resource_id": member_id}, "action": "read"})))
        .collect();
    let r = srv.post("/api/v2/authcheck").token(&member).json(json!({"checks": many})).send();
    r.expect_error(400);
    assert_eq!(
        r.json["message"],
        "Endpoint only supports using \"resource_id\" field 10 times, found 12 usages. Remove 2 objects with this field set."
    );
    srv.post("/api/v2/authcheck").token(&member).raw("{").header("Content-Type", "application/json").send().expect_error(400);
    srv.post("/api/v2/authcheck").json(json!({"checks": {}})).send().expect_error(401);
});
