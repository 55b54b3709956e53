"""Walks Coder's own dashboard, served by this server, in headless Chromium (Selenium).

Usage: walk.py BASE_URL

As a new administrator: first-user setup with a trial, then every page of the capabilities
this server has (creating a user, a group, a token, a template from a starter template and a
workspace from it along the way), sign out and sign in again; then as a plain member, who
must see only what a member sees. Every API call the pages make is watched (Chrome's network
log): a call answering an unexpected status, a WebSocket that fails, a console error or an
error box on a page fails the walk, and all of them are listed at the end. Prints
"dashboard walk: ok" as its last line on success. Run by the HTTP test dashboard::walk.
"""

import json
import re
import sys
import time
from urllib.parse import urlparse

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

BASE = sys.argv[1].rstrip("/")
OWNER = ("admin@example.com", "Walk-Admin-Passw0rd!")
MEMBER = ("member@example.com", "Walk-Member-Passw0rd!")
ORG = "coder"

# Calls that may answer an error as part of what the dashboard does: (method, path pattern,
# status). Signed out, the dashboard asks who is signed in and for their appearance.
SIGNED_OUT_OK = {("GET", r"/api/v2/users/me", 401), ("GET", r"/api/v2/users/me/appearance", 401)}
# A template's first version has no previous one (Coder answers 404 too; the page expects it).
# AI chats (Coder's experimental agents) are not part of this server: the workspaces list asks
# which workspaces have chats and shows none when the answer is a 404.
ALWAYS_OK = {
    ("GET", r"/api/v2/organizations/[^/]+/templates/[^/]+/versions/[^/]+/previous", 404),
    ("GET", r"/api/experimental/chats/by-workspace", 404),
}

failures = []


def fail(what):
    failures.append(what)
    print(f"FAIL: {what}", flush=True)


