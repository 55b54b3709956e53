//! User accounts, their API keys and personal data, as a subject may use them.

use time::OffsetDateTime;
use uuid::Uuid;

use super::Db;
use crate::apikey::ApiKey;
use crate::error::{Error, Result};
use crate::rbac::{self, action, resource, Action, Object};
use crate::store::{GitSshKeyRow, Page, Paged, Repo, UserFilter};
use crate::user::{LoginType, User, UserStatus};

/// A user's API keys as an authorization object.
pub fn api_key_object(owner: Uuid) -> Object {
    Object::of(resource::API_KEY).owned_by(owner)
}

/// What a change of a user row needs, field by field (Coder splits these into separate
/// queries: `UpdateUserProfile`, `UpdateUserHashedPassword`, `UpdateUserRoles`,
/// `UpdateUserStatus`, `UpdateUserDeletedByID`).
fn actions_for_change(before: &User, after: &User) -> Vec<Action> {
    let mut needed = Vec::new();
    if before.username != after.username
        || before.email != after.email
        || before.status != after.status
        || before.login_type != after.login_type
    {
        needed.push(action::UPDATE);
    }
    if before.name != after.name || before.avatar_url != after.avatar_url || before.hashed_password != after.hashed_password {
        needed.push(action::UPDATE_PERSONAL);
    }
    if after.deleted && !before.deleted {
        needed.push(action::DELETE);
    }
    needed
}

