//! Template use cases: create, read (by role or ACL), list, edit, delete and promote a version.

use uuid::Uuid;

use super::{AclMap, Template, TemplateSettings, TemplateVersion, WEEKDAYS};
use crate::app::{Actor, App};
use crate::authz::Db;
use crate::clock;
use crate::error::{Error, ErrorKind, Result, Validations};
use crate::organization::Organization;
use crate::provisioners::JobStatus;
use crate::rbac::{action, resource, Object};

/// ACL actions of the `use` role.
pub const USE_ACTIONS: [&str; 2] = ["read", "use"];

/// A template with what its JSON form shows of its organization and creator.
#[derive(Debug, Clone)]
pub struct TemplateView {
    /// The template.
    pub template: Template,
    /// Its organization.
    pub organization: Organization,
    /// The creator's username (empty when the account is gone).
    pub created_by_name: String,
}

/// What `POST /organizations/{organization}/templates` takes.
#[derive(Debug, Clone, Default)]
pub struct NewTemplate {
    /// Name.
    pub name: String,
    /// Shown name.
    pub display_name: String,
    /// Description.
    pub description: String,
    /// Icon URL.
    pub icon: String,
    /// The first version.
    pub template_version_id: Uuid,
    /// Do not give the Everyone group `use`.
    pub disable_everyone_group_access: bool,
    /// Settings given (the rest default).
    pub patch: SettingsPatch,
}

/// Settings a create or a patch may set; `None` keeps what is there.
#[derive(Debug, Clone, Default)]
pub struct SettingsPatch {
    /// `default_ttl_ms`.
    pub default_ttl_ms: Option<i64>,
    /// `activity_bump_ms`.
    pub activity_bump_ms: Option<i64>,
    /// `time_til_autostop_notify_ms`.
    pub time_til_autostop_notify_ms: Option<i64>,
    /// `autostop_requirement`: days and weeks.
    pub autostop_requirement: Option<(Vec<String>, i64)>,
    /// `autostart_requirement`: days.
    pub autostart_requirement: Option<Vec<String>>,
    /// `allow_user_autostart`.
    pub allow_user_autostart: Option<bool>,
    /// `allow_user_autostop`.
    pub allow_user_autostop: Option<bool>,
    /// `allow_user_cancel_workspace_jobs`.
    pub allow_user_cancel_workspace_jobs: Option<bool>,
    /// `failure_ttl_ms`.
    pub failure_ttl_ms: Option<i64>,
    /// `time_til_dormant_ms`.
    pub time_til_dormant_ms: Option<i64>,
    /// `time_til_dormant_autodelete_ms`.
    pub time_til_dormant_autodelete_ms: Option<i64>,
    /// `require_active_version`.
    pub require_active_version: Option<bool>,
    /// `deprecation_message`.
    pub deprecation_message: Option<String>,
    /// `max_port_share_level`.
    pub max_port_share_level: Option<String>,
    /// `cors_behavior`.
    pub cors_behavior: Option<String>,
    /// `use_classic_parameter_flow`.
    pub use_classic_parameter_flow: Option<bool>,
    /// `disable_module_cache`.
    pub disable_module_cache: Option<bool>,
}

/// What `PATCH /templates/{template}` takes.
#[derive(Debug, Clone, Default)]
pub struct TemplatePatch {
    /// New name (`None` or empty keeps it).
    pub name: Option<String>,
    /// New shown name.
    pub display_name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New icon.
    pub icon: Option<String>,
    /// Take `use` away from the Everyone group.
    pub disable_everyone_group_access: bool,
    /// Settings.
    pub settings: SettingsPatch,
}

fn check_weekdays(v: &mut Validations, field: &str, days: &[String]) {
    for d in days {
        if !WEEKDAYS.contains(&d.to_lowercase().as_str()) {
            v.add(field, format!("invalid weekday {d:?}"));
        }
    }
}

fn positive(v: &mut Validations, field: &str, x: Option<i64>) {
    if x.is_some_and(|x| x < 0) {
        v.add(field, "Must be a positive integer.");
    }
}

fn at_least_a_minute(v: &mut Validations, field: &str, x: Option<i64>) {
    if x.is_some_and(|x| x < 0 || (x > 0 && x < 60_000)) {
        v.add(field, "Value must be at least one minute.");
    }
}

