//! The persistence contract the use cases need. `storage` implements it over diesel; tests may
//! implement it in memory. Methods are synchronous: the transport runs use cases on a blocking
//! thread pool.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::apikey::ApiKey;
use crate::error::{Error, Result};
use crate::organization::{Group, GroupAiBudget, Organization, OrganizationMember};
use crate::user::{LoginType, User, UserStatus};

/// Filters of the users list, parsed from Coder's `q` search language.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserFilter {
    /// Case-insensitive substring of username or email.
    pub search: Option<String>,
    /// Case-insensitive substring of the display name.
    pub name: Option<String>,
    /// Only these users (callers who may read no one else see just themselves; a key's allow
    /// list narrows further). An empty list matches no one.
    pub only_users: Option<Vec<Uuid>>,
    /// Only explicit members of this group.
    pub group_id: Option<Uuid>,
    /// Any of these statuses.
    pub status: Vec<UserStatus>,
    /// Holds any of these site roles (`member` matches everyone).
    pub roles: Vec<String>,
    /// Any of these login types.
    pub login_type: Vec<LoginType>,
    /// Created strictly before.
    pub created_before: Option<OffsetDateTime>,
    /// Created strictly after.
    pub created_after: Option<OffsetDateTime>,
    /// Last seen strictly before.
    pub last_seen_before: Option<OffsetDateTime>,
    /// Last seen strictly after.
    pub last_seen_after: Option<OffsetDateTime>,
    /// Only users in this organization.
    pub organization_id: Option<Uuid>,
    /// Only (or never) service accounts.
    pub service_account: Option<bool>,
    /// Only users linked to this GitHub account (0 = any).
    pub github_com_user_id: Option<i64>,
}

/// Keyset and offset pagination as Coder's `codersdk.Pagination` has it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Page {
    /// Start after the row with this id (in the list's order).
    pub after_id: Option<Uuid>,
    /// At most this many rows; 0 means no limit.
    pub limit: i64,
    /// Skip this many rows.
    pub offset: i64,
}

/// One page of rows and the total number matching the filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Paged<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// All rows matching, ignoring pagination.
    pub count: i64,
}

/// Everything the use cases read and write, grouped by what it concerns. Implementations must
/// make [`Repo::transaction`] atomic: either every write inside it lands or none does.
pub trait Repo:
    SiteStore
    + UserStore
    + KeyStore
    + OrgStore
    + GroupStore
    + LicenseStore
    + ReplicaStore
    + NotificationStore
    + ProxyStore
    + ScimStore
    + OAuth2Store
    + UserLinkStore
    + ProvisionerStore
    + TemplateStore
    + WorkspaceStore
    + ConnectionLogStore
    + InboxStore
    + Send
    + Sync
{
    /// Runs `f` in one database transaction; an `Err` from `f` rolls everything back.
    fn transaction(&self, f: &mut dyn FnMut(&dyn Repo) -> Result<()>) -> Result<()>;
}

/// Provisioner keys, daemons and the job queue.
pub trait ProvisionerStore {
    /// Stores a new key; a name taken in the organization is a conflict.
    fn insert_provisioner_key(&self, key: &crate::provisioners::ProvisionerKey) -> Result<()>;
    /// An organization's keys, oldest first.
    fn provisioner_keys_of_org(&self, org: Uuid) -> Result<Vec<crate::provisioners::ProvisionerKey>>;
    /// A key by name, case-insensitively.
    fn provisioner_key_by_name(&self, org: Uuid, name: &str) -> Result<Option<crate::provisioners::ProvisionerKey>>;
    /// A key by the hash of its secret.
    fn provisioner_key_by_hash(&self, hash: &[u8]) -> Result<Option<crate::provisioners::ProvisionerKey>>;
    /// Deletes a key and the daemon rows registered with it, in one transaction.
    fn delete_provisioner_key(&self, id: Uuid) -> Result<()>;
    /// Inserts a daemon, or updates the one with the same organization, name and owner (keeping
    /// its id and creation time); returns the stored row.
    fn upsert_daemon(&self, daemon: &crate::provisioners::Daemon) -> Result<crate::provisioners::Daemon>;
    /// An organization's daemons.
    fn daemons_of_org(&self, org: Uuid) -> Result<Vec<crate::provisioners::Daemon>>;
    /// A daemon by id.
    fn daemon_by_id(&self, id: Uuid) -> Result<Option<crate::provisioners::Daemon>>;
    /// Moves `last_seen_at` forward.
    fn touch_daemon(&self, id: Uuid, at: OffsetDateTime) -> Result<()>;
    /// Deletes daemons last seen before `before`; how many.
    fn delete_daemons_unseen_since(&self, before: OffsetDateTime) -> Result<usize>;
    /// Queues a job.
    fn insert_job(&self, job: &crate::provisioners::Job) -> Result<()>;
    /// A job by id.
    fn job_by_id(&self, id: Uuid) -> Result<Option<crate::provisioners::Job>>;
    /// Jobs by id (missing ones skipped).
    fn jobs_by_ids(&self, ids: &[Uuid]) -> Result<Vec<crate::provisioners::Job>>;
    /// The oldest pending (unstarted, uncancelled) jobs of an organization for one of these
    /// provisioner types, at most `limit`.
    fn pending_jobs(&self, org: Uuid, provisioners: &[String], limit: i64, offset: i64) -> Result<Vec<crate::provisioners::Job>>;
    /// When each pending job of an organization was queued, oldest first.
    fn pending_job_times(&self, org: Uuid) -> Result<Vec<(Uuid, OffsetDateTime)>>;
    /// Gives a pending job to `worker`, only if it is still pending: `false` when another
    /// daemon took it first.
    fn claim_job(&self, id: Uuid, worker: Uuid, at: OffsetDateTime) -> Result<bool>;
    /// Records a sign of life from the daemon holding an unfinished job: `false` when the job
    /// is no longer that daemon's or has finished.
    fn touch_job(&self, id: Uuid, worker: Uuid, at: OffsetDateTime) -> Result<bool>;
    /// Marks an unfinished, uncancelled job cancelled (and finished, when no daemon has it):
    /// `false` when it had finished or was cancelled already.
    fn cancel_job(&self, id: Uuid, at: OffsetDateTime) -> Result<bool>;
    /// Finishes a job only if it is unfinished: `false` when it already was.
    fn complete_job(&self, job: &crate::provisioners::Job) -> Result<bool>;
    /// Unfinished jobs of these workers, and the last finished job of each.
    fn current_and_previous_jobs(&self, workers: &[Uuid]) -> Result<(Vec<crate::provisioners::Job>, Vec<crate::provisioners::Job>)>;
    /// Running jobs not updated since `before` (their daemon vanished).
    fn running_jobs_idle_since(&self, before: OffsetDateTime) -> Result<Vec<crate::provisioners::Job>>;
    /// Appends log lines.
    fn insert_job_logs(&self, logs: &[crate::provisioners::JobLog]) -> Result<()>;
    /// A job's log lines with `after < id < before`, in order.
    fn job_logs(&self, job: Uuid, after: Option<i64>, before: Option<i64>) -> Result<Vec<crate::provisioners::JobLog>>;
    /// Tells every replica's idle daemons that there may be work (after the transaction commits).
    fn announce_jobs_queued(&self) -> Result<()>;
}

