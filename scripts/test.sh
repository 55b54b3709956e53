#!/usr/bin/env bash
# Runs the whole test suite: formatting, lints, domain unit tests, the OpenAPI drift check, the
# black-box HTTP tests on SQLite and PostgreSQL, the authorization accounting (every operation has
# a refused-caller test), then the OpenAPI document checks (validator,
# Redocly lint, API reference drift) and the generated TypeScript and Python client smoke tests.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo build -p coderd
# The HTTP tests run scim2-tester, Authlib and Selenium from the pinned Python tools, and a real
# OpenID provider (oidc-provider) from npm.
(source scripts/spec/tools.sh && ensure_venv && ensure_oidc_provider)
# Every refusal of a signed-in caller is written down for the authorization accounting below.
mkdir -p build
export CODERD_AUTHZ_ACCOUNTING="$PWD/build/authz-refusals.log"
rm -f "$CODERD_AUTHZ_ACCOUNTING"
cargo test --workspace
# Every session-authenticated operation must have been seen refusing a caller who may not use it.
python3 scripts/authz_accounting.py openapi/openapi.json "$CODERD_AUTHZ_ACCOUNTING"
CHECK_SITE=1 scripts/spec/check_all.sh
