//! Provisioner keys, daemons and jobs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::rfc3339;
use crate::de::null_default;

/// Coder's `codersdk.ProvisionerKey`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::ProvisionerKey, example = json!({"id": "5d1c4b7e-2f6a-4c0d-9e8b-7a3f2c1d0e9f", "created_at": "2026-01-02T03:04:05.123456Z", "organization": "1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30", "name": "ci-runners", "tags": {"os": "linux"}}))]
pub struct ProvisionerKey {
    /// Identity.
    pub id: Uuid,
    /// Created (`0001-01-01T00:00:00Z` for the synthetic `user-auth` entry).
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// The organization (named `organization`, as in Coder).
    pub organization: Uuid,
    /// Name, lower-case.
    pub name: String,
    /// Tags daemons using the key run with.
    #[schema(value_type = BTreeMap<String, String>)]
    pub tags: BTreeMap<String, String>,
}

impl From<&domain::provisioners::ProvisionerKey> for ProvisionerKey {
    fn from(k: &domain::provisioners::ProvisionerKey) -> Self {
        Self { id: k.id, created_at: k.created_at, organization: k.organization_id, name: k.name.clone(), tags: k.tags.clone() }
    }
}

/// Coder's `codersdk.CreateProvisionerKeyRequest`.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::CreateProvisionerKeyRequest, example = json!({"name": "ci-runners", "tags": {"os": "linux"}}))]
pub struct CreateProvisionerKeyRequest {
    /// Unique in the organization (case-insensitively), at most 64 characters, not a reserved name.
    #[serde(default, deserialize_with = "null_default")]
    #[schema(max_length = 64)]
    pub name: String,
    /// Tags daemons using the key run with.
    #[serde(default, deserialize_with = "null_default")]
    pub tags: BTreeMap<String, String>,
}

/// Coder's `codersdk.CreateProvisionerKeyResponse`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::CreateProvisionerKeyResponse, example = json!({"key": "k7Qm2Xc9VbN4pLz8RtY6wE1uI3oP5aS0dF2gH4jK6lZ"}))]
pub struct CreateProvisionerKeyResponse {
    /// The key (43 characters), shown only now.
    pub key: String,
}

/// Coder's `codersdk.ProvisionerDaemonStatus`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = codersdk::ProvisionerDaemonStatus)]
pub enum ProvisionerDaemonStatus {
    /// Not seen for 90 seconds.
    Offline,
    /// Connected without a job.
    Idle,
    /// Running a job.
    Busy,
}

/// Coder's `codersdk.ProvisionerJobStatus`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = codersdk::ProvisionerJobStatus)]
pub enum ProvisionerJobStatus {
    /// Waiting for a daemon.
    Pending,
    /// A daemon has it.
    Running,
    /// Done.
    Succeeded,
    /// Cancel requested.
    Canceling,
    /// Cancelled.
    Canceled,
    /// Failed.
    Failed,
}

impl From<domain::provisioners::JobStatus> for ProvisionerJobStatus {
    fn from(s: domain::provisioners::JobStatus) -> Self {
        use domain::provisioners::JobStatus as S;
        match s {
            S::Pending => Self::Pending,
            S::Running => Self::Running,
            S::Succeeded => Self::Succeeded,
            S::Canceling => Self::Canceling,
            S::Canceled => Self::Canceled,
            S::Failed => Self::Failed,
        }
    }
}

/// Coder's `codersdk.ProvisionerDaemonJob`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::ProvisionerDaemonJob)]
pub struct ProvisionerDaemonJob {
    /// The job.
    pub id: Uuid,
    /// Its status.
    pub status: ProvisionerJobStatus,
    /// Its template's name (empty when none).
    pub template_name: String,
    /// Its template's icon.
    pub template_icon: String,
    /// Its template's shown name.
    pub template_display_name: String,
}

