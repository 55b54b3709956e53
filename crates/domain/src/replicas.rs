//! The server processes sharing one database. Each registers itself at start-up, heartbeats,
//! and marks itself stopped on a graceful shutdown; `GET /replicas` answers from the view the
//! last heartbeat loaded, not from a query per request.

use std::sync::RwLock;
use std::time::Instant;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::app::{Actor, App};
use crate::authz::System;
use crate::error::Result;
use crate::licensing::REPLICA_STALE_AFTER;
use crate::rbac::{resource, Object};

/// One server process (Coder's `replicas` row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replica {
    /// Random id made at each start.
    pub id: Uuid,
    /// The machine's host name.
    pub hostname: String,
    /// When the row was first inserted.
    pub created_at: OffsetDateTime,
    /// When the process started.
    pub started_at: OffsetDateTime,
    /// When it shut down gracefully.
    pub stopped_at: Option<OffsetDateTime>,
    /// Last heartbeat.
    pub updated_at: OffsetDateTime,
    /// `CODER_DERP_SERVER_RELAY_URL`.
    pub relay_address: String,
    /// `CODER_DERP_SERVER_REGION_ID`.
    pub region_id: i32,
    /// Microseconds a database round trip took at the last heartbeat.
    pub database_latency: i32,
    /// Build version.
    pub version: String,
    /// What went wrong reaching peers; empty when nothing did.
    pub error: String,
    /// A coderd (workspace proxies register non-primary rows).
    pub primary: bool,
}

/// This process's replica and the live ones it last saw.
#[derive(Debug, Default)]
pub struct ReplicaView {
    me: RwLock<Option<Replica>>,
    live: RwLock<Vec<Replica>>,
}

impl ReplicaView {
    /// This process's replica, once registered.
    pub fn me(&self) -> Option<Replica> {
        self.me.read().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Counts replicas that have been up long enough to count against high availability.
fn counted(live: &[Replica], now: OffsetDateTime, grace: time::Duration) -> usize {
    live.iter().filter(|r| r.started_at <= now - grace).count()
}

impl App {
    /// Forgets replicas silent for longer than [`REPLICA_STALE_AFTER`] (a background job).
    pub fn purge_stale_replicas(&self) -> Result<()> {
        self.db_as(crate::authz::System::Background).delete_stale_replicas(crate::clock::now() - REPLICA_STALE_AFTER)
    }

    /// Registers this process at start-up and tells the other replicas.
    pub fn register_replica(&self, mut me: Replica) -> Result<()> {
        me.database_latency = self.database_latency()?;
        self.db_as(System::Background).upsert_replica(&me)?;
        *self.replicas.me.write().unwrap_or_else(|p| p.into_inner()) = Some(me);
        self.sync_replicas()?;
        self.db_as(System::Background).announce_replicas_changed()
    }

    /// One heartbeat: records that this process is alive (re-registering if another replica
    /// cleaned its row up), reloads the live replicas, and recomputes entitlements when the
    /// number that counts against high availability changed.
    pub fn replica_heartbeat(&self) -> Result<()> {
        let Some(mut me) = self.replicas.me() else { return Ok(()) };
        let now = crate::clock::now();
        let latency = self.database_latency()?;
        if !self.db_as(System::Background).heartbeat_replica(me.id, now, latency, &me.error)? {
            me.created_at = now;
            me.updated_at = now;
            me.database_latency = latency;
            self.db_as(System::Background).upsert_replica(&me)?;
        }
        self.sync_replicas()
    }

    /// Reloads the live replicas into the view (this replica's own row too), and recomputes
    /// entitlements when the number that counts against high availability is not the one the
    /// last computation used (a replica just passed its first minute, or went away).
    pub fn sync_replicas(&self) -> Result<()> {
        let now = crate::clock::now();
        let live = self.db_as(System::Background).live_replicas(now - REPLICA_STALE_AFTER)?;
        if let Some(me) = self.replicas.me() {
            if let Some(fresh) = live.iter().find(|r| r.id == me.id) {
                *self.replicas.me.write().unwrap_or_else(|p| p.into_inner()) = Some(fresh.clone());
            }
        }
        let counted_now = counted(&live, now, self.settings.licensing.replica_grace);
        *self.replicas.live.write().unwrap_or_else(|p| p.into_inner()) = live;
        if counted_now != self.licensing.replicas_counted.load(std::sync::atomic::Ordering::SeqCst) {
            self.refresh_entitlements()?;
        }
        Ok(())
    }

    /// Marks this process stopped (graceful shutdown) and tells the others.
    pub fn stop_replica(&self) -> Result<()> {
        let Some(me) = self.replicas.me() else { return Ok(()) };
        let db = self.db_as(System::Background);
        db.stop_replica(me.id, crate::clock::now())?;
        db.announce_replicas_changed()
    }

    /// `GET /replicas`: owners only (404 for others, as Coder hides it). Always includes this
    /// process, then the live primary replicas in start order.
    pub fn list_replicas(&self, actor: &Actor) -> Result<Vec<Replica>> {
        self.db(actor).require_visible(crate::rbac::action::READ, &Object::of(resource::REPLICAS))?;
        let me = self.replicas.me();
        let mut out: Vec<Replica> = me.iter().cloned().collect();
        for r in self.replicas.live.read().unwrap_or_else(|p| p.into_inner()).iter() {
            if me.as_ref().map(|m| m.id) != Some(r.id) {
                out.push(r.clone());
            }
        }
        Ok(out)
    }

    /// How long one database round trip takes, in microseconds.
    fn database_latency(&self) -> Result<i32> {
        let start = Instant::now();
        self.db_as(System::Background).get_site_config("deployment_id")?;
        Ok(start.elapsed().as_micros().min(i32::MAX as u128) as i32)
    }
}
