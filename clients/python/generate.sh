#!/usr/bin/env bash
# Generates the Python client from openapi/openapi.json with openapi-python-client (pinned in
# scripts/spec/requirements.txt) into build/clients/python/coderd_client (not committed).
# It needs httpx and attrs at run time (both in build/tools/venv). Use it with:
#
#   PYTHONPATH=build/clients/python build/tools/venv/bin/python
#   >>> from coderd_client import AuthenticatedClient
#   >>> from coderd_client.api.users import get_user_by_name
#   >>> c = AuthenticatedClient("http://127.0.0.1:3000", token=KEY, prefix="", auth_header_name="Coder-Session-Token")
#   >>> get_user_by_name.sync(user="me", client=c).username
#
# usage: clients/python/generate.sh [SPEC]   (default: openapi/openapi.json)
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$REPO_ROOT"
# shellcheck source=scripts/spec/tools.sh
. scripts/spec/tools.sh

spec="${1:-openapi/openapi.json}"
out="build/clients/python"
ensure_venv

mkdir -p "$out"
rm -rf "$out/coderd_client"
# The generator formats its output with ruff (from the same venv) in post-hooks.
PATH="$VENV_BIN:$PATH" "$VENV_BIN/openapi-python-client" generate \
  --path "$spec" --config clients/python/config.yaml --meta none \
  --output-path "$out/coderd_client" --overwrite --fail-on-warning
[ -f "$out/coderd_client/client.py" ] || { echo "generate: openapi-python-client wrote nothing" >&2; exit 1; }
PYTHONPATH="$out" "$VENV_BIN/python" -c 'import coderd_client, coderd_client.api, coderd_client.models'
echo "generate: Python client in $out/coderd_client"
