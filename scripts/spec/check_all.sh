#!/usr/bin/env bash
# Every check on the OpenAPI document as a product, in order:
#   1. scripts/spec/lint.sh                   openapi-spec-validator, Redocly lint (redocly.yaml),
#                                             Coder parity and examples (check_spec.py)
#   2. scripts/docs/gen_api_docs.py --check   docs/reference/api matches the document
#   3. scripts/clients/smoke.sh               generated TypeScript and Python clients, smoke
#                                             programs against the live server ($CODERD_BIN,
#                                             default target/debug/coderd: build it first)
# With CHECK_SITE=1 it also builds the static docs site (scripts/docs/build_site.sh).
# All steps run, so one run shows every problem; exits 1 when any failed.
# Installs its pinned npm and PyPI tools into build/tools on first use.
set -uo pipefail
REPO_ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$REPO_ROOT" || exit 2

failed=()
step() {
  local name="$1"
  shift
  echo
  echo "=== $name: $*"
  if "$@"; then
    echo "=== $name: ok"
  else
    echo "=== $name: FAILED"
    failed+=("$name")
  fi
}

step "spec lint" scripts/spec/lint.sh
step "docs drift" python3 scripts/docs/gen_api_docs.py --check
step "client smoke" scripts/clients/smoke.sh
if [ "${CHECK_SITE:-0}" = 1 ]; then
  step "docs site" scripts/docs/build_site.sh
fi

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "check_all: FAILED: ${failed[*]}"
  exit 1
fi
echo "check_all: all OpenAPI checks passed"
