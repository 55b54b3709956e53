//! The job lifecycle as daemons drive it (Coder's `provisionerdserver`): acquire, update (logs
//! and a sign of life), fail, complete; plus cancellation and the hang detector. The requests
//! and answers are the protocol's own messages, so the `serve` endpoint and the in-process echo
//! daemons share one implementation.

use time::OffsetDateTime;
use uuid::Uuid;

use super::proto::{provisioner as sdk, provisionerd as pd};
use super::{tags, Daemon, Job, JobLog, JobType};
use crate::app::{Actor, App};
use crate::authz::{Db, System};
use crate::clock;
use crate::error::{Error, Result};
use crate::templates::{JobResource, Parameter, ParameterOption, Preset, PresetData, PresetParameter};

/// A running job not updated for this long is failed (Coder's hang detector threshold).
pub const HUNG_AFTER: time::Duration = time::Duration::minutes(5);
/// How many pending jobs one acquire attempt looks at.
const CANDIDATES: i64 = 50;

fn job_error(message: impl Into<String>) -> Error {
    Error::bad_request(message)
}

fn millis(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

fn level_name(level: i32) -> &'static str {
    match sdk::LogLevel::try_from(level).unwrap_or(sdk::LogLevel::Info) {
        sdk::LogLevel::Trace => "trace",
        sdk::LogLevel::Debug => "debug",
        sdk::LogLevel::Info => "info",
        sdk::LogLevel::Warn => "warn",
        sdk::LogLevel::Error => "error",
    }
}

fn form_type_name(t: i32) -> String {
    use sdk::ParameterFormType as F;
    match F::try_from(t).unwrap_or(F::Default) {
        F::Default => "",
        F::FormError => "error",
        F::Radio => "radio",
        F::Dropdown => "dropdown",
        F::Input => "input",
        F::Textarea => "textarea",
        F::Slider => "slider",
        F::Checkbox => "checkbox",
        F::Switch => "switch",
        F::Tagselect => "tag-select",
        F::Multiselect => "multi-select",
    }
    .to_string()
}

/// A rich parameter as a provisioner declared it, in the form the API shows.
pub fn parameter_of(p: &sdk::RichParameter) -> Parameter {
    Parameter {
        name: p.name.clone(),
        display_name: p.display_name.clone(),
        description: p.description.clone(),
        kind: p.r#type.clone(),
        form_type: form_type_name(p.form_type),
        mutable: p.mutable,
        default_value: p.default_value.clone(),
        icon: p.icon.clone(),
        options: p
            .options
            .iter()
            .map(|o| ParameterOption {
                name: o.name.clone(),
                description: o.description.clone(),
                value: o.value.clone(),
                icon: o.icon.clone(),
            })
            .collect(),
        validation_regex: p.validation_regex.clone(),
        validation_error: p.validation_error.clone(),
        validation_min: p.validation_min,
        validation_max: p.validation_max,
        validation_monotonic: p.validation_monotonic.clone(),
        required: p.required,
        ephemeral: p.ephemeral,
        order: p.order,
    }
}