/// Files, templates, template versions and what import jobs leave behind.
pub trait TemplateStore {
    /// Stores a file; the same content from the same uploader is a conflict.
    fn insert_file(&self, file: &crate::templates::File) -> Result<()>;
    /// A file by id.
    fn file_by_id(&self, id: Uuid) -> Result<Option<crate::templates::File>>;
    /// A file by content hash and uploader.
    fn file_by_hash(&self, hash: &str, created_by: Uuid) -> Result<Option<crate::templates::File>>;
    /// Stores a template; a live name taken in the organization is a conflict.
    fn insert_template(&self, t: &crate::templates::Template) -> Result<()>;
    /// Overwrites a template's mutable columns. Read-modify-write callers hold
    /// [`TemplateStore::lock_template`] in a transaction first.
    fn update_template(&self, t: &crate::templates::Template) -> Result<()>;
    /// Inside a transaction, holds the template's row until it ends (PostgreSQL; SQLite
    /// transactions already hold the write lock).
    fn lock_template(&self, id: Uuid) -> Result<()>;
    /// A template by id (deleted ones too).
    fn template_by_id(&self, id: Uuid) -> Result<Option<crate::templates::Template>>;
    /// A live template by name, case-insensitively.
    fn template_by_name(&self, org: Uuid, name: &str) -> Result<Option<crate::templates::Template>>;
    /// Live templates, of one organization or all, by name.
    /// With `reach`, only the templates it admits, in the query.
    fn list_templates(&self, org: Option<Uuid>, reach: Option<&crate::templates::TemplateReach>)
        -> Result<Vec<crate::templates::Template>>;
    /// Templates by id.
    fn templates_by_ids(&self, ids: &[Uuid]) -> Result<Vec<crate::templates::Template>>;
    /// Stores a version.
    fn insert_template_version(&self, v: &crate::templates::TemplateVersion) -> Result<()>;
    /// Overwrites a version's mutable columns.
    fn update_template_version(&self, v: &crate::templates::TemplateVersion) -> Result<()>;
    /// A version by id.
    fn template_version_by_id(&self, id: Uuid) -> Result<Option<crate::templates::TemplateVersion>>;
    /// Versions by id.
    fn template_versions_by_ids(&self, ids: &[Uuid]) -> Result<Vec<crate::templates::TemplateVersion>>;
    /// A version by its import job.
    fn template_version_by_job(&self, job: Uuid) -> Result<Option<crate::templates::TemplateVersion>>;
    /// A version of a template by name, case-insensitively.
    fn template_version_by_name(&self, template: Uuid, name: &str) -> Result<Option<crate::templates::TemplateVersion>>;
    /// A template's versions, oldest first, paginated by `after_id`, `offset` and `limit`.
    fn template_versions_of(&self, template: Uuid, page: &Page) -> Result<Vec<crate::templates::TemplateVersion>>;
    /// Replaces a version's parameters.
    fn put_template_version_parameters(&self, version: Uuid, params: &[crate::templates::Parameter]) -> Result<()>;
    /// A version's parameters, in their order.
    fn template_version_parameters(&self, version: Uuid) -> Result<Vec<crate::templates::Parameter>>;
    /// Stores the variables an import reported for a version.
    fn put_template_version_variables(&self, version: Uuid, variables: &[crate::templates::TemplateVariable]) -> Result<()>;
    /// Stores the external auth providers a version asks for.
    fn put_template_version_external_auth(&self, version: Uuid, providers: &[crate::templates::VersionExternalAuth]) -> Result<()>;
    /// A version's variables and external auth providers (empty when the import reported none).
    fn template_version_inputs(
        &self,
        version: Uuid,
    ) -> Result<(Vec<crate::templates::TemplateVariable>, Vec<crate::templates::VersionExternalAuth>)>;
    /// Stores presets.
    fn insert_presets(&self, presets: &[crate::templates::Preset]) -> Result<()>;
    /// A version's presets, by name.
    fn presets_of_version(&self, version: Uuid) -> Result<Vec<crate::templates::Preset>>;
    /// Sets `last_invalidated_at` of every preset of a version; the presets changed.
    fn invalidate_presets(&self, version: Uuid, at: OffsetDateTime) -> Result<Vec<crate::templates::Preset>>;
    /// Stores resources a job declared.
    fn insert_job_resources(&self, resources: &[crate::templates::JobResource]) -> Result<()>;
    /// A job's resources.
    fn job_resources(&self, job: Uuid) -> Result<Vec<crate::templates::JobResource>>;
    /// The resources of several jobs.
    fn job_resources_of_jobs(&self, jobs: &[Uuid]) -> Result<Vec<crate::templates::JobResource>>;
}

