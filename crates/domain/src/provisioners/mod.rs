//! Provisioners: the keys external daemons authenticate with, the daemons themselves, and the
//! job queue they take imports and builds from.
//!
//! A job is a row that any daemon of the right organization, provisioner type and tags may
//! claim; claiming is a conditional update, so two daemons (or two replicas) never take the
//! same job. The wire protocol daemons speak (`serve`) lives in the transport; what it carries
//! in and out goes through [`jobs`].

pub mod daemons;
pub mod echo;
pub mod jobs;
pub mod keys;
pub mod proto;
pub mod tags;

use std::collections::BTreeMap;

use time::OffsetDateTime;
use uuid::Uuid;

/// A tag set: `scope`, `owner` and any user-defined pairs.
pub type Tags = BTreeMap<String, String>;

/// The key of the daemons the server runs in-process (`built-in`).
pub const KEY_ID_BUILT_IN: Uuid = Uuid::from_u128(1);
/// The key recorded for daemons that authenticated with a user's session (`user-auth`).
pub const KEY_ID_USER_AUTH: Uuid = Uuid::from_u128(2);
/// The key recorded for daemons that authenticated with the pre-shared key (`psk`).
pub const KEY_ID_PSK: Uuid = Uuid::from_u128(3);

/// Names no key may take, in any organization, because they name the reserved keys above.
pub const RESERVED_KEY_NAMES: [&str; 3] = ["built-in", "user-auth", "psk"];

/// The API version of the daemon protocol this server speaks (`provisionerd/proto/version.go`).
pub const API_VERSION: (u32, u32) = (1, 18);

/// A provisioner key: the secret an external daemon presents, scoped to one organization and
/// fixing the daemon's tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisionerKey {
    /// Identity.
    pub id: Uuid,
    /// Created.
    pub created_at: OffsetDateTime,
    /// The organization whose jobs the daemon may take.
    pub organization_id: Uuid,
    /// Unique in the organization, stored lower-case.
    pub name: String,
    /// SHA-256 of the secret (empty for the reserved keys).
    pub hashed_secret: Vec<u8>,
    /// Tags every daemon using this key runs with.
    pub tags: Tags,
}

/// A provisioner daemon as last registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Daemon {
    /// Identity; kept across reconnects under the same name and owner.
    pub id: Uuid,
    /// First registered.
    pub created_at: OffsetDateTime,
    /// Name it connected with.
    pub name: String,
    /// Provisioner types it runs (`terraform`, `echo`).
    pub provisioners: Vec<String>,
    /// The server replica it is connected to.
    pub replica_id: Option<Uuid>,
    /// Its tags, after [`tags::mutate`].
    pub tags: Tags,
    /// Last heartbeat while connected.
    pub last_seen_at: Option<OffsetDateTime>,
    /// Its build version.
    pub version: String,
    /// The protocol version it asked for.
    pub api_version: String,
    /// Its organization.
    pub organization_id: Uuid,
    /// The key it authenticated with (or one of the reserved ones).
    pub key_id: Uuid,
}

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobType {
    /// Parse and plan a template version.
    TemplateVersionImport,
    /// Build a workspace.
    WorkspaceBuild,
    /// Plan a template version with given parameters.
    TemplateVersionDryRun,
}

impl JobType {
    /// Coder's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            JobType::TemplateVersionImport => "template_version_import",
            JobType::WorkspaceBuild => "workspace_build",
            JobType::TemplateVersionDryRun => "template_version_dry_run",
        }
    }

    /// Parses Coder's spelling.
    pub fn parse(s: &str) -> Option<Self> {
        [JobType::TemplateVersionImport, JobType::WorkspaceBuild, JobType::TemplateVersionDryRun].into_iter().find(|t| t.as_str() == s)
    }
}

/// A job's status, derived from its timestamps as Coder's generated `job_status` column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum JobStatus {
    /// Waiting for a daemon.
    Pending,
    /// A daemon has it.
    Running,
    /// Finished without error.
    Succeeded,
    /// Cancel requested; the daemon has not stopped yet.
    Canceling,
    /// Cancelled.
    Canceled,
    /// Finished with an error.
    Failed,
}

