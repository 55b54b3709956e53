//! Provisioner keys, daemons, jobs and job logs.

use diesel::prelude::*;
use domain::provisioners::{Daemon, Job, JobLog, JobType, ProvisionerKey, Tags};
use domain::store::{Change, ProvisionerStore};
use domain::{Error, Result};
use time::{OffsetDateTime, PrimitiveDateTime};
use uuid::Uuid;

use super::DbRepo;
use crate::rows::*;
use crate::schema::functions::lower;
use crate::schema::*;

fn tags_json(t: &Tags) -> String {
    serde_json::to_string(t).unwrap_or_else(|_| "{}".into())
}

fn parse_tags(s: &str) -> Result<Tags> {
    serde_json::from_str(s).map_err(|_| Error::internal("Internal error.", format!("corrupt tags {s:?} in database")))
}

fn opt_uuid(s: Option<String>) -> Result<Option<Uuid>> {
    s.map(|s| parse_uuid(&s)).transpose()
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = provisioner_keys)]
struct KeyRow {
    id: String,
    created_at: PrimitiveDateTime,
    organization_id: String,
    name: String,
    hashed_secret: Vec<u8>,
    tags: String,
}

impl TryFrom<KeyRow> for ProvisionerKey {
    type Error = Error;
    fn try_from(r: KeyRow) -> Result<Self> {
        Ok(ProvisionerKey {
            id: parse_uuid(&r.id)?,
            created_at: from_db_time(r.created_at),
            organization_id: parse_uuid(&r.organization_id)?,
            name: r.name,
            hashed_secret: r.hashed_secret,
            tags: parse_tags(&r.tags)?,
        })
    }
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = provisioner_daemons)]
struct DaemonRow {
    id: String,
    created_at: PrimitiveDateTime,
    name: String,
    provisioners: String,
    replica_id: Option<String>,
    tags: String,
    owner_tag: String,
    last_seen_at: Option<PrimitiveDateTime>,
    version: String,
    api_version: String,
    organization_id: String,
    key_id: String,
}

impl From<&Daemon> for DaemonRow {
    fn from(d: &Daemon) -> Self {
        Self {
            id: d.id.to_string(),
            created_at: to_db_time(d.created_at),
            name: d.name.clone(),
            provisioners: to_json(&d.provisioners),
            replica_id: d.replica_id.map(|r| r.to_string()),
            tags: tags_json(&d.tags),
            owner_tag: d.tags.get("owner").cloned().unwrap_or_default(),
            last_seen_at: d.last_seen_at.map(to_db_time),
            version: d.version.clone(),
            api_version: d.api_version.clone(),
            organization_id: d.organization_id.to_string(),
            key_id: d.key_id.to_string(),
        }
    }
}

impl TryFrom<DaemonRow> for Daemon {
    type Error = Error;
    fn try_from(r: DaemonRow) -> Result<Self> {
        Ok(Daemon {
            id: parse_uuid(&r.id)?,
            created_at: from_db_time(r.created_at),
            name: r.name,
            provisioners: serde_json::from_str(&r.provisioners).unwrap_or_default(),
            replica_id: opt_uuid(r.replica_id)?,
            tags: parse_tags(&r.tags)?,
            last_seen_at: r.last_seen_at.map(from_db_time),
            version: r.version,
            api_version: r.api_version,
            organization_id: parse_uuid(&r.organization_id)?,
            key_id: parse_uuid(&r.key_id)?,
        })
    }
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = provisioner_jobs)]
#[diesel(treat_none_as_null = true)]
struct JobRow {
    id: String,
    created_at: PrimitiveDateTime,
    updated_at: PrimitiveDateTime,
    started_at: Option<PrimitiveDateTime>,
    canceled_at: Option<PrimitiveDateTime>,
    completed_at: Option<PrimitiveDateTime>,
    error: Option<String>,
    error_code: String,
    organization_id: String,
    initiator_id: String,
    provisioner: String,
    file_id: String,
    job_type: String,
    input: String,
    worker_id: Option<String>,
    tags: String,
}

