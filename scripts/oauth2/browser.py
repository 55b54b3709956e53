"""Signs in and approves an OAuth2 authorization request in headless Chromium (Selenium).

Usage: browser.py BASE_URL CLIENT_ID EMAIL PASSWORD

Opens the authorization URL signed out, is sent to the sign-in page, signs in, sees the consent
page, approves, and must land on the client's redirect URI with a code and the state. A small
HTTP server plays the client's callback. Prints the callback URL's query as its last line
("code=...&state=...&iss=...") for the caller to exchange. Run by the HTTP test
oauth2_clients::browser_signs_in_and_approves.
"""

import base64
import hashlib
import http.server
import sys
import threading
from urllib.parse import parse_qs, urlencode, urlparse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

BASE, CLIENT_ID, EMAIL, PASSWORD, CALLBACK_PORT = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
VERIFIER = "browser-test-verifier-0123456789-abcdefghijklmnopqrstuvwxyz"
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()


class Callback(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the stdlib's name)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><body><p id='done'>callback received</p></body></html>")

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", CALLBACK_PORT), Callback)
threading.Thread(target=server.serve_forever, daemon=True).start()
callback = f"http://127.0.0.1:{CALLBACK_PORT}/callback"

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1024,768"):
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
wait = WebDriverWait(driver, 30)
try:
    query = urlencode({"client_id": CLIENT_ID, "response_type": "code", "redirect_uri": callback, "state": "browser-state",
                       "code_challenge": CHALLENGE, "code_challenge_method": "S256", "scope": "user:read"})
    driver.get(f"{BASE}/oauth2/authorize?{query}")
    wait.until(ec.presence_of_element_located((By.ID, "login-form")))
    assert urlparse(driver.current_url).path == "/login", driver.current_url
    print("ok: signed out, sent to the sign-in page")
    driver.find_element(By.ID, "email").send_keys(EMAIL)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "sign-in").click()
    wait.until(ec.presence_of_element_located((By.ID, "allow-form")))
    assert urlparse(driver.current_url).path == "/oauth2/authorize", driver.current_url
    page = driver.find_element(By.TAG_NAME, "body").text
    assert "Authorize browser-app" in page and "user:read" in page, page
    print("ok: signed in, back on the consent page, which names the app and the scope")
    driver.find_element(By.ID, "allow").click()
    wait.until(ec.presence_of_element_located((By.ID, "done")))
    landed = urlparse(driver.current_url)
    got = parse_qs(landed.query)
    assert f"{landed.scheme}://{landed.netloc}{landed.path}" == callback, driver.current_url
    assert got["state"] == ["browser-state"] and got["code"][0].startswith("coder_"), driver.current_url
    print("ok: approved, landed on the redirect URI with a code")
    print(landed.query)
finally:
    driver.quit()
    server.shutdown()
