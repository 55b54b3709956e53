#!/usr/bin/env bash
# Builds the static HTML API docs site from the OpenAPI document with Redocly's `build-docs`
# (Redoc), into build/site/index.html: one self-contained file (the Redoc bundle is inlined with
# --inlineBundle; Redoc's default theme uses system fonts), so it works offline, from file://.
#
# Then checks the page: it must load no external script, stylesheet, font or frame (exit 1 if it
# does), and, when Chromium is installed (`apt-get install chromium`), renders it headless and
# checks that every operation of the document is listed on the rendered page.
#
# usage: scripts/docs/build_site.sh [SPEC] [OUT]   (defaults: openapi/openapi.json build/site/index.html)
#        SITE_SCREENSHOT=path.png scripts/docs/build_site.sh   # also save a screenshot (Chromium)
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$REPO_ROOT"
# shellcheck source=scripts/spec/tools.sh
. scripts/spec/tools.sh

spec="${1:-openapi/openapi.json}"
out="${2:-build/site/index.html}"
ensure_redocly
mkdir -p "$(dirname "$out")"

title="$(python3 -c 'import json,sys; i=json.load(open(sys.argv[1])).get("info",{}); print(i.get("title","API"), "reference")' "$spec")"
"$REDOCLY" build-docs "$spec" --config redocly.yaml --inlineBundle --title "$title" --output "$out" 2>&1 \
  | grep -v -E '^ *[║╔╚]' | grep -v '^\s*$' || true
[ -s "$out" ] || { echo "build_site: $out was not written" >&2; exit 1; }

# Offline check: no external resource is loaded by the page itself (links in the text, such as
# the license URL, are fine).
python3 - "$out" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
ext = r"(?:https?:)?//"
patterns = {
    "script": rf"<script\b[^>]*\bsrc\s*=\s*[\"']?{ext}",
    "stylesheet/font link": rf"<link\b[^>]*\bhref\s*=\s*[\"']?{ext}",
    "frame": rf"<i?frame\b[^>]*\bsrc\s*=\s*[\"']?{ext}",
    "css @import": rf"@import\s+(?:url\()?[\"']?{ext}",
    "css font/url()": rf"url\(\s*[\"']?{ext}(?!www\.w3\.org)",
}
bad = []
for what, pat in patterns.items():
    for m in re.finditer(pat, html, re.I):
        bad.append(f"{what}: {html[m.start():m.start() + 120]!r}")
if bad:
    print("build_site: the page loads external resources (not offline):")
    for b in bad[:20]:
        print("  " + b)
    sys.exit(1)
print(f"build_site: {sys.argv[1]} ({len(html) // 1024} KiB) loads no external script, style, font or frame")
PY

# Rendered check, when a headless Chromium is available.
chrome="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$chrome" ]; then
  echo "build_site: Chromium not installed; skipped the rendered check (apt-get install chromium)"
  exit 0
fi
abs="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
if [ -n "${SITE_SCREENSHOT:-}" ]; then
  profile="$(mktemp -d)"
  timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --virtual-time-budget=15000 --window-size=1400,1000 \
    --screenshot="$SITE_SCREENSHOT" "file://$abs" >/dev/null 2>&1 || true
  rm -rf "$profile"
  echo "build_site: screenshot in $SITE_SCREENSHOT"
fi
# Redoc shows one tag's operations in the navigation when the page is opened at `#/<tag>`:
# open it once per tag and look for every operation's summary in the rendered text.
python3 - "$chrome" "$spec" "$abs" <<'PY'
import html as h, json, re, shutil, subprocess, sys, tempfile

chrome, spec_path, page = sys.argv[1:4]
spec = json.load(open(spec_path, encoding="utf-8"))
methods = ("get", "put", "post", "delete", "patch", "options", "head", "trace")


def rendered_text(url: str) -> str:
    profile = tempfile.mkdtemp()
    try:
        dom = subprocess.run(
            [chrome, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=15000", "--dump-dom", url],
            capture_output=True, text=True, timeout=120,
        ).stdout
    except subprocess.TimeoutExpired:
        dom = ""
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    # Only what Redoc rendered, not the copy of the document embedded in a script.
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", dom, flags=re.S)
    return re.sub(r"\s+", " ", h.unescape(re.sub(r"<[^>]+>", " ", body)))


def variants(summary: str) -> list[str]:
    """The summary as the navigation shows it (raw), and with code spans rendered as text."""
    raw = re.sub(r"\s+", " ", summary or "").strip()
    return [raw, re.sub(r"`([^`]*)`", r"\1", raw)]


by_tag: dict[str, list[list[str]]] = {}
for path, item in spec.get("paths", {}).items():
    for method, op in item.items():
        if method in methods and isinstance(op, dict):
            tag = (op.get("tags") or ["default"])[0]
            by_tag.setdefault(tag, []).append(variants(op.get("summary") or f"{method.upper()} {path}"))
missing, total = [], 0
for tag, summaries in sorted(by_tag.items()):
    slug = re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-")
    text = rendered_text(f"file://{page}#/{slug}")
    if not text.strip():
        print(f"build_site: the page rendered nothing at #/{slug}")
        sys.exit(1)
    for v in summaries:
        total += 1
        if not any(x in text for x in v):
            missing.append(f"{tag}: {v[0]}")
if missing:
    print("build_site: operations missing from the rendered page:")
    for m in missing:
        print("  " + m)
    sys.exit(1)
print(f"build_site: rendered headless: all {total} operations listed under their {len(by_tag)} tags")
PY
