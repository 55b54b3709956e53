//! OAuth2 applications and client secrets.

use diesel::prelude::*;
use domain::oauth2::{OAuth2App, OAuth2AppSecret};
use domain::store::OAuth2Store;
use domain::Result;
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::DbRepo;
use crate::rows::*;
use crate::schema::*;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = oauth2_provider_apps)]
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
}

fn list(s: &str) -> Result<Vec<String>> {
    serde_json::from_str(s).map_err(|e| domain::Error::internal("Internal error.", format!("stored list {s:?}: {e}")))
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

    fn oauth2_apps_granted_by(&self, _user: Uuid) -> Result<Vec<OAuth2App>> {
        // No tokens are issued yet, so no user has granted any application access.
        Ok(Vec::new())
    }

    fn update_oauth2_app(&self, app: &OAuth2App) -> Result<()> {
        self.with(|c| {
            diesel::update(oauth2_provider_apps::table.find(app.id.to_string()))
                .set((
                    oauth2_provider_apps::name.eq(&app.name),
                    oauth2_provider_apps::callback_url.eq(&app.callback_url),
                    oauth2_provider_apps::icon.eq(&app.icon),
                    oauth2_provider_apps::updated_at.eq(to_db_time(app.updated_at)),
                ))
                .execute(c)
                .map(|_| ())
        })
    }

    fn delete_oauth2_app(&self, id: Uuid) -> Result<()> {
        let id = id.to_string();
        self.with(|c| {
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
        self.with(|c| diesel::delete(oauth2_provider_app_secrets::table.find(id.to_string())).execute(c).map(|_| ()))
    }
}
