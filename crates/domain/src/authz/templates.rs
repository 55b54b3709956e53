//! Templates, their versions, sources, parameters and presets, as a subject may use them.
//!
//! A template is readable by role or by its ACL (the subject's own entry, a group they are in,
//! or the Everyone group for members of its organization), always within the key's scope; a
//! version is authorized through its template, or, before it has one, as a template of its
//! organization.

use std::collections::HashMap;

use time::OffsetDateTime;
use uuid::Uuid;

use super::Db;
use crate::error::{Error, Result};
use crate::provisioners::Job;
use crate::rbac::{self, action, resource, Action, Object};
use crate::store::Page;
use crate::templates::{File, JobResource, Parameter, Preset, Template, TemplateReach, TemplateVersion};
use crate::user::User;

/// A template as an authorization object.
pub fn template_object(t: &Template) -> Object {
    Object::of(resource::TEMPLATE).in_org(t.organization_id).with_id(t.id)
}

fn acl_allows(list: Option<&Vec<String>>, act: Action) -> bool {
    list.is_some_and(|l| l.iter().any(|a| a == "*" || a == act.as_str()))
}

/// An uploaded source as an authorization object: owned by its uploader.
fn file_object(f: &File) -> Object {
    Object::of(resource::FILE).owned_by(f.created_by).with_id(f.id)
}

/// The subject's group ids, loaded at most once per call that needs them.
type Groups = Option<Vec<Uuid>>;

