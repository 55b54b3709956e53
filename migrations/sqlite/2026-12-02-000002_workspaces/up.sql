-- The workspace plane, part 2: workspaces, their builds (each with a provisioner job), the
-- parameter values of each build, and the agents a build's resources declare.

CREATE TABLE workspaces (
    id TEXT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    owner_id TEXT NOT NULL REFERENCES users (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    template_id TEXT NOT NULL REFERENCES templates (id),
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    name TEXT NOT NULL,
    autostart_schedule TEXT,
    ttl_ms BIGINT,
    last_used_at TIMESTAMP NOT NULL,
    automatic_updates TEXT NOT NULL DEFAULT 'never'
);
CREATE UNIQUE INDEX workspaces_owner_name_live ON workspaces (owner_id, lower(name)) WHERE NOT deleted;
CREATE INDEX workspaces_template_live ON workspaces (template_id) WHERE NOT deleted;
CREATE INDEX workspaces_org_owner ON workspaces (organization_id, owner_id);

CREATE TABLE workspace_builds (
    id TEXT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    template_version_id TEXT NOT NULL,
    build_number INTEGER NOT NULL,
    transition TEXT NOT NULL,
    initiator_id TEXT NOT NULL,
    job_id TEXT NOT NULL,
    deadline TIMESTAMP,
    max_deadline TIMESTAMP,
    reason TEXT NOT NULL DEFAULT 'initiator',
    daily_cost INTEGER NOT NULL DEFAULT 0,
    has_external_agent BOOLEAN,
    provisioner_state BLOB
);
CREATE UNIQUE INDEX workspace_builds_number ON workspace_builds (workspace_id, build_number);
CREATE UNIQUE INDEX workspace_builds_job ON workspace_builds (job_id);

CREATE TABLE workspace_build_parameters (
    workspace_build_id TEXT NOT NULL REFERENCES workspace_builds (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (workspace_build_id, name)
);

CREATE TABLE workspace_agents (
    id TEXT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    resource_id TEXT NOT NULL,
    job_id TEXT NOT NULL,
    name TEXT NOT NULL,
    auth_token TEXT NOT NULL,
    auth_instance_id TEXT,
    operating_system TEXT NOT NULL,
    architecture TEXT NOT NULL,
    directory TEXT NOT NULL DEFAULT '',
    lifecycle_state TEXT NOT NULL DEFAULT 'created',
    first_connected_at TIMESTAMP,
    last_connected_at TIMESTAMP,
    disconnected_at TIMESTAMP,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX workspace_agents_token ON workspace_agents (auth_token);
CREATE INDEX workspace_agents_job ON workspace_agents (job_id);
