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
// Parsed once per process: the size of the server's settings does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API server.
    Server(ServerArgs),
    /// Apply pending database migrations and exit.
    Migrate(DatabaseArgs),
    /// Print the OpenAPI document (JSON) to stdout.
    Openapi,
    /// Make license signing keys and licenses (for self-hosting and tests).
    #[command(subcommand)]
    License(LicenseCommand),
}

/// `coderd license ...`.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum LicenseCommand {
    /// Print a new Ed25519 key pair: the `CODER_LICENSE_PUBLIC_KEYS` entry that trusts it and
    /// the private key (keep it secret; `coderd license sign --key-file` reads it).
    Keygen {
        /// Key id that licenses signed with this key name in their header.
        #[arg(long, default_value = "self-hosted")]
        kid: String,
    },
    /// Print a license (a signed JWT) made from the flags.
    Sign(SignArgs),
}

/// What a new license grants.
#[derive(Debug, Clone, Args)]
pub struct SignArgs {
    /// File holding the private key as `coderd license keygen` prints it (or just its base64).
    #[arg(long, value_name = "FILE")]
    pub key_file: PathBuf,
    /// Key id to name in the header (default: the one in the key file, else `self-hosted`).
    #[arg(long)]
    pub kid: Option<String>,
    /// Feature set: `premium`, `enterprise` or none.
    #[arg(long, default_value = "premium")]
    pub feature_set: String,
    /// A single feature or limit, `<name>=<value>` (e.g. `user_limit=100`, `audit_log=1`); repeatable.
    #[arg(long = "feature", value_name = "NAME=VALUE")]
    pub features: Vec<String>,
    /// An add-on (`ai_governance`); repeatable.
    #[arg(long = "addon")]
    pub addons: Vec<String>,
    /// Length of the term from the start.
    #[arg(long, default_value = "8760h", value_parser = duration::parse)]
    pub term: Duration,
    /// Grace period after the term, during which features keep working with a warning.
    #[arg(long, default_value = "0s", value_parser = duration::parse)]
    pub grace: Duration,
    /// Start of validity, as an offset from now (e.g. `-1h`, `720h`).
    #[arg(long, default_value = "0s", allow_hyphen_values = true)]
    pub starts_in: String,
    /// Mark it a trial.
    #[arg(long)]
    pub trial: bool,
    /// Lock it to these deployment ids (`GET /api/v2/buildinfo` shows a deployment's); repeatable.
    #[arg(long = "deployment-id")]
    pub deployment_ids: Vec<String>,
    /// Account type claim.
    #[arg(long, default_value = "self-hosted")]
    pub account_type: String,
    /// Account id claim.
    #[arg(long, default_value = "self-hosted")]
    pub account_id: String,
    /// Customer email (`sub`).
    #[arg(long, default_value = "")]
    pub email: String,
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

    /// Maximum number of open database connections (default: twice the number of cores, at
    /// least 4; on PostgreSQL at most 10).
    #[arg(long = "postgres-conn-max-open", env = "CODER_PG_CONN_MAX_OPEN", value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub pool_size: Option<u32>,
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

    /// The hostname pattern of workspace applications (`*.apps.example.com` or
    /// `*--apps.example.com`), reported to clients as the primary region's.
    #[arg(long, env = "CODER_WILDCARD_ACCESS_URL", default_value = "", value_name = "PATTERN", value_parser = parse_wildcard)]
    pub wildcard_access_url: String,

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

    /// Lifetime of the refresh tokens the OAuth2 provider issues (each refresh issues a new one).
    #[arg(long = "default-oauth-refresh-lifetime", env = "CODER_DEFAULT_OAUTH_REFRESH_LIFETIME", default_value = "720h", value_parser = duration::parse)]
    pub default_oauth_refresh_lifetime: Duration,

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

    /// Whether browser session cookies carry `Secure` (default: when the access URL is https).
    #[arg(long, env = "CODER_SECURE_AUTH_COOKIE", action = clap::ArgAction::Set, value_name = "BOOL")]
    pub secure_auth_cookie: Option<bool>,

    /// Withhold the owner role's SSH and application access to workspaces of others; owners
    /// keep it on their own workspaces.
    #[arg(long, env = "CODER_DISABLE_OWNER_WORKSPACE_ACCESS", default_value_t = false, action = clap::ArgAction::Set, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub disable_owner_workspace_access: bool,

