//! `GET /debug/health` (Coder's `healthcheck` report): real checks of what this server runs:
//! its database, its access URL and WebSocket path (probed over the network by the caller of
//! [`App::health_report`], since the domain does no I/O), its provisioner daemons and its
//! workspace proxies. DERP, which this control plane does not run, is reported in Coder's
//! dismissed form. Administrators dismiss sections through `/debug/health/settings`.

use time::OffsetDateTime;

use crate::app::{Actor, App};
use crate::authz::System;
use crate::error::{Error, Result};
use crate::provisioners::daemons::{DaemonQuery, DaemonView};
use crate::proxies::{HealthStatus, ProxyView};
use crate::rbac::{action, resource, Object};

/// Where the dismissed sections are kept.
const SETTINGS_KEY: &str = "health_settings";
/// Coder's database latency threshold (`DatabaseDefaultThreshold`).
pub const DATABASE_THRESHOLD_MS: i64 = 15;

/// How bad a section (or the whole report) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Nothing to report.
    Ok,
    /// Works, with a caveat.
    Warning,
    /// Broken.
    Error,
}

impl Severity {
    /// Coder's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

/// A report section, as `healthsdk.HealthSection` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// DERP relays.
    Derp,
    /// The access URL.
    AccessUrl,
    /// WebSocket connections to the API.
    Websocket,
    /// The database.
    Database,
    /// Workspace proxies.
    WorkspaceProxy,
    /// Provisioner daemons.
    ProvisionerDaemons,
}

impl Section {
    /// Every section, in Coder's order.
    pub const ALL: [Section; 6] =
        [Self::Derp, Self::AccessUrl, Self::Websocket, Self::Database, Self::WorkspaceProxy, Self::ProvisionerDaemons];

    /// Coder's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Derp => "DERP",
            Self::AccessUrl => "AccessURL",
            Self::Websocket => "Websocket",
            Self::Database => "Database",
            Self::WorkspaceProxy => "WorkspaceProxy",
            Self::ProvisionerDaemons => "ProvisionerDaemons",
        }
    }

    /// Parses Coder's spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A warning with Coder's code (`health.Code`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// `EDB02`, `EPD01`, ...
    pub code: &'static str,
    /// What it means here.
    pub message: String,
}

/// What every section carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// How bad it is.
    pub severity: Severity,
    /// Caveats.
    pub warnings: Vec<Message>,
    /// Why it failed, when it did.
    pub error: Option<String>,
    /// Whether an administrator dismissed the section.
    pub dismissed: bool,
}

impl Base {
    fn ok() -> Self {
        Self { severity: Severity::Ok, warnings: Vec::new(), error: None, dismissed: false }
    }

    fn fail(severity: Severity, code: &'static str, message: String) -> Self {
        Self { severity, warnings: vec![Message { code, message: message.clone() }], error: Some(message), dismissed: false }
    }
}

/// What fetching `<access URL>/healthz` found (done by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessProbe {
    /// It answered this status and body.
    Answered {
        /// HTTP status.
        status: u16,
        /// The body (bounded by the caller).
        body: String,
    },
    /// It could not be fetched.
    Failed(String),
}

/// What a WebSocket echo through the access URL found (done by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebsocketProbe {
    /// The message came back unchanged.
    Echoed,
    /// The handshake failed (with the HTTP status and body, when there was one).
    DialFailed {
        /// Why.
        error: String,
        /// The status the handshake got, 0 when none.
        code: u16,
        /// Its body.
        body: String,
    },
    /// Connected, but the echo did not come back unchanged.
    EchoFailed(String),
    /// Not checked, with the reason (the checker cannot dial this kind of URL).
    NotChecked(String),
}

/// The access URL section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessUrlReport {
    /// Severity and warnings.
    pub base: Base,
    /// The URL checked.
    pub access_url: String,
    /// Whether `/healthz` answered.
    pub reachable: bool,
    /// Its status.
    pub status_code: u16,
    /// Its body.
    pub healthz_response: String,
}

/// The WebSocket section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebsocketReport {
    /// Severity and warnings.
    pub base: Base,
    /// The failed handshake's body.
    pub body: String,
    /// The failed handshake's status.
    pub code: u16,
}

/// The database section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseReport {
    /// Severity and warnings.
    pub base: Base,
    /// Whether it answered.
    pub reachable: bool,
    /// One round trip, in milliseconds.
    pub latency_ms: i64,
    /// The latency above which it warns.
    pub threshold_ms: i64,
}

/// The workspace proxy section.
#[derive(Debug, Clone)]
pub struct ProxyReport {
    /// Severity and warnings.
    pub base: Base,
    /// The regions (the primary first).
    pub proxies: Vec<ProxyView>,
}

/// The provisioner daemon section.
#[derive(Debug, Clone)]
pub struct DaemonsReport {
    /// Severity and warnings.
    pub base: Base,
    /// The daemons of the default organization seen recently, with their own warnings.
    pub items: Vec<(DaemonView, Vec<Message>)>,
}

