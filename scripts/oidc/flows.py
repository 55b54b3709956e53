"""Drives OIDC login against a running server and a real OpenID provider (scripts/oidc/provider.mjs),
as a browser would but without one: the redirect to the provider, its login and consent forms,
the callback, the session cookie, then the API.

Usage: flows.py BASE_URL OWNER_TOKEN CLAIMS_FILE MODE

MODE "main": the server allows signups from example.com only, with premium sync features on.
MODE "nosignups": the server has CODER_OIDC_ALLOW_SIGNUPS=false.
Every step asserts; the last line printed is "oidc flows: ok". Run by the HTTP test
externallogin::oidc_login_*.
"""

import json
import re
import sys
from urllib.parse import parse_qs, urlencode, urlparse

import httpx

BASE, OWNER, CLAIMS_FILE, MODE = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], sys.argv[4]
api = httpx.Client(base_url=BASE, headers={"Coder-Session-Token": OWNER}, timeout=60)


def check(cond, what):
    if not cond:
        raise SystemExit(f"FAILED: {what}")
    print(f"ok: {what}")


def set_claims(account, claims):
    with open(CLAIMS_FILE) as f:
        all_claims = json.load(f)
    all_claims[account] = claims
    with open(CLAIMS_FILE, "w") as f:
        json.dump(all_claims, f)


def form_action(html):
    m = re.search(r'<form[^>]*action="([^"]+)"', html)
    return m.group(1).replace("&amp;", "&") if m else None


def login(account, redirect="/api/v2/users/me", tamper=None):
    """The whole flow in a fresh browser; returns (final response, client)."""
    b = httpx.Client(follow_redirects=False, timeout=60)
    r = b.get(f"{BASE}/api/v2/users/oidc/callback", params={"redirect": redirect})
    assert r.status_code == 307, (r.status_code, r.text)
    to_provider = r.headers["location"]
    q = parse_qs(urlparse(to_provider).query)
    assert q.get("nonce") and q.get("state") and "openid" in q["scope"][0].split(), to_provider
    # The provider: authorize → login form → authorize → consent form → authorize → back to us.
    url = to_provider
    for _ in range(12):
        r = b.get(url)
        if r.status_code in (302, 303, 307):
            nxt = r.headers["location"]
            url = nxt if nxt.startswith("http") else f"{urlparse(url).scheme}://{urlparse(url).netloc}{nxt}"
            if url.startswith(BASE):
                break
            continue
        action = form_action(r.text)
        assert action, r.text[:500]
        origin = f"{urlparse(url).scheme}://{urlparse(url).netloc}"
        data = {"prompt": "login", "login": account, "password": "any"} if 'name="login"' in r.text else {"prompt": "consent"}
        r = b.post(origin + action if action.startswith("/") else action, data=data)
        assert r.status_code in (302, 303), (r.status_code, r.text[:300])
        nxt = r.headers["location"]
        url = nxt if nxt.startswith("http") else origin + nxt
    assert url.startswith(BASE), url
    if tamper == "state":
        url = url.replace("state=", "state=x")
    if tamper == "nonce":
        b.cookies.set("oauth_nonce", "a-nonce-the-provider-never-saw", domain=urlparse(BASE).hostname)
    return b.get(url), b


def me(b):
    token = b.cookies.get("coder_session_token")
    return httpx.get(f"{BASE}/api/v2/users/me", headers={"Coder-Session-Token": token or ""}, timeout=60)


def org_roles(org, user):
    members = api.get(f"/api/v2/organizations/{org}/members").json()
    member = next(m for m in members if m["user_id"] == user)
    return [r["name"] for r in member["roles"]]


