//! Groups, their members, AI budgets and workspace quota.

use serde_json::json;

use crate::dual_test;
use crate::harness::*;

fn group_id(r: &Resp) -> String {
    r.json["id"].as_str().unwrap().to_string()
}

dual_test!(group_rules, |srv| {
    let (owner, _, org) = srv.setup_owner();
    let (alice_token, alice) = srv.create_user(&owner, "alice");
    let (_, bob) = srv.create_user(&owner, "bob");
    let (alice_id, bob_id) = (alice["id"].as_str().unwrap().to_string(), bob["id"].as_str().unwrap().to_string());

    let r = srv
        .post("/api/v2/organizations/coder/groups")
        .token(&owner)
        .json(json!({"name": "devs", "display_name": "Developers", "quota_allowance": 5}))
        .send();
    r.expect(201);
    assert_eq!(r.json["source"], "user");
    assert_eq!(r.json["organization_name"], "coder");
    assert_eq!(r.json["total_member_count"], 0);
    let devs = group_id(&r);

    // Names: validated, unique per organization, Everyone reserved.
    let r = srv.post("/api/v2/organizations/coder/groups").token(&owner).json(json!({"name": "devs"})).send();
    r.expect_error(409);
    assert_eq!(r.json["validations"][0]["field"], "name");
    srv.post("/api/v2/organizations/coder/groups").token(&owner).json(json!({"name": "bad name"})).send().expect_error(400);
    srv.post("/api/v2/organizations/coder/groups").token(&owner).json(json!({"name": "Everyone"})).send().expect_error(400);
    srv.post("/api/v2/organizations/coder/groups")
        .token(&owner)
        .json(json!({"name": "neg", "quota_allowance": -1}))
        .send()
        .expect_error(400);
    srv.post("/api/v2/organizations/coder/groups").token(&owner).json(json!({})).send().expect_error(400);

    // Membership edits: users must be organization members; bad ids are named.
    let r = srv.patch(&format!("/api/v2/groups/{devs}")).token(&owner).json(json!({"add_users": [alice_id, bob_id]})).send();
    r.expect(200);
    assert_eq!(r.json["total_member_count"], 2);
    let outsider = srv.post("/api/v2/organizations").token(&owner).json(json!({"name": "elsewhere"})).send();
    let elsewhere = group_id(&outsider);
    let (_, carol) = srv.create_user(&owner, "carol");
    let carol_id = carol["id"].as_str().unwrap().to_string();
    let other_group = srv.post("/api/v2/organizations/elsewhere/groups").token(&owner).json(json!({"name": "ops"})).send();
    let ops = group_id(&other_group);
    let r = srv.patch(&format!("/api/v2/groups/{ops}")).token(&owner).json(json!({"add_users": [carol_id]})).send();
    r.expect_error(400);
    assert!(r.json["message"].as_str().unwrap().contains(&carol_id), "{}", r.body);
    let r = srv.patch(&format!("/api/v2/groups/{devs}")).token(&owner).json(json!({"add_users": ["not-a-uuid"]})).send();
    r.expect_error(400);
    assert!(r.json["message"].as_str().unwrap().contains("not-a-uuid"));

    // Field edits, and conflicts on rename.
    let r = srv
        .patch(&format!("/api/v2/groups/{devs}"))
        .token(&owner)
        .json(json!({"display_name": "Devs", "avatar_url": "https://example.com/a.png", "quota_allowance": 7, "remove_users": [bob_id]}))
        .send();
    r.expect(200);
    assert_eq!(r.json["display_name"], "Devs");
    assert_eq!(r.json["quota_allowance"], 7);
    assert_eq!(r.json["total_member_count"], 1);
    srv.post("/api/v2/organizations/coder/groups").token(&owner).json(json!({"name": "qa"})).send().expect(201);
    srv.patch(&format!("/api/v2/groups/{devs}")).token(&owner).json(json!({"name": "qa"})).send().expect_error(409);
    srv.patch(&format!("/api/v2/groups/{devs}")).token(&owner).json(json!({"quota_allowance": -3})).send().expect_error(400);

    // The Everyone group: fixed name and members, not deletable, everyone is in it.
    let r = srv.patch(&format!("/api/v2/groups/{org}")).token(&owner).json(json!({"name": "All"})).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Cannot rename the \"Everyone\" group!");
    srv.patch(&format!("/api/v2/groups/{org}")).token(&owner).json(json!({"display_name": "All of us"})).send().expect_error(400);
    srv.patch(&format!("/api/v2/groups/{org}")).token(&owner).json(json!({"add_users": [alice_id]})).send().expect_error(403);
    srv.patch(&format!("/api/v2/groups/{org}")).token(&owner).json(json!({"remove_users": [alice_id]})).send().expect_error(403);
    srv.patch(&format!("/api/v2/groups/{devs}")).token(&owner).json(json!({"name": "Everyone"})).send().expect_error(400);
    let r = srv.patch(&format!("/api/v2/groups/{devs}")).token(&owner).json(json!({"add_users": [alice_id]})).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Cannot add the same user to a group twice!");
    srv.delete(&format!("/api/v2/groups/{org}")).token(&owner).send().expect_error(400);
    srv.patch(&format!("/api/v2/groups/{org}")).token(&owner).json(json!({"quota_allowance": 3})).send().expect(200);
    let everyone = srv.get("/api/v2/organizations/coder/groups/Everyone").token(&owner).send();
    everyone.expect(200);
    assert_eq!(everyone.json["total_member_count"], 4);

    // A plain member sees groups but only themselves among members; counts stay whole.
    let r = srv.get(&format!("/api/v2/groups/{org}")).token(&alice_token).send();
    r.expect(200);
    assert_eq!(r.json["total_member_count"], 4);
    assert_eq!(r.json["members"].as_array().unwrap().len(), 1);
    let r = srv.get(&format!("/api/v2/groups/{devs}?exclude_members=true")).token(&owner).send();
    assert_eq!(r.json["members"], json!([]));
    assert_eq!(r.json["total_member_count"], 1);
    srv.get(&format!("/api/v2/groups/{ops}")).token(&alice_token).send().expect_error(404);
    srv.get("/api/v2/groups/not-a-uuid").token(&owner).send().expect_error(400);

    // Filters of the groups list.
    let names = |r: &Resp| -> Vec<String> { r.json.as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap().to_string()).collect() };
    assert_eq!(names(&srv.get("/api/v2/groups").token(&owner).send()), ["devs", "Everyone", "Everyone", "ops", "qa"]);
    assert_eq!(names(&srv.get("/api/v2/groups?organization=coder").token(&owner).send()), ["devs", "Everyone", "qa"]);
    assert_eq!(names(&srv.get(&format!("/api/v2/groups?organization={elsewhere}")).token(&owner).send()), ["Everyone", "ops"]);
    assert_eq!(names(&srv.get("/api/v2/groups?has_member=alice").token(&owner).send()), ["devs", "Everyone"]);
    assert_eq!(names(&srv.get("/api/v2/groups?has_member=me&organization=coder").token(&alice_token).send()), ["devs", "Everyone"]);
    assert_eq!(names(&srv.get(&format!("/api/v2/groups?group_ids={devs},{ops}")).token(&owner).send()), ["devs", "ops"]);
    let r = srv.get("/api/v2/groups?group_ids=nope").token(&owner).send();
    r.expect_error(400);
    assert_eq!(r.json["validations"][0]["field"], "group_ids");
    let r = srv.get("/api/v2/groups?organization=nowhere").token(&owner).send();
    r.expect_error(400);
    assert_eq!(r.json["validations"][0]["field"], "organization");
    let r = srv.get("/api/v2/groups?colour=red").token(&owner).send();
    r.expect_error(400);
    assert_eq!(r.json["validations"][0]["detail"], "\"colour\" is not a valid query param");
    assert_eq!(srv.get("/api/v2/groups?has_member=3c9d1e8c-7f50-4b56-8a8f-0f6ab2f0b0b1").token(&owner).send().json, json!([]));
    srv.get("/api/v2/organizations/coder/groups/nope").token(&owner).send().expect_error(404);
    assert_eq!(names(&srv.get("/api/v2/organizations/coder/groups").token(&owner).send()), ["devs", "Everyone", "qa"]);

    // Deleting answers with the group, and it is gone.
    let r = srv.delete(&format!("/api/v2/groups/{devs}")).token(&owner).send();
    r.expect(200);
    assert_eq!(r.json["name"], "devs");
    srv.get(&format!("/api/v2/groups/{devs}")).token(&owner).send().expect_error(404);
});

