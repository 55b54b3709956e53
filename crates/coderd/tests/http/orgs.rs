//! Organizations and their members.

use serde_json::json;

use crate::dual_test;
use crate::harness::*;

dual_test!(organizations_lifecycle, |srv| {
    let (owner, owner_id, default_org) = srv.setup_owner();
    let (member, _) = srv.create_user(&owner, "plain");

    let r = srv.post("/api/v2/organizations").token(&owner).json(json!({"name": "research", "description": "R&D"})).send();
    r.expect(201);
    let org = r.json["id"].as_str().unwrap().to_string();
    assert_eq!(r.json["display_name"], "research", "display name defaults to the name");
    assert_eq!(r.json["is_default"], false);
    // It has an Everyone group with the organization's id, and the creator is its admin.
    let g = srv.get(&format!("/api/v2/groups/{org}")).token(&owner).send();
    g.expect(200);
    assert_eq!(g.json["name"], "Everyone");
    assert_eq!(g.json["organization_id"], org.as_str());
    let members = srv.get("/api/v2/organizations/research/members").token(&owner).send();
    members.expect(200);
    assert_eq!(members.json[0]["user_id"], owner_id.as_str());
    // The users list carries each user's organizations in the order they joined.
    let listed_orgs = |q: &str| srv.get(&format!("/api/v2/users?q={q}")).token(&owner).send().json["users"][0]["organization_ids"].clone();
    assert_eq!(listed_orgs("owner"), json!([default_org, org]));
    assert_eq!(members.json[0]["roles"], serde_json::json!([]), "creators join as plain members, as in Coder");

    // Lookups by id and name; conflicts; validation; permission.
    srv.get(&format!("/api/v2/organizations/{org}")).token(&owner).send().expect(200);
    let r = srv.get("/api/v2/organizations/coder").token(&owner).send();
    assert_eq!(r.json["id"], default_org.as_str());
    assert_eq!(r.json["is_default"], true);
    srv.post("/api/v2/organizations").token(&owner).json(json!({"name": "RESEARCH"})).send().expect_error(409);
    srv.post("/api/v2/organizations").token(&owner).json(json!({"name": "bad name"})).send().expect_error(400);
    srv.post("/api/v2/organizations").token(&owner).json(json!({})).send().expect_error(400);
    srv.post("/api/v2/organizations").token(&member).json(json!({"name": "mine"})).send().expect_error(403);
    let r = srv.post("/api/v2/organizations").token(&owner).json(json!({"name": "default"})).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Organization name \"default\" is reserved.");
    // `default` and the nil UUID address the default organization.
    assert_eq!(srv.get("/api/v2/organizations/default").token(&owner).send().json["id"], default_org.as_str());
    assert_eq!(
        srv.get("/api/v2/organizations/00000000-0000-0000-0000-000000000000").token(&member).send().json["id"],
        default_org.as_str()
    );

    // Members see only their organizations.
    let names = |r: &Resp| -> Vec<String> { r.json.as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap().to_string()).collect() };
    assert_eq!(names(&srv.get("/api/v2/organizations").token(&owner).send()), ["coder", "research"]);
    assert_eq!(names(&srv.get("/api/v2/organizations").token(&member).send()), ["coder"]);
    srv.get("/api/v2/organizations/research").token(&member).send().expect_error(404);

    // The default organization cannot be deleted; others can.
    let r = srv.delete("/api/v2/organizations/coder").token(&owner).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Default organization cannot be deleted.");
    srv.delete("/api/v2/organizations/research").token(&member).send().expect_error(404);
    // An organization with other members or groups is refused until they are gone.
    srv.post("/api/v2/organizations/research/members/plain").token(&owner).send().expect(200);
    srv.post("/api/v2/organizations/research/groups").token(&owner).json(json!({"name": "g1"})).send().expect(201);
    let r = srv.delete("/api/v2/organizations/research").token(&owner).send();
    r.expect_error(409);
    assert_eq!(r.json["detail"], "This organization has 1 member, 1 group that must be deleted first.");
    srv.delete("/api/v2/organizations/research/members/plain").token(&owner).send().expect(204);
    let g1 = srv.get("/api/v2/organizations/research/groups/g1").token(&owner).send().json["id"].as_str().unwrap().to_string();
    srv.delete(&format!("/api/v2/groups/{g1}")).token(&owner).send().expect(200);
    let r = srv.delete("/api/v2/organizations/research").token(&owner).send();
    r.expect(200);
    assert_eq!(r.json["message"], "Organization has been deleted.");
    srv.get("/api/v2/organizations/research").token(&owner).send().expect_error(404);
    assert_eq!(listed_orgs("owner"), json!([default_org]));
    srv.get(&format!("/api/v2/groups/{org}")).token(&owner).send().expect_error(404);
});