def main_mode():
    org = api.get("/api/v2/organizations").json()[0]["id"]
    eng = api.post(f"/api/v2/organizations/{org}/groups", json={"name": "eng"}).json()["id"]
    # Group sync by mapping and by name (auto-create), role sync, and organization sync.
    r = api.patch(f"/api/v2/organizations/{org}/settings/idpsync/groups",
                  json={"field": "groups", "mapping": {"engineering": [eng]}, "regex_filter": None, "auto_create_missing_groups": True})
    check(r.status_code == 200, "group sync configured")
    r = api.patch(f"/api/v2/organizations/{org}/settings/idpsync/roles", json={"field": "roles", "mapping": {"leads": ["organization-admin"]}})
    check(r.status_code == 200, "role sync configured")
    second = api.post("/api/v2/organizations", json={"name": "second"}).json()["id"]
    r = api.patch("/api/v2/settings/idpsync/organization", json={"field": "orgs", "mapping": {"both": [second]}, "organization_assign_default": True})
    check(r.status_code == 200, "organization sync configured")

    set_claims("alice", {"email": "alice@example.com", "email_verified": True, "name": "Alice A", "preferred_username": "alice",
                         "picture": "https://example.com/alice.png", "groups": ["engineering", "ops"], "roles": ["leads"], "orgs": ["both"],
                         "siteroles": ["admins"]})
    r, b = login("alice")
    check(r.status_code == 307 and r.headers["location"] == "/api/v2/users/me", "the callback redirects to the requested path")
    check(b.cookies.get("coder_session_token"), "the callback sets the session cookie")
    u = me(b).json()
    check(u["username"] == "alice" and u["login_type"] == "oidc" and u["name"] == "Alice A", "the new OIDC user is signed in")
    check(u["avatar_url"] == "https://example.com/alice.png" and u["email"] == "alice@example.com", "profile from the claims")
    alice = u["id"]
    groups = {g["name"] for g in api.get(f"/api/v2/groups?organization={org}&has_member={alice}").json()}
    check({"eng", "ops"} <= groups, f"group sync by mapping and auto-create ({groups})")
    orgs = {o["id"] for o in httpx.get(f"{BASE}/api/v2/users/me/organizations", headers={"Coder-Session-Token": b.cookies.get('coder_session_token')}).json()}
    check(orgs == {org, second}, "organization sync adds the mapped organization")
    check("organization-admin" in org_roles(org, alice), "role sync grants the mapped organization role")
    site = [r["name"] for r in api.get(f"/api/v2/users/{alice}").json()["roles"]]
    check("auditor" in site, f"site role sync grants the mapped site role ({site})")
    r = api.put(f"/api/v2/users/{alice}/roles", json={"roles": ["template-admin"]})
    check(r.status_code == 400 and r.json()["message"] == "Cannot modify roles for OIDC users when role sync is enabled.", "site roles are the IdP's")
    r = api.put(f"/api/v2/organizations/{org}/members/{alice}/roles", json={"roles": []})
    check(r.status_code == 400 and "role sync is enabled" in r.json()["message"], "organization roles are the IdP's")
    claims = httpx.get(f"{BASE}/api/v2/users/oidc-claims", headers={"Coder-Session-Token": b.cookies.get('coder_session_token')}).json()
    check(claims["claims"]["groups"] == ["engineering", "ops"] and claims["claims"]["sub"] == "alice", "oidc-claims returns the merged claims")
    fields = api.get("/api/v2/settings/idpsync/available-fields").json()
    check({"email", "groups", "sub"} <= set(fields), "available-fields lists the stored claim names")
    check(api.get("/api/v2/settings/idpsync/field-values", params={"claimField": "groups"}).json() == ["engineering", "ops"], "field-values")

    # Second login: the claims changed; sync removes as well as adds, and the profile follows.
    set_claims("alice", {"email": "alice@example.com", "email_verified": True, "name": "Alice B", "preferred_username": "alice",
                         "groups": ["ops"], "roles": [], "orgs": [], "siteroles": []})
    r, b = login("alice")
    u = me(b).json()
    check(u["id"] == alice and u["name"] == "Alice B" and u.get("avatar_url", "") == "", "the same account signs in again, profile refreshed")
    groups = {g["name"] for g in api.get(f"/api/v2/groups?organization={org}&has_member={alice}").json()}
    check("eng" not in groups and "ops" in groups, f"group sync removes ({groups})")
    orgs = {o["id"] for o in httpx.get(f"{BASE}/api/v2/users/me/organizations", headers={"Coder-Session-Token": b.cookies.get('coder_session_token')}).json()}
    check(orgs == {org}, "organization sync removes")
    check("organization-admin" not in org_roles(org, alice), "role sync removes")
    check(api.get(f"/api/v2/users/{alice}").json()["roles"] == [], "site role sync removes")
    r = api.post(f"/api/v2/organizations/{second}/members/{alice}")
    check(r.status_code == 400 and r.json()["message"].startswith("Organization sync is enabled for OIDC users"), "organizations are the IdP's")
    token = b.cookies.get("coder_session_token")
    r = httpx.get(f"{BASE}/api/v2/settings/idpsync/available-fields", headers={"Coder-Session-Token": token})
    check(r.status_code == 403 and r.json()["message"] == "You do not have permission to view the available IDP fields", "members may not read claim fields")

    # Refusals.
    set_claims("unverified", {"email": "unverified@example.com", "email_verified": False})
    r, _ = login("unverified")
    check(r.status_code == 403 and "Email not verified" in r.text and r.headers["content-type"].startswith("text/html"), "unverified email: 403 page")
    set_claims("outsider", {"email": "outsider@other.org", "email_verified": True})
    r, _ = login("outsider")
    check(r.status_code == 403 and "Unauthorized email" in r.text, "wrong email domain: 403 page")
    set_claims("bob", {"email": "bob@example.com", "email_verified": True})
    r, _ = login("bob", tamper="state")
    check(r.status_code == 401 and r.json()["message"] == "State mismatched.", "state mismatch: 401")
    r, _ = login("bob", tamper="nonce")
    check(r.status_code == 400 and r.json()["message"] == "Failed to verify OIDC token." and "nonce" in r.json()["detail"].lower(),
          f"wrong nonce: 400 ({r.text[:200]})")
    set_claims("mallory", {"email": "mallory-real@example.com", "email_verified": True, "tamper": True})
    r, _ = login("mallory")
    check(r.status_code == 400 and r.json()["message"] == "Failed to verify OIDC token.", f"tampered ID token: 400 ({r.text[:200]})")
    check(api.get("/api/v2/users", params={"q": "mallory"}).json()["count"] == 0, "no account made from a tampered token")
    # A password account with the same email is not taken over.
    api.post("/api/v2/users", json={"email": "carol@example.com", "username": "carol", "password": "An0ther-Secure-Passw0rd!",
                                    "organization_ids": [org]})
    set_claims("carol", {"email": "carol@example.com", "email_verified": True})
    r, _ = login("carol")
    check(r.status_code == 403 and "Incorrect login type" in r.text, "a password account is not signed into by OIDC")
    # Only local redirects.
    r, b = login("bob", redirect="https://evil.example.com/steal")
    check(r.status_code == 307 and r.headers["location"] == "/steal", "an absolute redirect keeps only its path")
    # The provider reporting an error.
    r = httpx.get(f"{BASE}/api/v2/users/oidc/callback", params={"error": "access_denied", "error_description": "no"})
    check(r.status_code == 400 and r.json()["message"] == "Encountered error in oidc process: access_denied", "provider error: 400")
    r = httpx.get(f"{BASE}/api/v2/users/oidc/callback", params={"code": "x", "state": "y"})
    check(r.status_code == 401 and r.json()["message"] == 'Cookie "oauth_state" must be provided.', "no state cookie: 401")
    # Suspended.
    bob = api.get("/api/v2/users", params={"q": "bob"}).json()["users"][0]["id"]
    check(api.put(f"/api/v2/users/{bob}/status/suspend").status_code == 200, "bob suspended")
    r, _ = login("bob")
    check(r.status_code == 403 and "Account suspended" in r.text, "a suspended user is refused")
    am = httpx.get(f"{BASE}/api/v2/users/authmethods").json()
    check(am["oidc"] == {"enabled": True, "signInText": "OpenID Connect", "iconUrl": ""}, f"authmethods shows OIDC ({am['oidc']})")


def nosignups_mode():
    set_claims("nogroups", {"email": "nogroups@example.com", "email_verified": True})
    r, _ = login("nogroups")
    check(r.status_code == 403 and "Not a member of an allowed group" in r.text, "allowed groups: no groups claim, 403 page")
    set_claims("wronggroup", {"email": "wronggroup@example.com", "email_verified": True, "groups": ["other"]})
    r, _ = login("wronggroup")
    check(r.status_code == 403 and "allow list" in r.text, "allowed groups: not in one, 403 page")
    set_claims("dave", {"email": "dave@example.com", "email_verified": True, "groups": ["allowed"]})
    r, _ = login("dave")
    check(r.status_code == 403 and "Signups are disabled" in r.text, "signups off: 403 page")


{"main": main_mode, "nosignups": nosignups_mode}[MODE]()
print("oidc flows: ok")
