//! One connection type over both backends, and the pool that hands them out.
//!
//! The URL decides the backend: `postgres://` (or `postgresql://`) is PostgreSQL, anything else
//! is a path to an SQLite file. SQLite connections are set up for a server: WAL journal,
//! foreign keys on and a busy timeout so concurrent writers wait instead of failing.

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel::{Connection, PgConnection, SqliteConnection};

/// The multi-backend connection, in a module of its own because the derive generates public
/// helper items (the `MultiBackend` type among them) that carry no documentation.
#[allow(missing_docs)]
mod multi {
    use diesel::{PgConnection, SqliteConnection};

    /// A connection to either backend; queries written once run on both.
    #[derive(diesel::MultiConnection)]
    pub enum DbConn {
        /// PostgreSQL, for production and multi-replica deployments.
        Pg(PgConnection),
        /// Embedded SQLite, the zero-setup default.
        Sqlite(SqliteConnection),
    }
}

pub use multi::{DbConn, MultiBackend};

/// The r2d2 pool of [`DbConn`].
pub type DbPool = Pool<ConnectionManager<DbConn>>;

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
}

impl Backend {
    /// Decides the backend from a connection URL.
    pub fn of_url(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// Session settings of every pooled connection.
///
/// SQLite: WAL, foreign keys, a busy timeout, and bounded memory: a 1 MiB page cache per
/// connection and no memory map, so the server's footprint does not grow with the database.
///
/// PostgreSQL: `random_page_cost = 1.1`, the usual value for SSDs and a cached working set.
/// With the default of 4 the planner reads `users` whole to count or page the members of a
/// group or organization holding a percent of the users, a cost that grows with the table;
/// with 1.1 it looks them up through the primary key.
#[derive(Debug)]
struct SessionSetup;

impl CustomizeConnection<DbConn, diesel::r2d2::Error> for SessionSetup {
    fn on_acquire(&self, conn: &mut DbConn) -> Result<(), diesel::r2d2::Error> {
        let setup = match conn {
            DbConn::Sqlite(_) => {
                "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                 PRAGMA cache_size = -1024; PRAGMA mmap_size = 0;"
            }
            DbConn::Pg(_) => "SET random_page_cost = 1.1",
        };
        if let DbConn::Sqlite(c) = conn {
            coderd_fold_utils::register_impl(c, |text: String| fold(&text)).map_err(diesel::r2d2::Error::QueryError)?;
        }
        conn.batch_execute(setup).map_err(diesel::r2d2::Error::QueryError)
    }
}

diesel::define_sql_function! {
    /// SQLite only: the text case-folded as [`fold`] does; SQLite's own `lower` folds ASCII only.
    /// It checks the candidates of a trigram search, which folds case over all of Unicode.
    fn coderd_fold(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// The case-folding of substring search on SQLite: Unicode lower case, close to the trigram
/// tokenizer's own folding, so that `Élodie` is found by `élodie` as on PostgreSQL.
pub(crate) fn fold(text: &str) -> String {
    text.to_lowercase()
}

/// Opens a pool of `size` connections. One connection is made first with the concrete backend,
/// so a bad URL or an unreachable server fails at once with the driver's own words (the
/// multi-backend connection would only say the URL fits no backend, after retrying for the
/// pool's whole timeout).
pub fn open_pool(url: &str, size: u32) -> Result<DbPool, String> {
    let backend = Backend::of_url(url);
    let url = match backend {
        Backend::Postgres => url.to_string(),
        Backend::Sqlite => url.strip_prefix("sqlite://").unwrap_or(url).to_string(),
    };
    match backend {
        Backend::Postgres => PgConnection::establish(&url)
            .map(drop)
            .map_err(|e| format!("cannot connect to PostgreSQL: {}", e.to_string().split_whitespace().collect::<Vec<_>>().join(" ")))?,
        // WAL is a property of the database file: set once here, not on every new connection
        // (where it takes a lock, and fails while another process holds a long write).
        Backend::Sqlite => SqliteConnection::establish(&url)
            .and_then(|mut c| {
                c.batch_execute("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL")
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)
            })
            .map_err(|e| format!("cannot open SQLite database {url}: {e}"))?,
    }
    let manager = ConnectionManager::<DbConn>::new(url);
    Pool::builder()
        .max_size(size.max(1))
        .min_idle(Some(size.clamp(1, 2)))
        // A request waits at most this long for a connection; past it the database counts as
        // unavailable (503) rather than the request hanging.
        .connection_timeout(std::time::Duration::from_secs(5))
        // No `SELECT 1` before every checkout: it is a round trip per request. A connection
        // that broke is seen by its first failing statement, and the pool then drops it.
        .test_on_check_out(false)
        .connection_customizer(Box::new(SessionSetup))
        .build(manager)
        .map_err(|e| format!("cannot connect to the database: {e}"))
}
