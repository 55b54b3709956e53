//! Files, templates, template versions, their jobs, parameters and presets, and template ACLs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::rfc3339;
use super::groups::{Group, ReducedUser};
use super::provisioners::ProvisionerJobStatus;
use super::users::User;
use crate::de::null_default;

/// Coder's `codersdk.UploadResponse`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::UploadResponse, example = json!({"hash": "0d8f5e4a-3c2b-4a19-8f7e-6d5c4b3a2910"}))]
pub struct UploadResponse {
    /// The file's id (named `hash`, as in Coder).
    pub hash: Uuid,
}

/// Coder's `codersdk.MinimalUser`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::MinimalUser)]
pub struct MinimalUser {
    /// Identity.
    pub id: Uuid,
    /// Username.
    pub username: String,
    /// Display name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Avatar URL.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub avatar_url: String,
}

/// Coder's `codersdk.ProvisionerJobType`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = codersdk::ProvisionerJobType)]
pub enum ProvisionerJobType {
    /// Import a template version.
    TemplateVersionImport,
    /// Build a workspace.
    WorkspaceBuild,
    /// Dry-run a template version.
    TemplateVersionDryRun,
}

/// Coder's `codersdk.ProvisionerJobInput`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::ProvisionerJobInput)]
pub struct ProvisionerJobInput {
    /// The version an import works on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_version_id: Option<Uuid>,
    /// The build a build job runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_build_id: Option<Uuid>,
}

/// Coder's `codersdk.ProvisionerJobMetadata` (zero-valued on template version endpoints).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::ProvisionerJobMetadata)]
pub struct ProvisionerJobMetadata {
    /// The version's name.
    pub template_version_name: String,
    /// The template.
    pub template_id: Uuid,
    /// Its name.
    pub template_name: String,
    /// Its shown name.
    pub template_display_name: String,
    /// Its icon.
    pub template_icon: String,
}

/// Coder's `codersdk.ProvisionerJob`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::ProvisionerJob)]
pub struct ProvisionerJob {
    /// Identity.
    pub id: Uuid,
    /// Queued.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// Taken by a daemon.
    #[serde(skip_serializing_if = "Option::is_none", with = "rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub started_at: Option<OffsetDateTime>,
    /// Finished.
    #[serde(skip_serializing_if = "Option::is_none", with = "rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub completed_at: Option<OffsetDateTime>,
    /// Cancel requested.
    #[serde(skip_serializing_if = "Option::is_none", with = "rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub canceled_at: Option<OffsetDateTime>,
    /// Why it failed.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub error: String,
    /// Machine-readable reason.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub error_code: String,
    /// Status.
    pub status: ProvisionerJobStatus,
    /// The daemon that has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker_id: Option<Uuid>,
    /// The source archive.
    pub file_id: Uuid,
    /// Tags a daemon needs to take it.
    #[schema(value_type = BTreeMap<String, String>)]
    pub tags: BTreeMap<String, String>,
    /// 1-based place among the organization's pending jobs (0 unless pending).
    pub queue_position: i64,
    /// Pending jobs of the organization (0 unless pending).
    pub queue_size: i64,
    /// Its organization.
    pub organization_id: Uuid,
    /// Who queued it.
    pub initiator_id: Uuid,
    /// What it works on.
    pub input: ProvisionerJobInput,
    /// What it does.
    #[serde(rename = "type")]
    pub job_type: ProvisionerJobType,
    /// Template details (zero-valued here).
    pub metadata: ProvisionerJobMetadata,
    /// Logs were cut short.
    pub logs_overflowed: bool,
}

