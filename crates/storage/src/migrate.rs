//! Embedded migrations, one set per backend, applied at start-up.

use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::conn::DbConn;

const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// Brings the schema up to date. Refuses a database that has migrations this binary does not
/// know, since it was written by a newer version and this one could corrupt it.
///
/// On PostgreSQL a session advisory lock serializes replicas that start at the same time, so
/// only one of them applies a given migration.
pub fn run(conn: &mut DbConn) -> Result<Vec<String>, String> {
    match conn {
        DbConn::Pg(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
                .map_err(|e| format!("cannot take the migration lock: {e}"))?;
            let outcome = apply(c, POSTGRES);
            let unlocked = c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"));
            let done = outcome?;
            unlocked.map_err(|e| format!("cannot release the migration lock: {e}"))?;
            Ok(done)
        }
        DbConn::Sqlite(c) => apply(c, SQLITE),
    }
}

/// Arbitrary but fixed key of the PostgreSQL advisory lock held while migrating.
const MIGRATION_LOCK: i64 = 0x636f_6465_7264;

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