/// Checks a settings patch as Coder's create and patch handlers do.
fn check_settings(v: &mut Validations, p: &SettingsPatch) {
    positive(v, "default_ttl_ms", p.default_ttl_ms);
    positive(v, "activity_bump_ms", p.activity_bump_ms);
    match p.time_til_autostop_notify_ms {
        Some(x) if x < 0 => v.add("time_til_autostop_notify_ms", "Must be a positive integer."),
        Some(x) if x > 0 && x < 60_000 => v.add("time_til_autostop_notify_ms", "Must be 0 (disabled) or at least one minute."),
        _ => {}
    }
    if let Some((days, weeks)) = &p.autostop_requirement {
        check_weekdays(v, "autostop_requirement.days_of_week", days);
        if *weeks < 0 {
            v.add("autostop_requirement.weeks", "Must be a positive integer.");
        } else if *weeks > 16 {
            v.add("autostop_requirement.weeks", "Must be less than 16.");
        }
    }
    if let Some(days) = &p.autostart_requirement {
        check_weekdays(v, "autostart_requirement.days_of_week", days);
    }
    at_least_a_minute(v, "failure_ttl_ms", p.failure_ttl_ms);
    at_least_a_minute(v, "time_til_dormant_ms", p.time_til_dormant_ms);
    at_least_a_minute(v, "time_til_dormant_autodelete_ms", p.time_til_dormant_autodelete_ms);
    if let Some(level) = &p.max_port_share_level {
        if !["owner", "authenticated", "organization", "public"].contains(&level.as_str()) {
            v.add("max_port_share_level", format!("Invalid port share level {level:?}"));
        }
    }
    if let Some(c) = &p.cors_behavior {
        if !c.is_empty() && c != "simple" && c != "passthru" {
            v.add("cors_behavior", format!("Invalid CORS behavior {c:?}. Must be one of [simple, passthru]"));
        }
    }
}

fn apply_settings(s: &mut TemplateSettings, p: SettingsPatch) {
    let lower = |d: Vec<String>| d.into_iter().map(|d| d.to_lowercase()).collect::<Vec<_>>();
    if let Some(x) = p.default_ttl_ms {
        s.default_ttl_ms = x;
    }
    if let Some(x) = p.activity_bump_ms {
        s.activity_bump_ms = x;
    }
    if let Some(x) = p.time_til_autostop_notify_ms {
        s.time_til_autostop_notify_ms = x;
    }
    if let Some((days, weeks)) = p.autostop_requirement {
        s.autostop_requirement_days_of_week = lower(days);
        s.autostop_requirement_weeks = weeks.max(1);
    }
    if let Some(days) = p.autostart_requirement {
        s.autostart_requirement_days_of_week = lower(days);
    }
    if let Some(x) = p.allow_user_autostart {
        s.allow_user_autostart = x;
    }
    if let Some(x) = p.allow_user_autostop {
        s.allow_user_autostop = x;
    }
    if let Some(x) = p.allow_user_cancel_workspace_jobs {
        s.allow_user_cancel_workspace_jobs = x;
    }
    if let Some(x) = p.failure_ttl_ms {
        s.failure_ttl_ms = x;
    }
    if let Some(x) = p.time_til_dormant_ms {
        s.time_til_dormant_ms = x;
    }
    if let Some(x) = p.time_til_dormant_autodelete_ms {
        s.time_til_dormant_autodelete_ms = x;
    }
    if let Some(x) = p.require_active_version {
        s.require_active_version = x;
    }
    if let Some(x) = p.deprecation_message {
        s.deprecation_message = x;
    }
    if let Some(x) = p.max_port_share_level {
        s.max_port_share_level = x;
    }
    if let Some(x) = p.cors_behavior.filter(|c| !c.is_empty()) {
        s.cors_behavior = x;
    }
    if let Some(x) = p.use_classic_parameter_flow {
        s.use_classic_parameter_flow = x;
    }
    if let Some(x) = p.disable_module_cache {
        s.disable_module_cache = x;
    }
}

/// Coder's `template_display_name` rule.
fn display_name_valid(name: &str) -> std::result::Result<(), String> {
    if name.is_empty() {
        return Ok(());
    }
    if name.len() > 64 || name.starts_with(char::is_whitespace) || name.ends_with(char::is_whitespace) {
        return Err(format!("Validation failed for tag \"template_display_name\" with value: \"{name}\""));
    }
    Ok(())
}

impl App {
    /// The RBAC object of a template.
    pub fn template_object(t: &Template) -> Object {
        crate::authz::template_object(t)
    }

