//! Wiring: configuration in, a running HTTP server out. The binary and the black-box tests both
//! start the server through [`prepare`].

#![warn(missing_docs)]

pub mod config;
pub mod duration;

use std::net::SocketAddr;
use std::sync::Arc;

use actix_web::middleware::{from_fn, ErrorHandlers};
use actix_web::{web, HttpServer};
use domain::app::{App, Settings};
use transport::state::{ServerInfo, State};

use crate::config::{DatabaseArgs, ServerArgs};

/// The version this build reports, in Coder's `v`-prefixed form.
pub const VERSION: &str = concat!("v", env!("CARGO_PKG_VERSION"));

/// Opens the database and applies migrations.
pub fn open_store(db: &DatabaseArgs) -> Result<storage::DbRepo<'static>, String> {
    let url = db.url()?;
    let (repo, backend) = storage::open(&url, db.pool_size)?;
    tracing::info!(?backend, "database ready");
    Ok(repo)
}

/// A bound, not yet awaited server.
pub struct Prepared {
    /// The server future; await it to serve until shutdown.
    pub server: actix_web::dev::Server,
    /// The address actually bound (useful with port 0).
    pub addr: SocketAddr,
}

/// Opens storage, binds the listener and builds the server. Must run inside an actix/tokio
/// runtime; the database work happens before any request is accepted.
pub fn prepare(args: &ServerArgs) -> Result<Prepared, String> {
    let repo = open_store(&args.database)?;
    let settings = Settings {
        session_duration: args.session_duration,
        default_token_lifetime: args.default_token_lifetime,
        max_token_lifetime: args.max_token_lifetime,
        max_admin_token_lifetime: args.max_admin_token_lifetime,
        disable_password_auth: args.disable_password_auth,
        disable_session_expiry_refresh: args.disable_session_expiry_refresh,
    };
    let feed = repo.feed().clone();
    let app = App::new(Arc::new(repo), settings);
    feed.subscribe(app.auth_cache.clone());
    let deployment_id = app.deployment_id().map_err(|e| format!("cannot read deployment id: {e}"))?;

    let listener = std::net::TcpListener::bind(args.http_address).map_err(|e| format!("cannot listen on {}: {e}", args.http_address))?;
    let addr = listener.local_addr().map_err(|e| format!("cannot read bound address: {e}"))?;
    let access_url = args.access_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    let info = ServerInfo { version: VERSION.to_string(), secure_cookie: access_url.starts_with("https://"), access_url, deployment_id };
    let state = web::Data::new(State { app, info });
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).max(2);
    let server = HttpServer::new(move || {
        actix_web::App::new()
            .app_data(state.clone())
            .wrap(ErrorHandlers::new().default_handler(transport::error::envelope_errors))
            .wrap(from_fn(transport::middleware::request_log))
            .configure(transport::configure)
            .default_service(web::to(transport::fallback))
    })
    .workers(workers)
    // Database work runs on each worker's blocking pool. More threads than pooled connections
    // only queue on the pool, costing memory and context switches; so the pool bounds them.
    .worker_max_blocking_threads((args.database.pool_size as usize).div_ceil(workers).max(2))
    .shutdown_timeout(args.shutdown_grace_period.as_secs())
    .listen(listener)
    .map_err(|e| format!("cannot serve on {addr}: {e}"))?
    .run();
    Ok(Prepared { server, addr })
}
