//! Provisioner daemons: who may run one (`serve`'s authorization), their registration and
//! heartbeat, and the organization's daemons list with Coder's filters.

use std::collections::HashMap;

use time::OffsetDateTime;
use uuid::Uuid;

use super::{tags, Daemon, Job, JobStatus, ProvisionerKey, Tags, KEY_ID_PSK, KEY_ID_USER_AUTH};
use crate::app::{Actor, App};
use crate::authz::System;
use crate::clock;
use crate::error::{Error, Result, Validations};
use crate::rbac::{self, action, resource, Object};

/// A daemon counts as offline once it has not been seen for this long (Coder's `StaleInterval`).
pub const STALE_AFTER: time::Duration = time::Duration::seconds(90);
/// How often a connected daemon's `last_seen_at` is refreshed (Coder's heartbeat interval).
pub const HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(60);
/// Daemons unseen this long are forgotten (Coder's `dbpurge`).
pub const FORGET_AFTER: time::Duration = time::Duration::days(7);

/// A daemon's state in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaemonStatus {
    /// Not seen within [`STALE_AFTER`].
    Offline,
    /// Connected, no job.
    Idle,
    /// Has an unfinished job.
    Busy,
}

impl DaemonStatus {
    /// Coder's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DaemonStatus::Offline => "offline",
            DaemonStatus::Idle => "idle",
            DaemonStatus::Busy => "busy",
        }
    }
}

/// A daemon as the list shows it.
#[derive(Debug, Clone)]
pub struct DaemonView {
    /// The daemon.
    pub daemon: Daemon,
    /// Its key's name.
    pub key_name: String,
    /// Offline, idle or busy.
    pub status: DaemonStatus,
    /// Its unfinished job.
    pub current_job: Option<JobSummary>,
    /// The last job it finished.
    pub previous_job: Option<JobSummary>,
}

/// A job as the daemons list names it.
#[derive(Debug, Clone)]
pub struct JobSummary {
    /// The job.
    pub id: Uuid,
    /// Its status.
    pub status: JobStatus,
    /// The template it works for (empty when none).
    pub template_name: String,
    /// Its icon.
    pub template_icon: String,
    /// Its display name.
    pub template_display_name: String,
}

/// Who a `serve` connection authenticated as.
#[derive(Debug, Clone)]
pub enum DaemonAuth {
    /// A provisioner key.
    Key(ProvisionerKey),
    /// The deployment's pre-shared key.
    Psk,
    /// A user's session.
    User(Box<Actor>),
}

/// What a daemon asked to register as (`serve`'s query parameters).
#[derive(Debug, Clone, Default)]
pub struct ServeRequest {
    /// `name` (random when absent).
    pub name: String,
    /// `provisioner` values.
    pub provisioners: Vec<String>,
    /// `tag` values, `key=value`.
    pub tags: Vec<String>,
    /// `version`, the protocol version asked for.
    pub api_version: Option<String>,
    /// The daemon's build version (`X-Coder-Build-Version`).
    pub build_version: String,
}

/// The provisioner types daemons may run.
pub const PROVISIONER_TYPES: [&str; 2] = ["terraform", "echo"];

/// Validates a protocol version against [`super::API_VERSION`].
pub fn check_api_version(v: &str) -> std::result::Result<(), String> {
    crate::apiversion::check(v, super::API_VERSION)
}

/// Filters of `GET /organizations/{organization}/provisionerdaemons`.
#[derive(Debug, Clone, Default)]
pub struct DaemonQuery {
    /// At most this many (0 = all).
    pub limit: usize,
    /// Only these daemons.
    pub ids: Vec<Uuid>,
    /// Only daemons whose tags contain these.
    pub tags: Option<Tags>,
    /// Only these statuses.
    pub status: Vec<DaemonStatus>,
    /// Include offline daemons.
    pub offline: bool,
    /// Only daemons seen within this long.
    pub max_age: Option<time::Duration>,
}

