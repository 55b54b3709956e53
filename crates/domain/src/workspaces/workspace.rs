//! Workspace use cases: create (with its first build), read, list.

use uuid::Uuid;

use super::{builds::NewBuild, Build, Transition, Workspace, WorkspaceFilter};
use crate::app::{Actor, App};
use crate::authz::{Db, System};
use crate::clock;
use crate::error::{Error, ErrorKind, Result, Validations};
use crate::organization::Organization;
use crate::rbac::{self, action, resource, Object};
use crate::store::Page;
use crate::templates::Template;
use crate::user::User;

/// A workspace with what its JSON form shows.
#[derive(Debug, Clone)]
pub struct WorkspaceView {
    /// The workspace.
    pub workspace: Workspace,
    /// Its owner.
    pub owner: User,
    /// Its organization.
    pub organization: Organization,
    /// Its template.
    pub template: Template,
    /// Its latest build.
    pub latest_build: super::builds::BuildView,
}

/// What `POST /users/{user}/workspaces` takes.
#[derive(Debug, Clone, Default)]
pub struct NewWorkspace {
    /// The template (or give a version of it).
    pub template_id: Option<Uuid>,
    /// The version (default: the template's active one).
    pub template_version_id: Option<Uuid>,
    /// Name.
    pub name: String,
    /// Parameter values.
    pub rich_parameter_values: Vec<(String, String)>,
    /// Autostart cron schedule.
    pub autostart_schedule: Option<String>,
    /// Time to live.
    pub ttl_ms: Option<i64>,
    /// `never` or `always`.
    pub automatic_updates: String,
}

/// The RBAC object of a workspace.
pub fn workspace_object(w: &Workspace) -> Object {
    crate::authz::workspace_object(w)
}

impl App {
    /// A workspace the actor may read, by its `{workspace}` parameter (a UUID).
    pub fn readable_workspace(&self, actor: &Actor, param: &str) -> Result<Workspace> {
        let id = crate::groups::parse_uuid_param(param)?;
        self.db(actor).workspace_by_id(id)?.filter(|w| !w.deleted).ok_or_else(Error::not_found)
    }

    /// Adds owner, organization, template and latest build, one query per relation.
    pub fn workspace_views(&self, db: &Db<'_>, workspaces: Vec<Workspace>) -> Result<Vec<WorkspaceView>> {
        let (latest, users, templates, orgs) = db.workspace_context(&workspaces)?;
        let builds = self.build_views(db, latest)?;
        // A row whose owner, organization, template or build is gone (a user deleted before
        // deletion refused owners of workspaces, a race with a teardown) is left out of the
        // page rather than failing it for everyone who can see the others.
        Ok(workspaces
            .into_iter()
            .filter_map(|w| {
                Some(WorkspaceView {
                    owner: users.iter().find(|u| u.id == w.owner_id).cloned()?,
                    organization: orgs.iter().find(|o| o.id == w.organization_id).cloned()?,
                    template: templates.iter().find(|t| t.id == w.template_id).cloned()?,
                    latest_build: builds.iter().find(|b| b.build.workspace_id == w.id).cloned()?,
                    workspace: w,
                })
            })
            .collect())
    }

    fn workspace_view(&self, db: &Db<'_>, w: Workspace) -> Result<WorkspaceView> {
        self.workspace_views(db, vec![w])?.pop().ok_or_else(Error::not_found)
    }

