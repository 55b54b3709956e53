//! diesel + r2d2 storage for the Coder control plane, over SQLite (embedded default) and
//! PostgreSQL (production, several replicas on one database), with one query code path.

#![warn(missing_docs)]

pub mod conn;
pub mod feed;
pub mod migrate;
pub mod repo;
pub(crate) mod rows;
pub(crate) mod schema;

pub use conn::{open_pool, Backend, DbConn, DbPool};
pub use repo::{DbRepo, SeedUser};

/// Opens the database at `url`, applies pending migrations and returns a ready store.
pub fn open(url: &str, pool_size: u32) -> Result<(DbRepo<'static>, Backend), String> {
    let pool = open_pool(url, pool_size)?;
    let mut conn = pool.get().map_err(|e| format!("cannot connect to the database: {e}"))?;
    migrate::run(&mut conn)?;
    drop(conn);
    let backend = Backend::of_url(url);
    let repo = DbRepo::new(pool, backend);
    match backend {
        Backend::Postgres => feed::listen(url.to_string(), repo.feed()),
        Backend::Sqlite => feed::follow_sqlite_log(url.strip_prefix("sqlite://").unwrap_or(url).to_string(), repo.feed()),
    }
    Ok((repo, backend))
}
