-- Connection logs: one row per session an agent reports (SSH, VS Code, JetBrains, terminal),
-- opened by its connect event and closed by its disconnect event.
CREATE TABLE connection_logs (
    id TEXT PRIMARY KEY,
    connect_time TIMESTAMP NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    workspace_owner_id TEXT NOT NULL,
    workspace_id TEXT NOT NULL,
    workspace_name TEXT NOT NULL,
    agent_name TEXT NOT NULL,
    type TEXT NOT NULL,
    ip TEXT,
    code INTEGER,
    connection_id TEXT,
    disconnect_time TIMESTAMP,
    disconnect_reason TEXT
);
CREATE UNIQUE INDEX connection_logs_session ON connection_logs (connection_id, workspace_id, agent_name);
CREATE INDEX connection_logs_connect_time ON connection_logs (connect_time DESC, id);
CREATE INDEX connection_logs_org ON connection_logs (organization_id, connect_time DESC);
CREATE INDEX connection_logs_owner ON connection_logs (workspace_owner_id);
CREATE INDEX connection_logs_workspace ON connection_logs (workspace_id);
