#!/usr/bin/env python3
"""Runs scim2-tester (a third-party SCIM 2.0 conformance checker) against a live coderd.

usage: tester.py <base url of /scim/v2> <scim key>

Prints one line per check and exits 1 when any check fails or errors. Run by the HTTP test
`scim::scim2_tester_passes` with the venv from scripts/scim/tools.sh.
"""

import sys

import httpx2 as httpx
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server


def main() -> int:
    base, key = sys.argv[1], sys.argv[2]
    http = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30)
    client = SyncSCIMClient(http)
    results = check_server(client)
    failed = 0
    for r in results:
        status = r.status.name if hasattr(r.status, "name") else str(r.status)
        line = f"{status:8} {r.title}"
        if r.reason:
            line += f" :: {r.reason}"
        print(line, flush=True)
        if r.status in (Status.ERROR, Status.CRITICAL) or status in ("ERROR", "CRITICAL"):
            failed += 1
    print(f"scim2-tester: {len(results)} checks, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
