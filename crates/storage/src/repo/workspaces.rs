//! Workspaces, builds, build parameters and agents.

use diesel::prelude::*;
use domain::store::{Page, Paged, WorkspaceStore};
use domain::workspaces::{Agent, Build, Transition, Workspace, WorkspaceFilter};
use domain::{Error, Result};
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::{like_pattern, DbRepo};
use crate::conn::DbConn;
use crate::rows::*;
use crate::schema::functions::lower;
use crate::schema::*;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = workspaces)]
#[diesel(treat_none_as_null = true)]
struct WorkspaceRow {
    id: String,
    created_at: PrimitiveDateTime,
    updated_at: PrimitiveDateTime,
    owner_id: String,
    organization_id: String,
    template_id: String,
    deleted: bool,
    name: String,
    autostart_schedule: Option<String>,
    ttl_ms: Option<i64>,
    last_used_at: PrimitiveDateTime,
    automatic_updates: String,
}

impl From<&Workspace> for WorkspaceRow {
    fn from(w: &Workspace) -> Self {
        Self {
            id: w.id.to_string(),
            created_at: to_db_time(w.created_at),
            updated_at: to_db_time(w.updated_at),
            owner_id: w.owner_id.to_string(),
            organization_id: w.organization_id.to_string(),
            template_id: w.template_id.to_string(),
            deleted: w.deleted,
            name: w.name.clone(),
            autostart_schedule: w.autostart_schedule.clone(),
            ttl_ms: w.ttl_ms,
            last_used_at: to_db_time(w.last_used_at),
            automatic_updates: w.automatic_updates.clone(),
        }
    }
}

impl TryFrom<WorkspaceRow> for Workspace {
    type Error = Error;
    fn try_from(r: WorkspaceRow) -> Result<Self> {
        Ok(Workspace {
            id: parse_uuid(&r.id)?,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            owner_id: parse_uuid(&r.owner_id)?,
            organization_id: parse_uuid(&r.organization_id)?,
            template_id: parse_uuid(&r.template_id)?,
            deleted: r.deleted,
            name: r.name,
            autostart_schedule: r.autostart_schedule,
            ttl_ms: r.ttl_ms,
            last_used_at: from_db_time(r.last_used_at),
            automatic_updates: r.automatic_updates,
        })
    }
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = workspace_builds)]
#[diesel(treat_none_as_null = true)]
struct BuildRow {
    id: String,
    created_at: PrimitiveDateTime,
    updated_at: PrimitiveDateTime,
    workspace_id: String,
    template_version_id: String,
    build_number: i32,
    transition: String,
    initiator_id: String,
    job_id: String,
    deadline: Option<PrimitiveDateTime>,
    max_deadline: Option<PrimitiveDateTime>,
    reason: String,
    daily_cost: i32,
    has_external_agent: Option<bool>,
    provisioner_state: Option<Vec<u8>>,
}

impl From<&Build> for BuildRow {
    fn from(b: &Build) -> Self {
        Self {
            id: b.id.to_string(),
            created_at: to_db_time(b.created_at),
            updated_at: to_db_time(b.updated_at),
            workspace_id: b.workspace_id.to_string(),
            template_version_id: b.template_version_id.to_string(),
            build_number: b.build_number,
            transition: b.transition.as_str().to_string(),
            initiator_id: b.initiator_id.to_string(),
            job_id: b.job_id.to_string(),
            deadline: b.deadline.map(to_db_time),
            max_deadline: b.max_deadline.map(to_db_time),
            reason: b.reason.clone(),
            daily_cost: b.daily_cost,
            has_external_agent: b.has_external_agent,
            provisioner_state: Some(b.provisioner_state.clone()),
        }
    }
}