dual_test!(organization_members, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (member, user) = srv.create_user(&owner, "joiner");
    let user_id = user["id"].as_str().unwrap().to_string();
    let org = srv.post("/api/v2/organizations").token(&owner).json(json!({"name": "team"})).send().json["id"].as_str().unwrap().to_string();
    let g = srv.post("/api/v2/organizations/team/groups").token(&owner).json(json!({"name": "devs"})).send();
    g.expect(201);
    let devs = g.json["id"].as_str().unwrap().to_string();

    // Adding a member puts them in the Everyone group.
    let r = srv.post("/api/v2/organizations/team/members/joiner").token(&owner).send();
    r.expect(200);
    assert_eq!(r.json["user_id"], user_id.as_str());
    assert_eq!(r.json["organization_id"], org.as_str());
    let r = srv.post("/api/v2/organizations/team/members/joiner").token(&owner).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "User is already an organization member");
    srv.post("/api/v2/organizations/team/members/nobody").token(&owner).send().expect_error(404);
    let everyone = srv.get(&format!("/api/v2/groups/{org}")).token(&owner).send();
    assert_eq!(everyone.json["total_member_count"], 2);
    assert!(everyone.json["members"].as_array().unwrap().iter().any(|m| m["id"] == user_id.as_str()));
    let r = srv.get(&format!("/api/v2/users/{user_id}")).token(&owner).send();
    assert_eq!(r.json["organization_ids"].as_array().unwrap().len(), 2);
    let listed_orgs = || srv.get("/api/v2/users?q=joiner").token(&owner).send().json["users"][0]["organization_ids"].clone();
    let default_org = srv.get("/api/v2/organizations/default").token(&owner).send().json["id"].as_str().unwrap().to_string();
    assert_eq!(listed_orgs(), json!([default_org, org]), "in the order joined");

    // Roles: listing, granting, the rules.
    let r = srv.get("/api/v2/organizations/team/members/roles").token(&owner).send();
    r.expect(200);
    let roles: Vec<&str> = r.json.as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap()).collect();
    assert!(roles.contains(&"organization-admin") && roles.contains(&"organization-user-admin"));
    assert!(r.json.as_array().unwrap().iter().all(|x| x["organization_id"] == org.as_str()));
    let r =
        srv.put("/api/v2/organizations/team/members/joiner/roles").token(&owner).json(json!({"roles": ["organization-auditor"]})).send();
    r.expect(200);
    assert_eq!(r.json["roles"][0]["name"], "organization-auditor");
    let r = srv.put("/api/v2/organizations/team/members/joiner/roles").token(&owner).json(json!({"roles": ["owner"]})).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], format!("\"owner:{org}\" is not a supported role"));
    srv.put("/api/v2/organizations/team/members/joiner/roles").token(&owner).json(json!({"roles": ["wizard"]})).send().expect_error(400);
    srv.put("/api/v2/organizations/team/members/me/roles").token(&owner).json(json!({"roles": []})).send().expect_error(400);
    srv.put("/api/v2/organizations/team/members/joiner/roles").token(&member).json(json!({"roles": []})).send().expect_error(400);

    // Removing a member takes them out of every group of the organization.
    srv.patch(&format!("/api/v2/groups/{devs}")).token(&owner).json(json!({"add_users": [user_id]})).send().expect(200);
    srv.delete("/api/v2/organizations/team/members/me").token(&owner).send().expect_error(400);
    let r = srv.delete("/api/v2/organizations/team/members/joiner").token(&member).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "cannot remove self from an organization");
    let (stranger, _) = srv.create_user(&owner, "stranger");
    srv.post("/api/v2/organizations/team/members/stranger").token(&owner).send().expect(200);
    srv.delete("/api/v2/organizations/team/members/joiner").token(&stranger).send().expect_error(404);
    srv.delete("/api/v2/organizations/team/members/stranger").token(&owner).send().expect(204);
    srv.delete("/api/v2/organizations/team/members/joiner").token(&owner).send().expect(204);
    assert_eq!(listed_orgs(), json!([default_org]), "a member removed leaves the list");
    srv.post("/api/v2/organizations/team/members/joiner").token(&owner).send().expect(200);
    assert_eq!(listed_orgs(), json!([default_org, org]));
    srv.delete("/api/v2/organizations/team/members/joiner").token(&owner).send().expect(204);
    let devs_now = srv.get(&format!("/api/v2/groups/{devs}")).token(&owner).send();
    assert_eq!(devs_now.json["total_member_count"], 0);
    assert_eq!(srv.get(&format!("/api/v2/groups/{org}")).token(&owner).send().json["total_member_count"], 1);
    srv.delete("/api/v2/organizations/team/members/joiner").token(&owner).send().expect_error(404);
});

