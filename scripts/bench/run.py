"""One backend's benchmark run, driven by scripts/bench.sh (which builds the binaries and, for
PostgreSQL, starts a throwaway cluster). Standard library only; loopback only; every load is
bounded in time.

Steps: start `coderd server` on a fresh database; create the owner; seed 1,000 users through the
store's bulk path and time a users page; seed up to BENCH_USERS (100,000); then, with wrk at 64
connections for BENCH_SECONDS each: the bare handler, GET /users/me, the users pages (offset,
after_id), the searches (bare words, name:), each list with its direct-SQL ceiling; POST /users
at 16 connections; the server's peak RSS; and the start-up time of `coderd server` on the
seeded database.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

BACKEND = sys.argv[1]
USERS = int(os.environ.get("BENCH_USERS", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
# Extra `coderd server` flags, to compare settings (e.g. "--postgres-conn-max-open 4").
SERVER_ARGS = os.environ.get("BENCH_SERVER_ARGS", "").split()
CONNS = 64
BIN = "target/release/coderd"
BARE = "target/release/examples/bare"
STOREBENCH = "target/release/examples/storebench"
HERE = os.path.dirname(os.path.abspath(__file__))
results = []


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def http(method, url, body=None, token=None):
    req = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Coder-Session-Token", token)
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, r.read()


def wait_healthy(base, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=0.2) as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return True
        except OSError:
            pass
        time.sleep(0.002)
    return False


def parse_duration_ms(s):
    m = re.match(r"([\d.]+)(us|ms|s|m)", s)
    v, unit = float(m.group(1)), m.group(2)
    return v * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url, token=None, conns=CONNS, script=None):
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{SECONDS}s", "--latency", "--timeout", "10s"]
    if token:
        cmd += ["-H", f"Coder-Session-Token: {token}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = parse_duration_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = parse_duration_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    if bad or errors:
        raise SystemExit(f"wrk {url}: failures:\n{out}")
    return rps, p50, p99


def record(what, value, target, ok, detail=""):
    results.append((what, value, target, ok, detail))
    print(f"  {'MET ' if ok else 'MISS'} {what:<52} {value:<34} target {target}  {detail}", flush=True)


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    tmp = tempfile.mkdtemp(prefix="coderd-bench-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    args = [BIN, "server", "--http-address", f"127.0.0.1:{port}", "--log-level", "warn", "--dangerous-disable-rate-limits"] + SERVER_ARGS
    if BACKEND == "postgres":
        host, pgport = os.environ["BENCH_PG_HOST"], os.environ["BENCH_PG_PORT"]
        db = f"bench_{int(time.time())}"
        subprocess.run(["psql", "-q", "-h", host, "-p", pgport, "-U", "postgres", "-c", f"CREATE DATABASE {db}"], check=True)
        url = f"postgres://postgres@{host}:{pgport}/{db}"
        args += ["--postgres-url", url]
    else:
        args += ["--data-dir", tmp]
        url = os.path.join(tmp, "coderd.db")
    server = subprocess.Popen(args)
    try:
        if not wait_healthy(base):
            raise SystemExit("server did not start")
        run(base, url, server, args)
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


def seed(url, start, end):
    subprocess.run([STOREBENCH, "seed", url, str(start), str(end)], check=True)


def sql_limit(url, kind):
    """The database's throughput for the statements of one users-list request, at 64 clients."""
    if BACKEND == "postgres":
        script = subprocess.run([STOREBENCH, "pgbench", url, kind], capture_output=True, text=True, check=True).stdout
        # The statements' parameters, sent as the server sends them (bound, not written in).
        defines = [a for line in script.splitlines() if line.startswith("-- define ") for a in ("-D", line[len("-- define "):])]
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
            f.write(script)
        u = urllib.parse.urlparse(url)
        out = subprocess.run(
            [os.environ["BENCH_PGBENCH"], "-n", "-M", "prepared", *defines, "-f", f.name, "-c", str(CONNS), "-j", "2", "-T", str(SECONDS),
             "-h", u.hostname, "-p", str(u.port), "-U", "postgres", u.path.lstrip("/")],
            capture_output=True, text=True, check=True).stdout
        os.unlink(f.name)
        return float(re.search(r"tps = ([\d.]+)", out).group(1)), "pgbench -f"
    out = subprocess.run([STOREBENCH, "sql", url, kind, str(CONNS), str(SECONDS)], capture_output=True, text=True, check=True).stdout
    return float(re.search(r"rps=([\d.]+)", out).group(1)), "native loop"