impl TryFrom<BuildRow> for Build {
    type Error = Error;
    fn try_from(r: BuildRow) -> Result<Self> {
        Ok(Build {
            id: parse_uuid(&r.id)?,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            workspace_id: parse_uuid(&r.workspace_id)?,
            template_version_id: parse_uuid(&r.template_version_id)?,
            build_number: r.build_number,
            transition: Transition::parse(&r.transition)
                .ok_or_else(|| Error::internal("Internal error.", format!("corrupt transition {:?}", r.transition)))?,
            initiator_id: parse_uuid(&r.initiator_id)?,
            job_id: parse_uuid(&r.job_id)?,
            deadline: r.deadline.map(from_db_time),
            max_deadline: r.max_deadline.map(from_db_time),
            reason: r.reason,
            daily_cost: r.daily_cost,
            has_external_agent: r.has_external_agent,
            provisioner_state: r.provisioner_state.unwrap_or_default(),
        })
    }
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = workspace_agents)]
struct AgentRow {
    id: String,
    created_at: PrimitiveDateTime,
    updated_at: PrimitiveDateTime,
    resource_id: String,
    job_id: String,
    name: String,
    auth_token: String,
    auth_instance_id: Option<String>,
    operating_system: String,
    architecture: String,
    directory: String,
    lifecycle_state: String,
    first_connected_at: Option<PrimitiveDateTime>,
    last_connected_at: Option<PrimitiveDateTime>,
    disconnected_at: Option<PrimitiveDateTime>,
    data: String,
}

impl From<&Agent> for AgentRow {
    fn from(a: &Agent) -> Self {
        Self {
            id: a.id.to_string(),
            created_at: to_db_time(a.created_at),
            updated_at: to_db_time(a.updated_at),
            resource_id: a.resource_id.to_string(),
            job_id: a.job_id.to_string(),
            name: a.name.clone(),
            auth_token: a.auth_token.to_string(),
            auth_instance_id: a.auth_instance_id.clone(),
            operating_system: a.operating_system.clone(),
            architecture: a.architecture.clone(),
            directory: a.directory.clone(),
            lifecycle_state: a.lifecycle_state.clone(),
            first_connected_at: a.first_connected_at.map(to_db_time),
            last_connected_at: a.last_connected_at.map(to_db_time),
            disconnected_at: a.disconnected_at.map(to_db_time),
            data: a.data.to_string(),
        }
    }
}

impl TryFrom<AgentRow> for Agent {
    type Error = Error;
    fn try_from(r: AgentRow) -> Result<Self> {
        Ok(Agent {
            id: parse_uuid(&r.id)?,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            resource_id: parse_uuid(&r.resource_id)?,
            job_id: parse_uuid(&r.job_id)?,
            name: r.name,
            auth_token: parse_uuid(&r.auth_token)?,
            auth_instance_id: r.auth_instance_id,
            operating_system: r.operating_system,
            architecture: r.architecture,
            directory: r.directory,
            lifecycle_state: r.lifecycle_state,
            first_connected_at: r.first_connected_at.map(from_db_time),
            last_connected_at: r.last_connected_at.map(from_db_time),
            disconnected_at: r.disconnected_at.map(from_db_time),
            data: serde_json::from_str(&r.data).unwrap_or(serde_json::Value::Null),
        })
    }
}

