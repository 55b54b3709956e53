//! Replicas on one database, and racing writers.

use serde_json::json;

use crate::dual_test;
use crate::harness::*;

dual_test!(replicas_share_one_database, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let other = srv.replica();
    // Same deployment, same data, sessions valid on either replica.
    assert_eq!(srv.get("/api/v2/buildinfo").send().json["deployment_id"], other.get("/api/v2/buildinfo").send().json["deployment_id"]);
    other.get("/api/v2/users/me").token(&owner).send().expect(200);
    let (token, _) = other.create_user(&owner, "via-replica");
    srv.get("/api/v2/users/me").token(&token).send().expect(200);
    // A logout on one replica ends the session on the other.
    other.post("/api/v2/users/logout").token(&token).send().expect(200);
    srv.get("/api/v2/users/me").token(&token).send().expect_error(401);
});

dual_test!(racing_creates_of_one_username, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let other = srv.replica();
    let statuses = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for i in 0..8 {
            let (target, owner, statuses) = (if i % 2 == 0 { &*srv } else { &other }, owner.clone(), &statuses);
            s.spawn(move || {
                let r = target
                    .post("/api/v2/users")
                    .token(&owner)
                    .json(json!({"email": format!("race{i}@example.com"), "username": "racer", "login_type": "none", "organization_ids": ["00000000-0000-0000-0000-000000000000"]}))
                    .send();
                statuses.lock().unwrap().push(r.status);
            });
        }
    });
    let mut statuses = statuses.into_inner().unwrap();
    statuses.sort();
    assert_eq!(statuses, [201, 409, 409, 409, 409, 409, 409, 409], "exactly one wins, the rest conflict, nothing fails");
    // The losers left nothing behind.
    let r = srv.get("/api/v2/users?q=race").token(&owner).send();
    assert_eq!(r.json["count"], 1);
});

dual_test!(racing_first_users, |srv| {
    let statuses = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for i in 0..6 {
            let (srv, statuses) = (&*srv, &statuses);
            s.spawn(move || {
                let r = srv
                    .post("/api/v2/users/first")
                    .json(json!({"email": format!("first{i}@example.com"), "username": format!("first{i}"), "password": OWNER_PASSWORD}))
                    .send();
                if r.status == 409 {
                    assert_eq!(r.json["message"], "The initial user has already been created.");
                }
                statuses.lock().unwrap().push(r.status);
            });
        }
    });
    let statuses = statuses.into_inner().unwrap();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
});