dual_test!(group_authorization, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (member, _) = srv.create_user(&owner, "member");
    let (org_admin, _) = srv.create_user(&owner, "orgadmin");
    srv.post("/api/v2/organizations").token(&owner).json(json!({"name": "side"})).send().expect(201);
    srv.post("/api/v2/organizations/side/members/orgadmin").token(&owner).send().expect(200);
    srv.put("/api/v2/organizations/side/members/orgadmin/roles")
        .token(&owner)
        .json(json!({"roles": ["organization-admin"]}))
        .send()
        .expect(200);

    // A plain member cannot create groups.
    let r = srv.post("/api/v2/organizations/coder/groups").token(&member).json(json!({"name": "nope"})).send();
    r.expect_error(403);
    // An organization admin can, in their organization only.
    srv.post("/api/v2/organizations/side/groups").token(&org_admin).json(json!({"name": "mine"})).send().expect(201);
    srv.post("/api/v2/organizations/coder/groups").token(&org_admin).json(json!({"name": "theirs"})).send().expect_error(403);
    let g = srv.post("/api/v2/organizations/coder/groups").token(&owner).json(json!({"name": "owned"})).send();
    let owned = group_id(&g);
    srv.patch(&format!("/api/v2/groups/{owned}")).token(&org_admin).json(json!({"display_name": "x"})).send().expect_error(403);
    srv.delete(&format!("/api/v2/groups/{owned}")).token(&member).send().expect_error(403);
    srv.put(&format!("/api/v2/groups/{owned}/ai/budget")).token(&member).json(json!({"spend_limit_micros": 1})).send().expect_error(404);
});

