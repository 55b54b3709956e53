//! Groups, their members and AI budgets, as a subject may use them.

use uuid::Uuid;

use super::Db;
use crate::error::{Error, Result};
use crate::organization::{Group, GroupAiBudget};
use crate::rbac::{action, resource, Object};
use crate::store::{Page, Paged, UserFilter};
use crate::user::User;

/// A group as an authorization object: in its organization, named by its id.
pub fn group_object(group: &Group) -> Object {
    Object::of(resource::GROUP).in_org(group.organization_id).with_id(group.id)
}

impl Db<'_> {
    /// A stored group the subject may `act` on (404 when missing, refused as Coder's
    /// `fetchAndExec`: read first, then the action).
    fn stored_group(&self, id: Uuid, act: crate::rbac::Action) -> Result<Group> {
        let group = self.store.group_by_id(id)?.ok_or_else(Error::not_found)?;
        self.require(act, &group_object(&group))?;
        Ok(group)
    }

    /// Stores a new group: `create` on a group of its organization.
    pub fn insert_group(&self, group: &Group) -> Result<()> {
        self.write(action::CREATE, &Object::of(resource::GROUP).in_org(group.organization_id), |s| s.insert_group(group))
    }

    /// Overwrites a group: `update` on the stored one (whose organization cannot change).
    pub fn update_group(&self, group: &Group) -> Result<()> {
        let stored = self.stored_group(group.id, action::UPDATE)?;
        if stored.organization_id != group.organization_id {
            return Err(Error::bad_request("A group cannot move to another organization."));
        }
        self.store.update_group(group)
    }

    /// Removes a group and its memberships: `delete` on it.
    pub fn delete_group(&self, id: Uuid) -> Result<()> {
        self.stored_group(id, action::DELETE)?;
        self.store.delete_group(id)
    }

    /// A group by id, if the subject may read it.
    pub fn group_by_id(&self, id: Uuid) -> Result<Option<Group>> {
        self.fetch(self.store.group_by_id(id)?, group_object)
    }

    /// A group by organization and exact name, if the subject may read it.
    pub fn group_by_name(&self, org: Uuid, name: &str) -> Result<Option<Group>> {
        self.fetch(self.store.group_by_name(org, name)?, group_object)
    }

    /// The groups (of one organization, or all) the subject may read, narrowed in the query.
    pub fn list_groups(&self, org: Option<Uuid>) -> Result<Vec<Group>> {
        let visible = self.visibility(action::READ, resource::GROUP);
        if visible.nothing {
            return Ok(Vec::new());
        }
        self.store.list_groups(org, Some(&visible))
    }

    /// Adds and removes explicit members: `update` on the group.
    pub fn change_group_members(&self, group: Uuid, add: &[Uuid], remove: &[Uuid]) -> Result<()> {
        self.stored_group(group, action::UPDATE)?;
        self.store.add_group_members(group, add)?;
        self.store.remove_group_members(group, remove)
    }

    /// Ids of a group's explicit members: `read` on the group.
    pub fn group_member_ids(&self, group: Uuid) -> Result<Vec<Uuid>> {
        self.stored_group(group, action::READ).map_err(|e| if e.is_refusal() { Error::not_found().denied() } else { e })?;
        self.store.group_member_ids(group)
    }

    /// `(group, user)` pairs of the explicit members of the groups the subject may read (the
    /// others' rows are left out), in one query.
    pub fn members_of_groups(&self, groups: &[Group]) -> Result<Vec<(Uuid, Uuid)>> {
        let readable: Vec<Uuid> = groups.iter().filter(|g| self.allows(action::READ, &group_object(g))).map(|g| g.id).collect();
        if readable.is_empty() {
            return Ok(Vec::new());
        }
        self.store.members_of_groups(&readable)
    }

    /// Ids of the groups a user explicitly belongs to: `read` on the user (Coder's
    /// `GetGroupsByUserID` is filtered by the groups; the ids alone reveal no group's data).
    pub fn group_ids_of_user(&self, user: Uuid) -> Result<Vec<Uuid>> {
        self.require_visible(action::READ, &Object::user(user))?;
        self.store.group_ids_of_user(user)
    }

    /// The quota credits a user's groups in `org` allow (the Everyone group counts for members):
    /// `read` on the user, as Coder's `GetQuotaAllowanceForUser`.
    pub fn quota_allowance(&self, user: Uuid, org: Uuid) -> Result<Vec<i64>> {
        self.require_visible(action::READ, &Object::user(user))?;
        let is_member = self.store.member(org, user)?.is_some();
        let groups = self.store.group_ids_of_user(user)?;
        Ok(self
            .store
            .list_groups(Some(org), None)?
            .into_iter()
            .filter(|g| if g.is_everyone() { is_member } else { groups.contains(&g.id) })
            .map(|g| g.quota_allowance)
            .collect())
    }

    /// Whether the subject sees every member of groups in `org` (else only themselves).
    pub fn sees_all_group_members(&self, org: Uuid) -> bool {
        self.allows(action::READ, &Object::of(resource::GROUP_MEMBER).in_org(org))
    }

    /// A page of a group's members (the organization's members for Everyone), narrowed in the
    /// query to what the subject may see: every member, or only themselves. `read` on the group.
    pub fn group_members_page(&self, group: &Group, filter: &UserFilter, page: &Page) -> Result<Paged<User>> {
        self.require_visible(action::READ, &group_object(group))?;
        let mut filter = filter.clone();
        if group.is_everyone() {
            filter.organization_id = Some(group.organization_id);
            filter.group_id = None;
        } else {
            filter.group_id = Some(group.id);
            filter.organization_id = None;
        }
        if !self.sees_all_group_members(group.organization_id) {
            filter.only_users = Some(vec![self.subject.user_id]);
        }
        self.store.list_users(&filter, page)
    }

    /// The live accounts among the explicit members of groups the subject may read, in one
    /// query (members filtered per group by [`Db::sees_all_group_members`] by the caller).
    pub fn group_member_accounts(&self, groups: &[Group], users: &[Uuid]) -> Result<Vec<User>> {
        if users.is_empty() || !groups.iter().any(|g| self.allows(action::READ, &group_object(g))) {
            return Ok(Vec::new());
        }
        self.store.users_by_ids(users)
    }

    /// A group's AI budget: `read` on the group.
    pub fn group_ai_budget(&self, group: &Group) -> Result<Option<GroupAiBudget>> {
        self.require_visible(action::READ, &group_object(group))?;
        self.store.group_ai_budget(group.id)
    }

    /// Creates or replaces a group's AI budget: `update` on the stored group.
    pub fn put_group_ai_budget(&self, budget: &GroupAiBudget) -> Result<()> {
        self.stored_group(budget.group_id, action::UPDATE)?;
        self.store.put_group_ai_budget(budget)
    }

    /// Removes a group's AI budget (`false` when none was set): `update` on the group.
    pub fn delete_group_ai_budget(&self, group: Uuid) -> Result<bool> {
        self.stored_group(group, action::UPDATE)?;
        self.store.delete_group_ai_budget(group)
    }
}
