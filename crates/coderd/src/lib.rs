//! Wiring: configuration in, a running HTTP server out. The binary and the black-box tests both
//! start the server through [`prepare`].

#![warn(missing_docs)]

pub mod background;
pub mod config;
pub mod deployment_options;
pub use domain::duration;
pub mod externallogin;
pub mod license_cli;
pub mod proxy_health;

use std::net::SocketAddr;
use std::sync::Arc;

use actix_web::middleware::{from_fn, ErrorHandlers};
use actix_web::{web, HttpServer};
use domain::app::{App, Settings};
use domain::licensing::Feature;
use transport::state::{ServerInfo, State};

use crate::config::{DatabaseArgs, ServerArgs};

/// The version this build reports, in Coder's `v`-prefixed form.
pub const VERSION: &str = concat!("v", env!("CARGO_PKG_VERSION"));

/// Opens the database and applies migrations.
pub fn open_store(db: &DatabaseArgs) -> Result<storage::DbRepo<'static>, String> {
    let url = db.url()?;
    let (repo, backend) = storage::open(&url, db.pool_size())?;
    tracing::info!(?backend, "database ready");
    Ok(repo)
}

/// A bound, not yet awaited server.
pub struct Prepared {
    /// The server future; [`Prepared::serve`] awaits it.
    pub server: actix_web::dev::Server,
    /// The address actually bound (useful with port 0).
    pub addr: SocketAddr,
    app: App,
}

impl Prepared {
    /// Serves until shutdown, then marks this replica stopped so that the others stop listing
    /// it at once.
    pub async fn serve(self) -> Result<(), String> {
        let outcome = self.server.await.map_err(|e| format!("server error: {e}"));
        let app = self.app;
        match actix_web::rt::task::spawn_blocking(move || app.stop_replica()).await {
            Ok(Err(e)) => tracing::warn!(error = %e, "could not mark the replica stopped"),
            Err(e) => tracing::warn!(error = %e, "could not mark the replica stopped"),
            Ok(Ok(())) => {}
        }
        outcome
    }
}

/// The settings of the use cases, from the command line; fails on a setting that cannot work.
pub fn settings(args: &ServerArgs) -> Result<Settings, String> {
    let mut license_keys = domain::licensing::TrustedKeys::coder();
    license_keys.add_spec(&args.license_public_keys).map_err(|e| format!("--license-public-keys: {e}"))?;
    let mut enablements = domain::app::default_enablements();
    enablements.insert(Feature::BrowserOnly, args.browser_only);
    enablements.insert(Feature::AiBridge, args.ai_gateway_enabled);
    enablements.insert(Feature::Scim, !args.scim_auth_header.is_empty());
    let support_links = if args.support_links.trim().is_empty() {
        Vec::new()
    } else {
        serde_json::from_str(&args.support_links).map_err(|e| format!("--support-links: not a JSON array of links: {e}"))?
    };
    let mut quiet_hours_default = args.quiet_hours_default_schedule.trim().to_string();
    if quiet_hours_default.is_empty() {
        // As Coder: an empty default means midnight UTC (with a warning).
        tracing::warn!("CODER_QUIET_HOURS_DEFAULT_SCHEDULE is empty; using {}", domain::quiet_hours::DEFAULT_SCHEDULE);
        quiet_hours_default = domain::quiet_hours::DEFAULT_SCHEDULE.to_string();
    }
    domain::quiet_hours::DailySchedule::parse(&quiet_hours_default).map_err(|e| format!("--default-quiet-hours-schedule: {e}"))?;
    Ok(Settings {
        session_duration: args.session_duration,
        oauth_refresh_lifetime: args.default_oauth_refresh_lifetime,
        default_token_lifetime: args.default_token_lifetime,
        max_token_lifetime: args.max_token_lifetime,
        max_admin_token_lifetime: args.max_admin_token_lifetime,
        disable_password_auth: args.disable_password_auth,
        disable_session_expiry_refresh: args.disable_session_expiry_refresh,
        licensing: domain::licensing::LicensingConfig {
            keys: license_keys,
            enablements,
            replica_grace: time::Duration::try_from(args.replica_grace).map_err(|e| format!("--replica-grace: {e}"))?,
            refresh_wait: time::Duration::try_from(args.entitlements_refresh_wait)
                .map_err(|e| format!("--entitlements-refresh-wait: {e}"))?,
        },
        version: VERSION.to_string(),
        docs_url: if args.docs_url.is_empty() { "https://coder.com/docs".into() } else { args.docs_url.clone() },
        support_links,
        notifications_method: args.notifications_method.clone(),
        disable_workspace_sharing: args.disable_workspace_sharing,
        quiet_hours_default,
        allow_custom_quiet_hours: args.allow_custom_quiet_hours,
        access_url: String::new(),
        experiments: args.experiments.split(',').map(|e| e.trim().to_string()).filter(|e| !e.is_empty()).collect(),
        oidc: externallogin::settings(args)?,
        github: externallogin::github_settings(args)?,
        scim_key_hash: (!args.scim_auth_header.is_empty()).then(|| domain::secret::hash_secret(&args.scim_auth_header)),
        provisioner_psk_hash: (!args.provisioner_daemon_psk.is_empty()).then(|| domain::secret::hash_secret(&args.provisioner_daemon_psk)),
        ssh_keygen_algorithm: domain::sshkey::KeygenAlgorithm::parse(&args.ssh_keygen_algorithm)
            .ok_or_else(|| format!("--ssh-keygen-algorithm: {:?} is not ed25519, ecdsa or rsa4096", args.ssh_keygen_algorithm))?,
        wildcard_access_url: args.wildcard_access_url.clone(),
        disable_owner_workspace_exec: args.disable_owner_workspace_access,
        deployment_config: Default::default(),
    })
}

