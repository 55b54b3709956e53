//! Work a server does besides answering requests: keeping entitlements current (every 10
//! minutes, and at once when any replica changes licenses), heartbeating this replica (every 5
//! seconds, and at once when another replica starts or stops), forgetting long-dead replicas and
//! expired OAuth2 codes and tokens and week-old provisioner daemons, failing jobs whose daemon
//! vanished, and checking the health of workspace proxies (on an interval, and at once after any change).

use std::sync::Arc;
use std::time::Duration;

use domain::app::App;
use domain::store::{Change, ChangeListener};
use tokio::sync::Notify;

/// Coder's `EntitlementsUpdateInterval`.
const ENTITLEMENTS_INTERVAL: Duration = Duration::from_secs(600);
/// Coder's replica `UpdateInterval`.
const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(5);
/// How often running jobs are checked for a vanished daemon (Coder's hang detector runs every
/// 30 seconds).
const HANG_CHECK_INTERVAL: Duration = Duration::from_secs(30);
/// Coder's replica `CleanupInterval`.
const CLEANUP_INTERVAL: Duration = Duration::from_secs(1800);

/// Turns change-feed events into wake-ups of the loops below.
#[derive(Default)]
pub struct Wakeups {
    licenses: Notify,
    replicas: Notify,
    proxies: Notify,
}

/// Intervals that are settings.
#[derive(Debug, Clone, Copy)]
pub struct Intervals {
    /// `CODER_PROXY_HEALTH_INTERVAL` (at least 1 s; Coder treats 0 and less as one minute).
    pub proxy_health: Duration,
}

impl ChangeListener for Wakeups {
    fn changed(&self, changes: &[Change]) {
        for c in changes {
            match c {
                Change::Licenses => self.licenses.notify_one(),
                Change::Replicas => self.replicas.notify_one(),
                Change::Proxies => self.proxies.notify_one(),
                Change::Everything => {
                    self.licenses.notify_one();
                    self.replicas.notify_one();
                    self.proxies.notify_one();
                }
                _ => {}
            }
        }
    }
}

async fn run_blocking(app: &App, what: &'static str, f: fn(&App) -> domain::Result<()>) {
    let app = app.clone();
    match actix_web::rt::task::spawn_blocking(move || f(&app)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!(error = %e, "{what} failed"),
        Err(e) => tracing::warn!(error = %e, "{what} panicked"),
    }
}

/// Starts the loops on the current runtime; they end with it.
pub fn spawn(app: App, wakeups: Arc<Wakeups>, intervals: Intervals) {
    let (a, w) = (app.clone(), wakeups.clone());
    let every = if intervals.proxy_health.is_zero() { Duration::from_secs(60) } else { intervals.proxy_health };
    actix_web::rt::spawn(async move {
        loop {
            run_blocking(&a, "proxy health check", crate::proxy_health::check_all).await;
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = w.proxies.notified() => {}
            }
        }
    });
    let (a, w) = (app.clone(), wakeups.clone());
    actix_web::rt::spawn(async move {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(ENTITLEMENTS_INTERVAL) => {}
                _ = w.licenses.notified() => {}
            }
            run_blocking(&a, "entitlements refresh", |app| app.refresh_entitlements().map(|_| ())).await;
        }
    });
    let (a, w) = (app.clone(), wakeups);
    actix_web::rt::spawn(async move {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(HEARTBEAT_INTERVAL) => run_blocking(&a, "replica heartbeat", |app| app.replica_heartbeat()).await,
                _ = w.replicas.notified() => run_blocking(&a, "replica sync", |app| app.sync_replicas()).await,
            }
        }
    });
    let hang_app = app.clone();
    actix_web::rt::spawn(async move {
        loop {
            tokio::time::sleep(CLEANUP_INTERVAL).await;
            run_blocking(&app, "replica cleanup", |app| app.purge_stale_replicas()).await;
            run_blocking(&app, "OAuth2 cleanup", |app| app.purge_expired_oauth2()).await;
            run_blocking(&app, "provisioner daemon cleanup", |app| app.purge_old_daemons().map(|_| ())).await;
        }
    });
    actix_web::rt::spawn(async move {
        loop {
            tokio::time::sleep(HANG_CHECK_INTERVAL).await;
            run_blocking(&hang_app, "hung job detection", |app| app.fail_hung_jobs().map(|_| ())).await;
        }
    });
}
