//! The server processes of the deployment.

use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::rfc3339;

/// Coder's `codersdk.Replica`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::Replica, example = json!({"id": "6a0a1bc5-7e2c-4a50-9a5b-0f3c3d9b8e21", "hostname": "coderd-0", "created_at": "2026-01-02T03:04:05.123456Z", "relay_address": "", "region_id": 999, "error": "", "database_latency": 412}))]
pub struct Replica {
    /// Random id made at each start.
    pub id: Uuid,
    /// Host name of the machine.
    pub hostname: String,
    /// When the replica was first seen.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// Address other replicas relay DERP traffic through.
    pub relay_address: String,
    /// DERP region.
    pub region_id: i32,
    /// What went wrong reaching peers.
    pub error: String,
    /// Microseconds a database round trip took.
    pub database_latency: i32,
}

impl From<&domain::replicas::Replica> for Replica {
    fn from(r: &domain::replicas::Replica) -> Self {
        Self {
            id: r.id,
            hostname: r.hostname.clone(),
            created_at: r.created_at,
            relay_address: r.relay_address.clone(),
            region_id: r.region_id,
            error: r.error.clone(),
            database_latency: r.database_latency,
        }
    }
}