    /// Whether the actor may perform `act` on the template: by role, or by the template's ACL
    /// (the user's own entry, a group they are in, or the Everyone group for organization
    /// members), always within what their API key allows.
    pub fn template_allows(&self, actor: &Actor, t: &Template, act: crate::rbac::Action) -> Result<bool> {
        self.db(actor).template_allows(t, act)
    }

    /// A live template the actor may read, by its `{template}` parameter (a UUID).
    pub fn readable_template(&self, actor: &Actor, param: &str) -> Result<Template> {
        let id = crate::groups::parse_uuid_param(param)?;
        self.db(actor).template_by_id(id)?.filter(|t| !t.deleted).ok_or_else(Error::not_found)
    }

    /// Fails with 403 unless the actor may perform `act` on the template.
    pub fn require_template(&self, actor: &Actor, t: &Template, act: crate::rbac::Action) -> Result<()> {
        self.db(actor).require_template(t, act)
    }

    /// Adds organization and creator to templates, with one query per relation.
    pub fn template_views(&self, db: &Db<'_>, templates: Vec<Template>) -> Result<Vec<TemplateView>> {
        let (users, orgs) = db.template_context(&templates)?;
        templates
            .into_iter()
            .map(|t| {
                let organization = orgs
                    .iter()
                    .find(|o| o.id == t.organization_id)
                    .cloned()
                    .ok_or_else(|| Error::internal("Internal error.", "template without organization"))?;
                let created_by_name = users.iter().find(|u| u.id == t.created_by).map(|u| u.username.clone()).unwrap_or_default();
                Ok(TemplateView { template: t, organization, created_by_name })
            })
            .collect()
    }

    fn template_view(&self, db: &Db<'_>, t: Template) -> Result<TemplateView> {
        self.template_views(db, vec![t])?.pop().ok_or_else(|| Error::internal("Internal error.", "template view vanished"))
    }

    /// `POST /organizations/{organization}/templates`.
    pub fn create_template(&self, actor: &Actor, org_param: &str, input: NewTemplate) -> Result<TemplateView> {
        let org = self.resolve_org(actor, org_param)?;
        let mut v = Validations::new();
        if let Err(e) = crate::validation::name_valid(&input.name) {
            v.add("name", format!("Validation failed for tag \"template_name\" with value: \"{}\": {e}", input.name));
        }
        if let Err(e) = display_name_valid(&input.display_name) {
            v.add("display_name", e);
        }
        if input.description.chars().count() >= 128 {
            v.add("description", "Validation failed for tag \"lt\" with value: description must be shorter than 128 characters");
        }
        if input.template_version_id.is_nil() {
            v.add("template_version_id", "Validation failed for tag \"required\" with value: \"00000000-0000-0000-0000-000000000000\"");
        }
        v.finish("Validation failed.")?;
        let db = self.db(actor);
        db.require(action::CREATE, &Object::of(resource::TEMPLATE).in_org(org.id))?;
        let taken = || {
            Error::conflict(format!("Template with name {:?} already exists.", input.name))
                .with_validation("name", "This value is already in use and should be unique.")
        };
        if db.template_name_taken(org.id, &input.name, None)? {
            return Err(taken());
        }
        let version = db
            .template_version_by_id(input.template_version_id)
            .or_else(|e| if e.is_refusal() { Ok(None) } else { Err(e) })?
            .ok_or_else(|| {
                Error::new(ErrorKind::NotFound, format!("Template version {:?} does not exist.", input.template_version_id.to_string()))
                    .with_validation("template_version_id", "Template version does not exist")
            })?;
        if version.organization_id != org.id {
            return Err(Error::invalid_field(
                format!("Template version {} does not belong to organization {}.", version.id, org.name),
                "template_version_id",
                "Template version belongs to another organization",
            ));
        }
        if version.archived {
            return Err(Error::invalid_field(
                format!("Template version {} is archived.", version.id),
                "template_version_id",
                "Template version is archived",
            ));
        }
        if version.template_id.is_some() {
            return Err(Error::invalid_field(
                format!("Template version {} is already part of a template", version.id),
                "template_version_id",
                "Template version is already part of a template",
            ));
        }
        let mut v = Validations::new();
        check_settings(&mut v, &input.patch);
        v.finish("Invalid create template request.")?;
        let job =
            db.job_by_id(version.job_id)?.ok_or_else(|| Error::internal("Internal error fetching provisioner job.", "missing job"))?;
        let mut settings = TemplateSettings { default_ttl_ms: 0, allow_user_cancel_workspace_jobs: false, ..Default::default() };
        apply_settings(&mut settings, input.patch);
        let now = clock::now();
        let mut group_acl = AclMap::new();
        if !input.disable_everyone_group_access {
            group_acl.insert(org.id, USE_ACTIONS.iter().map(|s| s.to_string()).collect());
        }
        let template = Template {
            id: Uuid::new_v4(),
            organization_id: org.id,
            name: input.name.clone(),
            display_name: input.display_name,
            description: input.description,
            icon: input.icon,
            provisioner: job.provisioner.clone(),
            active_version_id: version.id,
            created_by: actor.user.id,
            created_at: now,
            updated_at: now,
            deleted: false,
            user_acl: AclMap::new(),
            group_acl,
            settings,
        };
        db.transaction(|tx| {
            tx.insert_template(&template).map_err(|e| if e.kind == ErrorKind::Conflict { taken() } else { e })?;
            let mut version = tx.template_version_by_id(version.id)?.ok_or_else(Error::not_found)?;
            if version.template_id.is_some() {
                return Err(Error::invalid_field(
                    format!("Template version {} is already part of a template", version.id),
                    "template_version_id",
                    "Template version is already part of a template",
                ));
            }
            version.template_id = Some(template.id);
            version.updated_at = now;
            tx.update_template_version(&version)
        })?;
        Ok(TemplateView { template, organization: org, created_by_name: actor.user.username.clone() })
    }

