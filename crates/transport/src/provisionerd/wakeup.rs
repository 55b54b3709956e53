//! Wakes waiters when the change feed reports what they wait for, on any replica: idle daemons
//! when a job is queued (`ProvisionerJobs`), inbox `watch` sockets when a user receives a
//! notification (`Inbox`), so they act at once instead of at their next poll.

use domain::store::{Change, ChangeListener};
use tokio::sync::watch;

/// A counter bumped on every change it waits for; waiters watch it.
#[derive(Debug)]
pub struct Wakeup {
    tx: watch::Sender<u64>,
    wakes_on: fn(&Change) -> bool,
}

/// The wakeup of daemons waiting for work.
pub type JobWakeup = Wakeup;

impl Wakeup {
    fn on(wakes_on: fn(&Change) -> bool) -> Self {
        Self { tx: watch::channel(0).0, wakes_on }
    }

    /// Wakes when a job is queued or cancelled.
    pub fn for_jobs() -> Self {
        Self::on(|c| matches!(c, Change::ProvisionerJobs | Change::Everything))
    }

    /// Wakes when any user receives an inbox notification (each watcher looks for its own).
    pub fn for_inbox() -> Self {
        Self::on(|c| matches!(c, Change::Inbox(_) | Change::Everything))
    }

    /// A receiver; take it before looking, then wait on `changed()`.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.tx.subscribe()
    }

    /// Wakes every waiter.
    pub fn wake(&self) {
        self.tx.send_modify(|n| *n = n.wrapping_add(1));
    }
}

impl ChangeListener for Wakeup {
    fn changed(&self, changes: &[Change]) {
        if changes.iter().any(self.wakes_on) {
            self.wake();
        }
    }
}
