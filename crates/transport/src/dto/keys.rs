//! API keys and tokens.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::rfc3339;
use super::users::LoginType;
use crate::de::null_default;

/// Coder's `codersdk.APIKeyScope`: the scopes a key may carry.
pub struct ApiKeyScope;

impl utoipa::PartialSchema for ApiKeyScope {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("A permission an API key grants: `coder:all`, a `coder:*` bundle, or `<resource>:<action>`."))
            .enum_values(Some(domain::vocab::API_KEY_SCOPES.iter().copied()))
            .into()
    }
}

impl ToSchema for ApiKeyScope {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("codersdk.APIKeyScope")
    }
}

/// Coder's `codersdk.RBACResource`: resource type names.
pub struct RbacResource;

impl utoipa::PartialSchema for RbacResource {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("An RBAC resource type, or `*` for all."))
            .enum_values(Some(domain::vocab::RBAC_RESOURCES.iter().copied()))
            .into()
    }
}

impl ToSchema for RbacResource {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("codersdk.RBACResource")
    }
}

/// Coder's `codersdk.RBACAction`: action names.
pub struct RbacAction;

impl utoipa::PartialSchema for RbacAction {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("An RBAC action, or `*` for all (the owner role's permissions hold it)."))
            .enum_values(Some(std::iter::once("*").chain(domain::vocab::RBAC_ACTIONS.iter().copied())))
            .into()
    }
}

impl ToSchema for RbacAction {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("codersdk.RBACAction")
    }
}

/// Coder's `codersdk.APIAllowListTarget`. Written as an object; read as an object or as Coder's
/// legacy `"type:id"` string.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(as = codersdk::APIAllowListTarget)]
pub struct ApiAllowListTarget {
    /// Resource type, or `*`.
    #[serde(rename = "type")]
    #[schema(value_type = RbacResource)]
    pub resource_type: String,
    /// Resource id, or `*`.
    pub id: String,
}

impl<'de> Deserialize<'de> for ApiAllowListTarget {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Text(String),
            Object {
                #[serde(rename = "type")]
                resource_type: String,
                id: String,
            },
        }
        match Form::deserialize(d)? {
            Form::Object { resource_type, id } => Ok(Self { resource_type, id }),
            Form::Text(s) => match s.trim().split_once(':') {
                Some((t, id)) if !t.is_empty() && !id.is_empty() => Ok(Self { resource_type: t.to_string(), id: id.to_string() }),
                _ => Err(serde::de::Error::custom(format!("invalid allow_list entry {s:?}: want <type>:<id>"))),
            },
        }
    }
}

/// Coder's `codersdk.APIKey`. The secret is never part of it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::APIKey, example = json!({"id": "AbCdEfGhIj", "user_id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "last_used": "2026-01-02T03:04:05.123456Z", "expires_at": "2026-01-09T03:04:05.123456Z", "created_at": "2026-01-02T03:04:05.123456Z", "updated_at": "2026-01-02T03:04:05.123456Z", "login_type": "token", "scope": "all", "scopes": ["coder:all"], "token_name": "ci", "lifetime_seconds": 604800, "allow_list": [{"type": "*", "id": "*"}]}))]
pub struct ApiKey {
    /// The public half of the key.
    pub id: String,
    /// Owner.
    pub user_id: Uuid,
    /// Last use (written at most hourly).
    #[serde(with = "rfc3339")]
    pub last_used: OffsetDateTime,
    /// Expiry.
    #[serde(with = "rfc3339")]
    pub expires_at: OffsetDateTime,
    /// Creation time.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last change.
    #[serde(with = "rfc3339")]
    pub updated_at: OffsetDateTime,
    /// `password` for sessions, `token` for tokens.
    pub login_type: LoginType,
    /// Deprecated: use `scopes`. `all`, `application_connect` or empty.
    #[schema(value_type = ApiKeyScope)]
    pub scope: String,
    /// Scopes the key grants.
    #[schema(value_type = Vec<ApiKeyScope>)]
    pub scopes: Vec<String>,
    /// Token name; empty for sessions.
    pub token_name: String,
    /// Lifetime the key was made with.
    pub lifetime_seconds: i64,
    /// Resources the key is limited to.
    pub allow_list: Vec<ApiAllowListTarget>,
}

