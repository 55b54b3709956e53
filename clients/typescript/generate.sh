#!/usr/bin/env bash
# Generates the TypeScript client types from openapi/openapi.json with openapi-typescript into
# build/clients/typescript/schema.d.ts (not committed), next to a copy of smoke.ts and
# tsconfig.json, with the pinned npm tools (openapi-typescript, openapi-fetch, typescript)
# linked in as node_modules. Use the types with openapi-fetch:
#
#   import createClient from "openapi-fetch";
#   import type { paths } from "./schema.js";
#   const client = createClient<paths>({ baseUrl: "http://127.0.0.1:3000" });
#
# usage: clients/typescript/generate.sh [SPEC]   (default: openapi/openapi.json)
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$REPO_ROOT"
# shellcheck source=scripts/spec/tools.sh
. scripts/spec/tools.sh

spec="${1:-openapi/openapi.json}"
out="build/clients/typescript"
ensure_ts_tools

mkdir -p "$out"
rm -rf "$out/dist" "$out/schema.d.ts"
# openapi-typescript lints its input with Redocly and would pick up the repo's strict
# redocly.yaml (whose findings are scripts/spec/lint.sh's business, not a reason to refuse to
# generate): give it a config with only the structural check (is this a valid document).
cat >"$out/redocly.yaml" <<'YAML'
# Written by clients/typescript/generate.sh: the checks openapi-typescript applies while
# generating. The project's lint rules are in the repo's redocly.yaml (scripts/spec/lint.sh).
extends: []
rules:
  struct: error
YAML
"$TS_TOOLS/node_modules/.bin/openapi-typescript" "$spec" --redocly "$out/redocly.yaml" --output "$out/schema.d.ts"
[ -s "$out/schema.d.ts" ] || { echo "generate: openapi-typescript wrote nothing" >&2; exit 1; }
cp clients/typescript/smoke.ts clients/typescript/tsconfig.json "$out/"
cat >"$out/package.json" <<'JSON'
{ "private": true, "type": "module" }
JSON
ln -sfn "$TS_TOOLS/node_modules" "$out/node_modules"
echo "generate: TypeScript client types in $out/schema.d.ts"
