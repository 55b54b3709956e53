-- Workspace proxies. Names are unique among live proxies, case-insensitively; deleted rows stay
-- (soft delete) so a deleted proxy can still be read by id and its token refused by name.
CREATE TABLE workspace_proxies (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    icon TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    wildcard_hostname TEXT NOT NULL DEFAULT '',
    derp_enabled BOOLEAN NOT NULL DEFAULT TRUE,
    derp_only BOOLEAN NOT NULL DEFAULT FALSE,
    region_id INTEGER NOT NULL UNIQUE,
    token_hashed_secret BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    version TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX workspace_proxies_lower_name ON workspace_proxies (lower(name)) WHERE NOT deleted;
