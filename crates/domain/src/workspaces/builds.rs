//! Builds: queuing one (with its parameter values and job), reading them, and what a build job
//! completion records.

use time::OffsetDateTime;
use uuid::Uuid;

use super::workspace::workspace_object;
use super::{parameters, Agent, Build, Transition, Workspace};
use crate::app::{Actor, App};
use crate::authz::Db;
use crate::clock;
use crate::error::{Error, ErrorKind, Result};
use crate::provisioners::{Job, JobStatus, JobType};
use crate::rbac::action;
use crate::store::Page;
use crate::templates::versions::JobView;
use crate::templates::{JobResource, Template, TemplateVersion};
use crate::user::User;

/// What `POST /workspaces/{workspace}/builds` takes.
#[derive(Debug, Clone)]
pub struct NewBuild {
    /// Start, stop or delete.
    pub transition: Transition,
    /// The version to build (default: the latest build's).
    pub template_version_id: Option<Uuid>,
    /// Parameter values given now.
    pub rich_parameter_values: Vec<(String, String)>,
}

/// A build as the API shows it.
#[derive(Debug, Clone)]
pub struct BuildView {
    /// The build.
    pub build: Build,
    /// Its job.
    pub job: JobView,
    /// Who started it.
    pub initiator: Option<User>,
    /// The version's name.
    pub template_version_name: String,
    /// Resources its job declared.
    pub resources: Vec<JobResource>,
    /// Their agents.
    pub agents: Vec<Agent>,
    /// The build's workspace.
    pub workspace: Workspace,
    /// The workspace owner's username.
    pub owner_name: String,
}

impl BuildView {
    /// Coder's workspace status, from the job's status and the transition.
    pub fn status(&self) -> &'static str {
        use JobStatus as J;
        use Transition as T;
        match (self.job.job.status(), self.build.transition) {
            (J::Pending, _) => "pending",
            (J::Running, T::Start) => "starting",
            (J::Running, T::Stop) => "stopping",
            (J::Running, T::Delete) => "deleting",
            (J::Succeeded, T::Start) => "running",
            (J::Succeeded, T::Stop) => "stopped",
            (J::Succeeded, T::Delete) => "deleted",
            (J::Canceling, _) => "canceling",
            (J::Canceled, _) => "canceled",
            (J::Failed, _) => "failed",
        }
    }
}

impl App {
    /// Adds jobs, initiators, version names, resources and agents: one query per relation.
    pub fn build_views(&self, db: &Db<'_>, builds: Vec<Build>) -> Result<Vec<BuildView>> {
        let rows = db.build_context(builds)?;
        let jobs = self.job_views(db, rows.jobs)?;
        let (builds, users, agents, resources, versions, workspaces, owners) =
            (rows.builds, rows.initiators, rows.agents, rows.resources, rows.versions, rows.workspaces, rows.owners);
        let mut out = Vec::with_capacity(builds.len());
        for b in builds {
            let job = jobs
                .iter()
                .find(|j| j.job.id == b.job_id)
                .cloned()
                .ok_or_else(|| Error::internal("Internal error.", "build without job"))?;
            let workspace = workspaces
                .iter()
                .find(|w| w.id == b.workspace_id)
                .cloned()
                .ok_or_else(|| Error::internal("Internal error.", "build without workspace"))?;
            out.push(BuildView {
                initiator: users.iter().find(|u| u.id == b.initiator_id).cloned(),
                template_version_name: versions.iter().find(|v| v.id == b.template_version_id).map(|v| v.name.clone()).unwrap_or_default(),
                agents: agents.iter().filter(|a| a.job_id == b.job_id).cloned().collect(),
                resources: resources.iter().filter(|r| r.job_id == b.job_id).cloned().collect(),
                owner_name: owners.iter().find(|u| u.id == workspace.owner_id).map(|u| u.username.clone()).unwrap_or_default(),
                workspace,
                job,
                build: b,
            });
        }
        Ok(out)
    }