/// Workspaces, builds, their parameter values and agents.
pub trait WorkspaceStore {
    /// Stores a workspace; a live name the owner already uses is a conflict.
    fn insert_workspace(&self, w: &crate::workspaces::Workspace) -> Result<()>;
    /// Overwrites a workspace's mutable columns.
    fn update_workspace(&self, w: &crate::workspaces::Workspace) -> Result<()>;
    /// A workspace by id (deleted ones too).
    fn workspace_by_id(&self, id: Uuid) -> Result<Option<crate::workspaces::Workspace>>;
    /// A live workspace of an owner by name, case-insensitively.
    fn workspace_by_owner_and_name(&self, owner: Uuid, name: &str) -> Result<Option<crate::workspaces::Workspace>>;
    /// The most recently created deleted workspace of an owner by name, case-insensitively
    /// (`include_deleted`).
    fn deleted_workspace_by_owner_and_name(&self, owner: Uuid, name: &str) -> Result<Option<crate::workspaces::Workspace>>;
    /// Live workspaces matching the filter, by owner then name, one page and the total.
    fn list_workspaces(&self, filter: &crate::workspaces::WorkspaceFilter, page: &Page) -> Result<Paged<crate::workspaces::Workspace>>;
    /// Workspaces by id (deleted ones too).
    fn workspaces_by_ids(&self, ids: &[Uuid]) -> Result<Vec<crate::workspaces::Workspace>>;
    /// Number of live workspaces of a template.
    fn count_template_workspaces(&self, template: Uuid) -> Result<i64>;
    /// Stores a build.
    fn insert_build(&self, b: &crate::workspaces::Build) -> Result<()>;
    /// Overwrites a build's mutable columns (cost, state, external agent flag, deadlines).
    fn update_build(&self, b: &crate::workspaces::Build) -> Result<()>;
    /// A build by id.
    fn build_by_id(&self, id: Uuid) -> Result<Option<crate::workspaces::Build>>;
    /// Builds by id.
    fn builds_by_ids(&self, ids: &[Uuid]) -> Result<Vec<crate::workspaces::Build>>;
    /// A build by its job.
    fn build_by_job(&self, job: Uuid) -> Result<Option<crate::workspaces::Build>>;
    /// A workspace's build by number.
    fn build_by_number(&self, workspace: Uuid, number: i32) -> Result<Option<crate::workspaces::Build>>;
    /// The latest build of each of these workspaces.
    fn latest_builds(&self, workspaces: &[Uuid]) -> Result<Vec<crate::workspaces::Build>>;
    /// A workspace's builds, newest first, paginated.
    fn builds_of(&self, workspace: Uuid, page: &Page) -> Result<Vec<crate::workspaces::Build>>;
    /// Stores a build's parameter values.
    fn insert_build_parameters(&self, build: Uuid, values: &[(String, String)]) -> Result<()>;
    /// A build's parameter values, by name.
    fn build_parameters(&self, build: Uuid) -> Result<Vec<(String, String)>>;
    /// Stores agents.
    fn insert_agents(&self, agents: &[crate::workspaces::Agent]) -> Result<()>;
    /// The agents declared by these jobs.
    fn agents_of_jobs(&self, jobs: &[Uuid]) -> Result<Vec<crate::workspaces::Agent>>;
    /// An agent by id.
    fn agent_by_id(&self, id: Uuid) -> Result<Option<crate::workspaces::Agent>>;
    /// Writes an agent's lifecycle state and data (not its connection times).
    fn update_agent(&self, agent: &crate::workspaces::Agent) -> Result<()>;
    /// Records that an agent is connected now (its first connection too, once).
    fn set_agent_connected(&self, id: Uuid, at: OffsetDateTime) -> Result<()>;
    /// Records that an agent disconnected now.
    fn set_agent_disconnected(&self, id: Uuid, at: OffsetDateTime) -> Result<()>;
    /// An agent by its token.
    fn agent_by_token(&self, token: Uuid) -> Result<Option<crate::workspaces::Agent>>;
    /// Quota credits an owner's live workspaces in an organization consume: the daily cost of
    /// each one's latest build, summed.
    fn quota_consumed(&self, owner: Uuid, org: Uuid) -> Result<i64>;
    /// The owner's latest values per parameter name over start builds of a template's workspaces,
    /// newest first, at most 100 (ephemeral parameters left out).
    fn autofill_values(&self, owner: Uuid, template: Uuid) -> Result<Vec<(String, String)>>;
    /// Live workspaces by the state of their latest build, as `(state, count)`, classified as
    /// Coder's `GetDeploymentWorkspaceStats` does: `pending`, `building`, `running`, `failed`,
    /// `stopped` (anything else `other`).
    fn workspace_states(&self) -> Result<Vec<(String, i64)>>;
}

