//! Workspace proxies.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::rfc3339;
use super::replicas::Replica;

/// Coder's `codersdk.ProxyHealthStatus` (with `unknown`, which Coder sends before a proxy's first
/// check although its API description leaves it out).
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[schema(as = codersdk::ProxyHealthStatus)]
pub enum ProxyHealthStatus {
    /// Healthy.
    Ok,
    /// Could not be reached.
    Unreachable,
    /// Answered with errors.
    Unhealthy,
    /// Has not registered yet.
    Unregistered,
    /// Not checked yet.
    Unknown,
}

/// Coder's `codersdk.ProxyHealthReport`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::ProxyHealthReport)]
pub struct ProxyHealthReport {
    /// Problems that keep the proxy from being healthy.
    pub errors: Vec<String>,
    /// Problems that do not, but should be addressed.
    pub warnings: Vec<String>,
}

/// Coder's `codersdk.WorkspaceProxyStatus`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::WorkspaceProxyStatus)]
pub struct WorkspaceProxyStatus {
    /// Overall state.
    pub status: ProxyHealthStatus,
    /// What the last check found.
    pub report: ProxyHealthReport,
    /// When the last check ran (`0001-01-01T00:00:00Z` before the first).
    #[serde(with = "rfc3339")]
    pub checked_at: OffsetDateTime,
}

/// Coder's `codersdk.WorkspaceProxy`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::WorkspaceProxy, example = json!({"id": "1e4b4a4c-5bb3-4b8f-9f1e-1f7a0b7c0f10", "name": "eu", "display_name": "Europe", "icon_url": "/emojis/1f1ea-1f1fa.png", "healthy": true, "path_app_url": "https://eu.coder.example.com", "wildcard_hostname": "*.eu.coder.example.com", "derp_enabled": true, "derp_only": false, "status": {"status": "ok", "report": {"errors": [], "warnings": []}, "checked_at": "2026-01-02T03:04:05.123456Z"}, "created_at": "2026-01-02T03:04:05.123456Z", "updated_at": "2026-01-02T03:04:05.123456Z", "deleted": false, "version": "v2.18.0"}))]
pub struct WorkspaceProxy {
    /// Identity (for the primary: the deployment id).
    pub id: Uuid,
    /// Unique name.
    pub name: String,
    /// Shown name.
    pub display_name: String,
    /// Icon URL.
    pub icon_url: String,
    /// The last check found it healthy.
    pub healthy: bool,
    /// Base URL of path-based apps (the proxy's access URL).
    pub path_app_url: String,
    /// Hostname pattern of subdomain apps.
    pub wildcard_hostname: String,
    /// Runs a DERP relay.
    pub derp_enabled: bool,
    /// Only relays DERP.
    pub derp_only: bool,
    /// The latest health check.
    pub status: WorkspaceProxyStatus,
    /// Created.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last changed.
    #[serde(with = "rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Soft-deleted.
    pub deleted: bool,
    /// Build version the proxy reported.
    pub version: String,
}

impl From<&domain::proxies::ProxyView> for WorkspaceProxy {
    fn from(v: &domain::proxies::ProxyView) -> Self {
        use domain::proxies::HealthStatus as H;
        let p = &v.proxy;
        let status = match v.status.status {
            H::Ok => ProxyHealthStatus::Ok,
            H::Unreachable => ProxyHealthStatus::Unreachable,
            H::Unhealthy => ProxyHealthStatus::Unhealthy,
            H::Unregistered => ProxyHealthStatus::Unregistered,
            H::Unknown => ProxyHealthStatus::Unknown,
        };
        Self {
            id: p.id,
            name: p.name.clone(),
            display_name: p.display_name.clone(),
            icon_url: p.icon.clone(),
            healthy: status == ProxyHealthStatus::Ok,
            path_app_url: p.url.clone(),
            wildcard_hostname: p.wildcard_hostname.clone(),
            derp_enabled: p.derp_enabled,
            derp_only: p.derp_only,
            status: WorkspaceProxyStatus {
                status,
                report: ProxyHealthReport { errors: v.status.errors.clone(), warnings: v.status.warnings.clone() },
                checked_at: v.status.checked_at,
            },
            created_at: p.created_at,
            updated_at: p.updated_at,
            deleted: p.deleted,
            version: p.version.clone(),
        }
    }
}

