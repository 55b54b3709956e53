//! `GET /deployment/config`'s document, generated from `coderd server`'s own flag definitions:
//! each flag's help, default, environment variable and hidden state come from clap, its value
//! and source from what was parsed; what Coder calls the setting (its display name, YAML key,
//! group, annotations and place in `DeploymentValues`) comes from the table below, so that
//! Coder's dashboard finds the names it looks settings up by. Secrets never leave: their
//! `value` is left out and their place in `config` is empty, as Coder redacts them.

use std::collections::BTreeMap;

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory};
use domain::deployment::config::{DeploymentConfig, DeploymentOption, OptionGroup};
use serde_json::{json, Map, Value};

use crate::config::{Cli, ServerArgs};

/// How a setting's text becomes JSON, as serpent encodes each value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A string (also URLs, host:port pairs and patterns, which serpent writes as strings).
    Str,
    /// A boolean.
    Bool,
    /// An integer.
    Int,
    /// A duration, in nanoseconds.
    Duration,
    /// A comma-separated list: an array, `null` when empty.
    List,
    /// A JSON document (mappings, URL parameters, links).
    Json,
}

/// The groups Coder files these settings under (`codersdk/deployment.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Networking,
    NetworkingHttp,
    NetworkingDerp,
    Introspection,
    IntrospectionLogging,
    IntrospectionPrometheus,
    OAuth2,
    OAuth2GitHub,
    Oidc,
    Provisioning,
    UserQuietHours,
    Notifications,
    AiGateway,
}

impl Group {
    fn parent(self) -> Option<Group> {
        match self {
            Group::NetworkingHttp | Group::NetworkingDerp => Some(Group::Networking),
            Group::IntrospectionLogging | Group::IntrospectionPrometheus => Some(Group::Introspection),
            Group::OAuth2GitHub => Some(Group::OAuth2),
            _ => None,
        }
    }

    fn describe(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Group::Networking => ("Networking", "networking", ""),
            Group::NetworkingHttp => ("HTTP", "http", ""),
            Group::NetworkingDerp => (
                "DERP",
                "derp",
                "Most Coder deployments never have to think about DERP because all connections\n between workspaces and users are \
                 peer-to-peer. However, when Coder cannot establish\n a peer to peer connection, Coder uses a distributed relay \
                 network backed by\n Tailscale and WireGuard.",
            ),
            Group::Introspection => {
                ("Introspection", "introspection", "Configure logging, tracing, stat collection, and metrics exporting.")
            }
            Group::IntrospectionLogging => ("Logging", "logging", ""),
            Group::IntrospectionPrometheus => ("Prometheus", "prometheus", ""),
            Group::OAuth2 => ("OAuth2", "oauth2", "Configure login and user-provisioning with GitHub via oAuth2."),
            Group::OAuth2GitHub => ("GitHub", "github", ""),
            Group::Oidc => ("OIDC", "oidc", ""),
            Group::Provisioning => (
                "Provisioning",
                "provisioning",
                "Tune the behavior of the provisioner, which is responsible for creating, updating, and deleting workspace resources.",
            ),
            Group::UserQuietHours => (
                "User Quiet Hours Schedule",
                "userQuietHoursSchedule",
                "Allow users to set quiet hours schedules each day for workspaces to avoid workspaces stopping during the day due to \
                 template scheduling.",
            ),
            Group::Notifications => ("Notifications", "notifications", "Configure how notifications are processed and delivered."),
            Group::AiGateway => ("AI Gateway", "ai_gateway", ""),
        }
    }

    fn document(self) -> OptionGroup {
        let (name, yaml, description) = self.describe();
        OptionGroup {
            parent: self.parent().map(|p| Box::new(p.document())),
            name: name.into(),
            yaml: yaml.into(),
            description: description.into(),
        }
    }
}

/// What Coder calls one of this server's settings.
struct Naming {
    /// The clap id of the flag (its field's name).
    id: &'static str,
    name: &'static str,
    yaml: &'static str,
    group: Option<Group>,
    /// `secret`, `format_duration`, `enterprise`, `external_workspace_proxies`.
    annotations: &'static [&'static str],
    /// Dotted place in `DeploymentValues`; empty for a setting Coder does not have.
    path: &'static str,
    kind: Kind,
}

