//! Files, templates, template versions, their parameters and presets, and job resources.

use diesel::prelude::*;
use domain::store::{Page, TemplateStore};
use domain::templates::{AclMap, File, JobResource, Parameter, Preset, Template, TemplateVersion};
use domain::{Error, Result};
use time::{OffsetDateTime, PrimitiveDateTime};
use uuid::Uuid;

use super::DbRepo;
use crate::conn::DbConn;
use crate::rows::*;
use crate::schema::functions::lower;
use crate::schema::*;

fn corrupt(what: &str, e: impl std::fmt::Display) -> Error {
    Error::internal("Internal error.", format!("corrupt {what} in database: {e}"))
}

fn acl_json(acl: &AclMap) -> String {
    serde_json::to_string(acl).unwrap_or_else(|_| "{}".into())
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = files)]
struct FileRow {
    id: String,
    hash: String,
    created_at: PrimitiveDateTime,
    created_by: String,
    mimetype: String,
    data: Vec<u8>,
}

impl TryFrom<FileRow> for File {
    type Error = Error;
    fn try_from(r: FileRow) -> Result<Self> {
        Ok(File {
            id: parse_uuid(&r.id)?,
            hash: r.hash,
            created_at: from_db_time(r.created_at),
            created_by: parse_uuid(&r.created_by)?,
            mimetype: r.mimetype,
            data: r.data,
        })
    }
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = templates)]
struct TemplateRow {
    id: String,
    organization_id: String,
    name: String,
    display_name: String,
    description: String,
    icon: String,
    provisioner: String,
    active_version_id: String,
    created_by: String,
    created_at: PrimitiveDateTime,
    updated_at: PrimitiveDateTime,
    deleted: bool,
    user_acl: String,
    group_acl: String,
    settings: String,
}

impl From<&Template> for TemplateRow {
    fn from(t: &Template) -> Self {
        Self {
            id: t.id.to_string(),
            organization_id: t.organization_id.to_string(),
            name: t.name.clone(),
            display_name: t.display_name.clone(),
            description: t.description.clone(),
            icon: t.icon.clone(),
            provisioner: t.provisioner.clone(),
            active_version_id: t.active_version_id.to_string(),
            created_by: t.created_by.to_string(),
            created_at: to_db_time(t.created_at),
            updated_at: to_db_time(t.updated_at),
            deleted: t.deleted,
            user_acl: acl_json(&t.user_acl),
            group_acl: acl_json(&t.group_acl),
            settings: serde_json::to_string(&t.settings).unwrap_or_else(|_| "{}".into()),
        }
    }
}

impl TryFrom<TemplateRow> for Template {
    type Error = Error;
    fn try_from(r: TemplateRow) -> Result<Self> {
        Ok(Template {
            id: parse_uuid(&r.id)?,
            organization_id: parse_uuid(&r.organization_id)?,
            name: r.name,
            display_name: r.display_name,
            description: r.description,
            icon: r.icon,
            provisioner: r.provisioner,
            active_version_id: parse_uuid(&r.active_version_id)?,
            created_by: parse_uuid(&r.created_by)?,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            deleted: r.deleted,
            user_acl: serde_json::from_str(&r.user_acl).map_err(|e| corrupt("user_acl", e))?,
            group_acl: serde_json::from_str(&r.group_acl).map_err(|e| corrupt("group_acl", e))?,
            settings: serde_json::from_str(&r.settings).map_err(|e| corrupt("template settings", e))?,
        })
    }
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = template_versions)]
#[diesel(treat_none_as_null = true)]
struct VersionRow {
    id: String,
    template_id: Option<String>,
    organization_id: String,
    name: String,
    message: String,
    readme: String,
    job_id: String,
    created_by: String,
    created_at: PrimitiveDateTime,
    updated_at: PrimitiveDateTime,
    archived: bool,
    has_external_agent: bool,
}

impl From<&TemplateVersion> for VersionRow {
    fn from(v: &TemplateVersion) -> Self {
        Self {
            id: v.id.to_string(),
            template_id: v.template_id.map(|t| t.to_string()),
            organization_id: v.organization_id.to_string(),
            name: v.name.clone(),
            message: v.message.clone(),
            readme: v.readme.clone(),
            job_id: v.job_id.to_string(),
            created_by: v.created_by.to_string(),
            created_at: to_db_time(v.created_at),
            updated_at: to_db_time(v.updated_at),
            archived: v.archived,
            has_external_agent: v.has_external_agent,
        }
    }
}

