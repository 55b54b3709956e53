//! Wakes daemons waiting for work when a job is queued on any replica (the change feed's
//! `ProvisionerJobs`), so an idle daemon takes a new job at once instead of at its next poll.

use domain::store::{Change, ChangeListener};
use tokio::sync::watch;

/// A counter bumped on every queued job; waiters watch it.
#[derive(Debug)]
pub struct JobWakeup {
    tx: watch::Sender<u64>,
}

impl Default for JobWakeup {
    fn default() -> Self {
        Self { tx: watch::channel(0).0 }
    }
}

impl JobWakeup {
    /// A receiver; take it before looking for work, then wait on `changed()`.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.tx.subscribe()
    }

    /// Wakes every waiter.
    pub fn wake(&self) {
        self.tx.send_modify(|n| *n = n.wrapping_add(1));
    }
}

impl ChangeListener for JobWakeup {
    fn changed(&self, changes: &[Change]) {
        if changes.iter().any(|c| matches!(c, Change::ProvisionerJobs | Change::Everything)) {
            self.wake();
        }
    }
}
