"""A small stand-in for GitHub's OAuth and REST endpoints, for the GitHub login tests (reached
through CODER_OAUTH2_GITHUB_ENTERPRISE_BASE_URL, so REST lives under /api/v3 as on GitHub
Enterprise).

Usage: standin.py PORT CLIENT_ID CLIENT_SECRET   (prints "ready" once listening)

The web flow's authorize page approves at once as the user named by `login_as` (default "octo"),
checking the client, redirect URI and PKCE S256 as GitHub does. The device flow answers
`authorization_pending` until POST /_approve?device_code=...&login=... approves it.
"""

import base64
import hashlib
import http.server
import json
import secrets
import sys
from urllib.parse import parse_qs, urlencode, urlparse

PORT, CLIENT_ID, CLIENT_SECRET = int(sys.argv[1]), sys.argv[2], sys.argv[3]

USERS = {
    "octo": {"id": 1001, "name": "Octo Cat", "orgs": ["acme"], "teams": ["acme/devs"],
             "emails": [{"email": "octo@example.com", "primary": True, "verified": True}]},
    "outsider": {"id": 1002, "name": "Out Sider", "orgs": ["elsewhere"], "teams": [],
                 "emails": [{"email": "outsider@example.com", "primary": True, "verified": True}]},
    "noteam": {"id": 1003, "name": "No Team", "orgs": ["acme"], "teams": [],
               "emails": [{"email": "noteam@example.com", "primary": True, "verified": True}]},
    "unverified": {"id": 1004, "name": "", "orgs": ["acme"], "teams": ["acme/devs"],
                   "emails": [{"email": "unverified@example.com", "primary": True, "verified": False}]},
    "snake_case": {"id": 1005, "name": "Snake", "orgs": ["acme"], "teams": ["acme/devs"],
                   "emails": [{"email": "other@example.com", "primary": False, "verified": True},
                              {"email": "snake@example.com", "primary": True, "verified": True}]},
}
codes = {}    # code -> (login, challenge, redirect_uri)
devices = {}  # device_code -> login or None


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, body=None, headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        data = json.dumps(body).encode() if body is not None else b""
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def form(self):
        n = int(self.headers.get("Content-Length") or 0)
        return {k: v[0] for k, v in parse_qs(self.rfile.read(n).decode()).items()}

    def user(self):
        auth = self.headers.get("Authorization", "")
        token = auth.split(" ", 1)[1] if " " in auth else ""
        return token[4:] if token.startswith("tok-") and token[4:] in USERS else None

    def do_GET(self):  # noqa: N802
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/login/oauth/authorize":
            if q.get("client_id") != CLIENT_ID or q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
                return self.send(400, {"error": "bad request"})
            code = secrets.token_hex(10)
            codes[code] = (q.get("login_as", "octo"), q["code_challenge"], q.get("redirect_uri"))
            sep = "&" if "?" in q["redirect_uri"] else "?"
            return self.send(302, headers={"Location": q["redirect_uri"] + sep + urlencode({"code": code, "state": q.get("state", "")})})
        login = self.user()
        if login is None:
            return self.send(401, {"message": "Bad credentials"})
        u = USERS[login]
        if url.path == "/api/v3/user":
            return self.send(200, {"id": u["id"], "login": login, "name": u["name"], "avatar_url": f"https://avatars.example.com/{login}"})
        if url.path == "/api/v3/user/emails":
            return self.send(200, u["emails"])
        if url.path == "/api/v3/user/memberships/orgs":
            return self.send(200, [{"state": "active", "organization": {"login": o}} for o in u["orgs"]])
        parts = url.path.split("/")
        if len(parts) == 9 and parts[3] == "orgs" and parts[5] == "teams" and parts[7] == "memberships":
            team = f"{parts[4]}/{parts[6]}"
            if parts[8] in USERS and team in USERS[parts[8]]["teams"]:
                return self.send(200, {"state": "active", "role": "member"})
            return self.send(404, {"message": "Not Found"})
        return self.send(404, {"message": "Not Found"})

    def do_POST(self):  # noqa: N802
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/_approve":
            devices[q["device_code"]] = q["login"]
            return self.send(200, {})
        f = self.form()
        if url.path == "/login/device/code":
            if f.get("client_id") != CLIENT_ID:
                return self.send(401, {"error": "incorrect_client_credentials"})
            device_code = secrets.token_hex(20)
            devices[device_code] = None
            return self.send(200, {"device_code": device_code, "user_code": "WDJB-MJHT",
                                   "verification_uri": f"http://127.0.0.1:{PORT}/login/device", "expires_in": 900, "interval": 1})
        if url.path == "/login/oauth/access_token":
            if f.get("client_id") != CLIENT_ID:
                return self.send(200, {"error": "incorrect_client_credentials"})
            if f.get("grant_type") == "urn:ietf:params:oauth:grant-type:device_code":
                if f.get("device_code") not in devices:
                    return self.send(200, {"error": "expired_token"})
                login = devices[f["device_code"]]
                if login is None:
                    return self.send(200, {"error": "authorization_pending"})
                del devices[f["device_code"]]
                return self.send(200, {"access_token": f"tok-{login}", "token_type": "bearer", "scope": "read:user"})
            if f.get("client_secret") != CLIENT_SECRET:
                return self.send(200, {"error": "incorrect_client_credentials"})
            entry = codes.pop(f.get("code", ""), None)
            if entry is None or entry[2] != f.get("redirect_uri"):
                return self.send(200, {"error": "bad_verification_code"})
            verifier = f.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if challenge != entry[1]:
                return self.send(200, {"error": "bad_verification_code", "error_description": "PKCE"})
            return self.send(200, {"access_token": f"tok-{entry[0]}", "token_type": "bearer", "scope": "read:user"})
        return self.send(404, {"message": "Not Found"})


server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
print("ready", flush=True)
server.serve_forever()
