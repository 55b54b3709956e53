"""Runs the OAuth2 provider's flows with a real client library (Authlib) against a running server.

Usage: flows.py BASE_URL OWNER_SESSION_TOKEN MEMBER_SESSION_TOKEN

The owner makes a confidential application through the admin API; the member is the resource
owner who approves. Approval is the consent form's POST made with the member's session header
(the browser test covers the pages themselves). Every step asserts; the last line printed is
"oauth2 flows: ok". Run by the HTTP test oauth2_clients::authlib_completes_the_flows.
"""

import sys
from urllib.parse import parse_qs, urlparse

import httpx
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client

BASE, OWNER, MEMBER = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
CALLBACK = "http://127.0.0.1:9/callback"
http = httpx.Client(base_url=BASE, follow_redirects=False, timeout=60)


def check(cond, what):
    if not cond:
        raise SystemExit(f"FAILED: {what}")
    print(f"ok: {what}")


def meta():
    m = http.get("/.well-known/oauth-authorization-server").json()
    check(m["issuer"] == BASE and "S256" in m["code_challenge_methods_supported"], "metadata names this server and S256")
    check("none" in m["token_endpoint_auth_methods_supported"], "metadata offers public clients")
    r = http.get("/.well-known/oauth-protected-resource").json()
    check(r["authorization_servers"] == [BASE], "protected resource metadata points at the server")
    return m


def approve(client, m, scope=None, redirect_uri=None):
    """Authorization request with PKCE; the member approves; returns (callback URL, verifier)."""
    verifier = generate_token(64)
    kwargs = {"code_verifier": verifier}
    if scope:
        kwargs["scope"] = scope
    url, state = client.create_authorization_url(m["authorization_endpoint"], **kwargs)
    q = parse_qs(urlparse(url).query)
    check(q["code_challenge_method"] == ["S256"] and len(q["code_challenge"][0]) == 43, "authlib sends an S256 challenge")
    r = http.post(url.replace(BASE, ""), headers={"Coder-Session-Token": MEMBER}, data={"decision": "allow"})
    check(r.status_code == 302, f"consent approved with a redirect ({r.status_code} {r.text[:200]})")
    location = r.headers["location"]
    got = parse_qs(urlparse(location).query)
    check(got["state"] == [state] and got["iss"] == [BASE] and got["code"][0].startswith("coder_"), "redirect carries code, state and iss")
    if redirect_uri:
        check(location.startswith(redirect_uri), "redirected to the requested redirect URI")
    return location, verifier


def me(token):
    return http.get("/api/v2/users/me", headers={"Authorization": f"Bearer {token}"})


def confidential(m):
    app = http.post("/api/v2/oauth2-provider/apps", headers={"Coder-Session-Token": OWNER},
                    json={"name": "authlib-app", "callback_url": CALLBACK}).json()
    secret = http.post(f"/api/v2/oauth2-provider/apps/{app['id']}/secrets", headers={"Coder-Session-Token": OWNER}).json()
    for method in ("client_secret_basic", "client_secret_post"):
        client = OAuth2Client(app["id"], secret["client_secret_full"], redirect_uri=CALLBACK,
                              token_endpoint_auth_method=method, code_challenge_method="S256")
        location, verifier = approve(client, m)
        token = client.fetch_token(m["token_endpoint"], authorization_response=location, code_verifier=verifier)
        check(token["token_type"] == "Bearer" and token["scope"] == "coder:all" and token["expires_in"] > 0, f"{method}: code exchanged")
        r = client.get(f"{BASE}/api/v2/users/me")
        check(r.status_code == 200 and r.json()["username"] == "member", f"{method}: the access token calls /users/me")

    # Refresh rotation: the new pair works, the old pair is dead.
    old = dict(client.token)
    new = client.refresh_token(m["token_endpoint"])
    check(new["refresh_token"] != old["refresh_token"] and new["access_token"] != old["access_token"], "refresh rotates both tokens")
    check(me(new["access_token"]).status_code == 200, "the new access token works")
    check(me(old["access_token"]).status_code == 401, "the old access token is revoked by the refresh")

    # Reuse of the spent refresh token revokes the whole grant (RFC 9700).
    r = http.post(m["token_endpoint"], auth=(app["id"], secret["client_secret_full"]),
                  data={"grant_type": "refresh_token", "refresh_token": old["refresh_token"]})
    check(r.status_code == 400 and r.json()["error"] == "invalid_grant", "a spent refresh token is refused")
    check(me(new["access_token"]).status_code == 401, "reuse revoked the newest access token too")
    r = http.post(m["token_endpoint"], auth=(app["id"], secret["client_secret_full"]),
                  data={"grant_type": "refresh_token", "refresh_token": new["refresh_token"]})
    check(r.status_code == 400, "reuse revoked the newest refresh token too")

    # Revocation (RFC 7009): a refresh token ends its grant; an access token only itself.
    client = OAuth2Client(app["id"], secret["client_secret_full"], redirect_uri=CALLBACK, code_challenge_method="S256")
    location, verifier = approve(client, m)
    token = client.fetch_token(m["token_endpoint"], authorization_response=location, code_verifier=verifier)
    r = client.revoke_token(m["revocation_endpoint"], token=token["access_token"], token_type_hint="access_token")
    check(r.status_code == 200 and me(token["access_token"]).status_code == 401, "an access token is revoked")
    # Its key is gone, so its grant has ended (RFC 7009 allows it; Coder cascades the key to the
    # refresh token).
    r = http.post(m["token_endpoint"], auth=(app["id"], secret["client_secret_full"]),
                  data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]})
    check(r.status_code == 400 and r.json()["error"] == "invalid_grant", "revoking the access token ends its grant")
    location, verifier = approve(client, m)
    token = client.fetch_token(m["token_endpoint"], authorization_response=location, code_verifier=verifier)
    refreshed = client.refresh_token(m["token_endpoint"], refresh_token=token["refresh_token"])
    check(me(refreshed["access_token"]).status_code == 200, "a live grant's refresh token works")
    r = client.revoke_token(m["revocation_endpoint"], token=refreshed["refresh_token"], token_type_hint="refresh_token")
    check(r.status_code == 200 and me(refreshed["access_token"]).status_code == 401, "a refresh token revokes its grant")
    r = client.revoke_token(m["revocation_endpoint"], token="coder_unknown000_" + "x" * 40)
    check(r.status_code == 200, "an unknown token is answered 200")
    bad = OAuth2Client(app["id"], "coder_wrongwrong_" + "y" * 40)
    r = bad.revoke_token(m["revocation_endpoint"], token=token["refresh_token"])
    check(r.status_code == 401 and r.json()["error"] == "invalid_client", "revocation authenticates the client")

    # The app is listed as granted, then the member withdraws it.
    location, verifier = approve(client, m)
    token = client.fetch_token(m["token_endpoint"], authorization_response=location, code_verifier=verifier)
    member_id = http.get("/api/v2/users/me", headers={"Coder-Session-Token": MEMBER}).json()["id"]
    granted = http.get(f"/api/v2/oauth2-provider/apps?user_id={member_id}", headers={"Coder-Session-Token": MEMBER}).json()
    check([a["id"] for a in granted] == [app["id"]], "the member's granted apps list it")
    r = http.delete(f"/oauth2/tokens?client_id={app['id']}", headers={"Coder-Session-Token": MEMBER})
    check(r.status_code == 204 and me(token["access_token"]).status_code == 401, "the member revokes the app")


