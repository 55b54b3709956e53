//! CSRF protection of cookie-authenticated API writes.

use serde_json::json;

use crate::dual_test;

dual_test!(cookie_writes_need_the_csrf_token, |srv| {
    let (token, _, _) = srv.setup_owner();
    let cookie = format!("coder_session_token={token}");
    let make = |name: &str| json!({"token_name": name, "lifetime": 3_600_000_000_000i64});
    // The cookie alone cannot write.
    let r = srv.post("/api/v2/users/me/keys/tokens").header("Cookie", &cookie).json(make("a")).send();
    r.expect_error(400);
    assert!(r.json["message"].as_str().unwrap().contains("CSRF token"), "{}", r.body);
    // Reads hand out the token.
    let me = srv.get("/api/v2/users/me").header("Cookie", &cookie).send();
    assert_eq!(me.status, 200);
    let csrf = me.header("x-csrf-token").expect("token header").to_string();
    let set = me.header("set-cookie").expect("csrf cookie");
    assert!(set.starts_with(&format!("csrf_token={csrf}")) && set.contains("HttpOnly"), "{set}");
    let both = format!("{cookie}; csrf_token={csrf}");
    let r = srv.post("/api/v2/users/me/keys/tokens").header("Cookie", &both).header("X-CSRF-TOKEN", &csrf).json(make("b")).send();
    assert_eq!(r.status, 201, "{}", r.body);
    let r = srv
        .post("/api/v2/users/me/keys/tokens")
        .header("Cookie", &both)
        .header("X-CSRF-TOKEN", "0123456789abcdefghijABCDEFGHIJ01")
        .json(make("c"))
        .send();
    r.expect_error(400);
    // Header, bearer and no-cookie requests are not affected.
    let r = srv.post("/api/v2/users/me/keys/tokens").header("Cookie", &cookie).header("Coder-Session-Token", &token).json(make("d")).send();
    assert_eq!(r.status, 201, "{}", r.body);
    let r = srv.post("/api/v2/users/me/keys/tokens").header("Authorization", &format!("Bearer {token}")).json(make("e")).send();
    assert_eq!(r.status, 201, "{}", r.body);
    let r = srv
        .post("/api/v2/users/me/keys/tokens")
        .header("Cookie", &cookie)
        .header("Coder-Session-Token", "other-token")
        .json(make("f"))
        .send();
    r.expect_error(400);
    assert!(r.json["message"].as_str().unwrap().contains("do not match"), "{}", r.body);
});