/// Connection logs.
pub trait ConnectionLogStore {
    /// Records an event of a session: inserts the session's row, or merges into it (earliest
    /// connect; the first disconnect's time, reason and code), keyed by connection id,
    /// workspace and agent.
    fn upsert_connection_log(&self, log: &crate::connectionlog::ConnectionLog) -> Result<()>;
    /// Connections not yet closed, as `(type, count)`.
    fn open_connections(&self) -> Result<Vec<(String, i64)>>;
    /// Who connected to a workspace since `since` and when, as distinct `(workspace owner,
    /// connect time)` pairs, through the connect-time index.
    fn connections_since(&self, since: time::OffsetDateTime) -> Result<Vec<(Uuid, time::OffsetDateTime)>>;
    /// Rows matching, newest first, and their number counted up to `count_cap`.
    fn list_connection_logs(
        &self,
        filter: &crate::connectionlog::ConnectionLogFilter,
        limit: i64,
        offset: i64,
        count_cap: i64,
    ) -> Result<Paged<crate::connectionlog::ConnectionLog>>;
}

/// Deployment-wide settings kept in the database.
pub trait SiteStore {
    /// Reads a deployment-wide setting.
    fn get_site_config(&self, key: &str) -> Result<Option<String>>;
    /// Writes a deployment-wide setting.
    fn put_site_config(&self, key: &str, value: &str) -> Result<()>;
}

/// User accounts, their per-user settings and their git SSH keys.
pub trait UserStore {
    /// Stores a new user.
    fn insert_user(&self, user: &User) -> Result<()>;
    /// Every change of any user's status (`deleted` for deletions) up to `until`, oldest first:
    /// `(user, status, when)`.
    fn user_status_changes(&self, until: OffsetDateTime) -> Result<Vec<(Uuid, String, OffsetDateTime)>>;
    /// Inside a transaction, holds the user's row until it ends, so that read-modify-write edits
    /// from several replicas do not overwrite each other (SQLite transactions already hold the
    /// database's write lock).
    fn lock_user(&self, id: Uuid) -> Result<()>;
    /// Overwrites every mutable column of a user.
    fn update_user(&self, user: &User) -> Result<()>;
    /// Sets only the status of a user, so that a concurrent edit of other fields is not lost.
    fn update_user_status(&self, id: Uuid, status: UserStatus, at: OffsetDateTime) -> Result<()>;
    /// A live (not deleted) user by id.
    fn user_by_id(&self, id: Uuid) -> Result<Option<User>>;
    /// A live user by username, case-insensitively.
    fn user_by_username(&self, username: &str) -> Result<Option<User>>;
    /// A live user by email, case-insensitively.
    fn user_by_email(&self, email: &str) -> Result<Option<User>>;
    /// Live users, filtered, ordered by username, paginated.
    fn list_users(&self, filter: &UserFilter, page: &Page) -> Result<Paged<User>>;
    /// [`UserStore::list_users`] with each user's organization ids (in membership order),
    /// loaded by the same statement.
    fn list_users_with_orgs(&self, filter: &UserFilter, page: &Page) -> Result<Paged<(User, Vec<Uuid>)>>;
    /// Live users by id (missing ids are skipped).
    fn users_by_ids(&self, ids: &[Uuid]) -> Result<Vec<User>>;
    /// Number of live users.
    fn count_users(&self) -> Result<i64>;
    /// Records activity, but only moves `last_seen_at` forward.
    fn touch_user_last_seen(&self, id: Uuid, at: OffsetDateTime) -> Result<()>;
    /// Reads one setting of a user.
    fn get_user_config(&self, user_id: Uuid, key: &str) -> Result<Option<String>>;
    /// Writes one setting of a user.
    fn put_user_config(&self, user_id: Uuid, key: &str, value: &str) -> Result<()>;
    /// The user's key pair: (private OpenSSH PEM, public authorized_keys line, created, updated).
    fn get_gitsshkey(&self, user_id: Uuid) -> Result<Option<GitSshKeyRow>>;
    /// Stores the key pair of a user who has none (a new user): one insert.
    fn insert_gitsshkey(&self, key: &GitSshKeyRow) -> Result<()>;
    /// Creates or replaces the user's key pair.
    fn put_gitsshkey(&self, key: &GitSshKeyRow) -> Result<()>;
}