impl TryFrom<VersionRow> for TemplateVersion {
    type Error = Error;
    fn try_from(r: VersionRow) -> Result<Self> {
        Ok(TemplateVersion {
            id: parse_uuid(&r.id)?,
            template_id: r.template_id.map(|t| parse_uuid(&t)).transpose()?,
            organization_id: parse_uuid(&r.organization_id)?,
            name: r.name,
            message: r.message,
            readme: r.readme,
            job_id: parse_uuid(&r.job_id)?,
            created_by: parse_uuid(&r.created_by)?,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            archived: r.archived,
            has_external_agent: r.has_external_agent,
        })
    }
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = template_version_presets)]
struct PresetRow {
    id: String,
    template_version_id: String,
    name: String,
    created_at: PrimitiveDateTime,
    last_invalidated_at: Option<PrimitiveDateTime>,
    is_default: bool,
    data: String,
}

impl TryFrom<PresetRow> for Preset {
    type Error = Error;
    fn try_from(r: PresetRow) -> Result<Self> {
        Ok(Preset {
            id: parse_uuid(&r.id)?,
            template_version_id: parse_uuid(&r.template_version_id)?,
            name: r.name,
            created_at: from_db_time(r.created_at),
            last_invalidated_at: r.last_invalidated_at.map(from_db_time),
            is_default: r.is_default,
            data: serde_json::from_str(&r.data).map_err(|e| corrupt("preset", e))?,
        })
    }
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = provisioner_job_resources)]
struct ResourceRow {
    id: String,
    job_id: String,
    created_at: PrimitiveDateTime,
    transition: String,
    data: String,
}