dual_test!(ai_budgets, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let g = srv.post("/api/v2/organizations/coder/groups").token(&owner).json(json!({"name": "spenders"})).send();
    let id = group_id(&g);
    let path = format!("/api/v2/groups/{id}/ai/budget");
    srv.get(&path).token(&owner).send().expect_error(404);
    srv.put(&path).token(&owner).json(json!({"spend_limit_micros": -1})).send().expect_error(400);
    let r = srv.put(&path).token(&owner).json(json!({"spend_limit_micros": 5_000_000})).send();
    r.expect(200);
    assert_eq!(r.json["group_id"], id.as_str());
    assert_eq!(r.json["spend_limit_micros"], 5_000_000);
    let created = r.json["created_at"].clone();
    let r = srv.put(&path).token(&owner).json(json!({"spend_limit_micros": 0})).send();
    r.expect(200);
    assert_eq!(r.json["spend_limit_micros"], 0);
    assert_eq!(r.json["created_at"], created);
    assert_eq!(srv.get(&path).token(&owner).send().json["spend_limit_micros"], 0);
    srv.delete(&path).token(&owner).send().expect(204);
    srv.get(&path).token(&owner).send().expect_error(404);
    srv.delete(&path).token(&owner).send().expect_error(404);
});

dual_test!(workspace_quota_sums_group_allowances, |srv| {
    let (owner, _, org) = srv.setup_owner();
    let (token, user) = srv.create_user(&owner, "quota");
    let uid = user["id"].as_str().unwrap().to_string();
    let r = srv.get("/api/v2/organizations/coder/members/quota/workspace-quota").token(&owner).send();
    r.expect(200);
    assert_eq!(r.json, json!({"credits_consumed": 0, "budget": 0}));
    srv.patch(&format!("/api/v2/groups/{org}")).token(&owner).json(json!({"quota_allowance": 10})).send().expect(200);
    let a = group_id(&srv.post("/api/v2/organizations/coder/groups").token(&owner).json(json!({"name": "a", "quota_allowance": 5})).send());
    srv.post("/api/v2/organizations/coder/groups").token(&owner).json(json!({"name": "b", "quota_allowance": 100})).send();
    srv.patch(&format!("/api/v2/groups/{a}")).token(&owner).json(json!({"add_users": [uid]})).send().expect(200);
    let r = srv.get("/api/v2/organizations/coder/members/me/workspace-quota").token(&token).send();
    r.expect(200);
    assert_eq!(r.json, json!({"credits_consumed": 0, "budget": 15}));
    let r = srv.get(&format!("/api/v2/workspace-quota/{uid}")).token(&owner).send();
    assert_eq!(r.json["budget"], 15);
    // Others' quota is hidden from members; non-members have none here.
    srv.get("/api/v2/organizations/coder/members/owner/workspace-quota").token(&token).send().expect_error(404);
    srv.post("/api/v2/organizations").token(&owner).json(json!({"name": "other"})).send();
    // Outside the organization there is no budget, but the quota still answers, as in Coder.
    let r = srv.get("/api/v2/organizations/other/members/quota/workspace-quota").token(&owner).send();
    r.expect(200);
    assert_eq!(r.json, json!({"credits_consumed": 0, "budget": 0}));
});

