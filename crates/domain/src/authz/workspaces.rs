//! Workspaces, their builds, parameters and agents, as a subject may use them. Everything of
//! a workspace is authorized on the workspace (owner, organization, id).

use time::OffsetDateTime;
use uuid::Uuid;

use super::Db;
use crate::error::{Error, Result};
use crate::provisioners::Job;
use crate::rbac::{action, resource, Action, Object};
use crate::store::{Page, Paged};
use crate::templates::{JobResource, TemplateVersion};
use crate::user::User;
use crate::workspaces::{Agent, Build, Transition, Workspace, WorkspaceFilter};

/// A workspace as an authorization object.
pub fn workspace_object(w: &Workspace) -> Object {
    Object::of(resource::WORKSPACE).in_org(w.organization_id).owned_by(w.owner_id).with_id(w.id)
}

/// The action a build's transition needs (Coder's builder authorizes each by its own).
pub fn transition_action(t: Transition) -> Action {
    match t {
        Transition::Start => action::START,
        Transition::Stop => action::STOP,
        Transition::Delete => action::DELETE,
    }
}

/// What a page of builds shows beside each build, loaded one query per relation.
#[derive(Debug, Default)]
pub struct BuildRows {
    /// The builds as stored now (re-read after their jobs).
    pub builds: Vec<Build>,
    /// Their jobs.
    pub jobs: Vec<Job>,
    /// Their initiators.
    pub initiators: Vec<User>,
    /// Their agents.
    pub agents: Vec<Agent>,
    /// Their resources.
    pub resources: Vec<JobResource>,
    /// Their template versions (for the names).
    pub versions: Vec<TemplateVersion>,
    /// Their workspaces.
    pub workspaces: Vec<Workspace>,
    /// The workspaces' owners.
    pub owners: Vec<User>,
}

