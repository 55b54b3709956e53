//! OAuth2 applications, client secrets, authorization codes, grants and refresh tokens.
//!
//! Revoking anything that issued access tokens deletes those API keys here, one by one through
//! [`KeyStore::delete_api_key`], so that every replica's authentication cache hears of each.

use diesel::prelude::*;
use domain::oauth2::{AuthorizationCode, ClientMetadata, Grant, OAuth2App, OAuth2AppSecret, RefreshToken};
use domain::store::{GrantSelector, KeyStore, OAuth2Store};
use domain::Result;
use time::{OffsetDateTime, PrimitiveDateTime};
use uuid::Uuid;

use super::DbRepo;
use crate::conn::DbConn;
use crate::rows::*;
use crate::schema::*;

#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug, Clone)]
#[diesel(table_name = oauth2_provider_apps, treat_none_as_null = true)]
struct AppRow {
    id: String,
    created_at: PrimitiveDateTime,
    updated_at: PrimitiveDateTime,
    name: String,
    icon: String,
    callback_url: String,
    redirect_uris: String,
    client_type: String,
    dynamically_registered: bool,
    grant_types: String,
    response_types: String,
    token_endpoint_auth_method: String,
    client_id_issued_at: Option<PrimitiveDateTime>,
    client_metadata: String,
    registration_access_token: Option<Vec<u8>>,
}

fn list(s: &str) -> Result<Vec<String>> {
    serde_json::from_str(s).map_err(|e| domain::Error::internal("Internal error.", format!("stored list {s:?}: {e}")))
}

fn opt_uuid(s: Option<String>) -> Result<Option<Uuid>> {
    s.as_deref().map(parse_uuid).transpose()
}

impl From<&OAuth2App> for AppRow {
    fn from(a: &OAuth2App) -> Self {
        Self {
            id: a.id.to_string(),
            created_at: to_db_time(a.created_at),
            updated_at: to_db_time(a.updated_at),
            name: a.name.clone(),
            icon: a.icon.clone(),
            callback_url: a.callback_url.clone(),
            redirect_uris: to_json(&a.redirect_uris),
            client_type: a.client_type.clone(),
            dynamically_registered: a.dynamically_registered,
            grant_types: to_json(&a.grant_types),
            response_types: to_json(&a.response_types),
            token_endpoint_auth_method: a.token_endpoint_auth_method.clone(),
            client_id_issued_at: a.client_id_issued_at.map(to_db_time),
            client_metadata: serde_json::to_string(&a.metadata).unwrap_or_else(|_| "{}".into()),
            registration_access_token: a.registration_access_token.clone(),
        }
    }
}

impl TryFrom<AppRow> for OAuth2App {
    type Error = domain::Error;
    fn try_from(r: AppRow) -> Result<Self> {
        Ok(OAuth2App {
            id: parse_uuid(&r.id)?,
            name: r.name,
            callback_url: r.callback_url,
            icon: r.icon,
            redirect_uris: list(&r.redirect_uris)?,
            client_type: r.client_type,
            dynamically_registered: r.dynamically_registered,
            grant_types: list(&r.grant_types)?,
            response_types: list(&r.response_types)?,
            token_endpoint_auth_method: r.token_endpoint_auth_method,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            metadata: serde_json::from_str::<ClientMetadata>(&r.client_metadata)
                .map_err(|e| domain::Error::internal("Internal error.", format!("stored client metadata: {e}")))?,
            client_id_issued_at: r.client_id_issued_at.map(from_db_time),
            registration_access_token: r.registration_access_token,
        })
    }
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = oauth2_provider_app_secrets)]
struct SecretRow {
    id: String,
    app_id: String,
    created_at: PrimitiveDateTime,
    last_used_at: Option<PrimitiveDateTime>,
    hashed_secret: Vec<u8>,
    display_secret: String,
    secret_prefix: String,
}

