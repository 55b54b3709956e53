#!/usr/bin/env bash
# Generated-client smoke test: generates the TypeScript and Python clients from
# openapi/openapi.json, type-checks the TypeScript smoke program against the generated types
# (tsc --noEmit), then runs each smoke program against its own live server with a fresh
# SQLite data dir:
#
#   create the first user, log in, get `me`, create a user, list users with a search query,
#   create a token and use it, and read error envelopes (409, 400 with validations, 401).
#
# The server is the built binary: $CODERD_BIN (default target/debug/coderd), started as
# `server --http-address 127.0.0.1:<free port> --data-dir <tmpdir>`. Exits non-zero when
# generation, type checking or either smoke program fails. Build the binary first
# (`cargo build -p coderd`); this script does not run cargo.
#
# usage: scripts/clients/smoke.sh            (both languages)
#        scripts/clients/smoke.sh ts|python  (one)
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$REPO_ROOT"
# shellcheck source=scripts/spec/tools.sh
. scripts/spec/tools.sh

which="${1:-all}"
bin="${CODERD_BIN:-target/debug/coderd}"
case "$bin" in /*) ;; *) bin="$REPO_ROOT/$bin" ;; esac
[ -x "$bin" ] || { echo "smoke: no server binary at $bin (cargo build -p coderd, or set CODERD_BIN)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/coderd-smoke.XXXXXX")"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() { stop_server; rm -rf "$work"; }
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_server NAME: a server on a free port with a fresh data dir; sets CODER_URL.
start_server() {
  local name="$1" port data log
  port="$(free_port)"
  data="$work/$name-data"
  log="$work/$name-server.log"
  mkdir -p "$data"
  # Only the flags given here configure it: no inherited CODER_* (a PostgreSQL URL, say).
  env -u CODER_PG_CONNECTION_URL -u CODER_HTTP_ADDRESS -u CODER_DATA_DIR -u CODER_ACCESS_URL \
    "$bin" server --http-address "127.0.0.1:$port" --data-dir "$data" >"$log" 2>&1 &
  server_pid=$!
  CODER_URL="http://127.0.0.1:$port"
  export CODER_URL
  if ! python3 - "$CODER_URL/healthz" "$server_pid" <<'PY'; then
import os, sys, time, urllib.request
url, pid = sys.argv[1], int(sys.argv[2])
deadline = time.time() + 60
while time.time() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("the server exited")
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.2)
sys.exit(f"no answer from {url} within 60 s")
PY
    echo "smoke: the $name server did not come up; its log:" >&2
    tail -n 40 "$log" >&2 || true
    return 1
  fi
  echo "smoke: $name server up at $CODER_URL (data dir $data)"
}

server_log_on_failure() {
  echo "smoke: last lines of the $1 server log:" >&2
  tail -n 40 "$work/$1-server.log" >&2 || true
}

failed=()

if [ "$which" = all ] || [ "$which" = ts ]; then
  echo "== TypeScript client (openapi-typescript + openapi-fetch)"
  clients/typescript/generate.sh
  ts="build/clients/typescript"
  echo "smoke: tsc --noEmit (smoke.ts against the generated types)"
  if ! (cd "$ts" && node_modules/.bin/tsc --noEmit -p tsconfig.json); then
    failed+=("typescript: type check")
  elif ! (cd "$ts" && node_modules/.bin/tsc -p tsconfig.json); then
    failed+=("typescript: compile")
  else
    start_server ts
    if ! node "$ts/dist/smoke.js"; then
      failed+=("typescript: smoke")
      server_log_on_failure ts
    fi
    stop_server
  fi
fi

if [ "$which" = all ] || [ "$which" = python ]; then
  echo "== Python client (openapi-python-client)"
  clients/python/generate.sh
  ensure_venv
  start_server python
  if ! "$VENV_BIN/python" clients/python/smoke.py; then
    failed+=("python: smoke")
    server_log_on_failure python
  fi
  stop_server
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "smoke: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "smoke: OK"