impl DaemonQuery {
    /// Parses the query string as Coder does: unknown parameters and malformed values are a 400
    /// `Invalid query parameters.` naming them.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self> {
        let mut q = DaemonQuery { limit: 50, ..Default::default() };
        let mut v = Validations::new();
        let mut seen: Vec<&str> = Vec::new();
        for (key, value) in pairs {
            let single = ["limit", "tags", "offline", "max_age"].contains(&key.as_str());
            if single && seen.contains(&key.as_str()) {
                v.add(key, format!("provided more than one value for {key:?}"));
                continue;
            }
            seen.push(key);
            match key.as_str() {
                "limit" => match value.parse::<i32>() {
                    Ok(n) if n >= 0 => q.limit = n as usize,
                    _ => v.add(key, format!("Query param {key:?} must be a valid integer greater than or equal to 0")),
                },
                "ids" => {
                    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                        match Uuid::parse_str(part) {
                            Ok(id) => q.ids.push(id),
                            Err(_) => v.add(key, format!("Query param {key:?} has invalid uuids: {part:?}")),
                        }
                    }
                }
                // An empty value filters nothing (the dashboard sends `tags=`), as in Coder.
                "tags" if value.trim().is_empty() => {}
                "max_age" if value.trim().is_empty() => {}
                "tags" => match serde_json::from_str::<Tags>(value) {
                    Ok(t) => q.tags = Some(t),
                    Err(e) => v.add(key, format!("Query param {key:?} must be a JSON object of strings: {e}")),
                },
                "status" => {
                    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                        match part {
                            "offline" => q.status.push(DaemonStatus::Offline),
                            "idle" => q.status.push(DaemonStatus::Idle),
                            "busy" => q.status.push(DaemonStatus::Busy),
                            _ => v.add(key, format!("{part:?} is not a valid provisioner daemon status (offline, idle, busy)")),
                        }
                    }
                }
                "offline" => match value.as_str() {
                    "true" => q.offline = true,
                    "false" | "" => q.offline = false,
                    _ => v.add(key, format!("Query param {key:?} must be a valid boolean")),
                },
                "max_age" => match crate::duration::parse(value) {
                    Ok(d) => q.max_age = time::Duration::try_from(d).ok(),
                    Err(_) => v.add(key, format!("Query param {key:?} must be a valid duration (e.g. \"24h\", \"30m\")")),
                },
                _ => v.add(key, format!("{key:?} is not a valid query param")),
            }
        }
        v.finish("Invalid query parameters.")?;
        Ok(q)
    }
}

/// The status of a daemon: busy with an open job (even when stale), otherwise offline when
/// stale, otherwise idle.
pub fn daemon_status(daemon: &Daemon, has_open_job: bool, now: OffsetDateTime) -> DaemonStatus {
    if has_open_job {
        DaemonStatus::Busy
    } else if daemon.last_seen_at.is_none_or(|t| t < now - STALE_AFTER) {
        DaemonStatus::Offline
    } else {
        DaemonStatus::Idle
    }
}

fn random_daemon_name() -> String {
    const ADJ: [&str; 8] = ["brave", "calm", "eager", "fancy", "gentle", "happy", "jolly", "lucid"];
    const NOUN: [&str; 8] = ["turing", "hopper", "lovelace", "knuth", "ritchie", "thompson", "liskov", "dijkstra"];
    let r = crate::secret::random_alphanumeric(6);
    let b = r.as_bytes();
    format!("{}_{}_{}", ADJ[b[0] as usize % 8], NOUN[b[1] as usize % 8], b[2] % 10)
}

