//! [`DbRepo`]: the domain's [`Repo`] over diesel, one code path for both backends.
//!
//! A `DbRepo` either draws a pooled connection per call or, inside [`Repo::transaction`], holds
//! the one connection of the open transaction. SQLite transactions start with `BEGIN IMMEDIATE`
//! so that two writers queue on the busy timeout instead of failing when they upgrade a read
//! lock; PostgreSQL uses a plain `BEGIN`.

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::Mutex;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use domain::apikey::ApiKey;
use domain::organization::{Group, GroupAiBudget, Organization, OrganizationMember};
use domain::store::{GitSshKeyRow, Page, Paged, Repo, UserFilter};
use domain::user::{LoginType, User};
use domain::{Error, Result};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::conn::{DbConn, DbPool};
use crate::rows::*;
use crate::schema::functions::lower;
use crate::schema::*;

enum Source<'a> {
    Pool(DbPool),
    Tx(Mutex<&'a mut DbConn>),
}

/// The diesel-backed store.
pub struct DbRepo<'a> {
    src: Source<'a>,
}

impl DbRepo<'static> {
    /// A store drawing connections from `pool`.
    pub fn new(pool: DbPool) -> Self {
        Self { src: Source::Pool(pool) }
    }
}

/// Maps diesel failures onto the domain's error: unique violations are conflicts, the rest are
/// internal errors carrying the database's words.
fn db_err(e: DieselError) -> Error {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            Error::conflict("A resource with these values already exists.").with_detail(info.message().to_string())
        }
        DieselError::NotFound => Error::not_found(),
        other => Error::internal("Internal error.", format!("database: {other}")),
    }
}

fn like_pattern(s: &str) -> String {
    let escaped: String =
        s.to_lowercase().chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
    format!("%{escaped}%")
}

impl DbRepo<'_> {
    fn with<R>(&self, f: impl FnOnce(&mut DbConn) -> QueryResult<R>) -> Result<R> {
        match &self.src {
            Source::Pool(pool) => {
                let mut conn = pool.get().map_err(|e| Error::internal("Internal error.", format!("database pool: {e}")))?;
                f(&mut conn).map_err(db_err)
            }
            Source::Tx(conn) => {
                let mut conn = conn.lock().map_err(|_| Error::internal("Internal error.", "transaction connection poisoned"))?;
                f(&mut conn).map_err(db_err)
            }
        }
    }
}

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

