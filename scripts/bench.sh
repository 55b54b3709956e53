#!/usr/bin/env bash
# Benchmarks a release build on loopback: latency and throughput of the hot read paths, the
# cost of a password login, and the server's peak memory. Bounded in requests and time.
#
# usage: scripts/bench.sh [sqlite|postgres]   (postgres needs CODER_PG_CONNECTION_URL)
#        BENCH_USERS=10000 BENCH_REQUESTS=20000 BENCH_CONCURRENCY=8 scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

backend="${1:-sqlite}"
cargo build --release -q -p coderd
bin=target/release/coderd
dir="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
args=(server --http-address "127.0.0.1:$port" --log-level warn)
if [ "$backend" = postgres ]; then
  : "${CODER_PG_CONNECTION_URL:?set CODER_PG_CONNECTION_URL to an empty database}"
else
  args+=(--data-dir "$dir")
fi
"$bin" "${args[@]}" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

python3 scripts/bench/load.py "http://127.0.0.1:$port" "$pid" "$backend"