/// API keys: sessions and tokens.
pub trait KeyStore {
    /// Stores a new key.
    fn insert_api_key(&self, key: &ApiKey) -> Result<()>;
    /// A key by its public id.
    fn api_key_by_id(&self, id: &str) -> Result<Option<ApiKey>>;
    /// A named key of a user.
    fn api_key_by_name(&self, user_id: Uuid, token_name: &str) -> Result<Option<ApiKey>>;
    /// Keys of a user with the given login type (all types when `None`), newest first;
    /// `expired_too` keeps keys whose expiry has passed.
    fn api_keys_of_user(&self, user_id: Uuid, login_type: Option<LoginType>, expired_too: bool, now: OffsetDateTime)
        -> Result<Vec<ApiKey>>;
    /// Updates usage and expiry of a key.
    fn update_api_key_usage(&self, id: &str, last_used: OffsetDateTime, expires_at: OffsetDateTime) -> Result<()>;
    /// Every token of a live user with its owner's username, newest first, in one query.
    fn tokens_of_live_users(&self, expired_too: bool, now: OffsetDateTime) -> Result<Vec<(ApiKey, String)>>;
    /// Deletes one key; `false` when it did not exist.
    fn delete_api_key(&self, id: &str) -> Result<bool>;
    /// Deletes every key of a user except `keep` (used on password change and deletion).
    fn delete_api_keys_of_user(&self, user_id: Uuid, keep: Option<&str>) -> Result<()>;
}

/// Organizations and their memberships.
pub trait OrgStore {
    /// Stores a new organization.
    fn insert_organization(&self, org: &Organization) -> Result<()>;
    /// Overwrites an organization's name, display name, description and icon; a name taken by
    /// another organization is a conflict.
    fn update_organization(&self, org: &Organization) -> Result<()>;
    /// Removes an organization with its memberships and groups.
    fn delete_organization(&self, id: Uuid) -> Result<()>;
    /// An organization by id.
    fn organization_by_id(&self, id: Uuid) -> Result<Option<Organization>>;
    /// An organization by name, case-insensitively.
    fn organization_by_name(&self, name: &str) -> Result<Option<Organization>>;
    /// The default organization.
    fn default_organization(&self) -> Result<Option<Organization>>;
    /// All organizations, ordered by name.
    fn list_organizations(&self, visible: Option<&crate::rbac::Visibility>) -> Result<Vec<Organization>>;
    /// Adds a membership.
    fn insert_member(&self, member: &OrganizationMember) -> Result<()>;
    /// Replaces the roles of a membership.
    fn update_member_roles(&self, org: Uuid, user: Uuid, roles: &[String], at: OffsetDateTime) -> Result<()>;
    /// Removes a membership and the user's memberships of that organization's groups.
    fn delete_member(&self, org: Uuid, user: Uuid) -> Result<bool>;
    /// One membership.
    fn member(&self, org: Uuid, user: Uuid) -> Result<Option<OrganizationMember>>;
    /// Memberships of a user.
    fn memberships_of_user(&self, user: Uuid) -> Result<Vec<OrganizationMember>>;
    /// Memberships of several users at once.
    fn memberships_of_users(&self, users: &[Uuid]) -> Result<Vec<OrganizationMember>>;
    /// Memberships of an organization, with live users only, ordered by username.
    fn members_of_org(&self, org: Uuid) -> Result<Vec<OrganizationMember>>;
    /// Number of members of an organization who are live users.
    fn count_org_members(&self, org: Uuid) -> Result<i64>;
    /// Whose workspaces may be shared in an organization (`none`, `everyone`,
    /// `service_accounts`); `None` when the organization does not exist.
    fn workspace_sharing(&self, org: Uuid) -> Result<Option<String>>;
    /// Sets whose workspaces may be shared in an organization.
    fn set_workspace_sharing(&self, org: Uuid, owners: &str, at: OffsetDateTime) -> Result<()>;
}

/// Groups, their explicit members and their AI budgets.
pub trait GroupStore {
    /// Stores a new group.
    fn insert_group(&self, group: &Group) -> Result<()>;
    /// Overwrites a group.
    fn update_group(&self, group: &Group) -> Result<()>;
    /// Removes a group and its memberships.
    fn delete_group(&self, id: Uuid) -> Result<()>;
    /// A group by id.
    fn group_by_id(&self, id: Uuid) -> Result<Option<Group>>;
    /// A group by organization and exact (case-sensitive) name.
    fn group_by_name(&self, org: Uuid, name: &str) -> Result<Option<Group>>;
    /// Groups, optionally of one organization, ordered by name; with `visible`, only the rows
    /// it admits (in the query).
    fn list_groups(&self, org: Option<Uuid>, visible: Option<&crate::rbac::Visibility>) -> Result<Vec<Group>>;
    /// Adds explicit group memberships (ignoring ones that exist).
    fn add_group_members(&self, group: Uuid, users: &[Uuid]) -> Result<()>;
    /// Removes explicit group memberships.
    fn remove_group_members(&self, group: Uuid, users: &[Uuid]) -> Result<()>;
    /// Ids of the explicit members of a group.
    fn group_member_ids(&self, group: Uuid) -> Result<Vec<Uuid>>;
    /// `(group, user)` pairs of the explicit members of several groups, in one query.
    fn members_of_groups(&self, groups: &[Uuid]) -> Result<Vec<(Uuid, Uuid)>>;
    /// Ids of groups a user explicitly belongs to.
    fn group_ids_of_user(&self, user: Uuid) -> Result<Vec<Uuid>>;
    /// Number of explicit members of a group who are live users.
    fn count_group_members(&self, group: Uuid) -> Result<i64>;
    /// A group's AI budget, if set.
    fn group_ai_budget(&self, group: Uuid) -> Result<Option<GroupAiBudget>>;
    /// Creates or replaces a group's AI budget.
    fn put_group_ai_budget(&self, budget: &GroupAiBudget) -> Result<()>;
    /// Removes a group's AI budget; `false` when none was set.
    fn delete_group_ai_budget(&self, group: Uuid) -> Result<bool>;
}

