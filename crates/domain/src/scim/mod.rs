//! SCIM 2.0 (RFC 7643/7644): users and groups provisioned by an identity provider, mapped onto
//! Coder users and groups of the default organization.
//!
//! Resources are built as JSON ([`resources`]) from the Coder row plus what SCIM sent that Coder
//! has no column for (kept verbatim in a `scim_users` / `scim_groups` row). Filters ([`filter`])
//! and PATCH ([`patch`]) work on that JSON; the use cases ([`users`], [`groups`]) read the result
//! back into Coder's model, so a change made through SCIM is what the Coder API shows.

pub mod filter;
pub mod groups;
pub mod patch;
pub mod resources;
pub mod users;

use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

/// The core User schema.
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The core Group schema.
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// List responses.
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// PATCH requests.
pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// Error bodies.
pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
/// The largest page served.
pub const MAX_RESULTS: usize = 1000;

/// A SCIM error (RFC 7644 §3.12): an HTTP status, an optional `scimType` and a detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimError {
    /// HTTP status.
    pub status: u16,
    /// `invalidFilter`, `uniqueness`, `invalidValue`, ...
    pub scim_type: Option<String>,
    /// What went wrong.
    pub detail: String,
}

impl ScimError {
    /// Any error.
    pub fn new(status: u16, scim_type: Option<&str>, detail: impl Into<String>) -> Self {
        Self { status, scim_type: scim_type.map(String::from), detail: detail.into() }
    }
    /// 400 `invalidValue`.
    pub fn invalid_value(detail: impl Into<String>) -> Self {
        Self::new(400, Some("invalidValue"), detail)
    }
    /// 400 `invalidSyntax`.
    pub fn invalid_syntax(detail: impl Into<String>) -> Self {
        Self::new(400, Some("invalidSyntax"), detail)
    }
    /// 400 `invalidPath`.
    pub fn invalid_path(detail: impl Into<String>) -> Self {
        Self::new(400, Some("invalidPath"), detail)
    }
    /// 400 `invalidFilter`.
    pub fn invalid_filter(detail: impl Into<String>) -> Self {
        Self::new(400, Some("invalidFilter"), detail)
    }
    /// 409 `uniqueness`.
    pub fn uniqueness(detail: impl Into<String>) -> Self {
        Self::new(409, Some("uniqueness"), detail)
    }
    /// 404.
    pub fn not_found(id: &str) -> Self {
        Self::new(404, None, format!("Resource {id} not found."))
    }
    /// 412: the `If-Match` version is not the current one.
    pub fn precondition_failed() -> Self {
        Self::new(412, None, "The resource has changed since the version given in If-Match.")
    }
}

impl From<crate::Error> for ScimError {
    fn from(e: crate::Error) -> Self {
        use crate::ErrorKind as K;
        let status = match e.kind {
            K::BadRequest => 400,
            K::Unauthorized => 401,
            K::Forbidden => 403,
            K::NotFound => 404,
            K::Conflict => 409,
            K::NotAcceptable => 406,
            K::TooLarge => 413,
            K::Gone => 410,
            K::ExpectationFailed => 417,
            K::TooEarly => 425,
            K::Internal => 500,
            K::Unavailable => 503,
        };
        let scim_type = match e.kind {
            K::BadRequest => Some("invalidValue"),
            K::Conflict => Some("uniqueness"),
            _ => None,
        };
        let detail = if e.detail.is_empty() { e.message } else { format!("{}: {}", e.message, e.detail) };
        Self::new(status, scim_type, detail)
    }
}

/// Result of SCIM use cases.
pub type ScimResult<T> = Result<T, ScimError>;

/// What SCIM sent about a user that Coder has no column for, and the `userName` as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct ScimUserRow {
    /// The Coder user.
    pub user_id: Uuid,
    /// `userName` exactly as the client sent it.
    pub user_name: String,
    /// `externalId`, if sent.
    pub external_id: Option<String>,
    /// Every other attribute as sent (JSON object text).
    pub attributes: String,
    /// Deleted through SCIM: the Coder user is suspended and SCIM no longer sees it.
    pub deleted: bool,
    /// First provisioned.
    pub created_at: OffsetDateTime,
    /// Last changed through SCIM.
    pub updated_at: OffsetDateTime,
}

/// What SCIM sent about a group.
#[derive(Debug, Clone, PartialEq)]
pub struct ScimGroupRow {
    /// The Coder group.
    pub group_id: Uuid,
    /// `displayName` exactly as sent.
    pub display_name: String,
    /// `externalId`, if sent.
    pub external_id: Option<String>,
    /// Every other attribute as sent, members' sub-attributes included (JSON object text).
    pub attributes: String,
    /// First provisioned.
    pub created_at: OffsetDateTime,
    /// Last changed through SCIM.
    pub updated_at: OffsetDateTime,
}

/// One page of a list request (`startIndex` is 1-based).
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// `filter`.
    pub filter: Option<String>,
    /// `startIndex`.
    pub start_index: usize,
    /// `count`.
    pub count: usize,
    /// `sortBy`.
    pub sort_by: Option<String>,
    /// `sortOrder` is `descending`.
    pub descending: bool,
}

/// A page of resources with the true total.
#[derive(Debug, Clone)]
pub struct ListPage {
    /// All matching resources.
    pub total: usize,
    /// `startIndex` served.
    pub start_index: usize,
    /// The resources of the page.
    pub resources: Vec<Value>,
}