const fn n(
    id: &'static str,
    name: &'static str,
    yaml: &'static str,
    group: Option<Group>,
    annotations: &'static [&'static str],
    path: &'static str,
    kind: Kind,
) -> Naming {
    Naming { id, name, yaml, group, annotations, path, kind }
}

const SECRET: &str = "secret";
const DURATION: &str = "format_duration";
const ENTERPRISE: &str = "enterprise";
const PROXIES: &str = "external_workspace_proxies";

use Group as G;
use Kind as K;

/// Every flag of `coderd server`, named as Coder names the same setting (a test fails when a
/// flag is missing here). Settings Coder does not have keep names of their own and no place in
/// `config`.
const NAMINGS: &[Naming] = &[
    n("postgres_url", "Postgres Connection URL", "", None, &[SECRET], "pg_connection_url", K::Str),
    n("data_dir", "Data Directory", "", None, &[], "", K::Str),
    n("pool_size", "Postgres Connection Max Open", "pgConnMaxOpen", None, &[], "pg_conn_max_open", K::Int),
    n("http_address", "HTTP Address", "httpAddress", Some(G::NetworkingHttp), &[PROXIES], "http_address", K::Str),
    n("access_url", "Access URL", "accessURL", Some(G::Networking), &[PROXIES], "access_url", K::Str),
    n("wildcard_access_url", "Wildcard Access URL", "wildcardAccessURL", Some(G::Networking), &[PROXIES], "wildcard_access_url", K::Str),
    n("log_level", "Log Level", "", Some(G::IntrospectionLogging), &[], "", K::Str),
    n("log_format", "Log Format", "", Some(G::IntrospectionLogging), &[], "", K::Str),
    n(
        "session_duration",
        "Session Duration",
        "sessionDuration",
        Some(G::NetworkingHttp),
        &[DURATION],
        "session_lifetime.default_duration",
        K::Duration,
    ),
    n(
        "default_oauth_refresh_lifetime",
        "Default OAuth Refresh Lifetime",
        "defaultOAuthRefreshLifetime",
        None,
        &[DURATION],
        "session_lifetime.refresh_default_duration",
        K::Duration,
    ),
    n(
        "default_token_lifetime",
        "Default Token Lifetime",
        "defaultTokenLifetime",
        None,
        &[DURATION],
        "session_lifetime.default_token_lifetime",
        K::Duration,
    ),
    n(
        "max_token_lifetime",
        "Max Token Lifetime",
        "maxTokenLifetime",
        Some(G::NetworkingHttp),
        &[DURATION],
        "session_lifetime.max_token_lifetime",
        K::Duration,
    ),
    n(
        "max_admin_token_lifetime",
        "Maximum Admin Token Lifetime",
        "maxAdminTokenLifetime",
        Some(G::NetworkingHttp),
        &[DURATION],
        "session_lifetime.max_admin_token_lifetime",
        K::Duration,
    ),
    n(
        "disable_password_auth",
        "Disable Password Authentication",
        "disablePasswordAuth",
        Some(G::NetworkingHttp),
        &[],
        "disable_password_auth",
        K::Bool,
    ),
    n(
        "disable_session_expiry_refresh",
        "Disable Session Expiry Refresh",
        "disableSessionExpiryRefresh",
        Some(G::NetworkingHttp),
        &[],
        "session_lifetime.disable_expiry_refresh",
        K::Bool,
    ),
    n(
        "secure_auth_cookie",
        "Secure Auth Cookie",
        "secureAuthCookie",
        Some(G::Networking),
        &[PROXIES],
        "http_cookies.secure_auth_cookie",
        K::Bool,
    ),
    n("license_public_keys", "License Public Keys", "", None, &[ENTERPRISE], "", K::List),
    n("docs_url", "Docs URL", "docsURL", Some(G::Networking), &[PROXIES], "docs_url", K::Str),
    n("support_links", "Support Links", "supportLinks", None, &[], "support.links", K::Json),
    n("notifications_method", "Notifications: Method", "method", Some(G::Notifications), &[], "notifications.method", K::Str),
    n("disable_workspace_sharing", "Disable Workspace Sharing", "disableWorkspaceSharing", None, &[], "disable_workspace_sharing", K::Bool),
    n(
        "disable_owner_workspace_access",
        "Disable Owner Workspace Access",
        "disableOwnerWorkspaceAccess",
        None,
        &[PROXIES],
        "disable_owner_workspace_exec",
        K::Bool,
    ),
    n(
        "quiet_hours_default_schedule",
        "Default Quiet Hours Schedule",
        "defaultQuietHoursSchedule",
        Some(G::UserQuietHours),
        &[],
        "user_quiet_hours_schedule.default_schedule",
        K::Str,
    ),
    n(
        "allow_custom_quiet_hours",
        "Allow Custom Quiet Hours",
        "allowCustomQuietHours",
        Some(G::UserQuietHours),
        &[],
        "user_quiet_hours_schedule.allow_user_custom",
        K::Bool,
    ),
    n("ssh_keygen_algorithm", "SSH Keygen Algorithm", "sshKeygenAlgorithm", None, &[], "ssh_keygen_algorithm", K::Str),
    n("browser_only", "Browser Only", "browserOnly", Some(G::Networking), &[ENTERPRISE], "browser_only", K::Bool),
    n("ai_gateway_enabled", "AI Gateway Enabled", "enabled", Some(G::AiGateway), &[], "ai.bridge.enabled", K::Bool),
    n(
        "derp_server_relay_url",
        "DERP Server Relay URL",
        "relayURL",
        Some(G::NetworkingDerp),
        &[ENTERPRISE, PROXIES],
        "derp.server.relay_url",
        K::Str,
    ),
    n("derp_server_region_id", "DERP Server Region ID", "regionID", Some(G::NetworkingDerp), &[], "derp.server.region_id", K::Int),
    n("scim_auth_header", "SCIM API Key", "", None, &[ENTERPRISE, SECRET], "scim_api_key", K::Str),
    n("provisioner_daemons", "Provisioner Daemons", "daemons", Some(G::Provisioning), &[], "provisioner.daemons", K::Int),
    n("provisioner_types", "Provisioner Daemon Types", "daemonTypes", Some(G::Provisioning), &[], "provisioner.daemon_types", K::List),
    n(
        "provisioner_daemon_psk",
        "Provisioner Daemon Pre-shared Key (PSK)",
        "",
        Some(G::Provisioning),
        &[SECRET],
        "provisioner.daemon_psk",
        K::Str,
    ),
    n("agent_binaries_dir", "Agent Binaries Directory", "", None, &[], "", K::Str),
    n("site_dir", "Site Directory", "", None, &[], "", K::Str),
    n("rate_limit_api", "API Rate Limit", "", None, &[PROXIES], "rate_limit.api", K::Int),
    n(
        "proxy_trusted_headers",
        "Proxy Trusted Headers",
        "proxyTrustedHeaders",
        Some(G::Networking),
        &[PROXIES],
        "proxy_trusted_headers",
        K::List,
    ),
    n(
        "proxy_trusted_origins",
        "Proxy Trusted Origins",
        "proxyTrustedOrigins",
        Some(G::Networking),
        &[PROXIES],
        "proxy_trusted_origins",
        K::List,
    ),
    n("replica_grace", "Replica Grace Period", "", None, &[DURATION], "", K::Duration),
    n("entitlements_refresh_wait", "Entitlements Refresh Wait", "", None, &[DURATION], "", K::Duration),
    n("dangerous_disable_rate_limits", "Disable All Rate Limits", "", None, &[PROXIES], "rate_limit.disable_all", K::Bool),
    n("prometheus_enable", "Prometheus Enable", "enable", Some(G::IntrospectionPrometheus), &[PROXIES], "prometheus.enable", K::Bool),
    n("prometheus_address", "Prometheus Address", "address", Some(G::IntrospectionPrometheus), &[PROXIES], "prometheus.address", K::Str),
    n("http_request_timeout", "HTTP Request Timeout", "", Some(G::NetworkingHttp), &[DURATION], "", K::Duration),
    n("oidc_client_id", "OIDC Client ID", "clientID", Some(G::Oidc), &[], "oidc.client_id", K::Str),
    n("oidc_client_secret", "OIDC Client Secret", "", Some(G::Oidc), &[SECRET], "oidc.client_secret", K::Str),
    n("oidc_issuer_url", "OIDC Issuer URL", "issuerURL", Some(G::Oidc), &[], "oidc.issuer_url", K::Str),
    n("oidc_scopes", "OIDC Scopes", "scopes", Some(G::Oidc), &[], "oidc.scopes", K::List),
    n("oidc_allow_signups", "OIDC Allow Signups", "allowSignups", Some(G::Oidc), &[], "oidc.allow_signups", K::Bool),
    n("oidc_email_domain", "OIDC Email Domain", "emailDomain", Some(G::Oidc), &[], "oidc.email_domain", K::List),
    n(
        "oidc_ignore_email_verified",
        "OIDC Ignore Email Verified",
        "ignoreEmailVerified",
        Some(G::Oidc),
        &[],
        "oidc.ignore_email_verified",
        K::Bool,
    ),
    n("oidc_username_field", "OIDC Username Field", "usernameField", Some(G::Oidc), &[], "oidc.username_field", K::Str),
    n("oidc_name_field", "OIDC Name Field", "nameField", Some(G::Oidc), &[], "oidc.name_field", K::Str),
    n("oidc_email_field", "OIDC Email Field", "emailField", Some(G::Oidc), &[], "oidc.email_field", K::Str),
    n("oidc_auth_url_params", "OIDC Auth URL Parameters", "authURLParams", Some(G::Oidc), &[], "oidc.auth_url_params", K::Json),
    n("oidc_ignore_userinfo", "OIDC Ignore UserInfo", "ignoreUserInfo", Some(G::Oidc), &[], "oidc.ignore_user_info", K::Bool),
    n("oidc_group_field", "OIDC Group Field", "groupField", Some(G::Oidc), &[], "oidc.groups_field", K::Str),
    n("oidc_group_mapping", "OIDC Group Mapping", "groupMapping", Some(G::Oidc), &[], "oidc.group_mapping", K::Json),
    n(
        "oidc_group_auto_create",
        "Enable OIDC Group Auto Create",
        "enableGroupAutoCreate",
        Some(G::Oidc),
        &[],
        "oidc.group_auto_create",
        K::Bool,
    ),
    n("oidc_group_regex_filter", "OIDC Regex Group Filter", "groupRegexFilter", Some(G::Oidc), &[], "oidc.group_regex_filter", K::Str),
    n("oidc_allowed_groups", "OIDC Allowed Groups", "groupAllowed", Some(G::Oidc), &[], "oidc.group_allow_list", K::List),
    n("oidc_user_role_field", "OIDC User Role Field", "userRoleField", Some(G::Oidc), &[], "oidc.user_role_field", K::Str),
    n("oidc_user_role_mapping", "OIDC User Role Mapping", "userRoleMapping", Some(G::Oidc), &[], "oidc.user_role_mapping", K::Json),
    n("oidc_user_role_default", "OIDC User Role Default", "userRoleDefault", Some(G::Oidc), &[], "oidc.user_roles_default", K::List),
    n("oidc_organization_field", "OIDC Organization Field", "organizationField", Some(G::Oidc), &[], "oidc.organization_field", K::Str),
    n(
        "oidc_organization_mapping",
        "OIDC Organization Sync Mapping",
        "organizationMapping",
        Some(G::Oidc),
        &[],
        "oidc.organization_mapping",
        K::Json,
    ),
    n(
        "oidc_organization_assign_default",
        "OIDC Assign Default Organization",
        "organizationAssignDefault",
        Some(G::Oidc),
        &[],
        "oidc.organization_assign_default",
        K::Bool,
    ),
    n("oidc_sign_in_text", "OpenID Connect sign in text", "signInText", Some(G::Oidc), &[], "oidc.sign_in_text", K::Str),
    n("oidc_icon_url", "OpenID connect icon URL", "iconURL", Some(G::Oidc), &[], "oidc.icon_url", K::Str),
    n(
        "oidc_signups_disabled_text",
        "Signups disabled text",
        "signupsDisabledText",
        Some(G::Oidc),
        &[],
        "oidc.signups_disabled_text",
        K::Str,
    ),
    n("oauth2_github_client_id", "OAuth2 GitHub Client ID", "clientID", Some(G::OAuth2GitHub), &[], "oauth2.github.client_id", K::Str),
    n(
        "oauth2_github_client_secret",
        "OAuth2 GitHub Client Secret",
        "",
        Some(G::OAuth2GitHub),
        &[SECRET],
        "oauth2.github.client_secret",
        K::Str,
    ),
    n(
        "oauth2_github_device_flow",
        "OAuth2 GitHub Device Flow",
        "deviceFlow",
        Some(G::OAuth2GitHub),
        &[],
        "oauth2.github.device_flow",
        K::Bool,
    ),
    n(
        "oauth2_github_allowed_orgs",
        "OAuth2 GitHub Allowed Orgs",
        "allowedOrgs",
        Some(G::OAuth2GitHub),
        &[],
        "oauth2.github.allowed_orgs",
        K::List,
    ),
    n(
        "oauth2_github_allowed_teams",
        "OAuth2 GitHub Allowed Teams",
        "allowedTeams",
        Some(G::OAuth2GitHub),
        &[],
        "oauth2.github.allowed_teams",
        K::List,
    ),
    n(
        "oauth2_github_allow_signups",
        "OAuth2 GitHub Allow Signups",
        "allowSignups",
        Some(G::OAuth2GitHub),
        &[],
        "oauth2.github.allow_signups",
        K::Bool,
    ),
    n(
        "oauth2_github_allow_everyone",
        "OAuth2 GitHub Allow Everyone",
        "allowEveryone",
        Some(G::OAuth2GitHub),
        &[],
        "oauth2.github.allow_everyone",
        K::Bool,
    ),
    n(
        "oauth2_github_enterprise_base_url",
        "OAuth2 GitHub Enterprise Base URL",
        "enterpriseBaseURL",
        Some(G::OAuth2GitHub),
        &[],
        "oauth2.github.enterprise_base_url",
        K::Str,
    ),
    n("experiments", "Experiments", "experiments", None, &[PROXIES], "experiments", K::List),
    n(
        "proxy_health_interval",
        "Proxy Health Check Interval",
        "proxyHealthInterval",
        Some(G::NetworkingHttp),
        &[DURATION],
        "proxy_health_status_interval",
        K::Duration,
    ),
    n("shutdown_grace_period", "Shutdown Grace Period", "", None, &[DURATION], "", K::Duration),
];

