//! API keys: session keys made by login and long-lived named tokens.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::user::LoginType;

/// A resource an API key is allowed to touch (`codersdk.APIAllowListTarget`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AllowListTarget {
    /// RBAC resource type, or `*`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// Resource id, or `*`.
    pub id: String,
}

/// An API key as stored. The secret half is only ever kept as a SHA-256 digest.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiKey {
    /// The public 10-character half of the key; also its primary key.
    pub id: String,
    /// SHA-256 of the 22-character secret half.
    pub hashed_secret: Vec<u8>,
    /// Owner of the key.
    pub user_id: Uuid,
    /// Last time the key authenticated a request (updated at most once a minute).
    pub last_used: OffsetDateTime,
    /// After this instant the key no longer authenticates.
    pub expires_at: OffsetDateTime,
    /// Creation time.
    pub created_at: OffsetDateTime,
    /// Last change to the row.
    pub updated_at: OffsetDateTime,
    /// `password`/`github`/`oidc` for sessions, `token` for named tokens.
    pub login_type: LoginType,
    /// The lifetime the key was created with, used to extend sessions.
    pub lifetime_seconds: i64,
    /// Name of a token; empty for session keys.
    pub token_name: String,
    /// Scopes the key grants.
    pub scopes: Vec<String>,
    /// Resources the key is limited to.
    pub allow_list: Vec<AllowListTarget>,
}
