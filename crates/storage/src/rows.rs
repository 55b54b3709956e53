//! Row types as the tables hold them, and their conversion to and from domain entities.
//! UUIDs are text, role and scope lists are JSON text, timestamps are UTC without zone.

use diesel::prelude::*;
use domain::apikey::{AllowListTarget, ApiKey};
use domain::organization::{Group, Organization, OrganizationMember};
use domain::store::GitSshKeyRow;
use domain::user::{LoginType, User, UserStatus};
use domain::{Error, Result};
use time::{OffsetDateTime, PrimitiveDateTime};
use uuid::Uuid;

use crate::schema::*;

/// Stores an instant as a zone-less UTC timestamp.
pub fn to_db_time(t: OffsetDateTime) -> PrimitiveDateTime {
    let t = t.to_offset(time::UtcOffset::UTC);
    PrimitiveDateTime::new(t.date(), t.time())
}

/// Reads a zone-less UTC timestamp back.
pub fn from_db_time(t: PrimitiveDateTime) -> OffsetDateTime {
    t.assume_utc()
}

/// Parses a stored UUID; a bad one means the database was edited by hand.
pub fn parse_uuid(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|e| Error::internal("Internal error.", format!("corrupt uuid {s:?} in database: {e}")))
}

fn corrupt(what: &str, value: &str) -> Error {
    Error::internal("Internal error.", format!("corrupt {what} {value:?} in database"))
}

fn json_list<T: serde::de::DeserializeOwned>(what: &str, s: &str) -> Result<Vec<T>> {
    serde_json::from_str(s).map_err(|_| corrupt(what, s))
}

/// JSON text of a list, for the list-valued columns.
pub fn to_json<T: serde::Serialize>(v: &[T]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_string())
}

/// A `users` row.
#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug, Clone)]
#[diesel(table_name = users)]
#[diesel(treat_none_as_null = true)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub username: String,
    pub name: String,
    pub avatar_url: String,
    pub hashed_password: String,
    pub login_type: String,
    pub status: String,
    pub rbac_roles: String,
    pub is_service_account: bool,
    pub deleted: bool,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    pub last_seen_at: PrimitiveDateTime,
}

impl From<&User> for UserRow {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.to_string(),
            email: u.email.clone(),
            username: u.username.clone(),
            name: u.name.clone(),
            avatar_url: u.avatar_url.clone(),
            hashed_password: u.hashed_password.clone(),
            login_type: u.login_type.as_str().to_string(),
            status: u.status.as_str().to_string(),
            rbac_roles: to_json(&u.rbac_roles),
            is_service_account: u.is_service_account,
            deleted: u.deleted,
            created_at: to_db_time(u.created_at),
            updated_at: to_db_time(u.updated_at),
            last_seen_at: to_db_time(u.last_seen_at),
        }
    }
}

impl TryFrom<UserRow> for User {
    type Error = Error;
    fn try_from(r: UserRow) -> Result<Self> {
        Ok(User {
            id: parse_uuid(&r.id)?,
            login_type: LoginType::parse(&r.login_type).ok_or_else(|| corrupt("login type", &r.login_type))?,
            status: UserStatus::parse(&r.status).ok_or_else(|| corrupt("status", &r.status))?,
            rbac_roles: json_list("roles", &r.rbac_roles)?,
            email: r.email,
            username: r.username,
            name: r.name,
            avatar_url: r.avatar_url,
            hashed_password: r.hashed_password,
            is_service_account: r.is_service_account,
            deleted: r.deleted,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            last_seen_at: from_db_time(r.last_seen_at),
        })
    }
}

/// An `api_keys` row.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    pub id: String,
    pub hashed_secret: Vec<u8>,
    pub user_id: String,
    pub last_used: PrimitiveDateTime,
    pub expires_at: PrimitiveDateTime,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    pub login_type: String,
    pub lifetime_seconds: i64,
    pub token_name: String,
    pub scopes: String,
    pub allow_list: String,
}

impl From<&ApiKey> for ApiKeyRow {
    fn from(k: &ApiKey) -> Self {
        Self {
            id: k.id.clone(),
            hashed_secret: k.hashed_secret.clone(),
            user_id: k.user_id.to_string(),
            last_used: to_db_time(k.last_used),
            expires_at: to_db_time(k.expires_at),
            created_at: to_db_time(k.created_at),
            updated_at: to_db_time(k.updated_at),
            login_type: k.login_type.as_str().to_string(),
            lifetime_seconds: k.lifetime_seconds,
            token_name: k.token_name.clone(),
            scopes: to_json(&k.scopes),
            allow_list: to_json(&k.allow_list),
        }
    }
}

