"""Load generator for scripts/bench.sh: seeds users, then measures endpoints with keep-alive
connections from several threads. Standard library only; loopback only; bounded."""

import http.client
import json
import os
import statistics
import sys
import threading
import time
from urllib.parse import urlparse

BASE, PID, BACKEND = sys.argv[1], int(sys.argv[2]), sys.argv[3]
USERS = int(os.environ.get("BENCH_USERS", "2000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "5000"))
CONC = int(os.environ.get("BENCH_CONCURRENCY", "4"))
u = urlparse(BASE)


def conn():
    return http.client.HTTPConnection(u.hostname, u.port, timeout=60)


def call(c, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Coder-Session-Token"] = token
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = c.getresponse()
    data = r.read()
    return r.status, data


def rss_peak_kib():
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


c = conn()
pw = "SomeSecurePassword!"
assert call(c, "POST", "/api/v2/users/first", {"email": "admin@example.com", "username": "admin", "password": pw})[0] == 201
status, data = call(c, "POST", "/api/v2/users/login", {"email": "admin@example.com", "password": pw})
token = json.loads(data)["session_token"]

t0 = time.time()
lock = threading.Lock()
next_i = [0]


def seed():
    cc = conn()
    while True:
        with lock:
            i = next_i[0]
            next_i[0] += 1
        if i >= USERS:
            return
        s, _ = call(cc, "POST", "/api/v2/users", {"email": f"u{i}@bench.example", "username": f"u{i}", "login_type": "none",
                                                   "organization_ids": ["00000000-0000-0000-0000-000000000000"]}, token)
        assert s == 201, s


threads = [threading.Thread(target=seed) for _ in range(CONC)]
[t.start() for t in threads]
[t.join() for t in threads]
seed_s = time.time() - t0
print(f"backend={BACKEND} users={USERS} seeded in {seed_s:.1f}s ({USERS / seed_s:.0f} creates/s)")


def measure(name, method, path, body=None, n=REQUESTS, conc=CONC):
    lat = []
    per = n // conc

    def worker():
        cc = conn()
        mine = []
        for _ in range(per):
            t = time.perf_counter()
            s, _ = call(cc, method, path, body, token)
            mine.append(time.perf_counter() - t)
            assert s < 300, (name, s)
        with lock:
            lat.extend(mine)

    start = time.time()
    ts = [threading.Thread(target=worker) for _ in range(conc)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    wall = time.time() - start
    lat.sort()
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
    print(f"{name:<34} {len(lat) / wall:8.0f} req/s   p50 {p(0.50):6.2f} ms   p99 {p(0.99):6.2f} ms   (n={len(lat)}, c={conc})")


measure("GET /api/v2/users/me", "GET", "/api/v2/users/me")
measure("GET /api/v2/users?limit=50", "GET", "/api/v2/users?limit=50", n=REQUESTS // 5)
measure("GET /api/v2/users?q=u19&limit=25", "GET", "/api/v2/users?q=u19&limit=25", n=REQUESTS // 5)
measure("GET /api/v2/users/me/keys/tokens", "GET", "/api/v2/users/me/keys/tokens")
measure("POST /api/v2/users/login (PBKDF2)", "POST", "/api/v2/users/login", {"email": "admin@example.com", "password": pw}, n=200, conc=2)
print(f"server peak RSS: {rss_peak_kib() / 1024:.1f} MiB")