/// Values the server settles after parsing, shown (without a source) where nothing set them:
/// Coder does the same for the access URL it falls back to and the cookie rule it derives.
pub struct Derived<'a> {
    /// The access URL in effect.
    pub access_url: &'a str,
    /// Whether session cookies are `Secure`.
    pub secure_auth_cookie: bool,
    /// The database connection pool's size.
    pub pool_size: u32,
}

/// The document for `args` (parsed from the command line and environment).
pub fn document(args: &ServerArgs, derived: &Derived<'_>) -> DeploymentConfig {
    let cli = Cli::command();
    let Some(server) = cli.find_subcommand("server") else { return DeploymentConfig::default() };
    let namings: BTreeMap<&str, &Naming> = NAMINGS.iter().map(|n| (n.id, n)).collect();
    // Fields the dashboard reads whether or not this server has a setting behind them, with
    // what is true here: no external auth providers, no email or webhook delivery set up.
    let mut config = json!({
        "external_auth": [],
        "template_builder": {},
        "notifications": {"email": {"from": "", "smarthost": "", "hello": ""}, "webhook": {"endpoint": ""}},
    });
    let mut options = Vec::new();
    for arg in server.get_arguments() {
        let id = arg.get_id().as_str();
        let Some(naming) = namings.get(id) else { continue };
        let defaults: Vec<String> = arg.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
        let matches: Option<&ArgMatches> = args.matches.as_ref();
        let given: Option<Vec<String>> =
            matches.and_then(|m| m.try_get_raw(id).ok().flatten()).map(|raw| raw.map(|v| v.to_string_lossy().into_owned()).collect());
        let source = match matches.and_then(|m| m.value_source(id)) {
            Some(ValueSource::CommandLine) => "flag",
            Some(ValueSource::EnvVariable) => "env",
            Some(ValueSource::DefaultValue) if defaults.iter().any(|d| !d.is_empty()) => "default",
            _ => "",
        };
        let mut default = defaults.join(",");
        let mut value = typed(naming.kind, given.as_deref().unwrap_or(&defaults));
        if !matches!(source, "flag" | "env") {
            match id {
                "access_url" => value = json!(derived.access_url),
                "pool_size" => value = json!(derived.pool_size),
                "secure_auth_cookie" => {
                    value = json!(derived.secure_auth_cookie);
                    default = derived.secure_auth_cookie.to_string();
                }
                _ => {}
            }
        }
        let secret = naming.annotations.contains(&SECRET);
        if !naming.path.is_empty() {
            place(&mut config, naming.path, if secret { json!("") } else { value.clone() });
        }
        options.push(DeploymentOption {
            name: naming.name.into(),
            description: arg.get_long_help().or(arg.get_help()).map(|h| h.to_string()).unwrap_or_default(),
            flag: arg.get_long().unwrap_or_default().into(),
            env: arg.get_env().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default(),
            yaml: naming.yaml.into(),
            default,
            value: (!secret).then_some(value),
            annotations: naming.annotations.iter().map(|a| (a.to_string(), "true".to_string())).collect(),
            group: naming.group.map(Group::document),
            hidden: arg.is_hide_set(),
            value_source: source.into(),
        });
    }
    DeploymentConfig { config, options }
}