impl From<&domain::apikey::ApiKey> for ApiKey {
    fn from(k: &domain::apikey::ApiKey) -> Self {
        let scope = if k.scopes.iter().any(|s| s == "coder:application_connect") {
            "application_connect"
        } else if k.scopes.iter().any(|s| s == "coder:all") {
            "all"
        } else {
            ""
        };
        Self {
            id: k.id.clone(),
            user_id: k.user_id,
            last_used: k.last_used,
            expires_at: k.expires_at,
            created_at: k.created_at,
            updated_at: k.updated_at,
            login_type: k.login_type.into(),
            scope: scope.to_string(),
            scopes: k.scopes.clone(),
            token_name: k.token_name.clone(),
            lifetime_seconds: k.lifetime_seconds,
            allow_list: k
                .allow_list
                .iter()
                .map(|t| ApiAllowListTarget { resource_type: t.resource_type.clone(), id: t.id.clone() })
                .collect(),
        }
    }
}

/// Coder's `codersdk.GenerateAPIKeyResponse`: the only time the secret is shown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::GenerateAPIKeyResponse, example = json!({"key": "AbCdEfGhIj-0123456789abcdefghijkl"}))]
pub struct GenerateApiKeyResponse {
    /// The key, `<id>-<secret>`.
    pub key: String,
}

/// Coder's `codersdk.CreateTokenRequest`.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::CreateTokenRequest, example = json!({"token_name": "ci", "lifetime": 86_400_000_000_000i64, "scopes": ["coder:all"]}))]
pub struct CreateTokenRequest {
    /// Lifetime in nanoseconds (Go's `time.Duration`); 0 or absent means the default.
    #[serde(default, deserialize_with = "null_default")]
    pub lifetime: i64,
    /// Deprecated: use `scopes`.
    #[serde(default, deserialize_with = "null_default")]
    #[schema(value_type = ApiKeyScope)]
    pub scope: String,
    /// Scopes to grant (default `coder:all`).
    #[serde(default, deserialize_with = "null_default")]
    #[schema(value_type = Vec<ApiKeyScope>)]
    pub scopes: Vec<String>,
    /// Unique name among the user's tokens; a random one when empty.
    #[serde(default, deserialize_with = "null_default")]
    pub token_name: String,
    /// Resources to limit the token to (default: everything).
    #[serde(default, deserialize_with = "null_default")]
    pub allow_list: Vec<ApiAllowListTarget>,
}

/// Coder's `codersdk.APIKeyWithOwner`: a token with its owner's username, as the token list
/// shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::APIKeyWithOwner, example = json!({"id": "AbCdEfGhIj", "user_id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "last_used": "2026-01-02T03:04:05.123456Z", "expires_at": "2026-01-09T03:04:05.123456Z", "created_at": "2026-01-02T03:04:05.123456Z", "updated_at": "2026-01-02T03:04:05.123456Z", "login_type": "token", "scope": "all", "scopes": ["coder:all"], "token_name": "ci", "lifetime_seconds": 604800, "allow_list": [{"type": "*", "id": "*"}], "username": "ada"}))]
pub struct ApiKeyWithOwner {
    /// The key.
    #[serde(flatten)]
    pub key: ApiKey,
    /// Username of the key's owner.
    pub username: String,
}

/// Coder's `codersdk.TokenConfig`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::TokenConfig, example = json!({"max_token_lifetime": 604_800_000_000_000i64}))]
pub struct TokenConfig {
    /// The longest token lifetime the user may ask for, in nanoseconds.
    pub max_token_lifetime: i64,
}
