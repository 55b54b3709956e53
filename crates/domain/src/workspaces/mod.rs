//! Workspaces and their builds. A build is a transition (start, stop, delete) of a workspace at
//! a template version with parameter values; it runs as a provisioner job, and its completion
//! records the resources and agents the provisioner declared. Quota is charged per build
//! (`CommitQuota`), autofill reads a user's latest parameter values, and external agents get
//! their credentials from the agents a build declared.

pub mod agentapi;
pub mod agents;
pub mod builds;
pub mod parameters;
pub mod proto;
pub mod quota;
pub mod workspace;

use time::OffsetDateTime;
use uuid::Uuid;

/// What a build does to its workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Create or start the resources.
    Start,
    /// Stop them.
    Stop,
    /// Destroy them; the workspace is deleted when the build succeeds.
    Delete,
}

impl Transition {
    /// Coder's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Start => "start",
            Transition::Stop => "stop",
            Transition::Delete => "delete",
        }
    }

    /// Parses Coder's spelling.
    pub fn parse(s: &str) -> Option<Self> {
        [Transition::Start, Transition::Stop, Transition::Delete].into_iter().find(|t| t.as_str() == s)
    }
}

/// A workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    /// Identity.
    pub id: Uuid,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
    /// Its owner.
    pub owner_id: Uuid,
    /// Its organization (the template's).
    pub organization_id: Uuid,
    /// Its template.
    pub template_id: Uuid,
    /// Deleted by a successful delete build.
    pub deleted: bool,
    /// Unique among the owner's live workspaces, case-insensitively.
    pub name: String,
    /// Cron schedule of automatic starts.
    pub autostart_schedule: Option<String>,
    /// Time to live after a start.
    pub ttl_ms: Option<i64>,
    /// Last activity.
    pub last_used_at: OffsetDateTime,
    /// `never` or `always`.
    pub automatic_updates: String,
}

/// A build of a workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    /// Identity.
    pub id: Uuid,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
    /// Its workspace.
    pub workspace_id: Uuid,
    /// The version it builds.
    pub template_version_id: Uuid,
    /// 1, 2, ... per workspace.
    pub build_number: i32,
    /// What it does.
    pub transition: Transition,
    /// Who asked.
    pub initiator_id: Uuid,
    /// Its provisioner job.
    pub job_id: Uuid,
    /// When the workspace stops.
    pub deadline: Option<OffsetDateTime>,
    /// When it stops at the latest.
    pub max_deadline: Option<OffsetDateTime>,
    /// `initiator`, `autostart`, `autostop`, ...
    pub reason: String,
    /// Quota credits per day its resources cost (set by `CommitQuota`).
    pub daily_cost: i32,
    /// Whether its resources include an external agent (known once it completed).
    pub has_external_agent: Option<bool>,
    /// The provisioner's state after the build.
    pub provisioner_state: Vec<u8>,
}

/// An agent a build's resources declared.
#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    /// Identity.
    pub id: Uuid,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
    /// The resource it runs in.
    pub resource_id: Uuid,
    /// The build job that declared it.
    pub job_id: Uuid,
    /// Name, unique in the build.
    pub name: String,
    /// The token it authenticates with.
    pub auth_token: Uuid,
    /// Set for agents that authenticate with a cloud instance identity instead.
    pub auth_instance_id: Option<String>,
    /// `linux`, `darwin`, `windows`.
    pub operating_system: String,
    /// `amd64`, `arm64`, ...
    pub architecture: String,
    /// Working directory.
    pub directory: String,
    /// `created`, `starting`, `ready`, ...
    pub lifecycle_state: String,
    /// First connection.
    pub first_connected_at: Option<OffsetDateTime>,
    /// Latest connection.
    pub last_connected_at: Option<OffsetDateTime>,
    /// Latest disconnection.
    pub disconnected_at: Option<OffsetDateTime>,
    /// Everything else the provisioner declared (apps, env, scripts...), as JSON.
    pub data: serde_json::Value,
}

/// Filters of the workspaces list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkspaceFilter {
    /// Only this owner's.
    pub owner_id: Option<Uuid>,
    /// Only of these templates.
    pub template_ids: Vec<Uuid>,
    /// Name contains, case-insensitively.
    pub name: Option<String>,
    /// Only in this organization.
    pub organization_id: Option<Uuid>,
    /// What the caller may see (roles, membership, the key's scope and allow list), applied
    /// in the query; `None` for internal callers that see every row.
    pub visible: Option<crate::rbac::Visibility>,
}
