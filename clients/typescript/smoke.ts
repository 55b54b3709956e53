// Smoke test of the generated TypeScript client (openapi-typescript types + openapi-fetch)
// against a live coderd with a fresh database, whose base URL is in $CODER_URL.
//
// Every call goes through the types generated from openapi/openapi.json, so a spec change that
// renames a path, a parameter or a field fails `tsc --noEmit` before anything runs.
// Exits 1 on the first unexpected result; prints one line per step and a closing count.
//
// Run by scripts/clients/smoke.sh (which generates the types, type-checks and starts a server).
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Schemas = components["schemas"];
type User = Schemas["codersdk.User"];
type ErrorEnvelope = Schemas["codersdk.Response"];

const NIL_UUID = "00000000-0000-0000-0000-000000000000";
const baseUrl = (process.env.CODER_URL ?? "").replace(/\/+$/, "");
let passed = 0;

class SmokeFailure extends Error {}

function check(cond: unknown, what: string): asserts cond {
  if (!cond) throw new SmokeFailure(what);
}

function expectStatus(res: Response, want: number, what: string, body?: unknown): void {
  check(res.status === want, `${what}: expected HTTP ${want}, got ${res.status} ${JSON.stringify(body ?? null)}`);
}

function ok(what: string): void {
  passed += 1;
  console.log(`ok ${passed} - ${what}`);
}

function isEnvelope(e: unknown): e is ErrorEnvelope {
  return typeof e === "object" && e !== null && typeof (e as ErrorEnvelope).message === "string";
}

