//! Organizations' members, groups, AI budgets and workspace quota.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::{rfc3339, SlimRole};
use super::users::{LoginType, UserStatus};
use crate::de::null_default;

/// Coder's `codersdk.CreateOrganizationRequest`.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::CreateOrganizationRequest, example = json!({"name": "research", "display_name": "Research", "description": "The research team"}))]
pub struct CreateOrganizationRequest {
    /// Unique name (letters, digits, inner hyphens; at most 32).
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Defaults to `name`.
    #[serde(default, deserialize_with = "null_default")]
    pub display_name: String,
    /// Free text (at most 128 characters).
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
    /// Icon URL.
    #[serde(default, deserialize_with = "null_default")]
    pub icon: String,
}

/// Coder's `codersdk.UpdateOrganizationRequest`: empty name and display name keep theirs.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::UpdateOrganizationRequest, example = json!({"display_name": "Research & Development", "description": "R&D"}))]
pub struct UpdateOrganizationRequest {
    /// New name (letters, digits, inner hyphens; at most 32).
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// New display name.
    #[serde(default, deserialize_with = "null_default")]
    pub display_name: String,
    /// New description, when present.
    #[serde(default)]
    pub description: Option<String>,
    /// New icon, when present.
    #[serde(default)]
    pub icon: Option<String>,
}

/// Coder's `codersdk.OrganizationMember`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::OrganizationMember, example = json!({"user_id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "organization_id": "1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30", "created_at": "2026-01-02T03:04:05.123456Z", "updated_at": "2026-01-02T03:04:05.123456Z", "roles": [{"name": "organization-admin", "display_name": "Organization Admin", "organization_id": "1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30"}]}))]
pub struct OrganizationMember {
    /// The member.
    pub user_id: Uuid,
    /// The organization.
    pub organization_id: Uuid,
    /// Since when.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last change.
    #[serde(with = "rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Explicit organization roles.
    pub roles: Vec<SlimRole>,
}

fn org_roles(roles: &[String], org: Uuid) -> Vec<SlimRole> {
    roles
        .iter()
        .map(|r| SlimRole {
            name: r.clone(),
            display_name: domain::rbac::role_def(r).map(|d| d.display_name.to_string()).unwrap_or_default(),
            organization_id: Some(org.to_string()),
        })
        .collect()
}

impl From<&domain::organization::OrganizationMember> for OrganizationMember {
    fn from(m: &domain::organization::OrganizationMember) -> Self {
        Self {
            user_id: m.user_id,
            organization_id: m.organization_id,
            created_at: m.created_at,
            updated_at: m.updated_at,
            roles: org_roles(&m.roles, m.organization_id),
        }
    }
}

/// Coder's `codersdk.OrganizationMemberWithUserData`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::OrganizationMemberWithUserData, example = json!({"user_id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "organization_id": "1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30", "created_at": "2026-01-02T03:04:05.123456Z", "updated_at": "2026-01-02T03:04:05.123456Z", "roles": [], "username": "ada", "name": "Ada Lovelace", "email": "ada@example.com", "global_roles": [], "last_seen_at": "2026-01-02T03:04:05.123456Z", "status": "active", "login_type": "password", "user_created_at": "2026-01-02T03:04:05.123456Z", "user_updated_at": "2026-01-02T03:04:05.123456Z", "has_ai_seat": false}))]
pub struct OrganizationMemberWithUserData {
    /// The member.
    pub user_id: Uuid,
    /// The organization.
    pub organization_id: Uuid,
    /// Since when.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last change of the membership.
    #[serde(with = "rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Explicit organization roles.
    pub roles: Vec<SlimRole>,
    /// Username.
    pub username: String,
    /// Display name; omitted when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Avatar URL; omitted when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub avatar_url: String,
    /// Email.
    pub email: String,
    /// Site roles of the user.
    pub global_roles: Vec<SlimRole>,
    /// Last authenticated request.
    #[serde(with = "rfc3339")]
    pub last_seen_at: OffsetDateTime,
    /// Account status.
    pub status: UserStatus,
    /// Login type.
    pub login_type: LoginType,
    /// When the account was made.
    #[serde(with = "rfc3339")]
    pub user_created_at: OffsetDateTime,
    /// Last change of the account.
    #[serde(with = "rfc3339")]
    pub user_updated_at: OffsetDateTime,
    /// Service account flag; omitted when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_service_account: bool,
    /// Always false: no AI governance here.
    pub has_ai_seat: bool,
}