def run(base, url, server, args):
    pw = "SomeSecurePassword!"
    http("POST", base + "/api/v2/users/first", {"email": "admin@example.com", "username": "admin", "password": pw})
    token = json.loads(http("POST", base + "/api/v2/users/login", {"email": "admin@example.com", "password": pw})[1])["session_token"]
    print(f"== {BACKEND}: {USERS} users, wrk -t2 -c{CONNS} -d{SECONDS}s, {os.cpu_count()} cores", flush=True)

    seed(url, 0, 1000)
    small = wrk(base + "/api/v2/users?limit=50&offset=500", token)
    seed(url, 1000, USERS)
    after_id = json.loads(http("GET", base + "/api/v2/users/grace-hopper-66", token=token)[1])["id"]

    # The HTTP stack's limit: a bare handler with a body of /users/me's size.
    me_body = http("GET", base + "/api/v2/users/me", token=token)[1]
    bare_port = free_port()
    bare = subprocess.Popen([BARE, str(bare_port), str(len(me_body))])
    try:
        wait_healthy(f"http://127.0.0.1:{bare_port}")
        bare_rps, bare_p50, bare_p99 = wrk(f"http://127.0.0.1:{bare_port}/", token)
    finally:
        bare.terminate()
        bare.wait()
    print(f"  bare handler ({len(me_body)} bytes): {bare_rps:.0f} req/s, p50 {bare_p50:.2f} ms, p99 {bare_p99:.2f} ms", flush=True)

    rps, p50, p99 = wrk(base + "/api/v2/users/me", token)
    record("GET /users/me: share of bare handler", f"{rps:.0f} req/s = {100 * rps / bare_rps:.0f}%", ">= 40%", rps >= 0.4 * bare_rps)
    record("GET /users/me: p99", f"{p99:.2f} ms (p50 {p50:.2f})", "<= 5 ms", p99 <= 5)

    lists = [
        ("users page, offset=1000", "/api/v2/users?limit=50&offset=1000", "page-offset"),
        ("users page, after_id", f"/api/v2/users?limit=50&after_id={after_id}", "page-after"),
        ("search, bare words (q=hopper-12)", "/api/v2/users?limit=50&q=hopper-12", "search"),
        ("search, name: (q=name:\"grace hopper\")", "/api/v2/users?limit=50&q=" + urllib.parse.quote('name:"grace hopper"'), "name"),
    ]
    for name, path, kind in lists:
        rps, p50, p99 = wrk(base + path, token)
        sql_rps, how = sql_limit(url, kind)
        record(f"{name}: share of direct SQL", f"{rps:.0f} req/s = {100 * rps / sql_rps:.0f}% of {sql_rps:.0f}", ">= 50%",
               rps >= 0.5 * sql_rps, how)
        record(f"{name}: p99", f"{p99:.2f} ms (p50 {p50:.2f})", "<= 50 ms", p99 <= 50)

    large = wrk(base + "/api/v2/users?limit=50&offset=500", token)
    record("users page p50 at 100k vs 1k users (offset=500)", f"{large[1]:.2f} / {small[1]:.2f} ms = {large[1] / small[1]:.2f}x",
           "<= 2x", large[1] <= 2 * small[1], f"p99 {large[2]:.2f} / {small[2]:.2f} ms")

    rps, p50, p99 = wrk(base + "/api/v2/users", token, conns=16, script=os.path.join(HERE, "create_users.lua"))
    record("POST /users (login_type none), 16 clients", f"{rps:.0f} users/s (p99 {p99:.2f} ms)", ">= 1000/s", rps >= 1000)

    rss = peak_rss_mib(server.pid)
    record("peak RSS of the server", f"{rss:.1f} MiB", "<= 64 MB", rss * 1.048576 <= 64)

    # Start-up on the seeded database: exec until /healthz answers 200.
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        p = subprocess.Popen(args)
        ok = wait_healthy(base, timeout=10)
        times.append((time.perf_counter() - t0) * 1000)
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=30)
        if not ok:
            raise SystemExit("server did not restart")
    times.sort()
    record("coderd server start to /healthz 200", f"median {times[2]:.0f} ms, max {times[-1]:.0f} ms", "<= 200 ms", times[-1] <= 200)

    missed = [r for r in results if not r[3]]
    print(f"== {BACKEND}: {len(results) - len(missed)} of {len(results)} targets met", flush=True)


main()
