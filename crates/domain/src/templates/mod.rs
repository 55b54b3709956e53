//! Templates, their versions, the files versions are made from, template ACLs and presets.
//!
//! A version is created from an uploaded archive together with an import job; the job's
//! provisioner fills in the version's parameters, presets and resources when it completes. A
//! template points at one active version. Reading a template is allowed by role or by the
//! template's own ACL (users and groups, with `use` or `admin`).

pub mod acl;
pub mod archive;
pub mod examples;
pub mod files;
pub mod presets;
pub mod template;
pub mod versions;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// An uploaded archive (tar or zip) of template source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Identity (what `POST /files` answers as `hash`).
    pub id: Uuid,
    /// SHA-256 of the content, hex; with the uploader, unique.
    pub hash: String,
    /// Uploaded.
    pub created_at: OffsetDateTime,
    /// Uploader.
    pub created_by: Uuid,
    /// `application/x-tar` or `application/zip`.
    pub mimetype: String,
    /// The bytes.
    pub data: Vec<u8>,
}

/// Access a template's ACL grants: `use` (read and build) or `admin` (everything).
pub type AclMap = BTreeMap<Uuid, Vec<String>>;

/// Which templates a list query may return (the layer's read decision as terms of the query):
/// every one, those of some organizations, or those whose ACL names one of `acl_keys` (the
/// subject, their groups, the Everyone group of their organizations); within `ids` when set.
/// Every template role includes `read`, so an ACL entry is enough; the layer still decides each
/// returned row exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateReach {
    /// Every template.
    pub everything: bool,
    /// Templates of these organizations.
    pub orgs: Vec<Uuid>,
    /// Templates whose user or group ACL has one of these keys.
    pub acl_keys: Vec<Uuid>,
    /// When set, only these templates (an API key's allow list).
    pub ids: Option<Vec<Uuid>>,
}

/// Settings of a template that are read and written whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TemplateSettings {
    /// Default workspace TTL.
    pub default_ttl_ms: i64,
    /// How far activity pushes the autostop deadline.
    pub activity_bump_ms: i64,
    /// When the autostop reminder goes out (0 = never).
    pub time_til_autostop_notify_ms: i64,
    /// Days workspaces must stop on, as weekday names.
    pub autostop_requirement_days_of_week: Vec<String>,
    /// Every how many weeks.
    pub autostop_requirement_weeks: i64,
    /// Days workspaces may autostart on.
    pub autostart_requirement_days_of_week: Vec<String>,
    /// Users may set autostart.
    pub allow_user_autostart: bool,
    /// Users may set autostop.
    pub allow_user_autostop: bool,
    /// Users may cancel their builds.
    pub allow_user_cancel_workspace_jobs: bool,
    /// Failed workspaces stop after this long.
    pub failure_ttl_ms: i64,
    /// Idle workspaces go dormant after this long.
    pub time_til_dormant_ms: i64,
    /// Dormant workspaces are deleted after this long.
    pub time_til_dormant_autodelete_ms: i64,
    /// Builds must use the active version.
    pub require_active_version: bool,
    /// Why the template is deprecated (empty = not).
    pub deprecation_message: String,
    /// Highest port sharing level: `owner`, `authenticated`, `organization`, `public`.
    pub max_port_share_level: String,
    /// `simple` or `passthru`.
    pub cors_behavior: String,
    /// Use the classic parameter form.
    pub use_classic_parameter_flow: bool,
    /// Do not cache Terraform modules.
    pub disable_module_cache: bool,
}

impl Default for TemplateSettings {
    fn default() -> Self {
        Self {
            default_ttl_ms: 0,
            activity_bump_ms: 3_600_000,
            time_til_autostop_notify_ms: 0,
            autostop_requirement_days_of_week: Vec::new(),
            autostop_requirement_weeks: 1,
            autostart_requirement_days_of_week: WEEKDAYS.iter().map(|d| d.to_string()).collect(),
            allow_user_autostart: true,
            allow_user_autostop: true,
            allow_user_cancel_workspace_jobs: true,
            failure_ttl_ms: 0,
            time_til_dormant_ms: 0,
            time_til_dormant_autodelete_ms: 0,
            require_active_version: false,
            deprecation_message: String::new(),
            max_port_share_level: "owner".into(),
            cors_behavior: "simple".into(),
            // This server renders no dynamic parameters (they need Terraform): the dashboard uses its
            // classic form for templates that ask for it.
            use_classic_parameter_flow: true,
            disable_module_cache: false,
        }
    }
}