impl From<&domain::orgs::MemberView> for OrganizationMemberWithUserData {
    fn from(v: &domain::orgs::MemberView) -> Self {
        let (m, u) = (&v.member, &v.user);
        Self {
            user_id: m.user_id,
            organization_id: m.organization_id,
            created_at: m.created_at,
            updated_at: m.updated_at,
            roles: org_roles(&m.roles, m.organization_id),
            username: u.username.clone(),
            name: u.name.clone(),
            avatar_url: u.avatar_url.clone(),
            email: u.email.clone(),
            global_roles: u.rbac_roles.iter().map(|r| SlimRole::site(r)).collect(),
            last_seen_at: u.last_seen_at,
            status: u.status.into(),
            login_type: u.login_type.into(),
            user_created_at: u.created_at,
            user_updated_at: u.updated_at,
            is_service_account: u.is_service_account,
            has_ai_seat: false,
        }
    }
}

/// Coder's `codersdk.ReducedUser`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::ReducedUser, example = json!({"id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "username": "ada", "email": "ada@example.com", "created_at": "2026-01-02T03:04:05.123456Z", "updated_at": "2026-01-02T03:04:05.123456Z", "last_seen_at": "2026-01-02T03:04:05.123456Z", "status": "active", "login_type": "password"}))]
pub struct ReducedUser {
    /// Identity.
    pub id: Uuid,
    /// Username.
    pub username: String,
    /// Display name; omitted when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Avatar URL; omitted when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub avatar_url: String,
    /// Email.
    #[schema(format = Email)]
    pub email: String,
    /// Creation time.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last change.
    #[serde(with = "rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Last authenticated request.
    #[serde(with = "rfc3339")]
    pub last_seen_at: OffsetDateTime,
    /// Account status.
    pub status: UserStatus,
    /// Login type.
    pub login_type: LoginType,
    /// Service account flag; omitted when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_service_account: bool,
}

impl From<&domain::user::User> for ReducedUser {
    fn from(u: &domain::user::User) -> Self {
        Self {
            id: u.id,
            username: u.username.clone(),
            name: u.name.clone(),
            avatar_url: u.avatar_url.clone(),
            email: u.email.clone(),
            created_at: u.created_at,
            updated_at: u.updated_at,
            last_seen_at: u.last_seen_at,
            status: u.status.into(),
            login_type: u.login_type.into(),
            is_service_account: u.is_service_account,
        }
    }
}

/// Coder's `codersdk.GroupSource`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = codersdk::GroupSource)]
pub enum GroupSource {
    /// Made through the API.
    User,
    /// Synced from the identity provider.
    Oidc,
}

/// Coder's `codersdk.Group`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::Group, example = json!({"id": "5d1c4b7e-2f6a-4c0d-9e8b-7a3f2c1d0e9f", "name": "developers", "display_name": "Developers", "organization_id": "1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30", "members": [{"id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "username": "ada", "email": "ada@example.com", "created_at": "2026-01-02T03:04:05.123456Z", "updated_at": "2026-01-02T03:04:05.123456Z", "last_seen_at": "2026-01-02T03:04:05.123456Z", "status": "active", "login_type": "password"}], "total_member_count": 1, "avatar_url": "", "quota_allowance": 20, "source": "user", "organization_name": "coder", "organization_display_name": "Coder"}))]
pub struct Group {
    /// Identity; equals the organization id for the Everyone group.
    pub id: Uuid,
    /// Unique name in the organization.
    pub name: String,
    /// Human-friendly name.
    pub display_name: String,
    /// Owning organization.
    pub organization_id: Uuid,
    /// Members the caller may see.
    pub members: Vec<ReducedUser>,
    /// How many members the group has, even when `members` shows fewer.
    pub total_member_count: i64,
    /// Avatar URL.
    pub avatar_url: String,
    /// Quota credits each member gains.
    pub quota_allowance: i64,
    /// Where the group comes from.
    pub source: GroupSource,
    /// Organization name.
    pub organization_name: String,
    /// Organization display name.
    pub organization_display_name: String,
}

impl From<&domain::groups::GroupView> for Group {
    fn from(v: &domain::groups::GroupView) -> Self {
        let g = &v.group;
        Self {
            id: g.id,
            name: g.name.clone(),
            display_name: g.display_name.clone(),
            organization_id: g.organization_id,
            members: v.members.iter().map(ReducedUser::from).collect(),
            total_member_count: v.total_member_count,
            avatar_url: g.avatar_url.clone(),
            quota_allowance: g.quota_allowance,
            source: if g.source == "oidc" { GroupSource::Oidc } else { GroupSource::User },
            organization_name: v.organization.name.clone(),
            organization_display_name: v.organization.display_name.clone(),
        }
    }
}