    /// The kind of git SSH key users are given: ed25519, ecdsa or rsa4096.
    #[arg(long, env = "CODER_SSH_KEYGEN_ALGORITHM", default_value = "ed25519", value_parser = ["ed25519", "ecdsa", "rsa4096"])]
    pub ssh_keygen_algorithm: String,

    /// Stop sessions from being extended while in use.
    #[arg(long, env = "CODER_DISABLE_SESSION_EXPIRY_REFRESH", default_value_t = false)]
    pub disable_session_expiry_refresh: bool,

    /// Extra keys licenses may be signed with, besides Coder's: a comma-separated list of
    /// `<kid>:<base64 of the raw 32-byte Ed25519 public key>` (`coderd license keygen` prints one).
    #[arg(long, env = "CODER_LICENSE_PUBLIC_KEYS", default_value = "", value_name = "KID:KEY,...")]
    pub license_public_keys: String,

    /// Base URL of the documentation the UI links to.
    #[arg(long, env = "CODER_DOCS_URL", default_value = "https://coder.com/docs")]
    pub docs_url: String,

    /// Support links shown in the UI while the appearance feature is licensed: a JSON array of
    /// `{"name", "target", "icon", "location"}` objects.
    #[arg(long, env = "CODER_SUPPORT_LINKS", default_value = "", value_name = "JSON")]
    pub support_links: String,

    /// Where notifications go unless a template says otherwise: `smtp` or `webhook`.
    #[arg(long, env = "CODER_NOTIFICATIONS_METHOD", default_value = "smtp", value_parser = ["smtp", "webhook"])]
    pub notifications_method: String,

    /// Turn workspace sharing off in every organization.
    #[arg(long, env = "CODER_DISABLE_WORKSPACE_SHARING", default_value_t = false)]
    pub disable_workspace_sharing: bool,

    /// Quiet hours of users who have not chosen their own: `CRON_TZ=<zone> <minute> <hour> * * *`.
    #[arg(long = "default-quiet-hours-schedule", env = "CODER_QUIET_HOURS_DEFAULT_SCHEDULE", default_value = "CRON_TZ=UTC 0 0 * * *")]
    pub quiet_hours_default_schedule: String,

    /// Let users choose their own quiet hours.
    #[arg(long, env = "CODER_ALLOW_CUSTOM_QUIET_HOURS", default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub allow_custom_quiet_hours: bool,

    /// Restrict access to the browser (a licensed feature).
    #[arg(long, env = "CODER_BROWSER_ONLY", default_value_t = false)]
    pub browser_only: bool,

    /// Enable the AI Gateway (a licensed feature).
    #[arg(long, env = "CODER_AI_GATEWAY_ENABLED", default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub ai_gateway_enabled: bool,

    /// Address other replicas reach this one's DERP relay at (shown in `GET /api/v2/replicas`).
    #[arg(long, env = "CODER_DERP_SERVER_RELAY_URL", default_value = "")]
    pub derp_server_relay_url: String,

    /// DERP region of this replica.
    #[arg(long, env = "CODER_DERP_SERVER_REGION_ID", default_value_t = 999, hide = true)]
    pub derp_server_region_id: i32,

    /// Enables SCIM at /scim/v2 and sets the key SCIM clients authenticate with (in
    /// `Authorization`, raw or as `Bearer <key>`). New users are created with OIDC login.
    #[arg(long, env = "CODER_SCIM_AUTH_HEADER", default_value = "", hide_env_values = true)]
    pub scim_auth_header: String,

    /// How many provisioner daemons this server runs in-process (Coder's
    /// `CODER_PROVISIONER_DAEMONS`). They take jobs of the default organization.
    #[arg(long = "provisioner-daemons", env = "CODER_PROVISIONER_DAEMONS", default_value_t = 3)]
    pub provisioner_daemons: usize,

    /// Provisioner types the in-process daemons run, comma-separated. Only `echo` runs
    /// in-process; Terraform versions wait for an external daemon.
    #[arg(long = "provisioner-types", env = "CODER_PROVISIONER_TYPES", default_value = "echo")]
    pub provisioner_types: String,

    /// A pre-shared key external provisioner daemons may authenticate with instead of a
    /// provisioner key (default organization only).
    #[arg(long = "provisioner-daemon-psk", env = "CODER_PROVISIONER_DAEMON_PSK", default_value = "", hide_env_values = true)]
    pub provisioner_daemon_psk: String,

    /// A directory of agent binaries (`coder-<os>-<arch>`, `.exe` for Windows) served at
    /// `/bin/`, where the init script downloads them from; unset, `/bin/` answers 404.
    #[arg(long = "agent-binaries-dir", env = "CODER_AGENT_BINARIES_DIR")]
    pub agent_binaries_dir: Option<std::path::PathBuf>,