impl JobStatus {
    /// Coder's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Canceling => "canceling",
            JobStatus::Canceled => "canceled",
            JobStatus::Failed => "failed",
        }
    }

    /// Parses Coder's spelling.
    pub fn parse(s: &str) -> Option<Self> {
        use JobStatus::*;
        [Pending, Running, Succeeded, Canceling, Canceled, Failed].into_iter().find(|x| x.as_str() == s)
    }
}

/// A provisioner job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Identity.
    pub id: Uuid,
    /// Queued.
    pub created_at: OffsetDateTime,
    /// Last changed (a daemon's update counts as a sign of life).
    pub updated_at: OffsetDateTime,
    /// Taken by a daemon.
    pub started_at: Option<OffsetDateTime>,
    /// Cancel requested.
    pub canceled_at: Option<OffsetDateTime>,
    /// Finished, one way or another.
    pub completed_at: Option<OffsetDateTime>,
    /// Why it failed.
    pub error: Option<String>,
    /// Machine-readable failure reason.
    pub error_code: String,
    /// Its organization.
    pub organization_id: Uuid,
    /// Who queued it.
    pub initiator_id: Uuid,
    /// Which provisioner runs it.
    pub provisioner: String,
    /// The source archive.
    pub file_id: Uuid,
    /// What it does.
    pub job_type: JobType,
    /// What it works on: `{"template_version_id": ...}` or `{"workspace_build_id": ...}`.
    pub input: serde_json::Value,
    /// The daemon that has it.
    pub worker_id: Option<Uuid>,
    /// Only daemons with these tags may take it.
    pub tags: Tags,
}

impl Job {
    /// The status, as Coder derives it.
    pub fn status(&self) -> JobStatus {
        let failed = self.error.as_deref().is_some_and(|e| !e.is_empty());
        match (self.started_at, self.canceled_at, self.completed_at) {
            (_, Some(_), Some(_)) if !failed => JobStatus::Canceled,
            (_, _, Some(_)) if failed => JobStatus::Failed,
            (_, _, Some(_)) => JobStatus::Succeeded,
            (_, Some(_), None) => JobStatus::Canceling,
            (None, None, None) => JobStatus::Pending,
            (Some(_), None, None) => JobStatus::Running,
        }
    }

    /// The template version this job imports, for import and dry-run jobs.
    pub fn template_version_id(&self) -> Option<Uuid> {
        self.input.get("template_version_id").and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok())
    }

    /// The workspace build this job runs, for build jobs.
    pub fn workspace_build_id(&self) -> Option<Uuid> {
        self.input.get("workspace_build_id").and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok())
    }
}

/// One line of a job's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobLog {
    /// Sequence number, increasing in the order lines arrived.
    pub id: i64,
    /// The job.
    pub job_id: Uuid,
    /// When the line was written.
    pub created_at: OffsetDateTime,
    /// `provisioner_daemon` or `provisioner`.
    pub source: String,
    /// `trace`, `debug`, `info`, `warn`, `error`.
    pub level: String,
    /// The stage it belongs to (`Setting up`, `Planning infrastructure`...).
    pub stage: String,
    /// The text.
    pub output: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> Job {
        let now = crate::clock::now();
        Job {
            id: Uuid::new_v4(),
            created_at: now,
            updated_at: now,
            started_at: None,
            canceled_at: None,
            completed_at: None,
            error: None,
            error_code: String::new(),
            organization_id: Uuid::new_v4(),
            initiator_id: Uuid::new_v4(),
            provisioner: "echo".into(),
            file_id: Uuid::new_v4(),
            job_type: JobType::TemplateVersionImport,
            input: serde_json::json!({}),
            worker_id: None,
            tags: Tags::new(),
        }
    }

    #[test]
    fn status_follows_the_timestamps() {
        let now = crate::clock::now();
        let mut j = job();
        assert_eq!(j.status(), JobStatus::Pending);
        j.started_at = Some(now);
        assert_eq!(j.status(), JobStatus::Running);
        j.canceled_at = Some(now);
        assert_eq!(j.status(), JobStatus::Canceling);
        j.completed_at = Some(now);
        assert_eq!(j.status(), JobStatus::Canceled);
        j.canceled_at = None;
        assert_eq!(j.status(), JobStatus::Succeeded);
        j.error = Some("boom".into());
        assert_eq!(j.status(), JobStatus::Failed);
    }
}