impl From<&domain::templates::versions::JobView> for ProvisionerJob {
    fn from(v: &domain::templates::versions::JobView) -> Self {
        use domain::provisioners::JobType as T;
        let j = &v.job;
        Self {
            id: j.id,
            created_at: j.created_at,
            started_at: j.started_at,
            completed_at: j.completed_at,
            canceled_at: j.canceled_at,
            error: j.error.clone().unwrap_or_default(),
            error_code: j.error_code.clone(),
            status: j.status().into(),
            worker_id: j.worker_id,
            file_id: j.file_id,
            tags: j.tags.clone(),
            queue_position: v.queue_position,
            queue_size: v.queue_size,
            organization_id: j.organization_id,
            initiator_id: j.initiator_id,
            input: ProvisionerJobInput { template_version_id: j.template_version_id(), workspace_build_id: j.workspace_build_id() },
            job_type: match j.job_type {
                T::TemplateVersionImport => ProvisionerJobType::TemplateVersionImport,
                T::WorkspaceBuild => ProvisionerJobType::WorkspaceBuild,
                T::TemplateVersionDryRun => ProvisionerJobType::TemplateVersionDryRun,
            },
            metadata: ProvisionerJobMetadata {
                template_version_name: String::new(),
                template_id: Uuid::nil(),
                template_name: String::new(),
                template_display_name: String::new(),
                template_icon: String::new(),
            },
            logs_overflowed: false,
        }
    }
}

/// Coder's `codersdk.MatchedProvisioners`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::MatchedProvisioners)]
pub struct MatchedProvisioners {
    /// Daemons whose type and tags fit.
    pub count: i64,
    /// Of those, online ones.
    pub available: i64,
    /// When one of them was last seen.
    #[serde(with = "rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub most_recently_seen: Option<OffsetDateTime>,
}

/// Coder's `codersdk.TemplateVersion`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::TemplateVersion, example = json!({"id": "7c6b5a49-3827-4615-8f4e-3d2c1b0a9f8e", "template_id": "00000000-0000-0000-0000-000000000000", "organization_id": "1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30", "created_at": "2026-01-02T03:04:05.123456Z", "updated_at": "2026-01-02T03:04:05.123456Z", "name": "happy_turing42", "message": "", "job": {"id": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", "created_at": "2026-01-02T03:04:05.123456Z", "status": "pending", "file_id": "0d8f5e4a-3c2b-4a19-8f7e-6d5c4b3a2910", "tags": {"owner": "", "scope": "organization"}, "queue_position": 1, "queue_size": 1, "organization_id": "1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30", "initiator_id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "input": {"template_version_id": "7c6b5a49-3827-4615-8f4e-3d2c1b0a9f8e"}, "type": "template_version_import", "metadata": {"template_version_name": "", "template_id": "00000000-0000-0000-0000-000000000000", "template_name": "", "template_display_name": "", "template_icon": ""}, "logs_overflowed": false}, "readme": "", "created_by": {"id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "username": "ada"}, "archived": false, "has_external_agent": false}))]
pub struct TemplateVersion {
    /// Identity.
    pub id: Uuid,
    /// Its template (the nil UUID before one is made from it, as in Coder).
    pub template_id: Uuid,
    /// Its organization.
    pub organization_id: Uuid,
    /// Created.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last changed.
    #[serde(with = "rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Name.
    pub name: String,
    /// What changed.
    pub message: String,
    /// The import job.
    pub job: ProvisionerJob,
    /// README of the source.
    pub readme: String,
    /// Creator.
    pub created_by: MinimalUser,
    /// Hidden from new workspaces.
    pub archived: bool,
    /// For a pending import: who could take it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_provisioners: Option<MatchedProvisioners>,
    /// Its resources include an external agent.
    pub has_external_agent: bool,
}

impl From<&domain::templates::versions::VersionView> for TemplateVersion {
    fn from(v: &domain::templates::versions::VersionView) -> Self {
        let t = &v.version;
        Self {
            id: t.id,
            template_id: t.template_id.unwrap_or(Uuid::nil()),
            organization_id: t.organization_id,
            created_at: t.created_at,
            updated_at: t.updated_at,
            name: t.name.clone(),
            message: t.message.clone(),
            job: ProvisionerJob::from(&v.job),
            readme: t.readme.clone(),
            created_by: match &v.created_by {
                Some(u) => MinimalUser { id: u.id, username: u.username.clone(), name: u.name.clone(), avatar_url: u.avatar_url.clone() },
                None => MinimalUser { id: t.created_by, username: String::new(), name: String::new(), avatar_url: String::new() },
            },
            archived: t.archived,
            matched_provisioners: v.matched_provisioners.as_ref().map(|m| MatchedProvisioners {
                count: m.count,
                available: m.available,
                most_recently_seen: m.most_recently_seen,
            }),
            has_external_agent: t.has_external_agent,
        }
    }
}