impl Db<'_> {
    /// Whether the subject may `act` on the template: by role, or by its ACL, within what the
    /// key allows.
    pub fn template_allows(&self, t: &Template, act: Action) -> Result<bool> {
        self.template_allows_with(t, act, &mut None)
    }

    fn template_allows_with(&self, t: &Template, act: Action, groups: &mut Groups) -> Result<bool> {
        let object = template_object(t);
        if rbac::authorize(self.subject, act, &object) {
            return Ok(true);
        }
        if !rbac::scope_allows(self.subject, act, &object) {
            return Ok(false);
        }
        if acl_allows(t.user_acl.get(&self.subject.user_id), act) {
            return Ok(true);
        }
        if !self.subject.is_member_of(t.organization_id) || t.group_acl.is_empty() {
            return Ok(false);
        }
        if acl_allows(t.group_acl.get(&t.organization_id), act) {
            return Ok(true);
        }
        if groups.is_none() {
            *groups = Some(self.store.group_ids_of_user(self.subject.user_id)?);
        }
        Ok(groups.iter().flatten().any(|g| acl_allows(t.group_acl.get(g), act)))
    }

    /// Fails with 403 unless the subject may `act` on the template.
    pub fn require_template(&self, t: &Template, act: Action) -> Result<()> {
        if self.template_allows(t, act)? {
            Ok(())
        } else {
            Err(Error::forbidden())
        }
    }

    /// Whether the subject may `act` on a version: through its template, or as a template of
    /// its organization before it has one.
    fn version_allows(
        &self,
        v: &TemplateVersion,
        act: Action,
        templates: &mut HashMap<Uuid, Option<Template>>,
        groups: &mut Groups,
    ) -> Result<bool> {
        match v.template_id {
            Some(tid) => {
                if let std::collections::hash_map::Entry::Vacant(e) = templates.entry(tid) {
                    e.insert(self.store.template_by_id(tid)?);
                }
                match &templates[&tid] {
                    Some(t) => self.template_allows_with(t, act, groups),
                    None => Ok(false),
                }
            }
            None => Ok(self.allows(act, &Object::of(resource::TEMPLATE).in_org(v.organization_id))),
        }
    }

    fn fetch_version(&self, v: Option<TemplateVersion>) -> Result<Option<TemplateVersion>> {
        match v {
            Some(v) if !self.version_allows(&v, action::READ, &mut HashMap::new(), &mut None)? => Err(Error::not_found().denied()),
            other => Ok(other),
        }
    }

    fn require_version(&self, version: Uuid, act: Action) -> Result<TemplateVersion> {
        let v = self.store.template_version_by_id(version)?.ok_or_else(Error::not_found)?;
        if !self.version_allows(&v, act, &mut HashMap::new(), &mut None)? {
            return Err(if act == action::READ { Error::not_found().denied() } else { Error::forbidden() });
        }
        Ok(v)
    }

    /// Stores an uploaded source: `create` on its uploader's files.
    pub fn insert_file(&self, file: &File) -> Result<()> {
        self.write(action::CREATE, &Object::of(resource::FILE).owned_by(file.created_by), |s| s.insert_file(file))
    }

    /// A source by id, if the subject may read it.
    pub fn file_by_id(&self, id: Uuid) -> Result<Option<File>> {
        self.fetch(self.store.file_by_id(id)?, file_object)
    }

    /// A source by content hash and uploader, if the subject may read it.
    pub fn file_by_hash(&self, hash: &str, created_by: Uuid) -> Result<Option<File>> {
        self.fetch(self.store.file_by_hash(hash, created_by)?, file_object)
    }

    /// Stores a new template: `create` on templates of its organization.
    pub fn insert_template(&self, t: &Template) -> Result<()> {
        self.write(action::CREATE, &Object::of(resource::TEMPLATE).in_org(t.organization_id), |s| s.insert_template(t))
    }

    /// Changes a live template under its row lock, from a fresh read (so concurrent edits of
    /// other fields are kept): `act` on it (`update`, or `delete` for a soft delete).
    pub fn edit_template(&self, id: Uuid, act: Action, f: impl FnOnce(&mut Template) -> Result<()>) -> Result<Template> {
        self.transaction(|tx| {
            tx.store.lock_template(id)?;
            let mut t = tx.store.template_by_id(id)?.filter(|t| !t.deleted).ok_or_else(Error::not_found)?;
            tx.require_template(&t, act)?;
            let organization = t.organization_id;
            f(&mut t)?;
            if t.id != id || t.organization_id != organization {
                return Err(Error::internal("Internal error.", "a template's id and organization cannot change"));
            }
            t.updated_at = crate::clock::now();
            tx.store.update_template(&t)?;
            Ok(t)
        })
    }

    /// A template by id (deleted ones too), if the subject may read it.
    pub fn template_by_id(&self, id: Uuid) -> Result<Option<Template>> {
        match self.store.template_by_id(id)? {
            Some(t) if !self.template_allows(&t, action::READ)? => Err(Error::not_found().denied()),
            other => Ok(other),
        }
    }

    /// A live template by organization and name, if the subject may read it.
    pub fn template_by_name(&self, org: Uuid, name: &str) -> Result<Option<Template>> {
        match self.store.template_by_name(org, name)? {
            Some(t) if !self.template_allows(&t, action::READ)? => Err(Error::not_found().denied()),
            other => Ok(other),
        }
    }

    /// Whether a live template of the organization has the name, for a subject who may create
    /// templates there or edit `except` (the answer is a 409, whoever may read that template).
    pub fn template_name_taken(&self, org: Uuid, name: &str, except: Option<&Template>) -> Result<bool> {
        match except {
            Some(t) => self.require_template(t, action::UPDATE)?,
            None => self.require(action::CREATE, &Object::of(resource::TEMPLATE).in_org(org))?,
        }
        Ok(self.store.template_by_name(org, name)?.is_some_and(|o| Some(o.id) != except.map(|t| t.id)))
    }

    /// The live templates (of one organization, or all) the subject may read, narrowed in the
    /// query (organization grants and ACL entries for the subject, their groups and their
    /// organizations' Everyone groups), then decided exactly per row.
    pub fn list_templates(&self, org: Option<Uuid>) -> Result<Vec<Template>> {
        let v = self.visibility(action::READ, resource::TEMPLATE);
        if v.nothing && !rbac::scope_allows(self.subject, action::READ, &Object::of(resource::TEMPLATE).in_any_org()) {
            return Ok(Vec::new());
        }
        let mut groups = None;
        let reach = if v.everything {
            TemplateReach { everything: true, ids: v.ids.clone(), ..Default::default() }
        } else {
            let mut keys = self.store.group_ids_of_user(self.subject.user_id)?;
            groups = Some(keys.clone());
            keys.push(self.subject.user_id);
            keys.extend(self.subject.org_roles.keys().copied());
            TemplateReach { everything: false, orgs: v.orgs.clone(), acl_keys: keys, ids: v.ids.clone() }
        };
        let mut out = Vec::new();
        for t in self.store.list_templates(org, Some(&reach))? {
            if self.template_allows_with(&t, action::READ, &mut groups)? {
                out.push(t);
            }
        }
        Ok(out)
    }

    /// The templates among `ids` the subject may read.
    pub fn templates_by_ids(&self, ids: &[Uuid]) -> Result<Vec<Template>> {
        let mut groups = None;
        let mut out = Vec::new();
        for t in self.store.templates_by_ids(ids)? {
            if self.template_allows_with(&t, action::READ, &mut groups)? {
                out.push(t);
            }
        }
        Ok(out)
    }

    /// The creators and organizations of templates the subject may read (their usernames and
    /// organizations are part of a template as Coder shows it): one query each.
    pub fn template_context(&self, templates: &[Template]) -> Result<(Vec<User>, Vec<crate::organization::Organization>)> {
        let mut groups = None;
        let mut creators = Vec::new();
        for t in templates {
            if !self.template_allows_with(t, action::READ, &mut groups)? {
                return Err(Error::not_found().denied());
            }
            creators.push(t.created_by);
        }
        creators.sort();
        creators.dedup();
        let users = if creators.is_empty() { Vec::new() } else { self.store.users_by_ids(&creators)? };
        Ok((users, self.store.list_organizations(None)?))
    }

    /// Stores a new version with its import job: `create` on its template, or on templates of
    /// its organization for a version without one.
    pub fn insert_template_version(&self, v: &TemplateVersion, job: &Job) -> Result<()> {
        match v.template_id {
            Some(tid) => {
                let t = self.store.template_by_id(tid)?.ok_or_else(Error::not_found)?;
                self.require_template(&t, action::CREATE)?;
            }
            None => self.require(action::CREATE, &Object::of(resource::TEMPLATE).in_org(v.organization_id))?,
        }
        if job.organization_id != v.organization_id || job.id != v.job_id {
            return Err(Error::internal("Internal error.", "a version's job belongs to it"));
        }
        self.store.insert_job(job)?;
        self.store.insert_template_version(v)?;
        self.store.announce_jobs_queued()
    }

    /// Overwrites a version: `update` on the stored one.
    pub fn update_template_version(&self, v: &TemplateVersion) -> Result<()> {
        let stored = self.require_version(v.id, action::UPDATE)?;
        if stored.organization_id != v.organization_id {
            return Err(Error::internal("Internal error.", "a version cannot move to another organization"));
        }
        self.store.update_template_version(v)
    }

    /// A version by id, if the subject may read it.
    pub fn template_version_by_id(&self, id: Uuid) -> Result<Option<TemplateVersion>> {
        self.fetch_version(self.store.template_version_by_id(id)?)
    }

    /// The versions among `ids` the subject may read.
    pub fn template_versions_by_ids(&self, ids: &[Uuid]) -> Result<Vec<TemplateVersion>> {
        let (mut templates, mut groups) = (HashMap::new(), None);
        let mut out = Vec::new();
        for v in self.store.template_versions_by_ids(ids)? {
            if self.version_allows(&v, action::READ, &mut templates, &mut groups)? {
                out.push(v);
            }
        }
        Ok(out)
    }

    /// The version an import job belongs to, if the subject may read it.
    pub fn template_version_by_job(&self, job: Uuid) -> Result<Option<TemplateVersion>> {
        self.fetch_version(self.store.template_version_by_job(job)?)
    }

    /// A template's version by name, if the subject may read it.
    pub fn template_version_by_name(&self, template: Uuid, name: &str) -> Result<Option<TemplateVersion>> {
        self.fetch_version(self.store.template_version_by_name(template, name)?)
    }

    /// A page of a template's versions: `read` on the template.
    pub fn template_versions_of(&self, template: &Template, page: &Page) -> Result<Vec<TemplateVersion>> {
        if !self.template_allows(template, action::READ)? {
            return Err(Error::not_found().denied());
        }
        self.store.template_versions_of(template.id, page)
    }

    /// The import jobs and creators of versions the subject may read, and the pending jobs of
    /// their organizations (for queue positions): one query each.
    pub fn version_context(&self, versions: &[TemplateVersion]) -> Result<(Vec<Job>, Vec<User>)> {
        let (mut templates, mut groups) = (HashMap::new(), None);
        for v in versions {
            if !self.version_allows(v, action::READ, &mut templates, &mut groups)? {
                return Err(Error::not_found().denied());
            }
        }
        let jobs: Vec<Uuid> = versions.iter().map(|v| v.job_id).collect();
        let mut creators: Vec<Uuid> = versions.iter().map(|v| v.created_by).collect();
        creators.sort();
        creators.dedup();
        let users = if creators.is_empty() { Vec::new() } else { self.store.users_by_ids(&creators)? };
        Ok((if jobs.is_empty() { Vec::new() } else { self.store.jobs_by_ids(&jobs)? }, users))
    }

    /// Stores a version's parameters: `update` on the version.
    pub fn put_template_version_parameters(&self, version: Uuid, params: &[Parameter]) -> Result<()> {
        self.require_version(version, action::UPDATE)?;
        self.store.put_template_version_parameters(version, params)
    }

    /// A version's parameters: `read` on the version.
    pub fn template_version_parameters(&self, version: Uuid) -> Result<Vec<Parameter>> {
        self.require_version(version, action::READ)?;
        self.store.template_version_parameters(version)
    }

    /// Stores the variables an import reported: `update` on the version.
    pub fn put_template_version_variables(&self, version: Uuid, variables: &[crate::templates::TemplateVariable]) -> Result<()> {
        self.require_version(version, action::UPDATE)?;
        self.store.put_template_version_variables(version, variables)
    }

    /// Stores the external auth providers a version asks for: `update` on the version.
    pub fn put_template_version_external_auth(&self, version: Uuid, providers: &[crate::templates::VersionExternalAuth]) -> Result<()> {
        self.require_version(version, action::UPDATE)?;
        self.store.put_template_version_external_auth(version, providers)
    }

    /// A version's variables and external auth providers: `read` on the version.
    pub fn template_version_inputs(
        &self,
        version: Uuid,
    ) -> Result<(Vec<crate::templates::TemplateVariable>, Vec<crate::templates::VersionExternalAuth>)> {
        self.require_version(version, action::READ)?;
        self.store.template_version_inputs(version)
    }

    /// Stores presets: `update` on each version they belong to.
    pub fn insert_presets(&self, presets: &[Preset]) -> Result<()> {
        let mut versions: Vec<Uuid> = presets.iter().map(|p| p.template_version_id).collect();
        versions.sort();
        versions.dedup();
        for v in versions {
            self.require_version(v, action::UPDATE)?;
        }
        self.store.insert_presets(presets)
    }

    /// A version's presets: `read` on the version.
    pub fn presets_of_version(&self, version: Uuid) -> Result<Vec<Preset>> {
        self.require_version(version, action::READ)?;
        self.store.presets_of_version(version)
    }

    /// Marks a version's presets invalidated: `update` on the version.
    pub fn invalidate_presets(&self, version: Uuid, at: OffsetDateTime) -> Result<Vec<Preset>> {
        self.require_version(version, action::UPDATE)?;
        self.store.invalidate_presets(version, at)
    }

    /// Stores what a job produced: `update` on provisioner jobs (the daemon finishing it).
    pub fn insert_job_resources(&self, resources: &[JobResource]) -> Result<()> {
        self.write(action::UPDATE, &Object::of(resource::PROVISIONER_JOBS), |s| s.insert_job_resources(resources))
    }

    /// What a version's import produced: `read` on the version.
    pub fn version_resources(&self, version: &TemplateVersion) -> Result<Vec<JobResource>> {
        self.require_version(version.id, action::READ)?;
        self.store.job_resources(version.job_id)
    }

    /// The accounts (live, with their memberships) and groups a template's ACL names, for a
    /// subject who may edit the template (the ACL is part of it): one query each.
    #[allow(clippy::type_complexity)]
    pub fn template_acl_context(
        &self,
        t: &Template,
    ) -> Result<(Vec<User>, Vec<crate::organization::OrganizationMember>, Vec<crate::organization::Group>)> {
        self.require_template(t, action::UPDATE).map_err(|_| Error::not_found().denied())?;
        let ids: Vec<Uuid> = t.user_acl.keys().copied().collect();
        let users = if ids.is_empty() { Vec::new() } else { self.store.users_by_ids(&ids)? };
        let user_ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
        let memberships = if user_ids.is_empty() { Vec::new() } else { self.store.memberships_of_users(&user_ids)? };
        let groups =
            self.store.list_groups(Some(t.organization_id), None)?.into_iter().filter(|g| t.group_acl.contains_key(&g.id)).collect();
        Ok((users, memberships, groups))
    }

    /// Which of the users and groups an ACL edit names do not exist (groups: not in the
    /// template's organization), for a subject who may edit the template.
    pub fn missing_acl_entries(&self, t: &Template, users: &[Uuid], groups: &[Uuid]) -> Result<(Vec<Uuid>, Vec<Uuid>)> {
        self.require_template(t, action::UPDATE)?;
        let found_users = if users.is_empty() { Vec::new() } else { self.store.users_by_ids(users)? };
        let missing_users = users.iter().filter(|u| !found_users.iter().any(|f| f.id == **u)).copied().collect();
        let mut missing_groups = Vec::new();
        for g in groups {
            if self.store.group_by_id(*g)?.is_none_or(|found| found.organization_id != t.organization_id) {
                missing_groups.push(*g);
            }
        }
        Ok((missing_users, missing_groups))
    }
}
