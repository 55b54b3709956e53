//! Template versions: creating one queues its import job; reading one shows the job's progress,
//! its logs, and what the import found (parameters, presets, resources).

use uuid::Uuid;

use super::{JobResource, Parameter, Preset, Template, TemplateVersion};
use crate::app::{Actor, App};
use crate::authz::{Db, System};
use crate::clock;
use crate::error::{Error, ErrorKind, Result, Validations};
use crate::provisioners::{daemons, tags, Job, JobStatus, JobType, Tags};
use crate::rbac::{self, action, resource, Object};
use crate::store::Page;
use crate::user::User;

/// A job with its place in the queue.
#[derive(Debug, Clone)]
pub struct JobView {
    /// The job.
    pub job: Job,
    /// 1-based position among its organization's pending jobs (0 unless pending).
    pub queue_position: i64,
    /// Pending jobs of its organization (0 unless pending).
    pub queue_size: i64,
}

/// Daemons that could run a pending job.
#[derive(Debug, Clone)]
pub struct MatchedProvisioners {
    /// Daemons whose type and tags fit.
    pub count: i64,
    /// Of those, how many are online.
    pub available: i64,
    /// When one of them was last seen.
    pub most_recently_seen: Option<time::OffsetDateTime>,
}

/// A version as the API shows it.
#[derive(Debug, Clone)]
pub struct VersionView {
    /// The version.
    pub version: TemplateVersion,
    /// Its import job.
    pub job: JobView,
    /// Its creator.
    pub created_by: Option<User>,
    /// For a pending import: who could take it.
    pub matched_provisioners: Option<MatchedProvisioners>,
}

/// What `POST /organizations/{organization}/templateversions` takes.
#[derive(Debug, Clone, Default)]
pub struct NewVersion {
    /// Name (random when empty).
    pub name: String,
    /// What changed.
    pub message: String,
    /// The template it belongs to, if any yet.
    pub template_id: Option<Uuid>,
    /// Must be `file`.
    pub storage_method: String,
    /// The source archive.
    pub file_id: Option<Uuid>,
    /// An example instead of a file (not supported).
    pub example_id: Option<String>,
    /// `terraform` or `echo`.
    pub provisioner: String,
    /// Tags daemons must have to take the import.
    pub tags: Tags,
}