/// A setting's text as the JSON serpent writes for its type.
fn typed(kind: Kind, raw: &[String]) -> Value {
    let one = raw.join(",");
    match kind {
        Kind::Str => json!(one),
        Kind::Bool => json!(matches!(one.trim().to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "on" | "t" | "y")),
        Kind::Int if one.trim().is_empty() => Value::Null,
        Kind::Int => one.trim().parse::<i64>().map(|n| json!(n)).unwrap_or_else(|_| json!(one)),
        Kind::Duration => crate::duration::parse(one.trim()).map(|d| json!(d.as_nanos() as u64)).unwrap_or_else(|_| json!(one)),
        Kind::List => {
            let items: Vec<&str> = raw.iter().flat_map(|r| r.split(',')).map(str::trim).filter(|s| !s.is_empty()).collect();
            if items.is_empty() {
                Value::Null
            } else {
                json!(items)
            }
        }
        Kind::Json if one.trim().is_empty() => Value::Null,
        Kind::Json => serde_json::from_str(&one).unwrap_or_else(|_| json!(one)),
    }
}

/// Sets `value` at a dotted path, making the objects on the way.
fn place(config: &mut Value, path: &str, value: Value) {
    let mut at = config;
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
        let Value::Object(map) = at else { return };
        if keys.peek().is_none() {
            map.insert(key.to_string(), value);
            return;
        }
        at = map.entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every flag of `coderd server` is named here, so that none is missing from the document.
    #[test]
    fn every_flag_has_a_naming() {
        let cli = Cli::command();
        let server = cli.find_subcommand("server").unwrap();
        let named: Vec<&str> = NAMINGS.iter().map(|n| n.id).collect();
        for arg in server.get_arguments() {
            let id = arg.get_id().as_str();
            if matches!(id, "help" | "version") {
                continue;
            }
            assert!(named.contains(&id), "flag {id} has no entry in NAMINGS");
        }
        let ids: std::collections::BTreeSet<&str> = named.iter().copied().collect();
        assert_eq!(ids.len(), named.len(), "an id is named twice");
    }

    #[test]
    fn values_are_typed_as_serpent_types_them() {
        assert_eq!(typed(Kind::Duration, &["24h".into()]), json!(86_400_000_000_000u64));
        assert_eq!(typed(Kind::List, &["a, b".into()]), json!(["a", "b"]));
        assert_eq!(typed(Kind::List, &["".into()]), Value::Null);
        assert_eq!(typed(Kind::Bool, &["false".into()]), json!(false));
        assert_eq!(typed(Kind::Int, &["3".into()]), json!(3));
        assert_eq!(typed(Kind::Json, &["{}".into()]), json!({}));
        let mut config = json!({});
        place(&mut config, "a.b.c", json!(1));
        place(&mut config, "a.d", json!(2));
        assert_eq!(config, json!({"a": {"b": {"c": 1}, "d": 2}}));
    }
}
