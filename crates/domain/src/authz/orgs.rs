//! Organizations and their memberships, as a subject may use them.

use time::OffsetDateTime;
use uuid::Uuid;

use super::Db;
use crate::error::{Error, Result};
use crate::organization::{Organization, OrganizationMember};
use crate::rbac::{self, action, resource, Object};
use crate::store::{Page, Paged, UserFilter};
use crate::user::User;

/// An organization as an authorization object (it is its own organization).
pub fn org_object(org: Uuid) -> Object {
    Object::of(resource::ORGANIZATION).in_org(org).with_id(org)
}

/// A membership as an authorization object: owned by its member, in its organization (Coder's
/// `OrganizationMember.RBACObject`).
pub fn member_object(org: Uuid, user: Uuid) -> Object {
    Object::of(resource::ORGANIZATION_MEMBER).in_org(org).owned_by(user).with_id(user)
}

impl Db<'_> {
    /// An organization by id, if the subject may read it.
    pub fn organization_by_id(&self, id: Uuid) -> Result<Option<Organization>> {
        self.fetch(self.store.organization_by_id(id)?, |o| org_object(o.id))
    }

    /// An organization by name, if the subject may read it.
    pub fn organization_by_name(&self, name: &str) -> Result<Option<Organization>> {
        self.fetch(self.store.organization_by_name(name)?, |o| org_object(o.id))
    }

    /// The default organization, if the subject may read it.
    pub fn default_organization(&self) -> Result<Option<Organization>> {
        self.fetch(self.store.default_organization()?, |o| org_object(o.id))
    }

    /// The organizations the subject may read, narrowed in the query.
    pub fn list_organizations(&self) -> Result<Vec<Organization>> {
        let visible = self.visibility(action::READ, resource::ORGANIZATION);
        if visible.nothing {
            return Ok(Vec::new());
        }
        self.store.list_organizations(Some(&visible))
    }

    /// Stores a new organization and its creator's membership: `create` on organizations.
    pub fn insert_organization(&self, org: &Organization) -> Result<()> {
        self.write(action::CREATE, &Object::of(resource::ORGANIZATION), |s| s.insert_organization(org))
    }

    /// Changes an organization's name, display name, description or icon, from a fresh read:
    /// `update` on it (refused as missing, as Coder's store refuses it).
    pub fn edit_organization(&self, id: Uuid, f: impl FnOnce(&mut Organization)) -> Result<Organization> {
        self.require_visible(action::UPDATE, &org_object(id))?;
        self.transaction(|tx| {
            let mut org = tx.store.organization_by_id(id)?.ok_or_else(Error::not_found)?;
            f(&mut org);
            org.id = id;
            org.updated_at = crate::clock::now();
            tx.store.update_organization(&org)?;
            Ok(org)
        })
    }

    /// Removes an organization: `delete` on it.
    pub fn delete_organization(&self, id: Uuid) -> Result<()> {
        self.write(action::DELETE, &org_object(id), |s| s.delete_organization(id))
    }

    /// Number of members of an organization: `read` on it.
    pub fn count_org_members(&self, org: Uuid) -> Result<i64> {
        self.require_visible(action::READ, &org_object(org))?;
        self.store.count_org_members(org)
    }

    /// A membership, if the subject may read it.
    pub fn member(&self, org: Uuid, user: Uuid) -> Result<Option<OrganizationMember>> {
        self.fetch(self.store.member(org, user)?, |m| member_object(m.organization_id, m.user_id))
    }

    /// Whether a user is a live member of an organization, for checks that refuse the
    /// caller's input (adding a non-member to a group): `read` on the organization.
    pub fn is_live_member(&self, org: Uuid, user: Uuid) -> Result<bool> {
        self.require_visible(action::READ, &org_object(org))?;
        Ok(self.store.member(org, user)?.is_some() && self.store.user_by_id(user)?.is_some())
    }

    /// Stores a membership: `create` on memberships of the organization.
    pub fn insert_member(&self, member: &OrganizationMember) -> Result<()> {
        self.write(action::CREATE, &Object::of(resource::ORGANIZATION_MEMBER).in_org(member.organization_id), |s| s.insert_member(member))
    }

    /// Ends a membership (`false` when there was none): `delete` on the organization's
    /// memberships, refused as missing.
    pub fn delete_member(&self, org: Uuid, user: Uuid) -> Result<bool> {
        self.require_visible(action::DELETE, &Object::of(resource::ORGANIZATION_MEMBER).in_org(org))?;
        self.store.delete_member(org, user)
    }

    /// Replaces a member's organization roles. The change set (`added`, `removed`) needs
    /// `assign` / `unassign` on the organization's roles, and each changed role must be one the
    /// subject may grant (Coder's `canAssignRoles`).
    pub fn update_member_roles(
        &self,
        org: Uuid,
        user: Uuid,
        roles: &[String],
        changed: (&[String], &[String]),
        at: OffsetDateTime,
    ) -> Result<()> {
        let (added, removed) = changed;
        let obj = Object::of(resource::ASSIGN_ORG_ROLE).in_org(org);
        if !added.is_empty() {
            self.require(action::ASSIGN, &obj)?;
        }
        if !removed.is_empty() {
            self.require(action::UNASSIGN, &obj)?;
        }
        if let Some(r) = added.iter().chain(removed.iter()).find(|r| !rbac::can_assign_org_role(self.subject, org, r)) {
            return Err(Error::forbidden().with_detail(format!("not allowed to assign role {r:?}")));
        }
        self.store.update_member_roles(org, user, roles, at)
    }

    /// A user's memberships: `read` on the user.
    pub fn memberships_of_user(&self, user: Uuid) -> Result<Vec<OrganizationMember>> {
        self.require_visible(action::READ, &Object::user(user))?;
        self.store.memberships_of_user(user)
    }

    /// The memberships of several users that the subject may read, in one query.
    pub fn memberships_of_users(&self, users: &[Uuid]) -> Result<Vec<OrganizationMember>> {
        Ok(self.filter(self.store.memberships_of_users(users)?, |m| member_object(m.organization_id, m.user_id)))
    }

    /// Every membership of an organization: `read` on its memberships.
    pub fn members_of_org(&self, org: Uuid) -> Result<Vec<OrganizationMember>> {
        self.require_visible(action::READ, &Object::of(resource::ORGANIZATION_MEMBER).in_org(org))?;
        self.store.members_of_org(org)
    }

    /// The accounts of an organization's members: `read` on its memberships (a member's row is
    /// shown through the membership, as Coder's `OrganizationMembers` joins it).
    pub fn member_accounts(&self, org: Uuid, users: &[Uuid]) -> Result<Vec<User>> {
        self.require_visible(action::READ, &Object::of(resource::ORGANIZATION_MEMBER).in_org(org))?;
        let members: Vec<Uuid> =
            self.store.memberships_of_users(users)?.into_iter().filter(|m| m.organization_id == org).map(|m| m.user_id).collect();
        if members.is_empty() {
            return Ok(Vec::new());
        }
        self.store.users_by_ids(&members)
    }

    /// A page of an organization's members (`filter` is narrowed to the organization): `read` on
    /// its memberships.
    pub fn members_page(&self, org: Uuid, filter: &UserFilter, page: &Page) -> Result<Paged<User>> {
        self.require_visible(action::READ, &Object::of(resource::ORGANIZATION_MEMBER).in_org(org))?;
        let filter = UserFilter { organization_id: Some(org), ..filter.clone() };
        self.store.list_users(&filter, page)
    }

    /// Whose workspaces may be shared in an organization: `read` on it.
    pub fn workspace_sharing(&self, org: Uuid) -> Result<Option<String>> {
        self.require_visible(action::READ, &org_object(org))?;
        self.store.workspace_sharing(org)
    }

    /// Sets whose workspaces may be shared in an organization: `update` on it.
    pub fn set_workspace_sharing(&self, org: Uuid, owners: &str, at: OffsetDateTime) -> Result<()> {
        self.write(action::UPDATE, &org_object(org), |s| s.set_workspace_sharing(org, owners, at))
    }
}
