#!/usr/bin/env python3
"""Smoke test of the generated Python client (openapi-python-client) against a live coderd with
a fresh database, whose base URL is in $CODER_URL.

Every call goes through the generated operation modules and models (`coderd_client`, from
build/clients/python; run clients/python/generate.sh first), so a spec change that renames an
operation, a parameter, a schema or a field fails here with an ImportError, a TypeError or a
parse error. No call falls back to the raw httpx client. Exits 1 on the first unexpected
result; prints one line per step and a closing count.

Run by scripts/clients/smoke.sh (which generates the client and starts a server).
"""

from __future__ import annotations

import os
import random
import string
import sys
from http import HTTPStatus
from pathlib import Path
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "build" / "clients" / "python"))

from coderd_client import AuthenticatedClient, Client  # noqa: E402
from coderd_client.api.authorization import log_in_user  # noqa: E402
from coderd_client.api.enterprise import create_group_for_organization, get_entitlements, get_licenses  # noqa: E402
from coderd_client.api.users import (  # noqa: E402
    create_initial_user,
    create_new_user,
    create_token_api_key,
    get_user_by_name,
    get_users,
)
from coderd_client.models import (  # noqa: E402
    CodersdkCreateFirstUserRequest,
    CodersdkCreateFirstUserResponse,
    CodersdkCreateGroupRequest,
    CodersdkEntitlements,
    CodersdkGroup,
    CodersdkCreateTokenRequest,
    CodersdkCreateUserRequestWithOrgs,
    CodersdkGenerateAPIKeyResponse,
    CodersdkGetUsersResponse,
    CodersdkLoginWithPasswordRequest,
    CodersdkLoginWithPasswordResponse,
    CodersdkResponse,
    CodersdkUser,
    CodersdkUserStatus,
)
from coderd_client.types import Response  # noqa: E402

NIL_UUID = UUID("00000000-0000-0000-0000-000000000000")
PASSWORD = "SmokeTest-Passw0rd!"
passed = 0


class SmokeFailure(Exception):
    pass


def check(cond: object, what: str) -> None:
    if not cond:
        raise SmokeFailure(what)


def ok(what: str) -> None:
    global passed
    passed += 1
    print(f"ok {passed} - {what}", flush=True)


def expect(resp: Response, status: int, model: type, what: str):
    """The parsed body of a response with the wanted status, parsed as the wanted model."""
    body = resp.content.decode("utf-8", "replace")[:300]
    check(resp.status_code == status, f"{what}: expected HTTP {status}, got {int(resp.status_code)} {body}")
    check(isinstance(resp.parsed, model), f"{what}: body is not a {model.__name__}: {resp.parsed!r} {body}")
    return resp.parsed


def session_client(base_url: str, token: str) -> AuthenticatedClient:
    # Coder's header, not the generator's default `Authorization: Bearer`.
    return AuthenticatedClient(
        base_url=base_url, token=token, prefix="", auth_header_name="Coder-Session-Token", raise_on_unexpected_status=False
    )