class Browser:
    """One Chromium with its network and console logs read after every step."""

    def __init__(self):
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,1000"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        self.driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
        self.driver.set_page_load_timeout(30)
        self.requests = {}  # requestId -> (method, url)
        self.pending = set()
        self.calls = []  # (method, path, status) since the last check
        self.sockets = {}  # requestId -> path
        self.console = []

    def drain(self):
        for entry in self.driver.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            method, p = msg["method"], msg.get("params", {})
            rid = p.get("requestId")
            if method == "Network.requestWillBeSent":
                req = p["request"]
                if urlparse(req["url"]).path.startswith("/api/"):
                    self.requests[rid] = (req["method"], req["url"])
                    self.pending.add(rid)
            elif method == "Network.responseReceived" and rid in self.requests:
                m, url = self.requests[rid]
                self.calls.append((m, urlparse(url).path, p["response"]["status"], url))
                # The dashboard streams nothing over plain HTTP: an answer is the end of it.
                self.pending.discard(rid)
            elif method in ("Network.loadingFinished", "Network.loadingFailed"):
                self.pending.discard(rid)
                if method == "Network.loadingFailed" and rid in self.requests and not p.get("canceled"):
                    m, url = self.requests[rid]
                    self.calls.append((m, urlparse(url).path, f"failed: {p.get('errorText')}", url))
            elif method == "Network.webSocketCreated":
                self.sockets[rid] = urlparse(p["url"]).path
            elif method == "Network.webSocketHandshakeResponseReceived" and rid in self.sockets:
                status = p["response"]["status"]
                if status != 101:
                    self.calls.append(("WS", self.sockets[rid], status, self.sockets[rid]))
            elif method == "Network.webSocketFrameError" and rid in self.sockets:
                self.calls.append(("WS", self.sockets[rid], f"frame error: {p.get('errorMessage')}", self.sockets[rid]))
        for entry in self.driver.get_log("browser"):
            if entry["level"] == "SEVERE":
                self.console.append(entry["message"])

    def settle(self, at_least=0.8, limit=15.0):
        """Waits until no API request is in flight for a moment."""
        start = time.time()
        quiet_since = None
        while time.time() - start < limit:
            time.sleep(0.2)
            self.drain()
            busy = bool(self.pending) or self.driver.execute_script("return document.readyState") != "complete"
            if busy:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.time()
            elif time.time() - quiet_since >= 0.6 and time.time() - start >= at_least:
                return
        # Requests of a document the browser left get no further events: give up waiting for
        # them (what they answered, if anything, is checked like every other call).
        print(f"note: {self.where()}: gave up waiting for {[self.requests[r][1] for r in self.pending]}", flush=True)
        self.pending.clear()

    def where(self):
        return urlparse(self.driver.current_url).path

    def check(self, page, allowed=frozenset()):
        """Fails on calls with unexpected statuses, console errors and error boxes."""
        self.settle()
        bad_statuses = set()
        allowed = set(allowed) | ALWAYS_OK
        expected = lambda m, p, s: any(m == am and s == st and re.fullmatch(ap, p) for am, ap, st in allowed)  # noqa: E731
        for method, path, status, url in self.calls:
            if isinstance(status, int) and (status < 400 or expected(method, path, status)):
                continue
            bad_statuses.add(status)
            fail(f"{page}: {method} {url} -> {status}")
        for message in self.console:
            # A failed call is reported above; its console echo says nothing more.
            if "Failed to load resource" in message and any(f"status of {s}" in message for s in bad_statuses):
                continue
            if "Failed to load resource" in message and any(f"status of {st}" in message for _, _, st in allowed):
                continue
            fail(f"{page}: console error: {message[:300]}")
        for box in self.driver.find_elements(By.CSS_SELECTOR, "[role=alert]"):
            text = box.text.strip()
            if re.search(r"error|failed|went wrong|could not|unable", text, re.I):
                fail(f"{page}: error box: {text[:300]}")
        for heading in self.driver.find_elements(By.XPATH, "//*[contains(text(), 'Something went wrong')]"):
            fail(f"{page}: error page: {heading.text[:200]}")
        self.calls.clear()
        self.console.clear()

    def visit(self, path, expect=None, allowed=frozenset()):
        self.navigate(path)
        if expect:
            try:
                WebDriverWait(self.driver, 20).until(ec.presence_of_element_located((By.XPATH, f"//*[contains(normalize-space(.), {json.dumps(expect)})]")))
            except TimeoutException:
                fail(f"{path}: never showed {expect!r}")
        self.check(path, allowed)
        print(f"ok: {path}", flush=True)

    def navigate(self, path):
        """Loads a page afresh; requests the last page left unfinished no longer count."""
        self.drain()
        self.pending.clear()
        self.driver.get(BASE + path)

    def wait(self, condition, what, timeout=30):
        try:
            return WebDriverWait(self.driver, timeout).until(condition)
        except TimeoutException:
            fail(f"{self.where()}: timed out waiting for {what}")
            return None

    def type_into(self, selector, text, by=By.CSS_SELECTOR):
        field = self.wait(ec.element_to_be_clickable((by, selector)), selector)
        if field is None:
            return
        # Through the keyboard, so that the page's own state sees the change; on a loaded
        # machine a re-render can swallow keys, so the value is read back and typed again.
        for _ in range(3):
            field.send_keys(Keys.CONTROL, "a")
            field.send_keys(Keys.DELETE)
            field.send_keys(text)
            time.sleep(0.2)
            if field.get_attribute("value") == text:
                return
        fail(f"{self.where()}: {selector} holds {field.get_attribute('value')!r}, not {text!r}")

    def click(self, selector, by=By.CSS_SELECTOR, what=None):
        el = self.wait(ec.element_to_be_clickable((by, selector)), what or selector)
        if el is not None:
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
            el.click()
        return el

    def click_text(self, text, tag="*"):
        return self.click(f"//{tag}[normalize-space(.)={json.dumps(text)}]", By.XPATH, what=f"{tag} {text!r}")

    def url_becomes(self, pattern, timeout=60):
        ok = self.wait(lambda d: re.search(pattern, urlparse(d.current_url).path), f"a page matching {pattern}", timeout)
        return ok is not None


