//! The OAuth2 protocol endpoints over HTTP: the authorization, token, revocation and registration
//! endpoints with every RFC error code they can answer, the metadata documents, the Bearer
//! challenge, the experiment gate and the sign-in page.

use base64::Engine;
use serde_json::{json, Value};
use sha2::Digest;

use crate::harness::{Db, Resp, TestServer, USER_PASSWORD};

const VERIFIER: &str = "a-verifier-of-at-least-43-characters-0123456789";
const CALLBACK: &str = "https://client.example.com/cb";

fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn query_of(location: &str) -> Vec<(String, String)> {
    url::Url::parse(location).unwrap().query_pairs().into_owned().collect()
}

fn param(location: &str, name: &str) -> Option<String> {
    query_of(location).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

#[track_caller]
fn oauth_err(r: &Resp, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.json["error"], code, "{}", r.body);
    assert!(r.json["error_description"].as_str().is_some_and(|d| !d.is_empty()), "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("no-store"));
}

struct Fixture {
    srv: TestServer,
    owner: String,
    member: String,
    app: String,
    secret: String,
    other_app: String,
    other_secret: String,
}

fn fixture(db: Db) -> Option<Fixture> {
    let srv = TestServer::start_with(db, &["--experiments", "oauth2"])?;
    let (owner, _, _) = srv.setup_owner();
    let (member, _) = srv.create_user(&owner, "member");
    let make = |name: &str| {
        let r = srv.post("/api/v2/oauth2-provider/apps").token(&owner).json(json!({"name": name, "callback_url": CALLBACK})).send();
        r.expect(201);
        let id = r.json["id"].as_str().unwrap().to_string();
        let s = srv.post(&format!("/api/v2/oauth2-provider/apps/{id}/secrets")).token(&owner).send();
        (id, s.json["client_secret_full"].as_str().unwrap().to_string())
    };
    let (app, secret) = make("client");
    let (other_app, other_secret) = make("other");
    Some(Fixture { srv, owner, member, app, secret, other_app, other_secret })
}

impl Fixture {
    fn authorize_query(&self, app: &str, extra: &str) -> String {
        format!("client_id={app}&response_type=code&state=st&code_challenge={}{extra}", challenge(VERIFIER))
    }

    /// The member's decision, posted with the session header; the redirect's Location.
    fn approve(&self, app: &str, extra: &str) -> String {
        let r = self.srv.post(&format!("/oauth2/authorize?{}", self.authorize_query(app, extra))).token(&self.member).no_redirects().send();
        assert_eq!(r.status, 302, "{}", r.body);
        r.header("location").unwrap().to_string()
    }

    fn code(&self, app: &str, extra: &str) -> String {
        param(&self.approve(app, extra), "code").expect("a code")
    }

    fn token(&self, pairs: &[(&str, &str)]) -> Resp {
        self.srv.post("/oauth2/tokens").form(pairs).send()
    }

    fn exchange(&self, code: &str) -> Resp {
        self.token(&[
            ("grant_type", "authorization_code"),
            ("client_id", &self.app),
            ("client_secret", &self.secret),
            ("code", code),
            ("code_verifier", VERIFIER),
        ])
    }

    fn me(&self, access: &str) -> u16 {
        self.srv.get("/api/v2/users/me").header("Authorization", &format!("Bearer {access}")).send().status
    }
}

fn authorization_endpoint(f: &Fixture) {
    let srv = &f.srv;
    // Signed out: to the sign-in page, which comes back here.
    let q = f.authorize_query(&f.app, "");
    let r = srv.get(&format!("/oauth2/authorize?{q}")).no_redirects().send();
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location").unwrap(), format!("/login?redirect={}", enc(&format!("/oauth2/authorize?{q}"))));
    // Signed in: the consent page, not frameable, with a CSRF cookie.
    let r = srv.get(&format!("/oauth2/authorize?{q}")).token(&f.member).send();
    r.expect(200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.body.contains("Authorize client") && r.body.contains("coder:all") && r.body.contains("csrf_token"), "{}", r.body);
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert!(r.header("content-security-policy").unwrap().contains("frame-ancestors 'none'"));
    assert!(r.header("set-cookie").unwrap().starts_with("coder_csrf="));

    // The client or redirect URI in doubt: an HTML page, never a redirect.
    for bad in [
        format!("client_id={}&response_type=code", uuid::Uuid::new_v4()),
        "client_id=nope&response_type=code".to_string(),
        "response_type=code".to_string(),
        format!("client_id={}&response_type=code&redirect_uri={}", f.app, enc("https://evil.example.com/cb")),
        format!("client_id={}&response_type=code&redirect_uri={}", f.app, enc(&format!("{CALLBACK}/nested"))),
        format!("client_id={0}&client_id={0}&response_type=code", f.app),
    ] {
        let r = srv.get(&format!("/oauth2/authorize?{bad}")).token(&f.member).no_redirects().send();
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        assert!(r.header("content-type").unwrap().starts_with("text/html"));
        assert!(r.header("location").is_none());
    }

    // Later errors go back to the client with the state (RFC 6749 §4.1.2.1).
    let ch = challenge(VERIFIER);
    for (query, code) in [
        (format!("client_id={}&state=st&code_challenge={ch}", f.app), "invalid_request"),
        (format!("client_id={}&response_type=token&state=st&code_challenge={ch}", f.app), "unsupported_response_type"),
        (format!("client_id={}&response_type=code&state=st", f.app), "invalid_request"),
        (format!("client_id={}&response_type=code&state=st&code_challenge={ch}&code_challenge_method=plain", f.app), "invalid_request"),
        (format!("client_id={}&response_type=code&state=st&code_challenge=short", f.app), "invalid_request"),
        (format!("client_id={}&response_type=code&state=st&code_challenge={ch}&scope=nope", f.app), "invalid_scope"),
        (
            format!("client_id={}&response_type=code&state=st&code_challenge={ch}&resource={}", f.app, enc("https://other.example.com")),
            "invalid_target",
        ),
        (format!("client_id={}&response_type=code&state=st&state=again&code_challenge={ch}", f.app), "invalid_request"),
    ] {
        let r = srv.post(&format!("/oauth2/authorize?{query}")).token(&f.member).no_redirects().send();
        assert_eq!(r.status, 302, "{query}: {}", r.body);
        let loc = r.header("location").unwrap();
        assert!(loc.starts_with(CALLBACK), "{loc}");
        assert_eq!(param(loc, "error").as_deref(), Some(code), "{query}: {loc}");
        assert_eq!(param(loc, "state").as_deref(), Some("st"), "{loc}");
        assert_eq!(param(loc, "iss").as_deref(), Some(srv.url("").trim_end_matches('/')));
    }
    // Denied by the user.
    let r = srv.post(&format!("/oauth2/authorize?{q}")).token(&f.member).form(&[("decision", "deny")]).no_redirects().send();
    assert_eq!(param(r.header("location").unwrap(), "error").as_deref(), Some("access_denied"));
    // Unknown parameters are ignored (RFC 6749 §3.1); the resource may name this deployment.
    let loc = f.approve(&f.app, &format!("&nonce=1&prompt=consent&resource={}", enc(&srv.url("/"))));
    assert!(param(&loc, "code").unwrap().starts_with("coder_"));
    // A browser session must carry the page's CSRF token.
    let cookie = format!("coder_session_token={}", f.member);
    let r = srv.post(&format!("/oauth2/authorize?{q}")).header("Cookie", &cookie).form(&[("decision", "allow")]).no_redirects().send();
    assert_eq!(r.status, 403, "{}", r.body);
    let r = srv
        .post(&format!("/oauth2/authorize?{q}"))
        .header("Cookie", &format!("{cookie}; coder_csrf=abcdefghijklmnopqrstuvwxyz012345"))
        .form(&[("decision", "allow"), ("csrf_token", "abcdefghijklmnopqrstuvwxyz012345")])
        .no_redirects()
        .send();
    assert_eq!(r.status, 302, "{}", r.body);
}

fn token_endpoint(f: &Fixture) {
    let srv = &f.srv;
    let basic = |id: &str, secret: &str| format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}")));

    // The happy path, then a replay, which revokes what the code issued.
    let code = f.code(&f.app, "");
    let r = f.exchange(&code);
    r.expect(200);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(r.header("pragma"), Some("no-cache"));
    assert_eq!((r.json["token_type"].as_str(), r.json["scope"].as_str()), (Some("Bearer"), Some("coder:all")));
    let access = r.json["access_token"].as_str().unwrap().to_string();
    assert_eq!(f.me(&access), 200);
    // An access token cannot approve a request for itself (that would widen its scope).
    let r = srv
        .post(&format!("/oauth2/authorize?{}", f.authorize_query(&f.app, "")))
        .header("Authorization", &format!("Bearer {access}"))
        .no_redirects()
        .send();
    r.expect_error(403);
    oauth_err(&f.exchange(&code), 400, "invalid_grant");
    assert_eq!(f.me(&access), 401, "a replayed code revokes its tokens");

    let code = f.code(&f.app, "");
    fn with<'a>(code: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        let mut p = vec![("grant_type", "authorization_code"), ("code", code), ("code_verifier", VERIFIER)];
        p.extend_from_slice(extra);
        p
    }
    // Client authentication.
    oauth_err(&f.token(&with(&code, &[])), 401, "invalid_client");
    let r = f.token(&with(&code, &[("client_id", &f.app), ("client_secret", "coder_wrongwrong_0123456789012345678901234567890123456789")]));
    oauth_err(&r, 401, "invalid_client");
    assert_eq!(r.header("www-authenticate"), Some("Basic realm=\"coder\""));
    oauth_err(&f.token(&with(&code, &[("client_id", &f.app)])), 401, "invalid_client");
    oauth_err(&f.token(&with(&code, &[("client_id", &f.app), ("client_secret", &f.other_secret)])), 401, "invalid_client");
    let r = srv
        .post("/oauth2/tokens")
        .header("Authorization", &basic(&f.app, &f.secret))
        .form(&with(&code, &[("client_secret", &f.secret)]))
        .send();
    oauth_err(&r, 400, "invalid_request");
    let r = srv.post("/oauth2/tokens").header("Authorization", "Basic !!!").form(&with(&code, &[])).send();
    oauth_err(&r, 401, "invalid_client");
    // Malformed requests.
    let auth = [("client_id", f.app.as_str()), ("client_secret", f.secret.as_str())];
    oauth_err(&f.token(&auth), 400, "invalid_request");
    oauth_err(&f.token(&[&auth[..], &[("grant_type", "password")]].concat()), 400, "unsupported_grant_type");
    oauth_err(&f.token(&[&auth[..], &[("grant_type", "authorization_code")]].concat()), 400, "invalid_request");
    oauth_err(&f.token(&[&auth[..], &[("grant_type", "authorization_code"), ("code", &code)]].concat()), 400, "invalid_request");
    oauth_err(&f.token(&with(&code, &[("client_id", &f.app), ("client_secret", &f.secret), ("code", "again")])), 400, "invalid_request");
    let r = srv.post("/oauth2/tokens").json(json!({"grant_type": "authorization_code"})).send();
    oauth_err(&r, 400, "invalid_request");
    // The code, its verifier, its redirect URI and its resource must all match.
    let bad_verifier = "b-verifier-of-at-least-43-characters-0123456789";
    let r = f.token(&[("grant_type", "authorization_code"), ("code", &code), ("code_verifier", bad_verifier), auth[0], auth[1]]);
    oauth_err(&r, 400, "invalid_grant");
    oauth_err(&f.token(&with(&code, &[auth[0], auth[1], ("redirect_uri", "https://client.example.com/other")])), 400, "invalid_grant");
    oauth_err(&f.token(&with(&code, &[auth[0], auth[1], ("resource", "https://other.example.com")])), 400, "invalid_target");
    oauth_err(&f.token(&with(&code, &[("client_id", &f.other_app), ("client_secret", &f.other_secret)])), 400, "invalid_grant");
    let r = f.token(&[
        ("grant_type", "authorization_code"),
        ("code", "coder_nothing00_0123456789012345678901234567890123456789"),
        ("code_verifier", VERIFIER),
        auth[0],
        auth[1],
    ]);
    oauth_err(&r, 400, "invalid_grant");
    // Failed attempts leave the code usable; Basic authentication works (form-encoded).
    let r = srv.post("/oauth2/tokens").header("Authorization", &basic(&f.app, &f.secret)).form(&with(&code, &[])).send();
    r.expect(200);
    let refresh = r.json["refresh_token"].as_str().unwrap().to_string();
    // A redirect URI named in the request must be repeated.
    let code = f.code(&f.app, &format!("&redirect_uri={}", enc(CALLBACK)));
    oauth_err(&f.exchange(&code), 400, "invalid_grant");

    // Refresh: narrower scope fine, wider not; another client's refresh token is invalid.
    let rt = |extra: &[(&str, &str)]| {
        let mut p = vec![("grant_type", "refresh_token"), ("refresh_token", refresh.as_str()), auth[0], auth[1]];
        p.extend_from_slice(extra);
        f.token(&p)
    };
    oauth_err(&rt(&[("scope", "coder:all user:read")]), 400, "invalid_scope");
    oauth_err(&rt(&[("resource", "https://other.example.com")]), 400, "invalid_target");
    let r = f.token(&[
        ("grant_type", "refresh_token"),
        ("refresh_token", &refresh),
        ("client_id", &f.other_app),
        ("client_secret", &f.other_secret),
    ]);
    oauth_err(&r, 400, "invalid_grant");
    oauth_err(&f.token(&[("grant_type", "refresh_token"), auth[0], auth[1]]), 400, "invalid_request");
    let r = rt(&[]);
    r.expect(200);
    assert_eq!(r.json["scope"], "coder:all");

    // A client registered without the refresh grant may not use it.
    let reg = srv
        .post("/oauth2/register")
        .json(
            json!({"redirect_uris": [CALLBACK], "grant_types": ["authorization_code"], "token_endpoint_auth_method": "client_secret_post"}),
        )
        .send();
    reg.expect(201);
    let (id, secret) = (reg.json["client_id"].as_str().unwrap(), reg.json["client_secret"].as_str().unwrap());
    let r = f.token(&[("grant_type", "refresh_token"), ("refresh_token", &refresh), ("client_id", id), ("client_secret", secret)]);
    oauth_err(&r, 400, "unauthorized_client");

    // A public client: PKCE alone; a secret is refused.
    let reg =
        srv.post("/oauth2/register").json(json!({"redirect_uris": ["http://127.0.0.1:9/cb"], "token_endpoint_auth_method": "none"})).send();
    let public = reg.json["client_id"].as_str().unwrap().to_string();
    let code = f.code(&public, "");
    let pairs =
        [("grant_type", "authorization_code"), ("code", code.as_str()), ("code_verifier", VERIFIER), ("client_id", public.as_str())];
    oauth_err(&f.token(&[&pairs[..], &[("client_secret", "coder_x_y")]].concat()), 401, "invalid_client");
    f.token(&pairs).expect(200);
}

