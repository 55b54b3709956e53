//! Workspace proxies: the admin API, the proxies' own registration, and their health.
//!
//! A proxy is a row with a token (`<proxy id>:<secret>`, only the secret's SHA-256 stored); the
//! built-in `primary` is no row but this deployment itself. Health is what the last check of each
//! proxy's `/healthz-report` found, held in memory per replica ([`ProxyHealth`]); the checks
//! themselves are I/O and run in the server's background loop, which feeds
//! [`ProxyHealth::record`] with [`status_of_probe`].

use std::collections::HashMap;
use std::sync::RwLock;

use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::app::{Actor, App};
use crate::authz::System;
use crate::clock;
use crate::error::{Error, ErrorKind, Result};
use crate::licensing::Feature;
use crate::rbac::{action, resource, Object};
use crate::secret;

/// A workspace proxy as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceProxy {
    /// Identity; the first half of its token.
    pub id: Uuid,
    /// Unique among live proxies (case-insensitively).
    pub name: String,
    /// Shown in the UI.
    pub display_name: String,
    /// Icon URL.
    pub icon: String,
    /// The proxy's access URL, set when it registers; empty until then.
    pub url: String,
    /// Wildcard hostname for subdomain apps, set when it registers.
    pub wildcard_hostname: String,
    /// Runs a DERP relay.
    pub derp_enabled: bool,
    /// Only relays DERP (serves no apps).
    pub derp_only: bool,
    /// Sequential region number (DERP region = 10,000 + it).
    pub region_id: i32,
    /// SHA-256 of the token's secret.
    pub token_hashed_secret: Vec<u8>,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed or registered.
    pub updated_at: OffsetDateTime,
    /// Soft-deleted: kept, hidden from lists and names, refused as a token.
    pub deleted: bool,
    /// Build version the proxy reported.
    pub version: String,
}

/// A proxy's health, as Coder's `proxyhealth` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthStatus {
    /// Answered its health report without errors.
    Ok,
    /// Could not be reached.
    Unreachable,
    /// Answered, but with errors or not as a proxy.
    Unhealthy,
    /// Has not registered a URL yet.
    Unregistered,
    /// Not checked yet.
    Unknown,
}

impl HealthStatus {
    /// Coder's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            HealthStatus::Ok => "ok",
            HealthStatus::Unreachable => "unreachable",
            HealthStatus::Unhealthy => "unhealthy",
            HealthStatus::Unregistered => "unregistered",
            HealthStatus::Unknown => "unknown",
        }
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyStatus {
    /// Overall state.
    pub status: HealthStatus,
    /// Errors the proxy reported or the check found.
    pub errors: Vec<String>,
    /// Warnings the proxy reported.
    pub warnings: Vec<String>,
    /// When the check started.
    pub checked_at: OffsetDateTime,
}

impl ProxyStatus {
    fn unknown() -> Self {
        Self { status: HealthStatus::Unknown, errors: vec![], warnings: vec![], checked_at: clock::zero_time() }
    }
}

/// What a health check saw.
#[derive(Debug, Clone)]
pub enum Probe {
    /// The proxy has no URL.
    Unregistered,
    /// No answer: connection refused, timeout, DNS.
    Failed(String),
    /// An HTTP answer.
    Answered {
        /// HTTP status.
        status: u16,
        /// It carried Coder's `X-Coder-Build-Version` header (a coderd, not a proxy).
        coder_header: bool,
        /// The body.
        body: Vec<u8>,
    },
}

/// A proxy's `/healthz-report` body.
#[derive(Debug, Deserialize)]
struct HealthReport {
    #[serde(default)]
    errors: Vec<String>,
    #[serde(default)]
    warnings: Vec<String>,
}

