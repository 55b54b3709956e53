//! The server's own daemons (`CODER_PROVISIONER_DAEMONS`): they take `echo` jobs of the default
//! organization from the same queue external daemons use and run them in-process.

use std::sync::Arc;
use std::time::Duration;

use domain::app::App;
use domain::provisioners::Daemon;

use super::wakeup::JobWakeup;

/// Idle built-in daemons look for work at least this often.
const POLL: Duration = Duration::from_secs(5);

async fn blocking<T: Send + 'static>(app: &App, f: impl FnOnce(&App) -> domain::Result<T> + Send + 'static) -> domain::Result<T> {
    let app = app.clone();
    actix_web::rt::task::spawn_blocking(move || f(&app))
        .await
        .unwrap_or_else(|_| Err(domain::Error::internal("Internal error.", "built-in provisioner task panicked")))
}

/// Starts `count` daemons running `types` on the current runtime; they end with it.
pub fn spawn(app: App, wakeup: Arc<JobWakeup>, host: String, count: usize, types: Vec<String>) {
    if types.is_empty() {
        return;
    }
    for i in 0..count {
        let (app, wakeup, types) = (app.clone(), wakeup.clone(), types.clone());
        let name = format!("{host}-built-in-{i}");
        actix_web::rt::spawn(async move { run(app, wakeup, name, types).await });
    }
}

async fn run(app: App, wakeup: Arc<JobWakeup>, name: String, types: Vec<String>) {
    let mut woken = wakeup.subscribe();
    let mut daemon: Option<Daemon> = None;
    let mut last_heartbeat = tokio::time::Instant::now();
    loop {
        woken.borrow_and_update();
        if daemon.is_none() {
            let (n, t) = (name.clone(), types.clone());
            match blocking(&app, move |app| app.register_builtin_daemon(&n, &t)).await {
                Ok(d) => daemon = d,
                Err(e) => tracing::warn!(error = %e, "could not register a built-in provisioner daemon"),
            }
        }
        if let Some(d) = daemon.clone() {
            if last_heartbeat.elapsed() >= domain::provisioners::daemons::HEARTBEAT {
                let id = d.id;
                let _ = blocking(&app, move |app| app.daemon_heartbeat(id)).await;
                last_heartbeat = tokio::time::Instant::now();
            }
            let worker = d.clone();
            match blocking(&app, move |app| app.acquire_job(&worker)).await {
                Ok(Some(job)) => {
                    let (worker, job_id) = (d.clone(), job.job_id.clone());
                    if let Err(e) = blocking(&app, move |app| app.run_echo_job(&worker, job)).await {
                        tracing::warn!(error = %e, "built-in provisioner job failed to report");
                        let worker = d.clone();
                        let failed = domain::provisioners::proto::provisionerd::FailedJob {
                            job_id,
                            error: format!("the built-in provisioner could not report the job: {}", e.message),
                            ..Default::default()
                        };
                        let _ = blocking(&app, move |app| app.fail_job(&worker, failed)).await;
                    }
                    continue;
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "built-in provisioner could not acquire a job"),
            }
        }
        tokio::select! {
            _ = woken.changed() => {}
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}
