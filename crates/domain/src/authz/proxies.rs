//! Workspace proxies and the replicas they register, as a subject may use them.

use time::OffsetDateTime;
use uuid::Uuid;

use super::Db;
use crate::error::{Error, Result};
use crate::proxies::WorkspaceProxy;
use crate::rbac::{action, resource, Object};
use crate::replicas::Replica;

fn proxies() -> Object {
    Object::of(resource::WORKSPACE_PROXY)
}

fn proxy_object(id: Uuid) -> Object {
    proxies().with_id(id)
}

/// Where a proxy registers: its URL, wildcard hostname, DERP switches and version.
#[derive(Debug, Clone, Copy)]
pub struct ProxyAddress<'a> {
    /// The proxy's access URL.
    pub url: &'a str,
    /// Its wildcard hostname for applications.
    pub wildcard_hostname: &'a str,
    /// Whether it runs a DERP server.
    pub derp_enabled: bool,
    /// Whether it only relays DERP.
    pub derp_only: bool,
    /// Its build version.
    pub version: &'a str,
}

impl Db<'_> {
    /// Stores a new proxy (in the next free DERP region) and tells the replicas: `create` on
    /// proxies.
    pub fn insert_proxy(&self, proxy: &mut WorkspaceProxy) -> Result<()> {
        self.require(action::CREATE, &proxies())?;
        proxy.region_id = self.store.next_proxy_region_id()?;
        self.store.insert_proxy(proxy)?;
        self.store.announce_proxies_changed()
    }

    /// A proxy by id (deleted ones too), if the subject may read it.
    pub fn proxy_by_id(&self, id: Uuid) -> Result<Option<WorkspaceProxy>> {
        self.fetch(self.store.proxy_by_id(id)?, |p| proxy_object(p.id))
    }

    /// A live proxy by exact name, if the subject may read it.
    pub fn proxy_by_name(&self, name: &str) -> Result<Option<WorkspaceProxy>> {
        self.fetch(self.store.proxy_by_name(name)?, |p| proxy_object(p.id))
    }

    /// Whether a live proxy other than `except` has the name (in any case): `read` on proxies.
    pub fn proxy_name_taken(&self, name: &str, except: Option<Uuid>) -> Result<bool> {
        self.require(action::READ, &proxies())?;
        Ok(self.store.proxy_by_name_ci(name)?.is_some_and(|p| Some(p.id) != except))
    }

    /// Every live proxy: `read` on proxies.
    pub fn list_proxies(&self) -> Result<Vec<WorkspaceProxy>> {
        self.require(action::READ, &proxies())?;
        self.store.list_proxies()
    }

    /// Overwrites a proxy and tells the replicas: `update` on it.
    pub fn update_proxy(&self, proxy: &WorkspaceProxy) -> Result<()> {
        self.require(action::UPDATE, &proxy_object(proxy.id))?;
        self.store.update_proxy(proxy)?;
        self.store.announce_proxies_changed()
    }

    /// Soft-deletes a proxy and tells the replicas: `delete` on it.
    pub fn delete_proxy(&self, id: Uuid, at: OffsetDateTime) -> Result<()> {
        self.require(action::DELETE, &proxy_object(id))?;
        self.store.set_proxy_deleted(id, at)?;
        self.store.announce_proxies_changed()
    }

    /// Records where a proxy is, registers its replica, and returns the deployment's DERP mesh
    /// key (made on first use): `update` on the proxy.
    pub fn register_proxy(&self, id: Uuid, at: ProxyAddress<'_>, replica: &Replica, now: OffsetDateTime, mesh_key: &str) -> Result<String> {
        self.require(action::UPDATE, &proxy_object(id))?;
        self.store.register_proxy(id, at.url, at.wildcard_hostname, at.derp_enabled, at.derp_only, at.version, now)?;
        self.store.upsert_replica(replica)?;
        let key = match self.store.get_site_config(mesh_key)? {
            Some(k) => k,
            None => {
                let k = crate::secret::random_alphanumeric(64);
                self.store.put_site_config(mesh_key, &k)?;
                k
            }
        };
        self.store.announce_proxies_changed()?;
        Ok(key)
    }

    /// Marks a proxy's replica stopped: `update` on the proxy, whose region it must be in.
    pub fn deregister_proxy_replica(&self, proxy: Uuid, region: i32, replica: Uuid, at: OffsetDateTime) -> Result<()> {
        self.require(action::UPDATE, &proxy_object(proxy))?;
        self.store.replica_by_id(replica)?.filter(|r| !r.primary && r.region_id == region).ok_or_else(Error::not_found)?;
        self.store.stop_replica(replica, at)?;
        self.store.announce_proxies_changed()
    }

    /// The live replicas of proxies: `read` on replicas.
    pub fn live_proxy_replicas(&self, after: OffsetDateTime) -> Result<Vec<Replica>> {
        self.require(action::READ, &Object::of(resource::REPLICAS))?;
        self.store.live_proxy_replicas(after)
    }

    /// A value of the built-in primary proxy (its display name or icon): `read` on proxies.
    pub fn primary_proxy_value(&self, key: &str) -> Result<Option<String>> {
        self.require(action::READ, &proxies())?;
        self.store.get_site_config(key)
    }

    /// Stores a value of the built-in primary proxy: `update` on proxies.
    pub fn put_primary_proxy_value(&self, key: &str, value: &str) -> Result<()> {
        self.write(action::UPDATE, &proxies(), |s| s.put_site_config(key, value))
    }
}