/// The whole report.
#[derive(Debug, Clone)]
pub struct HealthReport {
    /// When it was made.
    pub time: OffsetDateTime,
    /// The worst severity of the sections not dismissed.
    pub severity: Severity,
    /// DERP: not run by this server (dismissed).
    pub derp: Base,
    /// The access URL.
    pub access_url: AccessUrlReport,
    /// WebSockets.
    pub websocket: WebsocketReport,
    /// The database.
    pub database: DatabaseReport,
    /// Workspace proxies.
    pub workspace_proxy: ProxyReport,
    /// Provisioner daemons.
    pub provisioner_daemons: DaemonsReport,
    /// The server's version.
    pub coder_version: String,
}

impl HealthReport {
    /// Healthy: no section that counts is in error.
    pub fn healthy(&self) -> bool {
        self.severity != Severity::Error
    }
}

fn debug_object() -> Object {
    Object::of(resource::DEBUG_INFO)
}

impl App {
    /// Fails with 403 unless the actor may read debug information (owners): the health
    /// report, its settings and the WebSocket echo its check dials.
    pub fn require_debug_info(&self, actor: &Actor) -> Result<()> {
        self.db(actor).require(action::READ, &debug_object())
    }

    /// The sections administrators dismissed: `debug_info` read (owners), else 403.
    pub fn health_settings(&self, actor: &Actor) -> Result<Vec<Section>> {
        self.require_debug_info(actor)?;
        self.dismissed_sections()
    }

    fn dismissed_sections(&self) -> Result<Vec<Section>> {
        let stored = self.db_as(System::Background).get_site_config(SETTINGS_KEY)?.unwrap_or_default();
        Ok(stored.split(',').filter_map(Section::parse).collect())
    }