impl Db<'_> {
    fn stored_workspace(&self, id: Uuid) -> Result<Workspace> {
        self.store.workspace_by_id(id)?.ok_or_else(Error::not_found)
    }

    /// The workspace of a stored build, checked for `act` (404 for reads, 403 for the rest).
    fn build_workspace(&self, build: &Build, act: Action) -> Result<Workspace> {
        let w = self.stored_workspace(build.workspace_id)?;
        if act == action::READ {
            self.require_visible(act, &workspace_object(&w))?;
        } else {
            self.require(act, &workspace_object(&w))?;
        }
        Ok(w)
    }

    /// Stores a new workspace: `create` on workspaces of its owner in its organization.
    pub fn insert_workspace(&self, w: &Workspace) -> Result<()> {
        self.write(action::CREATE, &Object::of(resource::WORKSPACE).in_org(w.organization_id).owned_by(w.owner_id), |s| {
            s.insert_workspace(w)
        })
    }

    /// Overwrites a workspace: `update` on the stored one (whose owner and organization cannot
    /// change).
    pub fn update_workspace(&self, w: &Workspace) -> Result<()> {
        let stored = self.stored_workspace(w.id)?;
        self.require(action::UPDATE, &workspace_object(&stored))?;
        if stored.owner_id != w.owner_id || stored.organization_id != w.organization_id {
            return Err(Error::internal("Internal error.", "a workspace's owner and organization cannot change"));
        }
        self.store.update_workspace(w)
    }

    /// A workspace by id (deleted ones too), if the subject may read it.
    pub fn workspace_by_id(&self, id: Uuid) -> Result<Option<Workspace>> {
        self.fetch(self.store.workspace_by_id(id)?, workspace_object)
    }

    /// A live workspace by owner and name, if the subject may read it.
    pub fn workspace_by_owner_and_name(&self, owner: Uuid, name: &str) -> Result<Option<Workspace>> {
        self.fetch(self.store.workspace_by_owner_and_name(owner, name)?, workspace_object)
    }

    /// The latest deleted workspace of that owner and name, if the subject may read it.
    pub fn deleted_workspace_by_owner_and_name(&self, owner: Uuid, name: &str) -> Result<Option<Workspace>> {
        self.fetch(self.store.deleted_workspace_by_owner_and_name(owner, name)?, workspace_object)
    }

    /// Whether the owner already has a live workspace of that name, for a subject who may
    /// create workspaces for them (the answer is a 409 whoever may read it).
    pub fn workspace_name_taken(&self, owner: Uuid, org: Uuid, name: &str) -> Result<bool> {
        self.require(action::CREATE, &Object::of(resource::WORKSPACE).in_org(org).owned_by(owner))?;
        Ok(self.store.workspace_by_owner_and_name(owner, name)?.is_some())
    }

    /// A page of the workspaces the subject may read, narrowed in the query.
    pub fn list_workspaces(&self, filter: &WorkspaceFilter, page: &Page) -> Result<Paged<Workspace>> {
        let mut f = filter.clone();
        f.visible = Some(self.visibility(action::READ, resource::WORKSPACE));
        self.store.list_workspaces(&f, page)
    }

    /// The latest builds, owners, templates and organizations of workspaces the subject may
    /// read (part of a workspace as Coder shows it): one query per relation.
    #[allow(clippy::type_complexity)]
    pub fn workspace_context(
        &self,
        workspaces: &[Workspace],
    ) -> Result<(Vec<Build>, Vec<User>, Vec<crate::templates::Template>, Vec<crate::organization::Organization>)> {
        for w in workspaces {
            self.require_visible(action::READ, &workspace_object(w))?;
        }
        if workspaces.is_empty() {
            return Ok(Default::default());
        }
        let ids: Vec<Uuid> = workspaces.iter().map(|w| w.id).collect();
        let builds = self.store.latest_builds(&ids)?;
        let mut owners: Vec<Uuid> = workspaces.iter().map(|w| w.owner_id).collect();
        owners.sort();
        owners.dedup();
        let users = self.store.users_by_ids(&owners)?;
        let mut template_ids: Vec<Uuid> = workspaces.iter().map(|w| w.template_id).collect();
        template_ids.sort();
        template_ids.dedup();
        let templates = self.store.templates_by_ids(&template_ids)?;
        Ok((builds, users, templates, self.store.list_organizations(None)?))
    }

    /// Whether a template has live workspaces, before deleting it: `delete` on the template.
    pub fn count_template_workspaces(&self, template: &crate::templates::Template) -> Result<i64> {
        self.require_template(template, action::DELETE)?;
        self.store.count_template_workspaces(template.id)
    }

    /// Queues a build: its job, the build and its parameter values, and wakes the daemons. The
    /// transition's own action on the workspace (`start`, `stop`, `delete`); the workspace may
    /// have been inserted earlier in the same transaction.
    pub fn insert_build(&self, job: &Job, build: &Build, values: &[(String, String)]) -> Result<()> {
        self.build_workspace(build, transition_action(build.transition))?;
        if job.id != build.job_id {
            return Err(Error::internal("Internal error.", "a build's job belongs to it"));
        }
        self.store.insert_job(job)?;
        self.store.insert_build(build)?;
        self.store.insert_build_parameters(build.id, values)?;
        self.store.announce_jobs_queued()
    }

    /// Overwrites a build (a daemon recording its outcome): `update` on its workspace.
    pub fn update_build(&self, b: &Build) -> Result<()> {
        let stored = self.store.build_by_id(b.id)?.ok_or_else(Error::not_found)?;
        self.build_workspace(&stored, action::UPDATE)?;
        self.store.update_build(b)
    }

    /// A build by id, if the subject may read its workspace.
    pub fn build_by_id(&self, id: Uuid) -> Result<Option<Build>> {
        match self.store.build_by_id(id)? {
            Some(b) => self.build_workspace(&b, action::READ).map(|_| Some(b)),
            None => Ok(None),
        }
    }

    /// The build a job runs, if the subject may read its workspace.
    pub fn build_by_job(&self, job: Uuid) -> Result<Option<Build>> {
        match self.store.build_by_job(job)? {
            Some(b) => self.build_workspace(&b, action::READ).map(|_| Some(b)),
            None => Ok(None),
        }
    }

    /// A workspace's build by number: `read` on the workspace.
    pub fn build_by_number(&self, workspace: &Workspace, number: i32) -> Result<Option<Build>> {
        self.require_visible(action::READ, &workspace_object(workspace))?;
        self.store.build_by_number(workspace.id, number)
    }

    /// A workspace's latest build: `read` on the workspace.
    pub fn latest_build(&self, workspace: &Workspace) -> Result<Option<Build>> {
        self.require_visible(action::READ, &workspace_object(workspace))?;
        Ok(self.store.latest_builds(&[workspace.id])?.pop())
    }

    /// A page of a workspace's builds, newest first: `read` on the workspace.
    pub fn builds_of(&self, workspace: &Workspace, page: &Page) -> Result<Vec<Build>> {
        self.require_visible(action::READ, &workspace_object(workspace))?;
        self.store.builds_of(workspace.id, page)
    }

    /// The parameter values of a build: `read` on its workspace.
    pub fn build_parameters(&self, build: &Build) -> Result<Vec<(String, String)>> {
        let stored = self.store.build_by_id(build.id)?.ok_or_else(Error::not_found)?;
        self.build_workspace(&stored, action::READ)?;
        self.store.build_parameters(build.id)
    }

    /// What builds show beside themselves (jobs, initiators, agents, resources, versions,
    /// workspaces, owners), for builds whose workspaces the subject may read: one query per
    /// relation. Builds whose jobs finished are read again after the jobs, so a build shows
    /// what its completion wrote along with its status.
    pub fn build_context(&self, builds: Vec<Build>) -> Result<BuildRows> {
        if builds.is_empty() {
            return Ok(BuildRows::default());
        }
        let mut workspace_ids: Vec<Uuid> = builds.iter().map(|b| b.workspace_id).collect();
        workspace_ids.sort();
        workspace_ids.dedup();
        let workspaces = self.store.workspaces_by_ids(&workspace_ids)?;
        for b in &builds {
            let w = workspaces.iter().find(|w| w.id == b.workspace_id).ok_or_else(Error::not_found)?;
            self.require_visible(action::READ, &workspace_object(w))?;
        }
        let job_ids: Vec<Uuid> = builds.iter().map(|b| b.job_id).collect();
        let jobs = self.store.jobs_by_ids(&job_ids)?;
        let finished: Vec<Uuid> =
            builds.iter().filter(|b| jobs.iter().any(|j| j.id == b.job_id && j.completed_at.is_some())).map(|b| b.id).collect();
        let builds = if finished.is_empty() {
            builds
        } else {
            let fresh = self.store.builds_by_ids(&finished)?;
            builds.into_iter().map(|b| fresh.iter().find(|f| f.id == b.id).cloned().unwrap_or(b)).collect()
        };
        let mut users: Vec<Uuid> = builds.iter().map(|b| b.initiator_id).chain(workspaces.iter().map(|w| w.owner_id)).collect();
        users.sort();
        users.dedup();
        let people = self.store.users_by_ids(&users)?;
        let version_ids: Vec<Uuid> = builds.iter().map(|b| b.template_version_id).collect();
        Ok(BuildRows {
            initiators: people.iter().filter(|u| builds.iter().any(|b| b.initiator_id == u.id)).cloned().collect(),
            owners: people.iter().filter(|u| workspaces.iter().any(|w| w.owner_id == u.id)).cloned().collect(),
            agents: self.store.agents_of_jobs(&job_ids)?,
            resources: self.store.job_resources_of_jobs(&job_ids)?,
            versions: self.store.template_versions_by_ids(&version_ids)?,
            builds,
            jobs,
            workspaces,
        })
    }

    /// Stores the agents a build produced: `create_agent` on workspaces (the daemon finishing
    /// it).
    pub fn insert_agents(&self, agents: &[Agent]) -> Result<()> {
        self.write(action::CREATE_AGENT, &Object::of(resource::WORKSPACE), |s| s.insert_agents(agents))
    }

    /// The build and workspace an agent belongs to.
    fn agent_parent(&self, agent: &Agent) -> Result<(Build, Workspace)> {
        let build = self.store.build_by_job(agent.job_id)?.ok_or_else(Error::not_found)?;
        let w = self.stored_workspace(build.workspace_id)?;
        Ok((build, w))
    }

    /// An agent by id, with its build and workspace, if the subject may read the workspace.
    pub fn agent_by_id(&self, id: Uuid) -> Result<Option<(Agent, Build, Workspace)>> {
        let Some(agent) = self.store.agent_by_id(id)? else { return Ok(None) };
        let (build, w) = self.agent_parent(&agent)?;
        self.require_visible(action::READ, &workspace_object(&w))?;
        Ok(Some((agent, build, w)))
    }

    /// The agent a token belongs to, with its build and workspace, if the subject may read the
    /// workspace (agents authenticate with it).
    pub fn agent_by_token(&self, token: Uuid) -> Result<Option<(Agent, Build, Workspace)>> {
        let Some(agent) = self.store.agent_by_token(token)? else { return Ok(None) };
        let (build, w) = self.agent_parent(&agent)?;
        self.require_visible(action::READ, &workspace_object(&w))?;
        Ok(Some((agent, build, w)))
    }

    /// Overwrites an agent (lifecycle, stats): `update_agent` on its workspace.
    pub fn update_agent(&self, agent: &Agent) -> Result<()> {
        let stored = self.store.agent_by_id(agent.id)?.ok_or_else(Error::not_found)?;
        let (_, w) = self.agent_parent(&stored)?;
        self.require(action::UPDATE_AGENT, &workspace_object(&w))?;
        self.store.update_agent(agent)
    }

    /// Marks an agent connected or disconnected: `update_agent` on its workspace.
    pub fn set_agent_connection(&self, id: Uuid, connected: bool, at: OffsetDateTime) -> Result<()> {
        let stored = self.store.agent_by_id(id)?.ok_or_else(Error::not_found)?;
        let (_, w) = self.agent_parent(&stored)?;
        self.require(action::UPDATE_AGENT, &workspace_object(&w))?;
        if connected {
            self.store.set_agent_connected(id, at)
        } else {
            self.store.set_agent_disconnected(id, at)
        }
    }

    /// Takes the owner's row lock, so that one owner's builds commit quota one at a time:
    /// `read` on the owner's workspaces in `org` (what the commit then reads).
    pub fn lock_for_quota(&self, owner: Uuid, org: Uuid) -> Result<()> {
        self.require(action::READ, &Object::of(resource::WORKSPACE).in_org(org).owned_by(owner))?;
        self.store.lock_user(owner)
    }

    /// The quota credits a user's workspaces in `org` use: `read` on the user's workspaces
    /// there.
    pub fn quota_consumed(&self, owner: Uuid, org: Uuid) -> Result<i64> {
        self.require_visible(action::READ, &Object::of(resource::WORKSPACE).in_org(org).owned_by(owner))?;
        self.store.quota_consumed(owner, org)
    }

    /// The values a user last gave a template's parameters: `read_personal` on the user.
    pub fn autofill_values(&self, owner: Uuid, template: Uuid) -> Result<Vec<(String, String)>> {
        self.require(action::READ_PERSONAL, &Object::user(owner))?;
        self.store.autofill_values(owner, template)
    }
}