/// Turns what a check saw into a status, as Coder's `proxyhealth` does.
pub fn status_of_probe(url: &str, probe: Probe, checked_at: OffsetDateTime) -> ProxyStatus {
    let with = |status, errors: Vec<String>, warnings| ProxyStatus { status, errors, warnings, checked_at };
    match probe {
        Probe::Unregistered => with(HealthStatus::Unregistered, vec![], vec![]),
        Probe::Failed(e) => with(HealthStatus::Unreachable, vec![format!("request to proxy failed: {e}")], vec![]),
        Probe::Answered { status: 200, coder_header, body } => match serde_json::from_slice::<HealthReport>(&body) {
            Ok(r) if r.errors.is_empty() => with(HealthStatus::Ok, vec![], r.warnings),
            Ok(r) => with(HealthStatus::Unhealthy, r.errors, r.warnings),
            Err(e) => {
                let what = if coder_header {
                    format!("received a non-JSON health report from {url}; it looks like a primary coderd, not a workspace proxy: {e}")
                } else {
                    format!("received a non-JSON health report from {url}; is this URL a Coder workspace proxy? {e}")
                };
                with(HealthStatus::Unhealthy, vec![what], vec![])
            }
        },
        Probe::Answered { status, body, .. } => {
            let text = String::from_utf8_lossy(&body);
            let text: String = text.chars().take(300).collect();
            with(
                HealthStatus::Unhealthy,
                vec![format!("unexpected status code {status}. The proxy at {url} answered its health report with: {text}")],
                vec![],
            )
        }
    }
}

/// The last health check of every proxy, on this replica.
#[derive(Debug, Default)]
pub struct ProxyHealth(RwLock<HashMap<Uuid, ProxyStatus>>);

impl ProxyHealth {
    /// Replaces the statuses with one run's results.
    pub fn record(&self, statuses: HashMap<Uuid, ProxyStatus>) {
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = statuses;
    }

    fn get(&self, id: Uuid) -> ProxyStatus {
        self.0.read().unwrap_or_else(|p| p.into_inner()).get(&id).cloned().unwrap_or_else(ProxyStatus::unknown)
    }
}

/// A proxy with its health, as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyView {
    /// The proxy (for the primary: built from the deployment).
    pub proxy: WorkspaceProxy,
    /// Its health.
    pub status: ProxyStatus,
}

/// What `POST /workspaceproxies` takes.
#[derive(Debug, Clone, Default)]
pub struct NewProxy {
    /// Unique name.
    pub name: String,
    /// Shown name.
    pub display_name: String,
    /// Icon URL.
    pub icon: String,
}

/// What `PATCH /workspaceproxies/{proxy}` takes (all fields are required, as in Coder).
#[derive(Debug, Clone, Default)]
pub struct ProxyPatch {
    /// Echo of the proxy's id (not compared, as in Coder).
    pub id: Option<Uuid>,
    /// New name.
    pub name: String,
    /// New shown name.
    pub display_name: String,
    /// New icon.
    pub icon: String,
    /// Make a new token, so the old one stops working.
    pub regenerate_token: bool,
}

/// What a proxy registers with.
#[derive(Debug, Clone, Default)]
pub struct Registration {
    /// Where users reach the proxy: http(s), no path.
    pub access_url: String,
    /// Wildcard hostname for subdomain apps (`*.apps.example.com`), or empty.
    pub wildcard_hostname: String,
    /// Runs a DERP relay.
    pub derp_enabled: bool,
    /// Only relays DERP.
    pub derp_only: bool,
    /// The proxy replica registering.
    pub replica_id: Uuid,
    /// Its host name.
    pub hostname: String,
    /// What went wrong on it.
    pub replica_error: String,
    /// Its DERP relay address.
    pub replica_relay_address: String,
    /// Its build version.
    pub version: String,
}

/// What a registered proxy is told.
#[derive(Debug, Clone)]
pub struct Registered {
    /// The key DERP relays mesh with, when the proxy runs one.
    pub derp_mesh_key: Option<String>,
    /// The proxy's DERP region.
    pub derp_region_id: i32,
    /// Force DERP over WebSockets.
    pub derp_force_websockets: bool,
    /// Other live replicas of the same proxy.
    pub sibling_replicas: Vec<crate::replicas::Replica>,
}

/// DERP regions of proxies are numbered from here (Coder's starting id with no custom DERP map).
pub const PROXY_DERP_REGION_BASE: i32 = 10_000;
const PRIMARY: &str = "primary";
const DISPLAY_NAME_KEY: &str = "default_proxy_display_name";
const ICON_KEY: &str = "default_proxy_icon_url";
const MESH_KEY: &str = "derp_mesh_key";

