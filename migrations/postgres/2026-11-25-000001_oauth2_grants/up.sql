-- RFC 7591 metadata of applications and the hash of a dynamically registered client's
-- registration access token.
ALTER TABLE oauth2_provider_apps ADD COLUMN client_id_issued_at TIMESTAMP NULL;
-- The RFC 7591 metadata a client registered (scope, contacts, URIs, key set, software), as a
-- JSON object: it is only ever read and written whole.
ALTER TABLE oauth2_provider_apps ADD COLUMN client_metadata TEXT NOT NULL DEFAULT '{}';
ALTER TABLE oauth2_provider_apps ADD COLUMN registration_access_token BYTEA NULL;

-- Authorization codes: single use (redeemed_at is set once, atomically), ten minutes long.
-- A redeemed code is kept until it expires, so that a replay can revoke what it issued.
CREATE TABLE oauth2_provider_app_codes (
    id TEXT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    secret_prefix TEXT NOT NULL UNIQUE,
    hashed_secret BYTEA NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    app_id TEXT NOT NULL REFERENCES oauth2_provider_apps (id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    redirect_uri_given BOOLEAN NOT NULL,
    scope TEXT NOT NULL,
    resource_uri TEXT NOT NULL DEFAULT '',
    code_challenge TEXT NOT NULL,
    code_challenge_method TEXT NOT NULL,
    redeemed_at TIMESTAMP NULL,
    grant_id TEXT NULL
);
CREATE INDEX oauth2_provider_app_codes_app_user ON oauth2_provider_app_codes (app_id, user_id);
CREATE INDEX oauth2_provider_app_codes_expires ON oauth2_provider_app_codes (expires_at);

-- A grant: what one user allowed one application, from one code exchange to its revocation.
-- Every refresh token of a rotation chain belongs to it; revoking it revokes them all.
CREATE TABLE oauth2_provider_app_grants (
    id TEXT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    app_id TEXT NOT NULL REFERENCES oauth2_provider_apps (id) ON DELETE CASCADE,
    app_secret_id TEXT NULL REFERENCES oauth2_provider_app_secrets (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    audience TEXT NOT NULL DEFAULT ''
);
CREATE INDEX oauth2_provider_app_grants_user_app ON oauth2_provider_app_grants (user_id, app_id);
CREATE INDEX oauth2_provider_app_grants_app ON oauth2_provider_app_grants (app_id);
CREATE INDEX oauth2_provider_app_grants_secret ON oauth2_provider_app_grants (app_secret_id);

-- Refresh tokens. A rotated one is kept, spent, so that its reuse is detected (RFC 9700).
CREATE TABLE oauth2_provider_app_tokens (
    id TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL REFERENCES oauth2_provider_app_grants (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    hash_prefix TEXT NOT NULL UNIQUE,
    refresh_hash BYTEA NOT NULL,
    api_key_id TEXT NULL REFERENCES api_keys (id) ON DELETE SET NULL,
    spent_at TIMESTAMP NULL
);
CREATE INDEX oauth2_provider_app_tokens_grant ON oauth2_provider_app_tokens (grant_id);
CREATE INDEX oauth2_provider_app_tokens_api_key ON oauth2_provider_app_tokens (api_key_id);
CREATE INDEX oauth2_provider_app_tokens_expires ON oauth2_provider_app_tokens (expires_at);