impl From<&domain::provisioners::daemons::JobSummary> for ProvisionerDaemonJob {
    fn from(j: &domain::provisioners::daemons::JobSummary) -> Self {
        Self {
            id: j.id,
            status: j.status.into(),
            template_name: j.template_name.clone(),
            template_icon: j.template_icon.clone(),
            template_display_name: j.template_display_name.clone(),
        }
    }
}

/// Coder's `codersdk.ProvisionerDaemon`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::ProvisionerDaemon, example = json!({"id": "3b1f0e9c-6a2d-4f57-8b1e-0c9d8e7f6a5b", "organization_id": "1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30", "key_id": "5d1c4b7e-2f6a-4c0d-9e8b-7a3f2c1d0e9f", "created_at": "2026-01-02T03:04:05.123456Z", "last_seen_at": "2026-01-02T03:05:05.123456Z", "name": "runner-1", "version": "v2.18.0", "api_version": "1.18", "provisioners": ["terraform"], "tags": {"owner": "", "scope": "organization"}, "key_name": "ci-runners", "status": "idle", "current_job": null, "previous_job": null}))]
pub struct ProvisionerDaemon {
    /// Identity.
    pub id: Uuid,
    /// Its organization.
    pub organization_id: Uuid,
    /// The key it authenticated with.
    pub key_id: Uuid,
    /// First registered.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last heartbeat.
    #[serde(with = "rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_seen_at: Option<OffsetDateTime>,
    /// Name.
    pub name: String,
    /// Build version.
    pub version: String,
    /// Protocol version.
    pub api_version: String,
    /// Provisioner types it runs.
    pub provisioners: Vec<String>,
    /// Tags.
    #[schema(value_type = BTreeMap<String, String>)]
    pub tags: BTreeMap<String, String>,
    /// Its key's name (only the daemons list fills it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_name: Option<String>,
    /// Offline, idle or busy (only the daemons list fills it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ProvisionerDaemonStatus>,
    /// Its unfinished job.
    pub current_job: Option<ProvisionerDaemonJob>,
    /// The last job it finished.
    pub previous_job: Option<ProvisionerDaemonJob>,
}

impl From<&domain::provisioners::Daemon> for ProvisionerDaemon {
    fn from(d: &domain::provisioners::Daemon) -> Self {
        Self {
            id: d.id,
            organization_id: d.organization_id,
            key_id: d.key_id,
            created_at: d.created_at,
            last_seen_at: d.last_seen_at,
            name: d.name.clone(),
            version: d.version.clone(),
            api_version: d.api_version.clone(),
            provisioners: d.provisioners.clone(),
            tags: d.tags.clone(),
            key_name: None,
            status: None,
            current_job: None,
            previous_job: None,
        }
    }
}

impl From<&domain::provisioners::daemons::DaemonView> for ProvisionerDaemon {
    fn from(v: &domain::provisioners::daemons::DaemonView) -> Self {
        use domain::provisioners::daemons::DaemonStatus as S;
        let mut d = Self::from(&v.daemon);
        d.key_name = Some(v.key_name.clone());
        d.status = Some(match v.status {
            S::Offline => ProvisionerDaemonStatus::Offline,
            S::Idle => ProvisionerDaemonStatus::Idle,
            S::Busy => ProvisionerDaemonStatus::Busy,
        });
        d.current_job = v.current_job.as_ref().map(ProvisionerDaemonJob::from);
        d.previous_job = v.previous_job.as_ref().map(ProvisionerDaemonJob::from);
        d
    }
}

/// Coder's `codersdk.ProvisionerKeyDaemons`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::ProvisionerKeyDaemons, example = json!({"key": {"id": "5d1c4b7e-2f6a-4c0d-9e8b-7a3f2c1d0e9f", "created_at": "2026-01-02T03:04:05.123456Z", "organization": "1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30", "name": "ci-runners", "tags": {}}, "daemons": []}))]
pub struct ProvisionerKeyDaemons {
    /// The key.
    pub key: ProvisionerKey,
    /// Daemons seen with it in the last three minutes.
    pub daemons: Vec<ProvisionerDaemon>,
}
