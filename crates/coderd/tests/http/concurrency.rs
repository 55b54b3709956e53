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
    refused_within_a_second(srv, &token);
});

/// Waits until `srv` refuses `token` with 401, failing the test after one second.
fn refused_within_a_second(srv: &TestServer, token: &str) {
    let start = std::time::Instant::now();
    loop {
        let r = srv.get("/api/v2/users/me").token(token).send();
        if r.status == 401 {
            return;
        }
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(start.elapsed() < std::time::Duration::from_secs(1), "the other replica still accepts the key after 1 s");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Uses a key on a replica until it is surely in that replica's cache (the first use writes
/// `last_used`, which starts the cache afresh).
fn warm(srv: &TestServer, token: &str) {
    for _ in 0..3 {
        srv.get("/api/v2/users/me").token(token).send().expect(200);
    }
}

dual_test!(revocation_reaches_other_replicas_within_a_second, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let other = srv.replica();
    // A deleted token.
    let (alice, _) = srv.create_user(&owner, "alice");
    let r = srv.post("/api/v2/users/me/keys/tokens").token(&alice).json(json!({"token_name": "ci"})).send();
    let ci = r.json["key"].as_str().unwrap().to_string();
    warm(&other, &ci);
    let ci_id = ci.split_once('-').unwrap().0;
    srv.delete(&format!("/api/v2/users/me/keys/{ci_id}")).token(&alice).send().expect(204);
    refused_within_a_second(&other, &ci);
    // An expired token.
    let r = srv.post("/api/v2/users/me/keys/tokens").token(&alice).json(json!({"token_name": "cd"})).send();
    let cd = r.json["key"].as_str().unwrap().to_string();
    warm(&other, &cd);
    srv.put(&format!("/api/v2/users/me/keys/{}/expire", cd.split_once('-').unwrap().0)).token(&alice).send().expect(204);
    refused_within_a_second(&other, &cd);
    // A suspended user's session.
    warm(&other, &alice);
    srv.put("/api/v2/users/alice/status/suspend").token(&owner).send().expect(200);
    refused_within_a_second(&other, &alice);
    // A password change ends the user's other sessions.
    let (bob, _) = srv.create_user(&owner, "bob");
    warm(&other, &bob);
    srv.put("/api/v2/users/bob/password").token(&owner).json(json!({"password": "Yet-An0ther-Passw0rd!"})).send().expect(204);
    refused_within_a_second(&other, &bob);
    // A role granted on one replica is in force on the other.
    let (carol, _) = srv.create_user(&owner, "carol");
    warm(&other, &carol);
    other.get("/api/v2/users/bob").token(&carol).send().expect_error(404);
    srv.put("/api/v2/users/carol/roles").token(&owner).json(json!({"roles": ["user-admin"]})).send().expect(200);
    let start = std::time::Instant::now();
    while other.get("/api/v2/users/bob").token(&carol).send().status != 200 {
        assert!(start.elapsed() < std::time::Duration::from_secs(1), "the role is not in force on the other replica after 1 s");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
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

dual_test!(a_hundred_racing_creates_of_one_name, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let srv: &crate::harness::TestServer = srv;
    let race = |path: &str, body: &(dyn Fn(usize) -> serde_json::Value + Sync)| {
        let statuses = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for i in 0..100 {
                let (owner, statuses) = (owner.clone(), &statuses);
                s.spawn(move || {
                    let r = srv.post(path).token(&owner).json(body(i)).send();
                    statuses.lock().unwrap().push(r.status);
                });
            }
        });
        let statuses = statuses.into_inner().unwrap();
        assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{path}: {statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 99, "{path}: {statuses:?}");
    };
    race(
        "/api/v2/users",
        &|i| json!({"email": format!("hundred{i}@example.com"), "username": "hundred", "login_type": "none", "organization_ids": ["00000000-0000-0000-0000-000000000000"]}),
    );
    race("/api/v2/organizations/default/groups", &|_| json!({"name": "hundred"}));
});
