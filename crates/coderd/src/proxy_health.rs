//! One health run over every workspace proxy: `GET <url>/healthz-report` with a 5-second timeout,
//! at most five at a time, as Coder's `proxyhealth` does. What each answer means is the domain's
//! ([`domain::proxies::status_of_probe`]); this module only makes the requests.

use std::collections::HashMap;
use std::io::Read;
use std::time::Duration;

use domain::app::App;
use domain::proxies::{status_of_probe, Probe, ProxyStatus, WorkspaceProxy};

const TIMEOUT: Duration = Duration::from_secs(5);
const PARALLEL: usize = 5;
/// Health reports are small; a larger answer is not a proxy's.
const MAX_BODY: u64 = 64 * 1024;

fn probe(agent: &ureq::Agent, proxy: &WorkspaceProxy) -> Probe {
    if proxy.url.is_empty() {
        return Probe::Unregistered;
    }
    let url = format!("{}/healthz-report", proxy.url.trim_end_matches('/'));
    match agent.get(&url).call() {
        Err(e) => Probe::Failed(e.to_string()),
        Ok(mut resp) => {
            let status = resp.status().as_u16();
            let coder_header = resp.headers().contains_key("X-Coder-Build-Version");
            let mut body = Vec::new();
            let _ = resp.body_mut().as_reader().take(MAX_BODY).read_to_end(&mut body);
            Probe::Answered { status, coder_header, body }
        }
    }
}

/// Checks every live proxy and records the results on this replica.
pub fn check_all(app: &App) -> domain::Result<()> {
    let started = domain::clock::now();
    let proxies = app.proxies_to_check()?;
    let agent: ureq::Agent = ureq::Agent::config_builder().timeout_global(Some(TIMEOUT)).http_status_as_error(false).build().into();
    let mut results = HashMap::new();
    for chunk in proxies.chunks(PARALLEL) {
        let statuses: Vec<(uuid::Uuid, ProxyStatus)> = std::thread::scope(|s| {
            let handles: Vec<_> = chunk.iter().map(|p| (p, s.spawn(|| status_of_probe(&p.url, probe(&agent, p), started)))).collect();
            handles.into_iter().filter_map(|(p, h)| h.join().ok().map(|st| (p.id, st))).collect()
        });
        results.extend(statuses);
    }
    app.proxy_health.record(results);
    Ok(())
}
