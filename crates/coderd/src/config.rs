//! Command line and environment configuration, named as Coder names its settings.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::duration;

/// coderd: the Coder control plane (Users and Enterprise APIs).
#[derive(Debug, Parser)]
#[command(name = "coderd", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API server.
    Server(ServerArgs),
    /// Apply pending database migrations and exit.
    Migrate(DatabaseArgs),
    /// Print the OpenAPI document (JSON) to stdout.
    Openapi,
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// PostgreSQL connection URL. When unset, an embedded SQLite database in the data
    /// directory is used.
    #[arg(long, env = "CODER_PG_CONNECTION_URL", value_name = "URL", hide_env_values = true)]
    pub postgres_url: Option<String>,

    /// Directory for the embedded SQLite database (default: $XDG_DATA_HOME/coderd, or
    /// ~/.local/share/coderd).
    #[arg(long, env = "CODER_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Maximum number of open database connections.
    #[arg(long = "postgres-conn-max-open", env = "CODER_PG_CONN_MAX_OPEN", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub pool_size: u32,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Human,
    /// One JSON object per line.
    Json,
}

/// Settings of `coderd server`.
#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    /// HTTP bind address of the server.
    #[arg(long, env = "CODER_HTTP_ADDRESS", default_value = "127.0.0.1:3000", value_name = "HOST:PORT")]
    pub http_address: SocketAddr,

    /// The URL that users will use to access the deployment (default: http://<http-address>).
    #[arg(long, env = "CODER_ACCESS_URL", value_name = "URL", value_parser = parse_url)]
    pub access_url: Option<String>,

    /// Database location.
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// Log level: error, warn, info, debug or trace (or a tracing filter directive).
    #[arg(long, env = "CODER_LOG_LEVEL", default_value = "info")]
    pub log_level: String,

    /// Log format.
    #[arg(long, env = "CODER_LOG_FORMAT", value_enum, default_value_t = LogFormat::Human)]
    pub log_format: LogFormat,

    /// Lifetime of browser sessions made by password login; they slide forward while used.
    #[arg(long, env = "CODER_SESSION_DURATION", default_value = "24h", value_parser = duration::parse)]
    pub session_duration: Duration,

    /// Lifetime of API keys and tokens created without an explicit lifetime.
    #[arg(long, env = "CODER_DEFAULT_TOKEN_LIFETIME", default_value = "168h", value_parser = duration::parse)]
    pub default_token_lifetime: Duration,

    /// Longest lifetime a user may request for a token.
    #[arg(long, env = "CODER_MAX_TOKEN_LIFETIME", default_value = "876600h", value_parser = duration::parse)]
    pub max_token_lifetime: Duration,

    /// Longest lifetime an owner may request for a token.
    #[arg(long, env = "CODER_MAX_ADMIN_TOKEN_LIFETIME", default_value = "168h", value_parser = duration::parse)]
    pub max_admin_token_lifetime: Duration,

    /// Refuse password logins and password-based user creation.
    #[arg(long, env = "CODER_DISABLE_PASSWORD_AUTH", default_value_t = false)]
    pub disable_password_auth: bool,

    /// Stop sessions from being extended while in use.
    #[arg(long, env = "CODER_DISABLE_SESSION_EXPIRY_REFRESH", default_value_t = false)]
    pub disable_session_expiry_refresh: bool,

    /// Seconds to let in-flight requests finish after SIGTERM/SIGINT.
    #[arg(long, env = "CODER_SHUTDOWN_GRACE_PERIOD", default_value = "30s", value_parser = duration::parse)]
    pub shutdown_grace_period: Duration,
}

fn parse_url(s: &str) -> Result<String, String> {
    let ok = (s.starts_with("http://") || s.starts_with("https://")) && s.split("://").nth(1).is_some_and(|h| !h.is_empty());
    if ok {
        Ok(s.trim_end_matches('/').to_string())
    } else {
        Err(format!("{s:?} is not an http(s) URL"))
    }
}

impl DatabaseArgs {
    /// The database URL: PostgreSQL when configured, else the SQLite file in the data dir
    /// (created if missing).
    pub fn url(&self) -> Result<String, String> {
        if let Some(pg) = &self.postgres_url {
            if !(pg.starts_with("postgres://") || pg.starts_with("postgresql://")) {
                return Err("--postgres-url must start with postgres:// or postgresql://".into());
            }
            return Ok(pg.clone());
        }
        let dir = match &self.data_dir {
            Some(d) => d.clone(),
            None => default_data_dir(),
        };
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create data directory {}: {e}", dir.display()))?;
        Ok(dir.join("coderd.db").to_string_lossy().into_owned())
    }
}

fn default_data_dir() -> PathBuf {
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(x).join("coderd");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(home).join(".local/share/coderd");
    }
    PathBuf::from(".coderd")
}