impl Repo for DbRepo<'_> {
    fn transaction(&self, f: &mut dyn FnMut(&dyn Repo) -> Result<()>) -> Result<()> {
        let pool = match &self.src {
            // Already in a transaction: join it.
            Source::Tx(_) => return f(self),
            Source::Pool(pool) => pool,
        };
        let mut conn = pool.get().map_err(|e| Error::internal("Internal error.", format!("database pool: {e}")))?;
        let begin = match &*conn {
            DbConn::Sqlite(_) => "BEGIN IMMEDIATE",
            DbConn::Pg(_) => "BEGIN",
        };
        conn.batch_execute(begin).map_err(db_err)?;
        let outcome = {
            let tx = DbRepo { src: Source::Tx(Mutex::new(&mut *conn)) };
            catch_unwind(AssertUnwindSafe(|| f(&tx)))
        };
        match outcome {
            Ok(Ok(())) => conn.batch_execute("COMMIT").map_err(db_err),
            Ok(Err(e)) => {
                conn.batch_execute("ROLLBACK").map_err(db_err)?;
                Err(e)
            }
            Err(panic) => {
                let _ = conn.batch_execute("ROLLBACK");
                resume_unwind(panic)
            }
        }
    }

    fn get_site_config(&self, key: &str) -> Result<Option<String>> {
        self.with(|c| site_configs::table.find(key).select(site_configs::value).first(c).optional())
    }

    fn put_site_config(&self, key: &str, value: &str) -> Result<()> {
        self.with(|c| {
            let n = diesel::update(site_configs::table.find(key)).set(site_configs::value.eq(value)).execute(c)?;
            if n == 0 {
                diesel::insert_into(site_configs::table).values((site_configs::key.eq(key), site_configs::value.eq(value))).execute(c)?;
            }
            Ok(())
        })
    }

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

    fn insert_api_key(&self, key: &ApiKey) -> Result<()> {
        let row = ApiKeyRow::from(key);
        self.with(|c| diesel::insert_into(api_keys::table).values(&row).execute(c).map(|_| ()))
    }

    fn api_key_by_id(&self, id: &str) -> Result<Option<ApiKey>> {
        let row: Option<ApiKeyRow> = self.with(|c| api_keys::table.find(id).select(ApiKeyRow::as_select()).first(c).optional())?;
        row.map(ApiKey::try_from).transpose()
    }

    fn api_key_by_name(&self, user_id: Uuid, token_name: &str) -> Result<Option<ApiKey>> {
        if token_name.is_empty() {
            return Ok(None);
        }
        let row: Option<ApiKeyRow> = self.with(|c| {
            api_keys::table
                .filter(api_keys::user_id.eq(user_id.to_string()))
                .filter(api_keys::token_name.eq(token_name))
                .select(ApiKeyRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(ApiKey::try_from).transpose()
    }

    fn api_keys_of_user(
        &self,
        user_id: Uuid,
        login_type: Option<LoginType>,
        expired_too: bool,
        now: OffsetDateTime,
    ) -> Result<Vec<ApiKey>> {
        let rows: Vec<ApiKeyRow> = self.with(|c| {
            let mut q = api_keys::table.filter(api_keys::user_id.eq(user_id.to_string())).into_boxed();
            if let Some(lt) = login_type {
                q = q.filter(api_keys::login_type.eq(lt.as_str()));
            }
            if !expired_too {
                q = q.filter(api_keys::expires_at.gt(to_db_time(now)));
            }
            q.order((api_keys::created_at.desc(), api_keys::id.asc())).select(ApiKeyRow::as_select()).load(c)
        })?;
        convert_all(rows)
    }

    fn update_api_key_usage(&self, id: &str, last_used: OffsetDateTime, expires_at: OffsetDateTime) -> Result<()> {
        self.with(|c| {
            diesel::update(api_keys::table.find(id))
                .set((
                    api_keys::last_used.eq(to_db_time(last_used)),
                    api_keys::expires_at.eq(to_db_time(expires_at)),
                    api_keys::updated_at.eq(to_db_time(domain::clock::now())),
                ))
                .execute(c)
                .map(|_| ())
        })
    }

    fn delete_api_key(&self, id: &str) -> Result<bool> {
        self.with(|c| diesel::delete(api_keys::table.find(id)).execute(c).map(|n| n > 0))
    }

    fn delete_api_keys_of_user(&self, user_id: Uuid, keep: Option<&str>) -> Result<()> {
        self.with(|c| {
            let q = api_keys::table.filter(api_keys::user_id.eq(user_id.to_string()));
            match keep {
                Some(k) => diesel::delete(q.filter(api_keys::id.ne(k))).execute(c),
                None => diesel::delete(q).execute(c),
            }
            .map(|_| ())
        })
    }

    fn insert_organization(&self, org: &Organization) -> Result<()> {
        let row = OrganizationRow::from(org);
        self.with(|c| diesel::insert_into(organizations::table).values(&row).execute(c).map(|_| ()))
    }

    fn delete_organization(&self, id: Uuid) -> Result<()> {
        let id = id.to_string();
        self.with(|c| {
            let groups_of_org = groups::table.filter(groups::organization_id.eq(&id)).select(groups::id);
            diesel::delete(group_members::table.filter(group_members::group_id.eq_any(groups_of_org))).execute(c)?;
            diesel::delete(groups::table.filter(groups::organization_id.eq(&id))).execute(c)?;
            diesel::delete(organization_members::table.filter(organization_members::organization_id.eq(&id))).execute(c)?;
            diesel::delete(organizations::table.find(&id)).execute(c).map(|_| ())
        })
    }

    fn organization_by_id(&self, id: Uuid) -> Result<Option<Organization>> {
        let row: Option<OrganizationRow> =
            self.with(|c| organizations::table.find(id.to_string()).select(OrganizationRow::as_select()).first(c).optional())?;
        row.map(Organization::try_from).transpose()
    }

    fn organization_by_name(&self, name: &str) -> Result<Option<Organization>> {
        let name = name.to_lowercase();
        let row: Option<OrganizationRow> = self.with(|c| {
            organizations::table.filter(lower(organizations::name).eq(name)).select(OrganizationRow::as_select()).first(c).optional()
        })?;
        row.map(Organization::try_from).transpose()
    }

    fn default_organization(&self) -> Result<Option<Organization>> {
        let row: Option<OrganizationRow> = self.with(|c| {
            organizations::table.filter(organizations::is_default.eq(true)).select(OrganizationRow::as_select()).first(c).optional()
        })?;
        row.map(Organization::try_from).transpose()
    }

    fn list_organizations(&self) -> Result<Vec<Organization>> {
        let rows: Vec<OrganizationRow> =
            self.with(|c| organizations::table.order(lower(organizations::name).asc()).select(OrganizationRow::as_select()).load(c))?;
        convert_all(rows)
    }

    fn insert_member(&self, member: &OrganizationMember) -> Result<()> {
        let row = MemberRow::from(member);
        self.with(|c| diesel::insert_into(organization_members::table).values(&row).execute(c).map(|_| ()))
    }

    fn update_member_roles(&self, org: Uuid, user: Uuid, roles: &[String], at: OffsetDateTime) -> Result<()> {
        self.with(|c| {
            diesel::update(organization_members::table.find((org.to_string(), user.to_string())))
                .set((organization_members::roles.eq(to_json(roles)), organization_members::updated_at.eq(to_db_time(at))))
                .execute(c)
                .map(|_| ())
        })
    }

    fn delete_member(&self, org: Uuid, user: Uuid) -> Result<bool> {
        let (org, user) = (org.to_string(), user.to_string());
        self.with(|c| {
            let groups_of_org = groups::table.filter(groups::organization_id.eq(&org)).select(groups::id);
            diesel::delete(
                group_members::table.filter(group_members::user_id.eq(&user)).filter(group_members::group_id.eq_any(groups_of_org)),
            )
            .execute(c)?;
            diesel::delete(organization_members::table.find((&org, &user))).execute(c).map(|n| n > 0)
        })
    }

    fn member(&self, org: Uuid, user: Uuid) -> Result<Option<OrganizationMember>> {
        let row: Option<MemberRow> = self.with(|c| {
            organization_members::table.find((org.to_string(), user.to_string())).select(MemberRow::as_select()).first(c).optional()
        })?;
        row.map(OrganizationMember::try_from).transpose()
    }

    fn memberships_of_user(&self, user: Uuid) -> Result<Vec<OrganizationMember>> {
        let rows: Vec<MemberRow> = self.with(|c| {
            organization_members::table
                .filter(organization_members::user_id.eq(user.to_string()))
                .order(organization_members::created_at.asc())
                .select(MemberRow::as_select())
                .load(c)
        })?;
        convert_all(rows)
    }

    fn memberships_of_users(&self, user_ids: &[Uuid]) -> Result<Vec<OrganizationMember>> {
        let ids: Vec<String> = user_ids.iter().map(Uuid::to_string).collect();
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let rows: Vec<MemberRow> = self.with(|c| {
                organization_members::table
                    .filter(organization_members::user_id.eq_any(chunk))
                    .order(organization_members::created_at.asc())
                    .select(MemberRow::as_select())
                    .load(c)
            })?;
            out.extend(convert_all::<_, OrganizationMember>(rows)?);
        }
        Ok(out)
    }

    fn members_of_org(&self, org: Uuid) -> Result<Vec<OrganizationMember>> {
        let rows: Vec<MemberRow> = self.with(|c| {
            organization_members::table
                .inner_join(users::table)
                .filter(organization_members::organization_id.eq(org.to_string()))
                .filter(users::deleted.eq(false))
                .order(lower(users::username).asc())
                .select(MemberRow::as_select())
                .load(c)
        })?;
        convert_all(rows)
    }

    fn insert_group(&self, group: &Group) -> Result<()> {
        let row = GroupRow::from(group);
        self.with(|c| diesel::insert_into(groups::table).values(&row).execute(c).map(|_| ()))
    }

    fn update_group(&self, group: &Group) -> Result<()> {
        let row = GroupRow::from(group);
        self.with(|c| diesel::update(groups::table.find(&row.id)).set(&row).execute(c).map(|_| ()))
    }

    fn delete_group(&self, id: Uuid) -> Result<()> {
        let id = id.to_string();
        self.with(|c| {
            diesel::delete(group_members::table.filter(group_members::group_id.eq(&id))).execute(c)?;
            diesel::delete(groups::table.find(&id)).execute(c).map(|_| ())
        })
    }

    fn group_by_id(&self, id: Uuid) -> Result<Option<Group>> {
        let row: Option<GroupRow> = self.with(|c| groups::table.find(id.to_string()).select(GroupRow::as_select()).first(c).optional())?;
        row.map(Group::try_from).transpose()
    }

    fn group_by_name(&self, org: Uuid, name: &str) -> Result<Option<Group>> {
        let row: Option<GroupRow> = self.with(|c| {
            groups::table
                .filter(groups::organization_id.eq(org.to_string()))
                .filter(groups::name.eq(name))
                .select(GroupRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(Group::try_from).transpose()
    }

    fn list_groups(&self, org: Option<Uuid>) -> Result<Vec<Group>> {
        let rows: Vec<GroupRow> = self.with(|c| {
            let mut q = groups::table.into_boxed();
            if let Some(org) = org {
                q = q.filter(groups::organization_id.eq(org.to_string()));
            }
            q.order((lower(groups::name).asc(), groups::id.asc())).select(GroupRow::as_select()).load(c)
        })?;
        convert_all(rows)
    }

    fn add_group_members(&self, group: Uuid, users_to_add: &[Uuid]) -> Result<()> {
        let gid = group.to_string();
        self.with(|c| {
            for u in users_to_add {
                let uid = u.to_string();
                let exists: i64 = group_members::table.find((&gid, &uid)).count().get_result(c)?;
                if exists == 0 {
                    diesel::insert_into(group_members::table)
                        .values((group_members::group_id.eq(&gid), group_members::user_id.eq(&uid)))
                        .execute(c)?;
                }
            }
            Ok(())
        })
    }

    fn remove_group_members(&self, group: Uuid, users_to_remove: &[Uuid]) -> Result<()> {
        let gid = group.to_string();
        let ids: Vec<String> = users_to_remove.iter().map(Uuid::to_string).collect();
        self.with(|c| {
            diesel::delete(group_members::table.filter(group_members::group_id.eq(&gid)).filter(group_members::user_id.eq_any(&ids)))
                .execute(c)
                .map(|_| ())
        })
    }

    fn group_member_ids(&self, group: Uuid) -> Result<Vec<Uuid>> {
        let ids: Vec<String> = self
            .with(|c| group_members::table.filter(group_members::group_id.eq(group.to_string())).select(group_members::user_id).load(c))?;
        ids.iter().map(|s| parse_uuid(s)).collect()
    }

    fn group_ids_of_user(&self, user: Uuid) -> Result<Vec<Uuid>> {
        let ids: Vec<String> = self
            .with(|c| group_members::table.filter(group_members::user_id.eq(user.to_string())).select(group_members::group_id).load(c))?;
        ids.iter().map(|s| parse_uuid(s)).collect()
    }

    fn count_group_members(&self, group: Uuid) -> Result<i64> {
        self.with(|c| {
            group_members::table
                .inner_join(users::table)
                .filter(group_members::group_id.eq(group.to_string()))
                .filter(users::deleted.eq(false))
                .count()
                .get_result(c)
        })
    }

    fn count_org_members(&self, org: Uuid) -> Result<i64> {
        self.with(|c| {
            organization_members::table
                .inner_join(users::table)
                .filter(organization_members::organization_id.eq(org.to_string()))
                .filter(users::deleted.eq(false))
                .count()
                .get_result(c)
        })
    }

    fn group_ai_budget(&self, group: Uuid) -> Result<Option<GroupAiBudget>> {
        let row: Option<(String, i64, time::PrimitiveDateTime, time::PrimitiveDateTime)> =
            self.with(|c| group_ai_budgets::table.find(group.to_string()).first(c).optional())?;
        row.map(|(g, limit, created, updated)| {
            Ok(GroupAiBudget {
                group_id: parse_uuid(&g)?,
                spend_limit_micros: limit,
                created_at: from_db_time(created),
                updated_at: from_db_time(updated),
            })
        })
        .transpose()
    }

    fn put_group_ai_budget(&self, b: &GroupAiBudget) -> Result<()> {
        let gid = b.group_id.to_string();
        self.with(|c| {
            let n = diesel::update(group_ai_budgets::table.find(&gid))
                .set((
                    group_ai_budgets::spend_limit_micros.eq(b.spend_limit_micros),
                    group_ai_budgets::updated_at.eq(to_db_time(b.updated_at)),
                ))
                .execute(c)?;
            if n == 0 {
                diesel::insert_into(group_ai_budgets::table)
                    .values((
                        group_ai_budgets::group_id.eq(&gid),
                        group_ai_budgets::spend_limit_micros.eq(b.spend_limit_micros),
                        group_ai_budgets::created_at.eq(to_db_time(b.created_at)),
                        group_ai_budgets::updated_at.eq(to_db_time(b.updated_at)),
                    ))
                    .execute(c)?;
            }
            Ok(())
        })
    }

    fn delete_group_ai_budget(&self, group: Uuid) -> Result<bool> {
        self.with(|c| diesel::delete(group_ai_budgets::table.find(group.to_string())).execute(c).map(|n| n > 0))
    }
}
