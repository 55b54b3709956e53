//! The change feed: committed writes that in-process caches must hear about, delivered to the
//! listeners of this process and to every other server process on the same database: on
//! PostgreSQL through `LISTEN/NOTIFY` on one channel, on SQLite through the `change_log` table,
//! which each process polls.
//!
//! A notification sent (or a log row written) inside a transaction is seen only if it commits,
//! which is exactly when the caches must drop what it changed. Each notification names the replica that sent it,
//! so a replica does not hear its own writes twice. A replica that loses its listening
//! connection may have missed notifications: it tells its listeners that everything changed,
//! then reconnects.

use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::{Connection, PgConnection, SqliteConnection};
use domain::store::{Change, ChangeListener};

/// The PostgreSQL notification channel of the feed.
pub const CHANNEL: &str = "coderd_changes";

/// How often the listening connection is polled for notifications: the bound on how late
/// another replica learns of a change.
const POLL: Duration = Duration::from_millis(100);

/// Listeners of this process and the id that marks this replica's notifications.
pub struct Feed {
    listeners: RwLock<Vec<Arc<dyn ChangeListener>>>,
    origin: String,
}

impl std::fmt::Debug for Feed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Feed").field("origin", &self.origin).finish()
    }
}

impl Feed {
    pub(crate) fn new() -> Self {
        Self { listeners: RwLock::new(Vec::new()), origin: uuid::Uuid::new_v4().simple().to_string() }
    }

    /// Adds a listener of this process.
    pub fn subscribe(&self, listener: Arc<dyn ChangeListener>) {
        self.listeners.write().unwrap_or_else(|p| p.into_inner()).push(listener);
    }

    /// Tells this process's listeners.
    pub(crate) fn publish(&self, changes: &[Change]) {
        if changes.is_empty() {
            return;
        }
        for l in self.listeners.read().unwrap_or_else(|p| p.into_inner()).iter() {
            l.changed(changes);
        }
    }

    /// The payload of a notification carrying `change` from this replica.
    pub(crate) fn payload(&self, change: &Change) -> String {
        format!("{} {}", self.origin, change.encode())
    }

    /// The change another replica sent, or `None` for this replica's own notifications.
    fn foreign(&self, payload: &str) -> Option<Change> {
        let (origin, change) = payload.split_once(' ').unwrap_or(("", payload));
        (origin != self.origin).then(|| Change::decode(change))
    }
}

/// How long SQLite's `change_log` keeps a row: far longer than any poll interval.
const LOG_RETENTION: Duration = Duration::from_secs(600);

/// Follows the changes other server processes write to SQLite's `change_log`, on a connection of
/// its own, until the feed is dropped.
pub fn follow_sqlite_log(path: String, feed: &Arc<Feed>) {
    let feed = Arc::downgrade(feed);
    let spawned = std::thread::Builder::new().name("coderd-change-log".into()).spawn(move || follow_loop(&path, &feed));
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start the change log follower");
    }
}

fn follow_loop(path: &str, feed: &Weak<Feed>) {
    use crate::schema::change_log;
    let mut conn = match SqliteConnection::establish(path).and_then(|mut c| {
        c.batch_execute("PRAGMA busy_timeout = 10000;").map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
        Ok(c)
    }) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "change log: cannot open the database");
            return;
        }
    };
    let mut last: i64 =
        change_log::table.select(diesel::dsl::max(change_log::id)).first::<Option<i64>>(&mut conn).ok().flatten().unwrap_or(0);
    let mut polls: u32 = 0;
    loop {
        std::thread::sleep(POLL);
        let Some(f) = feed.upgrade() else { return };
        match change_log::table
            .filter(change_log::id.gt(last))
            .order(change_log::id.asc())
            .select((change_log::id, change_log::payload))
            .load::<(i64, String)>(&mut conn)
        {
            Ok(rows) => {
                let changes: Vec<Change> = rows.iter().filter_map(|(_, p)| f.foreign(p)).collect();
                last = rows.last().map(|(id, _)| *id).unwrap_or(last);
                f.publish(&changes);
            }
            Err(e) => {
                tracing::warn!(error = %e, "change log: cannot read");
                f.publish(&[Change::Everything]);
            }
        }
        polls = polls.wrapping_add(1);
        if polls.is_multiple_of(600) {
            let horizon = crate::rows::to_db_time(domain::clock::now() - LOG_RETENTION);
            if let Err(e) = diesel::delete(change_log::table.filter(change_log::created_at.lt(horizon))).execute(&mut conn) {
                tracing::warn!(error = %e, "change log: cannot prune");
            }
        }
    }
}

/// Listens for other replicas' changes on a connection of its own, until the feed is dropped.
pub fn listen(url: String, feed: &Arc<Feed>) {
    let feed = Arc::downgrade(feed);
    let spawned = std::thread::Builder::new().name("coderd-change-feed".into()).spawn(move || listen_loop(&url, &feed));
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start the change feed listener");
    }
}

/// Tells this process's listeners that changes may have been missed.
fn drop_everything(feed: &Weak<Feed>) {
    if let Some(f) = feed.upgrade() {
        f.publish(&[Change::Everything]);
    }
}

fn listen_loop(url: &str, feed: &Weak<Feed>) {
    let mut connected_once = false;
    while feed.strong_count() > 0 {
        let mut conn = match PgConnection::establish(url).and_then(|mut c| {
            c.batch_execute(&format!("LISTEN {CHANNEL}")).map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
            Ok(c)
        }) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "change feed: cannot listen; retrying");
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
        };
        if connected_once {
            // Whatever was sent while we were away is lost.
            drop_everything(feed);
        }
        connected_once = true;
        let mut polls: u32 = 0;
        'poll: loop {
            let Some(f) = feed.upgrade() else { return };
            let mut changes = Vec::new();
            for n in conn.notifications_iter() {
                match n {
                    Ok(n) => changes.extend(f.foreign(&n.payload)),
                    Err(e) => {
                        tracing::warn!(error = %e, "change feed: connection lost; reconnecting");
                        drop_everything(feed);
                        break 'poll;
                    }
                }
            }
            f.publish(&changes);
            drop(f);
            // A connection that died without a word only shows when used.
            polls = polls.wrapping_add(1);
            if polls.is_multiple_of(50) && conn.batch_execute("SELECT 1").is_err() {
                tracing::warn!("change feed: connection lost; reconnecting");
                drop_everything(feed);
                break 'poll;
            }
            std::thread::sleep(POLL);
        }
    }
}