/// Licenses on file, and the count they are measured against.
pub trait LicenseStore {
    /// Stores an uploaded license; its id is assigned by the database. A license already on
    /// file (the same JWT) is a conflict.
    fn insert_license(&self, jwt: &str, exp: OffsetDateTime, uuid: Uuid, uploaded_at: OffsetDateTime) -> Result<LicenseRow>;
    /// Every license, by id.
    fn list_licenses(&self) -> Result<Vec<LicenseRow>>;
    /// Licenses whose `exp` is after `now`, by id.
    fn unexpired_licenses(&self, now: OffsetDateTime) -> Result<Vec<LicenseRow>>;
    /// Removes a license; `false` when there was none with that id.
    fn delete_license(&self, id: i32) -> Result<bool>;
    /// Users the user limit counts: active, live, not service accounts.
    fn count_active_users(&self) -> Result<i64>;
    /// Tells every replica that the licenses changed.
    fn announce_licenses_changed(&self) -> Result<()>;
}

/// The server processes sharing this database.
pub trait ReplicaStore {
    /// Registers a replica, or overwrites its row.
    fn upsert_replica(&self, replica: &Replica) -> Result<()>;
    /// Records a heartbeat; `false` when the row is gone (cleaned up by another replica).
    fn heartbeat_replica(&self, id: Uuid, at: OffsetDateTime, database_latency: i32, error: &str) -> Result<bool>;
    /// Primary replicas that heartbeated after `after` and have not stopped, oldest first.
    fn live_replicas(&self, after: OffsetDateTime) -> Result<Vec<Replica>>;
    /// Marks a replica stopped on graceful shutdown.
    fn stop_replica(&self, id: Uuid, at: OffsetDateTime) -> Result<()>;
    /// Forgets replicas that last heartbeated before `before`.
    fn delete_stale_replicas(&self, before: OffsetDateTime) -> Result<()>;
    /// Tells every replica that the set of replicas changed.
    fn announce_replicas_changed(&self) -> Result<()>;
    /// One replica row, stopped or not.
    fn replica_by_id(&self, id: Uuid) -> Result<Option<Replica>>;
    /// Workspace-proxy replicas (not primary) that heartbeated after `after` and have not stopped.
    fn live_proxy_replicas(&self, after: OffsetDateTime) -> Result<Vec<Replica>>;
}

/// Workspace proxies.
pub trait ProxyStore {
    /// Stores a new proxy.
    fn insert_proxy(&self, proxy: &WorkspaceProxy) -> Result<()>;
    /// A proxy by id, deleted ones too.
    fn proxy_by_id(&self, id: Uuid) -> Result<Option<WorkspaceProxy>>;
    /// A live proxy by exact name.
    fn proxy_by_name(&self, name: &str) -> Result<Option<WorkspaceProxy>>;
    /// A live proxy by name, case-insensitively (names are unique that way).
    fn proxy_by_name_ci(&self, name: &str) -> Result<Option<WorkspaceProxy>>;
    /// Live proxies, oldest first.
    fn list_proxies(&self) -> Result<Vec<WorkspaceProxy>>;
    /// The region number the next proxy gets (one more than any so far).
    fn next_proxy_region_id(&self) -> Result<i32>;
    /// Overwrites name, display name, icon, token and `updated_at`.
    fn update_proxy(&self, proxy: &WorkspaceProxy) -> Result<()>;
    /// Soft-deletes a proxy.
    fn set_proxy_deleted(&self, id: Uuid, at: OffsetDateTime) -> Result<()>;
    /// Records what a proxy registered with.
    #[allow(clippy::too_many_arguments)]
    fn register_proxy(
        &self,
        id: Uuid,
        url: &str,
        wildcard_hostname: &str,
        derp_enabled: bool,
        derp_only: bool,
        version: &str,
        at: OffsetDateTime,
    ) -> Result<()>;
    /// Tells every replica that proxies changed (so they check health again).
    fn announce_proxies_changed(&self) -> Result<()>;
}

pub use crate::proxies::WorkspaceProxy;

/// What SCIM sent that Coder has no column for.
pub trait ScimStore {
    /// The SCIM data of a user.
    fn scim_user(&self, user_id: Uuid) -> Result<Option<ScimUserRow>>;
    /// The SCIM data of every user that has any.
    fn scim_users(&self) -> Result<Vec<ScimUserRow>>;
    /// The SCIM data whose `userName` is `user_name`, case-insensitively.
    fn scim_user_by_user_name(&self, user_name: &str) -> Result<Option<ScimUserRow>>;
    /// Creates or replaces a user's SCIM data.
    fn put_scim_user(&self, row: &ScimUserRow) -> Result<()>;
    /// The SCIM data of a group.
    fn scim_group(&self, group_id: Uuid) -> Result<Option<ScimGroupRow>>;
    /// The SCIM data of every group that has any.
    fn scim_groups(&self) -> Result<Vec<ScimGroupRow>>;
    /// Creates or replaces a group's SCIM data.
    fn put_scim_group(&self, row: &ScimGroupRow) -> Result<()>;
    /// Forgets a group's SCIM data.
    fn delete_scim_group(&self, group_id: Uuid) -> Result<()>;
}

pub use crate::scim::{ScimGroupRow, ScimUserRow};

