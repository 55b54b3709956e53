//! Users, their settings and git SSH keys.

use diesel::prelude::*;
use domain::store::{GitSshKeyRow, Page, Paged, UserFilter, UserStore};
use domain::user::User;
use domain::Result;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{like_pattern, DbRepo};
use crate::conn::DbConn;
use crate::rows::*;
use crate::schema::functions::lower;
use crate::schema::*;

/// Applies a [`UserFilter`] to a boxed `users` query; a macro because the count and the page
/// queries have different select clauses.
macro_rules! filter_users {
    ($query:expr, $filter:expr) => {{
        let f: &UserFilter = $filter;
        let mut q = $query.filter(users::deleted.eq(false));
        if let Some(s) = &f.search {
            let pat = like_pattern(s);
            q = q.filter(lower(users::username).like(pat.clone()).escape('\\').or(lower(users::email).like(pat).escape('\\')));
        }
        if let Some(n) = &f.name {
            q = q.filter(lower(users::name).like(like_pattern(n)).escape('\\'));
        }
        if let Some(id) = f.only_user {
            q = q.filter(users::id.eq(id.to_string()));
        }
        if !f.status.is_empty() {
            q = q.filter(users::status.eq_any(f.status.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
        }
        if !f.login_type.is_empty() {
            q = q.filter(users::login_type.eq_any(f.login_type.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
        }
        // Coder: a role filter made only of `member` matches everyone.
        let mut role_conds = f
            .roles
            .iter()
            .filter(|r| r.as_str() != "member")
            .map(|r| users::rbac_roles.like(format!("%{}%", serde_json::to_string(r).unwrap_or_default())));
        if let Some(first) = role_conds.next() {
            let cond: Box<dyn BoxableExpression<users::table, crate::conn::MultiBackend, SqlType = diesel::sql_types::Bool>> =
                role_conds.fold(Box::new(first), |acc, e| Box::new(acc.or(e)));
            q = q.filter(cond);
        }
        if let Some(t) = f.created_before {
            q = q.filter(users::created_at.le(to_db_time(t)));
        }
        if let Some(t) = f.created_after {
            q = q.filter(users::created_at.ge(to_db_time(t)));
        }
        if let Some(t) = f.last_seen_before {
            q = q.filter(users::last_seen_at.le(to_db_time(t)));
        }
        if let Some(t) = f.last_seen_after {
            q = q.filter(users::last_seen_at.ge(to_db_time(t)));
        }
        if let Some(sa) = f.service_account {
            q = q.filter(users::is_service_account.eq(sa));
        }
        if let Some(group) = f.group_id {
            let members = group_members::table.filter(group_members::group_id.eq(group.to_string())).select(group_members::user_id);
            q = q.filter(users::id.eq_any(members));
        }
        if let Some(org) = f.organization_id {
            let members = organization_members::table
                .filter(organization_members::organization_id.eq(org.to_string()))
                .select(organization_members::user_id);
            q = q.filter(users::id.eq_any(members));
        }
        q
    }};
}

impl UserStore for DbRepo<'_> {
    fn insert_user(&self, user: &User) -> Result<()> {
        let row = UserRow::from(user);
        self.with(|c| diesel::insert_into(users::table).values(&row).execute(c).map(|_| ()))
    }

    fn lock_user(&self, id: Uuid) -> Result<()> {
        self.with(|c| match c {
            DbConn::Pg(pg) => diesel::sql_query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
                .bind::<diesel::sql_types::Text, _>(id.to_string())
                .execute(pg)
                .map(|_| ()),
            DbConn::Sqlite(_) => Ok(()),
        })
    }

    fn update_user(&self, user: &User) -> Result<()> {
        let row = UserRow::from(user);
        self.with(|c| diesel::update(users::table.find(&row.id)).set(&row).execute(c).map(|_| ()))
    }

    fn update_user_status(&self, id: Uuid, status: domain::user::UserStatus, at: OffsetDateTime) -> Result<()> {
        self.with(|c| {
            diesel::update(users::table.find(id.to_string()))
                .set((users::status.eq(status.as_str()), users::updated_at.eq(to_db_time(at))))
                .execute(c)
                .map(|_| ())
        })
    }

    fn user_by_id(&self, id: Uuid) -> Result<Option<User>> {
        let row: Option<UserRow> = self.with(|c| {
            users::table.find(id.to_string()).filter(users::deleted.eq(false)).select(UserRow::as_select()).first(c).optional()
        })?;
        row.map(User::try_from).transpose()
    }

    fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        let name = username.to_lowercase();
        let row: Option<UserRow> = self.with(|c| {
            users::table
                .filter(lower(users::username).eq(name))
                .filter(users::deleted.eq(false))
                .select(UserRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(User::try_from).transpose()
    }

    fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let email = email.to_lowercase();
        if email.is_empty() {
            return Ok(None);
        }
        let row: Option<UserRow> = self.with(|c| {
            users::table
                .filter(lower(users::email).eq(email))
                .filter(users::deleted.eq(false))
                .select(UserRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(User::try_from).transpose()
    }

    fn list_users(&self, filter: &UserFilter, page: &Page) -> Result<Paged<User>> {
        let (rows, count) = self.with(|c| {
            let count: i64 = filter_users!(users::table.into_boxed(), filter).count().get_result(c)?;
            let mut q = filter_users!(users::table.into_boxed(), filter);
            if let Some(after) = page.after_id {
                let after_name: Option<String> = users::table.find(after.to_string()).select(lower(users::username)).first(c).optional()?;
                match after_name {
                    Some(name) => q = q.filter(lower(users::username).gt(name)),
                    None => return Ok((Vec::new(), count)),
                }
            }
            // SQLite only takes OFFSET after a LIMIT, so "no limit" is the largest one.
            let limit = if page.limit > 0 { page.limit } else { i64::MAX };
            q = q.order((lower(users::username).asc(), users::id.asc())).limit(limit).offset(page.offset);
            let rows: Vec<UserRow> = q.select(UserRow::as_select()).load(c)?;
            Ok((rows, count))
        })?;
        Ok(Paged { items: convert_all(rows)?, count })
    }

    fn users_by_ids(&self, ids: &[Uuid]) -> Result<Vec<User>> {
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let mut out = Vec::with_capacity(ids.len());
        // Chunked to stay under SQLite's bound-parameter limit.
        for chunk in ids.chunks(500) {
            let rows: Vec<UserRow> = self.with(|c| {
                users::table
                    .filter(users::id.eq_any(chunk))
                    .filter(users::deleted.eq(false))
                    .order(lower(users::username).asc())
                    .select(UserRow::as_select())
                    .load(c)
            })?;
            out.extend(convert_all::<_, User>(rows)?);
        }
        out.sort_by_key(|u| u.username.to_lowercase());
        Ok(out)
    }

    fn count_users(&self) -> Result<i64> {
        self.with(|c| users::table.filter(users::deleted.eq(false)).count().get_result(c))
    }

    fn touch_user_last_seen(&self, id: Uuid, at: OffsetDateTime) -> Result<()> {
        let at = to_db_time(at);
        self.with(|c| {
            diesel::update(users::table.find(id.to_string()).filter(users::last_seen_at.lt(at)))
                .set(users::last_seen_at.eq(at))
                .execute(c)
                .map(|_| ())
        })
    }

    fn get_user_config(&self, user_id: Uuid, key: &str) -> Result<Option<String>> {
        self.with(|c| user_configs::table.find((user_id.to_string(), key)).select(user_configs::value).first(c).optional())
    }

    fn put_user_config(&self, user_id: Uuid, key: &str, value: &str) -> Result<()> {
        let uid = user_id.to_string();
        self.with(|c| {
            let n = diesel::update(user_configs::table.find((&uid, key))).set(user_configs::value.eq(value)).execute(c)?;
            if n == 0 {
                diesel::insert_into(user_configs::table)
                    .values((user_configs::user_id.eq(&uid), user_configs::key.eq(key), user_configs::value.eq(value)))
                    .execute(c)?;
            }
            Ok(())
        })
    }

    fn get_gitsshkey(&self, user_id: Uuid) -> Result<Option<GitSshKeyRow>> {
        let row: Option<GitSshKeyDbRow> =
            self.with(|c| gitsshkeys::table.find(user_id.to_string()).select(GitSshKeyDbRow::as_select()).first(c).optional())?;
        row.map(GitSshKeyRow::try_from).transpose()
    }

    fn put_gitsshkey(&self, key: &GitSshKeyRow) -> Result<()> {
        let row = GitSshKeyDbRow::from(key);
        self.with(|c| {
            let n = diesel::update(gitsshkeys::table.find(&row.user_id))
                .set((
                    gitsshkeys::private_key.eq(&row.private_key),
                    gitsshkeys::public_key.eq(&row.public_key),
                    gitsshkeys::updated_at.eq(row.updated_at),
                ))
                .execute(c)?;
            if n == 0 {
                diesel::insert_into(gitsshkeys::table).values(&row).execute(c)?;
            }
            Ok(())
        })
    }
}