def main() -> None:
    base_url = os.environ.get("CODER_URL", "").rstrip("/")
    check(base_url, "CODER_URL is not set")
    suffix = "".join(random.choices(string.ascii_lowercase + string.digits, k=6))
    owner_email, owner_name = f"owner-{suffix}@example.com", f"owner-{suffix}"
    member_email, member_name = f"member-{suffix}@example.com", f"member-py-{suffix}"

    anon = Client(base_url=base_url, raise_on_unexpected_status=False)

    # 1. Create the first user (the owner) and the default organization.
    first = expect(
        create_initial_user.sync_detailed(
            client=anon,
            body=CodersdkCreateFirstUserRequest(
                email=owner_email, username=owner_name, password=PASSWORD, name="Smoke Owner", trial=True
            ),
        ),
        HTTPStatus.CREATED,
        CodersdkCreateFirstUserResponse,
        "POST /api/v2/users/first",
    )
    owner_id, org_id = first.user_id, first.organization_id
    ok(f"created the first user {owner_name}")

    # 2. Log in with the password.
    login = expect(
        log_in_user.sync_detailed(client=anon, body=CodersdkLoginWithPasswordRequest(email=owner_email, password=PASSWORD)),
        HTTPStatus.CREATED,
        CodersdkLoginWithPasswordResponse,
        "POST /api/v2/users/login",
    )
    session = login.session_token
    check("-" in session, f"login: unexpected session token shape {session!r}")
    ok("logged in")
    authed = session_client(base_url, session)

    # 3. Who am I?
    me = expect(get_user_by_name.sync_detailed(user="me", client=authed), HTTPStatus.OK, CodersdkUser, "GET /api/v2/users/me")
    check(str(me.id) == str(owner_id), f"me: id {me.id}, expected {owner_id}")
    check(me.username == owner_name, f"me: username {me.username}")
    check(me.status == CodersdkUserStatus.ACTIVE, f"me: status {me.status}")
    check(any(r.name == "owner" for r in me.roles), f"me: roles {[r.name for r in me.roles]} lack owner")
    check(str(org_id) in [str(o) for o in me.organization_ids], "me: not in the default organization")
    ok("GET /api/v2/users/me returns the owner")

    # 3b. The trial license: entitlements, the license list, and a licensed feature (groups).
    ent = expect(get_entitlements.sync_detailed(client=anon), HTTPStatus.OK, CodersdkEntitlements, "GET /api/v2/entitlements")
    check(ent.has_license and ent.trial, f"entitlements: has_license {ent.has_license}, trial {ent.trial}")
    rbac = ent.features["template_rbac"]
    check(rbac.enabled and rbac.entitlement.value == "entitled", f"entitlements: template_rbac {rbac}")
    ok("the trial license entitles premium features")
    licenses = get_licenses.sync_detailed(client=authed)
    check(licenses.status_code == HTTPStatus.OK and isinstance(licenses.parsed, list), f"GET /api/v2/licenses: {licenses.status_code}")
    check(len(licenses.parsed) == 1 and licenses.parsed[0].claims["trial"] is True, f"licenses: {licenses.parsed!r}")
    ok("GET /api/v2/licenses lists the trial license")
    group = expect(
        create_group_for_organization.sync_detailed(
            organization=str(org_id), client=authed, body=CodersdkCreateGroupRequest(name=f"smoke-{suffix}", quota_allowance=5)
        ),
        HTTPStatus.CREATED,
        CodersdkGroup,
        "POST /api/v2/organizations/{organization}/groups",
    )
    check(group.quota_allowance == 5, f"create group: {group!r}")
    ok("created a group (a licensed feature)")

    # 4. Create a user in the default organization (the nil UUID stands for it).
    member = expect(
        create_new_user.sync_detailed(
            client=authed,
            body=CodersdkCreateUserRequestWithOrgs(
                email=member_email, username=member_name, password=PASSWORD, organization_ids=[NIL_UUID]
            ),
        ),
        HTTPStatus.CREATED,
        CodersdkUser,
        "POST /api/v2/users",
    )
    check(member.username == member_name and member.email == member_email, f"create user: got {member.username} {member.email}")
    check(str(org_id) in [str(o) for o in member.organization_ids], f"create user: organization_ids {member.organization_ids}")
    ok(f"created user {member_name}")

    # 5. List users with a search query.
    page = expect(get_users.sync_detailed(client=authed, q=member_name), HTTPStatus.OK, CodersdkGetUsersResponse, "GET /api/v2/users?q=")
    names = [u.username for u in page.users]
    check(member_name in names, f"list users: {member_name} not in {names}")
    check(owner_name not in names, f"list users: the search for {member_name} also returned {owner_name}")
    check(page.count >= max(1, len(page.users)), f"list users: count {page.count}")
    ok(f"GET /api/v2/users?q={member_name} finds exactly the new user")

    # 6. Create a token and use it.
    token = expect(
        create_token_api_key.sync_detailed(user="me", client=authed, body=CodersdkCreateTokenRequest(token_name=f"smoke-{suffix}")),
        HTTPStatus.CREATED,
        CodersdkGenerateAPIKeyResponse,
        "POST /api/v2/users/me/keys/tokens",
    )
    check(token.key and token.key != session, "create token: no key, or the session token")
    ok("created an API token")
    me2 = expect(
        get_user_by_name.sync_detailed(user="me", client=session_client(base_url, token.key)),
        HTTPStatus.OK,
        CodersdkUser,
        "GET /api/v2/users/me with the token",
    )
    check(str(me2.id) == str(owner_id), "GET /api/v2/users/me with the token: not the owner")
    ok("the token authenticates as the owner")

    # 7. Error envelopes.
    again = expect(
        create_initial_user.sync_detailed(
            client=anon, body=CodersdkCreateFirstUserRequest(email="other@example.com", username="other", password=PASSWORD)
        ),
        HTTPStatus.CONFLICT,
        CodersdkResponse,
        "POST /api/v2/users/first again",
    )
    check(again.message, "409 without a message")
    ok(f"second first user: 409 {{'message': {again.message!r}}}")

    bad = expect(
        create_new_user.sync_detailed(
            client=authed,
            body=CodersdkCreateUserRequestWithOrgs(
                email=f"bad-{suffix}@example.com", username="not a valid name!", password=PASSWORD, organization_ids=[NIL_UUID]
            ),
        ),
        HTTPStatus.BAD_REQUEST,
        CodersdkResponse,
        "POST /api/v2/users with an invalid username",
    )
    fields = [v.field for v in (bad.validations or [])]
    check(bad.message and "username" in fields, f"400: message {bad.message!r}, validations {fields} do not name username")
    ok("invalid username: 400 with validations[].field = username")

    # A fresh client: `anon` keeps the coder_session_token cookie that login set.
    fresh = Client(base_url=base_url, raise_on_unexpected_status=False)
    no_auth = expect(
        get_user_by_name.sync_detailed(user="me", client=fresh),  # type: ignore[arg-type]  (deliberately unauthenticated)
        HTTPStatus.UNAUTHORIZED,
        CodersdkResponse,
        "GET /api/v2/users/me without a token",
    )
    check(no_auth.message, "401 without a message")
    ok("no token: 401 with the error envelope")


if __name__ == "__main__":
    try:
        main()
    except SmokeFailure as e:
        print(f"not ok {passed + 1} - {e}", file=sys.stderr)
        print(f"python: {passed} passed, 1 failed")
        sys.exit(1)
    except Exception as e:  # a parse error of the generated models, a connection error, ...
        import traceback

        traceback.print_exc()
        print(f"not ok {passed + 1} - {type(e).__name__}: {e}", file=sys.stderr)
        print(f"python: {passed} passed, 1 failed")
        sys.exit(1)
    print(f"python: {passed} passed, 0 failed")