dual_test!(paginated_members_page_and_search, |srv| {
    let (owner, _, org) = srv.setup_owner();
    for name in ["ann", "bob", "cat", "dan"] {
        srv.create_user(&owner, name);
    }
    let r = srv.get("/api/v2/organizations/default/paginated-members?limit=2").token(&owner).send();
    r.expect(200);
    assert_eq!(r.json["count"], 5);
    let names: Vec<&str> = r.json["members"].as_array().unwrap().iter().map(|m| m["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["ann", "bob"]);
    assert_eq!(r.json["members"][0]["organization_id"], org.as_str());
    let bob = r.json["members"][1]["user_id"].as_str().unwrap().to_string();
    let r = srv.get(&format!("/api/v2/organizations/{org}/paginated-members?limit=2&after_id={bob}")).token(&owner).send();
    let names: Vec<&str> = r.json["members"].as_array().unwrap().iter().map(|m| m["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["cat", "dan"]);
    let r = srv.get("/api/v2/organizations/default/paginated-members?q=an").token(&owner).send();
    assert_eq!(r.json["count"], 2, "{}", r.body);
    let r = srv.get("/api/v2/organizations/default/paginated-members?q=bogus:x").token(&owner).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Invalid member search query.");
    srv.get("/api/v2/organizations/default/paginated-members?limit=-1").token(&owner).send().expect_error(400);
    srv.get("/api/v2/organizations/nope/paginated-members").token(&owner).send().expect_error(404);
    // Counts follow deletions: a deleted user leaves the count.
    srv.delete("/api/v2/users/dan").token(&owner).send().expect(200);
    let r = srv.get("/api/v2/organizations/default/paginated-members").token(&owner).send();
    assert_eq!(r.json["count"], 4);
    assert_eq!(r.json["members"].as_array().unwrap().len(), 4);
});

dual_test!(organizations_are_renamed_and_described, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let r = srv.post("/api/v2/organizations").token(&owner).json(json!({"name": "research"})).send();
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json["id"].as_str().unwrap().to_string();
    let (member, member_json) = srv.create_user(&owner, "mia");
    let member_id = member_json["id"].as_str().unwrap().to_string();
    srv.post(&format!("/api/v2/organizations/{id}/members/{member_id}")).token(&owner).send().expect(200);

    let p = srv
        .patch("/api/v2/organizations/research")
        .token(&owner)
        .json(json!({"display_name": "Research & Development", "description": "R&D", "icon": "/emojis/1f52c.png"}))
        .send();
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(
        (p.json["name"].as_str(), p.json["display_name"].as_str(), p.json["description"].as_str()),
        (Some("research"), Some("Research & Development"), Some("R&D"))
    );
    assert_eq!(p.json["icon"], "/emojis/1f52c.png");
    // Renamed; the old name no longer finds it.
    let p = srv.patch("/api/v2/organizations/research").token(&owner).json(json!({"name": "rnd"})).send();
    assert_eq!(p.json["name"], "rnd", "{}", p.body);
    assert_eq!(p.json["description"], "R&D", "fields not sent stay");
    srv.get("/api/v2/organizations/research").token(&owner).send().expect_error(404);
    let taken = srv.patch("/api/v2/organizations/rnd").token(&owner).json(json!({"name": "coder"})).send();
    taken.expect_error(409);
    assert_eq!(taken.json["validations"][0]["field"], "name");
    srv.patch("/api/v2/organizations/rnd").token(&owner).json(json!({"name": "default"})).send().expect_error(400);
    srv.patch("/api/v2/organizations/rnd").token(&owner).json(json!({"name": "not a name"})).send().expect_error(400);
    // A plain member may not change it (hidden as missing, as Coder's store answers).
    srv.patch("/api/v2/organizations/rnd").token(&member).json(json!({"display_name": "Mine"})).send().expect_error(404);
    // Its organization admin may.
    srv.put(&format!("/api/v2/organizations/{id}/members/{member_id}/roles"))
        .token(&owner)
        .json(json!({"roles": ["organization-admin"]}))
        .send()
        .expect(200);
    let p = srv.patch("/api/v2/organizations/rnd").token(&member).json(json!({"display_name": "Admins' own"})).send();
    assert_eq!(p.status, 200, "{}", p.body);
});
