//! Connection logs.

use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::rfc3339;

/// Coder's `codersdk.MinimalOrganization`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::MinimalOrganization)]
pub struct MinimalOrganization {
    /// Identity.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Shown name.
    pub display_name: String,
    /// Icon.
    pub icon: String,
}

/// Coder's `codersdk.ConnectionLogSSHInfo`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::ConnectionLogSSHInfo)]
pub struct ConnectionLogSshInfo {
    /// The agent's id of the session.
    pub connection_id: Uuid,
    /// When it closed.
    #[serde(skip_serializing_if = "Option::is_none", with = "rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub disconnect_time: Option<OffsetDateTime>,
    /// Why it closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disconnect_reason: Option<String>,
    /// The session's exit code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
}

/// Coder's `codersdk.ConnectionLog`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::ConnectionLog)]
pub struct ConnectionLog {
    /// Identity.
    pub id: Uuid,
    /// When the session opened.
    #[serde(with = "rfc3339")]
    pub connect_time: OffsetDateTime,
    /// The workspace's organization.
    pub organization: MinimalOrganization,
    /// The workspace's owner.
    pub workspace_owner_id: Uuid,
    /// Their username.
    pub workspace_owner_username: String,
    /// The workspace.
    pub workspace_id: Uuid,
    /// Its name when the session opened.
    pub workspace_name: String,
    /// The agent.
    pub agent_name: String,
    /// The client's address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// `ssh`, `vscode`, `jetbrains`, `reconnecting_pty`, `workspace_app`, `port_forwarding`.
    #[serde(rename = "type")]
    pub kind: String,
    /// For agent sessions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssh_info: Option<ConnectionLogSshInfo>,
}

impl From<&domain::connectionlog::ConnectionLogView> for ConnectionLog {
    fn from(v: &domain::connectionlog::ConnectionLogView) -> Self {
        let l = &v.log;
        let agent_session = matches!(l.kind.as_str(), "ssh" | "vscode" | "jetbrains" | "reconnecting_pty");
        Self {
            id: l.id,
            connect_time: l.connect_time,
            organization: MinimalOrganization {
                id: v.organization.id,
                name: v.organization.name.clone(),
                display_name: v.organization.display_name.clone(),
                icon: v.organization.icon.clone(),
            },
            workspace_owner_id: l.workspace_owner_id,
            workspace_owner_username: v.workspace_owner_username.clone(),
            workspace_id: l.workspace_id,
            workspace_name: l.workspace_name.clone(),
            agent_name: l.agent_name.clone(),
            ip: l.ip.clone(),
            kind: l.kind.clone(),
            ssh_info: agent_session.then(|| ConnectionLogSshInfo {
                connection_id: l.connection_id.unwrap_or_default(),
                disconnect_time: l.disconnect_time,
                disconnect_reason: l.disconnect_reason.clone(),
                exit_code: l.code,
            }),
        }
    }
}

/// Coder's `codersdk.ConnectionLogResponse`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::ConnectionLogResponse, example = json!({"connection_logs": [{"id": "3c4d5e6f-7081-4923-a4b5-c6d7e8f90a1b", "connect_time": "2026-01-02T03:04:05Z", "organization": {"id": "1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30", "name": "coder", "display_name": "Coder", "icon": ""}, "workspace_owner_id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "workspace_owner_username": "ada", "workspace_id": "0a1b2c3d-4e5f-4607-8a9b-0c1d2e3f4a5b", "workspace_name": "dev", "agent_name": "main", "ip": "10.0.0.7", "type": "ssh", "ssh_info": {"connection_id": "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d", "disconnect_time": "2026-01-02T03:14:05Z", "disconnect_reason": "process exited", "exit_code": 0}}], "count": 1, "count_cap": 2000}))]
pub struct ConnectionLogResponse {
    /// This page, newest first.
    pub connection_logs: Vec<ConnectionLog>,
    /// Matching rows, counted up to `count_cap` + 1.
    pub count: i64,
    /// Where counting stops.
    pub count_cap: i64,
}
