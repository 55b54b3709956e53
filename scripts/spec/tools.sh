# shellcheck shell=bash
# Installs the pinned spec/docs/client tools into build/tools (gitignored) when missing or when
# their pins changed. Sourced by the scripts under scripts/spec, scripts/docs and
# scripts/clients; needs python3 (3.11+) with venv, node (20.19+) and npm, and the PyPI and npm
# registries.
#
#   build/tools/venv        openapi-spec-validator, openapi-python-client  (scripts/spec/requirements.txt)
#   build/tools/redocly     @redocly/cli                                   (scripts/spec/package*.json)
#   build/tools/typescript  openapi-typescript, openapi-fetch, typescript  (clients/typescript/package*.json)
#   build/tools/oidc        oidc-provider                                  (scripts/oidc/package*.json)
#
# Each install is stamped with the hash of its pin files, so editing a pin reinstalls it.

REPO_ROOT="${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
TOOLS_DIR="$REPO_ROOT/build/tools"

# Redocly: no telemetry and no update check (the machines reach the package registries only).
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true
export NO_UPDATE_NOTIFIER=1

_tools_hash() { cat "$@" | sha256sum | cut -d' ' -f1; }

_tools_log() { echo "[tools] $*" >&2; }

# ensure_venv: build/tools/venv with the pinned Python tools; exports VENV_BIN.
ensure_venv() {
  local req="$REPO_ROOT/scripts/spec/requirements.txt"
  local dir="$TOOLS_DIR/venv"
  local want
  want="$(_tools_hash "$req")"
  if [ ! -x "$dir/bin/python" ] || [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$want" ]; then
    _tools_log "installing Python tools into ${dir#"$REPO_ROOT"/}"
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$req"
    echo "$want" >"$dir/.stamp"
  fi
  VENV_BIN="$dir/bin"
  export VENV_BIN
}

# _ensure_npm NAME SRC_DIR: npm ci of SRC_DIR/package{,-lock}.json into build/tools/NAME.
_ensure_npm() {
  local name="$1" src="$2"
  local dir="$TOOLS_DIR/$name"
  local want
  want="$(_tools_hash "$src/package.json" "$src/package-lock.json")"
  if [ ! -d "$dir/node_modules" ] || [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$want" ]; then
    _tools_log "installing npm tools into ${dir#"$REPO_ROOT"/} (npm ci)"
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$src/package.json" "$src/package-lock.json" "$dir/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" >"$dir/.stamp"
  fi
}

# ensure_redocly: exports REDOCLY (the redocly CLI).
ensure_redocly() {
  _ensure_npm redocly "$REPO_ROOT/scripts/spec"
  REDOCLY="$TOOLS_DIR/redocly/node_modules/.bin/redocly"
  export REDOCLY
}

# ensure_ts_tools: exports TS_TOOLS (the dir whose node_modules holds the TypeScript tools).
ensure_ts_tools() {
  _ensure_npm typescript "$REPO_ROOT/clients/typescript"
  TS_TOOLS="$TOOLS_DIR/typescript"
  export TS_TOOLS
}

# ensure_oidc_provider: build/tools/oidc with panva/oidc-provider (scripts/oidc/package*.json),
# the real OpenID provider of the OIDC login tests.
ensure_oidc_provider() {
  _ensure_npm oidc "$REPO_ROOT/scripts/oidc"
}
