//! [`DbRepo`]: the domain's [`Repo`] over diesel, one code path for both backends.
//!
//! A `DbRepo` either draws a pooled connection per call or, inside [`Repo::transaction`], holds
//! the one connection of the open transaction. SQLite transactions start with `BEGIN IMMEDIATE`
//! so that two writers queue on the busy timeout instead of failing when they upgrade a read
//! lock; PostgreSQL uses a plain `BEGIN`.

mod bulk;
mod connectionlog;
mod externallogin;
mod fragments;
mod groups;
mod inbox;
mod keys;
mod licensing;
mod notifications;
mod oauth2;
mod orgs;
mod plans;
mod provisioners;
mod proxies;
mod replicas;
mod scim;
mod site;
mod templates;
mod users;
mod workspaces;

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use domain::store::{Change, Repo};
use domain::{Error, Result};

use crate::conn::{Backend, DbConn, DbPool};
use crate::feed::{Feed, CHANNEL};

pub use bulk::SeedUser;

enum Source<'a> {
    Pool(DbPool),
    Tx(TxState<'a>),
}

/// An open transaction: its connection, the changes to publish once it commits, and the users
/// it created (whose changes nobody can have cached, so they are not published).
struct TxState<'a> {
    conn: Mutex<&'a mut DbConn>,
    pending: Mutex<Vec<Change>>,
    new_users: Mutex<Vec<uuid::Uuid>>,
}

/// The diesel-backed store.
pub struct DbRepo<'a> {
    src: Source<'a>,
    feed: Arc<Feed>,
    /// SQLite has one writer at a time: its transactions queue here, in process and before
    /// they take a pooled connection, rather than sleeping in SQLite's busy handler, whose
    /// back-off wastes most of the time under load. `None` on PostgreSQL.
    sqlite_writer: Option<Arc<Mutex<()>>>,
    backend: Backend,
}

impl DbRepo<'static> {
    /// A store drawing connections from `pool`, which holds connections to `backend`.
    pub fn new(pool: DbPool, backend: Backend) -> Self {
        let sqlite_writer = (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(())));
        Self { src: Source::Pool(pool), feed: Arc::new(Feed::new()), sqlite_writer, backend }
    }

    /// The connection pool, for its gauges (`None` inside a transaction).
    pub fn pool(&self) -> Option<DbPool> {
        match &self.src {
            Source::Pool(p) => Some(p.clone()),
            Source::Tx(_) => None,
        }
    }

    /// The feed of committed changes this store publishes; subscribe caches to it.
    pub fn feed(&self) -> &Arc<Feed> {
        &self.feed
    }
}

/// Maps diesel failures onto the domain's error: unique violations are conflicts, the rest are
/// internal errors carrying the database's words.
fn db_err(e: DieselError) -> Error {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            Error::conflict("A resource with these values already exists.").with_detail(info.message().to_string())
        }
        DieselError::NotFound => Error::not_found(),
        DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand, info) => {
            Error::new(domain::ErrorKind::Unavailable, "The database is unavailable.").with_detail(info.message().to_string())
        }
        other => Error::internal("Internal error.", format!("database: {other}")),
    }
}

/// No connection could be had from the pool in time: the database is down or saturated.
fn unavailable(e: diesel::r2d2::PoolError) -> Error {
    Error::new(domain::ErrorKind::Unavailable, "The database is unavailable.").with_detail(format!("database pool: {e}"))
}

fn like_pattern(s: &str) -> String {
    let escaped: String =
        s.to_lowercase().chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
    format!("%{escaped}%")
}

