#!/usr/bin/env bash
# Runs the whole test suite: formatting, lints, domain unit tests, the OpenAPI drift check, the
# black-box HTTP tests on SQLite and PostgreSQL, then the OpenAPI document checks (validator,
# Redocly lint, API reference drift) and the generated TypeScript and Python client smoke tests.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo build -p coderd
# The HTTP tests run scim2-tester, Authlib and Selenium from the pinned Python tools, and a real
# OpenID provider (oidc-provider) from npm.
(source scripts/spec/tools.sh && ensure_venv && ensure_oidc_provider)
cargo test --workspace
CHECK_SITE=1 scripts/spec/check_all.sh
