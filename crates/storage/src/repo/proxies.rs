//! Workspace proxies.

use diesel::prelude::*;
use domain::proxies::WorkspaceProxy;
use domain::store::{Change, ProxyStore};
use domain::Result;
use time::{OffsetDateTime, PrimitiveDateTime};
use uuid::Uuid;

use super::DbRepo;
use crate::rows::*;
use crate::schema::functions::lower;
use crate::schema::*;

/// A `workspace_proxies` row.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = workspace_proxies)]
struct ProxyRow {
    id: String,
    name: String,
    display_name: String,
    icon: String,
    url: String,
    wildcard_hostname: String,
    derp_enabled: bool,
    derp_only: bool,
    region_id: i32,
    token_hashed_secret: Vec<u8>,
    created_at: PrimitiveDateTime,
    updated_at: PrimitiveDateTime,
    deleted: bool,
    version: String,
}

impl From<&WorkspaceProxy> for ProxyRow {
    fn from(p: &WorkspaceProxy) -> Self {
        Self {
            id: p.id.to_string(),
            name: p.name.clone(),
            display_name: p.display_name.clone(),
            icon: p.icon.clone(),
            url: p.url.clone(),
            wildcard_hostname: p.wildcard_hostname.clone(),
            derp_enabled: p.derp_enabled,
            derp_only: p.derp_only,
            region_id: p.region_id,
            token_hashed_secret: p.token_hashed_secret.clone(),
            created_at: to_db_time(p.created_at),
            updated_at: to_db_time(p.updated_at),
            deleted: p.deleted,
            version: p.version.clone(),
        }
    }
}

impl TryFrom<ProxyRow> for WorkspaceProxy {
    type Error = domain::Error;
    fn try_from(r: ProxyRow) -> Result<Self> {
        Ok(WorkspaceProxy {
            id: parse_uuid(&r.id)?,
            name: r.name,
            display_name: r.display_name,
            icon: r.icon,
            url: r.url,
            wildcard_hostname: r.wildcard_hostname,
            derp_enabled: r.derp_enabled,
            derp_only: r.derp_only,
            region_id: r.region_id,
            token_hashed_secret: r.token_hashed_secret,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            deleted: r.deleted,
            version: r.version,
        })
    }
}

impl ProxyStore for DbRepo<'_> {
    fn insert_proxy(&self, proxy: &WorkspaceProxy) -> Result<()> {
        let row = ProxyRow::from(proxy);
        self.with(|c| diesel::insert_into(workspace_proxies::table).values(&row).execute(c).map(|_| ()))
    }

    fn proxy_by_id(&self, id: Uuid) -> Result<Option<WorkspaceProxy>> {
        let row: Option<ProxyRow> =
            self.with(|c| workspace_proxies::table.find(id.to_string()).select(ProxyRow::as_select()).first(c).optional())?;
        row.map(WorkspaceProxy::try_from).transpose()
    }

    fn proxy_by_name(&self, name: &str) -> Result<Option<WorkspaceProxy>> {
        let row: Option<ProxyRow> = self.with(|c| {
            workspace_proxies::table
                .filter(workspace_proxies::name.eq(name))
                .filter(workspace_proxies::deleted.eq(false))
                .select(ProxyRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(WorkspaceProxy::try_from).transpose()
    }

    fn proxy_by_name_ci(&self, name: &str) -> Result<Option<WorkspaceProxy>> {
        let name = name.to_lowercase();
        let row: Option<ProxyRow> = self.with(|c| {
            workspace_proxies::table
                .filter(lower(workspace_proxies::name).eq(name))
                .filter(workspace_proxies::deleted.eq(false))
                .select(ProxyRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(WorkspaceProxy::try_from).transpose()
    }

    fn list_proxies(&self) -> Result<Vec<WorkspaceProxy>> {
        let rows: Vec<ProxyRow> = self.with(|c| {
            workspace_proxies::table
                .filter(workspace_proxies::deleted.eq(false))
                .order((workspace_proxies::created_at.asc(), workspace_proxies::id.asc()))
                .select(ProxyRow::as_select())
                .load(c)
        })?;
        convert_all(rows)
    }

    fn next_proxy_region_id(&self) -> Result<i32> {
        let max: Option<i32> = self.with(|c| workspace_proxies::table.select(diesel::dsl::max(workspace_proxies::region_id)).first(c))?;
        Ok(max.unwrap_or(0) + 1)
    }

    fn update_proxy(&self, proxy: &WorkspaceProxy) -> Result<()> {
        self.with(|c| {
            diesel::update(workspace_proxies::table.find(proxy.id.to_string()))
                .set((
                    workspace_proxies::name.eq(&proxy.name),
                    workspace_proxies::display_name.eq(&proxy.display_name),
                    workspace_proxies::icon.eq(&proxy.icon),
                    workspace_proxies::token_hashed_secret.eq(&proxy.token_hashed_secret),
                    workspace_proxies::updated_at.eq(to_db_time(proxy.updated_at)),
                ))
                .execute(c)
                .map(|_| ())
        })
    }

    fn set_proxy_deleted(&self, id: Uuid, at: OffsetDateTime) -> Result<()> {
        self.with(|c| {
            diesel::update(workspace_proxies::table.find(id.to_string()))
                .set((workspace_proxies::deleted.eq(true), workspace_proxies::updated_at.eq(to_db_time(at))))
                .execute(c)
                .map(|_| ())
        })
    }

    fn register_proxy(
        &self,
        id: Uuid,
        url: &str,
        wildcard_hostname: &str,
        derp_enabled: bool,
        derp_only: bool,
        version: &str,
        at: OffsetDateTime,
    ) -> Result<()> {
        self.with(|c| {
            diesel::update(workspace_proxies::table.find(id.to_string()))
                .set((
                    workspace_proxies::url.eq(url),
                    workspace_proxies::wildcard_hostname.eq(wildcard_hostname),
                    workspace_proxies::derp_enabled.eq(derp_enabled),
                    workspace_proxies::derp_only.eq(derp_only),
                    workspace_proxies::version.eq(version),
                    workspace_proxies::updated_at.eq(to_db_time(at)),
                ))
                .execute(c)
                .map(|_| ())
        })
    }

    fn announce_proxies_changed(&self) -> Result<()> {
        self.changed(Change::Proxies)
    }
}
