#!/usr/bin/env bash
# Validates and lints the OpenAPI document:
#   1. openapi-spec-validator (PyPI): the document is valid OpenAPI 3.1;
#   2. Redocly CLI lint (npm @redocly/cli) with the rules in redocly.yaml;
#   3. scripts/spec/check_spec.py: Coder parity of summaries and tags, examples on every JSON
#      request body and successful response, a 401 on every authenticated operation.
# Installs the pinned tools into build/tools on first use. Exits non-zero when any step fails
# (all three run, so one run shows every problem).
#
# usage: scripts/spec/lint.sh [SPEC]     (default: openapi/openapi.json)
#        LINT_FORMAT=codeframe scripts/spec/lint.sh   # Redocly's own output format instead of
#                                                     # one line per problem with its JSON pointer
#        SPEC_EXAMPLES=warn scripts/spec/lint.sh     # report missing examples without failing
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$REPO_ROOT"
# shellcheck source=scripts/spec/tools.sh
. scripts/spec/tools.sh

spec="${1:-openapi/openapi.json}"
[ -f "$spec" ] || { echo "lint: no OpenAPI document at $spec" >&2; exit 2; }
ensure_venv
ensure_redocly

failed=()

echo "== openapi-spec-validator $spec"
if ! "$VENV_BIN/openapi-spec-validator" --validation-errors all "$spec"; then
  failed+=(openapi-spec-validator)
fi

echo "== redocly lint $spec (rules: redocly.yaml)"
if [ -n "${LINT_FORMAT:-}" ]; then
  set +e
  "$REDOCLY" lint "$spec" --config redocly.yaml --lint-config error --max-problems 1000 \
    --format "$LINT_FORMAT" 2>&1 | grep -v -E '^ *[║╔╚]'
  rc=${PIPESTATUS[0]}
  set -e
else
  # One line per problem with its JSON pointer (line numbers move whenever the document is
  # regenerated; pointers name the operation or schema to fix).
  out="$(mktemp)"
  trap 'rm -f "$out"' EXIT
  set +e
  "$REDOCLY" lint "$spec" --config redocly.yaml --lint-config error --max-problems 1000 \
    --format json >"$out" 2>"$out.err"
  rc=$?
  set -e
  python3 - "$out" "$out.err" <<'PY' || rc=1
import json, sys
raw = open(sys.argv[1]).read()
try:
    report = json.loads(raw)
except ValueError:
    sys.stdout.write(raw)
    sys.stdout.write(open(sys.argv[2]).read())
    sys.exit(1)
for p in report.get("problems", []):
    where = ", ".join(l.get("pointer") or "" for l in p.get("location", []))
    sev = {"warn": "warning"}.get(p["severity"], p["severity"])
    print(f"{sev:8} {p['ruleId']:40} {where}  {p['message']}")
t = report.get("totals", {})
print(f"redocly: {t.get('errors', 0)} errors, {t.get('warnings', 0)} warnings, {t.get('ignored', 0)} ignored")
PY
  rm -f "$out.err"
fi
[ "$rc" -eq 0 ] || failed+=("redocly lint")

echo "== check_spec.py $spec"
python3 scripts/spec/check_spec.py --spec "$spec" || failed+=(check_spec)

if [ ${#failed[@]} -gt 0 ]; then
  echo "lint: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "lint: OK"