impl Db<'_> {
    /// A user by id, if the subject may read them.
    pub fn user_by_id(&self, id: Uuid) -> Result<Option<User>> {
        self.fetch(self.store.user_by_id(id)?, |u| Object::user(u.id))
    }

    /// A user by username, if the subject may read them.
    pub fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        self.fetch(self.store.user_by_username(username)?, |u| Object::user(u.id))
    }

    /// A user by email, if the subject may read them.
    pub fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        self.fetch(self.store.user_by_email(email)?, |u| Object::user(u.id))
    }

    /// `filter` narrowed to the users the subject may read: everyone, only themselves, or the
    /// key's allow list; `None` when that is nobody.
    fn visible_users(&self, filter: &UserFilter) -> Option<UserFilter> {
        let v = self.visibility(action::READ, resource::USER);
        if v.nothing {
            return None;
        }
        let mut filter = filter.clone();
        let narrow = |filter: &mut UserFilter, ids: Vec<Uuid>| {
            filter.only_users = Some(match filter.only_users.take() {
                Some(mine) => mine.into_iter().filter(|u| ids.contains(u)).collect(),
                None => ids,
            });
        };
        if !v.everything {
            narrow(&mut filter, if v.own_outside_orgs { vec![v.user_id] } else { Vec::new() });
        }
        if let Some(ids) = v.ids {
            narrow(&mut filter, ids);
        }
        (!filter.only_users.as_ref().is_some_and(Vec::is_empty)).then_some(filter)
    }

    /// A page of the users the subject may read, with their organizations, narrowed in the
    /// query so that the count is true.
    pub fn list_users_with_orgs(&self, filter: &UserFilter, page: &Page) -> Result<Paged<(User, Vec<Uuid>)>> {
        match self.visible_users(filter) {
            Some(f) => self.store.list_users_with_orgs(&f, page),
            None => Ok(Paged { items: Vec::new(), count: 0 }),
        }
    }

    /// A page of the users the subject may read, narrowed in the query.
    pub fn list_users(&self, filter: &UserFilter, page: &Page) -> Result<Paged<User>> {
        match self.visible_users(filter) {
            Some(f) => self.store.list_users(&f, page),
            None => Ok(Paged { items: Vec::new(), count: 0 }),
        }
    }

    /// The live users among `ids` that the subject may read, in one query.
    pub fn users_by_ids(&self, ids: &[Uuid]) -> Result<Vec<User>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.filter(self.store.users_by_ids(ids)?, |u| Object::user(u.id)))
    }

    /// The history of every user's status: `read` on users anywhere (403 otherwise).
    pub fn user_status_changes(&self, until: OffsetDateTime) -> Result<Vec<(Uuid, String, OffsetDateTime)>> {
        self.require(action::READ, &Object::of(resource::USER))?;
        self.store.user_status_changes(until)
    }

    /// Whether any account exists (first-user setup): `read` on users.
    pub fn count_users(&self) -> Result<i64> {
        self.require(action::READ, &Object::of(resource::USER))?;
        self.store.count_users()
    }

    /// Whether a username or email is taken by any account, for a subject who may create
    /// users (the answer is a 409, whoever holds the name).
    pub fn user_name_taken(&self, username: &str, email: &str) -> Result<bool> {
        self.require(action::CREATE, &Object::of(resource::USER))?;
        Ok(self.store.user_by_username(username)?.is_some() || self.store.user_by_email(email)?.is_some())
    }

    /// Whether another account holds `username`, for a subject who may edit `user`'s profile.
    pub fn username_taken_by_other(&self, user: Uuid, username: &str) -> Result<bool> {
        self.require(action::UPDATE_PERSONAL, &Object::user(user))?;
        Ok(self.store.user_by_username(username)?.is_some_and(|u| u.id != user))
    }

    /// Stores a new account, its memberships and its Git SSH key: `create` on users, and each
    /// site role one the subject may grant.
    pub fn insert_user(&self, user: &User, organization_ids: &[Uuid], ssh_key: &(String, String)) -> Result<()> {
        self.require(action::CREATE, &Object::of(resource::USER))?;
        if let Some(r) = user.rbac_roles.iter().find(|r| !rbac::can_assign_site_role(self.subject, r)) {
            return Err(Error::forbidden().with_detail(format!("not authorized to assign role {r:?}")));
        }
        crate::auth::insert_user_with_memberships(self.store, user, organization_ids, ssh_key)
    }

    /// Read-modify-write of one user in a transaction: the row is locked and read afresh, `f`
    /// changes it, and it is saved. What the
    /// change needs is decided from what `f` changed: profile fields and the password are
    /// personal data, the username, email, status and login type need `update`, deletion
    /// `delete`, and role changes `assign` / `unassign` on site roles for roles the subject may
    /// grant.
    pub fn modify_user(&self, id: Uuid, f: impl FnOnce(&mut User) -> Result<()>) -> Result<User> {
        self.modify_user_then(id, |_, user| f(user), |_, _| Ok(()))
    }

    /// [`Db::modify_user`], then `then` on the saved user in the same transaction, with the raw
    /// store: the rows that go with the change (keys, memberships), covered by its checks.
    fn modify_user_then(
        &self,
        id: Uuid,
        f: impl FnOnce(&dyn Repo, &mut User) -> Result<()>,
        then: impl FnOnce(&dyn Repo, &User) -> Result<()>,
    ) -> Result<User> {
        self.transaction(|tx| {
            tx.store.lock_user(id)?;
            let before = tx.store.user_by_id(id)?.ok_or_else(Error::not_found)?;
            let mut user = before.clone();
            f(tx.store, &mut user)?;
            if user.id != before.id {
                return Err(Error::internal("Internal error.", "a user's id cannot change"));
            }
            for act in actions_for_change(&before, &user) {
                tx.require(act, &Object::user(id))?;
            }
            let added: Vec<&String> = user.rbac_roles.iter().filter(|r| !before.rbac_roles.contains(r)).collect();
            let removed: Vec<&String> = before.rbac_roles.iter().filter(|r| !user.rbac_roles.contains(r)).collect();
            if !added.is_empty() {
                tx.require(action::ASSIGN, &Object::of(resource::ASSIGN_ROLE))?;
            }
            if !removed.is_empty() {
                tx.require(action::UNASSIGN, &Object::of(resource::ASSIGN_ROLE))?;
            }
            if let Some(r) = added.iter().chain(removed.iter()).find(|r| !rbac::can_assign_site_role(tx.subject, r)) {
                return Err(Error::forbidden().with_detail(format!("not authorized to assign role {r:?}")));
            }
            user.updated_at = crate::clock::now();
            tx.store.update_user(&user)?;
            then(tx.store, &user)?;
            Ok(user)
        })
    }

    /// Soft-deletes an account with its keys and memberships: `delete` on the user. Refused
    /// while the user owns workspaces (checked under the user's lock, so a workspace created
    /// meanwhile is seen): a deleted owner would leave workspaces nobody can list or tear down.
    pub fn delete_user(&self, id: Uuid) -> Result<User> {
        // Before anything is read, so the refusal tells nothing about the user's workspaces.
        self.require(action::DELETE, &Object::user(id))?;
        self.modify_user_then(
            id,
            |store, user| {
                let owned = crate::workspaces::WorkspaceFilter { owner_id: Some(user.id), ..Default::default() };
                if store.list_workspaces(&owned, &Page { after_id: None, limit: 1, offset: 0 })?.count > 0 {
                    return Err(Error::new(
                        crate::error::ErrorKind::ExpectationFailed,
                        "You cannot delete a user that has workspaces. Delete their workspaces and try again!",
                    ));
                }
                user.deleted = true;
                Ok(())
            },
            |store, user| {
                store.delete_api_keys_of_user(user.id, None)?;
                for m in store.memberships_of_user(user.id)? {
                    store.delete_member(m.organization_id, user.id)?;
                }
                Ok(())
            },
        )
    }

    /// Sets a user's password hash and ends their other sessions (all but `keep`):
    /// `update_personal` on the user.
    pub fn set_password(&self, id: Uuid, hashed_password: String, keep: Option<&str>) -> Result<User> {
        self.require(action::UPDATE_PERSONAL, &Object::user(id))?;
        self.modify_user_then(
            id,
            |_, user| {
                user.hashed_password = hashed_password;
                Ok(())
            },
            |store, user| store.delete_api_keys_of_user(user.id, keep),
        )
    }

    /// Sets a user's status without the row lock (sign-in waking a dormant user): `update` on
    /// the user.
    pub fn update_user_status(&self, id: Uuid, status: UserStatus, at: OffsetDateTime) -> Result<()> {
        self.write(action::UPDATE, &Object::user(id), |s| s.update_user_status(id, status, at))
    }

    /// Records that a user was seen: `update` on the user.
    pub fn touch_user_last_seen(&self, id: Uuid, at: OffsetDateTime) -> Result<()> {
        self.write(action::UPDATE, &Object::user(id), |s| s.touch_user_last_seen(id, at))
    }

    /// A personal setting of a user: `read_personal` on them.
    pub fn get_user_config(&self, user: Uuid, key: &str) -> Result<Option<String>> {
        self.require(action::READ_PERSONAL, &Object::user(user))?;
        self.store.get_user_config(user, key)
    }

    /// Stores a personal setting of a user: `update_personal` on them.
    pub fn put_user_config(&self, user: Uuid, key: &str, value: &str) -> Result<()> {
        self.write(action::UPDATE_PERSONAL, &Object::user(user), |s| s.put_user_config(user, key, value))
    }

    /// A user's Git SSH key, made on first read for users made before keys existed:
    /// `read_personal` on them.
    pub fn gitsshkey(&self, user: Uuid, make: impl FnOnce() -> Result<GitSshKeyRow>) -> Result<GitSshKeyRow> {
        self.require(action::READ_PERSONAL, &Object::user(user))?;
        match self.store.get_gitsshkey(user)? {
            Some(k) => Ok(k),
            None => {
                let row = make()?;
                self.store.put_gitsshkey(&row)?;
                Ok(row)
            }
        }
    }

    /// Replaces a user's Git SSH key: `update_personal` on them.
    pub fn put_gitsshkey(&self, row: &GitSshKeyRow) -> Result<()> {
        self.write(action::UPDATE_PERSONAL, &Object::user(row.user_id), |s| s.put_gitsshkey(row))
    }

    /// A user's notification choices, `(template, disabled, updated_at)`: `read` on their
    /// notification preferences (the user themselves and owners).
    pub fn notification_preferences(&self, user: Uuid) -> Result<Vec<(Uuid, bool, OffsetDateTime)>> {
        self.require(action::READ, &Object::of(resource::NOTIFICATION_PREFERENCE).owned_by(user))?;
        self.store.notification_preferences(user)
    }

    /// Stores notification choices of a user: `update` on their notification preferences.
    pub fn put_notification_preferences(&self, user: Uuid, choices: &[(Uuid, bool)], at: OffsetDateTime) -> Result<()> {
        self.write(action::UPDATE, &Object::of(resource::NOTIFICATION_PREFERENCE).owned_by(user), |s| {
            s.put_notification_preferences(user, choices, at)
        })
    }

    /// When a user's Git SSH key was first made: `read_personal` on them.
    pub fn gitsshkey_created_at(&self, user: Uuid) -> Result<Option<OffsetDateTime>> {
        self.require(action::READ_PERSONAL, &Object::user(user))?;
        Ok(self.store.get_gitsshkey(user)?.map(|k| k.created_at))
    }

    /// Stores a new API key: `create` on its owner's keys.
    pub fn insert_api_key(&self, key: &ApiKey) -> Result<()> {
        self.write(action::CREATE, &api_key_object(key.user_id), |s| s.insert_api_key(key))
    }

    /// A key by id, if the subject may read it.
    pub fn api_key_by_id(&self, id: &str) -> Result<Option<ApiKey>> {
        self.fetch(self.store.api_key_by_id(id)?, |k| api_key_object(k.user_id))
    }

    /// A user's token by name, if the subject may read it.
    pub fn api_key_by_name(&self, user: Uuid, name: &str) -> Result<Option<ApiKey>> {
        self.fetch(self.store.api_key_by_name(user, name)?, |k| api_key_object(k.user_id))
    }

    /// A user's keys (of one login type, expired ones when asked): `read` on their keys.
    pub fn api_keys_of_user(
        &self,
        user: Uuid,
        login_type: Option<LoginType>,
        expired_too: bool,
        now: OffsetDateTime,
    ) -> Result<Vec<ApiKey>> {
        self.require_visible(action::READ, &api_key_object(user))?;
        self.store.api_keys_of_user(user, login_type, expired_too, now)
    }

    /// Every user's tokens with their owners' usernames (`GET .../keys/tokens?include_all`), in
    /// one query: for a subject who may read every user's keys; others get their own.
    pub fn all_tokens(&self, expired_too: bool, now: OffsetDateTime) -> Result<Vec<(ApiKey, String)>> {
        if self.allows(action::READ, &Object::of(resource::API_KEY)) {
            return self.store.tokens_of_live_users(expired_too, now);
        }
        let me = self.subject.user_id;
        if !self.allows(action::READ, &api_key_object(me)) {
            return Ok(Vec::new());
        }
        let name = self.store.user_by_id(me)?.map(|u| u.username).unwrap_or_default();
        Ok(self.store.api_keys_of_user(me, Some(LoginType::Token), expired_too, now)?.into_iter().map(|k| (k, name.clone())).collect())
    }

    /// Moves a key's `last_used` and expiry: `update` on the stored key.
    pub fn update_api_key_usage(&self, id: &str, last_used: OffsetDateTime, expires_at: OffsetDateTime) -> Result<()> {
        let key = self.store.api_key_by_id(id)?.ok_or_else(Error::not_found)?;
        self.write(action::UPDATE, &api_key_object(key.user_id), |s| s.update_api_key_usage(id, last_used, expires_at))
    }

    /// Deletes a key (`false` when it was gone): `delete` on the stored key.
    pub fn delete_api_key(&self, id: &str) -> Result<bool> {
        match self.store.api_key_by_id(id)? {
            Some(key) => self.write(action::DELETE, &api_key_object(key.user_id), |s| s.delete_api_key(id)),
            None => Ok(false),
        }
    }

    /// Deletes every key of a user but `keep`: `delete` on their keys.
    pub fn delete_api_keys_of_user(&self, user: Uuid, keep: Option<&str>) -> Result<()> {
        self.write(action::DELETE, &api_key_object(user), |s| s.delete_api_keys_of_user(user, keep))
    }
}