fn validation_required(field: &str) -> Error {
    Error::invalid_field("Validation failed.", field, crate::auth::tag_failure("required", ""))
}

fn object() -> Object {
    Object::of(resource::WORKSPACE_PROXY)
}

/// Reads a proxy token `<uuid>:<64-character secret>`; `None` when it is not of that shape.
pub fn parse_token(token: &str) -> Option<(Uuid, &str)> {
    let (id, secret) = token.split_once(':')?;
    if secret.contains(':') || secret.len() != 64 {
        return None;
    }
    Some((Uuid::parse_str(id).ok()?, secret))
}

fn new_token(id: Uuid) -> (String, Vec<u8>) {
    let secret = secret::random_alphanumeric(64);
    let hashed = secret::hash_secret(&secret);
    (format!("{id}:{secret}"), hashed)
}

impl App {
    /// The built-in primary proxy: this deployment.
    fn primary_proxy(&self) -> Result<ProxyView> {
        let now = clock::now();
        let id = Uuid::parse_str(&self.deployment_id()?).unwrap_or(Uuid::nil());
        // The primary's name and icon are shown to whoever sees the proxies (and to the health
        // report): read as the proxies' own subject.
        let repo = self.db_as(System::Proxy);
        let proxy = WorkspaceProxy {
            id,
            name: PRIMARY.into(),
            display_name: repo.primary_proxy_value(DISPLAY_NAME_KEY)?.unwrap_or_else(|| "Default".into()),
            icon: repo.primary_proxy_value(ICON_KEY)?.unwrap_or_else(|| "/emojis/1f3e1.png".into()),
            url: self.settings.access_url.clone(),
            wildcard_hostname: self.settings.wildcard_access_url.clone(),
            derp_enabled: false,
            derp_only: false,
            region_id: 0,
            token_hashed_secret: vec![],
            created_at: now,
            updated_at: now,
            deleted: false,
            version: String::new(),
        };
        Ok(ProxyView { proxy, status: ProxyStatus { status: HealthStatus::Ok, errors: vec![], warnings: vec![], checked_at: now } })
    }

    fn proxy_view(&self, proxy: WorkspaceProxy) -> ProxyView {
        // A deleted proxy is no longer checked; a check that was running when it was deleted
        // must not make it look checked.
        let status = if proxy.deleted { ProxyStatus::unknown() } else { self.proxy_health.get(proxy.id) };
        ProxyView { proxy, status }
    }

    /// Resolves `{workspaceproxy}`: `primary` or the deployment id, a UUID (deleted proxies too),
    /// or an exact name.
    fn resolve_proxy(&self, actor: &Actor, param: &str) -> Result<Option<WorkspaceProxy>> {
        if param.is_empty() {
            return Err(Error::bad_request("\"workspaceproxy\" must be provided."));
        }
        if param == PRIMARY || param == self.deployment_id()? {
            return Ok(None);
        }
        let db = self.db(actor);
        db.require_visible(action::READ, &object())?;
        let found = match Uuid::parse_str(param) {
            Ok(id) => db.proxy_by_id(id)?,
            Err(_) => db.proxy_by_name(param)?,
        };
        found.map(Some).ok_or_else(Error::not_found)
    }

    /// `GET /workspaceproxies`: the primary first, then every live proxy.
    pub fn list_proxies(&self, actor: &Actor) -> Result<Vec<ProxyView>> {
        self.require_feature(Feature::WorkspaceProxy)?;
        let db = self.db(actor);
        db.require(action::READ, &object())?;
        let mut out = vec![self.primary_proxy()?];
        out.extend(db.list_proxies()?.into_iter().map(|p| self.proxy_view(p)));
        Ok(out)
    }

    /// `GET /regions` (and the dashboard's `regions` meta): every proxy the actor may read with
    /// its status when workspace proxies are licensed, else only the primary, as Coder's AGPL
    /// server answers.
    pub fn regions(&self, actor: &Actor) -> Result<Vec<ProxyView>> {
        if self.feature_enabled(Feature::WorkspaceProxy) && self.db(actor).allows(action::READ, &object()) {
            return self.list_proxies(actor);
        }
        Ok(vec![self.primary_proxy()?])
    }