/// Coder's `codersdk.CreateTemplateVersionRequest`.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::CreateTemplateVersionRequest, example = json!({"storage_method": "file", "file_id": "0d8f5e4a-3c2b-4a19-8f7e-6d5c4b3a2910", "provisioner": "echo", "tags": {}}))]
pub struct CreateTemplateVersionRequest {
    /// Name: letters and digits separated by `_`, `.` or `-`, at most 64 characters; random when empty.
    #[serde(default, deserialize_with = "null_default")]
    #[schema(max_length = 64)]
    pub name: String,
    /// What changed.
    #[serde(default, deserialize_with = "null_default")]
    pub message: String,
    /// The template it belongs to.
    #[serde(default)]
    pub template_id: Option<Uuid>,
    /// Must be `file`.
    #[serde(default, deserialize_with = "null_default")]
    #[schema(pattern = "^file$")]
    pub storage_method: String,
    /// The uploaded archive.
    #[serde(default)]
    pub file_id: Option<Uuid>,
    /// An example (not supported here: upload a file).
    #[serde(default)]
    pub example_id: Option<String>,
    /// `terraform` or `echo`.
    #[serde(default, deserialize_with = "null_default")]
    #[schema(pattern = "^(terraform|echo)$")]
    pub provisioner: String,
    /// Tags a daemon needs to take the import.
    #[serde(default, deserialize_with = "null_default")]
    pub tags: BTreeMap<String, String>,
}

/// Coder's `codersdk.TemplateVersionParameterOption`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::TemplateVersionParameterOption)]
pub struct TemplateVersionParameterOption {
    /// Shown name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Value.
    pub value: String,
    /// Icon URL.
    pub icon: String,
}

/// Coder's `codersdk.TemplateVersionParameter`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::TemplateVersionParameter, example = json!({"name": "region", "description": "Where", "description_plaintext": "Where", "type": "string", "form_type": "dropdown", "mutable": true, "default_value": "eu", "icon": "", "options": [{"name": "Europe", "description": "", "value": "eu", "icon": ""}], "required": false, "ephemeral": false}))]
pub struct TemplateVersionParameter {
    /// Name.
    pub name: String,
    /// Shown name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub display_name: String,
    /// Description (markdown).
    pub description: String,
    /// Description as plain text.
    pub description_plaintext: String,
    /// `string`, `number`, `bool`, `list(string)`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Form control.
    pub form_type: String,
    /// Can change after creation.
    pub mutable: bool,
    /// Default.
    pub default_value: String,
    /// Icon URL.
    pub icon: String,
    /// Choices.
    pub options: Vec<TemplateVersionParameterOption>,
    /// Message when validation fails.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub validation_error: String,
    /// Regex values must match.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub validation_regex: String,
    /// Minimum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation_min: Option<i32>,
    /// Maximum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation_max: Option<i32>,
    /// `increasing` or `decreasing`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub validation_monotonic: String,
    /// Must be given.
    pub required: bool,
    /// Only for one build.
    pub ephemeral: bool,
}

impl From<&domain::templates::Parameter> for TemplateVersionParameter {
    fn from(p: &domain::templates::Parameter) -> Self {
        Self {
            name: p.name.clone(),
            display_name: p.display_name.clone(),
            description: p.description.clone(),
            description_plaintext: p.description.clone(),
            kind: p.kind.clone(),
            form_type: p.form_type.clone(),
            mutable: p.mutable,
            default_value: p.default_value.clone(),
            icon: p.icon.clone(),
            options: p
                .options
                .iter()
                .map(|o| TemplateVersionParameterOption {
                    name: o.name.clone(),
                    description: o.description.clone(),
                    value: o.value.clone(),
                    icon: o.icon.clone(),
                })
                .collect(),
            validation_error: p.validation_error.clone(),
            validation_regex: p.validation_regex.clone(),
            validation_min: p.validation_min,
            validation_max: p.validation_max,
            validation_monotonic: p.validation_monotonic.clone(),
            required: p.required,
            ephemeral: p.ephemeral,
        }
    }
}