impl App {
    /// `GET /organizations/{organization}/provisionerdaemons`.
    pub fn list_provisioner_daemons(&self, actor: &Actor, org_param: &str, q: DaemonQuery) -> Result<Vec<DaemonView>> {
        let org = self.resolve_org(actor, org_param)?;
        let db = self.db(actor);
        db.require_visible(action::READ, &Object::of(resource::PROVISIONER_JOBS).in_org(org.id))?;
        let now = clock::now();
        let mut daemons = db.daemons_of_org(org.id)?;
        daemons.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        let (open, last) = db.daemon_jobs(&daemons)?;
        let open: HashMap<Uuid, Job> = open.into_iter().filter_map(|j| j.worker_id.map(|w| (w, j))).collect();
        let last: HashMap<Uuid, Job> = last.into_iter().filter_map(|j| j.worker_id.map(|w| (w, j))).collect();
        let include_offline = q.offline || q.status.contains(&DaemonStatus::Offline);
        let keys: HashMap<Uuid, String> = db
            .provisioner_keys_of_org(org.id)
            .or_else(|e| if e.is_refusal() { Ok(Vec::new()) } else { Err(e) })?
            .into_iter()
            .map(|k| (k.id, k.name))
            .collect();
        let all_jobs: Vec<&Job> = open.values().chain(last.values()).collect();
        let summaries = self.job_summaries(&all_jobs)?;
        let mut out = Vec::new();
        for d in daemons {
            if !q.ids.is_empty() && !q.ids.contains(&d.id) {
                continue;
            }
            if let Some(wanted) = &q.tags {
                if !tags::contains(&d.tags, wanted) {
                    continue;
                }
            }
            if let (Some(age), Some(seen)) = (q.max_age, d.last_seen_at) {
                if now.checked_sub(age).is_some_and(|oldest| seen < oldest) {
                    continue;
                }
            }
            let stale = d.last_seen_at.is_none_or(|t| t < now - STALE_AFTER);
            let status = daemon_status(&d, open.contains_key(&d.id), now);
            if stale && !include_offline && status != DaemonStatus::Busy {
                continue;
            }
            if !q.status.is_empty() && !q.status.contains(&status) {
                continue;
            }
            let key_name = match d.key_id {
                super::KEY_ID_BUILT_IN => "built-in".to_string(),
                KEY_ID_USER_AUTH => "user-auth".to_string(),
                KEY_ID_PSK => "psk".to_string(),
                id => keys.get(&id).cloned().unwrap_or_default(),
            };
            let current_job = open.get(&d.id).and_then(|j| summaries.get(&j.id)).cloned();
            let previous_job = last.get(&d.id).and_then(|j| summaries.get(&j.id)).cloned();
            out.push(DaemonView { daemon: d, key_name, status, current_job, previous_job });
            if q.limit > 0 && out.len() >= q.limit {
                break;
            }
        }
        Ok(out)
    }

    /// Summaries of jobs with their templates' names and icons, one query per relation.
    /// The template names and icons of the jobs a daemon runs are part of the daemon as Coder
    /// lists it, whoever may read those templates: read as the daemons' own subject.
    fn job_summaries(&self, jobs: &[&Job]) -> Result<HashMap<Uuid, JobSummary>> {
        let db = self.db_as(System::Provisionerd);
        let version_ids: Vec<Uuid> = jobs.iter().filter_map(|j| j.template_version_id()).collect();
        let versions = db.template_versions_by_ids(&version_ids)?;
        let builds: Vec<crate::workspaces::Build> = jobs
            .iter()
            .filter(|j| j.workspace_build_id().is_some())
            .map(|j| db.build_by_job(j.id))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .flatten()
            .collect();
        let workspace_ids: Vec<Uuid> = builds.iter().map(|b| b.workspace_id).collect();
        let workspaces: Vec<crate::workspaces::Workspace> =
            workspace_ids.iter().map(|w| db.workspace_by_id(*w)).collect::<Result<Vec<_>>>()?.into_iter().flatten().collect();
        let mut template_ids: Vec<Uuid> = versions.iter().filter_map(|v| v.template_id).collect();
        template_ids.extend(workspaces.iter().map(|w| w.template_id));
        let templates = db.templates_by_ids(&template_ids)?;
        Ok(jobs
            .iter()
            .map(|job| {
                let template_id = match (job.template_version_id(), job.workspace_build_id()) {
                    (Some(v), _) => versions.iter().find(|x| x.id == v).and_then(|x| x.template_id),
                    (_, Some(b)) => builds
                        .iter()
                        .find(|x| x.id == b)
                        .and_then(|b| workspaces.iter().find(|w| w.id == b.workspace_id))
                        .map(|w| w.template_id),
                    _ => None,
                };
                let template = template_id.and_then(|t| templates.iter().find(|x| x.id == t));
                let summary = JobSummary {
                    id: job.id,
                    status: job.status(),
                    template_name: template.map(|t| t.name.clone()).unwrap_or_default(),
                    template_icon: template.map(|t| t.icon.clone()).unwrap_or_default(),
                    template_display_name: template.map(|t| t.display_name.clone()).unwrap_or_default(),
                };
                (job.id, summary)
            })
            .collect())
    }

