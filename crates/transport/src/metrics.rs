//! Prometheus metrics with Coder's names: requests processed (by status, method and route
//! template), request latencies, requests in flight, the license's user counts (Coder's
//! `coderd_license_*` gauges), and the database pool (the names of Go's `sql.DBStats` collector,
//! which Coder exports). Served on their own address (`CODER_PROMETHEUS_ADDRESS`) when
//! `CODER_PROMETHEUS_ENABLE` is set.

use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder};

/// Reports the database pool: (open connections, idle connections, the most allowed).
pub type PoolGauge = Arc<dyn Fn() -> (u32, u32, u32) + Send + Sync>;

/// The registry and the request metrics.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latencies: HistogramVec,
    concurrent: IntGauge,
    license_active: IntGauge,
    license_limit: IntGauge,
    license_enabled: IntGauge,
    pool: [IntGauge; 4],
    pool_state: Option<PoolGauge>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// Registers the metrics.
    pub fn new(pool_state: Option<PoolGauge>) -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("api_requests_processed_total", "The total number of processed API requests").namespace("coderd"),
            &["code", "method", "path"],
        )?;
        let latencies = HistogramVec::new(
            HistogramOpts::new("api_request_latencies_seconds", "Latency distribution of requests in seconds.")
                .namespace("coderd")
                .buckets(vec![0.001, 0.005, 0.010, 0.025, 0.050, 0.100, 0.500, 1.0, 5.0, 10.0, 30.0]),
            &["method", "path"],
        )?;
        let concurrent =
            IntGauge::with_opts(Opts::new("api_concurrent_requests", "The number of concurrent API requests.").namespace("coderd"))?;
        let gauge = |name: &str, help: &str| IntGauge::with_opts(Opts::new(name, help));
        let license_active = gauge("coderd_license_active_users", "The number of active users.")?;
        let license_limit = gauge("coderd_license_limit_users", "The user seats limit based on the active Coder license.")?;
        let license_enabled = gauge("coderd_license_user_limit_enabled", "Returns 1 if the current license enforces the user limit.")?;
        let pool = [
            gauge("go_sql_open_connections", "The number of established connections both in use and idle.")?,
            gauge("go_sql_idle_connections", "The number of idle connections.")?,
            gauge("go_sql_in_use_connections", "The number of connections currently in use.")?,
            gauge("go_sql_max_open_connections", "Maximum number of open connections to the database.")?,
        ];
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latencies.clone()))?;
        registry.register(Box::new(concurrent.clone()))?;
        for g in [&license_active, &license_limit, &license_enabled].into_iter().chain(pool.iter()) {
            registry.register(Box::new(g.clone()))?;
        }
        Ok(Self { registry, requests, latencies, concurrent, license_active, license_limit, license_enabled, pool, pool_state })
    }

    /// The exposition text, with the gauges that are read at scrape time brought up to date.
    pub fn render(&self, app: &domain::app::App) -> String {
        let users = app.entitlements().features.get(&domain::licensing::Feature::UserLimit).cloned();
        if let Some(u) = users {
            self.license_active.set(u.actual.unwrap_or(0));
            self.license_limit.set(u.limit.unwrap_or(0));
            self.license_enabled.set(i64::from(u.enabled));
        }
        if let Some(state) = &self.pool_state {
            let (open, idle, max) = state();
            self.pool[0].set(i64::from(open));
            self.pool[1].set(i64::from(idle));
            self.pool[2].set(i64::from(open.saturating_sub(idle)));
            self.pool[3].set(i64::from(max));
        }
        let mut out = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Counts and times every request (by route template, so ids do not explode the labels).
pub async fn observe(req: ServiceRequest, next: Next<impl MessageBody>) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let metrics = req.app_data::<web::Data<Arc<Metrics>>>().cloned();
    let Some(metrics) = metrics else { return next.call(req).await };
    let method = req.method().to_string();
    let path = req.match_pattern().unwrap_or_else(|| "unknown".into());
    metrics.concurrent.inc();
    let start = Instant::now();
    let res = next.call(req).await;
    metrics.concurrent.dec();
    let code = match &res {
        Ok(r) => r.status().as_u16(),
        Err(e) => e.as_response_error().status_code().as_u16(),
    };
    metrics.requests.with_label_values(&[&code.to_string(), &method, &path]).inc();
    metrics.latencies.with_label_values(&[&method, &path]).observe(start.elapsed().as_secs_f64());
    res
}
