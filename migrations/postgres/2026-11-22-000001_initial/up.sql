-- Users, API keys, organizations, members, groups and per-user settings.
-- UUIDs are stored as text and timestamps as UTC without zone so one query set serves
-- PostgreSQL and SQLite alike.

CREATE TABLE site_configs (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    username TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    avatar_url TEXT NOT NULL DEFAULT '',
    hashed_password TEXT NOT NULL DEFAULT '',
    login_type TEXT NOT NULL,
    status TEXT NOT NULL,
    rbac_roles TEXT NOT NULL DEFAULT '[]',
    is_service_account BOOLEAN NOT NULL DEFAULT FALSE,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_username_live ON users (lower(username)) WHERE NOT deleted;
CREATE UNIQUE INDEX users_email_live ON users (lower(email)) WHERE NOT deleted AND email <> '';
CREATE INDEX users_created_at ON users (created_at);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    hashed_secret BYTEA NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_used TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    login_type TEXT NOT NULL,
    lifetime_seconds BIGINT NOT NULL,
    token_name TEXT NOT NULL DEFAULT '',
    scopes TEXT NOT NULL DEFAULT '[]',
    allow_list TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX api_keys_user ON api_keys (user_id);
CREATE UNIQUE INDEX api_keys_token_name ON api_keys (user_id, token_name) WHERE login_type = 'token';

CREATE TABLE user_configs (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);

CREATE TABLE gitsshkeys (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    private_key TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    icon TEXT NOT NULL DEFAULT '',
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX organizations_name ON organizations (lower(name));
CREATE UNIQUE INDEX organizations_single_default ON organizations (is_default) WHERE is_default;

CREATE TABLE organization_members (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    roles TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX organization_members_user ON organization_members (user_id);

CREATE TABLE groups (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    avatar_url TEXT NOT NULL DEFAULT '',
    quota_allowance BIGINT NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'user'
);
CREATE UNIQUE INDEX groups_org_name ON groups (organization_id, lower(name));

CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);