/// Coder's `codersdk.PresetParameter` (PascalCase keys, as Coder sends them).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::PresetParameter)]
#[serde(rename_all = "PascalCase")]
pub struct PresetParameter {
    /// Parameter name.
    pub name: String,
    /// Its value.
    pub value: String,
}

/// Coder's `codersdk.Preset` (PascalCase keys, as Coder sends them).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::Preset, example = json!({"ID": "4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8", "Name": "small", "Parameters": [{"Name": "region", "Value": "us"}], "Default": true, "DesiredPrebuildInstances": null, "Description": "", "Icon": ""}))]
pub struct Preset {
    /// Identity.
    #[serde(rename = "ID")]
    pub id: Uuid,
    /// Name.
    #[serde(rename = "Name")]
    pub name: String,
    /// Parameter values.
    #[serde(rename = "Parameters")]
    pub parameters: Vec<PresetParameter>,
    /// Chosen by default.
    #[serde(rename = "Default")]
    pub default: bool,
    /// Prebuilt workspaces kept ready.
    #[serde(rename = "DesiredPrebuildInstances")]
    pub desired_prebuild_instances: Option<i32>,
    /// Description.
    #[serde(rename = "Description")]
    pub description: String,
    /// Icon URL.
    #[serde(rename = "Icon")]
    pub icon: String,
}

impl From<&domain::templates::Preset> for Preset {
    fn from(p: &domain::templates::Preset) -> Self {
        Self {
            id: p.id,
            name: p.name.clone(),
            parameters: p.data.parameters.iter().map(|x| PresetParameter { name: x.name.clone(), value: x.value.clone() }).collect(),
            default: p.is_default,
            desired_prebuild_instances: p.data.desired_prebuild_instances,
            description: p.data.description.clone(),
            icon: p.data.icon.clone(),
        }
    }
}

/// Coder's `codersdk.ProvisionerJobLog`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::ProvisionerJobLog, example = json!({"id": 1, "created_at": "2026-01-02T03:04:05.123Z", "log_source": "provisioner", "log_level": "info", "stage": "Parsing template parameters", "output": "Initializing"}))]
pub struct ProvisionerJobLog {
    /// Sequence number; pass the last one as `after` to read on.
    pub id: i64,
    /// Written.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// `provisioner_daemon` or `provisioner`.
    pub log_source: String,
    /// `trace`, `debug`, `info`, `warn`, `error`.
    pub log_level: String,
    /// Stage.
    pub stage: String,
    /// Text.
    pub output: String,
}

impl From<&domain::provisioners::JobLog> for ProvisionerJobLog {
    fn from(l: &domain::provisioners::JobLog) -> Self {
        Self {
            id: l.id,
            created_at: l.created_at,
            log_source: l.source.clone(),
            log_level: l.level.clone(),
            stage: l.stage.clone(),
            output: l.output.clone(),
        }
    }
}

/// Coder's `codersdk.TemplateAutostopRequirement`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::TemplateAutostopRequirement)]
pub struct TemplateAutostopRequirement {
    /// Weekdays workspaces must stop on.
    #[serde(default, deserialize_with = "null_default")]
    pub days_of_week: Vec<String>,
    /// Every how many weeks (1–16).
    #[serde(default)]
    pub weeks: i64,
}

/// Coder's `codersdk.TemplateAutostartRequirement`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::TemplateAutostartRequirement)]
pub struct TemplateAutostartRequirement {
    /// Weekdays workspaces may autostart on.
    #[serde(default, deserialize_with = "null_default")]
    pub days_of_week: Vec<String>,
}