    /// `GET /organizations/{organization}/templates` (`org_param` given) and `GET /templates`:
    /// live templates the actor may read, by name. Deprecated ones are hidden unless asked for.
    pub fn list_templates(&self, actor: &Actor, org_param: Option<&str>, q: &str) -> Result<Vec<TemplateView>> {
        let org = org_param.map(|p| self.resolve_org(actor, p)).transpose()?;
        let filter = TemplateSearch::parse(q)?;
        let db = self.db(actor);
        let out: Vec<Template> = db.list_templates(org.map(|o| o.id))?.into_iter().filter(|t| filter.matches(t)).collect();
        self.template_views(&db, out)
    }

    /// `GET /templates/{template}`.
    pub fn get_template(&self, actor: &Actor, param: &str) -> Result<TemplateView> {
        let t = self.readable_template(actor, param)?;
        self.template_view(&self.db(actor), t)
    }

    /// `GET /organizations/{organization}/templates/{templatename}`.
    pub fn template_by_name(&self, actor: &Actor, org_param: &str, name: &str) -> Result<TemplateView> {
        let org = self.resolve_org(actor, org_param)?;
        let db = self.db(actor);
        let t = db.template_by_name(org.id, name)?.ok_or_else(Error::not_found)?;
        self.template_view(&db, t)
    }

    /// `PATCH /templates/{template}`.
    pub fn patch_template(&self, actor: &Actor, param: &str, patch: TemplatePatch) -> Result<TemplateView> {
        let t = self.readable_template(actor, param)?;
        let mut v = Validations::new();
        if let Some(name) = patch.name.as_deref().filter(|n| !n.is_empty()) {
            if let Err(e) = crate::validation::name_valid(name) {
                v.add("name", format!("Validation failed for tag \"template_name\" with value: \"{name}\": {e}"));
            }
        }
        if let Some(d) = &patch.display_name {
            if let Err(e) = display_name_valid(d) {
                v.add("display_name", e);
            }
        }
        v.finish("Validation failed.")?;
        let mut v = Validations::new();
        check_settings(&mut v, &patch.settings);
        v.finish("Invalid request to update template metadata!")?;
        self.require_template(actor, &t, action::UPDATE)?;
        let renamed = patch.name.clone().filter(|n| !n.is_empty() && *n != t.name);
        let taken = |name: &str| {
            Error::conflict(format!("Template with name {name:?} already exists."))
                .with_validation("name", "This value is already in use and should be unique.")
        };
        if let Some(name) = &renamed {
            if self.db(actor).template_name_taken(t.organization_id, name, Some(&t))? {
                return Err(taken(name));
            }
        }
        let new_name = renamed.clone();
        let db = self.db(actor);
        let t = db
            .edit_template(t.id, action::UPDATE, move |t| {
                if let Some(name) = new_name {
                    t.name = name;
                }
                if let Some(x) = patch.display_name {
                    t.display_name = x;
                }
                if let Some(x) = patch.description {
                    t.description = x;
                }
                if let Some(x) = patch.icon {
                    t.icon = x;
                }
                if patch.disable_everyone_group_access {
                    let org = t.organization_id;
                    t.group_acl.remove(&org);
                }
                apply_settings(&mut t.settings, patch.settings);
                Ok(())
            })
            .map_err(|e| if e.kind == ErrorKind::Conflict { taken(renamed.as_deref().unwrap_or_default()) } else { e })?;
        self.template_view(&db, t)
    }

