-- OAuth2 applications (clients) and their client secrets. List columns hold JSON arrays.
CREATE TABLE oauth2_provider_apps (
    id TEXT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    name TEXT NOT NULL,
    icon TEXT NOT NULL DEFAULT '',
    callback_url TEXT NOT NULL,
    redirect_uris TEXT NOT NULL DEFAULT '[]',
    client_type TEXT NOT NULL DEFAULT 'confidential',
    dynamically_registered BOOLEAN NOT NULL DEFAULT FALSE,
    grant_types TEXT NOT NULL DEFAULT '["authorization_code","refresh_token"]',
    response_types TEXT NOT NULL DEFAULT '["code"]',
    token_endpoint_auth_method TEXT NOT NULL DEFAULT 'client_secret_basic'
);
CREATE INDEX oauth2_provider_apps_name ON oauth2_provider_apps (name, id);

-- Only the SHA-256 of a secret's secret part is kept; the prefix finds the row.
CREATE TABLE oauth2_provider_app_secrets (
    id TEXT PRIMARY KEY,
    app_id TEXT NOT NULL REFERENCES oauth2_provider_apps (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NULL,
    hashed_secret BLOB NOT NULL,
    display_secret TEXT NOT NULL,
    secret_prefix TEXT NOT NULL UNIQUE
);
CREATE INDEX oauth2_provider_app_secrets_app ON oauth2_provider_app_secrets (app_id, created_at);