/// Coder's `codersdk.Template`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::Template, example = json!({"id": "2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091", "created_at": "2026-01-02T03:04:05.123456Z", "updated_at": "2026-01-02T03:04:05.123456Z", "organization_id": "1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30", "organization_name": "coder", "organization_display_name": "Coder", "organization_icon": "", "name": "docker", "display_name": "Docker", "provisioner": "echo", "active_version_id": "7c6b5a49-3827-4615-8f4e-3d2c1b0a9f8e", "active_user_count": 0, "build_time_stats": {"start": {"P50": null, "P95": null}, "stop": {"P50": null, "P95": null}, "delete": {"P50": null, "P95": null}}, "description": "Docker containers", "deprecated": false, "deprecation_message": "", "deleted": false, "icon": "", "default_ttl_ms": 0, "activity_bump_ms": 3600000, "time_til_autostop_notify_ms": 0, "autostop_requirement": {"days_of_week": [], "weeks": 1}, "autostart_requirement": {"days_of_week": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]}, "created_by_id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "created_by_name": "ada", "allow_user_autostart": true, "allow_user_autostop": true, "allow_user_cancel_workspace_jobs": false, "failure_ttl_ms": 0, "time_til_dormant_ms": 0, "time_til_dormant_autodelete_ms": 0, "require_active_version": false, "max_port_share_level": "owner", "cors_behavior": "simple", "use_classic_parameter_flow": false, "disable_module_cache": false}))]
pub struct Template {
    /// Identity.
    pub id: Uuid,
    /// Created.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last changed.
    #[serde(with = "rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Its organization.
    pub organization_id: Uuid,
    /// Organization name.
    pub organization_name: String,
    /// Organization shown name.
    pub organization_display_name: String,
    /// Organization icon.
    pub organization_icon: String,
    /// Name.
    pub name: String,
    /// Shown name.
    pub display_name: String,
    /// `terraform` or `echo`.
    pub provisioner: String,
    /// The version new workspaces use.
    pub active_version_id: Uuid,
    /// Distinct owners of its workspaces.
    pub active_user_count: i64,
    /// Build time percentiles per transition (null until builds ran).
    #[schema(value_type = Object)]
    pub build_time_stats: serde_json::Value,
    /// Description.
    pub description: String,
    /// Deprecated (a deprecation message is set).
    pub deprecated: bool,
    /// Why.
    pub deprecation_message: String,
    /// Soft-deleted.
    pub deleted: bool,
    /// Icon URL.
    pub icon: String,
    /// Default workspace TTL.
    pub default_ttl_ms: i64,
    /// Activity bump.
    pub activity_bump_ms: i64,
    /// Autostop reminder lead time.
    pub time_til_autostop_notify_ms: i64,
    /// Autostop requirement.
    pub autostop_requirement: TemplateAutostopRequirement,
    /// Autostart requirement.
    pub autostart_requirement: TemplateAutostartRequirement,
    /// Creator.
    pub created_by_id: Uuid,
    /// Creator's username.
    pub created_by_name: String,
    /// Users may set autostart.
    pub allow_user_autostart: bool,
    /// Users may set autostop.
    pub allow_user_autostop: bool,
    /// Users may cancel builds.
    pub allow_user_cancel_workspace_jobs: bool,
    /// Failed workspaces stop after this long.
    pub failure_ttl_ms: i64,
    /// Idle workspaces go dormant after this long.
    pub time_til_dormant_ms: i64,
    /// Dormant workspaces are deleted after this long.
    pub time_til_dormant_autodelete_ms: i64,
    /// Builds must use the active version.
    pub require_active_version: bool,
    /// Highest port sharing level.
    pub max_port_share_level: String,
    /// `simple` or `passthru`.
    pub cors_behavior: String,
    /// Classic parameter form.
    pub use_classic_parameter_flow: bool,
    /// No Terraform module cache.
    pub disable_module_cache: bool,
}