    /// Authorizes and registers a daemon connecting to `serve`; the organization comes from the
    /// key for key-authenticated daemons and from the path otherwise. Returns the daemon row
    /// (its id survives reconnects under the same name and owner).
    pub fn register_daemon(&self, auth: &DaemonAuth, org_param: &str, req: ServeRequest) -> Result<Daemon> {
        let mut extra = Tags::new();
        for t in &req.tags {
            let Some((k, v)) = t.split_once('=') else {
                return Err(Error::bad_request(format!("Invalid format for tag {t:?}. Key and value must be separated with =.")));
            };
            extra.insert(k.to_string(), v.to_string());
        }
        if req.provisioners.is_empty() {
            return Err(Error::bad_request("The provisioner query parameter must be specified."));
        }
        for p in &req.provisioners {
            if !PROVISIONER_TYPES.contains(&p.as_str()) {
                return Err(Error::bad_request(format!("Unknown provisioner type {p:?}")));
            }
        }
        let org = match auth {
            DaemonAuth::User(actor) => self.resolve_org(actor, org_param)?,
            _ => self.resolve_org_as_system(org_param)?,
        };
        let refuse = |tags: &Tags, detail: &str| {
            let scope = tags.get(tags::SCOPE).cloned().unwrap_or_default();
            Error::new(crate::error::ErrorKind::Forbidden, format!("You aren't allowed to create provisioner daemons with scope {scope:?}"))
                .with_detail(detail)
        };
        let (org_id, daemon_tags, key_id) = match auth {
            DaemonAuth::Key(key) => {
                let t = tags::mutate(None, [&key.tags]);
                if !extra.is_empty() {
                    return Err(refuse(&t, "tags are not allowed when using a provisioner key"));
                }
                (key.organization_id, t, key.id)
            }
            DaemonAuth::Psk => {
                let t = tags::mutate(None, [&extra]);
                if !org.is_default {
                    let default = self.db_as(System::Provisionerd).default_organization()?.map(|o| o.name).unwrap_or_default();
                    return Err(refuse(&t, &format!("PSK auth is only allowed for the default organization '{default}'")));
                }
                (org.id, t, KEY_ID_PSK)
            }
            DaemonAuth::User(actor) => {
                let t = tags::mutate(Some(actor.user.id), [&extra]);
                let user_scoped = t.get(tags::SCOPE).map(String::as_str) == Some(tags::SCOPE_USER);
                if !user_scoped
                    && !rbac::authorize(&actor.subject, action::CREATE, &Object::of(resource::PROVISIONER_DAEMON).in_org(org.id))
                {
                    return Err(refuse(&t, "user unauthorized"));
                }
                (org.id, t, KEY_ID_USER_AUTH)
            }
        };
        if daemon_tags.iter().any(|(k, v)| k.contains('\0') || v.contains('\0')) {
            return Err(Error::invalid_field("Given tags are not acceptable to the service", "tags", "tags may not contain NUL bytes"));
        }
        let api_version = req.api_version.clone().unwrap_or_else(|| "1.0".into());
        if let Err(e) = check_api_version(&api_version) {
            return Err(Error::invalid_field("Incompatible or unparsable version", "version", e));
        }
        let name = if req.name.is_empty() { random_daemon_name() } else { req.name.clone() };
        let now = clock::now();
        let daemon = Daemon {
            id: Uuid::new_v4(),
            created_at: now,
            name,
            provisioners: req.provisioners.clone(),
            replica_id: self.replicas.me().map(|r| r.id),
            tags: daemon_tags,
            last_seen_at: Some(now),
            version: req.build_version.clone(),
            api_version,
            organization_id: org_id,
            key_id,
        };
        // Who may register was decided above (the key, the PSK or the user's rights); the
        // registration itself is the daemon's own, as Coder's `AsProvisionerd`.
        self.db_as(System::Provisionerd).upsert_daemon(&daemon)
    }