/// OAuth2 applications and their client secrets.
pub trait OAuth2Store {
    /// Stores a new application.
    fn insert_oauth2_app(&self, app: &OAuth2App) -> Result<()>;
    /// One application.
    fn oauth2_app(&self, id: Uuid) -> Result<Option<OAuth2App>>;
    /// Every application, by name then id.
    fn list_oauth2_apps(&self) -> Result<Vec<OAuth2App>>;
    /// The applications a user holds live grants of, by name then id.
    fn oauth2_apps_granted_by(&self, user: Uuid) -> Result<Vec<OAuth2App>>;
    /// Overwrites every mutable column of an application (all but id and creation).
    fn update_oauth2_app(&self, app: &OAuth2App) -> Result<()>;
    /// Removes an application with its secrets, codes, grants and their access tokens.
    fn delete_oauth2_app(&self, id: Uuid) -> Result<()>;
    /// Stores a new secret.
    fn insert_oauth2_app_secret(&self, secret: &OAuth2AppSecret) -> Result<()>;
    /// One secret.
    fn oauth2_app_secret(&self, id: Uuid) -> Result<Option<OAuth2AppSecret>>;
    /// The secrets of an application, oldest first.
    fn oauth2_app_secrets(&self, app: Uuid) -> Result<Vec<OAuth2AppSecret>>;
    /// Removes a secret with the grants it authenticated and their access tokens.
    fn delete_oauth2_app_secret(&self, id: Uuid) -> Result<()>;
    /// The secret with this prefix.
    fn oauth2_app_secret_by_prefix(&self, prefix: &str) -> Result<Option<OAuth2AppSecret>>;
    /// Records that a secret authenticated a client (`last_used_at`).
    fn touch_oauth2_app_secret(&self, id: Uuid, at: OffsetDateTime) -> Result<()>;
    /// Stores a new authorization code, first dropping the expired codes of the same user and
    /// application.
    fn insert_oauth2_code(&self, code: &AuthorizationCode) -> Result<()>;
    /// The code with this prefix.
    fn oauth2_code_by_prefix(&self, prefix: &str) -> Result<Option<AuthorizationCode>>;
    /// Marks a code redeemed by `grant`, unless it already was: `false` means another exchange
    /// won (codes are single use even under concurrent requests).
    fn redeem_oauth2_code(&self, id: Uuid, grant: Uuid, at: OffsetDateTime) -> Result<bool>;
    /// Stores a new grant.
    fn insert_oauth2_grant(&self, grant: &Grant) -> Result<()>;
    /// One grant.
    fn oauth2_grant(&self, id: Uuid) -> Result<Option<Grant>>;
    /// The grant an access token (API key) was issued for.
    fn oauth2_grant_of_api_key(&self, api_key_id: &str) -> Result<Option<Grant>>;
    /// Stores a new refresh token.
    fn insert_oauth2_refresh_token(&self, token: &RefreshToken) -> Result<()>;
    /// The refresh token with this prefix.
    fn oauth2_refresh_token_by_prefix(&self, prefix: &str) -> Result<Option<RefreshToken>>;
    /// Marks a refresh token spent and deletes its access token, unless it already was spent:
    /// `false` means another refresh won.
    fn spend_oauth2_refresh_token(&self, id: Uuid, at: OffsetDateTime) -> Result<bool>;
    /// Revokes grants with every token and access token they issued: the given grants, or
    /// every grant of `(user, app)`.
    fn revoke_oauth2_grants(&self, which: GrantSelector) -> Result<()>;
    /// Inside a transaction, holds a grant's row until it ends (PostgreSQL; SQLite transactions
    /// hold the write lock), so a refresh and a revocation of one grant cannot interleave;
    /// `false` when the grant is gone.
    fn lock_oauth2_grant(&self, id: Uuid) -> Result<bool>;
    /// Forgets what expired before `now`: codes, refresh tokens (spent ones were kept only to
    /// detect reuse), and the grants left without any refresh token.
    fn purge_expired_oauth2(&self, now: OffsetDateTime) -> Result<()>;
}

/// Which grants [`OAuth2Store::revoke_oauth2_grants`] revokes.
#[derive(Debug, Clone, Copy)]
pub enum GrantSelector {
    /// One grant.
    Id(Uuid),
    /// Every grant one user gave one application.
    UserApp {
        /// The user.
        user: Uuid,
        /// The application.
        app: Uuid,
    },
}

pub use crate::oauth2::{AuthorizationCode, Grant, OAuth2App, OAuth2AppSecret, RefreshToken};

/// Notification templates (seeded by migrations) and their delivery methods.
pub trait NotificationStore {
    /// Templates of one kind (`system` or `custom`), ordered by name.
    fn notification_templates(&self, kind: &str) -> Result<Vec<NotificationTemplate>>;
    /// One template.
    fn notification_template(&self, id: Uuid) -> Result<Option<NotificationTemplate>>;
    /// Sets a template's delivery method (`None`: the deployment default).
    fn set_notification_template_method(&self, id: Uuid, method: Option<&str>) -> Result<()>;
    /// A user's stored choices: `(template, disabled, updated_at)`, by template id.
    fn notification_preferences(&self, user: Uuid) -> Result<Vec<(Uuid, bool, OffsetDateTime)>>;
    /// Stores choices of a user (inserted or replaced; templates not named keep theirs).
    fn put_notification_preferences(&self, user: Uuid, choices: &[(Uuid, bool)], at: OffsetDateTime) -> Result<()>;
}

pub use crate::licensing::entitlements::LicenseRow;
pub use crate::notifications::NotificationTemplate;
pub use crate::replicas::Replica;

