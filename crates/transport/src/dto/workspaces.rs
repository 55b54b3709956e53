//! Workspaces, builds, resources and agents.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::rfc3339;
use super::templates::{MatchedProvisioners, ProvisionerJob};
use crate::de::null_default;

/// Coder's `codersdk.WorkspaceBuildParameter`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::WorkspaceBuildParameter, example = json!({"name": "region", "value": "eu"}))]
pub struct WorkspaceBuildParameter {
    /// Parameter name.
    pub name: String,
    /// Its value.
    pub value: String,
}

/// Coder's `codersdk.CreateWorkspaceRequest`.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::CreateWorkspaceRequest, example = json!({"template_id": "2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091", "name": "dev", "rich_parameter_values": [{"name": "region", "value": "eu"}]}))]
pub struct CreateWorkspaceRequest {
    /// The template (or give `template_version_id`).
    pub template_id: Option<Uuid>,
    /// A version of the template (or give `template_id` for the active one).
    pub template_version_id: Option<Uuid>,
    /// Name: letters, digits and inner hyphens, at most 32 characters.
    #[serde(default, deserialize_with = "null_default")]
    #[schema(max_length = 32)]
    pub name: String,
    /// Autostart cron schedule.
    pub autostart_schedule: Option<String>,
    /// Time to live after a start (at least a minute, at most 30 days; 0 for the template's).
    #[schema(minimum = 0)]
    pub ttl_ms: Option<i64>,
    /// Parameter values.
    #[serde(default, deserialize_with = "null_default")]
    pub rich_parameter_values: Vec<WorkspaceBuildParameter>,
    /// `always` or `never`.
    #[serde(default, deserialize_with = "null_default")]
    #[schema(pattern = "^(always|never)?$")]
    pub automatic_updates: String,
}

/// Coder's `codersdk.CreateWorkspaceBuildRequest`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(as = codersdk::CreateWorkspaceBuildRequest, example = json!({"transition": "stop"}))]
pub struct CreateWorkspaceBuildRequest {
    /// `start`, `stop` or `delete`.
    #[serde(default, deserialize_with = "null_default")]
    #[schema(pattern = "^(start|stop|delete)$")]
    pub transition: String,
    /// The version to build (default: the latest build's).
    pub template_version_id: Option<Uuid>,
    /// Parameter values that change.
    #[serde(default, deserialize_with = "null_default")]
    pub rich_parameter_values: Vec<WorkspaceBuildParameter>,
}