    /// `PUT /debug/health/settings`: `Ok(false)` when nothing changed (Coder answers 204).
    /// Needs `debug_info` read and `deployment_config` update (Coder's words for the latter).
    /// An unknown section is a 400 (Coder answers 500).
    pub fn set_health_settings(&self, actor: &Actor, sections: &[String]) -> Result<bool> {
        self.require_debug_info(actor)?;
        let db = self.db(actor);
        if !db.allows(action::UPDATE, &Object::of(resource::DEPLOYMENT_CONFIG)) {
            return Err(Error::new(crate::error::ErrorKind::Forbidden, "Insufficient permissions to update health settings."));
        }
        let mut wanted = Vec::new();
        for s in sections {
            let section = Section::parse(s).ok_or_else(|| {
                Error::bad_request("Failed to validate health settings.").with_detail(format!("unknown healthcheck section: {s}"))
            })?;
            if !wanted.contains(&section) {
                wanted.push(section);
            }
        }
        if wanted == self.dismissed_sections()? {
            return Ok(false);
        }
        let value = wanted.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",");
        db.put_site_config(SETTINGS_KEY, &value)?;
        Ok(true)
    }

    /// `GET /debug/health`: owners only (`debug_info` read), else 403. The probes of the access
    /// URL and the WebSocket path are the caller's (they are network I/O).
    pub fn health_report(&self, actor: &Actor, access: AccessProbe, websocket: WebsocketProbe) -> Result<HealthReport> {
        self.require_debug_info(actor)?;
        let start = std::time::Instant::now();
        let database_latency_ms = self.probe_database().ok().map(|_| start.elapsed().as_millis() as i64);
        let dismissed = self.dismissed_sections()?;
        let access_url = self.settings.access_url.clone();
        let access_url = match access {
            _ if access_url.is_empty() => AccessUrlReport {
                base: Base::fail(Severity::Error, "EACS01", "Access URL not set".into()),
                access_url,
                reachable: false,
                status_code: 0,
                healthz_response: String::new(),
            },
            AccessProbe::Failed(e) => AccessUrlReport {
                base: Base::fail(Severity::Error, "EACS03", format!("fetch {access_url}/healthz: {e}")),
                access_url,
                reachable: false,
                status_code: 0,
                healthz_response: String::new(),
            },
            AccessProbe::Answered { status, body } => {
                let mut base = Base::ok();
                if status != 200 {
                    base = Base::fail(Severity::Warning, "EACS04", format!("{access_url}/healthz did not return 200 OK (got {status})"));
                    base.error = None;
                }
                AccessUrlReport { base, access_url, reachable: true, status_code: status, healthz_response: body }
            }
        };
        let websocket = match websocket {
            WebsocketProbe::Echoed => WebsocketReport { base: Base::ok(), body: String::new(), code: 0 },
            WebsocketProbe::DialFailed { error, code, body } => {
                WebsocketReport { base: Base::fail(Severity::Error, "EWS01", format!("websocket dial: {error}")), body, code }
            }
            WebsocketProbe::NotChecked(why) => {
                let mut base = Base::ok();
                base.severity = Severity::Warning;
                base.warnings.push(Message { code: "EUNKNOWN", message: format!("WebSocket not checked: {why}") });
                WebsocketReport { base, body: String::new(), code: 0 }
            }
            WebsocketProbe::EchoFailed(e) => {
                WebsocketReport { base: Base::fail(Severity::Error, "EWS02", format!("websocket echo: {e}")), body: String::new(), code: 0 }
            }
        };
        let database = match database_latency_ms {
            Some(ms) => {
                let mut base = Base::ok();
                if ms > DATABASE_THRESHOLD_MS {
                    base.severity = Severity::Warning;
                    base.warnings.push(Message {
                        code: "EDB02",
                        message: format!("median database ping above threshold ({ms}ms > {DATABASE_THRESHOLD_MS}ms)"),
                    });
                }
                DatabaseReport { base, reachable: true, latency_ms: ms, threshold_ms: DATABASE_THRESHOLD_MS }
            }
            None => DatabaseReport {
                base: Base::fail(Severity::Error, "EDB01", "database ping failed".into()),
                reachable: false,
                latency_ms: 0,
                threshold_ms: DATABASE_THRESHOLD_MS,
            },
        };
        let workspace_proxy = self.proxy_section(actor)?;
        let provisioner_daemons = self.daemon_section(actor)?;
        let mut derp = Base::ok();
        derp.warnings.push(Message {
            code: "EDERP03",
            message: "This control plane runs no DERP relay; workspace connections are relayed elsewhere.".into(),
        });
        derp.dismissed = true;
        let mut report = HealthReport {
            time: crate::clock::now(),
            severity: Severity::Ok,
            derp,
            access_url,
            websocket,
            database,
            workspace_proxy,
            provisioner_daemons,
            coder_version: self.settings.version.clone(),
        };
        for section in &dismissed {
            match section {
                Section::Derp => report.derp.dismissed = true,
                Section::AccessUrl => report.access_url.base.dismissed = true,
                Section::Websocket => report.websocket.base.dismissed = true,
                Section::Database => report.database.base.dismissed = true,
                Section::WorkspaceProxy => report.workspace_proxy.base.dismissed = true,
                Section::ProvisionerDaemons => report.provisioner_daemons.base.dismissed = true,
            }
        }
        report.severity = [
            &report.derp,
            &report.access_url.base,
            &report.websocket.base,
            &report.database.base,
            &report.workspace_proxy.base,
            &report.provisioner_daemons.base,
        ]
        .iter()
        .filter(|b| !b.dismissed)
        .map(|b| b.severity)
        .max()
        .unwrap_or(Severity::Ok);
        Ok(report)
    }

    fn proxy_section(&self, actor: &Actor) -> Result<ProxyReport> {
        let proxies = self.regions(actor)?;
        let unhealthy: Vec<&ProxyView> = proxies
            .iter()
            .filter(|p| !p.proxy.deleted && matches!(p.status.status, HealthStatus::Unreachable | HealthStatus::Unhealthy))
            .collect();
        let base = match unhealthy.as_slice() {
            [] => Base::ok(),
            some => Base::fail(
                Severity::Error,
                "EWP04",
                format!("unhealthy workspace proxies: {}", some.iter().map(|p| p.proxy.name.as_str()).collect::<Vec<_>>().join(", ")),
            ),
        };
        Ok(ProxyReport { base, proxies })
    }

    fn daemon_section(&self, actor: &Actor) -> Result<DaemonsReport> {
        let views = self.list_provisioner_daemons(
            actor,
            "default",
            DaemonQuery { max_age: Some(time::Duration::hours(24)), ..Default::default() },
        )?;
        let wanted = format!("{}.{}", crate::provisioners::API_VERSION.0, crate::provisioners::API_VERSION.1);
        let items: Vec<(DaemonView, Vec<Message>)> = views
            .into_iter()
            .map(|v| {
                let mut warnings = Vec::new();
                if v.daemon.version != self.settings.version && !v.daemon.version.is_empty() {
                    warnings.push(Message {
                        code: "EPD02",
                        message: format!("Mismatched version: {} (server {})", v.daemon.version, self.settings.version),
                    });
                }
                if v.daemon.api_version.split('.').next() != wanted.split('.').next() {
                    warnings.push(Message { code: "EPD03", message: format!("Unsupported API version: {}", v.daemon.api_version) });
                }
                (v, warnings)
            })
            .collect();
        let mut base = Base::ok();
        if items.is_empty() {
            base = Base::fail(Severity::Error, "EPD01", "No active provisioner daemons found!".into());
        } else if items.iter().any(|(_, w)| !w.is_empty()) {
            base.severity = Severity::Warning;
            base.warnings.extend(items.iter().flat_map(|(_, w)| w.iter().cloned()));
        }
        Ok(DaemonsReport { base, items })
    }
}