    /// Registers one of the server's own daemons (key `built-in`, untagged) in the default
    /// organization; `None` while there is no default organization yet.
    pub fn register_builtin_daemon(&self, name: &str, provisioners: &[String]) -> Result<Option<Daemon>> {
        let db = self.db_as(System::Provisionerd);
        let Some(org) = db.default_organization()? else { return Ok(None) };
        let now = clock::now();
        let daemon = Daemon {
            id: Uuid::new_v4(),
            created_at: now,
            name: name.to_string(),
            provisioners: provisioners.to_vec(),
            replica_id: self.replicas.me().map(|r| r.id),
            tags: tags::mutate(None, [&Tags::new()]),
            last_seen_at: Some(now),
            version: self.settings.version.clone(),
            api_version: format!("{}.{}", super::API_VERSION.0, super::API_VERSION.1),
            organization_id: org.id,
            key_id: super::KEY_ID_BUILT_IN,
        };
        db.upsert_daemon(&daemon).map(Some)
    }

    /// Marks a connected daemon as seen now.
    pub fn daemon_heartbeat(&self, daemon: Uuid) -> Result<()> {
        self.db_as(System::Provisionerd).touch_daemon(daemon, clock::now())
    }

    /// Whether a connected daemon is still registered (an administrator may have deleted its
    /// key, which ends its session).
    pub fn daemon_registered(&self, daemon: Uuid) -> Result<bool> {
        Ok(self.db_as(System::Provisionerd).daemon_by_id(daemon)?.is_some())
    }

    /// Forgets daemons unseen for a week.
    pub fn purge_old_daemons(&self) -> Result<usize> {
        self.db_as(System::Background).delete_daemons_unseen_since(clock::now() - FORGET_AFTER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions() {
        assert!(check_api_version("1.18").is_ok());
        assert!(check_api_version("1.0").is_ok());
        assert!(check_api_version("1.19").unwrap_err().contains("behind requested minor version"));
        assert!(check_api_version("2.0").unwrap_err().contains("behind requested major version"));
        assert!(check_api_version("0.9").unwrap_err().contains("no longer supported"));
        assert!(check_api_version("x").unwrap_err().contains("invalid version string"));
    }

    #[test]
    fn query_is_checked() {
        let p = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
        assert_eq!(DaemonQuery::parse(&[]).unwrap().limit, 50);
        assert_eq!(DaemonQuery::parse(&p("tags", r#"{"a":"b"}"#)).unwrap().tags.unwrap().get("a").unwrap(), "b");
        assert!(DaemonQuery::parse(&p("limit", "-1")).is_err());
        assert!(DaemonQuery::parse(&p("colour", "x")).is_err());
        assert!(DaemonQuery::parse(&p("status", "sleepy")).is_err());
        assert_eq!(DaemonQuery::parse(&p("max_age", "30m")).unwrap().max_age, Some(time::Duration::minutes(30)));
    }
}