/// Coder's `codersdk.RegionsResponse[codersdk.WorkspaceProxy]`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::RegionsResponse_codersdk_WorkspaceProxy, example = json!({"regions": [{"id": "1e4b4a4c-5bb3-4b8f-9f1e-1f7a0b7c0f10", "name": "eu", "display_name": "Europe", "icon_url": "/emojis/1f1ea-1f1fa.png", "healthy": false, "path_app_url": "", "wildcard_hostname": "", "derp_enabled": true, "derp_only": false, "status": {"status": "unregistered", "report": {"errors": [], "warnings": []}, "checked_at": "2026-01-02T03:04:05.123456Z"}, "created_at": "2026-01-02T03:04:05.123456Z", "updated_at": "2026-01-02T03:04:05.123456Z", "deleted": false, "version": ""}]}))]
pub struct WorkspaceProxiesResponse {
    /// The primary first, then every live proxy.
    pub regions: Vec<WorkspaceProxy>,
}

/// Coder's `codersdk.CreateWorkspaceProxyRequest`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = codersdk::CreateWorkspaceProxyRequest, example = json!({"name": "eu", "display_name": "Europe", "icon": "/emojis/1f1ea-1f1fa.png"}))]
pub struct CreateWorkspaceProxyRequest {
    /// Unique name (not `primary`).
    #[serde(default, deserialize_with = "crate::de::null_default")]
    #[schema(min_length = 1)]
    pub name: String,
    /// Shown name.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub display_name: String,
    /// Icon URL.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub icon: String,
}

/// Coder's `codersdk.PatchWorkspaceProxy`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = codersdk::PatchWorkspaceProxy, example = json!({"id": "1e4b4a4c-5bb3-4b8f-9f1e-1f7a0b7c0f10", "name": "eu", "display_name": "Europe (Frankfurt)", "icon": "/emojis/1f1ea-1f1fa.png", "regenerate_token": false}))]
pub struct PatchWorkspaceProxy {
    /// The proxy's id (required, not compared with the path, as in Coder).
    #[serde(default)]
    pub id: Option<Uuid>,
    /// New name.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    #[schema(min_length = 1)]
    pub name: String,
    /// New shown name.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    #[schema(min_length = 1)]
    pub display_name: String,
    /// New icon.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    #[schema(min_length = 1)]
    pub icon: String,
    /// Make a new token; the old one stops working.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub regenerate_token: bool,
}

/// Coder's `codersdk.UpdateWorkspaceProxyResponse`, the answer of create and update.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::UpdateWorkspaceProxyResponse, example = json!({"proxy": {"id": "1e4b4a4c-5bb3-4b8f-9f1e-1f7a0b7c0f10", "name": "eu", "display_name": "Europe", "icon_url": "/emojis/1f1ea-1f1fa.png", "healthy": false, "path_app_url": "", "wildcard_hostname": "", "derp_enabled": true, "derp_only": false, "status": {"status": "unregistered", "report": {"errors": [], "warnings": []}, "checked_at": "2026-01-02T03:04:05.123456Z"}, "created_at": "2026-01-02T03:04:05.123456Z", "updated_at": "2026-01-02T03:04:05.123456Z", "deleted": false, "version": ""}, "proxy_token": "1e4b4a4c-5bb3-4b8f-9f1e-1f7a0b7c0f10:Jx0aYh3kQ9mB2vNc7pLs4tWe8rUi1oPd5fGk6hZq3xCv9bNm2lKj7hGf4dSa1qWe"}))]
pub struct UpdateWorkspaceProxyResponse {
    /// The proxy.
    pub proxy: WorkspaceProxy,
    /// Its token `<id>:<secret>`, shown once; empty when no new token was made.
    pub proxy_token: String,
}

