-- The workspace plane, part 1: uploaded files, templates and their versions, the provisioner job
-- queue with its logs, provisioner keys and daemons, and what an import job leaves behind
-- (parameters, presets, resources). Settings that are read whole and never queried are JSON text.

CREATE TABLE files (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    mimetype TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE UNIQUE INDEX files_hash_created_by ON files (hash, created_by);

CREATE TABLE templates (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    icon TEXT NOT NULL DEFAULT '',
    provisioner TEXT NOT NULL,
    active_version_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    user_acl TEXT NOT NULL DEFAULT '{}',
    group_acl TEXT NOT NULL DEFAULT '{}',
    settings TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX templates_org_name_live ON templates (organization_id, lower(name)) WHERE NOT deleted;

CREATE TABLE template_versions (
    id TEXT PRIMARY KEY,
    template_id TEXT,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    readme TEXT NOT NULL DEFAULT '',
    job_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    has_external_agent BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX template_versions_template ON template_versions (template_id, created_at);
CREATE UNIQUE INDEX template_versions_template_name ON template_versions (template_id, lower(name));
CREATE UNIQUE INDEX template_versions_job ON template_versions (job_id);

CREATE TABLE provisioner_jobs (
    id TEXT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    canceled_at TIMESTAMP,
    completed_at TIMESTAMP,
    error TEXT,
    error_code TEXT NOT NULL DEFAULT '',
    organization_id TEXT NOT NULL,
    initiator_id TEXT NOT NULL,
    provisioner TEXT NOT NULL,
    file_id TEXT NOT NULL,
    job_type TEXT NOT NULL,
    input TEXT NOT NULL DEFAULT '{}',
    worker_id TEXT,
    tags TEXT NOT NULL DEFAULT '{}'
);
-- The queue: pending jobs oldest first, per organization.
CREATE INDEX provisioner_jobs_pending ON provisioner_jobs (organization_id, created_at) WHERE started_at IS NULL;
CREATE INDEX provisioner_jobs_worker ON provisioner_jobs (worker_id, completed_at);
CREATE INDEX provisioner_jobs_running ON provisioner_jobs (updated_at) WHERE started_at IS NOT NULL AND completed_at IS NULL;

CREATE TABLE provisioner_job_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL REFERENCES provisioner_jobs (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    source TEXT NOT NULL,
    level TEXT NOT NULL,
    stage TEXT NOT NULL,
    output TEXT NOT NULL
);
CREATE INDEX provisioner_job_logs_job ON provisioner_job_logs (job_id, id);

CREATE TABLE provisioner_keys (
    id TEXT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    hashed_secret BLOB NOT NULL,
    tags TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX provisioner_keys_org_name ON provisioner_keys (organization_id, lower(name));
CREATE UNIQUE INDEX provisioner_keys_secret ON provisioner_keys (hashed_secret);

CREATE TABLE provisioner_daemons (
    id TEXT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    name TEXT NOT NULL,
    provisioners TEXT NOT NULL DEFAULT '[]',
    replica_id TEXT,
    tags TEXT NOT NULL DEFAULT '{}',
    owner_tag TEXT NOT NULL DEFAULT '',
    last_seen_at TIMESTAMP,
    version TEXT NOT NULL DEFAULT '',
    api_version TEXT NOT NULL DEFAULT '1.0',
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    key_id TEXT NOT NULL
);
CREATE UNIQUE INDEX provisioner_daemons_identity ON provisioner_daemons (organization_id, name, lower(owner_tag));
CREATE INDEX provisioner_daemons_key ON provisioner_daemons (key_id);

CREATE TABLE template_version_parameters (
    template_version_id TEXT NOT NULL REFERENCES template_versions (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    ephemeral BOOLEAN NOT NULL DEFAULT FALSE,
    data TEXT NOT NULL,
    PRIMARY KEY (template_version_id, name)
);

CREATE TABLE template_version_presets (
    id TEXT PRIMARY KEY,
    template_version_id TEXT NOT NULL REFERENCES template_versions (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_invalidated_at TIMESTAMP,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX template_version_presets_version ON template_version_presets (template_version_id);

CREATE TABLE provisioner_job_resources (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL REFERENCES provisioner_jobs (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    transition TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX provisioner_job_resources_job ON provisioner_job_resources (job_id);