    /// `POST /users/{user}/workspaces` and `POST /organizations/{organization}/members/{user}/workspaces`:
    /// the workspace and its first (start) build, queued for the provisioners.
    pub fn create_workspace(&self, actor: &Actor, org_param: Option<&str>, user_param: &str, input: NewWorkspace) -> Result<WorkspaceView> {
        let org = org_param.map(|p| self.resolve_org(actor, p)).transpose()?;
        let owner = self.resolve_user(actor, user_param)?;
        let mut v = Validations::new();
        if let Err(e) = crate::validation::name_valid(&input.name) {
            v.add("name", format!("Validation failed for tag \"workspace_name\" with value: \"{}\": {e}", input.name));
        }
        if input.template_id.is_none() && input.template_version_id.is_none() {
            v.add("template_id", "Either template_id or template_version_id must be set.");
        }
        v.finish("Validation failed.")?;
        let db = self.db(actor);
        let (template, version) = match (input.template_id, input.template_version_id) {
            (Some(tid), _) => {
                let t = db.template_by_id(tid).or_else(crate::authz::hidden)?.filter(|t| !t.deleted);
                let t = match t {
                    Some(t) => t,
                    _ => {
                        return Err(Error::bad_request(format!("Template \"{tid}\" doesn't exist."))
                            .with_validation("template_id", "template not found"))
                    }
                };
                // Both given: the template from `template_id`, the build at the given version,
                // which must be one of that template's (Coder's builder checks the same).
                let v = match input.template_version_id {
                    Some(vid) => {
                        db.template_version_by_id(vid).or_else(crate::authz::hidden)?.filter(|v| v.template_id == Some(t.id)).ok_or_else(
                            || {
                                Error::bad_request("template version doesn't match template")
                                    .with_validation("template_version_id", "template version does not belong to the template")
                            },
                        )?
                    }
                    None => db
                        .template_version_by_id(t.active_version_id)?
                        .ok_or_else(|| Error::internal("Internal error.", "active version missing"))?,
                };
                (t, v)
            }
            (None, Some(vid)) => {
                let v = db.template_version_by_id(vid).or_else(crate::authz::hidden)?.ok_or_else(|| {
                    Error::bad_request(format!("Template version \"{vid}\" doesn't exist."))
                        .with_validation("template_version_id", "template not found")
                })?;
                let t = v.template_id.and_then(|t| db.template_by_id(t).ok().flatten()).filter(|t| !t.deleted);
                let t = match t {
                    Some(t) => t,
                    _ => {
                        return Err(Error::bad_request("Template version does not belong to a template.")
                            .with_validation("template_version_id", "no template"))
                    }
                };
                (t, v)
            }
            (None, None) => unreachable!("checked above"),
        };
        if let Some(org) = &org {
            if org.id != template.organization_id {
                return Err(Error::bad_request("The template does not belong to this organization.")
                    .with_validation("template_id", "template belongs to another organization"));
            }
        }
        // Whether the owner belongs to the template's organization, as the workspace's rules
        // see it (the caller need not read the membership).
        let owner_is_member = self.db_as(System::Login).member(template.organization_id, owner.id)?.is_some();
        if !owner_is_member && !actor.subject.has_site_role(rbac::role::OWNER) {
            return Err(Error::not_found().denied());
        }
        let object = Object::of(resource::WORKSPACE).in_org(template.organization_id).owned_by(owner.id);
        if !db.allows(action::CREATE, &object) {
            return Err(Error::new(ErrorKind::Forbidden, "Unauthorized to create workspace.").with_detail(
                "You are unable to create a workspace in this organization. It is possible to have access to the template, but not be able to create a workspace. Please contact an administrator about your permissions if you feel this is an error.",
            ));
        }
        if !self.template_allows(actor, &template, action::USE)? {
            return Err(Error::new(ErrorKind::Forbidden, format!("Unauthorized access to use the template {:?}.", template.name)).with_detail(
                "Although you are able to view the template, you are unable to create a workspace using it. Please contact an administrator about your permissions if you feel this is an error.",
            ));
        }
        if !template.settings.deprecation_message.is_empty() {
            return Err(Error::bad_request(format!(
                "Template {:?} has been deprecated, and cannot be used to create a new workspace.",
                template.name
            ))
            .with_detail(template.settings.deprecation_message.clone()));
        }
        if let Some(ttl) = input.ttl_ms.filter(|t| *t != 0) {
            if ttl < 60_000 {
                return Err(Error::invalid_field(
                    "Invalid Workspace Time to Shutdown.",
                    "ttl_ms",
                    "time until shutdown must be at least one minute",
                ));
            }
            if ttl > 30 * 24 * 3_600_000 {
                return Err(Error::invalid_field(
                    "Invalid Workspace Time to Shutdown.",
                    "ttl_ms",
                    "time until shutdown must be less than 30 days",
                ));
            }
        }
        if !matches!(input.automatic_updates.as_str(), "" | "always" | "never") {
            return Err(Error::invalid_field(
                "Invalid Workspace Automatic Updates setting.",
                "automatic_updates",
                "Automatic updates must be always or never",
            ));
        }
        let taken = || {
            Error::conflict(format!("Workspace {:?} already exists.", input.name))
                .with_validation("name", "This value is already in use and should be unique.")
        };
        if db.workspace_name_taken(owner.id, template.organization_id, &input.name)? {
            return Err(taken());
        }
        let now = clock::now();
        let workspace = Workspace {
            id: Uuid::new_v4(),
            created_at: now,
            updated_at: now,
            owner_id: owner.id,
            organization_id: template.organization_id,
            template_id: template.id,
            deleted: false,
            name: input.name.clone(),
            autostart_schedule: input.autostart_schedule.clone(),
            ttl_ms: input
                .ttl_ms
                .filter(|t| *t != 0)
                .map(|t| t - t % 60_000)
                .or((template.settings.default_ttl_ms > 0).then_some(template.settings.default_ttl_ms)),
            last_used_at: now,
            automatic_updates: if input.automatic_updates.is_empty() { "never".into() } else { input.automatic_updates.clone() },
        };
        let build = NewBuild {
            transition: Transition::Start,
            template_version_id: Some(version.id),
            rich_parameter_values: input.rich_parameter_values,
        };
        let _: Build = self.queue_build(actor, &workspace, &template, version, None, build, true, &|tx| {
            tx.insert_workspace(&workspace).map_err(|e| if e.kind == ErrorKind::Conflict { taken() } else { e })
        })?;
        self.workspace_view(&db, workspace)
    }