impl TemplateStore for DbRepo<'_> {
    fn insert_file(&self, file: &File) -> Result<()> {
        let row = FileRow {
            id: file.id.to_string(),
            hash: file.hash.clone(),
            created_at: to_db_time(file.created_at),
            created_by: file.created_by.to_string(),
            mimetype: file.mimetype.clone(),
            data: file.data.clone(),
        };
        self.with(|c| diesel::insert_into(files::table).values(&row).execute(c).map(|_| ()))
    }

    fn file_by_id(&self, id: Uuid) -> Result<Option<File>> {
        let row: Option<FileRow> = self.with(|c| files::table.find(id.to_string()).select(FileRow::as_select()).first(c).optional())?;
        row.map(File::try_from).transpose()
    }

    fn file_by_hash(&self, hash: &str, created_by: Uuid) -> Result<Option<File>> {
        let row: Option<FileRow> = self.with(|c| {
            files::table
                .filter(files::hash.eq(hash))
                .filter(files::created_by.eq(created_by.to_string()))
                .select(FileRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(File::try_from).transpose()
    }

    fn insert_template(&self, t: &Template) -> Result<()> {
        let row = TemplateRow::from(t);
        self.with(|c| diesel::insert_into(templates::table).values(&row).execute(c).map(|_| ()))
    }

    fn update_template(&self, t: &Template) -> Result<()> {
        let r = TemplateRow::from(t);
        self.with(|c| {
            diesel::update(templates::table.find(&r.id))
                .set((
                    templates::name.eq(&r.name),
                    templates::display_name.eq(&r.display_name),
                    templates::description.eq(&r.description),
                    templates::icon.eq(&r.icon),
                    templates::active_version_id.eq(&r.active_version_id),
                    templates::updated_at.eq(r.updated_at),
                    templates::deleted.eq(r.deleted),
                    templates::user_acl.eq(&r.user_acl),
                    templates::group_acl.eq(&r.group_acl),
                    templates::settings.eq(&r.settings),
                ))
                .execute(c)
                .map(|_| ())
        })
    }

    fn lock_template(&self, id: Uuid) -> Result<()> {
        self.with(|c| match c {
            DbConn::Pg(pg) => diesel::sql_query("SELECT id FROM templates WHERE id = $1 FOR UPDATE")
                .bind::<diesel::sql_types::Text, _>(id.to_string())
                .execute(pg)
                .map(|_| ()),
            DbConn::Sqlite(_) => Ok(()),
        })
    }

    fn template_by_id(&self, id: Uuid) -> Result<Option<Template>> {
        let row: Option<TemplateRow> =
            self.with(|c| templates::table.find(id.to_string()).select(TemplateRow::as_select()).first(c).optional())?;
        row.map(Template::try_from).transpose()
    }

    fn template_by_name(&self, org: Uuid, name: &str) -> Result<Option<Template>> {
        let name = name.to_lowercase();
        let row: Option<TemplateRow> = self.with(|c| {
            templates::table
                .filter(templates::organization_id.eq(org.to_string()))
                .filter(lower(templates::name).eq(name))
                .filter(templates::deleted.eq(false))
                .select(TemplateRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(Template::try_from).transpose()
    }

    fn list_templates(&self, org: Option<Uuid>, reach: Option<&domain::templates::TemplateReach>) -> Result<Vec<Template>> {
        if reach.is_some_and(|r| r.ids.as_ref().is_some_and(Vec::is_empty)) {
            return Ok(Vec::new());
        }
        let strings = |ids: &[Uuid]| ids.iter().map(Uuid::to_string).collect::<Vec<String>>();
        let rows: Vec<TemplateRow> = self.with(|c| {
            let mut q = templates::table.filter(templates::deleted.eq(false)).into_boxed();
            if let Some(org) = org {
                q = q.filter(templates::organization_id.eq(org.to_string()));
            }
            if let Some(r) = reach {
                if !r.everything {
                    // An organization grant, or an ACL entry for one of the keys: the ACL maps
                    // are stored as JSON objects keyed by id, so `"<id>"` marks an entry.
                    type Cond = Box<dyn BoxableExpression<templates::table, crate::conn::MultiBackend, SqlType = diesel::sql_types::Bool>>;
                    let mut cond: Cond = Box::new(templates::organization_id.eq_any(strings(&r.orgs)));
                    for key in &r.acl_keys {
                        let pattern = format!("%\"{key}\"%");
                        cond = Box::new(cond.or(templates::user_acl.like(pattern.clone())).or(templates::group_acl.like(pattern)));
                    }
                    q = q.filter(cond);
                }
                if let Some(ids) = &r.ids {
                    q = q.filter(templates::id.eq_any(strings(ids)));
                }
            }
            q.order((lower(templates::name).asc(), templates::id.asc())).select(TemplateRow::as_select()).load(c)
        })?;
        convert_all(rows)
    }

    fn templates_by_ids(&self, ids: &[Uuid]) -> Result<Vec<Template>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let rows: Vec<TemplateRow> =
            self.with(|c| templates::table.filter(templates::id.eq_any(&ids)).select(TemplateRow::as_select()).load(c))?;
        convert_all(rows)
    }

    fn insert_template_version(&self, v: &TemplateVersion) -> Result<()> {
        let row = VersionRow::from(v);
        self.with(|c| diesel::insert_into(template_versions::table).values(&row).execute(c).map(|_| ()))
    }

    fn update_template_version(&self, v: &TemplateVersion) -> Result<()> {
        let r = VersionRow::from(v);
        self.with(|c| {
            diesel::update(template_versions::table.find(&r.id))
                .set((
                    template_versions::template_id.eq(&r.template_id),
                    template_versions::name.eq(&r.name),
                    template_versions::message.eq(&r.message),
                    template_versions::readme.eq(&r.readme),
                    template_versions::updated_at.eq(r.updated_at),
                    template_versions::archived.eq(r.archived),
                    template_versions::has_external_agent.eq(r.has_external_agent),
                ))
                .execute(c)
                .map(|_| ())
        })
    }

    fn template_version_by_id(&self, id: Uuid) -> Result<Option<TemplateVersion>> {
        let row: Option<VersionRow> =
            self.with(|c| template_versions::table.find(id.to_string()).select(VersionRow::as_select()).first(c).optional())?;
        row.map(TemplateVersion::try_from).transpose()
    }

    fn template_versions_by_ids(&self, ids: &[Uuid]) -> Result<Vec<TemplateVersion>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let rows: Vec<VersionRow> =
            self.with(|c| template_versions::table.filter(template_versions::id.eq_any(&ids)).select(VersionRow::as_select()).load(c))?;
        convert_all(rows)
    }

    fn template_version_by_job(&self, job: Uuid) -> Result<Option<TemplateVersion>> {
        let row: Option<VersionRow> = self.with(|c| {
            template_versions::table
                .filter(template_versions::job_id.eq(job.to_string()))
                .select(VersionRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(TemplateVersion::try_from).transpose()
    }

    fn template_version_by_name(&self, template: Uuid, name: &str) -> Result<Option<TemplateVersion>> {
        let name = name.to_lowercase();
        let row: Option<VersionRow> = self.with(|c| {
            template_versions::table
                .filter(template_versions::template_id.eq(template.to_string()))
                .filter(lower(template_versions::name).eq(name))
                .select(VersionRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(TemplateVersion::try_from).transpose()
    }

    fn template_versions_of(&self, template: Uuid, page: &Page) -> Result<Vec<TemplateVersion>> {
        let after: Option<VersionRow> = match page.after_id {
            Some(id) => Some(
                self.with(|c| template_versions::table.find(id.to_string()).select(VersionRow::as_select()).first(c).optional())?
                    .ok_or_else(|| Error::bad_request("Invalid pagination").with_detail(format!("after_id {id:?} does not exist")))?,
            ),
            None => None,
        };
        let rows: Vec<VersionRow> = self.with(|c| {
            let mut q = template_versions::table.filter(template_versions::template_id.eq(template.to_string())).into_boxed();
            if let Some(a) = &after {
                q = q.filter(
                    template_versions::created_at
                        .gt(a.created_at)
                        .or(template_versions::created_at.eq(a.created_at).and(template_versions::id.gt(a.id.clone()))),
                );
            }
            // SQLite takes OFFSET only after a LIMIT: "no limit" is the largest one.
            let limit = if page.limit > 0 { page.limit } else { i64::MAX };
            q = q.order((template_versions::created_at.asc(), template_versions::id.asc())).limit(limit).offset(page.offset);
            q.select(VersionRow::as_select()).load(c)
        })?;
        convert_all(rows)
    }

    fn put_template_version_parameters(&self, version: Uuid, params: &[Parameter]) -> Result<()> {
        let v = version.to_string();
        let rows: Vec<_> = params
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    template_version_parameters::template_version_id.eq(v.clone()),
                    template_version_parameters::name.eq(p.name.clone()),
                    template_version_parameters::position.eq(i as i32),
                    template_version_parameters::ephemeral.eq(p.ephemeral),
                    template_version_parameters::data.eq(serde_json::to_string(p).unwrap_or_default()),
                )
            })
            .collect();
        self.with(|c| {
            diesel::delete(template_version_parameters::table.filter(template_version_parameters::template_version_id.eq(&v)))
                .execute(c)?;
            for row in &rows {
                diesel::insert_into(template_version_parameters::table).values(row).execute(c)?;
            }
            Ok(())
        })
    }

    fn template_version_parameters(&self, version: Uuid) -> Result<Vec<Parameter>> {
        let rows: Vec<String> = self.with(|c| {
            template_version_parameters::table
                .filter(template_version_parameters::template_version_id.eq(version.to_string()))
                .order(template_version_parameters::position.asc())
                .select(template_version_parameters::data)
                .load(c)
        })?;
        rows.iter().map(|d| serde_json::from_str(d).map_err(|e| corrupt("parameter", e))).collect()
    }

    fn put_template_version_variables(&self, version: Uuid, variables: &[domain::templates::TemplateVariable]) -> Result<()> {
        let json = serde_json::to_string(variables).unwrap_or_else(|_| "[]".into());
        self.upsert_inputs(version, |c, v| {
            diesel::update(template_version_inputs::table.find(v)).set(template_version_inputs::variables.eq(&json)).execute(c)
        })
    }

    fn put_template_version_external_auth(&self, version: Uuid, providers: &[domain::templates::VersionExternalAuth]) -> Result<()> {
        let json = serde_json::to_string(providers).unwrap_or_else(|_| "[]".into());
        self.upsert_inputs(version, |c, v| {
            diesel::update(template_version_inputs::table.find(v)).set(template_version_inputs::external_auth.eq(&json)).execute(c)
        })
    }

    fn template_version_inputs(
        &self,
        version: Uuid,
    ) -> Result<(Vec<domain::templates::TemplateVariable>, Vec<domain::templates::VersionExternalAuth>)> {
        let row: Option<(String, String)> = self.with(|c| {
            template_version_inputs::table
                .find(version.to_string())
                .select((template_version_inputs::variables, template_version_inputs::external_auth))
                .first(c)
                .optional()
        })?;
        let Some((variables, external_auth)) = row else { return Ok((Vec::new(), Vec::new())) };
        Ok((
            serde_json::from_str(&variables).map_err(|e| corrupt("template variables", e))?,
            serde_json::from_str(&external_auth).map_err(|e| corrupt("external auth providers", e))?,
        ))
    }

    fn insert_presets(&self, presets: &[Preset]) -> Result<()> {
        let rows: Vec<PresetRow> = presets
            .iter()
            .map(|p| PresetRow {
                id: p.id.to_string(),
                template_version_id: p.template_version_id.to_string(),
                name: p.name.clone(),
                created_at: to_db_time(p.created_at),
                last_invalidated_at: p.last_invalidated_at.map(to_db_time),
                is_default: p.is_default,
                data: serde_json::to_string(&p.data).unwrap_or_else(|_| "{}".into()),
            })
            .collect();
        if rows.is_empty() {
            return Ok(());
        }
        self.with(|c| {
            rows.iter().try_for_each(|row| diesel::insert_into(template_version_presets::table).values(row).execute(c).map(|_| ()))
        })
    }

    fn presets_of_version(&self, version: Uuid) -> Result<Vec<Preset>> {
        let rows: Vec<PresetRow> = self.with(|c| {
            template_version_presets::table
                .filter(template_version_presets::template_version_id.eq(version.to_string()))
                .order((template_version_presets::name.asc(), template_version_presets::id.asc()))
                .select(PresetRow::as_select())
                .load(c)
        })?;
        convert_all(rows)
    }

    fn invalidate_presets(&self, version: Uuid, at: OffsetDateTime) -> Result<Vec<Preset>> {
        let at = to_db_time(at);
        self.with(|c| {
            diesel::update(template_version_presets::table.filter(template_version_presets::template_version_id.eq(version.to_string())))
                .set(template_version_presets::last_invalidated_at.eq(Some(at)))
                .execute(c)
                .map(|_| ())
        })?;
        self.presets_of_version(version)
    }

    fn insert_job_resources(&self, resources: &[JobResource]) -> Result<()> {
        let rows: Vec<ResourceRow> = resources
            .iter()
            .map(|r| ResourceRow {
                id: r.id.to_string(),
                job_id: r.job_id.to_string(),
                created_at: to_db_time(r.created_at),
                transition: r.transition.clone(),
                data: r.data.to_string(),
            })
            .collect();
        if rows.is_empty() {
            return Ok(());
        }
        self.with(|c| {
            rows.iter().try_for_each(|row| diesel::insert_into(provisioner_job_resources::table).values(row).execute(c).map(|_| ()))
        })
    }

    fn job_resources(&self, job: Uuid) -> Result<Vec<JobResource>> {
        self.job_resources_of_jobs(&[job])
    }

    fn job_resources_of_jobs(&self, jobs: &[Uuid]) -> Result<Vec<JobResource>> {
        if jobs.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = jobs.iter().map(Uuid::to_string).collect();
        let rows: Vec<ResourceRow> = self.with(|c| {
            provisioner_job_resources::table
                .filter(provisioner_job_resources::job_id.eq_any(&ids))
                .order((provisioner_job_resources::created_at.asc(), provisioner_job_resources::id.asc()))
                .select(ResourceRow::as_select())
                .load(c)
        })?;
        rows.into_iter()
            .map(|r| {
                Ok(JobResource {
                    id: parse_uuid(&r.id)?,
                    job_id: parse_uuid(&r.job_id)?,
                    created_at: from_db_time(r.created_at),
                    transition: r.transition,
                    data: serde_json::from_str(&r.data).map_err(|e| corrupt("resource", e))?,
                })
            })
            .collect()
    }
}

impl DbRepo<'_> {
    /// Makes the version's inputs row when missing, then applies `set` to it.
    fn upsert_inputs(&self, version: Uuid, set: impl Fn(&mut crate::conn::DbConn, &str) -> QueryResult<usize>) -> Result<()> {
        let v = version.to_string();
        self.with(|c| {
            if set(c, &v)? == 0 {
                diesel::insert_into(template_version_inputs::table)
                    .values(template_version_inputs::template_version_id.eq(&v))
                    .execute(c)?;
                set(c, &v)?;
            }
            Ok(())
        })
    }
}
