//! Embedded migrations, one set per backend, applied at start-up.

use diesel::migration::MigrationSource;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::conn::DbConn;

const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// Brings the schema up to date. Refuses a database that has migrations this binary does not
/// know, since it was written by a newer version and this one could corrupt it.
pub fn run(conn: &mut DbConn) -> Result<Vec<String>, String> {
    match conn {
        DbConn::Pg(c) => apply(c, POSTGRES),
        DbConn::Sqlite(c) => apply(c, SQLITE),
    }
}

fn apply<C>(conn: &mut C, source: EmbeddedMigrations) -> Result<Vec<String>, String>
where
    C: MigrationHarness<C::Backend> + diesel::Connection,
    EmbeddedMigrations: MigrationSource<C::Backend>,
{
    let known: Vec<String> = MigrationSource::<C::Backend>::migrations(&source)
        .map_err(|e| format!("cannot read embedded migrations: {e}"))?
        .iter()
        .map(|m| m.name().version().to_string())
        .collect();
    let applied = conn.applied_migrations().map_err(|e| format!("cannot read applied migrations: {e}"))?;
    if let Some(unknown) = applied.iter().map(|v| v.to_string()).find(|v| !known.contains(v)) {
        return Err(format!(
            "the database has migration {unknown}, which this binary does not know: it was written by a newer coderd; upgrade this binary"
        ));
    }
    let done = conn.run_pending_migrations(source).map_err(|e| format!("migration failed: {e}"))?;
    Ok(done.iter().map(|v| v.to_string()).collect())
}