fn revocation(f: &Fixture) {
    let code = f.code(&f.app, "");
    let tokens = f.exchange(&code).json.clone();
    let access = tokens["access_token"].as_str().unwrap();
    let auth = [("client_id", f.app.as_str()), ("client_secret", f.secret.as_str())];
    let revoke = |pairs: &[(&str, &str)]| f.srv.post("/oauth2/revoke").form(pairs).send();
    oauth_err(&revoke(&auth), 400, "invalid_request");
    revoke(&[auth[0], auth[1], ("token", "garbage"), ("token_type_hint", "id_token")]).expect(200);
    oauth_err(&revoke(&[("token", access)]), 401, "invalid_client");
    oauth_err(&revoke(&[("token", access), ("client_id", &f.app), ("client_secret", &f.other_secret)]), 401, "invalid_client");
    // Another client's token, unknown and malformed tokens: 200, nothing happens.
    revoke(&[("token", access), ("client_id", &f.other_app), ("client_secret", &f.other_secret)]).expect(200);
    assert_eq!(f.me(access), 200);
    for t in ["garbage", "coder_unknown0_0123456789012345678901234567890123456789", "AbCdEfGhIj-0123456789012345678901"] {
        revoke(&[auth[0], auth[1], ("token", t)]).expect(200);
    }
    // A session token is not the client's to revoke.
    revoke(&[auth[0], auth[1], ("token", &f.member)]).expect(200);
    assert_eq!(f.srv.get("/api/v2/users/me").token(&f.member).send().status, 200);
    revoke(&[auth[0], auth[1], ("token", access)]).expect(200);
    assert_eq!(f.me(access), 401);

    // The user withdraws an app.
    let tokens = f.exchange(&f.code(&f.app, "")).json.clone();
    let delete = |q: &str, tok: &str| f.srv.delete(&format!("/oauth2/tokens{q}")).token(tok).send();
    delete("", &f.member).expect_error(400);
    delete("?client_id=nope", &f.member).expect_error(400);
    delete(&format!("?client_id={}", uuid::Uuid::new_v4()), &f.member).expect_error(404);
    f.srv.delete(&format!("/oauth2/tokens?client_id={}", f.app)).send().expect_error(401);
    delete(&format!("?client_id={}", f.app), &f.owner).expect(204);
    assert_eq!(f.me(tokens["access_token"].as_str().unwrap()), 200, "the owner revoked only their own grants");
    delete(&format!("?client_id={}", f.app), &f.member).expect(204);
    assert_eq!(f.me(tokens["access_token"].as_str().unwrap()), 401);
}