/// Weekday names as Coder spells them.
pub const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// A template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Identity.
    pub id: Uuid,
    /// Its organization.
    pub organization_id: Uuid,
    /// Unique among the organization's live templates (case-insensitively).
    pub name: String,
    /// Shown name.
    pub display_name: String,
    /// Description.
    pub description: String,
    /// Icon URL.
    pub icon: String,
    /// `terraform` or `echo`.
    pub provisioner: String,
    /// The version new workspaces use.
    pub active_version_id: Uuid,
    /// Creator.
    pub created_by: Uuid,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
    /// Soft-deleted.
    pub deleted: bool,
    /// Users granted access, by id.
    pub user_acl: AclMap,
    /// Groups granted access, by id (the Everyone group's id is the organization's).
    pub group_acl: AclMap,
    /// Everything else.
    pub settings: TemplateSettings,
}

/// A version of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateVersion {
    /// Identity.
    pub id: Uuid,
    /// Its template (none until a template is created from it).
    pub template_id: Option<Uuid>,
    /// Its organization.
    pub organization_id: Uuid,
    /// Unique within the template.
    pub name: String,
    /// What changed.
    pub message: String,
    /// README from the source.
    pub readme: String,
    /// The import job.
    pub job_id: Uuid,
    /// Creator.
    pub created_by: Uuid,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
    /// Hidden from new workspaces.
    pub archived: bool,
    /// Its resources include an external agent.
    pub has_external_agent: bool,
}

/// One option of a list parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ParameterOption {
    /// Shown name.
    pub name: String,
    /// Description.
    pub description: String,
    /// The value.
    pub value: String,
    /// Icon URL.
    pub icon: String,
}

/// A rich parameter a template version asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Parameter {
    /// Name (unique in the version).
    pub name: String,
    /// Shown name.
    pub display_name: String,
    /// Description.
    pub description: String,
    /// `string`, `number`, `bool`, `list(string)`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `input`, `dropdown`, ...
    pub form_type: String,
    /// Can change after the workspace is created.
    pub mutable: bool,
    /// Default.
    pub default_value: String,
    /// Icon URL.
    pub icon: String,
    /// Choices.
    pub options: Vec<ParameterOption>,
    /// Regex the value must match.
    pub validation_regex: String,
    /// Message when it does not.
    pub validation_error: String,
    /// Minimum (numbers).
    pub validation_min: Option<i32>,
    /// Maximum (numbers).
    pub validation_max: Option<i32>,
    /// `increasing` or `decreasing`.
    pub validation_monotonic: String,
    /// Must be given.
    pub required: bool,
    /// Only for one build.
    pub ephemeral: bool,
    /// Display order.
    pub order: i32,
}

/// A name and value pair of a preset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PresetParameter {
    /// Parameter name.
    pub name: String,
    /// Its value.
    pub value: String,
}

/// The part of a preset read and written whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct PresetData {
    /// Parameter values.
    pub parameters: Vec<PresetParameter>,
    /// Prebuilt workspaces to keep ready.
    pub desired_prebuild_instances: Option<i32>,
    /// Description.
    pub description: String,
    /// Icon URL.
    pub icon: String,
    /// Prebuilds older than this many seconds are replaced.
    pub invalidate_after_secs: Option<i32>,
}

/// A preset of a template version: a named set of parameter values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preset {
    /// Identity.
    pub id: Uuid,
    /// Its version.
    pub template_version_id: Uuid,
    /// Name.
    pub name: String,
    /// Created.
    pub created_at: OffsetDateTime,
    /// When its prebuilds were last invalidated.
    pub last_invalidated_at: Option<OffsetDateTime>,
    /// Chosen by default.
    pub is_default: bool,
    /// Parameters and the rest.
    pub data: PresetData,
}

/// A resource a job's plan or apply declared (kept as Coder's JSON shape).
#[derive(Debug, Clone, PartialEq)]
pub struct JobResource {
    /// Identity.
    pub id: Uuid,
    /// The job.
    pub job_id: Uuid,
    /// Recorded.
    pub created_at: OffsetDateTime,
    /// `start`, `stop` or `delete`.
    pub transition: String,
    /// The resource as `codersdk.WorkspaceResource` (agents included).
    pub data: serde_json::Value,
}

/// A variable of a version's template (Terraform's `variable` blocks), as the provisioner
/// reported it while parsing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TemplateVariable {
    /// Its name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// `string`, `number`, `bool`, ...
    #[serde(rename = "type")]
    pub type_: String,
    /// The value in use (the default: this server takes no user values).
    pub value: String,
    /// The default.
    pub default_value: String,
    /// Whether a value must be given.
    pub required: bool,
    /// Whether the value is secret (shown redacted).
    pub sensitive: bool,
}

/// An external auth provider a version asks its users to authenticate with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VersionExternalAuth {
    /// The provider's id.
    pub id: String,
    /// Whether a workspace may be built without it.
    pub optional: bool,
}