impl DbRepo<'_> {
    /// Which database this store talks to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs statements as they are written: for tools that seed or maintain a database (the
    /// benchmark, the plan tests), never for a request.
    pub fn execute_sql(&self, sql: &str) -> Result<()> {
        self.with(|c| c.batch_execute(sql))
    }

    /// Notes a user created by the open transaction, if any.
    fn created_user(&self, id: uuid::Uuid) {
        if let Source::Tx(tx) = &self.src {
            tx.new_users.lock().unwrap_or_else(|p| p.into_inner()).push(id);
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut DbConn) -> QueryResult<R>) -> Result<R> {
        match &self.src {
            Source::Pool(pool) => {
                let mut conn = pool.get().map_err(unavailable)?;
                f(&mut conn).map_err(db_err)
            }
            Source::Tx(tx) => {
                let mut conn = tx.conn.lock().map_err(|_| Error::internal("Internal error.", "transaction connection poisoned"))?;
                f(&mut conn).map_err(db_err)
            }
        }
    }

    /// Records that a write changed what caches hold. Outside a transaction the write has
    /// committed, so listeners hear at once; inside one they hear after the commit. Other
    /// replicas hear through a notification, which PostgreSQL delivers only on commit.
    fn changed(&self, change: Change) -> Result<()> {
        if let (Source::Tx(tx), Change::User(id)) = (&self.src, &change) {
            if tx.new_users.lock().unwrap_or_else(|p| p.into_inner()).contains(id) {
                return Ok(());
            }
        }
        let payload = self.feed.payload(&change);
        self.with(|c| match c {
            DbConn::Pg(pg) => diesel::sql_query("SELECT pg_notify($1, $2)")
                .bind::<diesel::sql_types::Text, _>(CHANNEL)
                .bind::<diesel::sql_types::Text, _>(&payload)
                .execute(pg)
                .map(|_| ()),
            DbConn::Sqlite(c) => diesel::insert_into(crate::schema::change_log::table)
                .values((
                    crate::schema::change_log::payload.eq(&payload),
                    crate::schema::change_log::created_at.eq(crate::rows::to_db_time(domain::clock::now())),
                ))
                .execute(c)
                .map(|_| ()),
        })?;
        match &self.src {
            Source::Pool(_) => self.feed.publish(&[change]),
            Source::Tx(tx) => tx.pending.lock().unwrap_or_else(|p| p.into_inner()).push(change),
        }
        Ok(())
    }
}

impl Repo for DbRepo<'_> {
    fn transaction(&self, f: &mut dyn FnMut(&dyn Repo) -> Result<()>) -> Result<()> {
        let pool = match &self.src {
            // Already in a transaction: join it.
            Source::Tx(..) => return f(self),
            Source::Pool(pool) => pool,
        };
        let _writer = self.sqlite_writer.as_ref().map(|w| w.lock().unwrap_or_else(|p| p.into_inner()));
        let mut conn = pool.get().map_err(unavailable)?;
        let begin = match &*conn {
            DbConn::Sqlite(_) => "BEGIN IMMEDIATE",
            DbConn::Pg(_) => "BEGIN",
        };
        conn.batch_execute(begin).map_err(db_err)?;
        let (outcome, pending) = {
            let tx = DbRepo {
                src: Source::Tx(TxState {
                    conn: Mutex::new(&mut *conn),
                    pending: Mutex::new(Vec::new()),
                    new_users: Mutex::new(Vec::new()),
                }),
                feed: self.feed.clone(),
                sqlite_writer: self.sqlite_writer.clone(),
                backend: self.backend,
            };
            let outcome = catch_unwind(AssertUnwindSafe(|| f(&tx)));
            let pending = match tx.src {
                Source::Tx(tx) => tx.pending.into_inner().unwrap_or_else(|p| p.into_inner()),
                Source::Pool(_) => Vec::new(),
            };
            (outcome, pending)
        };
        match outcome {
            Ok(Ok(())) => {
                conn.batch_execute("COMMIT").map_err(db_err)?;
                self.feed.publish(&pending);
                Ok(())
            }
            Ok(Err(e)) => {
                conn.batch_execute("ROLLBACK").map_err(db_err)?;
                Err(e)
            }
            Err(panic) => {
                let _ = conn.batch_execute("ROLLBACK");
                resume_unwind(panic)
            }
        }
    }
}
