-- What SCIM sent about users and groups that Coder has no column for.
CREATE TABLE scim_users (
    user_id TEXT PRIMARY KEY,
    user_name TEXT NOT NULL,
    external_id TEXT NULL,
    attributes TEXT NOT NULL DEFAULT '{}',
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX scim_users_user_name ON scim_users (lower(user_name));

CREATE TABLE scim_groups (
    group_id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    external_id TEXT NULL,
    attributes TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
