//! The replicas table: one row per server process.

use diesel::prelude::*;
use domain::replicas::Replica;
use domain::store::{Change, ReplicaStore};
use domain::Result;
use time::{OffsetDateTime, PrimitiveDateTime};
use uuid::Uuid;

use super::DbRepo;
use crate::rows::*;
use crate::schema::*;

/// A `replicas` row.
#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug, Clone)]
#[diesel(table_name = replicas, treat_none_as_null = true)]
struct ReplicaRow {
    id: String,
    created_at: PrimitiveDateTime,
    started_at: PrimitiveDateTime,
    stopped_at: Option<PrimitiveDateTime>,
    updated_at: PrimitiveDateTime,
    hostname: String,
    region_id: i32,
    relay_address: String,
    database_latency: i32,
    version: String,
    error: String,
    is_primary: bool,
}

impl From<&Replica> for ReplicaRow {
    fn from(r: &Replica) -> Self {
        Self {
            id: r.id.to_string(),
            created_at: to_db_time(r.created_at),
            started_at: to_db_time(r.started_at),
            stopped_at: r.stopped_at.map(to_db_time),
            updated_at: to_db_time(r.updated_at),
            hostname: r.hostname.clone(),
            region_id: r.region_id,
            relay_address: r.relay_address.clone(),
            database_latency: r.database_latency,
            version: r.version.clone(),
            error: r.error.clone(),
            is_primary: r.primary,
        }
    }
}

impl TryFrom<ReplicaRow> for Replica {
    type Error = domain::Error;
    fn try_from(r: ReplicaRow) -> Result<Self> {
        Ok(Replica {
            id: parse_uuid(&r.id)?,
            created_at: from_db_time(r.created_at),
            started_at: from_db_time(r.started_at),
            stopped_at: r.stopped_at.map(from_db_time),
            updated_at: from_db_time(r.updated_at),
            hostname: r.hostname,
            region_id: r.region_id,
            relay_address: r.relay_address,
            database_latency: r.database_latency,
            version: r.version,
            error: r.error,
            primary: r.is_primary,
        })
    }
}

impl ReplicaStore for DbRepo<'_> {
    fn upsert_replica(&self, replica: &Replica) -> Result<()> {
        let row = ReplicaRow::from(replica);
        self.with(|c| {
            let n = diesel::update(replicas::table.find(&row.id)).set(&row).execute(c)?;
            if n == 0 {
                diesel::insert_into(replicas::table).values(&row).execute(c)?;
            }
            Ok(())
        })
    }

    fn heartbeat_replica(&self, id: Uuid, at: OffsetDateTime, database_latency: i32, error: &str) -> Result<bool> {
        let n = self.with(|c| {
            diesel::update(replicas::table.find(id.to_string()))
                .set((replicas::updated_at.eq(to_db_time(at)), replicas::database_latency.eq(database_latency), replicas::error.eq(error)))
                .execute(c)
        })?;
        Ok(n > 0)
    }

    fn live_replicas(&self, after: OffsetDateTime) -> Result<Vec<Replica>> {
        let rows: Vec<ReplicaRow> = self.with(|c| {
            replicas::table
                .filter(replicas::updated_at.gt(to_db_time(after)))
                .filter(replicas::stopped_at.is_null())
                .filter(replicas::is_primary.eq(true))
                .order((replicas::started_at.asc(), replicas::id.asc()))
                .select(ReplicaRow::as_select())
                .load(c)
        })?;
        convert_all(rows)
    }

    fn stop_replica(&self, id: Uuid, at: OffsetDateTime) -> Result<()> {
        self.with(|c| {
            diesel::update(replicas::table.find(id.to_string()))
                .set((
                    replicas::stopped_at.eq(Some(to_db_time(at))),
                    replicas::is_primary.eq(false),
                    replicas::database_latency.eq(0),
                    replicas::updated_at.eq(to_db_time(at)),
                ))
                .execute(c)
                .map(|_| ())
        })
    }

    fn delete_stale_replicas(&self, before: OffsetDateTime) -> Result<()> {
        self.with(|c| diesel::delete(replicas::table.filter(replicas::updated_at.lt(to_db_time(before)))).execute(c).map(|_| ()))
    }

    fn announce_replicas_changed(&self) -> Result<()> {
        self.changed(Change::Replicas)
    }

    fn replica_by_id(&self, id: Uuid) -> Result<Option<Replica>> {
        let row: Option<ReplicaRow> =
            self.with(|c| replicas::table.find(id.to_string()).select(ReplicaRow::as_select()).first(c).optional())?;
        row.map(Replica::try_from).transpose()
    }

    fn live_proxy_replicas(&self, after: OffsetDateTime) -> Result<Vec<Replica>> {
        let rows: Vec<ReplicaRow> = self.with(|c| {
            replicas::table
                .filter(replicas::updated_at.gt(to_db_time(after)))
                .filter(replicas::stopped_at.is_null())
                .filter(replicas::is_primary.eq(false))
                .order((replicas::started_at.asc(), replicas::id.asc()))
                .select(ReplicaRow::as_select())
                .load(c)
        })?;
        convert_all(rows)
    }
}
