#!/usr/bin/env bash
# Builds Coder's web dashboard, unmodified, from a Coder source checkout, into a directory the
# server serves with `--site-dir` / `CODER_SITE_DIR` (the same steps that made
# ../shared/coder-dashboard/coder-dashboard.tar.gz; see its README).
#
# Usage: scripts/build-dashboard.sh CODER_CHECKOUT [OUT_DIR]
#   CODER_CHECKOUT  a clone of github.com/coder/coder (or a fork) at the commit you want
#   OUT_DIR         where the build goes (default build/dashboard); it is replaced
#
# Needs Node 20 or later and network access to the npm registry (pnpm is run through npx).
# Coder's dashboard is AGPL-3.0 (Coder's repository); this only builds it.
set -euo pipefail
src="${1:?usage: $0 CODER_CHECKOUT [OUT_DIR]}"
out="$(realpath -m "${2:-build/dashboard}")"
[ -f "$src/site/package.json" ] || { echo "$src/site/package.json not found: not a Coder checkout" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$src/site" "$work/site"
cd "$work/site"

# A storybook-only dev dependency the public registry does not serve.
node -e '
  const fs = require("fs");
  const p = JSON.parse(fs.readFileSync("package.json", "utf8"));
  for (const k of ["dependencies", "devDependencies"]) if (p[k]) delete p[k]["@coder/pixel-storybook"];
  fs.writeFileSync("package.json", JSON.stringify(p, null, 2));
'
npx --yes pnpm@10.33.2 install --no-frozen-lockfile --ignore-scripts --config.engine-strict=false

# Coder's own Vite configuration, minus its type-checker plugin (it checks, it does not build).
cat > vite.nocheck.mts <<'JS'
import base from "./vite.config.mts";
const env = { mode: "production", command: "build" };
const cfg = typeof base === "function" ? await base(env) : base;
cfg.plugins = (cfg.plugins ?? []).flat().filter((p) => !(p && String(p.name ?? "").includes("checker")));
export default cfg;
JS
NODE_ENV=production npx --yes pnpm@10.33.2 exec vite build --config vite.nocheck.mts

# Source maps are not needed to serve it.
find out -name '*.map' -delete
rm -rf "$out"
mkdir -p "$(dirname "$out")"
cp -r out "$out"
echo "dashboard built into $out; run the server with --site-dir $out"
