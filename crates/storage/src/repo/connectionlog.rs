//! Connection logs.

use diesel::prelude::*;
use domain::connectionlog::{ConnectionLog, ConnectionLogFilter};
use domain::store::{ConnectionLogStore, Paged};
use domain::{Error, ErrorKind, Result};
use time::PrimitiveDateTime;

use super::DbRepo;
use crate::rows::*;
use crate::schema::*;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = connection_logs)]
struct LogRow {
    id: String,
    connect_time: PrimitiveDateTime,
    organization_id: String,
    workspace_owner_id: String,
    workspace_id: String,
    workspace_name: String,
    agent_name: String,
    #[diesel(column_name = type_)]
    kind: String,
    ip: Option<String>,
    code: Option<i32>,
    connection_id: Option<String>,
    disconnect_time: Option<PrimitiveDateTime>,
    disconnect_reason: Option<String>,
}

impl TryFrom<LogRow> for ConnectionLog {
    type Error = Error;
    fn try_from(r: LogRow) -> Result<Self> {
        Ok(ConnectionLog {
            id: parse_uuid(&r.id)?,
            connect_time: from_db_time(r.connect_time),
            organization_id: parse_uuid(&r.organization_id)?,
            workspace_owner_id: parse_uuid(&r.workspace_owner_id)?,
            workspace_id: parse_uuid(&r.workspace_id)?,
            workspace_name: r.workspace_name,
            agent_name: r.agent_name,
            kind: r.kind,
            ip: r.ip,
            code: r.code,
            connection_id: r.connection_id.map(|c| parse_uuid(&c)).transpose()?,
            disconnect_time: r.disconnect_time.map(from_db_time),
            disconnect_reason: r.disconnect_reason,
        })
    }
}

macro_rules! filtered {
    ($f:expr) => {{
        let f: &ConnectionLogFilter = $f;
        let mut q = connection_logs::table.into_boxed();
        if let Some(orgs) = &f.organization_ids {
            let ids: Vec<String> = orgs.iter().map(|o| o.to_string()).collect();
            q = q.filter(connection_logs::organization_id.eq_any(ids));
        }
        if let Some(o) = f.workspace_owner_id {
            q = q.filter(connection_logs::workspace_owner_id.eq(o.to_string()));
        }
        if let Some(k) = &f.kind {
            q = q.filter(connection_logs::type_.eq(k.clone()));
        }
        if let Some(t) = f.connected_after {
            q = q.filter(connection_logs::connect_time.ge(to_db_time(t)));
        }
        if let Some(t) = f.connected_before {
            q = q.filter(connection_logs::connect_time.le(to_db_time(t)));
        }
        if let Some(w) = f.workspace_id {
            q = q.filter(connection_logs::workspace_id.eq(w.to_string()));
        }
        if let Some(c) = f.connection_id {
            q = q.filter(connection_logs::connection_id.eq(c.to_string()));
        }
        if let Some(done) = f.completed {
            q = q.filter(connection_logs::type_.ne_all(vec!["workspace_app".to_string(), "port_forwarding".to_string()]));
            q = if done {
                q.filter(connection_logs::disconnect_time.is_not_null())
            } else {
                q.filter(connection_logs::disconnect_time.is_null())
            };
        }
        q
    }};
}

impl ConnectionLogStore for DbRepo<'_> {
    fn upsert_connection_log(&self, log: &ConnectionLog) -> Result<()> {
        let row = LogRow {
            id: log.id.to_string(),
            connect_time: to_db_time(log.connect_time),
            organization_id: log.organization_id.to_string(),
            workspace_owner_id: log.workspace_owner_id.to_string(),
            workspace_id: log.workspace_id.to_string(),
            workspace_name: log.workspace_name.clone(),
            agent_name: log.agent_name.clone(),
            kind: log.kind.clone(),
            ip: log.ip.clone(),
            code: log.code,
            connection_id: log.connection_id.map(|c| c.to_string()),
            disconnect_time: log.disconnect_time.map(to_db_time),
            disconnect_reason: log.disconnect_reason.clone(),
        };
        let merge = |c: &mut crate::conn::DbConn| -> QueryResult<usize> {
            let existing: Option<LogRow> = connection_logs::table
                .filter(connection_logs::connection_id.eq(&row.connection_id))
                .filter(connection_logs::workspace_id.eq(&row.workspace_id))
                .filter(connection_logs::agent_name.eq(&row.agent_name))
                .select(LogRow::as_select())
                .first(c)
                .optional()?;
            let Some(old) = existing else { return Ok(0) };
            let connect_time = old.connect_time.min(row.connect_time);
            let (disconnect_time, reason, code) = if old.disconnect_time.is_some() {
                (old.disconnect_time, old.disconnect_reason.clone(), old.code)
            } else {
                (row.disconnect_time, row.disconnect_reason.clone(), row.code.or(old.code))
            };
            diesel::update(connection_logs::table.find(&old.id))
                .set((
                    connection_logs::connect_time.eq(connect_time),
                    connection_logs::disconnect_time.eq(disconnect_time),
                    connection_logs::disconnect_reason.eq(reason),
                    connection_logs::code.eq(code),
                ))
                .execute(c)
        };
        let merged = self.with(|c| merge(c))?;
        if merged > 0 {
            return Ok(());
        }
        match self.with(|c| diesel::insert_into(connection_logs::table).values(&row).execute(c)) {
            Ok(_) => Ok(()),
            // The other event of the session was stored meanwhile: merge into it.
            Err(e) if e.kind == ErrorKind::Conflict => self.with(|c| merge(c)).map(|_| ()),
            Err(e) => Err(e),
        }
    }

    fn open_connections(&self) -> Result<Vec<(String, i64)>> {
        self.with(|c| {
            connection_logs::table
                .filter(connection_logs::disconnect_time.is_null())
                .group_by(connection_logs::type_)
                .select((connection_logs::type_, diesel::dsl::count_star()))
                .load::<(String, i64)>(c)
        })
    }

    fn connections_since(&self, since: time::OffsetDateTime) -> Result<Vec<(uuid::Uuid, time::OffsetDateTime)>> {
        let rows: Vec<(String, PrimitiveDateTime)> = self.with(|c| {
            connection_logs::table
                .filter(connection_logs::connect_time.ge(to_db_time(since)))
                .select((connection_logs::workspace_owner_id, connection_logs::connect_time))
                .distinct()
                .load(c)
        })?;
        Ok(rows.into_iter().filter_map(|(owner, at)| Some((uuid::Uuid::parse_str(&owner).ok()?, from_db_time(at)))).collect())
    }

    fn list_connection_logs(&self, f: &ConnectionLogFilter, limit: i64, offset: i64, count_cap: i64) -> Result<Paged<ConnectionLog>> {
        let counted: Vec<String> = self.with(|c| filtered!(f).select(connection_logs::id).limit(count_cap).load(c))?;
        let count = counted.len() as i64;
        if count == 0 {
            return Ok(Paged { items: Vec::new(), count: 0 });
        }
        let rows: Vec<LogRow> = self.with(|c| {
            filtered!(f)
                .order((connection_logs::connect_time.desc(), connection_logs::id.desc()))
                .limit(limit)
                .offset(offset)
                .select(LogRow::as_select())
                .load(c)
        })?;
        Ok(Paged { items: convert_all(rows)?, count })
    }
}
