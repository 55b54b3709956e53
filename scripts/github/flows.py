"""Drives GitHub login against a running server and the GitHub stand-in (scripts/github/standin.py).

Usage: flows.py BASE_URL STANDIN_URL MODE   (MODE: "web" or "device")
Every step asserts; the last line printed is "github flows: ok". Run by the HTTP test
externallogin::github_login_*.
"""

import sys
from urllib.parse import parse_qs, urlparse

import httpx

BASE, STANDIN, MODE = sys.argv[1].rstrip("/"), sys.argv[2].rstrip("/"), sys.argv[3]


def check(cond, what):
    if not cond:
        raise SystemExit(f"FAILED: {what}")
    print(f"ok: {what}")


def login(who, redirect="/api/v2/users/me"):
    b = httpx.Client(follow_redirects=False, timeout=60)
    r = b.get(f"{BASE}/api/v2/users/oauth2/github/callback", params={"redirect": redirect})
    assert r.status_code == 307, (r.status_code, r.text)
    to_github = r.headers["location"]
    q = parse_qs(urlparse(to_github).query)
    assert to_github.startswith(STANDIN) and q["code_challenge_method"] == ["S256"], to_github
    r = b.get(to_github + f"&login_as={who}")
    assert r.status_code == 302, r.text
    return b.get(r.headers["location"]), b


def me(b):
    return httpx.get(f"{BASE}/api/v2/users/me", headers={"Coder-Session-Token": b.cookies.get("coder_session_token") or ""}, timeout=60)


def web():
    r, b = login("octo")
    check(r.status_code == 307 and r.headers["location"] == "/api/v2/users/me", "the callback redirects to the requested path")
    u = me(b).json()
    check(u["username"] == "octo" and u["login_type"] == "github" and u["name"] == "Octo Cat", "a new GitHub user is signed in")
    check(u["avatar_url"] == "https://avatars.example.com/octo" and u["email"] == "octo@example.com", "profile from GitHub")
    r, b = login("octo")
    check(me(b).json()["id"] == u["id"], "the same account signs in again")
    r, b = login("snake_case")
    u = me(b).json()
    check(u["username"] == "snake-case" and u["email"] == "snake@example.com", "username from the login, email the primary verified one")
    r, _ = login("outsider")
    check(r.status_code == 401 and "authorized Github organizations" in r.text, "not in an allowed organization: 401")
    r, _ = login("noteam")
    check(r.status_code == 401 and "authorized team" in r.text, "not in an allowed team: 401")
    r, _ = login("unverified")
    check(r.status_code == 400 and r.json()["message"] == "Your primary email must be verified on GitHub!", "unverified email: 400")
    r = httpx.get(f"{BASE}/api/v2/users/oauth2/github/device")
    check(r.status_code == 400 and r.json()["message"] == "Device flow is not enabled for Github OAuth2.", "device flow off: 400")
    am = httpx.get(f"{BASE}/api/v2/users/authmethods").json()
    check(am["github"]["enabled"] is True, "authmethods shows GitHub")


def device():
    d = httpx.get(f"{BASE}/api/v2/users/oauth2/github/device").json()
    check(d["user_code"] == "WDJB-MJHT" and d["device_code"], "a device flow starts")
    b = httpx.Client(follow_redirects=False, timeout=60)
    r = b.get(f"{BASE}/api/v2/users/oauth2/github/callback", params={"redirect": "/workspaces"})
    check(r.status_code == 307 and r.headers["location"].startswith("/login/device?state="), "the start sends the browser to the device page")
    state = parse_qs(urlparse(r.headers["location"]).query)["state"][0]
    r = b.get(f"{BASE}/api/v2/users/oauth2/github/callback", params={"code": d["device_code"], "state": state})
    check(r.status_code == 400 and r.json()["detail"] == "authorization_pending", "polling before approval: authorization_pending")
    httpx.post(f"{STANDIN}/_approve", params={"device_code": d["device_code"], "login": "octo"})
    r = b.get(f"{BASE}/api/v2/users/oauth2/github/callback", params={"code": d["device_code"], "state": state})
    check(r.status_code == 200 and r.json() == {"redirect_url": "/workspaces"}, "after approval: signed in")
    check(me(b).json()["username"] == "octo", "the device login's session works")


{"web": web, "device": device}[MODE]()
print("github flows: ok")