/// Filters, sorts and pages resources (in memory).
pub fn page(mut all: Vec<Value>, q: &ListQuery) -> ScimResult<ListPage> {
    if let Some(f) = q.filter.as_deref().filter(|f| !f.trim().is_empty()) {
        let parsed = filter::parse(f).map_err(|e| ScimError::invalid_filter(format!("The specified filter syntax was invalid: {e}")))?;
        all.retain(|r| filter::matches(&parsed, r));
    }
    if let Some(by) = q.sort_by.as_deref().filter(|s| !s.is_empty()) {
        let path = filter::parse_attr_path(by).map_err(ScimError::invalid_value)?;
        let key = |r: &Value| -> String {
            let v = filter::get_ci(r, &path.attr);
            let v = match (&path.sub, v) {
                (Some(s), Some(v)) => filter::get_ci(v, s),
                (None, v) => v,
                _ => None,
            };
            match v {
                Some(Value::String(s)) => s.to_lowercase(),
                Some(Value::Array(a)) => {
                    a.first().and_then(|x| filter::get_ci(x, "value")).map(|x| x.to_string().to_lowercase()).unwrap_or_default()
                }
                Some(other) => other.to_string(),
                None => String::new(),
            }
        };
        all.sort_by_key(key);
        if q.descending {
            all.reverse();
        }
    }
    let total = all.len();
    let start = q.start_index.max(1);
    let resources = all.into_iter().skip(start - 1).take(q.count.min(MAX_RESULTS)).collect();
    Ok(ListPage { total, start_index: start, resources })
}

/// Checks a resource's `schemas` names `schema`.
fn require_schema(body: &Value, schema: &str) -> ScimResult<()> {
    let ok = filter::get_ci(body, "schemas")
        .and_then(|s| s.as_array())
        .is_some_and(|a| a.iter().any(|v| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(schema))));
    if ok {
        Ok(())
    } else {
        Err(ScimError::invalid_syntax(format!("\"schemas\" must contain {schema:?}")))
    }
}

/// The `W/"..."` version of a resource last changed at `at`.
pub fn version_of(at: OffsetDateTime) -> String {
    format!("W/\"{}\"", at.unix_timestamp_nanos() / 1000)
}

/// Checks `If-Match` against the resource's current version.
pub fn check_if_match(if_match: Option<&str>, current: &Value) -> ScimResult<()> {
    let Some(want) = if_match.map(str::trim).filter(|v| !v.is_empty() && *v != "*") else { return Ok(()) };
    let have = current.pointer("/meta/version").and_then(|v| v.as_str()).unwrap_or_default();
    let strip = |s: &str| s.trim_start_matches("W/").trim_matches('"').to_string();
    if want.split(',').any(|w| strip(w.trim()) == strip(have)) {
        Ok(())
    } else {
        Err(ScimError::precondition_failed())
    }
}

const CARRIED: &str = "scim-error:";

impl ScimError {
    /// Carries this error through a domain transaction (which speaks [`crate::Error`]);
    /// [`ScimError::from_domain`] reads it back.
    pub fn into_domain(self) -> crate::Error {
        use crate::ErrorKind as K;
        let kind = match self.status {
            404 => K::NotFound,
            409 => K::Conflict,
            s if s >= 500 => K::Internal,
            _ => K::BadRequest,
        };
        crate::Error::new(kind, self.detail).with_detail(format!("{CARRIED}{}:{}", self.status, self.scim_type.unwrap_or_default()))
    }

    /// The SCIM error a domain error stands for.
    pub fn from_domain(e: crate::Error) -> Self {
        if let Some(rest) = e.detail.strip_prefix(CARRIED) {
            if let Some((status, ty)) = rest.split_once(':') {
                if let Ok(status) = status.parse() {
                    return Self { status, scim_type: (!ty.is_empty()).then(|| ty.to_string()), detail: e.message };
                }
            }
        }
        Self::from(e)
    }
}

/// The operations of a PatchOp request body.
pub fn patch_operations(body: &Value) -> ScimResult<Vec<patch::PatchOperation>> {
    require_schema(body, PATCH_SCHEMA).map_err(|e| ScimError::invalid_value(e.detail))?;
    let ops = filter::get_ci(body, "Operations").ok_or_else(|| ScimError::invalid_value("\"Operations\" is required"))?;
    let ops: Vec<patch::PatchOperation> =
        serde_json::from_value(ops.clone()).map_err(|e| ScimError::invalid_syntax(format!("\"Operations\": {e}")))?;
    if ops.is_empty() {
        return Err(ScimError::invalid_value("\"Operations\" must not be empty"));
    }
    Ok(ops)
}

impl crate::app::App {
    /// Whether SCIM is configured (`CODER_SCIM_AUTH_HEADER` is set); without it every SCIM path
    /// is absent.
    pub fn scim_configured(&self) -> bool {
        self.settings.scim_key_hash.is_some()
    }

    /// Checks the `Authorization` header of a SCIM request: the key raw or as `Bearer <key>`,
    /// compared in constant time (through its SHA-256).
    pub fn scim_authenticate(&self, authorization: Option<&str>) -> ScimResult<()> {
        let unauthorized = || ScimError::new(401, None, "invalid authorization");
        let stored = self.settings.scim_key_hash.as_deref().ok_or_else(unauthorized)?;
        let value = authorization.ok_or_else(unauthorized)?;
        let key = if value.len() >= 7 && value[..7].eq_ignore_ascii_case("bearer ") { &value[7..] } else { value };
        if key.is_empty() || !crate::secret::secret_matches(key, stored) {
            return Err(unauthorized());
        }
        Ok(())
    }
}
