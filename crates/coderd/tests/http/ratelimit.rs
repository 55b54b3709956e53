//! Rate limits: per user and endpoint on the API, per IP on logins, with Coder's headers and
//! the owners' bypass.

use serde_json::json;

use crate::dual_test_with;
use crate::harness::OWNER_PASSWORD;

dual_test_with!(api_requests_are_rate_limited, ["--rate-limit-api", "5"], |srv| {
    let (owner, _, _) = srv.setup_owner();
    for i in 0..5 {
        let r = srv.get("/api/v2/users/me").token(&owner).send();
        assert_eq!(r.status, 200, "request {i}: {}", r.body);
        assert_eq!(r.header("x-ratelimit-limit"), Some("5"));
        assert_eq!(r.header("x-ratelimit-remaining"), Some((4 - i).to_string().as_str()));
        assert!(r.header("x-ratelimit-reset").is_some_and(|v| v.parse::<u64>().is_ok()));
    }
    let r = srv.get("/api/v2/users/me").token(&owner).send();
    r.expect_error(429);
    assert_eq!(r.json["message"], "You've been rate limited for sending more than 5 requests in 1m0s.");
    assert!(r.header("retry-after").is_some_and(|v| v.parse::<u64>().is_ok_and(|s| (1..=60).contains(&s))));
    // Another endpoint has its own count; owners may bypass.
    assert_eq!(srv.get("/api/v2/users/me/organizations").token(&owner).send().status, 200);
    assert_eq!(srv.get("/api/v2/users/me").token(&owner).header("X-Coder-Bypass-Ratelimit", "true").send().status, 200);
    // Members may not.
    let (member, _) = srv.create_user(&owner, "limited");
    let r = srv.get("/api/v2/users/me").token(&member).header("X-Coder-Bypass-Ratelimit", "true").send();
    r.expect_error(428);
    // Anonymous callers are counted by IP.
    for _ in 0..5 {
        assert_eq!(srv.get("/api/v2/buildinfo").send().status, 200);
    }
    srv.get("/api/v2/buildinfo").send().expect_error(429);
    // Outside the API nothing is limited.
    for _ in 0..6 {
        assert_eq!(srv.get("/healthz").send().status, 200);
    }
});

dual_test_with!(logins_are_rate_limited_per_ip, ["--rate-limit-api", "-1"], |srv| {
    srv.setup_owner(); // one login
    let mut last = 0;
    for _ in 0..59 {
        last = srv.post("/api/v2/users/login").json(json!({"email": "owner@example.com", "password": "wrong"})).send().status;
    }
    assert_eq!(last, 401, "the first 60 attempts are answered");
    let r = srv.post("/api/v2/users/login").json(json!({"email": "owner@example.com", "password": OWNER_PASSWORD})).send();
    r.expect_error(429);
    assert!(r.header("retry-after").is_some());
});