    /// `GET /workspaceproxies/{proxy}`.
    pub fn get_proxy(&self, actor: &Actor, param: &str) -> Result<ProxyView> {
        self.require_feature(Feature::WorkspaceProxy)?;
        match self.resolve_proxy(actor, param)? {
            None => self.primary_proxy(),
            Some(p) => Ok(self.proxy_view(p)),
        }
    }

    /// `POST /workspaceproxies`: owners only. Answers the proxy and its token (shown once).
    pub fn create_proxy(&self, actor: &Actor, input: NewProxy) -> Result<(ProxyView, String)> {
        self.require_feature(Feature::WorkspaceProxy)?;
        if input.name.is_empty() {
            return Err(validation_required("name"));
        }
        if input.name.eq_ignore_ascii_case(PRIMARY) {
            return Err(Error::bad_request("The name \"primary\" is reserved for the primary region.")
                .with_detail("Cannot name a workspace proxy 'primary'.")
                .with_validation("name", "Reserved name"));
        }
        let db = self.db(actor);
        db.require(action::CREATE, &object())?;
        let now = clock::now();
        let id = Uuid::new_v4();
        let (token, hashed) = new_token(id);
        let taken = || Error::conflict(format!("Workspace proxy with name {:?} already exists.", input.name));
        let proxy = db
            .transaction(|tx| {
                if tx.proxy_name_taken(&input.name, None)? {
                    return Err(taken());
                }
                let mut proxy = WorkspaceProxy {
                    id,
                    name: input.name.clone(),
                    display_name: input.display_name.clone(),
                    icon: input.icon.clone(),
                    url: String::new(),
                    wildcard_hostname: String::new(),
                    derp_enabled: true,
                    derp_only: false,
                    region_id: 0,
                    token_hashed_secret: hashed.clone(),
                    created_at: now,
                    updated_at: now,
                    deleted: false,
                    version: String::new(),
                };
                tx.insert_proxy(&mut proxy)?;
                Ok(proxy)
            })
            .map_err(|e| if e.kind == ErrorKind::Conflict { taken() } else { e })?;
        let status = ProxyStatus { status: HealthStatus::Unregistered, errors: vec![], warnings: vec![], checked_at: now };
        Ok((ProxyView { proxy, status }, token))
    }

    /// `PATCH /workspaceproxies/{proxy}`: owners only. For the primary, only its display name
    /// and icon change.
    pub fn patch_proxy(&self, actor: &Actor, param: &str, patch: ProxyPatch) -> Result<(ProxyView, String)> {
        self.require_feature(Feature::WorkspaceProxy)?;
        let target = self.resolve_proxy(actor, param)?;
        for (field, empty) in [
            ("id", patch.id.is_none_or(|id| id.is_nil())),
            ("name", patch.name.is_empty()),
            ("display_name", patch.display_name.is_empty()),
            ("icon", patch.icon.is_empty()),
        ] {
            if empty {
                return Err(validation_required(field));
            }
        }
        let Some(mut proxy) = target else {
            if patch.name != PRIMARY {
                return Err(Error::invalid_field(
                    "Cannot update name of default primary proxy, did you mean to update the 'display name'?",
                    "name",
                    "Cannot update name of default primary proxy",
                ));
            }
            let db = self.db(actor);
            db.require(action::UPDATE, &object())?;
            db.transaction(|tx| {
                tx.put_primary_proxy_value(DISPLAY_NAME_KEY, &patch.display_name)?;
                tx.put_primary_proxy_value(ICON_KEY, &patch.icon)
            })?;
            return Ok((self.primary_proxy()?, String::new()));
        };
        let db = self.db(actor);
        db.require_visible(action::UPDATE, &object())?;
        if patch.name.eq_ignore_ascii_case(PRIMARY) {
            return Err(Error::bad_request("The name \"primary\" is reserved for the primary region.")
                .with_detail("Cannot name a workspace proxy 'primary'.")
                .with_validation("name", "Reserved name"));
        }
        let taken = || Error::conflict(format!("Workspace proxy with name {:?} already exists.", patch.name));
        let mut token = String::new();
        if patch.regenerate_token {
            let (t, hashed) = new_token(proxy.id);
            token = t;
            proxy.token_hashed_secret = hashed;
        }
        proxy.name = patch.name.clone();
        proxy.display_name = patch.display_name.clone();
        proxy.icon = patch.icon.clone();
        proxy.updated_at = clock::now();
        db.transaction(|tx| {
            if tx.proxy_name_taken(&proxy.name, Some(proxy.id))? {
                return Err(taken());
            }
            tx.update_proxy(&proxy)
        })
        .map_err(|e| if e.kind == ErrorKind::Conflict { taken() } else { e })?;
        Ok((self.proxy_view(proxy), token))
    }

