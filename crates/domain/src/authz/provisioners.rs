//! Provisioner daemons, keys and jobs, as a subject may use them.

use time::OffsetDateTime;
use uuid::Uuid;

use super::Db;
use crate::error::{Error, Result};
use crate::provisioners::{Daemon, Job, JobLog, JobType, ProvisionerKey};
use crate::rbac::{action, resource, Action, Object};

/// A daemon as an authorization object: in its organization, named by its id, owned by the
/// user a user-scoped daemon runs for.
pub fn daemon_object(d: &Daemon) -> Object {
    let o = Object::of(resource::PROVISIONER_DAEMON).in_org(d.organization_id).with_id(d.id);
    match d.tags.get(crate::provisioners::tags::OWNER).and_then(|s| Uuid::parse_str(s).ok()) {
        Some(owner) => o.owned_by(owner),
        None => o,
    }
}

impl Db<'_> {
    /// A daemon by id, if the subject may read it.
    pub fn daemon_by_id(&self, id: Uuid) -> Result<Option<Daemon>> {
        self.fetch(self.store.daemon_by_id(id)?, daemon_object)
    }

    /// Records a daemon's heartbeat: `update` on the stored daemon.
    pub fn touch_daemon(&self, id: Uuid, at: OffsetDateTime) -> Result<()> {
        let daemon = self.store.daemon_by_id(id)?.ok_or_else(Error::not_found)?;
        self.write(action::UPDATE, &daemon_object(&daemon), |s| s.touch_daemon(id, at))
    }

    /// Forgets every daemon unseen since `before`: `delete` on daemons anywhere.
    pub fn delete_daemons_unseen_since(&self, before: OffsetDateTime) -> Result<usize> {
        self.write(action::DELETE, &Object::of(resource::PROVISIONER_DAEMON), |s| s.delete_daemons_unseen_since(before))
    }

    /// Stores a provisioner key: `create` on daemons of its organization.
    pub fn insert_provisioner_key(&self, key: &ProvisionerKey) -> Result<()> {
        self.write(action::CREATE, &Object::of(resource::PROVISIONER_DAEMON).in_org(key.organization_id), |s| s.insert_provisioner_key(key))
    }

    /// An organization's provisioner keys: `read` on its daemons.
    pub fn provisioner_keys_of_org(&self, org: Uuid) -> Result<Vec<ProvisionerKey>> {
        self.require_visible(action::READ, &Object::of(resource::PROVISIONER_DAEMON).in_org(org))?;
        self.store.provisioner_keys_of_org(org)
    }

    /// A provisioner key by name, if the subject may read its organization's daemons.
    pub fn provisioner_key_by_name(&self, org: Uuid, name: &str) -> Result<Option<ProvisionerKey>> {
        self.fetch(self.store.provisioner_key_by_name(org, name)?, |k| Object::of(resource::PROVISIONER_DAEMON).in_org(k.organization_id))
    }

    /// The key a daemon presented (by its secret's hash), if the subject may read daemons.
    pub fn provisioner_key_by_hash(&self, hash: &[u8]) -> Result<Option<ProvisionerKey>> {
        self.fetch(self.store.provisioner_key_by_hash(hash)?, |k| Object::of(resource::PROVISIONER_DAEMON).in_org(k.organization_id))
    }

    /// Deletes a key (read through this layer) and the daemons that used it: `delete` on its
    /// organization's daemons.
    pub fn delete_provisioner_key(&self, key: &ProvisionerKey) -> Result<()> {
        self.write(action::DELETE, &Object::of(resource::PROVISIONER_DAEMON).in_org(key.organization_id), |s| {
            s.delete_provisioner_key(key.id)
        })
    }

    /// Registers (or re-registers) a daemon: `create` on it.
    pub fn upsert_daemon(&self, daemon: &Daemon) -> Result<Daemon> {
        self.write(action::CREATE, &daemon_object(daemon), |s| s.upsert_daemon(daemon))
    }

    /// The daemons of an organization the subject may read (one query; an organization has
    /// few).
    pub fn daemons_of_org(&self, org: Uuid) -> Result<Vec<Daemon>> {
        Ok(self.filter(self.store.daemons_of_org(org)?, daemon_object))
    }

    /// The current and previous jobs of daemons the subject may read (part of a daemon as
    /// Coder lists it).
    pub fn daemon_jobs(&self, daemons: &[Daemon]) -> Result<(Vec<Job>, Vec<Job>)> {
        for d in daemons {
            self.require_visible(action::READ, &daemon_object(d))?;
        }
        let ids: Vec<Uuid> = daemons.iter().map(|d| d.id).collect();
        self.store.current_and_previous_jobs(&ids)
    }

    /// Whether the subject may `act` on a job, through what it builds: the template version an
    /// import belongs to, or the workspace a build belongs to (Coder's
    /// `authorizeProvisionerJob`).
    pub fn job_allows(&self, job: &Job, act: Action) -> Result<bool> {
        match job.job_type {
            JobType::TemplateVersionImport | JobType::TemplateVersionDryRun => match self.store.template_version_by_job(job.id)? {
                Some(v) => match v.template_id {
                    Some(t) => match self.store.template_by_id(t)? {
                        Some(t) => self.template_allows(&t, act),
                        None => Ok(false),
                    },
                    None => Ok(self.allows(act, &Object::of(resource::TEMPLATE).in_org(v.organization_id))),
                },
                None => Ok(false),
            },
            JobType::WorkspaceBuild => {
                let Some(build) = self.store.build_by_job(job.id)? else { return Ok(false) };
                let Some(w) = self.store.workspace_by_id(build.workspace_id)? else { return Ok(false) };
                Ok(self.allows(act, &super::workspace_object(&w)))
            }
        }
    }

    /// A job by id, if the subject may read what it builds.
    pub fn job_by_id(&self, id: Uuid) -> Result<Option<Job>> {
        match self.store.job_by_id(id)? {
            Some(j) if !self.job_allows(&j, action::READ)? => Err(Error::not_found().denied()),
            other => Ok(other),
        }
    }

    /// A job's log lines after `after`: `read` on what it builds.
    pub fn job_logs(&self, job: Uuid, after: Option<i64>) -> Result<Vec<JobLog>> {
        self.job_by_id(job)?.ok_or_else(Error::not_found)?;
        self.store.job_logs(job, after, None)
    }

    /// The oldest pending jobs a daemon of `org` might take: `read` on the organization's jobs.
    pub fn pending_jobs(&self, org: Uuid, provisioners: &[String], limit: i64, offset: i64) -> Result<Vec<Job>> {
        self.require(action::READ, &Object::of(resource::PROVISIONER_JOBS).in_org(org))?;
        self.store.pending_jobs(org, provisioners, limit, offset)
    }

    /// The pending jobs of the organizations of `jobs`, by age (their queue positions): `read`
    /// on what each job builds.
    pub fn job_queues(&self, jobs: &[Job]) -> Result<std::collections::HashMap<Uuid, Vec<(Uuid, OffsetDateTime)>>> {
        let mut queues = std::collections::HashMap::new();
        for job in jobs.iter().filter(|j| j.started_at.is_none() && j.canceled_at.is_none() && j.completed_at.is_none()) {
            if queues.contains_key(&job.organization_id) {
                continue;
            }
            if !self.job_allows(job, action::READ)? {
                return Err(Error::not_found().denied());
            }
            queues.insert(job.organization_id, self.store.pending_job_times(job.organization_id)?);
        }
        Ok(queues)
    }

    fn job_write(&self, job: Uuid) -> Result<Object> {
        let j = self.store.job_by_id(job)?.ok_or_else(Error::not_found)?;
        Ok(Object::of(resource::PROVISIONER_JOBS).in_org(j.organization_id))
    }

    /// Claims a pending job for a daemon (`false` when another took it): `update` on the
    /// organization's jobs.
    pub fn claim_job(&self, id: Uuid, worker: Uuid, at: OffsetDateTime) -> Result<bool> {
        self.write(action::UPDATE, &self.job_write(id)?, |s| s.claim_job(id, worker, at))
    }

    /// Records a daemon's progress on its job (`false` when it finished): `update` on jobs.
    pub fn touch_job(&self, id: Uuid, worker: Uuid, at: OffsetDateTime) -> Result<bool> {
        self.write(action::UPDATE, &self.job_write(id)?, |s| s.touch_job(id, worker, at))
    }

    /// Appends log lines to jobs: `update` on each job's organization's jobs.
    pub fn insert_job_logs(&self, logs: &[JobLog]) -> Result<()> {
        let mut jobs: Vec<Uuid> = logs.iter().map(|l| l.job_id).collect();
        jobs.sort();
        jobs.dedup();
        for j in jobs {
            self.require(action::UPDATE, &self.job_write(j)?)?;
        }
        self.store.insert_job_logs(logs)
    }

    /// Finishes a job (`false` when it had finished): `update` on jobs.
    pub fn complete_job(&self, job: &Job) -> Result<bool> {
        self.write(action::UPDATE, &self.job_write(job.id)?, |s| s.complete_job(job))
    }

    /// Cancels a job (`false` when it had finished) and wakes the daemons: `update` on what it
    /// builds.
    pub fn cancel_job(&self, id: Uuid, at: OffsetDateTime) -> Result<bool> {
        let job = self.store.job_by_id(id)?.ok_or_else(Error::not_found)?;
        if !self.job_allows(&job, action::UPDATE)? {
            return Err(Error::forbidden());
        }
        let canceled = self.store.cancel_job(id, at)?;
        self.store.announce_jobs_queued()?;
        Ok(canceled)
    }

    /// Running jobs no daemon updated since `before` (hung): `read` on jobs anywhere.
    pub fn running_jobs_idle_since(&self, before: OffsetDateTime) -> Result<Vec<Job>> {
        self.require(action::READ, &Object::of(resource::PROVISIONER_JOBS))?;
        self.store.running_jobs_idle_since(before)
    }
}
