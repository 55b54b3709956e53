//! [`DbRepo`]: the domain's [`Repo`] over diesel, one code path for both backends.
//!
//! A `DbRepo` either draws a pooled connection per call or, inside [`Repo::transaction`], holds
//! the one connection of the open transaction. SQLite transactions start with `BEGIN IMMEDIATE`
//! so that two writers queue on the busy timeout instead of failing when they upgrade a read
//! lock; PostgreSQL uses a plain `BEGIN`.

mod groups;
mod keys;
mod orgs;
mod site;
mod users;

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::Mutex;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use domain::store::Repo;
use domain::{Error, Result};

use crate::conn::{DbConn, DbPool};

enum Source<'a> {
    Pool(DbPool),
    Tx(Mutex<&'a mut DbConn>),
}

/// The diesel-backed store.
pub struct DbRepo<'a> {
    src: Source<'a>,
}

impl DbRepo<'static> {
    /// A store drawing connections from `pool`.
    pub fn new(pool: DbPool) -> Self {
        Self { src: Source::Pool(pool) }
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
        other => Error::internal("Internal error.", format!("database: {other}")),
    }
}

fn like_pattern(s: &str) -> String {
    let escaped: String =
        s.to_lowercase().chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
    format!("%{escaped}%")
}

impl DbRepo<'_> {
    fn with<R>(&self, f: impl FnOnce(&mut DbConn) -> QueryResult<R>) -> Result<R> {
        match &self.src {
            Source::Pool(pool) => {
                let mut conn = pool.get().map_err(|e| Error::internal("Internal error.", format!("database pool: {e}")))?;
                f(&mut conn).map_err(db_err)
            }
            Source::Tx(conn) => {
                let mut conn = conn.lock().map_err(|_| Error::internal("Internal error.", "transaction connection poisoned"))?;
                f(&mut conn).map_err(db_err)
            }
        }
    }
}

impl Repo for DbRepo<'_> {
    fn transaction(&self, f: &mut dyn FnMut(&dyn Repo) -> Result<()>) -> Result<()> {
        let pool = match &self.src {
            // Already in a transaction: join it.
            Source::Tx(_) => return f(self),
            Source::Pool(pool) => pool,
        };
        let mut conn = pool.get().map_err(|e| Error::internal("Internal error.", format!("database pool: {e}")))?;
        let begin = match &*conn {
            DbConn::Sqlite(_) => "BEGIN IMMEDIATE",
            DbConn::Pg(_) => "BEGIN",
        };
        conn.batch_execute(begin).map_err(db_err)?;
        let outcome = {
            let tx = DbRepo { src: Source::Tx(Mutex::new(&mut *conn)) };
            catch_unwind(AssertUnwindSafe(|| f(&tx)))
        };
        match outcome {
            Ok(Ok(())) => conn.batch_execute("COMMIT").map_err(db_err),
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
