//! Organizations, their members and their groups.

use time::OffsetDateTime;
use uuid::Uuid;

/// An organization as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Organization {
    /// Stable identity; also the id of the organization's Everyone group.
    pub id: Uuid,
    /// Unique URL-safe name.
    pub name: String,
    /// Human-friendly name.
    pub display_name: String,
    /// Free text.
    pub description: String,
    /// Icon URL.
    pub icon: String,
    /// The organization every deployment starts with; it cannot be deleted.
    pub is_default: bool,
    /// Creation time.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
}

/// Membership of a user in an organization, with the organization-scoped roles granted there.
#[derive(Debug, Clone, PartialEq)]
pub struct OrganizationMember {
    /// The member.
    pub user_id: Uuid,
    /// The organization.
    pub organization_id: Uuid,
    /// Organization roles granted explicitly (the implicit `organization-member` is not stored).
    pub roles: Vec<String>,
    /// When the membership began.
    pub created_at: OffsetDateTime,
    /// Last change to the membership.
    pub updated_at: OffsetDateTime,
}

/// A group of users inside one organization.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Stable identity; equals the organization id for the Everyone group.
    pub id: Uuid,
    /// Unique name within the organization.
    pub name: String,
    /// Human-friendly name.
    pub display_name: String,
    /// Owning organization.
    pub organization_id: Uuid,
    /// Avatar image URL.
    pub avatar_url: String,
    /// Workspace quota credits each member gains from this group.
    pub quota_allowance: i64,
    /// `user` for groups made through the API, `oidc` for IdP-synced ones.
    pub source: String,
}

impl Group {
    /// The Everyone group of an organization shares the organization's id.
    pub fn is_everyone(&self) -> bool {
        self.id == self.organization_id
    }
}

/// The name Coder gives every organization's implicit all-members group.
pub const EVERYONE_GROUP: &str = "Everyone";

/// A group's AI spend limit.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupAiBudget {
    /// The group.
    pub group_id: Uuid,
    /// Limit in millionths of the currency unit; never negative.
    pub spend_limit_micros: i64,
    /// When first set.
    pub created_at: OffsetDateTime,
    /// When last changed.
    pub updated_at: OffsetDateTime,
}