dual_test!(five_thousand_members_page_correctly, |srv| {
    let (owner, _, _) = srv.setup_owner();
    const N: usize = 5_000;
    let ids = std::sync::Mutex::new(Vec::with_capacity(N));
    std::thread::scope(|s| {
        for t in 0..4 {
            let (owner, srv, ids) = (owner.clone(), &*srv, &ids);
            s.spawn(move || {
                for i in (t..N).step_by(4) {
                    let r = srv
                        .post("/api/v2/users")
                        .token(&owner)
                        .json(json!({"email": format!("m{i:04}@grp.example"), "username": format!("m{i:04}"), "login_type": "none", "organization_ids": ["00000000-0000-0000-0000-000000000000"]}))
                        .send();
                    r.expect(201);
                    ids.lock().unwrap().push(r.json["id"].as_str().unwrap().to_string());
                }
            });
        }
    });
    let ids = ids.into_inner().unwrap();
    let g = group_id(&srv.post("/api/v2/organizations/coder/groups").token(&owner).json(json!({"name": "big"})).send());
    for chunk in ids.chunks(1000) {
        srv.patch(&format!("/api/v2/groups/{g}")).token(&owner).json(json!({"add_users": chunk})).send().expect(200);
    }
    let r = srv.get(&format!("/api/v2/groups/{g}?exclude_members=true")).token(&owner).send();
    assert_eq!(r.json["total_member_count"], N as u64);
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            Some(a) => format!("/api/v2/groups/{g}/members?limit=700&after_id={a}"),
            None => format!("/api/v2/groups/{g}/members?limit=700"),
        };
        let r = srv.get(&path).token(&owner).send();
        r.expect(200);
        assert_eq!(r.json["count"], N as u64);
        let page = r.json["users"].as_array().unwrap();
        if page.is_empty() {
            break;
        }
        seen.extend(page.iter().map(|u| u["username"].as_str().unwrap().to_string()));
        after = Some(page.last().unwrap()["id"].as_str().unwrap().to_string());
    }
    assert_eq!(seen.len(), N);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, seen, "ordered, no duplicates");
    let r = srv.get("/api/v2/organizations/coder/groups/big/members?limit=10&offset=4995").token(&owner).send();
    assert_eq!(r.json["users"].as_array().unwrap().len(), 5);
    let r = srv.get(&format!("/api/v2/groups/{g}/members?q=m00&limit=5")).token(&owner).send();
    assert_eq!(r.json["count"], 100);
    assert_eq!(r.json["users"].as_array().unwrap().len(), 5);
});