impl From<&Job> for JobRow {
    fn from(j: &Job) -> Self {
        Self {
            id: j.id.to_string(),
            created_at: to_db_time(j.created_at),
            updated_at: to_db_time(j.updated_at),
            started_at: j.started_at.map(to_db_time),
            canceled_at: j.canceled_at.map(to_db_time),
            completed_at: j.completed_at.map(to_db_time),
            error: j.error.clone(),
            error_code: j.error_code.clone(),
            organization_id: j.organization_id.to_string(),
            initiator_id: j.initiator_id.to_string(),
            provisioner: j.provisioner.clone(),
            file_id: j.file_id.to_string(),
            job_type: j.job_type.as_str().to_string(),
            input: j.input.to_string(),
            worker_id: j.worker_id.map(|w| w.to_string()),
            tags: tags_json(&j.tags),
        }
    }
}

impl TryFrom<JobRow> for Job {
    type Error = Error;
    fn try_from(r: JobRow) -> Result<Self> {
        Ok(Job {
            id: parse_uuid(&r.id)?,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            started_at: r.started_at.map(from_db_time),
            canceled_at: r.canceled_at.map(from_db_time),
            completed_at: r.completed_at.map(from_db_time),
            error: r.error,
            error_code: r.error_code,
            organization_id: parse_uuid(&r.organization_id)?,
            initiator_id: parse_uuid(&r.initiator_id)?,
            provisioner: r.provisioner,
            file_id: parse_uuid(&r.file_id)?,
            job_type: JobType::parse(&r.job_type)
                .ok_or_else(|| Error::internal("Internal error.", format!("corrupt job type {:?}", r.job_type)))?,
            input: serde_json::from_str(&r.input).unwrap_or(serde_json::Value::Null),
            worker_id: opt_uuid(r.worker_id)?,
            tags: parse_tags(&r.tags)?,
        })
    }
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = provisioner_job_logs)]
struct LogRow {
    id: i64,
    job_id: String,
    created_at: PrimitiveDateTime,
    source: String,
    level: String,
    stage: String,
    output: String,
}

#[derive(Insertable)]
#[diesel(table_name = provisioner_job_logs)]
struct NewLogRow {
    job_id: String,
    created_at: PrimitiveDateTime,
    source: String,
    level: String,
    stage: String,
    output: String,
}