    /// `DELETE /workspaceproxies/{proxy}`: a soft delete; its token stops working.
    pub fn delete_proxy(&self, actor: &Actor, param: &str) -> Result<()> {
        self.require_feature(Feature::WorkspaceProxy)?;
        let Some(proxy) = self.resolve_proxy(actor, param)? else {
            return Err(Error::bad_request("Cannot delete primary proxy"));
        };
        let db = self.db(actor);
        db.require_visible(action::DELETE, &object())?;
        db.transaction(|tx| tx.delete_proxy(proxy.id, clock::now()))
    }

    /// Authenticates a proxy by its `Coder-External-Proxy-Token`.
    pub fn authenticate_proxy(&self, token: Option<&str>) -> Result<WorkspaceProxy> {
        let token = token.filter(|t| !t.is_empty()).ok_or_else(|| Error::unauthorized("Missing required external proxy token"))?;
        let invalid = || Error::unauthorized("Invalid external proxy token");
        let (id, secret_part) = parse_token(token).ok_or_else(invalid)?;
        let proxy = self.db_as(System::Proxy).proxy_by_id(id)?.ok_or_else(|| invalid().with_detail("Proxy not found."))?;
        if proxy.deleted {
            return Err(invalid().with_detail("Proxy has been deleted."));
        }
        if !secret::secret_matches(secret_part, &proxy.token_hashed_secret) {
            return Err(invalid().with_detail("Invalid proxy token secret."));
        }
        Ok(proxy)
    }

    /// `POST /workspaceproxies/me/register`: records where the proxy is and registers its replica.
    pub fn register_proxy(&self, proxy: &WorkspaceProxy, reg: Registration) -> Result<Registered> {
        self.require_feature(Feature::WorkspaceProxy)?;
        check_access_url(&reg.access_url)?;
        if !reg.wildcard_hostname.is_empty() && !wildcard_valid(&reg.wildcard_hostname) {
            return Err(Error::bad_request("Wildcard URL is invalid.")
                .with_detail(format!("{:?} is not a hostname pattern like *.apps.example.com", reg.wildcard_hostname)));
        }
        if reg.replica_id.is_nil() {
            return Err(Error::bad_request("Replica ID is invalid."));
        }
        if reg.derp_only && !reg.derp_enabled {
            return Err(Error::bad_request("DerpOnly cannot be true when DerpEnabled is false."));
        }
        let now = clock::now();
        let region = PROXY_DERP_REGION_BASE + proxy.region_id;
        let db = self.db_as(System::Proxy);
        let address = crate::authz::ProxyAddress {
            url: &reg.access_url,
            wildcard_hostname: &reg.wildcard_hostname,
            derp_enabled: reg.derp_enabled,
            derp_only: reg.derp_only,
            version: &reg.version,
        };
        let replica = crate::replicas::Replica {
            id: reg.replica_id,
            hostname: reg.hostname.clone(),
            created_at: now,
            started_at: now,
            stopped_at: None,
            updated_at: now,
            relay_address: reg.replica_relay_address.clone(),
            region_id: region,
            database_latency: 0,
            version: reg.version.clone(),
            error: reg.replica_error.clone(),
            primary: false,
        };
        let mesh_key = db.transaction(|tx| tx.register_proxy(proxy.id, address, &replica, now, MESH_KEY))?;
        let siblings = db
            .live_proxy_replicas(now - crate::licensing::REPLICA_STALE_AFTER)?
            .into_iter()
            .filter(|r| r.region_id == region && r.id != reg.replica_id)
            .collect();
        Ok(Registered {
            derp_mesh_key: reg.derp_enabled.then_some(mesh_key),
            derp_region_id: region,
            derp_force_websockets: false,
            sibling_replicas: siblings,
        })
    }