def choose(b, combobox_id, option):
    """Picks an option of a (Radix) select: opens it, scrolls the option into view, clicks it."""
    b.click(f"//*[@id={json.dumps(combobox_id)}]", By.XPATH)
    # Options may lead with an emoji flag: match the text's end.
    xpath = f"//*[@role='option'][substring(normalize-space(.), string-length(normalize-space(.)) - {len(option) - 1}) = {json.dumps(option)}]"
    el = b.wait(ec.presence_of_element_located((By.XPATH, xpath)), f"option {option!r}")
    if el is not None:
        b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
        time.sleep(0.2)
        el.click()


def setup(b):
    """First-user setup with a trial license, as a new administrator does it."""
    b.navigate("/")
    b.url_becomes(r"^/setup$")
    b.type_into("input[name=email]", OWNER[0])
    b.type_into("input[name=password]", OWNER[1])
    b.click("#trial")
    for name, value in [("trial_info.first_name", "Ada"), ("trial_info.last_name", "Admin"), ("trial_info.company_name", "Example"),
                        ("trial_info.job_title", "Administrator"), ("trial_info.phone_number", "+1 555 0100")]:
        b.type_into(f"input[name='{name}']", value)
    choose(b, "trial_info.developers", "1 - 50")
    choose(b, "trial_info.country", "Germany")
    b.click("button[type=submit]")
    b.url_becomes(r"^/(templates|workspaces)")
    b.check("/setup", SIGNED_OUT_OK | {("GET", r"/api/v2/users/first", 404)})
    print("ok: setup with a trial", flush=True)


def sign_in(b, email, password):
    b.driver.delete_all_cookies()
    b.navigate("/login")
    b.type_into("input[name=email]", email)
    b.type_into("input[name=password]", password)
    b.click("button[type=submit]")
    b.url_becomes(r"^/(templates|workspaces)")
    b.check("/login", SIGNED_OUT_OK)
    print(f"ok: signed in as {email}", flush=True)


def sign_out(b):
    # The account menu opens from the button showing the user's initials.
    b.click("//button[@aria-haspopup='menu'][string-length(normalize-space(.)) = 2]", By.XPATH, what="the account menu")
    b.click_text("Sign Out")
    b.url_becomes(r"^/login")
    b.check("sign out", SIGNED_OUT_OK)
    print("ok: signed out", flush=True)