impl DbRepo<'_> {
    /// An owner's workspace by name, case-insensitively: the live one, or (`deleted`) the most
    /// recently created deleted one.
    fn workspace_named(&self, owner: Uuid, name: &str, deleted: bool) -> Result<Option<Workspace>> {
        let name = name.to_lowercase();
        let row: Option<WorkspaceRow> = self.with(|c| {
            workspaces::table
                .filter(workspaces::owner_id.eq(owner.to_string()))
                .filter(lower(workspaces::name).eq(name))
                .filter(workspaces::deleted.eq(deleted))
                .order(workspaces::created_at.desc())
                .select(WorkspaceRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(Workspace::try_from).transpose()
    }
}

impl WorkspaceStore for DbRepo<'_> {
    fn insert_workspace(&self, w: &Workspace) -> Result<()> {
        let row = WorkspaceRow::from(w);
        self.with(|c| diesel::insert_into(workspaces::table).values(&row).execute(c).map(|_| ()))
    }

    fn update_workspace(&self, w: &Workspace) -> Result<()> {
        let r = WorkspaceRow::from(w);
        self.with(|c| {
            diesel::update(workspaces::table.find(&r.id))
                .set((
                    workspaces::updated_at.eq(r.updated_at),
                    workspaces::deleted.eq(r.deleted),
                    workspaces::name.eq(&r.name),
                    workspaces::autostart_schedule.eq(&r.autostart_schedule),
                    workspaces::ttl_ms.eq(r.ttl_ms),
                    workspaces::last_used_at.eq(r.last_used_at),
                    workspaces::automatic_updates.eq(&r.automatic_updates),
                ))
                .execute(c)
                .map(|_| ())
        })
    }

    fn workspace_by_id(&self, id: Uuid) -> Result<Option<Workspace>> {
        let row: Option<WorkspaceRow> =
            self.with(|c| workspaces::table.find(id.to_string()).select(WorkspaceRow::as_select()).first(c).optional())?;
        row.map(Workspace::try_from).transpose()
    }

    fn workspace_by_owner_and_name(&self, owner: Uuid, name: &str) -> Result<Option<Workspace>> {
        self.workspace_named(owner, name, false)
    }

    fn deleted_workspace_by_owner_and_name(&self, owner: Uuid, name: &str) -> Result<Option<Workspace>> {
        self.workspace_named(owner, name, true)
    }

    fn list_workspaces(&self, f: &WorkspaceFilter, page: &Page) -> Result<Paged<Workspace>> {
        if f.visible.as_ref().is_some_and(|v| v.nothing || v.ids.as_ref().is_some_and(Vec::is_empty)) {
            return Ok(Paged { items: Vec::new(), count: 0 });
        }
        macro_rules! filtered {
            () => {{
                // Only workspaces of live owners: a page and its count never include a row
                // that cannot be shown.
                let live_owners = users::table.filter(users::deleted.eq(false)).select(users::id);
                let mut q =
                    workspaces::table.filter(workspaces::deleted.eq(false)).filter(workspaces::owner_id.eq_any(live_owners)).into_boxed();
                if let Some(o) = f.owner_id {
                    q = q.filter(workspaces::owner_id.eq(o.to_string()));
                }
                if let Some(o) = f.organization_id {
                    q = q.filter(workspaces::organization_id.eq(o.to_string()));
                }
                if !f.template_ids.is_empty() {
                    let ids: Vec<String> = f.template_ids.iter().map(Uuid::to_string).collect();
                    q = q.filter(workspaces::template_id.eq_any(ids));
                }
                if let Some(n) = &f.name {
                    q = q.filter(lower(workspaces::name).like(like_pattern(n)).escape('\\'));
                }
                if let Some(v) = &f.visible {
                    q = visible_workspaces(q, v);
                }
                q
            }};
        }
        let count: i64 = self.with(|c| filtered!().count().get_result(c))?;
        let rows: Vec<WorkspaceRow> = self.with(|c| {
            let limit = if page.limit > 0 { page.limit } else { i64::MAX };
            filtered!()
                .order((workspaces::owner_id.asc(), lower(workspaces::name).asc(), workspaces::id.asc()))
                .limit(limit)
                .offset(page.offset)
                .select(WorkspaceRow::as_select())
                .load(c)
        })?;
        Ok(Paged { items: convert_all(rows)?, count })
    }

    fn workspaces_by_ids(&self, ids: &[Uuid]) -> Result<Vec<Workspace>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let rows: Vec<WorkspaceRow> =
            self.with(|c| workspaces::table.filter(workspaces::id.eq_any(&ids)).select(WorkspaceRow::as_select()).load(c))?;
        convert_all(rows)
    }

    fn count_template_workspaces(&self, template: Uuid) -> Result<i64> {
        self.with(|c| {
            workspaces::table
                .filter(workspaces::template_id.eq(template.to_string()))
                .filter(workspaces::deleted.eq(false))
                .count()
                .get_result(c)
        })
    }

    fn insert_build(&self, b: &Build) -> Result<()> {
        let row = BuildRow::from(b);
        self.with(|c| diesel::insert_into(workspace_builds::table).values(&row).execute(c).map(|_| ()))
    }

    fn update_build(&self, b: &Build) -> Result<()> {
        let r = BuildRow::from(b);
        self.with(|c| {
            diesel::update(workspace_builds::table.find(&r.id))
                .set((
                    workspace_builds::updated_at.eq(r.updated_at),
                    workspace_builds::deadline.eq(r.deadline),
                    workspace_builds::max_deadline.eq(r.max_deadline),
                    workspace_builds::daily_cost.eq(r.daily_cost),
                    workspace_builds::has_external_agent.eq(r.has_external_agent),
                    workspace_builds::provisioner_state.eq(&r.provisioner_state),
                ))
                .execute(c)
                .map(|_| ())
        })
    }

    fn build_by_id(&self, id: Uuid) -> Result<Option<Build>> {
        let row: Option<BuildRow> =
            self.with(|c| workspace_builds::table.find(id.to_string()).select(BuildRow::as_select()).first(c).optional())?;
        row.map(Build::try_from).transpose()
    }

    fn builds_by_ids(&self, ids: &[Uuid]) -> Result<Vec<Build>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let rows: Vec<BuildRow> =
            self.with(|c| workspace_builds::table.filter(workspace_builds::id.eq_any(&ids)).select(BuildRow::as_select()).load(c))?;
        convert_all(rows)
    }

    fn build_by_job(&self, job: Uuid) -> Result<Option<Build>> {
        let row: Option<BuildRow> = self.with(|c| {
            workspace_builds::table.filter(workspace_builds::job_id.eq(job.to_string())).select(BuildRow::as_select()).first(c).optional()
        })?;
        row.map(Build::try_from).transpose()
    }

    fn build_by_number(&self, workspace: Uuid, number: i32) -> Result<Option<Build>> {
        let row: Option<BuildRow> = self.with(|c| {
            workspace_builds::table
                .filter(workspace_builds::workspace_id.eq(workspace.to_string()))
                .filter(workspace_builds::build_number.eq(number))
                .select(BuildRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(Build::try_from).transpose()
    }

    fn latest_builds(&self, ids: &[Uuid]) -> Result<Vec<Build>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let rows: Vec<BuildRow> = self.with(|c| {
            let later = diesel::alias!(workspace_builds as later);
            workspace_builds::table
                .filter(workspace_builds::workspace_id.eq_any(&ids))
                .filter(diesel::dsl::not(diesel::dsl::exists(
                    later
                        .filter(later.field(workspace_builds::workspace_id).eq(workspace_builds::workspace_id))
                        .filter(later.field(workspace_builds::build_number).gt(workspace_builds::build_number)),
                )))
                .select(BuildRow::as_select())
                .load(c)
        })?;
        convert_all(rows)
    }

    fn builds_of(&self, workspace: Uuid, page: &Page) -> Result<Vec<Build>> {
        let rows: Vec<BuildRow> = self.with(|c| {
            let limit = if page.limit > 0 { page.limit } else { i64::MAX };
            workspace_builds::table
                .filter(workspace_builds::workspace_id.eq(workspace.to_string()))
                .order(workspace_builds::build_number.desc())
                .limit(limit)
                .offset(page.offset)
                .select(BuildRow::as_select())
                .load(c)
        })?;
        convert_all(rows)
    }

    fn insert_build_parameters(&self, build: Uuid, values: &[(String, String)]) -> Result<()> {
        let b = build.to_string();
        self.with(|c| {
            for (name, value) in values {
                diesel::insert_into(workspace_build_parameters::table)
                    .values((
                        workspace_build_parameters::workspace_build_id.eq(&b),
                        workspace_build_parameters::name.eq(name),
                        workspace_build_parameters::value.eq(value),
                    ))
                    .execute(c)?;
            }
            Ok(())
        })
    }

    fn build_parameters(&self, build: Uuid) -> Result<Vec<(String, String)>> {
        self.with(|c| {
            workspace_build_parameters::table
                .filter(workspace_build_parameters::workspace_build_id.eq(build.to_string()))
                .order(workspace_build_parameters::name.asc())
                .select((workspace_build_parameters::name, workspace_build_parameters::value))
                .load(c)
        })
    }

    fn insert_agents(&self, agents: &[Agent]) -> Result<()> {
        let rows: Vec<AgentRow> = agents.iter().map(AgentRow::from).collect();
        self.with(|c| rows.iter().try_for_each(|r| diesel::insert_into(workspace_agents::table).values(r).execute(c).map(|_| ())))
    }

    fn agents_of_jobs(&self, jobs: &[Uuid]) -> Result<Vec<Agent>> {
        if jobs.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = jobs.iter().map(Uuid::to_string).collect();
        let rows: Vec<AgentRow> = self.with(|c| {
            workspace_agents::table
                .filter(workspace_agents::job_id.eq_any(&ids))
                .order((workspace_agents::created_at.asc(), workspace_agents::name.asc()))
                .select(AgentRow::as_select())
                .load(c)
        })?;
        convert_all(rows)
    }

    fn agent_by_id(&self, id: Uuid) -> Result<Option<Agent>> {
        let row: Option<AgentRow> =
            self.with(|c| workspace_agents::table.find(id.to_string()).select(AgentRow::as_select()).first(c).optional())?;
        row.map(Agent::try_from).transpose()
    }

    fn update_agent(&self, a: &Agent) -> Result<()> {
        let r = AgentRow::from(a);
        self.with(|c| {
            diesel::update(workspace_agents::table.find(&r.id))
                .set((
                    workspace_agents::updated_at.eq(r.updated_at),
                    workspace_agents::lifecycle_state.eq(&r.lifecycle_state),
                    workspace_agents::data.eq(&r.data),
                ))
                .execute(c)
                .map(|_| ())
        })
    }

    fn set_agent_connected(&self, id: Uuid, at: time::OffsetDateTime) -> Result<()> {
        let at = to_db_time(at);
        let id = id.to_string();
        self.with(|c| {
            diesel::update(workspace_agents::table.find(&id).filter(workspace_agents::first_connected_at.is_null()))
                .set(workspace_agents::first_connected_at.eq(Some(at)))
                .execute(c)?;
            diesel::update(workspace_agents::table.find(&id))
                .set((workspace_agents::last_connected_at.eq(Some(at)), workspace_agents::updated_at.eq(at)))
                .execute(c)
                .map(|_| ())
        })
    }

    fn set_agent_disconnected(&self, id: Uuid, at: time::OffsetDateTime) -> Result<()> {
        let at = to_db_time(at);
        self.with(|c| {
            diesel::update(workspace_agents::table.find(id.to_string()))
                .set((workspace_agents::disconnected_at.eq(Some(at)), workspace_agents::updated_at.eq(at)))
                .execute(c)
                .map(|_| ())
        })
    }

    fn agent_by_token(&self, token: Uuid) -> Result<Option<Agent>> {
        let row: Option<AgentRow> = self.with(|c| {
            workspace_agents::table
                .filter(workspace_agents::auth_token.eq(token.to_string()))
                .order(workspace_agents::created_at.desc())
                .select(AgentRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(Agent::try_from).transpose()
    }

    fn quota_consumed(&self, owner: Uuid, org: Uuid) -> Result<i64> {
        let costs: Vec<i32> = self.with(|c| {
            let later = diesel::alias!(workspace_builds as later);
            workspace_builds::table
                .inner_join(workspaces::table)
                .filter(workspaces::owner_id.eq(owner.to_string()))
                .filter(workspaces::organization_id.eq(org.to_string()))
                .filter(workspaces::deleted.eq(false))
                .filter(diesel::dsl::not(diesel::dsl::exists(
                    later
                        .filter(later.field(workspace_builds::workspace_id).eq(workspace_builds::workspace_id))
                        .filter(later.field(workspace_builds::build_number).gt(workspace_builds::build_number)),
                )))
                .select(workspace_builds::daily_cost)
                .load(c)
        })?;
        Ok(costs.into_iter().map(i64::from).sum())
    }

    fn workspace_states(&self) -> Result<Vec<(String, i64)>> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Text)]
            state: String,
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        // One statement for both backends: each live workspace's latest build (through the
        // unique (workspace_id, build_number) index) and its job.
        const Q: &str = "SELECT CASE \
              WHEN j.started_at IS NULL AND j.canceled_at IS NULL AND j.completed_at IS NULL THEN 'pending' \
              WHEN j.canceled_at IS NULL AND j.completed_at IS NULL THEN 'building' \
              WHEN j.error IS NOT NULL AND j.error <> '' THEN 'failed' \
              WHEN j.canceled_at IS NULL AND b.transition = 'start' THEN 'running' \
              WHEN j.canceled_at IS NULL AND b.transition = 'stop' THEN 'stopped' \
              ELSE 'other' END AS state, COUNT(*) AS n \
            FROM workspaces w \
            JOIN workspace_builds b ON b.workspace_id = w.id \
            JOIN provisioner_jobs j ON j.id = b.job_id \
            WHERE NOT w.deleted \
              AND b.build_number = (SELECT MAX(b2.build_number) FROM workspace_builds b2 WHERE b2.workspace_id = w.id) \
            GROUP BY 1";
        let rows: Vec<Row> = self.with(|c| match c {
            DbConn::Pg(pg) => diesel::sql_query(Q).load(pg),
            DbConn::Sqlite(lite) => diesel::sql_query(Q).load(lite),
        })?;
        Ok(rows.into_iter().map(|r| (r.state, r.n)).collect())
    }

    fn autofill_values(&self, owner: Uuid, template: Uuid) -> Result<Vec<(String, String)>> {
        let rows: Vec<(String, String, PrimitiveDateTime)> = self.with(|c| {
            workspace_build_parameters::table
                .inner_join(workspace_builds::table.inner_join(workspaces::table))
                .filter(workspaces::owner_id.eq(owner.to_string()))
                .filter(workspaces::template_id.eq(template.to_string()))
                .filter(workspace_builds::transition.eq("start"))
                .filter(diesel::dsl::exists(
                    template_version_parameters::table
                        .filter(template_version_parameters::template_version_id.eq(workspace_builds::template_version_id))
                        .filter(template_version_parameters::name.eq(workspace_build_parameters::name))
                        .filter(template_version_parameters::ephemeral.eq(false)),
                ))
                .order((workspace_builds::created_at.desc(), workspace_build_parameters::name.asc()))
                .select((workspace_build_parameters::name, workspace_build_parameters::value, workspace_builds::created_at))
                .load(c)
        })?;
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for (name, value, _) in rows {
            if seen.insert(name.clone()) {
                out.push((name, value));
                if out.len() == 100 {
                    break;
                }
            }
        }
        Ok(out)
    }
}

/// The caller's visibility as SQL: every row, or rows of the organizations where a role
/// grants it, or their own rows in the organizations they belong to; then the key's allow list.
fn visible_workspaces<'a>(
    mut q: workspaces::BoxedQuery<'a, crate::conn::MultiBackend>,
    v: &domain::rbac::Visibility,
) -> workspaces::BoxedQuery<'a, crate::conn::MultiBackend> {
    let strings = |ids: &[Uuid]| ids.iter().map(Uuid::to_string).collect::<Vec<String>>();
    if !v.everything {
        let me = v.user_id.to_string();
        q = q.filter(
            workspaces::organization_id
                .eq_any(strings(&v.orgs))
                .or(workspaces::owner_id.eq(me).and(workspaces::organization_id.eq_any(strings(&v.own_in_orgs)))),
        );
    }
    if let Some(ids) = &v.ids {
        q = q.filter(workspaces::id.eq_any(strings(ids)));
    }
    q
}