/// Coder's `template_version_name` rule.
fn version_name_valid(name: &str) -> bool {
    name.len() <= 64
        && !name.is_empty()
        && name.split(['_', '.', '-']).all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A random version name in Coder's `adjective_surname42` style.
pub fn random_version_name() -> String {
    const ADJ: [&str; 16] = [
        "admiring",
        "bold",
        "clever",
        "dazzling",
        "eager",
        "focused",
        "gifted",
        "happy",
        "inspiring",
        "jovial",
        "keen",
        "loving",
        "modest",
        "nifty",
        "optimistic",
        "quirky",
    ];
    const NAME: [&str; 16] = [
        "turing", "hopper", "lovelace", "knuth", "ritchie", "thompson", "liskov", "dijkstra", "hamilton", "curie", "noether", "shannon",
        "babbage", "torvalds", "wozniak", "goldberg",
    ];
    let r = crate::secret::random_alphanumeric(4);
    let b = r.as_bytes();
    format!("{}_{}{}{}", ADJ[b[0] as usize % 16], NAME[b[1] as usize % 16], b[2] % 10, b[3] % 10)
}

impl App {
    /// A version the actor may read: through its template, or, for one without a template,
    /// with template read in its organization.
    pub fn readable_version(&self, actor: &Actor, param: &str) -> Result<(TemplateVersion, Option<Template>)> {
        let id = crate::groups::parse_uuid_param(param)?;
        let db = self.db(actor);
        let v = db.template_version_by_id(id)?.ok_or_else(Error::not_found)?;
        let template = match v.template_id {
            Some(t) => Some(db.template_by_id(t)?.ok_or_else(Error::not_found)?),
            None => None,
        };
        Ok((v, template))
    }

    /// Adds queue positions to jobs: one query per organization with pending jobs.
    pub fn job_views(&self, db: &Db<'_>, jobs: Vec<Job>) -> Result<Vec<JobView>> {
        let queues = db.job_queues(&jobs)?;
        let mut out = Vec::with_capacity(jobs.len());
        for job in jobs {
            if job.status() != JobStatus::Pending {
                out.push(JobView { job, queue_position: 0, queue_size: 0 });
                continue;
            }
            let Some(queue) = queues.get(&job.organization_id) else {
                out.push(JobView { job, queue_position: 0, queue_size: 0 });
                continue;
            };
            let position = queue.iter().position(|(id, _)| *id == job.id).map(|p| p as i64 + 1).unwrap_or(0);
            let size = queue.len() as i64;
            out.push(JobView { job, queue_position: position, queue_size: size });
        }
        Ok(out)
    }

    fn matched_provisioners(&self, job: &Job) -> Result<MatchedProvisioners> {
        let now = clock::now();
        // Which daemons could take the job is part of the job as Coder shows it, whoever may
        // read the daemons themselves: asked as the daemons' own subject.
        let fit: Vec<_> = self
            .db_as(System::Provisionerd)
            .daemons_of_org(job.organization_id)?
            .into_iter()
            .filter(|d| d.provisioners.contains(&job.provisioner) && tags::daemon_may_take(&d.tags, &job.tags))
            .collect();
        let available = fit.iter().filter(|d| d.last_seen_at.is_some_and(|t| t >= now - daemons::STALE_AFTER)).count() as i64;
        Ok(MatchedProvisioners { count: fit.len() as i64, available, most_recently_seen: fit.iter().filter_map(|d| d.last_seen_at).max() })
    }

    /// Versions with their jobs and creators, one query per relation.
    fn version_views(&self, db: &Db<'_>, versions: Vec<TemplateVersion>, with_matches: bool) -> Result<Vec<VersionView>> {
        let (jobs, users) = db.version_context(&versions)?;
        let jobs = self.job_views(db, jobs)?;
        let mut out = Vec::new();
        for v in versions {
            let job = jobs
                .iter()
                .find(|j| j.job.id == v.job_id)
                .cloned()
                .ok_or_else(|| Error::internal("Internal error fetching provisioner job.", "missing job"))?;
            let matched =
                if with_matches && job.job.status() == JobStatus::Pending { Some(self.matched_provisioners(&job.job)?) } else { None };
            let created_by = users.iter().find(|u| u.id == v.created_by).cloned();
            out.push(VersionView { version: v, job, created_by, matched_provisioners: matched });
        }
        Ok(out)
    }

    /// `POST /organizations/{organization}/templateversions`: the version and its pending
    /// import job, in one transaction; idle daemons are told at once.
    pub fn create_template_version(&self, actor: &Actor, org_param: &str, input: NewVersion) -> Result<VersionView> {
        let org = self.resolve_org(actor, org_param)?;
        let mut v = Validations::new();
        if !input.name.is_empty() && !version_name_valid(&input.name) {
            v.add("name", format!("Validation failed for tag \"template_version_name\" with value: \"{}\"", input.name));
        }
        if input.message.len() > 1_048_576 {
            v.add("message", "Validation failed for tag \"lt\" with value: message too long");
        }
        if input.storage_method != "file" {
            v.add("storage_method", format!("Validation failed for tag \"oneof\" with value: \"{}\"", input.storage_method));
        }
        if input.file_id.is_none() && input.example_id.is_none() {
            v.add("file_id", "Validation failed for tag \"required_without\" with value: \"00000000-0000-0000-0000-000000000000\"");
        }
        if !daemons::PROVISIONER_TYPES.contains(&input.provisioner.as_str()) {
            v.add("provisioner", format!("Validation failed for tag \"oneof\" with value: \"{}\"", input.provisioner));
        }
        v.finish("Validation failed.")?;
        let db = self.db(actor);
        let template = match input.template_id {
            Some(id) => {
                let t = db.template_by_id(id).or_else(|e| if e.is_refusal() { Ok(None) } else { Err(e) })?.filter(|t| !t.deleted);
                let Some(t) = t else {
                    return Err(Error::new(ErrorKind::NotFound, "Template does not exist."));
                };
                if t.organization_id != org.id {
                    return Err(Error::invalid_field(
                        "Template does not belong to the organization.",
                        "template_id",
                        format!("template {id} belongs to another organization"),
                    ));
                }
                self.require_template(actor, &t, action::CREATE)?;
                Some(t)
            }
            None => {
                db.require(action::CREATE, &Object::of(resource::TEMPLATE).in_org(org.id))?;
                None
            }
        };
        if input.example_id.is_some() && input.file_id.is_some() {
            return Err(Error::bad_request("You cannot specify both an example_id and a file_id."));
        }
        // A starter template is stored as the caller's file (once per content and caller) and
        // runs on the echo provisioner it was made for, whatever provisioner the request names.
        let mut provisioner = input.provisioner.clone();
        let file_id = match (&input.example_id, input.file_id) {
            (Some(example), _) => {
                let data = super::examples::example_archive(example).ok_or_else(super::examples::not_found)?;
                db.require(action::CREATE, &Object::of(resource::FILE).owned_by(actor.user.id))?;
                let hash = crate::secret::hex(&<sha2::Sha256 as sha2::Digest>::digest(&data));
                provisioner = "echo".into();
                match db.file_by_hash(&hash, actor.user.id)? {
                    Some(existing) => existing.id,
                    None => {
                        let file = crate::templates::File {
                            id: Uuid::new_v4(),
                            hash,
                            created_at: clock::now(),
                            created_by: actor.user.id,
                            mimetype: crate::templates::files::TAR.into(),
                            data,
                        };
                        db.insert_file(&file)?;
                        file.id
                    }
                }
            }
            (None, Some(id)) => id,
            (None, None) => return Err(super::examples::not_found()),
        };
        let file = match db.file_by_id(file_id) {
            Ok(Some(f)) => f,
            Ok(None) => return Err(Error::new(ErrorKind::NotFound, "File not found.")),
            Err(e) if e.is_refusal() => return Err(Error::new(ErrorKind::NotFound, "File not found.")),
            Err(e) => return Err(e),
        };
        let now = clock::now();
        let version_id = Uuid::new_v4();
        let job = Job {
            id: Uuid::new_v4(),
            created_at: now,
            updated_at: now,
            started_at: None,
            canceled_at: None,
            completed_at: None,
            error: None,
            error_code: String::new(),
            organization_id: org.id,
            initiator_id: actor.user.id,
            provisioner: provisioner.clone(),
            file_id: file.id,
            job_type: JobType::TemplateVersionImport,
            input: serde_json::json!({
                "template_id": template.as_ref().map(|t| t.id.to_string()),
                "template_version_id": version_id.to_string(),
                "user_variable_values": null,
            }),
            worker_id: None,
            tags: tags::mutate(Some(actor.user.id), [&input.tags]),
        };
        let name = if input.name.is_empty() { random_version_name() } else { input.name.clone() };
        let version = TemplateVersion {
            id: version_id,
            template_id: template.as_ref().map(|t| t.id),
            organization_id: org.id,
            name: name.clone(),
            message: input.message,
            readme: String::new(),
            job_id: job.id,
            created_by: actor.user.id,
            created_at: now,
            updated_at: now,
            archived: false,
            has_external_agent: false,
        };
        let taken = || {
            Error::conflict(format!("A template version with name {name:?} already exists for this template."))
                .with_validation("name", "This value is already in use and should be unique.")
        };
        if let Some(t) = &template {
            if db.template_version_by_name(t.id, &name)?.is_some() {
                return Err(taken());
            }
        }
        db.transaction(|tx| {
            tx.insert_template_version(&version, &job).map_err(|e| if e.kind == ErrorKind::Conflict { taken() } else { e })
        })?;
        self.version_views(&db, vec![version], true)?.pop().ok_or_else(|| Error::internal("Internal error.", "version vanished"))
    }

    /// `GET /templateversions/{templateversion}`.
    pub fn get_template_version(&self, actor: &Actor, param: &str) -> Result<VersionView> {
        let (v, _) = self.readable_version(actor, param)?;
        self.version_views(&self.db(actor), vec![v], true)?.pop().ok_or_else(|| Error::internal("Internal error.", "version vanished"))
    }

    /// `GET /templates/{template}/versions`.
    pub fn template_versions(&self, actor: &Actor, param: &str, page: Page, include_archived: bool) -> Result<Vec<VersionView>> {
        let t = self.readable_template(actor, param)?;
        let db = self.db(actor);
        if let Some(after) = page.after_id {
            if db
                .template_version_by_id(after)
                .or_else(|e| if e.is_refusal() { Ok(None) } else { Err(e) })?
                .is_none_or(|v| v.template_id != Some(t.id))
            {
                return Err(Error::bad_request(format!("Record at \"after_id\" ({:?}) does not exists.", after.to_string())));
            }
        }
        let versions: Vec<TemplateVersion> =
            db.template_versions_of(&t, &page)?.into_iter().filter(|v| include_archived || !v.archived).collect();
        self.version_views(&db, versions, false)
    }

    /// `GET /templates/{template}/versions/{templateversionname}`.
    pub fn template_version_by_name(&self, actor: &Actor, param: &str, name: &str) -> Result<VersionView> {
        let t = self.readable_template(actor, param)?;
        let db = self.db(actor);
        let v = db
            .template_version_by_name(t.id, name)?
            .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("No template version found by name {name:?}.")))?;
        self.version_views(&db, vec![v], false)?.pop().ok_or_else(|| Error::internal("Internal error.", "version vanished"))
    }

    /// `GET /templateversions/{templateversion}/logs`: lines after `after`.
    /// The import job of a version the actor may read (`GET .../logs` lists or follows its lines).
    pub fn template_version_job(&self, actor: &Actor, param: &str) -> Result<Uuid> {
        Ok(self.readable_version(actor, param)?.0.job_id)
    }

    /// `GET /templateversions/{templateversion}/rich-parameters`: 425 until the import finished.
    pub fn template_version_parameters(&self, actor: &Actor, param: &str) -> Result<Vec<Parameter>> {
        let (v, _) = self.readable_version(actor, param)?;
        let db = self.db(actor);
        let job = db.job_by_id(v.job_id)?.ok_or_else(|| Error::internal("Internal error.", "version without job"))?;
        if job.completed_at.is_none() {
            return Err(Error::new(ErrorKind::TooEarly, "Template version job has not finished"));
        }
        let mut params = db.template_version_parameters(v.id)?;
        params.sort_by(|a, b| a.order.cmp(&b.order).then(a.name.to_lowercase().cmp(&b.name.to_lowercase())));
        Ok(params)
    }

    /// `GET /templateversions/{templateversion}/variables`: what the import reported, sensitive
    /// values redacted as Coder redacts them.
    pub fn template_version_variables(&self, actor: &Actor, param: &str) -> Result<Vec<super::TemplateVariable>> {
        let (v, _) = self.readable_version(actor, param)?;
        let (mut variables, _) = self.db(actor).template_version_inputs(v.id)?;
        for var in variables.iter_mut().filter(|v| v.sensitive) {
            var.value = "*redacted*".into();
            var.default_value = "*redacted*".into();
        }
        Ok(variables)
    }

    /// `GET /templateversions/{templateversion}/external-auth`: the providers the version asks
    /// for. This deployment configures no external auth providers, so none is authenticated.
    pub fn template_version_external_auth(&self, actor: &Actor, param: &str) -> Result<Vec<super::VersionExternalAuth>> {
        let (v, _) = self.readable_version(actor, param)?;
        Ok(self.db(actor).template_version_inputs(v.id)?.1)
    }

    /// `GET /templateversions/{templateversion}/presets`.
    pub fn template_version_presets(&self, actor: &Actor, param: &str) -> Result<Vec<Preset>> {
        let (v, _) = self.readable_version(actor, param)?;
        self.db(actor).presets_of_version(v.id)
    }

    /// `GET /templateversions/{templateversion}/resources`.
    pub fn template_version_resources(&self, actor: &Actor, param: &str) -> Result<Vec<JobResource>> {
        let (v, _) = self.readable_version(actor, param)?;
        self.db(actor).version_resources(&v)
    }

    /// `PATCH /templateversions/{templateversion}/cancel`: a pending import is cancelled at once,
    /// a running one is marked cancelling and its daemon told on its next update.
    pub fn cancel_template_version(&self, actor: &Actor, param: &str) -> Result<()> {
        let (v, template) = self.readable_version(actor, param)?;
        match &template {
            Some(t) => self.require_template(actor, t, action::UPDATE)?,
            None => rbac::require(&actor.subject, action::UPDATE, &Object::of(resource::TEMPLATE).in_org(v.organization_id))?,
        }
        self.cancel_job(&self.db(actor), v.job_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_names() {
        assert!(version_name_valid("v1.2.3"));
        assert!(version_name_valid("happy_turing42"));
        assert!(!version_name_valid("v1..2"));
        assert!(!version_name_valid("-v1"));
        assert!(version_name_valid(&random_version_name()));
    }
}