    /// `GET /workspaces/{workspace}`.
    /// A deleted workspace is 410 unless `include_deleted`, as in Coder.
    pub fn get_workspace(&self, actor: &Actor, param: &str, include_deleted: bool) -> Result<WorkspaceView> {
        let id = crate::groups::parse_uuid_param(param)?;
        let db = self.db(actor);
        let w = db.workspace_by_id(id)?.ok_or_else(Error::not_found)?;
        if w.deleted && !include_deleted {
            return Err(Error::new(
                ErrorKind::Gone,
                format!(
                    "Workspace {:?} was deleted, you can view this workspace by specifying '?include_deleted=true' and trying again.",
                    w.id.to_string()
                ),
            ));
        }
        self.workspace_view(&db, w)
    }

    /// `GET /users/{user}/workspace/{workspacename}`. With `include_deleted`, a name no live
    /// workspace has finds the latest deleted one of that name.
    pub fn workspace_by_owner_and_name(&self, actor: &Actor, user_param: &str, name: &str, include_deleted: bool) -> Result<WorkspaceView> {
        let owner = self.find_user(actor, user_param)?;
        let db = self.db(actor);
        let mut w = db.workspace_by_owner_and_name(owner.id, name)?;
        if w.is_none() && include_deleted {
            w = db.deleted_workspace_by_owner_and_name(owner.id, name)?;
        }
        let w = w.ok_or_else(Error::not_found)?;
        self.workspace_view(&db, w)
    }

    /// `GET /workspaces`: live workspaces the actor may read, with Coder's `q` basics (`owner:`,
    /// `template:`, `name:`, `status:`, `dormant:`, bare words for the name), `limit` and `offset`.
    pub fn list_workspaces(&self, actor: &Actor, q: &str, limit: usize, offset: usize) -> Result<(Vec<WorkspaceView>, i64)> {
        let mut filter = WorkspaceFilter::default();
        let mut status: Option<String> = None;
        let mut dormant_only = false;
        let mut v = Validations::new();
        for term in q.split_whitespace() {
            let (key, value) = term.split_once(':').unwrap_or(("name", term));
            match key {
                "owner" => match self.find_user(actor, value) {
                    Ok(u) => filter.owner_id = Some(u.id),
                    Err(_) => filter.owner_id = Some(Uuid::nil()),
                },
                "template" => {
                    let ids: Vec<Uuid> = self
                        .db(actor)
                        .list_templates(None)?
                        .into_iter()
                        .filter(|t| t.name.eq_ignore_ascii_case(value))
                        .map(|t| t.id)
                        .collect();
                    filter.template_ids = if ids.is_empty() { vec![Uuid::nil()] } else { ids };
                }
                "name" => filter.name = Some(value.to_lowercase()),
                "status" => status = Some(value.to_lowercase()),
                "dormant" => match value.to_ascii_lowercase().as_str() {
                    "true" => dormant_only = true,
                    "false" => {}
                    _ => v.add("q", format!("Query param \"dormant\" must be a valid boolean, got {value:?}")),
                },
                "organization" => match self.resolve_org(actor, value) {
                    Ok(o) => filter.organization_id = Some(o.id),
                    Err(_) => filter.organization_id = Some(Uuid::nil()),
                },
                other => v.add("q", format!("Query param {other:?} is not a valid query param")),
            }
        }
        v.finish("Invalid workspace search query.")?;
        if dormant_only {
            // This server never makes a workspace dormant (it has no inactivity rules yet).
            return Ok((Vec::new(), 0));
        }
        let db = self.db(actor);
        let Some(status) = status else {
            let page = Page { after_id: None, limit: limit as i64, offset: offset as i64 };
            let found = db.list_workspaces(&filter, &page)?;
            return Ok((self.workspace_views(&db, found.items)?, found.count));
        };
        // The status lives on each workspace's latest build: filter those, then page.
        let all = db.list_workspaces(&filter, &Page::default())?.items;
        let mut views = self.workspace_views(&db, all)?;
        views.retain(|w| w.latest_build.status() == status);
        let count = views.len() as i64;
        let page: Vec<WorkspaceView> = views.into_iter().skip(offset).take(if limit == 0 { usize::MAX } else { limit }).collect();
        Ok((page, count))
    }
}