    /// A directory holding a build of Coder's web dashboard (its `site/out`, made by
    /// `scripts/build-dashboard.sh`), served for every path that is not part of the API; unset,
    /// `/` shows a short page about this server instead.
    #[arg(long = "site-dir", env = "CODER_SITE_DIR")]
    pub site_dir: Option<std::path::PathBuf>,

    /// Requests a minute each user (or anonymous IP) may make to each API endpoint; -1 (or 0)
    /// turns the limit off.
    #[arg(long = "rate-limit-api", env = "CODER_RATE_LIMIT_API", default_value_t = 512, allow_hyphen_values = true)]
    pub rate_limit_api: i64,

    /// Headers to trust for forwarding IP addresses, e.g. Cf-Connecting-Ip, True-Client-Ip,
    /// X-Forwarded-For; read only from peers in `--proxy-trusted-origins`, in this order.
    #[arg(long = "proxy-trusted-headers", env = "CODER_PROXY_TRUSTED_HEADERS", value_delimiter = ',')]
    pub proxy_trusted_headers: Vec<String>,

    /// Origin addresses (CIDR blocks, e.g. 192.168.1.0/24) whose `--proxy-trusted-headers` are
    /// believed; nobody else's forwarding headers count.
    #[arg(long = "proxy-trusted-origins", env = "CODER_PROXY_TRUSTED_ORIGINS", value_delimiter = ',')]
    pub proxy_trusted_origins: Vec<String>,

    /// How long a replica runs before it counts against high availability (Coder: a minute).
    /// Hidden: for tests that cannot wait.
    #[arg(long = "replica-grace", env = "CODER_REPLICA_GRACE", default_value = "1m", value_parser = duration::parse, hide = true)]
    pub replica_grace: Duration,

    /// The shortest time between an entitlements computation and a requested refresh (Coder: a
    /// minute). Hidden: for tests that cannot wait.
    #[arg(long = "entitlements-refresh-wait", env = "CODER_ENTITLEMENTS_REFRESH_WAIT", default_value = "1m", value_parser = duration::parse, hide = true)]
    pub entitlements_refresh_wait: Duration,

    /// Turns every rate limit off, logins' included (for load tests).
    #[arg(long = "dangerous-disable-rate-limits", env = "CODER_DANGEROUS_DISABLE_RATE_LIMITS")]
    pub dangerous_disable_rate_limits: bool,

    /// Serves Prometheus metrics at `/metrics` on `--prometheus-address`.
    #[arg(long = "prometheus-enable", env = "CODER_PROMETHEUS_ENABLE")]
    pub prometheus_enable: bool,

    /// Where Prometheus metrics are served when enabled.
    #[arg(long = "prometheus-address", env = "CODER_PROMETHEUS_ADDRESS", default_value = "127.0.0.1:2112")]
    pub prometheus_address: SocketAddr,

    /// How long a request may take to be handled, reading its body included; past it the
    /// answer is 408 (a client trickling its body cannot hold the request open).
    #[arg(long = "http-request-timeout", env = "CODER_HTTP_REQUEST_TIMEOUT", default_value = "5m", value_parser = duration::parse)]
    pub http_request_timeout: Duration,

    /// OIDC login: the client id at the provider (OIDC is on when it is set).
    #[arg(long, env = "CODER_OIDC_CLIENT_ID", default_value = "")]
    pub oidc_client_id: String,

    /// OIDC login: the client secret.
    #[arg(long, env = "CODER_OIDC_CLIENT_SECRET", default_value = "", hide_env_values = true)]
    pub oidc_client_secret: String,

    /// OIDC login: the issuer, discovered at start-up (`<issuer>/.well-known/openid-configuration`).
    #[arg(long, env = "CODER_OIDC_ISSUER_URL", default_value = "")]
    pub oidc_issuer_url: String,

    /// OIDC login: scopes to ask for, comma-separated.
    #[arg(long, env = "CODER_OIDC_SCOPES", default_value = "openid,profile,email", value_name = "LIST")]
    pub oidc_scopes: String,

    /// OIDC login: whether people without an account may sign up.
    #[arg(long, env = "CODER_OIDC_ALLOW_SIGNUPS", default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub oidc_allow_signups: bool,

    /// OIDC login: allowed email domains, comma-separated (empty allows any).
    #[arg(long, env = "CODER_OIDC_EMAIL_DOMAIN", default_value = "", value_name = "LIST")]
    pub oidc_email_domain: String,