fn registration(f: &Fixture) {
    let srv = &f.srv;
    let reg = |body: Value| srv.post("/oauth2/register").json(body).send();
    for (body, code) in [
        (json!({}), "invalid_redirect_uri"),
        (json!({"redirect_uris": []}), "invalid_redirect_uri"),
        (json!({"redirect_uris": ["http://client.example.com/cb"]}), "invalid_redirect_uri"),
        (json!({"redirect_uris": ["https://client.example.com/cb#frag"]}), "invalid_redirect_uri"),
        (json!({"redirect_uris": ["javascript:alert(1)"], "token_endpoint_auth_method": "none"}), "invalid_redirect_uri"),
        (json!({"redirect_uris": ["com.example.app:/cb"]}), "invalid_redirect_uri"),
        (json!({"redirect_uris": [CALLBACK], "token_endpoint_auth_method": "private_key_jwt"}), "invalid_client_metadata"),
        (json!({"redirect_uris": [CALLBACK], "grant_types": ["client_credentials"]}), "invalid_client_metadata"),
        (json!({"redirect_uris": [CALLBACK], "grant_types": ["refresh_token"]}), "invalid_client_metadata"),
        (json!({"redirect_uris": [CALLBACK], "response_types": ["token"]}), "invalid_client_metadata"),
        (
            json!({"redirect_uris": [CALLBACK], "jwks": {"keys": []}, "jwks_uri": "https://client.example.com/jwks"}),
            "invalid_client_metadata",
        ),
        (json!({"redirect_uris": [CALLBACK], "jwks": [1]}), "invalid_client_metadata"),
        (json!({"redirect_uris": [CALLBACK], "client_uri": "not a uri"}), "invalid_client_metadata"),
        (json!({"redirect_uris": [CALLBACK], "scope": "user:read nope"}), "invalid_client_metadata"),
        (json!({"redirect_uris": "https://client.example.com/cb"}), "invalid_client_metadata"),
        (json!([CALLBACK]), "invalid_client_metadata"),
    ] {
        oauth_err(&reg(body.clone()), 400, code);
    }
    oauth_err(&srv.post("/oauth2/register").raw("{nope").header("Content-Type", "application/json").send(), 400, "invalid_client_metadata");

    let r = reg(json!({"redirect_uris": [CALLBACK, "https://client.example.com/second"], "client_name": "dcr", "scope": "user:read",
                       "contacts": ["ops@example.com"], "jwks": {"keys": []}, "software_id": "sw", "software_statement": "ignored"}));
    r.expect(201);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let c = r.json.clone();
    assert_eq!(c["token_endpoint_auth_method"], "client_secret_basic");
    assert_eq!(c["client_secret_expires_at"], 0);
    assert_eq!(c["jwks"], json!({"keys": []}));
    assert_eq!(c["registration_client_uri"], srv.url(&format!("/oauth2/clients/{}", c["client_id"].as_str().unwrap())).as_str());
    let id = c["client_id"].as_str().unwrap();
    let rat = c["registration_access_token"].as_str().unwrap();
    // Every registered redirect URI is usable; the registered scope bounds requests.
    let second = f.approve(id, &format!("&redirect_uri={}&scope=user:read", enc("https://client.example.com/second")));
    assert!(second.starts_with("https://client.example.com/second?code="), "{second}");
    let r = srv.post(&format!("/oauth2/authorize?{}&scope=coder:all", f.authorize_query(id, ""))).token(&f.member).no_redirects().send();
    assert_eq!(r.status, 400, "several redirect URIs: the request must name one");
    let wide = f.approve(id, &format!("&redirect_uri={}&scope=coder:all", enc(CALLBACK)));
    assert_eq!(param(&wide, "error").as_deref(), Some("invalid_scope"));

    // RFC 7592.
    let client = format!("/oauth2/clients/{id}");
    let bearer = format!("Bearer {rat}");
    let r = srv.get(&client).send();
    oauth_err(&r, 401, "invalid_token");
    assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
    oauth_err(&srv.get(&client).header("Authorization", "Bearer wrong").send(), 401, "invalid_token");
    oauth_err(&srv.get(&format!("/oauth2/clients/{}", f.app)).header("Authorization", &bearer).send(), 401, "invalid_token");
    oauth_err(&srv.get("/oauth2/clients/nope").header("Authorization", &bearer).send(), 401, "invalid_token");
    let r = srv.get(&client).header("Authorization", &bearer).send();
    r.expect(200);
    assert_eq!((r.json["client_name"].as_str(), r.json["registration_access_token"].as_str()), (Some("dcr"), Some(rat)));
    assert!(r.json.get("client_secret").is_none());
    let put = |body: Value| srv.put(&client).header("Authorization", &bearer).json(body).send();
    oauth_err(&put(json!({"client_id": f.app, "redirect_uris": [CALLBACK]})), 400, "invalid_client_metadata");
    oauth_err(
        &put(json!({"redirect_uris": ["http://127.0.0.1:9/cb"], "token_endpoint_auth_method": "none"})),
        400,
        "invalid_client_metadata",
    );
    oauth_err(&put(json!({"redirect_uris": ["http://client.example.com/cb"]})), 400, "invalid_redirect_uri");
    oauth_err(
        &srv.put(&client).header("Authorization", "Bearer wrong").json(json!({"redirect_uris": [CALLBACK]})).send(),
        401,
        "invalid_token",
    );
    let r = put(json!({"client_id": id, "redirect_uris": ["https://client.example.com/third"], "client_name": "renamed"}));
    r.expect(200);
    assert_eq!(
        (r.json["client_name"].as_str(), r.json["redirect_uris"].clone()),
        (Some("renamed"), json!(["https://client.example.com/third"]))
    );
    assert_eq!(r.json.get("scope"), None, "a full replacement clears what the body left out");
    // Admin reads see the change; the old redirect URI is gone.
    let app = srv.get(&format!("/api/v2/oauth2-provider/apps/{id}")).token(&f.owner).send();
    assert_eq!(app.json["callback_url"], "https://client.example.com/third");
    oauth_err(&srv.delete(&client).send(), 401, "invalid_token");
    srv.delete(&client).header("Authorization", &bearer).send().expect(204);
    oauth_err(&srv.get(&client).header("Authorization", &bearer).send(), 401, "invalid_token");
}