    /// `POST /workspaceproxies/me/deregister`: marks one of the proxy's replicas stopped.
    pub fn deregister_proxy(&self, proxy: &WorkspaceProxy, replica_id: Uuid) -> Result<()> {
        self.require_feature(Feature::WorkspaceProxy)?;
        let region = PROXY_DERP_REGION_BASE + proxy.region_id;
        self.db_as(System::Proxy).transaction(|tx| tx.deregister_proxy_replica(proxy.id, region, replica_id, clock::now()))
    }

    /// The proxies a health run must check: every live one, with its URL.
    pub fn proxies_to_check(&self) -> Result<Vec<WorkspaceProxy>> {
        self.db_as(System::Proxy).list_proxies()
    }
}

fn check_access_url(url: &str) -> Result<()> {
    let bad = |detail: &str| Error::bad_request("URL is invalid.").with_detail(detail.to_string());
    let rest = if let Some(r) = url.strip_prefix("https://") {
        r
    } else if let Some(r) = url.strip_prefix("http://") {
        r
    } else {
        return Err(bad("scheme must be http or https"));
    };
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if host.is_empty() {
        return Err(bad("host must not be empty"));
    }
    if !(path.is_empty() || path == "/") {
        return Err(bad("path must be empty or /"));
    }
    Ok(())
}

/// Coder's wildcard hostname rule: `*` followed by a suffix, `*.apps.example.com` or
/// `*--apps.example.com`, with an optional port.
/// Whether a wildcard hostname pattern is one Coder accepts (`*.apps.example.com`,
/// `*--apps.example.com`, optionally with a port).
pub fn wildcard_valid(pattern: &str) -> bool {
    let host = pattern
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()) && !port.is_empty())
        .map_or(pattern, |(h, _)| h);
    let Some(rest) = host.strip_prefix('*') else { return false };
    let rest = rest.strip_prefix('.').or_else(|| rest.strip_prefix("--")).unwrap_or(rest);
    !rest.is_empty()
        && !rest.contains('*')
        && rest.split('.').all(|label| !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_urls() {
        let id = Uuid::new_v4();
        let (token, hashed) = new_token(id);
        let (got, secret_part) = parse_token(&token).unwrap();
        assert_eq!(got, id);
        assert!(secret::secret_matches(secret_part, &hashed));
        assert!(parse_token("nope").is_none());
        assert!(parse_token(&format!("{id}:short")).is_none());
        assert!(check_access_url("https://proxy.example.com").is_ok());
        assert!(check_access_url("http://127.0.0.1:8080/").is_ok());
        assert_eq!(check_access_url("ftp://x").unwrap_err().detail, "scheme must be http or https");
        assert_eq!(check_access_url("https://x/sub").unwrap_err().detail, "path must be empty or /");
        assert!(wildcard_valid("*.apps.example.com"));
        assert!(wildcard_valid("*--apps.example.com:8080"));
        assert!(!wildcard_valid("apps.example.com"));
        assert!(!wildcard_valid("*.*.example.com"));
    }

    #[test]
    fn probes_map_to_statuses() {
        let t = clock::now();
        let answered = |status, body: &str| Probe::Answered { status, coder_header: false, body: body.as_bytes().to_vec() };
        assert_eq!(status_of_probe("u", answered(200, r#"{"errors":[],"warnings":["w"]}"#), t).status, HealthStatus::Ok);
        let s = status_of_probe("u", answered(200, r#"{"errors":["broken"],"warnings":[]}"#), t);
        assert_eq!((s.status, s.errors), (HealthStatus::Unhealthy, vec!["broken".to_string()]));
        assert_eq!(status_of_probe("u", answered(200, "<html>"), t).status, HealthStatus::Unhealthy);
        assert_eq!(status_of_probe("u", answered(502, "bad gateway"), t).status, HealthStatus::Unhealthy);
        assert_eq!(status_of_probe("u", Probe::Failed("refused".into()), t).status, HealthStatus::Unreachable);
        assert_eq!(status_of_probe("", Probe::Unregistered, t).status, HealthStatus::Unregistered);
    }
}