/// A resource as a provisioner declared it, in `codersdk.WorkspaceResource`'s JSON shape.
pub fn resource_json(job: Uuid, transition: &str, r: &sdk::Resource, created_at: OffsetDateTime) -> serde_json::Value {
    let id = Uuid::new_v4();
    let agents: Vec<serde_json::Value> = r
        .agents
        .iter()
        .map(|a| {
            serde_json::json!({
                "id": Uuid::new_v4(),
                "resource_id": id,
                "name": a.name,
                "operating_system": a.operating_system,
                "architecture": a.architecture,
                "directory": a.directory,
                "connection_timeout_seconds": a.connection_timeout_seconds,
                "troubleshooting_url": a.troubleshooting_url,
                "status": "connecting",
                "lifecycle_state": "created",
                "apps": a.apps.iter().map(|app| serde_json::json!({"slug": app.slug, "display_name": app.display_name, "url": app.url, "icon": app.icon})).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::json!({
        "id": id,
        "created_at": created_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "job_id": job,
        "workspace_transition": transition,
        "type": r.r#type,
        "name": r.name,
        "hide": r.hide,
        "icon": r.icon,
        "agents": agents,
        "metadata": r.metadata.iter().map(|m| serde_json::json!({"key": m.key, "value": m.value, "sensitive": m.sensitive})).collect::<Vec<_>>(),
        "daily_cost": r.daily_cost,
    })
}

impl App {
    /// A job's log lines after `after`, for the log endpoints.
    pub fn job_logs(&self, actor: &Actor, job: Uuid, after: Option<i64>) -> Result<Vec<JobLog>> {
        self.db(actor).job_logs(job, after)
    }

    /// A job's log lines after `after`, and whether the job had finished before they were read
    /// (so that a follower that sees `true` has every line). For streams of logs
    /// (`?follow`), whose access was checked when they started.
    pub fn job_logs_since(&self, actor: &Actor, job: Uuid, after: Option<i64>) -> Result<(Vec<JobLog>, bool)> {
        let db = self.db(actor);
        let finished = db.job_by_id(job)?.is_none_or(|j| j.completed_at.is_some());
        Ok((db.job_logs(job, after)?, finished))
    }

    /// Takes the oldest pending job this daemon may run (its organization, provisioner types
    /// and tags), or `None`. Claiming is conditional, so a job another daemon took first is
    /// skipped; the job comes with everything the daemon needs to run it.
    pub fn acquire_job(&self, daemon: &Daemon) -> Result<Option<pd::AcquiredJob>> {
        // A daemon whose key (and so its row) was deleted takes no more work.
        let db = self.db_as(System::Provisionerd);
        if db.daemon_by_id(daemon.id)?.is_none() {
            return Err(Error::unauthorized("This provisioner daemon is no longer registered; its key may have been deleted."));
        }
        let mut offset = 0;
        loop {
            let candidates = db.pending_jobs(daemon.organization_id, &daemon.provisioners, CANDIDATES, offset)?;
            let exhausted = (candidates.len() as i64) < CANDIDATES;
            for job in candidates {
                if !tags::daemon_may_take(&daemon.tags, &job.tags) {
                    continue;
                }
                if !db.claim_job(job.id, daemon.id, clock::now())? {
                    continue;
                }
                match self.acquired_payload(&job) {
                    Ok(payload) => return Ok(Some(payload)),
                    Err(e) => {
                        self.finish_job(&db, job.id, Some(format!("failed to acquire job: {}", e.message)), String::new())?;
                    }
                }
            }
            if exhausted {
                return Ok(None);
            }
            offset += CANDIDATES;
        }
    }

    fn acquired_payload(&self, job: &Job) -> Result<pd::AcquiredJob> {
        let db = self.db_as(System::Provisionerd);
        let file = db.file_by_id(job.file_id)?.ok_or_else(|| job_error("the job's source file is gone"))?;
        let user = db.user_by_id(job.initiator_id)?;
        let mut out = pd::AcquiredJob {
            job_id: job.id.to_string(),
            created_at: millis(job.created_at),
            provisioner: job.provisioner.clone(),
            user_name: user.as_ref().map(|u| u.username.clone()).unwrap_or_default(),
            template_source_archive: file.data,
            r#type: None,
            trace_metadata: Default::default(),
        };
        match job.job_type {
            JobType::TemplateVersionImport => {
                let version = job
                    .template_version_id()
                    .map(|v| db.template_version_by_id(v))
                    .transpose()?
                    .flatten()
                    .ok_or_else(|| job_error("the job's template version is gone"))?;
                let template = version.template_id.map(|t| db.template_by_id(t)).transpose()?.flatten();
                let metadata = sdk::Metadata {
                    coder_url: self.settings.access_url.clone(),
                    workspace_owner: out.user_name.clone(),
                    workspace_owner_id: job.initiator_id.to_string(),
                    workspace_owner_email: user.as_ref().map(|u| u.email.clone()).unwrap_or_default(),
                    template_name: template.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
                    template_id: template.as_ref().map(|t| t.id.to_string()).unwrap_or_default(),
                    template_version: version.name.clone(),
                    template_version_id: version.id.to_string(),
                    ..Default::default()
                };
                out.r#type = Some(pd::acquired_job::Type::TemplateImport(pd::acquired_job::TemplateImport {
                    metadata: Some(metadata),
                    user_variable_values: Vec::new(),
                }));
            }
            JobType::WorkspaceBuild => {
                let build = job
                    .workspace_build_id()
                    .map(|b| db.build_by_id(b))
                    .transpose()?
                    .flatten()
                    .ok_or_else(|| job_error("the job's workspace build is gone"))?;
                let workspace = db.workspace_by_id(build.workspace_id)?.ok_or_else(|| job_error("the build's workspace is gone"))?;
                let owner = db.user_by_id(workspace.owner_id)?;
                let template = db.template_by_id(workspace.template_id)?;
                let version = db.template_version_by_id(build.template_version_id)?;
                let values = db.build_parameters(&build)?;
                let transition = match build.transition {
                    crate::workspaces::Transition::Start => sdk::WorkspaceTransition::Start,
                    crate::workspaces::Transition::Stop => sdk::WorkspaceTransition::Stop,
                    crate::workspaces::Transition::Delete => sdk::WorkspaceTransition::Destroy,
                };
                let metadata = sdk::Metadata {
                    coder_url: self.settings.access_url.clone(),
                    workspace_transition: transition as i32,
                    workspace_name: workspace.name.clone(),
                    workspace_owner: owner.as_ref().map(|u| u.username.clone()).unwrap_or_default(),
                    workspace_id: workspace.id.to_string(),
                    workspace_owner_id: workspace.owner_id.to_string(),
                    workspace_owner_email: owner.as_ref().map(|u| u.email.clone()).unwrap_or_default(),
                    workspace_owner_name: owner.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
                    template_name: template.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
                    template_id: workspace.template_id.to_string(),
                    template_version: version.as_ref().map(|v| v.name.clone()).unwrap_or_default(),
                    template_version_id: build.template_version_id.to_string(),
                    workspace_build_id: build.id.to_string(),
                    ..Default::default()
                };
                out.r#type = Some(pd::acquired_job::Type::WorkspaceBuild(pd::acquired_job::WorkspaceBuild {
                    workspace_build_id: build.id.to_string(),
                    workspace_name: workspace.name.clone(),
                    rich_parameter_values: values.into_iter().map(|(name, value)| sdk::RichParameterValue { name, value }).collect(),
                    metadata: Some(metadata),
                    state: build.provisioner_state.clone(),
                    ..Default::default()
                }));
            }
            other => return Err(job_error(format!("{} jobs are not supported yet", other.as_str()))),
        }
        Ok(out)
    }

    /// The job with this id if `daemon` holds it and it is unfinished.
    pub(crate) fn held_job_for(&self, daemon: &Daemon, job_id: &str) -> Result<Job> {
        self.held_job(daemon, job_id)
    }

    fn held_job(&self, daemon: &Daemon, job_id: &str) -> Result<Job> {
        let id = Uuid::parse_str(job_id).map_err(|_| job_error(format!("parse job id: invalid UUID {job_id:?}")))?;
        let job = self.db_as(System::Provisionerd).job_by_id(id)?.ok_or_else(|| job_error(format!("job {id} not found")))?;
        if job.worker_id != Some(daemon.id) {
            return Err(job_error("you don't own this job"));
        }
        if job.completed_at.is_some() {
            return Err(job_error("job already completed"));
        }
        Ok(job)
    }

    /// `UpdateJob`: appends logs, records the README an import found, and tells the daemon
    /// whether the job was cancelled.
    pub fn update_job(&self, daemon: &Daemon, req: pd::UpdateJobRequest) -> Result<pd::UpdateJobResponse> {
        let job = self.held_job(daemon, &req.job_id)?;
        let now = clock::now();
        let logs: Vec<JobLog> = req
            .logs
            .iter()
            .map(|l| JobLog {
                id: 0,
                job_id: job.id,
                created_at: OffsetDateTime::from_unix_timestamp_nanos(l.created_at as i128 * 1_000_000).unwrap_or(now),
                source: if l.source == pd::LogSource::Provisioner as i32 { "provisioner" } else { "provisioner_daemon" }.into(),
                level: level_name(l.level).into(),
                stage: l.stage.clone(),
                output: l.output.replace('\0', ""),
            })
            .collect();
        let db = self.db_as(System::Provisionerd);
        db.transaction(|tx| {
            if !tx.touch_job(job.id, daemon.id, now)? {
                return Err(job_error("job already completed"));
            }
            tx.insert_job_logs(&logs)?;
            if !req.readme.is_empty() && job.job_type == JobType::TemplateVersionImport {
                if let Some(mut v) = tx.template_version_by_job(job.id)? {
                    v.readme = String::from_utf8_lossy(&req.readme).into_owned();
                    v.updated_at = now;
                    tx.update_template_version(&v)?;
                }
            }
            if !req.template_variables.is_empty() && job.job_type == JobType::TemplateVersionImport {
                if let Some(v) = tx.template_version_by_job(job.id)? {
                    // This server takes no user values for variables: each has its default.
                    let variables: Vec<crate::templates::TemplateVariable> = req
                        .template_variables
                        .iter()
                        .map(|t| crate::templates::TemplateVariable {
                            name: t.name.clone(),
                            description: t.description.clone(),
                            type_: t.r#type.clone(),
                            value: t.default_value.clone(),
                            default_value: t.default_value.clone(),
                            required: t.required,
                            sensitive: t.sensitive,
                        })
                        .collect();
                    tx.put_template_version_variables(v.id, &variables)?;
                }
            }
            Ok(())
        })?;
        // Read after the update, so a cancel that arrived meanwhile is reported.
        let canceled = db.job_by_id(job.id)?.is_some_and(|j| j.canceled_at.is_some());
        Ok(pd::UpdateJobResponse { canceled, variable_values: Vec::new() })
    }

    /// `FailJob`.
    pub fn fail_job(&self, daemon: &Daemon, req: pd::FailedJob) -> Result<()> {
        let job = self.held_job(daemon, &req.job_id)?;
        let error = if req.error.is_empty() { "the provisioner failed without saying why".to_string() } else { req.error };
        // A failed build keeps the state the provisioner reached, so later builds know what
        // it created.
        if let Some(pd::failed_job::Type::WorkspaceBuild(b)) = &req.r#type {
            if !b.state.is_empty() {
                let db = self.db_as(System::Provisionerd);
                if let Some(mut build) = db.build_by_job(job.id)? {
                    build.provisioner_state = b.state.clone();
                    build.updated_at = clock::now();
                    db.update_build(&build)?;
                }
            }
        }
        self.finish_job(&self.db_as(System::Provisionerd), job.id, Some(error), req.error_code)
    }

    fn finish_job(&self, db: &Db<'_>, id: Uuid, error: Option<String>, error_code: String) -> Result<()> {
        let mut job = db.job_by_id(id)?.ok_or_else(Error::not_found)?;
        let now = clock::now();
        job.completed_at = Some(now);
        job.updated_at = now;
        job.error = error;
        job.error_code = error_code;
        db.complete_job(&job)?;
        Ok(())
    }

    /// `CompleteJob`: for an import, stores the parameters, presets and resources it found and
    /// finishes the job, all in one transaction.
    pub fn complete_job(&self, daemon: &Daemon, req: pd::CompletedJob) -> Result<()> {
        let job = self.held_job(daemon, &req.job_id)?;
        let now = clock::now();
        match (job.job_type, req.r#type) {
            (JobType::TemplateVersionImport, Some(pd::completed_job::Type::TemplateImport(import))) => {
                let db = self.db_as(System::Provisionerd);
                let version = db.template_version_by_job(job.id)?.ok_or_else(|| job_error("the job's template version is gone"))?;
                let params: Vec<Parameter> = import.rich_parameters.iter().map(parameter_of).collect();
                let mut names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
                names.sort();
                if names.windows(2).any(|w| w[0] == w[1]) {
                    return self.finish_job(&db, job.id, Some("duplicate parameter names in the template".into()), String::new());
                }
                let presets: Vec<Preset> = import
                    .presets
                    .iter()
                    .map(|p| Preset {
                        id: Uuid::new_v4(),
                        template_version_id: version.id,
                        name: p.name.clone(),
                        created_at: now,
                        last_invalidated_at: None,
                        is_default: p.default,
                        data: PresetData {
                            parameters: p
                                .parameters
                                .iter()
                                .map(|x| PresetParameter { name: x.name.clone(), value: x.value.clone() })
                                .collect(),
                            desired_prebuild_instances: p.prebuild.as_ref().map(|b| b.instances),
                            description: p.description.clone(),
                            icon: p.icon.clone(),
                            invalidate_after_secs: p.prebuild.as_ref().and_then(|b| b.expiration_policy.as_ref()).map(|e| e.ttl),
                        },
                    })
                    .collect();
                let resources: Vec<JobResource> = import
                    .start_resources
                    .iter()
                    .map(|r| ("start", r))
                    .chain(import.stop_resources.iter().map(|r| ("stop", r)))
                    .map(|(transition, r)| {
                        let data = resource_json(job.id, transition, r, now);
                        let id = data["id"].as_str().and_then(|s| Uuid::parse_str(s).ok()).unwrap_or_else(Uuid::new_v4);
                        JobResource { id, job_id: job.id, created_at: now, transition: transition.into(), data }
                    })
                    .collect();
                let has_external_agent =
                    import.has_external_agents || import.start_resources.iter().any(|r| r.r#type == "coder_external_agent");
                let external_auth: Vec<crate::templates::VersionExternalAuth> = if import.external_auth_providers.is_empty() {
                    import
                        .external_auth_providers_names
                        .iter()
                        .map(|id| crate::templates::VersionExternalAuth { id: id.clone(), optional: false })
                        .collect()
                } else {
                    import
                        .external_auth_providers
                        .iter()
                        .map(|p| crate::templates::VersionExternalAuth { id: p.id.clone(), optional: p.optional })
                        .collect()
                };
                db.transaction(|tx| {
                    tx.put_template_version_parameters(version.id, &params)?;
                    if !external_auth.is_empty() {
                        tx.put_template_version_external_auth(version.id, &external_auth)?;
                    }
                    tx.insert_presets(&presets)?;
                    tx.insert_job_resources(&resources)?;
                    let mut v = tx.template_version_by_id(version.id)?.ok_or_else(|| job_error("the job's template version is gone"))?;
                    v.has_external_agent = has_external_agent;
                    v.updated_at = now;
                    tx.update_template_version(&v)?;
                    let mut j = job.clone();
                    j.completed_at = Some(now);
                    j.updated_at = now;
                    if !tx.complete_job(&j)? {
                        return Err(job_error("job already completed"));
                    }
                    Ok(())
                })
            }
            (JobType::WorkspaceBuild, Some(pd::completed_job::Type::WorkspaceBuild(done))) => self.complete_build(&job, done, now),
            (t, _) => Err(job_error(format!("the completion does not match the job's type {}", t.as_str()))),
        }
    }

    /// `CommitQuota`: only workspace builds spend quota.
    pub fn commit_quota(&self, daemon: &Daemon, req: pd::CommitQuotaRequest) -> Result<pd::CommitQuotaResponse> {
        let job = self.held_job(daemon, &req.job_id)?;
        if job.job_type != JobType::WorkspaceBuild {
            return Err(job_error(format!("quota is committed for workspace builds only, not {} jobs", job.job_type.as_str())));
        }
        self.commit_build_quota(daemon, req)
    }

    /// Records a finished build: its resources and their agents (with their tokens), whether it
    /// has an external agent, the provisioner state; a delete build deletes the workspace.
    fn complete_build(&self, job: &Job, done: pd::completed_job::WorkspaceBuild, now: OffsetDateTime) -> Result<()> {
        let db = self.db_as(System::Provisionerd);
        let build = db.build_by_job(job.id)?.ok_or_else(|| job_error("the job's workspace build is gone"))?;
        let transition = build.transition.as_str();
        let mut resources = Vec::new();
        let mut agents = Vec::new();
        for r in &done.resources {
            let data = resource_json(job.id, transition, r, now);
            let resource_id = data["id"].as_str().and_then(|s| Uuid::parse_str(s).ok()).unwrap_or_else(Uuid::new_v4);
            for (a, json) in r.agents.iter().zip(data["agents"].as_array().cloned().unwrap_or_default()) {
                let id = json["id"].as_str().and_then(|s| Uuid::parse_str(s).ok()).unwrap_or_else(Uuid::new_v4);
                let (token, instance) = match &a.auth {
                    Some(sdk::agent::Auth::Token(t)) => (Uuid::parse_str(t).unwrap_or_else(|_| Uuid::new_v4()), None),
                    Some(sdk::agent::Auth::InstanceId(i)) => (Uuid::new_v4(), Some(i.clone())),
                    None => (Uuid::new_v4(), None),
                };
                agents.push(crate::workspaces::Agent {
                    id,
                    created_at: now,
                    updated_at: now,
                    resource_id,
                    job_id: job.id,
                    name: a.name.clone(),
                    auth_token: token,
                    auth_instance_id: instance,
                    operating_system: a.operating_system.clone(),
                    architecture: a.architecture.clone(),
                    directory: a.directory.clone(),
                    lifecycle_state: "created".into(),
                    first_connected_at: None,
                    last_connected_at: None,
                    disconnected_at: None,
                    data: json,
                });
            }
            resources.push(JobResource { id: resource_id, job_id: job.id, created_at: now, transition: transition.into(), data });
        }
        let has_external = done.resources.iter().any(|r| r.r#type == "coder_external_agent");
        db.transaction(|tx| {
            tx.insert_job_resources(&resources)?;
            tx.insert_agents(&agents)?;
            let mut b = tx.build_by_id(build.id)?.ok_or_else(|| job_error("the build is gone"))?;
            b.has_external_agent = Some(has_external);
            b.provisioner_state = done.state.clone();
            b.updated_at = now;
            tx.update_build(&b)?;
            if build.transition == crate::workspaces::Transition::Delete {
                if let Some(mut w) = tx.workspace_by_id(build.workspace_id)? {
                    w.deleted = true;
                    w.updated_at = now;
                    tx.update_workspace(&w)?;
                }
            }
            let mut j = job.clone();
            j.completed_at = Some(now);
            j.updated_at = now;
            if !tx.complete_job(&j)? {
                return Err(job_error("job already completed"));
            }
            Ok(())
        })
    }

    /// `UploadFile`: stores the Terraform modules a daemon collected during an import, checked
    /// against the hash it declared; the same content is stored once.
    pub fn store_module_files(&self, _daemon: &Daemon, upload_type: i32, declared_hash: &[u8], data: Vec<u8>) -> Result<()> {
        if upload_type != sdk::DataUploadType::UploadTypeModuleFiles as i32 {
            return Err(job_error(format!("unsupported file upload type {upload_type}")));
        }
        let hash = crate::secret::hash_secret_bytes(&data);
        if hash != declared_hash {
            return Err(job_error("uploaded data does not match its declared hash"));
        }
        let hex = crate::secret::hex(&hash);
        let db = self.db_as(System::Provisionerd);
        if db.file_by_hash(&hex, Uuid::nil())?.is_some() {
            return Ok(());
        }
        let file = crate::templates::File {
            id: Uuid::new_v4(),
            hash: hex,
            created_at: clock::now(),
            created_by: Uuid::nil(),
            mimetype: crate::templates::files::TAR.into(),
            data,
        };
        match db.insert_file(&file) {
            Err(e) if e.kind != crate::error::ErrorKind::Conflict => Err(e),
            _ => Ok(()),
        }
    }

    /// `DownloadFile`: module archives stored by [`App::store_module_files`].
    pub fn module_files(&self, _daemon: &Daemon, file_id: &str) -> Result<Vec<u8>> {
        let id = Uuid::parse_str(file_id).map_err(|_| job_error(format!("parse file id: invalid UUID {file_id:?}")))?;
        match self.db_as(System::Provisionerd).file_by_id(id)? {
            Some(f) if f.created_by.is_nil() => Ok(f.data),
            _ => Err(job_error(format!("file {id} not found"))),
        }
    }

    /// Cancels a job: a pending one is finished at once, a running one is marked so its
    /// daemon stops at its next update.
    pub fn cancel_job(&self, db: &Db<'_>, id: Uuid) -> Result<()> {
        let job = db.job_by_id(id)?.ok_or_else(Error::not_found)?;
        if job.completed_at.is_some() {
            return Err(Error::bad_request("Job has already completed!"));
        }
        if job.canceled_at.is_some() {
            return Err(Error::bad_request("Job has already been marked as canceled!"));
        }
        db.transaction(|tx| {
            if !tx.cancel_job(id, clock::now())? {
                // It finished or was cancelled between the read and the update.
                return Err(Error::bad_request("Job has already completed!"));
            }
            Ok(())
        })
    }

    /// Fails running jobs whose daemon has not updated them for [`HUNG_AFTER`] (it vanished).
    pub fn fail_hung_jobs(&self) -> Result<usize> {
        let db = self.db_as(System::Background);
        let hung = db.running_jobs_idle_since(clock::now() - HUNG_AFTER)?;
        let n = hung.len();
        for job in hung {
            let minutes = HUNG_AFTER.whole_minutes();
            self.finish_job(
                &db,
                job.id,
                Some(format!("Build has been detected as hung for {minutes} minutes and has been terminated by hang detector.")),
                String::new(),
            )?;
        }
        Ok(n)
    }
}