impl From<&domain::templates::template::TemplateView> for Template {
    fn from(v: &domain::templates::template::TemplateView) -> Self {
        let t = &v.template;
        let s = &t.settings;
        let stats = serde_json::json!({"P50": null, "P95": null});
        Self {
            id: t.id,
            created_at: t.created_at,
            updated_at: t.updated_at,
            organization_id: t.organization_id,
            organization_name: v.organization.name.clone(),
            organization_display_name: v.organization.display_name.clone(),
            organization_icon: v.organization.icon.clone(),
            name: t.name.clone(),
            display_name: t.display_name.clone(),
            provisioner: t.provisioner.clone(),
            active_version_id: t.active_version_id,
            active_user_count: 0,
            build_time_stats: serde_json::json!({"start": stats, "stop": stats, "delete": stats}),
            description: t.description.clone(),
            deprecated: !s.deprecation_message.is_empty(),
            deprecation_message: s.deprecation_message.clone(),
            deleted: t.deleted,
            icon: t.icon.clone(),
            default_ttl_ms: s.default_ttl_ms,
            activity_bump_ms: s.activity_bump_ms,
            time_til_autostop_notify_ms: s.time_til_autostop_notify_ms,
            autostop_requirement: TemplateAutostopRequirement {
                days_of_week: s.autostop_requirement_days_of_week.clone(),
                weeks: s.autostop_requirement_weeks.max(1),
            },
            autostart_requirement: TemplateAutostartRequirement { days_of_week: s.autostart_requirement_days_of_week.clone() },
            created_by_id: t.created_by,
            created_by_name: v.created_by_name.clone(),
            allow_user_autostart: s.allow_user_autostart,
            allow_user_autostop: s.allow_user_autostop,
            allow_user_cancel_workspace_jobs: s.allow_user_cancel_workspace_jobs,
            failure_ttl_ms: s.failure_ttl_ms,
            time_til_dormant_ms: s.time_til_dormant_ms,
            time_til_dormant_autodelete_ms: s.time_til_dormant_autodelete_ms,
            require_active_version: s.require_active_version,
            max_port_share_level: s.max_port_share_level.clone(),
            cors_behavior: s.cors_behavior.clone(),
            use_classic_parameter_flow: s.use_classic_parameter_flow,
            disable_module_cache: s.disable_module_cache,
        }
    }
}

/// Coder's `codersdk.CreateTemplateRequest`.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::CreateTemplateRequest, example = json!({"name": "docker", "template_version_id": "7c6b5a49-3827-4615-8f4e-3d2c1b0a9f8e"}))]
pub struct CreateTemplateRequest {
    /// Name: letters, digits and inner hyphens, at most 32 characters.
    #[serde(default, deserialize_with = "null_default")]
    #[schema(max_length = 32)]
    pub name: String,
    /// Shown name, at most 64 characters.
    #[serde(default, deserialize_with = "null_default")]
    #[schema(max_length = 64)]
    pub display_name: String,
    /// Description, under 128 characters.
    #[serde(default, deserialize_with = "null_default")]
    #[schema(max_length = 127)]
    pub description: String,
    /// Icon URL.
    #[serde(default, deserialize_with = "null_default")]
    pub icon: String,
    /// The first version (one without a template yet).
    #[serde(default)]
    pub template_version_id: Uuid,
    /// Default workspace TTL.
    #[schema(minimum = 0)]
    pub default_ttl_ms: Option<i64>,
    /// Activity bump.
    #[schema(minimum = 0)]
    pub activity_bump_ms: Option<i64>,
    /// Autostop reminder lead time (0, or at least a minute).
    #[schema(minimum = 0)]
    pub time_til_autostop_notify_ms: Option<i64>,
    /// Autostop requirement.
    pub autostop_requirement: Option<TemplateAutostopRequirement>,
    /// Autostart requirement.
    pub autostart_requirement: Option<TemplateAutostartRequirement>,
    /// Users may cancel builds (default false).
    pub allow_user_cancel_workspace_jobs: Option<bool>,
    /// Users may set autostart.
    pub allow_user_autostart: Option<bool>,
    /// Users may set autostop.
    pub allow_user_autostop: Option<bool>,
    /// Failed workspaces stop after this long.
    #[schema(minimum = 0)]
    pub failure_ttl_ms: Option<i64>,
    /// Idle workspaces go dormant after this long.
    #[schema(minimum = 0)]
    pub dormant_ttl_ms: Option<i64>,
    /// Dormant workspaces are deleted after this long.
    #[schema(minimum = 0)]
    pub delete_ttl_ms: Option<i64>,
    /// Do not give the Everyone group `use`.
    #[serde(default)]
    pub disable_everyone_group_access: bool,
    /// Builds must use the active version.
    #[serde(default)]
    pub require_active_version: bool,
    /// Highest port sharing level.
    #[schema(pattern = "^(owner|authenticated|organization|public)$")]
    pub max_port_share_level: Option<String>,
    /// Classic parameter form.
    pub template_use_classic_parameter_flow: Option<bool>,
    /// `simple` or `passthru`.
    #[schema(pattern = "^(simple|passthru)$")]
    pub cors_behavior: Option<String>,
}