    /// OIDC login: accept emails the provider has not verified.
    #[arg(long, env = "CODER_OIDC_IGNORE_EMAIL_VERIFIED", default_value_t = false, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub oidc_ignore_email_verified: bool,

    /// OIDC login: the claim holding the username.
    #[arg(long, env = "CODER_OIDC_USERNAME_FIELD", default_value = "preferred_username")]
    pub oidc_username_field: String,

    /// OIDC login: the claim holding the display name.
    #[arg(long, env = "CODER_OIDC_NAME_FIELD", default_value = "name")]
    pub oidc_name_field: String,

    /// OIDC login: the claim holding the email.
    #[arg(long, env = "CODER_OIDC_EMAIL_FIELD", default_value = "email")]
    pub oidc_email_field: String,

    /// OIDC login: extra authorization URL parameters, a JSON object.
    #[arg(long, env = "CODER_OIDC_AUTH_URL_PARAMS", default_value = r#"{"access_type":"offline"}"#, value_name = "JSON")]
    pub oidc_auth_url_params: String,

    /// OIDC login: use only the ID token's claims, not the userinfo endpoint's.
    #[arg(long, env = "CODER_OIDC_IGNORE_USERINFO", default_value_t = false, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub oidc_ignore_userinfo: bool,

    /// OIDC login: the claim of the default organization's legacy group sync.
    #[arg(long, env = "CODER_OIDC_GROUP_FIELD", default_value = "")]
    pub oidc_group_field: String,

    /// OIDC login: legacy group sync, claim value → group name (a JSON object).
    #[arg(long, env = "CODER_OIDC_GROUP_MAPPING", default_value = "{}", value_name = "JSON")]
    pub oidc_group_mapping: String,

    /// OIDC login: create groups the legacy group sync names.
    #[arg(long, env = "CODER_OIDC_GROUP_AUTO_CREATE", default_value_t = false, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub oidc_group_auto_create: bool,

    /// OIDC login: only group claim values matching this pattern count.
    #[arg(long, env = "CODER_OIDC_GROUP_REGEX_FILTER", default_value = ".*")]
    pub oidc_group_regex_filter: String,

    /// OIDC login: only members of one of these groups may sign in, comma-separated.
    #[arg(long, env = "CODER_OIDC_ALLOWED_GROUPS", default_value = "", value_name = "LIST")]
    pub oidc_allowed_groups: String,

    /// OIDC login: the claim of site role sync.
    #[arg(long, env = "CODER_OIDC_USER_ROLE_FIELD", default_value = "")]
    pub oidc_user_role_field: String,

    /// OIDC login: site role sync, claim value → roles (a JSON object of arrays).
    #[arg(long, env = "CODER_OIDC_USER_ROLE_MAPPING", default_value = "{}", value_name = "JSON")]
    pub oidc_user_role_mapping: String,

    /// OIDC login: site roles every OIDC user gets, comma-separated.
    #[arg(long, env = "CODER_OIDC_USER_ROLE_DEFAULT", default_value = "", value_name = "LIST")]
    pub oidc_user_role_default: String,

    /// OIDC login: the claim of organization sync, until the setting is stored.
    #[arg(long, env = "CODER_OIDC_ORGANIZATION_FIELD", default_value = "")]
    pub oidc_organization_field: String,

    /// OIDC login: organization sync, claim value → organization ids (a JSON object of arrays).
    #[arg(long, env = "CODER_OIDC_ORGANIZATION_MAPPING", default_value = "{}", value_name = "JSON")]
    pub oidc_organization_mapping: String,

    /// OIDC login: organization sync also assigns the default organization.
    #[arg(long, env = "CODER_OIDC_ORGANIZATION_ASSIGN_DEFAULT", default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub oidc_organization_assign_default: bool,

    /// OIDC login: the sign-in button's text.
    #[arg(long, env = "CODER_OIDC_SIGN_IN_TEXT", default_value = "OpenID Connect")]
    pub oidc_sign_in_text: String,

    /// OIDC login: the sign-in button's icon URL.
    #[arg(long, env = "CODER_OIDC_ICON_URL", default_value = "")]
    pub oidc_icon_url: String,

    /// OIDC login: the text shown when signups are off.
    #[arg(long, env = "CODER_OIDC_SIGNUPS_DISABLED_TEXT", default_value = "")]
    pub oidc_signups_disabled_text: String,

