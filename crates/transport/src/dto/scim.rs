//! SCIM documents, for the OpenAPI description (the handlers work on JSON directly).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A SCIM error (RFC 7644 §3.12).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = scim::Error, example = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "409", "scimType": "uniqueness", "detail": "a user with userName \"bjensen\" already exists"}))]
pub struct ScimErrorBody {
    /// `["urn:ietf:params:scim:api:messages:2.0:Error"]`.
    pub schemas: Vec<String>,
    /// The HTTP status, as a string.
    pub status: String,
    /// The SCIM error type.
    #[serde(rename = "scimType", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub scim_type: Option<String>,
    /// What went wrong.
    pub detail: String,
}

/// A SCIM user (RFC 7643 §4.1); attributes not listed are kept and returned as sent.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = scim::User, example = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "2819c223-7f76-453a-919d-413861904646", "externalId": "701984", "userName": "bjensen@example.com", "name": {"formatted": "Barbara Jensen", "givenName": "Barbara", "familyName": "Jensen"}, "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true}], "active": true, "meta": {"resourceType": "User", "created": "2026-01-02T03:04:05Z", "lastModified": "2026-01-02T03:04:05Z", "location": "https://coder.example.com/scim/v2/Users/2819c223-7f76-453a-919d-413861904646", "version": "W/\"1767323045000000\""}}))]
pub struct ScimUser {
    /// Must contain `urn:ietf:params:scim:schemas:core:2.0:User`.
    pub schemas: Vec<String>,
    /// The Coder user id (server-assigned).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub id: Option<String>,
    /// The client's id for the user.
    #[serde(rename = "externalId", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub external_id: Option<String>,
    /// Unique; kept as sent, the Coder username is derived from it.
    #[serde(rename = "userName")]
    pub user_name: String,
    /// Name parts.
    #[schema(value_type = Object)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<serde_json::Value>,
    /// Email addresses; the primary one is the Coder email.
    #[schema(value_type = Vec<Object>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emails: Option<serde_json::Value>,
    /// `false` suspends the Coder user.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
    /// Resource metadata (server-assigned).
    #[schema(value_type = Object)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<serde_json::Value>,
}

/// A SCIM group (RFC 7643 §4.2): a group of Coder's default organization.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = scim::Group, example = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "e9e30dba-f08f-4109-8486-d5c6a331660a", "displayName": "Developers", "members": [{"value": "2819c223-7f76-453a-919d-413861904646", "display": "bjensen", "type": "User"}], "meta": {"resourceType": "Group", "version": "W/\"1767323045000000\""}}))]
pub struct ScimGroup {
    /// Must contain `urn:ietf:params:scim:schemas:core:2.0:Group`.
    pub schemas: Vec<String>,
    /// The Coder group id (server-assigned).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub id: Option<String>,
    /// Unique; kept as sent, the Coder group name is derived from it.
    #[serde(rename = "displayName")]
    pub display_name: String,
    /// Members by user id.
    #[schema(value_type = Vec<Object>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<serde_json::Value>,
    /// Resource metadata (server-assigned).
    #[schema(value_type = Object)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<serde_json::Value>,
}

/// A PatchOp request (RFC 7644 §3.5.2).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = scim::PatchOp, example = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "active", "value": false}]}))]
pub struct ScimPatchRequest {
    /// `["urn:ietf:params:scim:api:messages:2.0:PatchOp"]`.
    pub schemas: Vec<String>,
    /// `add`, `replace` or `remove` operations, applied in order.
    #[serde(rename = "Operations")]
    #[schema(value_type = Vec<Object>)]
    pub operations: serde_json::Value,
}

/// A list response (RFC 7644 §3.4.2).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = scim::ListResponse, example = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 1, "startIndex": 1, "itemsPerPage": 1, "Resources": [{"id": "2819c223-7f76-453a-919d-413861904646", "userName": "bjensen"}]}))]
pub struct ScimListResponse {
    /// `["urn:ietf:params:scim:api:messages:2.0:ListResponse"]`.
    pub schemas: Vec<String>,
    /// Everything that matched.
    #[serde(rename = "totalResults")]
    pub total_results: i64,
    /// 1-based index of the first resource.
    #[serde(rename = "startIndex")]
    pub start_index: i64,
    /// Resources on this page.
    #[serde(rename = "itemsPerPage")]
    pub items_per_page: i64,
    /// The resources.
    #[serde(rename = "Resources")]
    #[schema(value_type = Vec<Object>)]
    pub resources: serde_json::Value,
}

/// What this server supports (RFC 7643 §5).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = scim::ServiceProviderConfig, example = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"], "patch": {"supported": true}, "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0}, "filter": {"supported": true, "maxResults": 1000}, "changePassword": {"supported": false}, "sort": {"supported": true}, "etag": {"supported": true}, "authenticationSchemes": [{"type": "oauthbearertoken", "name": "HTTP Header Authentication", "primary": true}]}))]
pub struct ScimServiceProviderConfig {
    /// The schema.
    pub schemas: Vec<String>,
    /// PATCH support.
    #[schema(value_type = Object)]
    pub patch: serde_json::Value,
    /// Bulk support.
    #[schema(value_type = Object)]
    pub bulk: serde_json::Value,
    /// Filter support.
    #[schema(value_type = Object)]
    pub filter: serde_json::Value,
    /// Password change support.
    #[serde(rename = "changePassword")]
    #[schema(value_type = Object)]
    pub change_password: serde_json::Value,
    /// Sort support.
    #[schema(value_type = Object)]
    pub sort: serde_json::Value,
    /// ETag support.
    #[schema(value_type = Object)]
    pub etag: serde_json::Value,
    /// How to authenticate.
    #[serde(rename = "authenticationSchemes")]
    #[schema(value_type = Vec<Object>)]
    pub authentication_schemes: serde_json::Value,
}
