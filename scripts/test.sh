#!/usr/bin/env bash
# Runs the whole test suite: formatting, lints, the OpenAPI drift check, domain unit tests and
# the black-box HTTP tests on SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo test --workspace
