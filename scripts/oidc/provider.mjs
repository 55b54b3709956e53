// A real OpenID provider on loopback for the OIDC login tests: panva/oidc-provider with its
// development login and consent forms (any password is accepted; the login names the account).
//
// Usage: node provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI CLAIMS_FILE
//
// CLAIMS_FILE is a JSON object {account: {claim: value}} read at every token, so a test can
// change an account's claims between logins. An account whose claims hold "tamper": true gets an
// ID token whose payload is altered after signing (the signature no longer matches). Prints
// "ready" once listening.

import fs from 'node:fs';
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri, claimsFile] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const readClaims = (id) => {
  const all = JSON.parse(fs.readFileSync(claimsFile, 'utf8'));
  return all[id] || { email: `${id}@example.com`, email_verified: true };
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username', 'picture'],
    groups: ['groups', 'roles', 'orgs', 'siteroles'],
  },
  scopes: ['openid', 'email', 'profile', 'groups', 'offline_access'],
  // Every claim in the ID token too, so the tests see both sources.
  conformIdTokenClaims: false,
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, ...readClaims(id) }),
  }),
  pkce: { required: () => false },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['a-test-cookie-signing-key-0123456789'] },
  ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 600, Grant: 600 },
});
provider.proxy = false;

// Tampering: alter a signed ID token's payload for accounts that ask for it.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || !ctx.body || typeof ctx.body !== 'object' || !ctx.body.id_token) return;
  const [h, p, s] = ctx.body.id_token.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  const claims = readClaims(payload.sub);
  if (claims.tamper) {
    payload.email = 'mallory@example.com';
    ctx.body = { ...ctx.body, id_token: [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.') };
  }
});

provider.listen(Number(port), '127.0.0.1', () => {
  console.log('ready');
});