/// Coder's `codersdk.UpdateTemplateMeta`: absent fields keep their value.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::UpdateTemplateMeta, example = json!({"display_name": "Docker", "description": "Docker containers"}))]
pub struct UpdateTemplateMeta {
    /// New name.
    pub name: Option<String>,
    /// New shown name.
    pub display_name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New icon.
    pub icon: Option<String>,
    /// Default workspace TTL.
    #[schema(minimum = 0)]
    pub default_ttl_ms: Option<i64>,
    /// Activity bump.
    #[schema(minimum = 0)]
    pub activity_bump_ms: Option<i64>,
    /// Autostop reminder lead time.
    #[schema(minimum = 0)]
    pub time_til_autostop_notify_ms: Option<i64>,
    /// Autostop requirement.
    pub autostop_requirement: Option<TemplateAutostopRequirement>,
    /// Autostart requirement.
    pub autostart_requirement: Option<TemplateAutostartRequirement>,
    /// Users may set autostart.
    pub allow_user_autostart: Option<bool>,
    /// Users may set autostop.
    pub allow_user_autostop: Option<bool>,
    /// Users may cancel builds.
    pub allow_user_cancel_workspace_jobs: Option<bool>,
    /// Failed workspaces stop after this long.
    #[schema(minimum = 0)]
    pub failure_ttl_ms: Option<i64>,
    /// Idle workspaces go dormant after this long.
    #[schema(minimum = 0)]
    pub time_til_dormant_ms: Option<i64>,
    /// Dormant workspaces are deleted after this long.
    #[schema(minimum = 0)]
    pub time_til_dormant_autodelete_ms: Option<i64>,
    /// Builds must use the active version.
    pub require_active_version: Option<bool>,
    /// Deprecate (non-empty) or undeprecate (empty).
    pub deprecation_message: Option<String>,
    /// Take `use` away from the Everyone group.
    #[serde(default)]
    pub disable_everyone_group_access: bool,
    /// Highest port sharing level.
    #[schema(pattern = "^(owner|authenticated|organization|public)$")]
    pub max_port_share_level: Option<String>,
    /// `simple` or `passthru`.
    pub cors_behavior: Option<String>,
    /// Classic parameter form.
    pub use_classic_parameter_flow: Option<bool>,
    /// No Terraform module cache.
    pub disable_module_cache: Option<bool>,
}

/// Coder's `codersdk.UpdateActiveTemplateVersion`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(as = codersdk::UpdateActiveTemplateVersion, example = json!({"id": "7c6b5a49-3827-4615-8f4e-3d2c1b0a9f8e"}))]
pub struct UpdateActiveTemplateVersion {
    /// The version to make active.
    pub id: Uuid,
}

/// Coder's `codersdk.TemplateRole`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = codersdk::TemplateRole)]
pub enum TemplateRole {
    /// Everything.
    Admin,
    /// Read and build.
    Use,
}

fn role_of(r: Option<domain::templates::acl::TemplateRole>) -> Option<TemplateRole> {
    r.map(|r| match r {
        domain::templates::acl::TemplateRole::Admin => TemplateRole::Admin,
        domain::templates::acl::TemplateRole::Use => TemplateRole::Use,
    })
}