impl TryFrom<SecretRow> for OAuth2AppSecret {
    type Error = domain::Error;
    fn try_from(r: SecretRow) -> Result<Self> {
        Ok(OAuth2AppSecret {
            id: parse_uuid(&r.id)?,
            app_id: parse_uuid(&r.app_id)?,
            created_at: from_db_time(r.created_at),
            last_used_at: r.last_used_at.map(from_db_time),
            hashed_secret: r.hashed_secret,
            display_secret: r.display_secret,
            secret_prefix: r.secret_prefix,
        })
    }
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = oauth2_provider_app_codes)]
struct CodeRow {
    id: String,
    created_at: PrimitiveDateTime,
    expires_at: PrimitiveDateTime,
    secret_prefix: String,
    hashed_secret: Vec<u8>,
    user_id: String,
    app_id: String,
    redirect_uri: String,
    redirect_uri_given: bool,
    scope: String,
    resource_uri: String,
    code_challenge: String,
    code_challenge_method: String,
    redeemed_at: Option<PrimitiveDateTime>,
    grant_id: Option<String>,
}

impl From<&AuthorizationCode> for CodeRow {
    fn from(c: &AuthorizationCode) -> Self {
        Self {
            id: c.id.to_string(),
            created_at: to_db_time(c.created_at),
            expires_at: to_db_time(c.expires_at),
            secret_prefix: c.secret_prefix.clone(),
            hashed_secret: c.hashed_secret.clone(),
            user_id: c.user_id.to_string(),
            app_id: c.app_id.to_string(),
            redirect_uri: c.redirect_uri.clone(),
            redirect_uri_given: c.redirect_uri_given,
            scope: c.scope.clone(),
            resource_uri: c.resource_uri.clone(),
            code_challenge: c.code_challenge.clone(),
            code_challenge_method: c.code_challenge_method.clone(),
            redeemed_at: c.redeemed_at.map(to_db_time),
            grant_id: c.grant_id.map(|g| g.to_string()),
        }
    }
}

impl TryFrom<CodeRow> for AuthorizationCode {
    type Error = domain::Error;
    fn try_from(r: CodeRow) -> Result<Self> {
        Ok(AuthorizationCode {
            id: parse_uuid(&r.id)?,
            created_at: from_db_time(r.created_at),
            expires_at: from_db_time(r.expires_at),
            secret_prefix: r.secret_prefix,
            hashed_secret: r.hashed_secret,
            user_id: parse_uuid(&r.user_id)?,
            app_id: parse_uuid(&r.app_id)?,
            redirect_uri: r.redirect_uri,
            redirect_uri_given: r.redirect_uri_given,
            scope: r.scope,
            resource_uri: r.resource_uri,
            code_challenge: r.code_challenge,
            code_challenge_method: r.code_challenge_method,
            redeemed_at: r.redeemed_at.map(from_db_time),
            grant_id: opt_uuid(r.grant_id)?,
        })
    }
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = oauth2_provider_app_grants)]
struct GrantRow {
    id: String,
    created_at: PrimitiveDateTime,
    app_id: String,
    app_secret_id: Option<String>,
    user_id: String,
    scope: String,
    audience: String,
}

impl TryFrom<GrantRow> for Grant {
    type Error = domain::Error;
    fn try_from(r: GrantRow) -> Result<Self> {
        Ok(Grant {
            id: parse_uuid(&r.id)?,
            created_at: from_db_time(r.created_at),
            app_id: parse_uuid(&r.app_id)?,
            app_secret_id: opt_uuid(r.app_secret_id)?,
            user_id: parse_uuid(&r.user_id)?,
            scope: r.scope,
            audience: r.audience,
        })
    }
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = oauth2_provider_app_tokens)]
struct TokenRow {
    id: String,
    grant_id: String,
    created_at: PrimitiveDateTime,
    expires_at: PrimitiveDateTime,
    hash_prefix: String,
    refresh_hash: Vec<u8>,
    api_key_id: Option<String>,
    spent_at: Option<PrimitiveDateTime>,
}

