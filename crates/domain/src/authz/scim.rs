//! What SCIM keeps beside Coder's users and groups (the IdP's own attributes), as a subject may
//! use it.

use uuid::Uuid;

use super::Db;
use crate::error::{Error, Result};
use crate::rbac::{action, resource, Object};
use crate::store::{ScimGroupRow, ScimUserRow};

impl Db<'_> {
    /// The SCIM data of a user: `read` on the user.
    pub fn scim_user(&self, user: Uuid) -> Result<Option<ScimUserRow>> {
        self.require_visible(action::READ, &Object::user(user))?;
        self.store.scim_user(user)
    }

    /// The SCIM data of every user: `read` on users anywhere.
    pub fn scim_users(&self) -> Result<Vec<ScimUserRow>> {
        self.require(action::READ, &Object::of(resource::USER))?;
        self.store.scim_users()
    }

    /// The SCIM data with one `userName`, if the subject may read its user.
    pub fn scim_user_by_user_name(&self, user_name: &str) -> Result<Option<ScimUserRow>> {
        self.fetch(self.store.scim_user_by_user_name(user_name)?, |r| Object::user(r.user_id))
    }

    /// Stores a user's SCIM data: `update` on the user.
    pub fn put_scim_user(&self, row: &ScimUserRow) -> Result<()> {
        self.write(action::UPDATE, &Object::user(row.user_id), |s| s.put_scim_user(row))
    }

    /// The stored group a SCIM row belongs to, as an authorization object.
    fn scim_group_object(&self, group: Uuid) -> Result<Object> {
        let g = self.store.group_by_id(group)?.ok_or_else(Error::not_found)?;
        Ok(super::group_object(&g))
    }

    /// The SCIM data of a group: `read` on the group.
    pub fn scim_group(&self, group: Uuid) -> Result<Option<ScimGroupRow>> {
        self.require_visible(action::READ, &self.scim_group_object(group)?)?;
        self.store.scim_group(group)
    }

    /// The SCIM data of every group: `read` on groups anywhere.
    pub fn scim_groups(&self) -> Result<Vec<ScimGroupRow>> {
        self.require(action::READ, &Object::of(resource::GROUP))?;
        self.store.scim_groups()
    }

    /// Stores a group's SCIM data: `update` on the group.
    pub fn put_scim_group(&self, row: &ScimGroupRow) -> Result<()> {
        self.write(action::UPDATE, &self.scim_group_object(row.group_id)?, |s| s.put_scim_group(row))
    }

    /// Removes a group's SCIM data: `delete` on the group.
    pub fn delete_scim_group(&self, group: Uuid) -> Result<()> {
        self.write(action::DELETE, &self.scim_group_object(group)?, |s| s.delete_scim_group(group))
    }
}