/// Coder's `codersdk.TemplateUser`: a user with their role on the template.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::TemplateUser)]
pub struct TemplateUser {
    /// The user.
    #[serde(flatten)]
    pub user: User,
    /// Their role (`""` when the stored actions are neither role).
    #[serde(serialize_with = "role_or_empty")]
    pub role: Option<TemplateRole>,
}

/// Coder's `codersdk.TemplateGroup`: a group with its role on the template.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::TemplateGroup)]
pub struct TemplateGroup {
    /// The group.
    #[serde(flatten)]
    pub group: Group,
    /// Its role.
    #[serde(serialize_with = "role_or_empty")]
    pub role: Option<TemplateRole>,
}

fn role_or_empty<S: serde::Serializer>(r: &Option<TemplateRole>, s: S) -> Result<S::Ok, S::Error> {
    match r {
        Some(r) => r.serialize(s),
        None => s.serialize_str(""),
    }
}

/// Coder's `codersdk.TemplateACL` (the groups key is `group`, as in Coder).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::TemplateACL, example = json!({"users": [], "group": []}))]
pub struct TemplateAcl {
    /// Users and their roles.
    pub users: Vec<TemplateUser>,
    /// Groups and their roles.
    pub group: Vec<TemplateGroup>,
}

impl From<&domain::templates::acl::TemplateAcl> for TemplateAcl {
    fn from(a: &domain::templates::acl::TemplateAcl) -> Self {
        Self {
            users: a
                .users
                .iter()
                .map(|(u, r)| TemplateUser { user: User::from_domain(&u.user, u.organization_ids.clone()), role: role_of(*r) })
                .collect(),
            group: a.groups.iter().map(|(g, r)| TemplateGroup { group: Group::from(g), role: role_of(*r) }).collect(),
        }
    }
}

/// Coder's `codersdk.UpdateTemplateACL`: ids to `admin`, `use`, or `""` to remove.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::UpdateTemplateACL, example = json!({"user_perms": {"8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a": "use"}, "group_perms": {"5d1c4b7e-2f6a-4c0d-9e8b-7a3f2c1d0e9f": "admin"}}))]
pub struct UpdateTemplateAcl {
    /// User ids to roles.
    #[serde(default, deserialize_with = "null_default")]
    pub user_perms: BTreeMap<String, String>,
    /// Group ids to roles.
    #[serde(default, deserialize_with = "null_default")]
    pub group_perms: BTreeMap<String, String>,
}

/// Coder's `codersdk.ACLAvailable`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::ACLAvailable, example = json!({"users": [], "groups": []}))]
pub struct AclAvailable {
    /// Users who could be added.
    pub users: Vec<ReducedUser>,
    /// Groups that could be added (members left out).
    pub groups: Vec<Group>,
}

impl From<&domain::templates::acl::AclAvailable> for AclAvailable {
    fn from(a: &domain::templates::acl::AclAvailable) -> Self {
        Self { users: a.users.iter().map(ReducedUser::from).collect(), groups: a.groups.iter().map(Group::from).collect() }
    }
}

/// Coder's `codersdk.InvalidatedPreset`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::InvalidatedPreset)]
pub struct InvalidatedPreset {
    /// Template name.
    pub template_name: String,
    /// Active version's name.
    pub template_version_name: String,
    /// Preset name.
    pub preset_name: String,
}

/// Coder's `codersdk.InvalidatePresetsResponse`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::InvalidatePresetsResponse, example = json!({"invalidated": [{"template_name": "docker", "template_version_name": "v1", "preset_name": "small"}]}))]
pub struct InvalidatePresetsResponse {
    /// What was invalidated.
    pub invalidated: Vec<InvalidatedPreset>,
}

/// A tar archive of template source, as raw bytes.
#[derive(Debug, Clone, ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct TarArchive(pub Vec<u8>);

/// A conversion `GET /files/{fileID}` can apply.
#[derive(Debug, Clone, Copy, ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum FileFormat {
    /// The stored tar archive as zip.
    Zip,
}

/// A zip archive of template source, as raw bytes (converted to tar when uploaded).
#[derive(Debug, Clone, ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct ZipArchive(pub Vec<u8>);