async function main(): Promise<void> {
  check(baseUrl !== "", "CODER_URL is not set");
  const suffix = Math.random().toString(36).slice(2, 8);
  const owner = { email: `owner-${suffix}@example.com`, username: `owner-${suffix}`, password: "SmokeTest-Passw0rd!" };
  const member = { email: `member-${suffix}@example.com`, username: `member-ts-${suffix}`, password: "SmokeTest-Passw0rd!" };

  const anon = createClient<paths>({ baseUrl });

  // 1. Create the first user (the owner) and the default organization.
  const first = await anon.POST("/api/v2/users/first", {
    body: { email: owner.email, username: owner.username, password: owner.password, name: "Smoke Owner", trial: true },
  });
  expectStatus(first.response, 201, "POST /api/v2/users/first", first.error);
  check(first.data, "create first user: no body");
  const ownerId: string = first.data.user_id;
  const orgId: string = first.data.organization_id;
  check(ownerId && orgId, "create first user: user_id and organization_id expected");
  ok(`created the first user ${owner.username}`);

  // 2. Log in with the password.
  const login = await anon.POST("/api/v2/users/login", { body: { email: owner.email, password: owner.password } });
  expectStatus(login.response, 201, "POST /api/v2/users/login", login.error);
  check(login.data, "login: no body");
  const session: string = login.data.session_token;
  check(/^[A-Za-z0-9]+-[A-Za-z0-9]+$/.test(session), `login: unexpected session token shape ${session}`);
  ok("logged in");

  const authed = createClient<paths>({ baseUrl, headers: { "Coder-Session-Token": session } });

  // 3. Who am I?
  const me = await authed.GET("/api/v2/users/{user}", { params: { path: { user: "me" } } });
  expectStatus(me.response, 200, "GET /api/v2/users/me", me.error);
  check(me.data, "me: no body");
  const meUser: User = me.data;
  check(meUser.id === ownerId, `me: id ${meUser.id}, expected ${ownerId}`);
  check(meUser.username === owner.username, `me: username ${meUser.username}`);
  check(meUser.status === "active", `me: status ${meUser.status}`);
  check(meUser.roles.some((r) => r.name === "owner"), `me: roles ${JSON.stringify(meUser.roles)} lack owner`);
  check(meUser.organization_ids.includes(orgId), "me: not in the default organization");
  ok("GET /api/v2/users/me returns the owner");

  // 3b. The trial license: entitlements, the license list, and a licensed feature (groups).
  const ent = await anon.GET("/api/v2/entitlements");
  expectStatus(ent.response, 200, "GET /api/v2/entitlements", ent.error);
  check(ent.data, "entitlements: no body");
  check(ent.data.has_license && ent.data.trial, `entitlements: has_license ${ent.data.has_license}, trial ${ent.data.trial}`);
  const rbac = ent.data.features["template_rbac"];
  check(rbac?.enabled && rbac.entitlement === "entitled", `entitlements: template_rbac ${JSON.stringify(rbac)}`);
  ok("the trial license entitles premium features");
  const licenses = await authed.GET("/api/v2/licenses");
  expectStatus(licenses.response, 200, "GET /api/v2/licenses", licenses.error);
  check(licenses.data?.length === 1 && licenses.data[0]?.claims?.["trial"] === true, `licenses: ${JSON.stringify(licenses.data)}`);
  ok("GET /api/v2/licenses lists the trial license");
  const group = await authed.POST("/api/v2/organizations/{organization}/groups", {
    params: { path: { organization: orgId } },
    body: { name: `smoke-${suffix}`, quota_allowance: 5 },
  });
  expectStatus(group.response, 201, "POST /api/v2/organizations/{organization}/groups", group.error);
  check(group.data?.quota_allowance === 5, `create group: ${JSON.stringify(group.data)}`);
  ok("created a group (a licensed feature)");

  // 4. Create a user in the default organization (the nil UUID stands for it).
  const created = await authed.POST("/api/v2/users", {
    body: {
      email: member.email,
      username: member.username,
      password: member.password,
      organization_ids: [NIL_UUID],
    },
  });
  expectStatus(created.response, 201, "POST /api/v2/users", created.error);
  check(created.data, "create user: no body");
  const memberUser: User = created.data;
  check(memberUser.username === member.username, `create user: username ${memberUser.username}`);
  check(memberUser.email === member.email, `create user: email ${memberUser.email}`);
  check(memberUser.organization_ids.includes(orgId), `create user: organization_ids ${JSON.stringify(memberUser.organization_ids)}`);
  ok(`created user ${member.username}`);

  // 5. List users with a search query.
  const list = await authed.GET("/api/v2/users", { params: { query: { q: member.username } } });
  expectStatus(list.response, 200, "GET /api/v2/users?q=", list.error);
  check(list.data, "list users: no body");
  const found = list.data.users.map((u) => u.username);
  check(found.includes(member.username), `list users: ${member.username} not in ${JSON.stringify(found)}`);
  check(!found.includes(owner.username), `list users: the search for ${member.username} also returned ${owner.username}`);
  check(list.data.count >= 1 && list.data.count >= list.data.users.length, `list users: count ${list.data.count}`);
  ok(`GET /api/v2/users?q=${member.username} finds exactly the new user`);

  // 6. Create a token and use it.
  const token = await authed.POST("/api/v2/users/{user}/keys/tokens", {
    params: { path: { user: "me" } },
    body: { token_name: `smoke-${suffix}` },
  });
  expectStatus(token.response, 201, "POST /api/v2/users/me/keys/tokens", token.error);
  check(token.data, "create token: no body");
  const key: string = token.data.key;
  check(key && key !== session, "create token: no key, or the session token");
  ok("created an API token");

  const viaToken = createClient<paths>({ baseUrl, headers: { "Coder-Session-Token": key } });
  const me2 = await viaToken.GET("/api/v2/users/{user}", { params: { path: { user: "me" } } });
  expectStatus(me2.response, 200, "GET /api/v2/users/me with the token", me2.error);
  check(me2.data?.id === ownerId, "GET /api/v2/users/me with the token: not the owner");
  ok("the token authenticates as the owner");

  // 7. Error envelopes.
  const again = await anon.POST("/api/v2/users/first", {
    body: { email: "other@example.com", username: "other", password: owner.password },
  });
  expectStatus(again.response, 409, "POST /api/v2/users/first again", again.error);
  check(isEnvelope(again.error) && again.error.message.length > 0, `409 without the error envelope: ${JSON.stringify(again.error)}`);
  ok(`second first user: 409 {"message": ${JSON.stringify(again.error.message)}}`);

  const bad = await authed.POST("/api/v2/users", {
    body: { email: `bad-${suffix}@example.com`, username: "not a valid name!", password: member.password, organization_ids: [NIL_UUID] },
  });
  expectStatus(bad.response, 400, "POST /api/v2/users with an invalid username", bad.error);
  check(isEnvelope(bad.error), `400 without the error envelope: ${JSON.stringify(bad.error)}`);
  const fields = (bad.error.validations ?? []).map((v) => v.field);
  check(fields.includes("username"), `400: validations ${JSON.stringify(bad.error.validations)} do not name username`);
  ok("invalid username: 400 with validations[].field = username");

  const noAuth = await anon.GET("/api/v2/users/{user}", { params: { path: { user: "me" } } });
  expectStatus(noAuth.response, 401, "GET /api/v2/users/me without a token", noAuth.error);
  check(isEnvelope(noAuth.error), `401 without the error envelope: ${JSON.stringify(noAuth.error)}`);
  ok("no token: 401 with the error envelope");
}

main().then(
  () => {
    console.log(`typescript: ${passed} passed, 0 failed`);
  },
  (err: unknown) => {
    const msg = err instanceof SmokeFailure ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    console.error(`not ok ${passed + 1} - ${msg}`);
    console.log(`typescript: ${passed} passed, 1 failed`);
    process.exit(1);
  },
);