impl TryFrom<ApiKeyRow> for ApiKey {
    type Error = Error;
    fn try_from(r: ApiKeyRow) -> Result<Self> {
        Ok(ApiKey {
            user_id: parse_uuid(&r.user_id)?,
            login_type: LoginType::parse(&r.login_type).ok_or_else(|| corrupt("login type", &r.login_type))?,
            scopes: json_list("scopes", &r.scopes)?,
            allow_list: json_list::<AllowListTarget>("allow list", &r.allow_list)?,
            id: r.id,
            hashed_secret: r.hashed_secret,
            last_used: from_db_time(r.last_used),
            expires_at: from_db_time(r.expires_at),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            lifetime_seconds: r.lifetime_seconds,
            token_name: r.token_name,
        })
    }
}

/// An `organizations` row.
#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug, Clone)]
#[diesel(table_name = organizations)]
pub struct OrganizationRow {
    pub id: String,
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub icon: String,
    pub is_default: bool,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

impl From<&Organization> for OrganizationRow {
    fn from(o: &Organization) -> Self {
        Self {
            id: o.id.to_string(),
            name: o.name.clone(),
            display_name: o.display_name.clone(),
            description: o.description.clone(),
            icon: o.icon.clone(),
            is_default: o.is_default,
            created_at: to_db_time(o.created_at),
            updated_at: to_db_time(o.updated_at),
        }
    }
}

impl TryFrom<OrganizationRow> for Organization {
    type Error = Error;
    fn try_from(r: OrganizationRow) -> Result<Self> {
        Ok(Organization {
            id: parse_uuid(&r.id)?,
            name: r.name,
            display_name: r.display_name,
            description: r.description,
            icon: r.icon,
            is_default: r.is_default,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
        })
    }
}

/// An `organization_members` row.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = organization_members)]
pub struct MemberRow {
    pub organization_id: String,
    pub user_id: String,
    pub roles: String,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

impl From<&OrganizationMember> for MemberRow {
    fn from(m: &OrganizationMember) -> Self {
        Self {
            organization_id: m.organization_id.to_string(),
            user_id: m.user_id.to_string(),
            roles: to_json(&m.roles),
            created_at: to_db_time(m.created_at),
            updated_at: to_db_time(m.updated_at),
        }
    }
}

impl TryFrom<MemberRow> for OrganizationMember {
    type Error = Error;
    fn try_from(r: MemberRow) -> Result<Self> {
        Ok(OrganizationMember {
            organization_id: parse_uuid(&r.organization_id)?,
            user_id: parse_uuid(&r.user_id)?,
            roles: json_list("roles", &r.roles)?,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
        })
    }
}

/// A `groups` row.
#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug, Clone)]
#[diesel(table_name = groups)]
pub struct GroupRow {
    pub id: String,
    pub name: String,
    pub display_name: String,
    pub organization_id: String,
    pub avatar_url: String,
    pub quota_allowance: i64,
    pub source: String,
}

impl From<&Group> for GroupRow {
    fn from(g: &Group) -> Self {
        Self {
            id: g.id.to_string(),
            name: g.name.clone(),
            display_name: g.display_name.clone(),
            organization_id: g.organization_id.to_string(),
            avatar_url: g.avatar_url.clone(),
            quota_allowance: g.quota_allowance,
            source: g.source.clone(),
        }
    }
}

impl TryFrom<GroupRow> for Group {
    type Error = Error;
    fn try_from(r: GroupRow) -> Result<Self> {
        Ok(Group {
            id: parse_uuid(&r.id)?,
            organization_id: parse_uuid(&r.organization_id)?,
            name: r.name,
            display_name: r.display_name,
            avatar_url: r.avatar_url,
            quota_allowance: r.quota_allowance,
            source: r.source,
        })
    }
}

/// A `gitsshkeys` row.
#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug, Clone)]
#[diesel(table_name = gitsshkeys)]
pub struct GitSshKeyDbRow {
    pub user_id: String,
    pub private_key: String,
    pub public_key: String,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

impl From<&GitSshKeyRow> for GitSshKeyDbRow {
    fn from(k: &GitSshKeyRow) -> Self {
        Self {
            user_id: k.user_id.to_string(),
            private_key: k.private_key.clone(),
            public_key: k.public_key.clone(),
            created_at: to_db_time(k.created_at),
            updated_at: to_db_time(k.updated_at),
        }
    }
}

impl TryFrom<GitSshKeyDbRow> for GitSshKeyRow {
    type Error = Error;
    fn try_from(r: GitSshKeyDbRow) -> Result<Self> {
        Ok(GitSshKeyRow {
            user_id: parse_uuid(&r.user_id)?,
            private_key: r.private_key,
            public_key: r.public_key,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
        })
    }
}

/// Converts every row of a query result.
pub fn convert_all<R, T: TryFrom<R, Error = Error>>(rows: Vec<R>) -> Result<Vec<T>> {
    rows.into_iter().map(T::try_from).collect()
}
