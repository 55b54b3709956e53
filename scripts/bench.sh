#!/usr/bin/env bash
# The benchmark (`just bench`): release build, loopback only, bounded in time. For each backend
# it seeds users, loads the server with wrk at 64 connections, and measures the two physical
# limits in the same run: a bare actix-web handler answering a body of the same size (the HTTP
# stack), and the users-list statements run directly against the same database with the same
# concurrency (pgbench -f on PostgreSQL, the store's own calls in a native loop on SQLite).
# Every result is printed with its target; scripts/bench/run.py says how each is measured.
#
# usage: scripts/bench.sh [sqlite|postgres|both]      (default: both)
#        BENCH_USERS=100000 BENCH_SECONDS=10 BENCH_SERVER_ARGS="--flag value" scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

which="${1:-both}"
export DEBIAN_FRONTEND=noninteractive
if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (Debian package)"
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

cargo build --release -q -p coderd --bin coderd --example bare
cargo build --release -q -p storage --example storebench

out=build/bench
mkdir -p "$out"
pg_dir=""
cleanup() {
  if [ -n "$pg_dir" ]; then
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
}
trap cleanup EXIT

start_postgres() {
  pg_bin="$(pg_config --bindir 2>/dev/null || true)"
  if [ ! -x "$pg_bin/initdb" ]; then pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"; fi
  if [ ! -x "$pg_bin/initdb" ]; then
    echo "installing postgresql (Debian package)"
    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
    pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
  pg_dir="$(mktemp -d /tmp/coderd-bench-pg.XXXXXX)"
  chown postgres "$pg_dir"
  pg_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w start \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=128MB -c fsync=off -c synchronous_commit=off" >/dev/null
  export BENCH_PG_HOST=127.0.0.1 BENCH_PG_PORT="$pg_port" BENCH_PGBENCH="$pg_bin/pgbench"
}

if [ "$which" = sqlite ] || [ "$which" = both ]; then
  python3 scripts/bench/run.py sqlite | tee "$out/sqlite.txt"
fi
if [ "$which" = postgres ] || [ "$which" = both ]; then
  start_postgres
  python3 scripts/bench/run.py postgres | tee "$out/postgres.txt"
fi