def public(m):
    redirect = "http://127.0.0.1:9/public-callback"
    r = http.post(m["registration_endpoint"], json={
        "client_name": "authlib public", "redirect_uris": [redirect, "http://localhost:9/other"],
        "token_endpoint_auth_method": "none", "scope": "user:read coder:all"})
    check(r.status_code == 201 and "client_secret" not in r.json(), "a public client registers without a secret")
    reg = r.json()
    client = OAuth2Client(reg["client_id"], redirect_uri=redirect, token_endpoint_auth_method="none", code_challenge_method="S256")
    location, verifier = approve(client, m, scope="user:read", redirect_uri=redirect)
    token = client.fetch_token(m["token_endpoint"], authorization_response=location, code_verifier=verifier)
    check(token["scope"] == "user:read", "a public client gets its token with PKCE alone")
    check(me(token["access_token"]).status_code == 200, "the read-only token reads /users/me")
    r = http.put("/api/v2/users/me/profile", headers={"Authorization": f"Bearer {token['access_token']}"},
                 json={"username": "member", "name": "Changed"})
    check(r.status_code == 403, "the read-only token cannot write")
    narrowed = client.refresh_token(m["token_endpoint"], refresh_token=token["refresh_token"])
    check(narrowed["scope"] == "user:read" and me(narrowed["access_token"]).status_code == 200, "a public client refreshes")

    # RFC 7592 management with the registration access token.
    rat = {"Authorization": f"Bearer {reg['registration_access_token']}"}
    r = http.get(reg["registration_client_uri"].replace(BASE, ""), headers=rat)
    check(r.status_code == 200 and r.json()["client_name"] == "authlib public", "RFC 7592 read")
    body = dict(r.json(), client_name="authlib renamed")
    for k in ("registration_access_token", "registration_client_uri", "client_id_issued_at"):
        body.pop(k, None)
    r = http.put(reg["registration_client_uri"].replace(BASE, ""), headers=rat, json=body)
    check(r.status_code == 200 and r.json()["client_name"] == "authlib renamed", "RFC 7592 update")
    r = http.get(reg["registration_client_uri"].replace(BASE, ""), headers={"Authorization": "Bearer wrong"})
    check(r.status_code == 401 and r.json()["error"] == "invalid_token", "a wrong registration token is refused")
    r = http.delete(reg["registration_client_uri"].replace(BASE, ""), headers=rat)
    check(r.status_code == 204, "RFC 7592 delete")
    check(me(narrowed["access_token"]).status_code == 401, "deleting the client revoked its tokens")


def confidential_dcr(m):
    r = http.post(m["registration_endpoint"], json={"redirect_uris": [CALLBACK], "token_endpoint_auth_method": "client_secret_post"})
    reg = r.json()
    check(r.status_code == 201 and reg["client_secret"].startswith("coder_") and reg["client_secret_expires_at"] == 0,
          "a confidential client registers with a secret")
    client = OAuth2Client(reg["client_id"], reg["client_secret"], redirect_uri=CALLBACK,
                          token_endpoint_auth_method="client_secret_post", code_challenge_method="S256")
    location, verifier = approve(client, m)
    token = client.fetch_token(m["token_endpoint"], authorization_response=location, code_verifier=verifier)
    check(me(token["access_token"]).json()["username"] == "member", "the registered client's token works")


m = meta()
confidential(m)
public(m)
confidential_dcr(m)
print("oauth2 flows: ok")