    /// Queues a build: resolves the parameter values, then in one transaction runs `before`
    /// (which may insert the workspace), inserts the job, the build and its values, and tells
    /// idle daemons.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn queue_build(
        &self,
        actor: &Actor,
        workspace: &Workspace,
        template: &Template,
        version: TemplateVersion,
        previous: Option<&Build>,
        req: NewBuild,
        first: bool,
        before: &dyn Fn(&Db<'_>) -> Result<()>,
    ) -> Result<Build> {
        if version.template_id != Some(template.id) {
            return Err(Error::bad_request("template version doesn't match template")
                .with_detail(format!("templateVersion.TemplateID = {:?}, template.ID = {}", version.template_id, template.id)));
        }
        let db = self.db(actor);
        let import = db.job_by_id(version.job_id)?.ok_or_else(|| Error::internal("Internal error.", "version without job"))?;
        match import.status() {
            JobStatus::Succeeded => {}
            s @ (JobStatus::Pending | JobStatus::Running) => {
                let m = format!("The provided template version is {}. Wait for it to complete importing!", s.as_str());
                return Err(Error::new(ErrorKind::NotAcceptable, m.clone()).with_detail(m));
            }
            JobStatus::Failed | JobStatus::Canceling | JobStatus::Canceled => {
                return Err(Error::bad_request(format!(
                    "The provided template version {:?} has failed to import: {:?}. You cannot build workspaces with it!",
                    version.name,
                    import.error.clone().unwrap_or_default()
                )))
            }
        }
        if template.settings.require_active_version
            && version.id != template.active_version_id
            && !db.allows(action::UPDATE, &Self::template_object(template))
        {
            return Err(Error::new(ErrorKind::Forbidden, "The template requires its active version for new builds.")
                .with_detail(format!("Build with the active version {} instead.", template.active_version_id)));
        }
        let params = db.template_version_parameters(version.id)?;
        let previous_values = match previous {
            Some(p) => db.build_parameters(p)?,
            None => Vec::new(),
        };
        let values = parameters::resolve(&params, &req.rich_parameter_values, &previous_values, first)?;
        let now = clock::now();
        let build_id = Uuid::new_v4();
        let job = Job {
            id: Uuid::new_v4(),
            created_at: now,
            updated_at: now,
            started_at: None,
            canceled_at: None,
            completed_at: None,
            error: None,
            error_code: String::new(),
            organization_id: workspace.organization_id,
            initiator_id: actor.user.id,
            provisioner: import.provisioner.clone(),
            file_id: import.file_id,
            job_type: JobType::WorkspaceBuild,
            input: serde_json::json!({"workspace_build_id": build_id.to_string()}),
            worker_id: None,
            tags: crate::provisioners::tags::mutate(Some(workspace.owner_id), [&import.tags]),
        };
        let build = Build {
            id: build_id,
            created_at: now,
            updated_at: now,
            workspace_id: workspace.id,
            template_version_id: version.id,
            build_number: previous.map(|p| p.build_number + 1).unwrap_or(1),
            transition: req.transition,
            initiator_id: actor.user.id,
            job_id: job.id,
            deadline: None,
            max_deadline: None,
            reason: "initiator".into(),
            daily_cost: 0,
            has_external_agent: None,
            provisioner_state: previous.map(|p| p.provisioner_state.clone()).unwrap_or_default(),
        };
        db.transaction(|tx| {
            before(tx)?;
            tx.insert_build(&job, &build, &values).map_err(|e| {
                if e.kind == ErrorKind::Conflict {
                    Error::conflict("A workspace build is already active.")
                } else {
                    e
                }
            })
        })?;
        Ok(build)
    }

    /// `POST /workspaces/{workspace}/builds`.
    pub fn create_build(&self, actor: &Actor, param: &str, req: NewBuild) -> Result<BuildView> {
        let workspace = self.readable_workspace(actor, param)?;
        // Coder's builder authorizes each transition by its own action.
        let db = self.db(actor);
        if !db.allows(crate::authz::transition_action(req.transition), &workspace_object(&workspace)) {
            let verb = match req.transition {
                Transition::Start => "start",
                Transition::Stop => "stop",
                Transition::Delete => "delete",
            };
            return Err(Error::new(ErrorKind::Forbidden, format!("You do not have permission to {verb} this workspace.")));
        }
        let latest = db.latest_build(&workspace)?;
        if let Some(l) = &latest {
            let job = db.job_by_id(l.job_id)?.ok_or_else(|| Error::internal("Internal error.", "build without job"))?;
            if matches!(job.status(), JobStatus::Pending | JobStatus::Running | JobStatus::Canceling) {
                return Err(Error::conflict("A workspace build is already active."));
            }
        }
        let template =
            db.template_by_id(workspace.template_id)?.ok_or_else(|| Error::internal("Internal error.", "workspace without template"))?;
        let version_id = req.template_version_id.or(latest.as_ref().map(|l| l.template_version_id)).unwrap_or(template.active_version_id);
        let version = db.template_version_by_id(version_id)?.ok_or_else(|| {
            Error::bad_request("Template version not found.").with_validation("template_version_id", "template version not found")
        })?;
        let build = self.queue_build(actor, &workspace, &template, version, latest.as_ref(), req, false, &|_| Ok(()))?;
        self.build_views(&db, vec![build])?.pop().ok_or_else(|| Error::internal("Internal error.", "build vanished"))
    }

    /// `GET /workspaces/{workspace}/builds`: newest first.
    pub fn workspace_builds(&self, actor: &Actor, param: &str, page: Page) -> Result<Vec<BuildView>> {
        let workspace = self.readable_workspace(actor, param)?;
        let db = self.db(actor);
        let builds = db.builds_of(&workspace, &page)?;
        self.build_views(&db, builds)
    }