impl TryFrom<TokenRow> for RefreshToken {
    type Error = domain::Error;
    fn try_from(r: TokenRow) -> Result<Self> {
        Ok(RefreshToken {
            id: parse_uuid(&r.id)?,
            grant_id: parse_uuid(&r.grant_id)?,
            created_at: from_db_time(r.created_at),
            expires_at: from_db_time(r.expires_at),
            hash_prefix: r.hash_prefix,
            refresh_hash: r.refresh_hash,
            api_key_id: r.api_key_id,
            spent_at: r.spent_at.map(from_db_time),
        })
    }
}

impl DbRepo<'_> {
    /// Deletes the access tokens (API keys) issued under the given grants, telling every cache.
    fn revoke_access_tokens(&self, grant_ids: &[String]) -> Result<()> {
        if grant_ids.is_empty() {
            return Ok(());
        }
        let keys: Vec<Option<String>> = self.with(|c| {
            oauth2_provider_app_tokens::table
                .filter(oauth2_provider_app_tokens::grant_id.eq_any(grant_ids))
                .filter(oauth2_provider_app_tokens::api_key_id.is_not_null())
                .select(oauth2_provider_app_tokens::api_key_id)
                .load(c)
        })?;
        for key in keys.into_iter().flatten() {
            self.delete_api_key(&key)?;
        }
        Ok(())
    }

    fn grant_ids_where(&self, app: Option<&str>, secret: Option<&str>) -> Result<Vec<String>> {
        self.with(|c| {
            let mut q = oauth2_provider_app_grants::table.select(oauth2_provider_app_grants::id).into_boxed();
            if let Some(app) = app {
                q = q.filter(oauth2_provider_app_grants::app_id.eq(app.to_string()));
            }
            if let Some(secret) = secret {
                q = q.filter(oauth2_provider_app_grants::app_secret_id.eq(secret.to_string()));
            }
            q.load(c)
        })
    }
}

