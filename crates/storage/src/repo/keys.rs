//! API keys.

use diesel::prelude::*;
use domain::apikey::ApiKey;
use domain::store::{Change, KeyStore};
use domain::user::LoginType;
use domain::Result;
use time::OffsetDateTime;
use uuid::Uuid;

use super::DbRepo;
use crate::rows::*;
use crate::schema::*;

impl KeyStore for DbRepo<'_> {
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

    fn tokens_of_live_users(&self, expired_too: bool, now: OffsetDateTime) -> Result<Vec<(ApiKey, String)>> {
        let rows: Vec<(ApiKeyRow, String)> = self.with(|c| {
            let mut q = api_keys::table
                .inner_join(users::table.on(users::id.eq(api_keys::user_id)))
                .filter(api_keys::login_type.eq(LoginType::Token.as_str()))
                .filter(users::deleted.eq(false))
                .into_boxed();
            if !expired_too {
                q = q.filter(api_keys::expires_at.gt(to_db_time(now)));
            }
            q.order((api_keys::created_at.desc(), api_keys::id.asc())).select((ApiKeyRow::as_select(), users::username)).load(c)
        })?;
        rows.into_iter().map(|(row, username)| Ok((ApiKey::try_from(row)?, username))).collect()
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
        })?;
        self.changed(Change::Key(id.to_string()))
    }

    fn delete_api_key(&self, id: &str) -> Result<bool> {
        let deleted = self.with(|c| diesel::delete(api_keys::table.find(id)).execute(c).map(|n| n > 0))?;
        self.changed(Change::Key(id.to_string()))?;
        Ok(deleted)
    }

    fn delete_api_keys_of_user(&self, user_id: Uuid, keep: Option<&str>) -> Result<()> {
        self.with(|c| {
            let q = api_keys::table.filter(api_keys::user_id.eq(user_id.to_string()));
            match keep {
                Some(k) => diesel::delete(q.filter(api_keys::id.ne(k))).execute(c),
                None => diesel::delete(q).execute(c),
            }
            .map(|_| ())
        })?;
        self.changed(Change::User(user_id))
    }
}