    /// `DELETE /templates/{template}`: a soft delete, so its name is free again.
    pub fn delete_template(&self, actor: &Actor, param: &str) -> Result<()> {
        let t = self.readable_template(actor, param)?;
        self.require_template(actor, &t, action::DELETE)?;
        let db = self.db(actor);
        if db.count_template_workspaces(&t)? > 0 {
            return Err(Error::bad_request("All workspaces must be deleted before a template can be removed."));
        }
        db.edit_template(t.id, action::DELETE, |t| {
            t.deleted = true;
            Ok(())
        })
        .map(|_| ())
    }

    /// `PATCH /templates/{template}/versions`: makes a successfully imported version of the
    /// template the active one.
    pub fn set_active_version(&self, actor: &Actor, param: &str, version_id: Uuid) -> Result<()> {
        let t = self.readable_template(actor, param)?;
        let db = self.db(actor);
        let version: TemplateVersion =
            db.template_version_by_id(version_id)?.ok_or_else(|| Error::new(ErrorKind::NotFound, "Template version not found."))?;
        if version.template_id != Some(t.id) {
            return Err(Error::bad_request("The provided template version doesn't belong to the specified template."));
        }
        let job = db.job_by_id(version.job_id)?.ok_or_else(|| Error::internal("Internal error.", "version without job"))?;
        if job.status() != JobStatus::Succeeded {
            return Err(Error::new(ErrorKind::Forbidden, "Only versions that have been built successfully can be promoted.")
                .with_detail(format!("Attempted to promote a version with a {} build", job.status().as_str())));
        }
        if version.archived {
            return Err(Error::bad_request("The provided template version is archived."));
        }
        self.require_template(actor, &t, action::UPDATE)?;
        db.edit_template(t.id, action::UPDATE, |t| {
            t.active_version_id = version.id;
            Ok(())
        })
        .map(|_| ())
    }
}

/// The template search language (`q`): bare words match names, plus `exact_name:`, `name:`,
/// `deprecated:`, `deleted:` and `ids:`.
#[derive(Debug, Default)]
struct TemplateSearch {
    name: Option<String>,
    exact_name: Option<String>,
    deprecated: Option<bool>,
    ids: Vec<Uuid>,
}

impl TemplateSearch {
    fn parse(q: &str) -> Result<Self> {
        let mut s = TemplateSearch::default();
        let mut v = Validations::new();
        for term in q.split_whitespace() {
            match term.split_once(':') {
                None => s.name = Some(term.to_lowercase()),
                Some(("name", x)) => s.name = Some(x.to_lowercase()),
                Some(("exact_name", x)) => s.exact_name = Some(x.to_lowercase()),
                Some(("deprecated", x)) => match x {
                    "true" => s.deprecated = Some(true),
                    "false" => s.deprecated = Some(false),
                    _ => v.add("deprecated", format!("Query param \"deprecated\" must be a valid boolean: {x:?}")),
                },
                Some(("deleted", "false")) => {}
                Some(("ids", x)) => {
                    for part in x.split(',') {
                        match Uuid::parse_str(part) {
                            Ok(id) => s.ids.push(id),
                            Err(_) => v.add("ids", format!("Query param \"ids\" has invalid uuids: {part:?}")),
                        }
                    }
                }
                Some((k, _)) => v.add(k, format!("{k:?} is not a valid query param")),
            }
        }
        v.finish("Invalid template search query.")?;
        Ok(s)
    }

    fn matches(&self, t: &Template) -> bool {
        let deprecated = !t.settings.deprecation_message.is_empty();
        self.name.as_ref().is_none_or(|n| t.name.to_lowercase().contains(n) || t.display_name.to_lowercase().contains(n))
            && self.exact_name.as_ref().is_none_or(|n| t.name.to_lowercase() == *n)
            && self.deprecated.is_none_or(|d| d == deprecated)
            && (self.deprecated.is_some() || !deprecated)
            && (self.ids.is_empty() || self.ids.contains(&t.id))
    }
}
