//! IdP sync settings over HTTP: defaults, full and partial updates, mapping edits, validation and
//! who may read and write them.

use serde_json::json;

use crate::dual_test;

dual_test!(idpsync_settings, |srv| {
    let (owner, _, org) = srv.setup_owner();
    let (member, _) = srv.create_user(&owner, "mia");
    let (uadmin, ua) = srv.create_user(&owner, "ula");
    srv.put(&format!("/api/v2/users/{}/roles", ua["id"].as_str().unwrap()))
        .token(&owner)
        .json(json!({"roles": ["user-admin"]}))
        .send()
        .expect(200);

    // Organization sync (site-wide).
    let path = "/api/v2/settings/idpsync/organization";
    let r = srv.get(path).token(&owner).send();
    r.expect(200);
    assert_eq!(r.json, json!({"field": "", "mapping": {}, "organization_assign_default": true}));
    srv.get(path).token(&member).send().expect_error(403);
    srv.patch(path).token(&member).json(json!({"field": "x"})).send().expect_error(403);
    srv.get(path).send().expect_error(401);
    let r = srv
        .patch(path)
        .token(&uadmin)
        .json(json!({"field": "orgs", "mapping": {"eng": [org]}, "organization_assign_default": false}))
        .send();
    r.expect(200);
    assert_eq!(r.json, json!({"field": "orgs", "mapping": {"eng": [org]}, "organization_assign_default": false}));
    let r = srv.patch(&format!("{path}/config")).token(&owner).json(json!({"Field": "organizations", "assign_default": true})).send();
    assert_eq!(r.json, json!({"field": "organizations", "mapping": {"eng": [org]}, "organization_assign_default": true}));
    let other = uuid::Uuid::new_v4().to_string();
    // Go clients send capitalised keys; both spellings work. A removal wins over an addition.
    let r = srv
        .patch(&format!("{path}/mapping"))
        .token(&owner)
        .json(json!({"Add": [{"Given": "eng", "Gets": other}, {"given": "ops", "gets": other}], "remove": [{"given": "ops", "gets": other}, {"given": "eng", "gets": org}]}))
        .send();
    r.expect(200);
    assert_eq!(r.json["mapping"], json!({"eng": [other], "ops": []}));
    let r = srv.patch(&format!("{path}/mapping")).token(&owner).json(json!({"add": [{"given": "x", "gets": "not-a-uuid"}]})).send();
    r.expect_error(400);
    srv.patch(path).token(&owner).raw("{nope").send().expect_error(400);
    assert_eq!(srv.get(path).token(&owner).send().json["field"], "organizations");

    // Group sync of an organization.
    let groups = format!("/api/v2/organizations/{org}/settings/idpsync/groups");
    let r = srv.get(&groups).token(&owner).send();
    assert_eq!(r.json, json!({"field": "", "mapping": {}, "regex_filter": null, "auto_create_missing_groups": false}));
    srv.get(&groups).token(&member).send().expect_error(403);
    srv.get("/api/v2/organizations/nowhere/settings/idpsync/groups").token(&owner).send().expect_error(404);
    let g = uuid::Uuid::new_v4().to_string();
    let r = srv
        .patch(&groups)
        .token(&owner)
        .json(json!({"field": "groups", "mapping": {"devs": [g]}, "regex_filter": "^eng-.*", "auto_create_missing_groups": true}))
        .send();
    r.expect(200);
    assert_eq!(r.json["regex_filter"], "^eng-.*");
    let r = srv.patch(&groups).token(&owner).json(json!({"field": "groups", "regex_filter": "(unclosed"})).send();
    r.expect_error(400);
    let r = srv.patch(&groups).token(&owner).json(json!({"field": "groups", "legacy_group_name_mapping": {"a": "b"}})).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Unexpected field 'legacy_group_name_mapping'. Field not allowed, set to null or remove it.");
    assert_eq!(r.json["validations"][0], json!({"field": "legacy_group_name_mapping", "detail": "field is not allowed"}));
    let r = srv
        .patch(&format!("{groups}/config"))
        .token(&owner)
        .json(json!({"field": "teams", "regex_filter": null, "auto_create_missing_groups": false}))
        .send();
    assert_eq!(r.json, json!({"field": "teams", "mapping": {"devs": [g]}, "regex_filter": null, "auto_create_missing_groups": false}));
    let r = srv.patch(&format!("{groups}/mapping")).token(&owner).json(json!({"remove": [{"given": "devs", "gets": g}]})).send();
    assert_eq!(r.json["mapping"], json!({"devs": []}));

    // Role sync of an organization.
    let roles = format!("/api/v2/organizations/{org}/settings/idpsync/roles");
    assert_eq!(srv.get(&roles).token(&owner).send().json, json!({"field": "", "mapping": {}}));
    let r = srv.patch(&roles).token(&owner).json(json!({"field": "roles", "mapping": {"admins": ["organization-admin"]}})).send();
    r.expect(200);
    let r = srv
        .patch(&format!("{roles}/mapping"))
        .token(&owner)
        .json(json!({"add": [{"given": "admins", "gets": "organization-auditor"}]}))
        .send();
    assert_eq!(r.json["mapping"]["admins"], json!(["organization-admin", "organization-auditor"]));
    let r = srv.patch(&format!("{roles}/config")).token(&owner).json(json!({"field": "coder_roles"})).send();
    assert_eq!(r.json["field"], "coder_roles");
    srv.patch(&roles).token(&member).json(json!({"field": "x"})).send().expect_error(403);
    // Organization admins manage their organization's sync.
    let mia_id = srv.get("/api/v2/users/mia").token(&owner).send().json["id"].as_str().unwrap().to_string();
    srv.put(&format!("/api/v2/organizations/{org}/members/{mia_id}/roles"))
        .token(&owner)
        .json(json!({"roles": ["organization-admin"]}))
        .send()
        .expect(200);
    srv.get(&roles).token(&member).send().expect(200);
    srv.patch(&format!("{roles}/config")).token(&member).json(json!({"field": "r"})).send().expect(200);
});