impl ProvisionerStore for DbRepo<'_> {
    fn insert_provisioner_key(&self, key: &ProvisionerKey) -> Result<()> {
        let row = KeyRow {
            id: key.id.to_string(),
            created_at: to_db_time(key.created_at),
            organization_id: key.organization_id.to_string(),
            name: key.name.clone(),
            hashed_secret: key.hashed_secret.clone(),
            tags: tags_json(&key.tags),
        };
        self.with(|c| diesel::insert_into(provisioner_keys::table).values(&row).execute(c).map(|_| ()))
    }

    fn provisioner_keys_of_org(&self, org: Uuid) -> Result<Vec<ProvisionerKey>> {
        let rows: Vec<KeyRow> = self.with(|c| {
            provisioner_keys::table
                .filter(provisioner_keys::organization_id.eq(org.to_string()))
                .order((provisioner_keys::created_at.asc(), provisioner_keys::id.asc()))
                .select(KeyRow::as_select())
                .load(c)
        })?;
        convert_all(rows)
    }

    fn provisioner_key_by_name(&self, org: Uuid, name: &str) -> Result<Option<ProvisionerKey>> {
        let name = name.to_lowercase();
        let row: Option<KeyRow> = self.with(|c| {
            provisioner_keys::table
                .filter(provisioner_keys::organization_id.eq(org.to_string()))
                .filter(lower(provisioner_keys::name).eq(name))
                .select(KeyRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(ProvisionerKey::try_from).transpose()
    }

    fn provisioner_key_by_hash(&self, hash: &[u8]) -> Result<Option<ProvisionerKey>> {
        let row: Option<KeyRow> = self.with(|c| {
            provisioner_keys::table.filter(provisioner_keys::hashed_secret.eq(hash)).select(KeyRow::as_select()).first(c).optional()
        })?;
        row.map(ProvisionerKey::try_from).transpose()
    }

    fn delete_provisioner_key(&self, id: Uuid) -> Result<()> {
        let id = id.to_string();
        self.with(|c| {
            diesel::delete(provisioner_daemons::table.filter(provisioner_daemons::key_id.eq(&id))).execute(c)?;
            diesel::delete(provisioner_keys::table.find(&id)).execute(c).map(|_| ())
        })
    }

    fn upsert_daemon(&self, daemon: &Daemon) -> Result<Daemon> {
        let row = DaemonRow::from(daemon);
        let owner = row.owner_tag.to_lowercase();
        let existing: Option<DaemonRow> = self.with(|c| {
            let n = diesel::update(
                provisioner_daemons::table
                    .filter(provisioner_daemons::organization_id.eq(&row.organization_id))
                    .filter(provisioner_daemons::name.eq(&row.name))
                    .filter(lower(provisioner_daemons::owner_tag).eq(&owner)),
            )
            .set((
                provisioner_daemons::provisioners.eq(&row.provisioners),
                provisioner_daemons::replica_id.eq(&row.replica_id),
                provisioner_daemons::tags.eq(&row.tags),
                provisioner_daemons::last_seen_at.eq(&row.last_seen_at),
                provisioner_daemons::version.eq(&row.version),
                provisioner_daemons::api_version.eq(&row.api_version),
                provisioner_daemons::key_id.eq(&row.key_id),
            ))
            .execute(c)?;
            if n == 0 {
                diesel::insert_into(provisioner_daemons::table).values(&row).execute(c)?;
            }
            provisioner_daemons::table
                .filter(provisioner_daemons::organization_id.eq(&row.organization_id))
                .filter(provisioner_daemons::name.eq(&row.name))
                .filter(lower(provisioner_daemons::owner_tag).eq(&owner))
                .select(DaemonRow::as_select())
                .first(c)
                .optional()
        })?;
        existing.ok_or_else(|| Error::internal("Internal error.", "daemon row vanished after upsert"))?.try_into()
    }

    fn daemons_of_org(&self, org: Uuid) -> Result<Vec<Daemon>> {
        let rows: Vec<DaemonRow> = self.with(|c| {
            provisioner_daemons::table
                .filter(provisioner_daemons::organization_id.eq(org.to_string()))
                .select(DaemonRow::as_select())
                .load(c)
        })?;
        convert_all(rows)
    }

    fn daemon_by_id(&self, id: Uuid) -> Result<Option<Daemon>> {
        let row: Option<DaemonRow> =
            self.with(|c| provisioner_daemons::table.find(id.to_string()).select(DaemonRow::as_select()).first(c).optional())?;
        row.map(Daemon::try_from).transpose()
    }

    fn touch_daemon(&self, id: Uuid, at: OffsetDateTime) -> Result<()> {
        let at = to_db_time(at);
        self.with(|c| {
            diesel::update(
                provisioner_daemons::table
                    .find(id.to_string())
                    .filter(provisioner_daemons::last_seen_at.is_null().or(provisioner_daemons::last_seen_at.lt(at))),
            )
            .set(provisioner_daemons::last_seen_at.eq(at))
            .execute(c)
            .map(|_| ())
        })
    }

    fn delete_daemons_unseen_since(&self, before: OffsetDateTime) -> Result<usize> {
        let before = to_db_time(before);
        self.with(|c| diesel::delete(provisioner_daemons::table.filter(provisioner_daemons::last_seen_at.lt(before))).execute(c))
    }

    fn insert_job(&self, job: &Job) -> Result<()> {
        let row = JobRow::from(job);
        self.with(|c| diesel::insert_into(provisioner_jobs::table).values(&row).execute(c).map(|_| ()))
    }

    fn job_by_id(&self, id: Uuid) -> Result<Option<Job>> {
        let row: Option<JobRow> =
            self.with(|c| provisioner_jobs::table.find(id.to_string()).select(JobRow::as_select()).first(c).optional())?;
        row.map(Job::try_from).transpose()
    }

    fn jobs_by_ids(&self, ids: &[Uuid]) -> Result<Vec<Job>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let rows: Vec<JobRow> =
            self.with(|c| provisioner_jobs::table.filter(provisioner_jobs::id.eq_any(&ids)).select(JobRow::as_select()).load(c))?;
        convert_all(rows)
    }

    fn pending_jobs(&self, org: Uuid, provisioners: &[String], limit: i64, offset: i64) -> Result<Vec<Job>> {
        let rows: Vec<JobRow> = self.with(|c| {
            provisioner_jobs::table
                .filter(provisioner_jobs::organization_id.eq(org.to_string()))
                .filter(provisioner_jobs::started_at.is_null())
                .filter(provisioner_jobs::canceled_at.is_null())
                .filter(provisioner_jobs::provisioner.eq_any(provisioners))
                .order((provisioner_jobs::created_at.asc(), provisioner_jobs::id.asc()))
                .limit(limit)
                .offset(offset)
                .select(JobRow::as_select())
                .load(c)
        })?;
        convert_all(rows)
    }

    fn pending_job_times(&self, org: Uuid) -> Result<Vec<(Uuid, OffsetDateTime)>> {
        let rows: Vec<(String, PrimitiveDateTime)> = self.with(|c| {
            provisioner_jobs::table
                .filter(provisioner_jobs::organization_id.eq(org.to_string()))
                .filter(provisioner_jobs::started_at.is_null())
                .filter(provisioner_jobs::canceled_at.is_null())
                .order((provisioner_jobs::created_at.asc(), provisioner_jobs::id.asc()))
                .select((provisioner_jobs::id, provisioner_jobs::created_at))
                .load(c)
        })?;
        rows.into_iter().map(|(id, at)| Ok((parse_uuid(&id)?, from_db_time(at)))).collect()
    }

    fn claim_job(&self, id: Uuid, worker: Uuid, at: OffsetDateTime) -> Result<bool> {
        let at = to_db_time(at);
        let n = self.with(|c| {
            diesel::update(
                provisioner_jobs::table
                    .find(id.to_string())
                    .filter(provisioner_jobs::started_at.is_null())
                    .filter(provisioner_jobs::canceled_at.is_null()),
            )
            .set((
                provisioner_jobs::started_at.eq(Some(at)),
                provisioner_jobs::updated_at.eq(at),
                provisioner_jobs::worker_id.eq(Some(worker.to_string())),
            ))
            .execute(c)
        })?;
        Ok(n == 1)
    }

    fn touch_job(&self, id: Uuid, worker: Uuid, at: OffsetDateTime) -> Result<bool> {
        let n = self.with(|c| {
            diesel::update(
                provisioner_jobs::table
                    .find(id.to_string())
                    .filter(provisioner_jobs::worker_id.eq(worker.to_string()))
                    .filter(provisioner_jobs::completed_at.is_null()),
            )
            .set(provisioner_jobs::updated_at.eq(to_db_time(at)))
            .execute(c)
        })?;
        Ok(n == 1)
    }

    fn cancel_job(&self, id: Uuid, at: OffsetDateTime) -> Result<bool> {
        let at = to_db_time(at);
        let id = id.to_string();
        // Two conditional updates, each atomic: a job no daemon has is finished at once; one a
        // daemon has is only marked, and its daemon finishes it.
        let n = self.with(|c| {
            let pending = diesel::update(
                provisioner_jobs::table
                    .find(&id)
                    .filter(provisioner_jobs::completed_at.is_null())
                    .filter(provisioner_jobs::canceled_at.is_null())
                    .filter(provisioner_jobs::worker_id.is_null()),
            )
            .set((
                provisioner_jobs::canceled_at.eq(Some(at)),
                provisioner_jobs::completed_at.eq(Some(at)),
                provisioner_jobs::updated_at.eq(at),
            ))
            .execute(c)?;
            if pending == 1 {
                return Ok(1);
            }
            diesel::update(
                provisioner_jobs::table
                    .find(&id)
                    .filter(provisioner_jobs::completed_at.is_null())
                    .filter(provisioner_jobs::canceled_at.is_null())
                    .filter(provisioner_jobs::worker_id.is_not_null()),
            )
            .set((provisioner_jobs::canceled_at.eq(Some(at)), provisioner_jobs::updated_at.eq(at)))
            .execute(c)
        })?;
        Ok(n == 1)
    }

    fn complete_job(&self, job: &Job) -> Result<bool> {
        let r = JobRow::from(job);
        let n = self.with(|c| {
            diesel::update(provisioner_jobs::table.find(&r.id).filter(provisioner_jobs::completed_at.is_null()))
                .set((
                    provisioner_jobs::updated_at.eq(r.updated_at),
                    provisioner_jobs::completed_at.eq(r.completed_at),
                    provisioner_jobs::error.eq(&r.error),
                    provisioner_jobs::error_code.eq(&r.error_code),
                ))
                .execute(c)
        })?;
        Ok(n == 1)
    }

    fn current_and_previous_jobs(&self, workers: &[Uuid]) -> Result<(Vec<Job>, Vec<Job>)> {
        if workers.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let ids: Vec<String> = workers.iter().map(Uuid::to_string).collect();
        let (open, last): (Vec<JobRow>, Vec<JobRow>) = self.with(|c| {
            let open = provisioner_jobs::table
                .filter(provisioner_jobs::worker_id.eq_any(&ids))
                .filter(provisioner_jobs::completed_at.is_null())
                .select(JobRow::as_select())
                .load(c)?;
            let later = diesel::alias!(provisioner_jobs as later);
            let last = provisioner_jobs::table
                .filter(provisioner_jobs::worker_id.eq_any(&ids))
                .filter(provisioner_jobs::completed_at.is_not_null())
                .filter(diesel::dsl::not(diesel::dsl::exists(
                    later
                        .filter(later.field(provisioner_jobs::worker_id).eq(provisioner_jobs::worker_id))
                        .filter(later.field(provisioner_jobs::completed_at).gt(provisioner_jobs::completed_at)),
                )))
                .select(JobRow::as_select())
                .load(c)?;
            Ok((open, last))
        })?;
        Ok((convert_all(open)?, convert_all(last)?))
    }

    fn running_jobs_idle_since(&self, before: OffsetDateTime) -> Result<Vec<Job>> {
        let rows: Vec<JobRow> = self.with(|c| {
            provisioner_jobs::table
                .filter(provisioner_jobs::started_at.is_not_null())
                .filter(provisioner_jobs::completed_at.is_null())
                .filter(provisioner_jobs::updated_at.lt(to_db_time(before)))
                .select(JobRow::as_select())
                .load(c)
        })?;
        convert_all(rows)
    }

    fn insert_job_logs(&self, logs: &[JobLog]) -> Result<()> {
        if logs.is_empty() {
            return Ok(());
        }
        let rows: Vec<NewLogRow> = logs
            .iter()
            .map(|l| NewLogRow {
                job_id: l.job_id.to_string(),
                created_at: to_db_time(l.created_at),
                source: l.source.clone(),
                level: l.level.clone(),
                stage: l.stage.clone(),
                output: l.output.clone(),
            })
            .collect();
        self.with(|c| {
            // One row per statement: diesel runs SQLite batch inserts in a transaction of its
            // own, which cannot nest in the caller's.
            for row in &rows {
                diesel::insert_into(provisioner_job_logs::table).values(row).execute(c)?;
            }
            Ok(())
        })
    }

    fn job_logs(&self, job: Uuid, after: Option<i64>, before: Option<i64>) -> Result<Vec<JobLog>> {
        let rows: Vec<LogRow> = self.with(|c| {
            let mut q = provisioner_job_logs::table.filter(provisioner_job_logs::job_id.eq(job.to_string())).into_boxed();
            if let Some(a) = after {
                q = q.filter(provisioner_job_logs::id.gt(a));
            }
            if let Some(b) = before {
                q = q.filter(provisioner_job_logs::id.lt(b));
            }
            q.order(provisioner_job_logs::id.asc()).select(LogRow::as_select()).load(c)
        })?;
        rows.into_iter()
            .map(|r| {
                Ok(JobLog {
                    id: r.id,
                    job_id: parse_uuid(&r.job_id)?,
                    created_at: from_db_time(r.created_at),
                    source: r.source,
                    level: r.level,
                    stage: r.stage,
                    output: r.output,
                })
            })
            .collect()
    }

    fn announce_jobs_queued(&self) -> Result<()> {
        self.changed(Change::ProvisionerJobs)
    }
}
