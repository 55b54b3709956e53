#!/usr/bin/env python3
"""Authorization accounting: every operation that acts for a signed-in caller must be seen, in
the test suite, refusing a caller who may not use it (a 403, or a 404 that the authorization
layer produced, as opposed to a missing row).

The HTTP tests run with CODERD_AUTHZ_ACCOUNTING pointing at a file; the server appends
`METHOD ROUTE` to it for each refusal (crates/transport/src/middleware.rs). This script lists the
operations of the OpenAPI document that authenticate with a session token and never appear in
that file, and fails naming them. Operations with nothing to refuse are exempt, each with its
reason below.

Usage: authz_accounting.py openapi.json refusals.log
"""

import json
import os
import re
import sys

# Operations every signed-in caller may use on their own behalf, so no caller is refused.
EXEMPT = {
    "POST /api/v2/users/logout": "ends the caller's own session",
    "POST /api/v2/authcheck": "answers about the caller; the answers are the refusals (tested in authcheck.rs)",
    "GET /api/v2/users/me/gitsshkey": "the caller's own key",
    "PUT /api/v2/users/me/gitsshkey": "the caller's own key",
    "GET /api/v2/auth/scopes": "a public list of scope names",
    "GET /api/v2/users/authmethods": "public",
    "GET /api/v2/entitlements": "public, as in Coder",
    "GET /api/v2/buildinfo": "public",
    "GET /api/v2/updatecheck": "public",
    "GET /api/v2/experiments": "every signed-in caller",
    "GET /api/v2/experiments/available": "every signed-in caller",
    "GET /api/v2/appearance": "every signed-in caller (the dashboard reads it)",
    "GET /api/v2/workspaceproxies/me/coordinate": "proxy credentials, not a session",
    "GET /api/v2/notifications/templates/system": "anyone may read the system templates (Coder's dbauthz)",
    "GET /api/v2/notifications/templates/custom": "anyone may read the custom templates (Coder's dbauthz)",
    "GET /api/v2/notifications/dispatch-methods": "the deployment's methods, for every signed-in caller, as in Coder",
    "GET /api/v2/workspaceagents/me/rpc": "an agent's token, not a user's session",
    "GET /api/v2/notifications/inbox/watch": "the caller's own inbox (a scoped key is refused by the list, tested in inbox.rs)",
    "PUT /api/v2/notifications/inbox/mark-all-as-read": "the caller's own inbox",
}

# Lists answer 200 with only what the caller may see: their refused-caller test is one that
# lists as a caller who may not see everything, named here (checked to exist).
LISTS = {
    "GET /api/v2/users": "lists_show_only_what_the_caller_may_see",
    "GET /api/v2/organizations": "lists_show_only_what_the_caller_may_see",
    "GET /api/v2/templates": "lists_show_only_what_the_caller_may_see",
    "GET /api/v2/groups": "lists_show_only_what_the_caller_may_see",
    "GET /api/v2/workspaces": "lists_honour_scopes_and_allow_lists",
    "GET /api/v2/licenses": "lists_show_only_what_the_caller_may_see",
    "GET /api/v2/regions": "experiments_update_check_regions_and_csp_reports",
}

METHODS = ("get", "post", "put", "patch", "delete")


def test_names(root: str) -> set:
    """Names of the HTTP tests (`dual_test!(name, ...)` and `fn name(`)."""
    names = set()
    for dirpath, _, files in os.walk(root):
        for f in files:
            if f.endswith(".rs"):
                with open(os.path.join(dirpath, f)) as fh:
                    for a, b in re.findall(r"dual_test(?:_with)?!\(\s*(\w+)|fn (\w+)\(", fh.read()):
                        names.add(a or b)
    return names


def main() -> int:
    doc_path, log_path = sys.argv[1], sys.argv[2]
    with open(doc_path) as f:
        doc = json.load(f)
    try:
        with open(log_path) as f:
            refused = {line.strip() for line in f if line.strip()}
    except FileNotFoundError:
        refused = set()
    needed = []
    for path, item in doc["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            schemes = {name for req in op.get("security", []) for name in req}
            if "CoderSessionToken" not in schemes:
                continue
            key = f"{method.upper()} {path}"
            if key in EXEMPT:
                continue
            needed.append(key)
    tests = test_names(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crates", "coderd", "tests"))
    stale = sorted(k for k, t in LISTS.items() if t not in tests)
    if stale:
        print("list operations whose named test does not exist: " + ", ".join(stale))
        return 1
    missing = sorted(k for k in needed if k not in refused and k not in LISTS)
    covered = len(needed) - len(missing)
    print(f"authz accounting: {covered} of {len(needed)} session-authenticated operations have a refused-caller test")
    if missing:
        print("operations without a test in which an unauthorized caller is refused:")
        for k in missing:
            print(f"  {k}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