/// Coder's `wsproxysdk.RegisterWorkspaceProxyRequest`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = wsproxysdk::RegisterWorkspaceProxyRequest, example = json!({"access_url": "https://eu.coder.example.com", "wildcard_hostname": "*.eu.coder.example.com", "derp_enabled": true, "derp_only": false, "replica_id": "6a0a1bc5-7e2c-4a50-9a5b-0f3c3d9b8e21", "hostname": "proxy-eu-0", "replica_error": "", "replica_relay_address": "", "version": "v2.18.0"}))]
pub struct RegisterWorkspaceProxyRequest {
    /// Where users reach the proxy (http or https, no path).
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub access_url: String,
    /// Hostname pattern of subdomain apps.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub wildcard_hostname: String,
    /// Runs a DERP relay.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub derp_enabled: bool,
    /// Only relays DERP.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub derp_only: bool,
    /// The registering replica of the proxy.
    #[serde(default)]
    pub replica_id: Option<Uuid>,
    /// Its host name.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub hostname: String,
    /// What went wrong on it.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub replica_error: String,
    /// Its DERP relay address.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub replica_relay_address: String,
    /// Its build version.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub version: String,
}

/// Coder's `wsproxysdk.RegisterWorkspaceProxyResponse`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = wsproxysdk::RegisterWorkspaceProxyResponse, example = json!({"derp_mesh_key": "q8Zr3mWc1vBn6xLk9pTs2yHd5fGj7aQe4uIo0wEr3tYu8iOp1aSd6fGh2jKl5zXc", "derp_region_id": 10001, "derp_map": {"Regions": {}}, "derp_force_websockets": false, "sibling_replicas": []}))]
pub struct RegisterWorkspaceProxyResponse {
    /// Key DERP relays mesh with (only when the proxy runs DERP).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub derp_mesh_key: Option<String>,
    /// The proxy's DERP region.
    pub derp_region_id: i32,
    /// The DERP map: this server runs no DERP relays, so it has no regions.
    #[schema(value_type = Object)]
    pub derp_map: serde_json::Value,
    /// Force DERP over WebSockets.
    pub derp_force_websockets: bool,
    /// Other live replicas of this proxy.
    pub sibling_replicas: Vec<Replica>,
}

/// Coder's `wsproxysdk.DeregisterWorkspaceProxyRequest`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = wsproxysdk::DeregisterWorkspaceProxyRequest, example = json!({"replica_id": "6a0a1bc5-7e2c-4a50-9a5b-0f3c3d9b8e21"}))]
pub struct DeregisterWorkspaceProxyRequest {
    /// The replica that is going away.
    #[serde(default)]
    pub replica_id: Option<Uuid>,
}

/// `codersdk.Region`: a place workspace connections can go through (the primary, or a proxy).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::Region)]
pub struct Region {
    /// The proxy's id (the deployment id for the primary).
    pub id: Uuid,
    /// Its name (`primary` for this deployment).
    pub name: String,
    /// Its display name.
    pub display_name: String,
    /// Its icon.
    pub icon_url: String,
    /// Whether its last health check passed.
    pub healthy: bool,
    /// The base URL of path-based applications.
    pub path_app_url: String,
    /// The wildcard hostname of subdomain applications.
    pub wildcard_hostname: String,
}

impl From<&WorkspaceProxy> for Region {
    fn from(p: &WorkspaceProxy) -> Self {
        Self {
            id: p.id,
            name: p.name.clone(),
            display_name: p.display_name.clone(),
            icon_url: p.icon_url.clone(),
            healthy: p.healthy,
            path_app_url: p.path_app_url.clone(),
            wildcard_hostname: p.wildcard_hostname.clone(),
        }
    }
}

/// `codersdk.RegionsResponse[codersdk.Region]`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::RegionsResponse_codersdk_Region)]
pub struct RegionsResponse {
    /// The regions.
    pub regions: Vec<Region>,
}