    /// A build the actor may read (through its workspace).
    fn readable_build(&self, actor: &Actor, param: &str) -> Result<(Build, Workspace)> {
        let id = crate::groups::parse_uuid_param(param)?;
        let db = self.db(actor);
        let b = db.build_by_id(id)?.ok_or_else(Error::not_found)?;
        let w = db.workspace_by_id(b.workspace_id)?.ok_or_else(Error::not_found)?;
        Ok((b, w))
    }

    /// `GET /workspacebuilds/{workspacebuild}`.
    pub fn get_build(&self, actor: &Actor, param: &str) -> Result<BuildView> {
        let (b, _) = self.readable_build(actor, param)?;
        self.build_views(&self.db(actor), vec![b])?.pop().ok_or_else(|| Error::internal("Internal error.", "build vanished"))
    }

    /// `GET /workspacebuilds/{workspacebuild}/logs`.
    /// The job of a build the actor may read (`GET .../logs` lists or follows its lines).
    pub fn build_job(&self, actor: &Actor, param: &str) -> Result<Uuid> {
        Ok(self.readable_build(actor, param)?.0.job_id)
    }

    /// `GET /workspacebuilds/{workspacebuild}/resources`.
    pub fn build_resources(&self, actor: &Actor, param: &str) -> Result<BuildView> {
        self.get_build(actor, param)
    }
}

/// When each agent of a build connected for the first time (Coder's agent connection timings).
#[derive(Debug, Clone, PartialEq)]
pub struct AgentConnectionTiming {
    /// The agent.
    pub agent_id: Uuid,
    /// Its name.
    pub agent_name: String,
    /// When the build made it.
    pub started_at: OffsetDateTime,
    /// When it first connected.
    pub ended_at: OffsetDateTime,
}

impl App {
    /// `GET /workspacebuilds/{workspacebuild}/parameters`: the values the build was made with.
    pub fn build_parameter_values(&self, actor: &Actor, param: &str) -> Result<Vec<(String, String)>> {
        let (b, _) = self.readable_build(actor, param)?;
        self.db(actor).build_parameters(&b)
    }

    /// `GET /users/{user}/workspace/{workspacename}/builds/{buildnumber}`.
    pub fn build_by_number(&self, actor: &Actor, user: &str, name: &str, number: &str) -> Result<BuildView> {
        let n: i32 = number.parse().map_err(|e: std::num::ParseIntError| {
            Error::bad_request("Failed to parse build number as integer.").with_detail(e.to_string())
        })?;
        let owner = self.find_user(actor, user)?;
        let db = self.db(actor);
        let w = match db.workspace_by_owner_and_name(owner.id, name)? {
            Some(w) => w,
            None => db.deleted_workspace_by_owner_and_name(owner.id, name)?.ok_or_else(Error::not_found)?,
        };
        let b = db
            .build_by_number(&w, n)?
            .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("Workspace {:?} Build {n} does not exist.", w.name)))?;
        self.build_views(&db, vec![b])?.pop().ok_or_else(|| Error::internal("Internal error.", "build vanished"))
    }

    /// `GET /workspacebuilds/{workspacebuild}/timings`: the agents' first connections. The
    /// provisioners' stage timings are not recorded by this server (the echo provisioner reports
    /// none).
    pub fn build_timings(&self, actor: &Actor, param: &str) -> Result<Vec<AgentConnectionTiming>> {
        let view = self.get_build(actor, param)?;
        Ok(view
            .agents
            .iter()
            .filter_map(|a| {
                Some(AgentConnectionTiming {
                    agent_id: a.id,
                    agent_name: a.name.clone(),
                    started_at: a.created_at,
                    ended_at: a.first_connected_at?,
                })
            })
            .collect())
    }

    /// `GET /workspaces/{workspace}/resolve-autostart`: whether an automatic start, which moves
    /// to the template's active version when the template requires it or the workspace updates
    /// automatically, would lack a value for one of that version's required parameters (the
    /// latest build's values are carried over; parameters with a default need none).
    pub fn resolve_autostart(&self, actor: &Actor, param: &str) -> Result<bool> {
        let workspace = self.readable_workspace(actor, param)?;
        let db = self.db(actor);
        let Some(latest) = db.latest_build(&workspace)? else { return Ok(false) };
        let template =
            db.template_by_id(workspace.template_id)?.ok_or_else(|| Error::internal("Internal error.", "workspace without template"))?;
        let moves = template.settings.require_active_version || workspace.automatic_updates == "always";
        if !moves || template.active_version_id == latest.template_version_id {
            return Ok(false);
        }
        let have: Vec<String> = db.build_parameters(&latest)?.into_iter().map(|(name, _)| name).collect();
        let wanted = db.template_version_parameters(template.active_version_id)?;
        Ok(wanted.iter().any(|p| p.required && p.default_value.is_empty() && !have.contains(&p.name)))
    }
}