fn metadata_and_challenge(f: &Fixture) {
    let srv = &f.srv;
    let base = srv.url("").trim_end_matches('/').to_string();
    let m = srv.get("/.well-known/oauth-authorization-server").send();
    m.expect(200);
    assert_eq!(m.json["issuer"], base.as_str());
    assert_eq!(m.json["token_endpoint"], format!("{base}/oauth2/tokens"));
    assert_eq!(m.json["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(m.json["grant_types_supported"], json!(["authorization_code", "refresh_token"]));
    assert_eq!(m.json["token_endpoint_auth_methods_supported"], json!(["client_secret_basic", "client_secret_post", "none"]));
    assert_eq!(m.json["authorization_response_iss_parameter_supported"], true);
    let scopes = m.json["scopes_supported"].as_array().unwrap();
    assert!(scopes.contains(&json!("user:read")) && !scopes.contains(&json!("all")));
    let r = srv.get("/.well-known/oauth-protected-resource").send();
    assert_eq!(r.json["resource"], base.as_str());
    assert_eq!(r.json["scopes_supported"], m.json["scopes_supported"]);
    let r = srv.get("/api/v2/users/me").send();
    r.expect_error(401);
    let challenge = r.header("www-authenticate").unwrap();
    assert!(challenge.starts_with("Bearer realm=\"coder\""), "{challenge}");
    assert!(challenge.ends_with(&format!("resource_metadata=\"{base}/.well-known/oauth-protected-resource\"")), "{challenge}");
    // Access tokens are API keys of their own login type, which no user can be made with.
    let r = srv.post("/api/v2/users").token(&f.owner).json(json!({"email": "x@example.com", "username": "x", "login_type": "oauth2_provider_app", "organization_ids": ["00000000-0000-0000-0000-000000000000"]})).send();
    r.expect_error(400);
}

fn sign_in_page(f: &Fixture) {
    let srv = &f.srv;
    let r = srv.get("/login?redirect=%2Foauth2%2Fauthorize%3Fx%3D1").send();
    r.expect(200);
    assert!(r.body.contains("login-form") && r.body.contains("value=\"/oauth2/authorize?x=1\""), "{}", r.body);
    let csrf = r.header("set-cookie").unwrap().split(';').next().unwrap().trim_start_matches("coder_csrf=").to_string();
    let post = |pairs: &[(&str, &str)], cookie: &str| srv.post("/login").header("Cookie", cookie).form(pairs).no_redirects().send();
    let cookie = format!("coder_csrf={csrf}");
    let creds = [("email", "member@example.com"), ("password", USER_PASSWORD)];
    assert_eq!(post(&creds, "").status, 403, "no CSRF token");
    assert_eq!(post(&[creds[0], creds[1], ("csrf_token", "wrongwrongwrongwrongwrongwrong00")], &cookie).status, 403);
    let r = post(&[creds[0], ("password", "wrong"), ("csrf_token", &csrf)], &cookie);
    assert_eq!(r.status, 401);
    assert!(r.body.contains("Incorrect email or password."), "{}", r.body);
    // Only local redirects are followed.
    let r = post(&[creds[0], creds[1], ("csrf_token", &csrf), ("redirect", "//evil.example.com/x")], &cookie);
    assert_eq!(r.status, 200);
    assert!(r.header("location").is_none());
    let r = post(&[creds[0], creds[1], ("csrf_token", &csrf), ("redirect", "/oauth2/authorize?x=1")], &cookie);
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/oauth2/authorize?x=1"));
    let session = r.headers.iter().find(|(k, v)| k == "set-cookie" && v.starts_with("coder_session_token=")).unwrap().1.clone();
    let token = session.split(';').next().unwrap().trim_start_matches("coder_session_token=");
    assert_eq!(srv.get("/api/v2/users/me").token(token).send().json["username"], "member");
}

fn experiment_off(db: Db) {
    let Some(srv) = TestServer::start(db) else { return };
    let (owner, _, _) = srv.setup_owner();
    for (method, path) in [
        ("GET", "/.well-known/oauth-authorization-server"),
        ("GET", "/.well-known/oauth-protected-resource"),
        ("GET", "/oauth2/authorize?client_id=x"),
        ("POST", "/oauth2/tokens"),
        ("POST", "/oauth2/revoke"),
        ("POST", "/oauth2/register"),
        ("GET", "/oauth2/clients/x"),
        ("DELETE", "/oauth2/tokens?client_id=x"),
    ] {
        let r = srv.req(method, path).token(&owner).send();
        r.expect_error(403);
        assert_eq!(r.json["message"], "OAuth2 Provider Functionality functionality requires enabling the 'oauth2' experiment.", "{path}");
    }
    let r = srv.get("/api/v2/users/me").send();
    assert!(!r.header("www-authenticate").unwrap().contains("resource_metadata"));
}

/// A password change ends every OAuth2 grant of the user: the refresh token no longer works
/// (the attack: refreshing after the password was changed to lock an intruder out).
fn refresh_ends_with_password_change(f: &Fixture) {
    let srv = &f.srv;
    let auth = [("client_id", f.app.as_str()), ("client_secret", f.secret.as_str())];
    let r = f.exchange(&f.code(&f.app, ""));
    r.expect(200);
    let access = r.json["access_token"].as_str().unwrap().to_string();
    let refresh = r.json["refresh_token"].as_str().unwrap().to_string();
    // One rotation first: the live token is then the second of its chain.
    let r = f.token(&[("grant_type", "refresh_token"), ("refresh_token", refresh.as_str()), auth[0], auth[1]]);
    r.expect(200);
    let refresh = r.json["refresh_token"].as_str().unwrap().to_string();
    assert_eq!(f.me(&access), 401, "the rotated access token is gone");
    let r = srv
        .put("/api/v2/users/me/password")
        .token(&f.member)
        .json(json!({"old_password": crate::harness::USER_PASSWORD, "password": "A-brand-new-Passw0rd!"}))
        .send();
    assert_eq!(r.status, 204, "{}", r.body);
    let r = f.token(&[("grant_type", "refresh_token"), ("refresh_token", refresh.as_str()), auth[0], auth[1]]);
    oauth_err(&r, 400, "invalid_grant");
    // The grant is gone, not only that token: the app no longer lists the member as a user.
    let again = f.token(&[("grant_type", "refresh_token"), ("refresh_token", refresh.as_str()), auth[0], auth[1]]);
    oauth_err(&again, 400, "invalid_grant");
}

fn protocol(db: Db) {
    experiment_off(db);
    let Some(f) = fixture(db) else { return };
    authorization_endpoint(&f);
    token_endpoint(&f);
    revocation(&f);
    registration(&f);
    metadata_and_challenge(&f);
    sign_in_page(&f);
    refresh_ends_with_password_change(&f);
}

#[test]
fn oauth2_protocol_sqlite() {
    protocol(Db::Sqlite);
}

#[test]
fn oauth2_protocol_postgres() {
    protocol(Db::Postgres);
}