    /// GitHub login: the OAuth app's client id (GitHub login is on when it is set).
    #[arg(long = "oauth2-github-client-id", env = "CODER_OAUTH2_GITHUB_CLIENT_ID", default_value = "")]
    pub oauth2_github_client_id: String,

    /// GitHub login: the OAuth app's client secret.
    #[arg(long = "oauth2-github-client-secret", env = "CODER_OAUTH2_GITHUB_CLIENT_SECRET", default_value = "", hide_env_values = true)]
    pub oauth2_github_client_secret: String,

    /// GitHub login: use the device flow instead of the web flow.
    #[arg(long = "oauth2-github-device-flow", env = "CODER_OAUTH2_GITHUB_DEVICE_FLOW", default_value_t = false, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub oauth2_github_device_flow: bool,

    /// GitHub login: organizations whose members may sign in, comma-separated.
    #[arg(long = "oauth2-github-allowed-orgs", env = "CODER_OAUTH2_GITHUB_ALLOWED_ORGS", default_value = "", value_name = "LIST")]
    pub oauth2_github_allowed_orgs: String,

    /// GitHub login: teams (`org/team-slug`) whose members may sign in, comma-separated.
    #[arg(long = "oauth2-github-allowed-teams", env = "CODER_OAUTH2_GITHUB_ALLOWED_TEAMS", default_value = "", value_name = "LIST")]
    pub oauth2_github_allowed_teams: String,

    /// GitHub login: whether people without an account may sign up.
    #[arg(long = "oauth2-github-allow-signups", env = "CODER_OAUTH2_GITHUB_ALLOW_SIGNUPS", default_value_t = false, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub oauth2_github_allow_signups: bool,

    /// GitHub login: any GitHub user may sign in (not with allowed organizations or teams).
    #[arg(long = "oauth2-github-allow-everyone", env = "CODER_OAUTH2_GITHUB_ALLOW_EVERYONE", default_value_t = false, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub oauth2_github_allow_everyone: bool,

    /// GitHub login: a GitHub Enterprise (or compatible) base URL instead of github.com.
    #[arg(long = "oauth2-github-enterprise-base-url", env = "CODER_OAUTH2_GITHUB_ENTERPRISE_BASE_URL", default_value = "")]
    pub oauth2_github_enterprise_base_url: String,

    /// Experimental features to switch on, comma-separated (`oauth2`: the OAuth2 provider).
    #[arg(long, env = "CODER_EXPERIMENTS", default_value = "", value_name = "LIST")]
    pub experiments: String,

    /// How often every workspace proxy's health report is fetched (also after every change).
    #[arg(long, env = "CODER_PROXY_HEALTH_INTERVAL", default_value = "1m", value_parser = duration::parse)]
    pub proxy_health_interval: Duration,

    /// Seconds to let in-flight requests finish after SIGTERM/SIGINT.
    #[arg(long, env = "CODER_SHUTDOWN_GRACE_PERIOD", default_value = "30s", value_parser = duration::parse)]
    pub shutdown_grace_period: Duration,

    /// What was parsed, kept for `GET /deployment/config` to tell where each value came from.
    #[arg(skip)]
    pub matches: Option<clap::ArgMatches>,
}

/// Parses a command line (and the environment), keeping the server's matches on its settings.
pub fn parse_from<I, T>(argv: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().try_get_matches_from(argv)?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    if let Command::Server(args) = &mut cli.command {
        args.matches = matches.subcommand_matches("server").cloned();
    }
    Ok(cli)
}

fn parse_wildcard(s: &str) -> Result<String, String> {
    let s = s.trim().to_ascii_lowercase();
    if s.is_empty() || domain::proxies::wildcard_valid(&s) {
        Ok(s)
    } else {
        Err(format!("{s:?} is not a hostname pattern like *.apps.example.com"))
    }
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
    /// The connection pool's size: twice the cores, at least 4, and on PostgreSQL at most
    /// Coder's default of 10. Connections beyond twice the cores only queue on the machine's
    /// CPUs (SQLite runs every statement on the server's own cores; a local PostgreSQL
    /// shares them) and each holds a page cache: on two cores, 4 connections serve the users
    /// list as fast as 10, with a shorter tail and less memory (`docs/benchmarks.md`).
    pub fn pool_size(&self) -> u32 {
        let by_cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u32).saturating_mul(2).max(4);
        match (self.pool_size, &self.postgres_url) {
            (Some(n), _) => n,
            (None, Some(_)) => by_cores.min(10),
            (None, None) => by_cores,
        }
    }

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