/// The provisioner types of the in-process daemons: only `echo` can run in-process.
fn builtin_types(args: &ServerArgs) -> Result<Vec<String>, String> {
    let types: Vec<String> = args.provisioner_types.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
    for t in &types {
        if t != "echo" {
            return Err(format!(
                "--provisioner-types: {t:?} cannot run in-process; only \"echo\" can (run an external provisioner daemon for Terraform)"
            ));
        }
    }
    Ok(types)
}

fn hostname() -> String {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is valid for its length; gethostname NUL-terminates within it.
        let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
        if rc == 0 {
            let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
            if let Ok(name) = std::str::from_utf8(&buf[..end]) {
                if !name.is_empty() {
                    return name.to_string();
                }
            }
        }
    }
    "localhost".to_string()
}

/// Opens storage, binds the listener and builds the server. Must run inside an actix/tokio
/// runtime; the database work happens before any request is accepted.
pub fn prepare(args: &ServerArgs) -> Result<Prepared, String> {
    let mut settings = settings(args)?;
    let real_ip = transport::realip::RealIpConfig::parse(&args.proxy_trusted_headers, &args.proxy_trusted_origins)?;
    let listener = std::net::TcpListener::bind(args.http_address).map_err(|e| format!("cannot listen on {}: {e}", args.http_address))?;
    let addr = listener.local_addr().map_err(|e| format!("cannot read bound address: {e}"))?;
    let access_url = args.access_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    settings.access_url = access_url.clone();
    let secure_cookie = args.secure_auth_cookie.unwrap_or_else(|| access_url.starts_with("https://"));
    settings.deployment_config = Arc::new(deployment_options::document(
        args,
        &deployment_options::Derived { access_url: &access_url, secure_auth_cookie: secure_cookie, pool_size: args.database.pool_size() },
    ));
    let oidc = externallogin::provider(args, &access_url)?.map(Arc::new);
    let github = externallogin::github_provider(args, &access_url).map(Arc::new);
    let repo = open_store(&args.database)?;
    let feed = repo.feed().clone();
    let pool = repo.pool();
    let app = App::new(Arc::new(repo), settings);
    feed.subscribe(app.auth_cache.clone());
    let wakeups = Arc::new(background::Wakeups::default());
    feed.subscribe(wakeups.clone());
    let jobs = Arc::new(transport::provisionerd::wakeup::Wakeup::for_jobs());
    feed.subscribe(jobs.clone());
    let inbox = Arc::new(transport::provisionerd::wakeup::Wakeup::for_inbox());
    feed.subscribe(inbox.clone());
    let deployment_id = app.deployment_id().map_err(|e| format!("cannot read deployment id: {e}"))?;
    let now = domain::clock::now();
    app.register_replica(domain::replicas::Replica {
        id: uuid::Uuid::new_v4(),
        hostname: hostname(),
        created_at: now,
        started_at: now,
        stopped_at: None,
        updated_at: now,
        relay_address: args.derp_server_relay_url.clone(),
        region_id: args.derp_server_region_id,
        database_latency: 0,
        version: VERSION.to_string(),
        error: String::new(),
        primary: true,
    })
    .map_err(|e| format!("cannot register this replica: {e}"))?;
    app.refresh_entitlements().map_err(|e| format!("cannot compute entitlements: {e}"))?;
    background::spawn(app.clone(), wakeups, background::Intervals { proxy_health: args.proxy_health_interval });
    let info = ServerInfo { version: VERSION.to_string(), secure_cookie, access_url, deployment_id };
    transport::provisionerd::builtin::spawn(app.clone(), jobs.clone(), hostname(), args.provisioner_daemons, builtin_types(args)?);
    let site = match &args.site_dir {
        Some(dir) => Some(Arc::new(transport::site::Site::load(dir)?)),
        None => None,
    };
    let rate_limits = transport::ratelimit::RateLimits::new(args.rate_limit_api, args.dangerous_disable_rate_limits);
    let state = web::Data::new(State {
        app: app.clone(),
        info,
        oidc,
        github,
        jobs,
        agent_binaries: args.agent_binaries_dir.clone(),
        site,
        inbox,
        rate_limits,
        real_ip,
        request_timeout: args.http_request_timeout,
    });
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).max(2);
    let metrics = if args.prometheus_enable {
        let gauge: Option<transport::metrics::PoolGauge> = pool.map(|p| {
            let f: transport::metrics::PoolGauge = Arc::new(move || {
                let s = p.state();
                (s.connections, s.idle_connections, p.max_size())
            });
            f
        });
        let m = Arc::new(transport::metrics::Metrics::new(gauge).map_err(|e| format!("cannot register metrics: {e}"))?);
        let listener = std::net::TcpListener::bind(args.prometheus_address)
            .map_err(|e| format!("cannot listen on {} for metrics: {e}", args.prometheus_address))?;
        let (m2, app2) = (m.clone(), app.clone());
        let metrics_server = HttpServer::new(move || {
            let (m, a) = (m2.clone(), app2.clone());
            actix_web::App::new().route(
                "/metrics",
                web::get().to(move || {
                    let (m, a) = (m.clone(), a.clone());
                    async move { actix_web::HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(m.render(&a)) }
                }),
            )
        })
        .workers(1)
        .listen(listener)
        .map_err(|e| format!("cannot serve metrics: {e}"))?
        .run();
        actix_web::rt::spawn(metrics_server);
        Some(web::Data::new(m))
    } else {
        None
    };
    let server = HttpServer::new(move || {
        let app = actix_web::App::new();
        let app = match &metrics {
            Some(m) => app.app_data(m.clone()),
            None => app,
        };
        app.app_data(state.clone())
            .wrap(ErrorHandlers::new().default_handler(transport::error::envelope_errors))
            .wrap(from_fn(transport::middleware::entitlement_warnings))
            .wrap(from_fn(transport::middleware::resource_metadata_challenge))
            .wrap(from_fn(transport::middleware::deadline))
            .wrap(from_fn(transport::csrf::csrf))
            .wrap(from_fn(transport::ratelimit::rate_limit))
            .wrap(from_fn(transport::middleware::request_log))
            .wrap(from_fn(transport::metrics::observe))
            // Coder collapses repeated slashes before routing (`singleSlashMW`):
            // `/api//v2//buildinfo` is `/api/v2/buildinfo`.
            .wrap(from_fn(transport::middleware::single_slash))
            .configure(transport::configure)
            .default_service(web::to(transport::fallback))
    })
    .workers(workers)
    // Database work runs on each worker's blocking pool. More threads than pooled connections
    // only queue on the pool, costing memory and context switches; so the pool bounds them.
    .worker_max_blocking_threads((args.database.pool_size() as usize).div_ceil(workers).max(2))
    .shutdown_timeout(args.shutdown_grace_period.as_secs())
    // Slow clients cannot hold a worker: the request head must arrive within this time (else
    // 408), idle keep-alive connections close, and so do connections that linger after a
    // response.
    .client_request_timeout(std::time::Duration::from_secs(10))
    .keep_alive(std::time::Duration::from_secs(60))
    .client_disconnect_timeout(std::time::Duration::from_secs(5))
    .listen(listener)
    .map_err(|e| format!("cannot serve on {addr}: {e}"))?
    .run();
    Ok(Prepared { server, addr, app })
}