/// A stored git SSH key pair.
#[derive(Debug, Clone, PartialEq)]
pub struct GitSshKeyRow {
    /// Owner.
    pub user_id: Uuid,
    /// OpenSSH private key; never leaves the server through the API.
    pub private_key: String,
    /// `ssh-ed25519 AAAA...` line.
    pub public_key: String,
    /// When first generated.
    pub created_at: OffsetDateTime,
    /// When last regenerated.
    pub updated_at: OffsetDateTime,
}

/// A committed write that in-process caches must hear about. The store reports these after
/// commit on the replica that wrote, and through the database's notifications on the others.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Change {
    /// A user's account, status, roles, memberships or keys changed.
    User(Uuid),
    /// One API key changed or went away.
    Key(String),
    /// An organization went away (with every membership in it).
    Organization(Uuid),
    /// Licenses were added or removed: entitlements must be recomputed.
    Licenses,
    /// A replica started, stopped or changed its error.
    Replicas,
    /// A workspace proxy was created, changed, deleted or registered.
    Proxies,
    /// A provisioner job was queued or cancelled: idle daemons should look for work.
    ProvisionerJobs,
    /// A user received an inbox notification: their watch sockets should look.
    Inbox(Uuid),
    /// Anything may have changed (notifications were missed): drop everything.
    Everything,
}

impl Change {
    /// The one-line form carried in database notifications.
    pub fn encode(&self) -> String {
        match self {
            Change::User(id) => format!("user {id}"),
            Change::Key(id) => format!("key {id}"),
            Change::Organization(id) => format!("org {id}"),
            Change::Licenses => "licenses".to_string(),
            Change::Replicas => "replicas".to_string(),
            Change::Proxies => "proxies".to_string(),
            Change::ProvisionerJobs => "jobs".to_string(),
            Change::Inbox(id) => format!("inbox {id}"),
            Change::Everything => "all".to_string(),
        }
    }

    /// Reads [`Change::encode`]'s form; anything unreadable means [`Change::Everything`], since
    /// dropping too much is safe and dropping too little is not.
    pub fn decode(s: &str) -> Change {
        match s {
            "licenses" => return Change::Licenses,
            "replicas" => return Change::Replicas,
            "proxies" => return Change::Proxies,
            "jobs" => return Change::ProvisionerJobs,
            _ => {}
        }
        let parsed = match s.split_once(' ') {
            Some(("user", id)) => Uuid::parse_str(id).ok().map(Change::User),
            Some(("key", id)) if !id.is_empty() => Some(Change::Key(id.to_string())),
            Some(("org", id)) => Uuid::parse_str(id).ok().map(Change::Organization),
            Some(("inbox", id)) => Uuid::parse_str(id).ok().map(Change::Inbox),
            _ => None,
        };
        parsed.unwrap_or(Change::Everything)
    }
}

/// Inbox notifications.
pub trait InboxStore {
    /// Stores a notification and tells every replica's watchers of its user.
    fn insert_inbox_notification(&self, n: &crate::inbox::InboxNotification) -> Result<()>;
    /// A notification by id.
    fn inbox_notification(&self, id: Uuid) -> Result<Option<crate::inbox::InboxNotification>>;
    /// A user's notifications matching the filter, newest first, at most `limit`.
    fn inbox_page(&self, user: Uuid, filter: &crate::inbox::InboxFilter, limit: i64) -> Result<Vec<crate::inbox::InboxNotification>>;
    /// How many of a user's notifications are unread.
    fn inbox_unread_count(&self, user: Uuid) -> Result<i64>;
    /// Sets (or clears) when a notification was read.
    fn set_inbox_read(&self, id: Uuid, at: Option<OffsetDateTime>) -> Result<()>;
    /// Marks every unread notification of a user read.
    fn mark_all_inbox_read(&self, user: Uuid, at: OffsetDateTime) -> Result<()>;
}

/// Something that keeps derived state in memory and must drop it when the data changes.
pub trait ChangeListener: Send + Sync {
    /// Called after `changes` were committed.
    fn changed(&self, changes: &[Change]);
}

/// Runs `f` inside a transaction and hands back its value.
pub fn in_transaction<T>(repo: &dyn Repo, f: impl FnOnce(&dyn Repo) -> Result<T>) -> Result<T> {
    let mut f = Some(f);
    let mut out = None;
    repo.transaction(&mut |tx| {
        let f = f.take().ok_or_else(|| Error::internal("Internal error.", "transaction body ran twice"))?;
        out = Some(f(tx)?);
        Ok(())
    })?;
    out.ok_or_else(|| Error::internal("Internal error.", "transaction body did not run"))
}

/// The links of external identities (OIDC subjects, GitHub users) to accounts (`user_links`).
pub trait UserLinkStore {
    /// The link of an identity whose account is live.
    fn user_link_by_linked_id(&self, login_type: LoginType, linked_id: &str) -> Result<Option<crate::externallogin::UserLink>>;
    /// The link of one account for one login type.
    fn user_link(&self, user: Uuid, login_type: LoginType) -> Result<Option<crate::externallogin::UserLink>>;
    /// Creates or replaces the link of `(user, login_type)`; `Conflict` when another account
    /// holds the identity.
    fn upsert_user_link(&self, link: &crate::externallogin::UserLink) -> Result<()>;
    /// The merged claims of the OIDC links of live users (of members of `org` when given).
    fn oidc_merged_claims(&self, org: Option<Uuid>) -> Result<Vec<serde_json::Map<String, serde_json::Value>>>;
}