impl OAuth2Store for DbRepo<'_> {
    fn insert_oauth2_app(&self, app: &OAuth2App) -> Result<()> {
        let row = AppRow::from(app);
        self.with(|c| diesel::insert_into(oauth2_provider_apps::table).values(&row).execute(c).map(|_| ()))
    }

    fn oauth2_app(&self, id: Uuid) -> Result<Option<OAuth2App>> {
        let row: Option<AppRow> =
            self.with(|c| oauth2_provider_apps::table.find(id.to_string()).select(AppRow::as_select()).first(c).optional())?;
        row.map(OAuth2App::try_from).transpose()
    }

    fn list_oauth2_apps(&self) -> Result<Vec<OAuth2App>> {
        let rows: Vec<AppRow> = self.with(|c| {
            oauth2_provider_apps::table
                .order((oauth2_provider_apps::name.asc(), oauth2_provider_apps::id.asc()))
                .select(AppRow::as_select())
                .load(c)
        })?;
        convert_all(rows)
    }

    fn oauth2_apps_granted_by(&self, user: Uuid) -> Result<Vec<OAuth2App>> {
        let rows: Vec<AppRow> = self.with(|c| {
            let granted = oauth2_provider_app_grants::table
                .filter(oauth2_provider_app_grants::user_id.eq(user.to_string()))
                .select(oauth2_provider_app_grants::app_id);
            oauth2_provider_apps::table
                .filter(oauth2_provider_apps::id.eq_any(granted))
                .order((oauth2_provider_apps::name.asc(), oauth2_provider_apps::id.asc()))
                .select(AppRow::as_select())
                .load(c)
        })?;
        convert_all(rows)
    }

    fn update_oauth2_app(&self, app: &OAuth2App) -> Result<()> {
        let row = AppRow::from(app);
        self.with(|c| diesel::update(oauth2_provider_apps::table.find(app.id.to_string())).set(&row).execute(c).map(|_| ()))
    }

    fn delete_oauth2_app(&self, id: Uuid) -> Result<()> {
        let id = id.to_string();
        let grants = self.grant_ids_where(Some(&id), None)?;
        self.revoke_access_tokens(&grants)?;
        self.with(|c| {
            diesel::delete(oauth2_provider_app_grants::table.filter(oauth2_provider_app_grants::app_id.eq(&id))).execute(c)?;
            diesel::delete(oauth2_provider_app_codes::table.filter(oauth2_provider_app_codes::app_id.eq(&id))).execute(c)?;
            diesel::delete(oauth2_provider_app_secrets::table.filter(oauth2_provider_app_secrets::app_id.eq(&id))).execute(c)?;
            diesel::delete(oauth2_provider_apps::table.find(&id)).execute(c).map(|_| ())
        })
    }

    fn insert_oauth2_app_secret(&self, s: &OAuth2AppSecret) -> Result<()> {
        let row = SecretRow {
            id: s.id.to_string(),
            app_id: s.app_id.to_string(),
            created_at: to_db_time(s.created_at),
            last_used_at: s.last_used_at.map(to_db_time),
            hashed_secret: s.hashed_secret.clone(),
            display_secret: s.display_secret.clone(),
            secret_prefix: s.secret_prefix.clone(),
        };
        self.with(|c| diesel::insert_into(oauth2_provider_app_secrets::table).values(&row).execute(c).map(|_| ()))
    }

    fn oauth2_app_secret(&self, id: Uuid) -> Result<Option<OAuth2AppSecret>> {
        let row: Option<SecretRow> =
            self.with(|c| oauth2_provider_app_secrets::table.find(id.to_string()).select(SecretRow::as_select()).first(c).optional())?;
        row.map(OAuth2AppSecret::try_from).transpose()
    }

    fn oauth2_app_secrets(&self, app: Uuid) -> Result<Vec<OAuth2AppSecret>> {
        let rows: Vec<SecretRow> = self.with(|c| {
            oauth2_provider_app_secrets::table
                .filter(oauth2_provider_app_secrets::app_id.eq(app.to_string()))
                .order((oauth2_provider_app_secrets::created_at.asc(), oauth2_provider_app_secrets::id.asc()))
                .select(SecretRow::as_select())
                .load(c)
        })?;
        convert_all(rows)
    }

    fn delete_oauth2_app_secret(&self, id: Uuid) -> Result<()> {
        let id = id.to_string();
        let grants = self.grant_ids_where(None, Some(&id))?;
        self.revoke_access_tokens(&grants)?;
        self.with(|c| {
            diesel::delete(oauth2_provider_app_grants::table.filter(oauth2_provider_app_grants::id.eq_any(&grants))).execute(c)?;
            diesel::delete(oauth2_provider_app_secrets::table.find(&id)).execute(c).map(|_| ())
        })
    }

    fn oauth2_app_secret_by_prefix(&self, prefix: &str) -> Result<Option<OAuth2AppSecret>> {
        let row: Option<SecretRow> = self.with(|c| {
            oauth2_provider_app_secrets::table
                .filter(oauth2_provider_app_secrets::secret_prefix.eq(prefix))
                .select(SecretRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(OAuth2AppSecret::try_from).transpose()
    }

    fn touch_oauth2_app_secret(&self, id: Uuid, at: OffsetDateTime) -> Result<()> {
        self.with(|c| {
            diesel::update(oauth2_provider_app_secrets::table.filter(oauth2_provider_app_secrets::id.eq(id.to_string())))
                .set(oauth2_provider_app_secrets::last_used_at.eq(Some(to_db_time(at))))
                .execute(c)
                .map(|_| ())
        })
    }

    fn insert_oauth2_code(&self, code: &AuthorizationCode) -> Result<()> {
        let row = CodeRow::from(code);
        self.with(|c| {
            diesel::delete(
                oauth2_provider_app_codes::table
                    .filter(oauth2_provider_app_codes::app_id.eq(&row.app_id))
                    .filter(oauth2_provider_app_codes::user_id.eq(&row.user_id))
                    .filter(oauth2_provider_app_codes::expires_at.le(row.created_at)),
            )
            .execute(c)?;
            diesel::insert_into(oauth2_provider_app_codes::table).values(&row).execute(c).map(|_| ())
        })
    }

    fn oauth2_code_by_prefix(&self, prefix: &str) -> Result<Option<AuthorizationCode>> {
        let row: Option<CodeRow> = self.with(|c| {
            oauth2_provider_app_codes::table
                .filter(oauth2_provider_app_codes::secret_prefix.eq(prefix))
                .select(CodeRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(AuthorizationCode::try_from).transpose()
    }

    fn redeem_oauth2_code(&self, id: Uuid, grant: Uuid, at: OffsetDateTime) -> Result<bool> {
        self.with(|c| {
            diesel::update(
                oauth2_provider_app_codes::table
                    .filter(oauth2_provider_app_codes::id.eq(id.to_string()))
                    .filter(oauth2_provider_app_codes::redeemed_at.is_null()),
            )
            .set((
                oauth2_provider_app_codes::redeemed_at.eq(Some(to_db_time(at))),
                oauth2_provider_app_codes::grant_id.eq(Some(grant.to_string())),
            ))
            .execute(c)
            .map(|n| n == 1)
        })
    }

    fn insert_oauth2_grant(&self, g: &Grant) -> Result<()> {
        let row = GrantRow {
            id: g.id.to_string(),
            created_at: to_db_time(g.created_at),
            app_id: g.app_id.to_string(),
            app_secret_id: g.app_secret_id.map(|s| s.to_string()),
            user_id: g.user_id.to_string(),
            scope: g.scope.clone(),
            audience: g.audience.clone(),
        };
        self.with(|c| diesel::insert_into(oauth2_provider_app_grants::table).values(&row).execute(c).map(|_| ()))
    }

    fn oauth2_grant(&self, id: Uuid) -> Result<Option<Grant>> {
        let row: Option<GrantRow> =
            self.with(|c| oauth2_provider_app_grants::table.find(id.to_string()).select(GrantRow::as_select()).first(c).optional())?;
        row.map(Grant::try_from).transpose()
    }

    fn oauth2_grant_of_api_key(&self, api_key_id: &str) -> Result<Option<Grant>> {
        let row: Option<GrantRow> = self.with(|c| {
            oauth2_provider_app_grants::table
                .inner_join(oauth2_provider_app_tokens::table)
                .filter(oauth2_provider_app_tokens::api_key_id.eq(api_key_id))
                .select(GrantRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(Grant::try_from).transpose()
    }

    fn insert_oauth2_refresh_token(&self, t: &RefreshToken) -> Result<()> {
        let row = TokenRow {
            id: t.id.to_string(),
            grant_id: t.grant_id.to_string(),
            created_at: to_db_time(t.created_at),
            expires_at: to_db_time(t.expires_at),
            hash_prefix: t.hash_prefix.clone(),
            refresh_hash: t.refresh_hash.clone(),
            api_key_id: t.api_key_id.clone(),
            spent_at: t.spent_at.map(to_db_time),
        };
        self.with(|c| diesel::insert_into(oauth2_provider_app_tokens::table).values(&row).execute(c).map(|_| ()))
    }

    fn oauth2_refresh_token_by_prefix(&self, prefix: &str) -> Result<Option<RefreshToken>> {
        let row: Option<TokenRow> = self.with(|c| {
            oauth2_provider_app_tokens::table
                .filter(oauth2_provider_app_tokens::hash_prefix.eq(prefix))
                .select(TokenRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(RefreshToken::try_from).transpose()
    }

    fn spend_oauth2_refresh_token(&self, id: Uuid, at: OffsetDateTime) -> Result<bool> {
        let id = id.to_string();
        let key: Option<Option<String>> = self.with(|c| {
            oauth2_provider_app_tokens::table
                .find(&id)
                .filter(oauth2_provider_app_tokens::spent_at.is_null())
                .select(oauth2_provider_app_tokens::api_key_id)
                .first(c)
                .optional()
        })?;
        let won = self.with(|c| {
            // A token whose key was deleted meanwhile is not spendable: its grant has ended.
            diesel::update(
                oauth2_provider_app_tokens::table
                    .filter(oauth2_provider_app_tokens::id.eq(&id))
                    .filter(oauth2_provider_app_tokens::spent_at.is_null())
                    .filter(oauth2_provider_app_tokens::api_key_id.is_not_null()),
            )
            .set((oauth2_provider_app_tokens::spent_at.eq(Some(to_db_time(at))), oauth2_provider_app_tokens::api_key_id.eq(None::<String>)))
            .execute(c)
            .map(|n| n == 1)
        })?;
        if let (true, Some(Some(key))) = (won, key) {
            self.delete_api_key(&key)?;
        }
        Ok(won)
    }

    fn revoke_oauth2_grants(&self, which: GrantSelector) -> Result<()> {
        let ids: Vec<String> = match which {
            GrantSelector::Id(id) => vec![id.to_string()],
            GrantSelector::UserApp { user, app } => self.with(|c| {
                oauth2_provider_app_grants::table
                    .filter(oauth2_provider_app_grants::user_id.eq(user.to_string()))
                    .filter(oauth2_provider_app_grants::app_id.eq(app.to_string()))
                    .select(oauth2_provider_app_grants::id)
                    .load(c)
            })?,
        };
        // Lock the grants first: a refresh holds the same lock while it mints tokens, so it
        // either finishes before (and its tokens are revoked here) or sees the grant gone.
        for id in &ids {
            self.lock_grant_row(id)?;
        }
        self.revoke_access_tokens(&ids)?;
        if let GrantSelector::UserApp { user, app } = which {
            self.with(|c| {
                diesel::delete(
                    oauth2_provider_app_codes::table
                        .filter(oauth2_provider_app_codes::app_id.eq(app.to_string()))
                        .filter(oauth2_provider_app_codes::user_id.eq(user.to_string())),
                )
                .execute(c)
                .map(|_| ())
            })?;
        }
        self.with(|c| {
            diesel::delete(oauth2_provider_app_grants::table.filter(oauth2_provider_app_grants::id.eq_any(&ids))).execute(c).map(|_| ())
        })
    }

    fn lock_oauth2_grant(&self, id: Uuid) -> Result<bool> {
        self.lock_grant_row(&id.to_string())
    }

    fn purge_expired_oauth2(&self, now: OffsetDateTime) -> Result<()> {
        let at = to_db_time(now);
        self.with(|c| diesel::delete(oauth2_provider_app_codes::table.filter(oauth2_provider_app_codes::expires_at.le(at))).execute(c))?;
        // Their access tokens go first, through the key store, so every cache hears of it.
        let keys: Vec<Option<String>> = self.with(|c| {
            oauth2_provider_app_tokens::table
                .filter(oauth2_provider_app_tokens::expires_at.le(at))
                .select(oauth2_provider_app_tokens::api_key_id)
                .load(c)
        })?;
        for key in keys.into_iter().flatten() {
            self.delete_api_key(&key)?;
        }
        self.with(|c| diesel::delete(oauth2_provider_app_tokens::table.filter(oauth2_provider_app_tokens::expires_at.le(at))).execute(c))?;
        self.with(|c| {
            let tokens = oauth2_provider_app_tokens::table.filter(oauth2_provider_app_tokens::grant_id.eq(oauth2_provider_app_grants::id));
            diesel::delete(oauth2_provider_app_grants::table.filter(diesel::dsl::not(diesel::dsl::exists(tokens)))).execute(c).map(|_| ())
        })
    }
}

impl DbRepo<'_> {
    /// `SELECT ... FOR UPDATE` of a grant on PostgreSQL (SQLite's writer lock already serializes);
    /// whether it exists.
    fn lock_grant_row(&self, id: &str) -> Result<bool> {
        #[derive(diesel::QueryableByName)]
        struct Found {
            #[diesel(sql_type = diesel::sql_types::Text)]
            #[allow(dead_code)]
            id: String,
        }
        let found: Vec<Found> = self.with(|c| match c {
            DbConn::Pg(pg) => diesel::sql_query("SELECT id FROM oauth2_provider_app_grants WHERE id = $1 FOR UPDATE")
                .bind::<diesel::sql_types::Text, _>(id)
                .load(pg),
            DbConn::Sqlite(lite) => diesel::sql_query("SELECT id FROM oauth2_provider_app_grants WHERE id = ?")
                .bind::<diesel::sql_types::Text, _>(id)
                .load(lite),
        })?;
        Ok(!found.is_empty())
    }
}