/// Coder's `codersdk.CreateGroupRequest`.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::CreateGroupRequest, example = json!({"name": "developers", "display_name": "Developers", "quota_allowance": 10}))]
pub struct CreateGroupRequest {
    /// Unique name in the organization (letters, digits, inner hyphens).
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Human-friendly name.
    #[serde(default, deserialize_with = "null_default")]
    pub display_name: String,
    /// Avatar URL.
    #[serde(default, deserialize_with = "null_default")]
    pub avatar_url: String,
    /// Quota credits each member gains (>= 0).
    #[serde(default, deserialize_with = "null_default")]
    pub quota_allowance: i64,
}

/// Coder's `codersdk.PatchGroupRequest`: absent fields are left alone.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::PatchGroupRequest, example = json!({"add_users": ["8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a"], "quota_allowance": 20}))]
pub struct PatchGroupRequest {
    /// User ids to add; each must be a member of the group's organization.
    #[serde(default, deserialize_with = "null_default")]
    pub add_users: Vec<String>,
    /// User ids to remove.
    #[serde(default, deserialize_with = "null_default")]
    pub remove_users: Vec<String>,
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New display name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// New avatar URL.
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// New quota allowance (>= 0).
    #[serde(default)]
    pub quota_allowance: Option<i64>,
}

/// Coder's `codersdk.PaginatedMembersResponse`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::PaginatedMembersResponse, example = json!({"members": [{"user_id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "organization_id": "1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30", "created_at": "2026-01-02T03:04:05.123456Z", "updated_at": "2026-01-02T03:04:05.123456Z", "roles": [], "username": "ada", "name": "Ada Lovelace", "email": "ada@example.com", "global_roles": [], "last_seen_at": "2026-01-02T03:04:05.123456Z", "status": "active", "login_type": "password", "user_created_at": "2026-01-02T03:04:05.123456Z", "user_updated_at": "2026-01-02T03:04:05.123456Z", "has_ai_seat": false}], "count": 1}))]
pub struct PaginatedMembersResponse {
    /// This page of members.
    pub members: Vec<OrganizationMemberWithUserData>,
    /// All members matching, regardless of pagination.
    pub count: i64,
}

/// Coder's `codersdk.GroupMembersResponse`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::GroupMembersResponse, example = json!({"users": [{"id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "username": "ada", "email": "ada@example.com", "created_at": "2026-01-02T03:04:05.123456Z", "updated_at": "2026-01-02T03:04:05.123456Z", "last_seen_at": "2026-01-02T03:04:05.123456Z", "status": "active", "login_type": "password"}], "count": 1}))]
pub struct GroupMembersResponse {
    /// This page of members.
    pub users: Vec<ReducedUser>,
    /// All members matching, regardless of pagination.
    pub count: i64,
}

/// Coder's `codersdk.GroupAIBudget`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::GroupAIBudget, example = json!({"group_id": "5d1c4b7e-2f6a-4c0d-9e8b-7a3f2c1d0e9f", "spend_limit_micros": 50000000, "created_at": "2026-01-02T03:04:05.123456Z", "updated_at": "2026-01-02T03:04:05.123456Z"}))]
pub struct GroupAiBudget {
    /// The group.
    pub group_id: Uuid,
    /// Spend limit in millionths of the currency unit.
    pub spend_limit_micros: i64,
    /// When first set.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// When last changed.
    #[serde(with = "rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<&domain::organization::GroupAiBudget> for GroupAiBudget {
    fn from(b: &domain::organization::GroupAiBudget) -> Self {
        Self { group_id: b.group_id, spend_limit_micros: b.spend_limit_micros, created_at: b.created_at, updated_at: b.updated_at }
    }
}

/// Coder's `codersdk.UpsertGroupAIBudgetRequest`.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::UpsertGroupAIBudgetRequest, example = json!({"spend_limit_micros": 50_000_000}))]
pub struct UpsertGroupAiBudgetRequest {
    /// Spend limit in millionths of the currency unit.
    #[serde(default, deserialize_with = "null_default")]
    #[schema(minimum = 0)]
    pub spend_limit_micros: i64,
}

/// Coder's `codersdk.WorkspaceQuota`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::WorkspaceQuota, example = json!({"credits_consumed": 0, "budget": 20}))]
pub struct WorkspaceQuota {
    /// Credits the user's workspaces consume per day.
    pub credits_consumed: i64,
    /// Credits the user's groups allow.
    pub budget: i64,
}