def owner_walk(b):
    # Users: the list, then a new member through the form.
    b.visit("/deployment/users", expect="admin")
    b.visit("/deployment/users/create")
    b.type_into("input[name=email]", MEMBER[0])
    b.type_into("input[name=username]", "member")
    b.type_into("input[name=password]", MEMBER[1])
    b.click("button[type=submit]")
    b.url_becomes(r"^/deployment/users$")
    b.visit("/deployment/users", expect="member")
    # Organizations: members, groups (and a new one), roles, settings, IdP sync, provisioners.
    b.visit(f"/organizations/{ORG}", expect="admin")
    b.visit(f"/organizations/{ORG}/groups", expect="Everyone")
    b.visit(f"/organizations/{ORG}/groups/create")
    b.type_into("input[name=name]", "walkers")
    b.click("button[type=submit]")
    b.url_becomes(rf"^/organizations/{ORG}/groups/walkers")
    b.visit(f"/organizations/{ORG}/groups/walkers", expect="walkers")
    b.visit(f"/organizations/{ORG}/roles")
    b.visit(f"/organizations/{ORG}/settings")
    b.visit(f"/organizations/{ORG}/idp-sync")
    b.visit(f"/organizations/{ORG}/provisioners")
    b.visit("/organizations/new")
    # Deployment settings.
    for page in ("overview", "security", "observability", "network", "userauth", "external-auth", "licenses", "appearance",
                 "notifications", "idp-org-sync", "workspace-proxies"):
        b.visit(f"/deployment/{page}")
    b.visit("/deployment/oauth2-provider/apps")
    b.visit("/connectionlog")
    b.visit("/health")
    # Account settings, a token made through the form.
    for page in ("account", "appearance", "schedule", "security", "ssh-keys", "tokens", "notifications", "oauth2-provider"):
        b.visit(f"/settings/{page}")
    b.visit("/settings/tokens/new")
    b.type_into("input[name=name]", "walk-token")
    b.click("button[type=submit]")
    b.wait(ec.presence_of_element_located((By.XPATH, "//*[normalize-space(.)='Creation successful']")), "the new token")
    b.click_text("OK", "button")
    b.url_becomes(r"^/settings/tokens$")
    b.check("/settings/tokens/new")
    b.visit("/settings/tokens", expect="walk-token")
    # Templates: the starter templates, one made from the scratch example, a workspace of it.
    b.visit("/templates")
    b.visit("/starter-templates", expect="Scratch")
    b.visit("/templates/new?exampleId=scratch")
    b.type_into("input[name=name]", "walk-template")
    b.click("button[type=submit]")
    if b.url_becomes(r"^/templates/[^/]+/walk-template", timeout=90):
        b.check("/templates/new")
    b.visit(f"/templates/{ORG}/walk-template", expect="walk-template")
    for tab in ("docs", "files", "versions", "settings", "settings/permissions", "settings/variables", "settings/schedule"):
        b.visit(f"/templates/{ORG}/walk-template/{tab}")
    b.visit(f"/templates/{ORG}/walk-template/workspace")
    b.type_into("input[id$='-workspace-name']", "walk-ws")
    b.click("button[type=submit]")
    if b.url_becomes(r"^/@admin/walk-ws", timeout=60):
        b.check("create workspace")
    b.visit("/@admin/walk-ws", expect="walk-ws")
    b.wait(lambda d: "Workspace status:\nRunning" in d.execute_script("return document.body.innerText"), "the workspace running", timeout=90)
    b.visit("/@admin/walk-ws/builds/1")
    b.visit("/@admin/walk-ws/settings")
    b.visit("/workspaces", expect="walk-ws")


def member_walk(b):
    b.visit("/workspaces")
    # The template made from the starter keeps its display name.
    b.visit("/templates", expect="Scratch")
    for page in ("account", "appearance", "schedule", "security", "ssh-keys", "tokens", "notifications"):
        b.visit(f"/settings/{page}")
    # Administration is not offered, and its pages do not open for a member.
    menu = b.driver.find_elements(By.XPATH, "//a[contains(@href, '/deployment/')]")
    if menu:
        fail(f"a member is offered deployment links: {[m.get_attribute('href') for m in menu]}")
    b.navigate("/deployment/users")
    b.settle()
    if b.driver.find_elements(By.XPATH, "//*[normalize-space(.)='owner' or normalize-space(.)='Owner']"):
        fail("a member sees the deployment's users")
    b.calls.clear()
    b.console.clear()
    print("ok: a member does not see administration", flush=True)


def main():
    started = time.time()
    b = Browser()
    try:
        setup(b)
        owner_walk(b)
        sign_out(b)
        sign_in(b, *OWNER)
        b.visit("/workspaces", expect="walk-ws")
        sign_out(b)
        sign_in(b, *MEMBER)
        member_walk(b)
    except WebDriverException as e:
        fail(f"{b.where()}: browser error: {e.msg}")
    finally:
        b.driver.quit()
    print(f"walk took {time.time() - started:.0f}s", flush=True)
    if failures:
        print(f"dashboard walk: {len(failures)} failures")
        sys.exit(1)
    print("dashboard walk: ok")


if __name__ == "__main__":
    main()