/// Coder's `codersdk.WorkspaceAgentHealth`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::WorkspaceAgentHealth)]
pub struct WorkspaceAgentHealth {
    /// Whether the agent is healthy.
    pub healthy: bool,
    /// Why not.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// Coder's `codersdk.WorkspaceAgent` (the fields this server tracks).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::WorkspaceAgent, example = json!({"id": "6f5e4d3c-2b1a-4f0e-9d8c-7b6a5f4e3d2c", "parent_id": null, "created_at": "2026-01-02T03:04:05Z", "updated_at": "2026-01-02T03:04:05Z", "status": "connecting", "lifecycle_state": "created", "name": "main", "resource_id": "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d", "architecture": "amd64", "operating_system": "linux", "environment_variables": null, "logs_length": 0, "logs_overflowed": false, "version": "", "api_version": "", "apps": [], "connection_timeout_seconds": 120, "troubleshooting_url": "", "subsystems": [], "display_apps": [], "log_sources": [], "scripts": [], "startup_script_behavior": "non-blocking", "health": {"healthy": false, "reason": "agent has not yet connected"}}))]
pub struct WorkspaceAgent {
    /// Identity.
    pub id: Uuid,
    /// Parent agent (dev containers); null.
    pub parent_id: Option<Uuid>,
    /// Created.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last changed.
    #[serde(with = "rfc3339")]
    pub updated_at: OffsetDateTime,
    /// First connection.
    #[serde(skip_serializing_if = "Option::is_none", with = "rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub first_connected_at: Option<OffsetDateTime>,
    /// Latest connection.
    #[serde(skip_serializing_if = "Option::is_none", with = "rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_connected_at: Option<OffsetDateTime>,
    /// Latest disconnection.
    #[serde(skip_serializing_if = "Option::is_none", with = "rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub disconnected_at: Option<OffsetDateTime>,
    /// `connecting`, `connected`, `disconnected`, `timeout`.
    pub status: String,
    /// `created`, `starting`, `ready`, ...
    pub lifecycle_state: String,
    /// Name.
    pub name: String,
    /// Its resource.
    pub resource_id: Uuid,
    /// Cloud instance identity it authenticates with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// Architecture.
    pub architecture: String,
    /// Operating system.
    pub operating_system: String,
    /// Environment (null when none).
    #[schema(value_type = Option<Object>)]
    pub environment_variables: Option<serde_json::Value>,
    /// Bytes of startup logs.
    pub logs_length: i64,
    /// Logs were cut short.
    pub logs_overflowed: bool,
    /// Working directory.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub directory: String,
    /// The agent's version (once connected).
    pub version: String,
    /// The agent's API version (once connected).
    pub api_version: String,
    /// Apps.
    #[schema(value_type = Vec<Object>)]
    pub apps: Vec<serde_json::Value>,
    /// Seconds before a never-connected agent times out.
    pub connection_timeout_seconds: i32,
    /// Where to look when it does not connect.
    pub troubleshooting_url: String,
    /// Subsystems.
    pub subsystems: Vec<String>,
    /// Built-in apps shown.
    pub display_apps: Vec<String>,
    /// Log sources.
    #[schema(value_type = Vec<Object>)]
    pub log_sources: Vec<serde_json::Value>,
    /// Scripts.
    #[schema(value_type = Vec<Object>)]
    pub scripts: Vec<serde_json::Value>,
    /// `blocking` or `non-blocking`.
    pub startup_script_behavior: String,
    /// Health.
    pub health: WorkspaceAgentHealth,
}

impl From<&domain::workspaces::Agent> for WorkspaceAgent {
    fn from(a: &domain::workspaces::Agent) -> Self {
        let timeout = a.data["connection_timeout_seconds"].as_i64().unwrap_or(0) as i32;
        let status = domain::workspaces::agents::agent_status(a, domain::clock::now());
        let reason = match status {
            "connecting" => "agent has not yet connected",
            "timeout" => "agent is taking too long to connect",
            "disconnected" => "agent has lost connection",
            _ => "",
        };
        Self {
            id: a.id,
            parent_id: None,
            created_at: a.created_at,
            updated_at: a.updated_at,
            first_connected_at: a.first_connected_at,
            last_connected_at: a.last_connected_at,
            disconnected_at: a.disconnected_at,
            status: status.to_string(),
            lifecycle_state: a.lifecycle_state.clone(),
            name: a.name.clone(),
            resource_id: a.resource_id,
            instance_id: a.auth_instance_id.clone(),
            architecture: a.architecture.clone(),
            operating_system: a.operating_system.clone(),
            environment_variables: None,
            logs_length: 0,
            logs_overflowed: false,
            directory: a.directory.clone(),
            version: a.data["version"].as_str().unwrap_or("").to_string(),
            api_version: a.data["api_version"].as_str().unwrap_or("").to_string(),
            apps: a.data["apps"].as_array().cloned().unwrap_or_default(),
            connection_timeout_seconds: timeout,
            troubleshooting_url: a.data["troubleshooting_url"].as_str().unwrap_or("").to_string(),
            subsystems: a.data["subsystems"]
                .as_array()
                .map(|v| v.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
                .unwrap_or_default(),
            display_apps: Vec::new(),
            log_sources: Vec::new(),
            scripts: Vec::new(),
            startup_script_behavior: "non-blocking".into(),
            health: WorkspaceAgentHealth { healthy: reason.is_empty(), reason: reason.into() },
        }
    }
}

/// Coder's `codersdk.WorkspaceResourceMetadata`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::WorkspaceResourceMetadata)]
pub struct WorkspaceResourceMetadata {
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
    /// Hidden in the UI.
    pub sensitive: bool,
}

/// Coder's `codersdk.WorkspaceResource`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::WorkspaceResource, example = json!({"id": "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d", "created_at": "2026-01-02T03:04:05Z", "job_id": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", "workspace_transition": "start", "type": "docker_container", "name": "box", "hide": false, "icon": "", "daily_cost": 0}))]
pub struct WorkspaceResource {
    /// Identity.
    pub id: Uuid,
    /// Recorded.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// The job that declared it.
    pub job_id: Uuid,
    /// `start`, `stop` or `delete`.
    pub workspace_transition: String,
    /// Terraform type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Name.
    pub name: String,
    /// Hidden in the UI.
    pub hide: bool,
    /// Icon.
    pub icon: String,
    /// Its agents.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub agents: Vec<WorkspaceAgent>,
    /// Metadata.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub metadata: Vec<WorkspaceResourceMetadata>,
    /// Quota credits per day.
    pub daily_cost: i32,
}

impl WorkspaceResource {
    /// Builds the wire form from a stored resource and the agents that run in it.
    pub fn of(r: &domain::templates::JobResource, agents: &[domain::workspaces::Agent]) -> Self {
        let d = &r.data;
        Self {
            id: r.id,
            created_at: r.created_at,
            job_id: r.job_id,
            workspace_transition: r.transition.clone(),
            kind: d["type"].as_str().unwrap_or("").to_string(),
            name: d["name"].as_str().unwrap_or("").to_string(),
            hide: d["hide"].as_bool().unwrap_or(false),
            icon: d["icon"].as_str().unwrap_or("").to_string(),
            agents: agents.iter().filter(|a| a.resource_id == r.id).map(WorkspaceAgent::from).collect(),
            metadata: d["metadata"]
                .as_array()
                .map(|m| {
                    m.iter()
                        .map(|x| WorkspaceResourceMetadata {
                            key: x["key"].as_str().unwrap_or("").into(),
                            value: x["value"].as_str().unwrap_or("").into(),
                            sensitive: x["sensitive"].as_bool().unwrap_or(false),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            daily_cost: d["daily_cost"].as_i64().unwrap_or(0) as i32,
        }
    }
}

/// Coder's `codersdk.WorkspaceBuild`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::WorkspaceBuild, example = json!({"id": "1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7081", "created_at": "2026-01-02T03:04:05Z", "updated_at": "2026-01-02T03:04:05Z", "workspace_id": "0a1b2c3d-4e5f-4607-8a9b-0c1d2e3f4a5b", "workspace_name": "dev", "workspace_owner_id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "workspace_owner_name": "ada", "template_version_id": "7c6b5a49-3827-4615-8f4e-3d2c1b0a9f8e", "template_version_name": "v1", "build_number": 1, "transition": "start", "initiator_id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "initiator_name": "ada", "job": {"id": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", "created_at": "2026-01-02T03:04:05Z", "status": "succeeded", "file_id": "0d8f5e4a-3c2b-4a19-8f7e-6d5c4b3a2910", "tags": {"owner": "", "scope": "organization"}, "queue_position": 0, "queue_size": 0, "organization_id": "1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30", "initiator_id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "input": {"workspace_build_id": "1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7081"}, "type": "workspace_build", "metadata": {"template_version_name": "", "template_id": "00000000-0000-0000-0000-000000000000", "template_name": "", "template_display_name": "", "template_icon": ""}, "logs_overflowed": false}, "reason": "initiator", "resources": [], "deadline": null, "max_deadline": null, "status": "running", "daily_cost": 0, "matched_provisioners": {"count": 0, "available": 0, "most_recently_seen": null}, "template_version_preset_id": null}))]
pub struct WorkspaceBuild {
    /// Identity.
    pub id: Uuid,
    /// Created.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last changed.
    #[serde(with = "rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Its workspace.
    pub workspace_id: Uuid,
    /// The workspace's name.
    pub workspace_name: String,
    /// The workspace's owner.
    pub workspace_owner_id: Uuid,
    /// The owner's username.
    pub workspace_owner_name: String,
    /// The version built.
    pub template_version_id: Uuid,
    /// Its name.
    pub template_version_name: String,
    /// 1, 2, ...
    pub build_number: i32,
    /// `start`, `stop` or `delete`.
    pub transition: String,
    /// Who started it.
    pub initiator_id: Uuid,
    /// Their username.
    pub initiator_name: String,
    /// Its job.
    pub job: ProvisionerJob,
    /// Why it ran.
    pub reason: String,
    /// What its job declared.
    pub resources: Vec<WorkspaceResource>,
    /// When the workspace stops.
    #[serde(with = "rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub deadline: Option<OffsetDateTime>,
    /// When it stops at the latest.
    #[serde(with = "rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub max_deadline: Option<OffsetDateTime>,
    /// `pending`, `starting`, `running`, `stopping`, `stopped`, `failed`, `canceling`, `canceled`, `deleting`, `deleted`.
    pub status: String,
    /// Quota credits per day.
    pub daily_cost: i32,
    /// Daemons that could take its job.
    pub matched_provisioners: MatchedProvisioners,
    /// The preset used (null).
    pub template_version_preset_id: Option<Uuid>,
    /// Whether its resources include an external agent (once it completed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_external_agent: Option<bool>,
}

impl WorkspaceBuild {
    /// Builds the wire form.
    pub fn of(v: &domain::workspaces::builds::BuildView, workspace: &domain::workspaces::Workspace, owner_name: &str) -> Self {
        let b = &v.build;
        Self {
            id: b.id,
            created_at: b.created_at,
            updated_at: b.updated_at,
            workspace_id: b.workspace_id,
            workspace_name: workspace.name.clone(),
            workspace_owner_id: workspace.owner_id,
            workspace_owner_name: owner_name.to_string(),
            template_version_id: b.template_version_id,
            template_version_name: v.template_version_name.clone(),
            build_number: b.build_number,
            transition: b.transition.as_str().into(),
            initiator_id: b.initiator_id,
            initiator_name: v.initiator.as_ref().map(|u| u.username.clone()).unwrap_or_default(),
            job: ProvisionerJob::from(&v.job),
            reason: b.reason.clone(),
            resources: v.resources.iter().map(|r| WorkspaceResource::of(r, &v.agents)).collect(),
            deadline: b.deadline,
            max_deadline: b.max_deadline,
            status: v.status().into(),
            daily_cost: b.daily_cost,
            matched_provisioners: MatchedProvisioners { count: 0, available: 0, most_recently_seen: None },
            template_version_preset_id: None,
            has_external_agent: b.has_external_agent,
        }
    }
}

/// Coder's `codersdk.WorkspaceHealth`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::WorkspaceHealth)]
pub struct WorkspaceHealth {
    /// No agent is failing.
    pub healthy: bool,
    /// Agents that are.
    pub failing_agents: Vec<Uuid>,
}

/// Coder's `codersdk.Workspace`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::Workspace, example = json!({"id": "0a1b2c3d-4e5f-4607-8a9b-0c1d2e3f4a5b", "created_at": "2026-01-02T03:04:05Z", "updated_at": "2026-01-02T03:04:05Z", "owner_id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "owner_name": "ada", "owner_avatar_url": "", "organization_id": "1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30", "organization_name": "coder", "template_id": "2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091", "template_name": "docker", "template_display_name": "Docker", "template_icon": "", "template_allow_user_cancel_workspace_jobs": false, "template_active_version_id": "7c6b5a49-3827-4615-8f4e-3d2c1b0a9f8e", "template_require_active_version": false, "template_use_classic_parameter_flow": false, "latest_build": {"id": "1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7081", "created_at": "2026-01-02T03:04:05Z", "updated_at": "2026-01-02T03:04:05Z", "workspace_id": "0a1b2c3d-4e5f-4607-8a9b-0c1d2e3f4a5b", "workspace_name": "dev", "workspace_owner_id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "workspace_owner_name": "ada", "template_version_id": "7c6b5a49-3827-4615-8f4e-3d2c1b0a9f8e", "template_version_name": "v1", "build_number": 1, "transition": "start", "initiator_id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "initiator_name": "ada", "job": {"id": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", "created_at": "2026-01-02T03:04:05Z", "status": "succeeded", "file_id": "0d8f5e4a-3c2b-4a19-8f7e-6d5c4b3a2910", "tags": {"owner": "", "scope": "organization"}, "queue_position": 0, "queue_size": 0, "organization_id": "1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30", "initiator_id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "input": {"workspace_build_id": "1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7081"}, "type": "workspace_build", "metadata": {"template_version_name": "", "template_id": "00000000-0000-0000-0000-000000000000", "template_name": "", "template_display_name": "", "template_icon": ""}, "logs_overflowed": false}, "reason": "initiator", "resources": [], "deadline": null, "max_deadline": null, "status": "running", "daily_cost": 0, "matched_provisioners": {"count": 0, "available": 0, "most_recently_seen": null}, "template_version_preset_id": null}, "latest_app_status": null, "outdated": false, "name": "dev", "last_used_at": "2026-01-02T03:04:05Z", "deleting_at": null, "dormant_at": null, "health": {"healthy": true, "failing_agents": []}, "automatic_updates": "never", "allow_renames": false, "favorite": false, "next_start_at": null, "is_prebuild": false, "task_id": null}))]
pub struct Workspace {
    /// Identity.
    pub id: Uuid,
    /// Created.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last changed.
    #[serde(with = "rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Owner.
    pub owner_id: Uuid,
    /// Owner's username.
    pub owner_name: String,
    /// Owner's avatar.
    pub owner_avatar_url: String,
    /// Organization.
    pub organization_id: Uuid,
    /// Its name.
    pub organization_name: String,
    /// Template.
    pub template_id: Uuid,
    /// Its name.
    pub template_name: String,
    /// Its shown name.
    pub template_display_name: String,
    /// Its icon.
    pub template_icon: String,
    /// Users may cancel its builds.
    pub template_allow_user_cancel_workspace_jobs: bool,
    /// Its active version.
    pub template_active_version_id: Uuid,
    /// Builds must use it.
    pub template_require_active_version: bool,
    /// Classic parameter form.
    pub template_use_classic_parameter_flow: bool,
    /// The latest build.
    pub latest_build: WorkspaceBuild,
    /// Latest app status (null).
    #[schema(value_type = Option<Object>)]
    pub latest_app_status: Option<serde_json::Value>,
    /// Built from an older version than the active one.
    pub outdated: bool,
    /// Name.
    pub name: String,
    /// Autostart schedule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub autostart_schedule: Option<String>,
    /// Time to live.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_ms: Option<i64>,
    /// Last activity.
    #[serde(with = "rfc3339")]
    pub last_used_at: OffsetDateTime,
    /// When it will be deleted (null).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub deleting_at: Option<String>,
    /// When it went dormant (null).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub dormant_at: Option<String>,
    /// Agent health.
    pub health: WorkspaceHealth,
    /// `always` or `never`.
    pub automatic_updates: String,
    /// Users may rename it.
    pub allow_renames: bool,
    /// The requester's favorite.
    pub favorite: bool,
    /// Next autostart (null).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_start_at: Option<String>,
    /// A prebuilt workspace.
    pub is_prebuild: bool,
    /// Its task (null).
    pub task_id: Option<Uuid>,
}

impl From<&domain::workspaces::workspace::WorkspaceView> for Workspace {
    fn from(v: &domain::workspaces::workspace::WorkspaceView) -> Self {
        let w = &v.workspace;
        let t = &v.template;
        let build = WorkspaceBuild::of(&v.latest_build, w, &v.owner.username);
        let failing: Vec<Uuid> = build.resources.iter().flat_map(|r| r.agents.iter()).filter(|a| !a.health.healthy).map(|a| a.id).collect();
        Self {
            id: w.id,
            created_at: w.created_at,
            updated_at: w.updated_at,
            owner_id: w.owner_id,
            owner_name: v.owner.username.clone(),
            owner_avatar_url: v.owner.avatar_url.clone(),
            organization_id: w.organization_id,
            organization_name: v.organization.name.clone(),
            template_id: t.id,
            template_name: t.name.clone(),
            template_display_name: t.display_name.clone(),
            template_icon: t.icon.clone(),
            template_allow_user_cancel_workspace_jobs: t.settings.allow_user_cancel_workspace_jobs,
            template_active_version_id: t.active_version_id,
            template_require_active_version: t.settings.require_active_version,
            template_use_classic_parameter_flow: t.settings.use_classic_parameter_flow,
            outdated: v.latest_build.build.template_version_id != t.active_version_id,
            latest_build: build,
            latest_app_status: None,
            name: w.name.clone(),
            autostart_schedule: w.autostart_schedule.clone(),
            ttl_ms: w.ttl_ms,
            last_used_at: w.last_used_at,
            deleting_at: None,
            dormant_at: None,
            health: WorkspaceHealth { healthy: failing.is_empty(), failing_agents: failing },
            automatic_updates: w.automatic_updates.clone(),
            allow_renames: false,
            favorite: false,
            next_start_at: None,
            is_prebuild: false,
            task_id: None,
        }
    }
}

/// Coder's `codersdk.WorkspacesResponse`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::WorkspacesResponse, example = json!({"workspaces": [], "count": 0}))]
pub struct WorkspacesResponse {
    /// This page.
    pub workspaces: Vec<Workspace>,
    /// All matching.
    pub count: i64,
}

/// Coder's `codersdk.UserParameter`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::UserParameter, example = json!({"name": "region", "value": "eu"}))]
pub struct UserParameter {
    /// Parameter name.
    pub name: String,
    /// The user's latest value.
    pub value: String,
}

/// Coder's `codersdk.ExternalAgentCredentials`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::ExternalAgentCredentials, example = json!({"agent_token": "5c1d6f2a-9b3e-4d7f-8a6c-2e1b0f9d8c7a", "command": "curl -fsSL \"https://coder.example.com/api/v2/init-script/linux/amd64\" | CODER_AGENT_TOKEN=\"5c1d6f2a-9b3e-4d7f-8a6c-2e1b0f9d8c7a\" sh"}))]
pub struct ExternalAgentCredentials {
    /// The agent's token.
    pub agent_token: String,
    /// How to start it.
    pub command: String,
}
