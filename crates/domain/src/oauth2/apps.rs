//! The admin API of OAuth2 applications and their client secrets. Every signed-in user may read
//! applications (Coder's member role has `oauth2_app:read`); only owners write them or touch
//! secrets (403 here, where Coder answers 500).

use uuid::Uuid;

use super::{generate_secret, OAuth2App, OAuth2AppSecret};
use crate::app::{Actor, App};
use crate::auth::tag_failure;
use crate::clock;
use crate::error::{Error, ErrorKind, Result, Validations};
use crate::rbac::{action, resource, Object};
use crate::validation;

/// What `POST` and `PUT /oauth2-provider/apps` take.
#[derive(Debug, Clone, Default)]
pub struct AppInput {
    /// 1–32 characters, Coder's name rules.
    pub name: String,
    /// An http(s) URL with a host.
    pub callback_url: String,
    /// Icon URL (optional).
    pub icon: String,
}

fn http_url_valid(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
        !host.is_empty() && !host.starts_with(':') && !r.contains(char::is_whitespace)
    })
}

fn check_input(input: &AppInput) -> Result<()> {
    let mut v = Validations::new();
    if input.name.is_empty() {
        v.add("name", tag_failure("required", ""));
    } else if validation::name_valid(&input.name).is_err() {
        v.add("name", tag_failure("oauth2_app_name", &input.name));
    }
    if input.callback_url.is_empty() {
        v.add("callback_url", tag_failure("required", ""));
    } else if !http_url_valid(&input.callback_url) {
        v.add("callback_url", tag_failure("http_url", &input.callback_url));
    }
    if input.icon.len() > 256 {
        v.add("icon", "must be at most 256 characters");
    }
    v.finish("Validation failed.")
}

fn app_object() -> Object {
    Object::of(resource::OAUTH2_APP)
}

impl App {
    /// Resolves `{app}`: 400 for a malformed id, 404 for an unknown one (Coder's words).
    pub fn oauth2_app(&self, actor: &Actor, param: &str) -> Result<OAuth2App> {
        self.require_oauth2_experiment()?;
        let id = Uuid::parse_str(param).map_err(|e| Error::bad_request(format!("Invalid UUID {param:?}.")).with_detail(e.to_string()))?;
        self.db(actor).require(action::READ, &app_object())?;
        self.db(actor).oauth2_app(id)?.ok_or_else(|| Error::new(ErrorKind::NotFound, "OAuth2 application not found."))
    }

    /// `GET /oauth2-provider/apps`: every app, by name; with `user_id`, the apps that user has
    /// granted access to (none until this server issues tokens).
    pub fn list_oauth2_apps(&self, actor: &Actor, user_id: Option<&str>) -> Result<Vec<OAuth2App>> {
        self.require_oauth2_experiment()?;
        self.db(actor).require(action::READ, &app_object())?;
        match user_id {
            None | Some("") => self.db(actor).list_oauth2_apps(),
            Some(raw) => {
                let user = Uuid::parse_str(raw)
                    .map_err(|_| Error::bad_request("Invalid user UUID").with_detail(format!("queried user_id={raw:?}")))?;
                self.db(actor).require(action::READ, &Object::of(resource::OAUTH2_APP_CODE_TOKEN).owned_by(user))?;
                self.db(actor).oauth2_apps_granted_by(user)
            }
        }
    }

    /// `POST /oauth2-provider/apps`: owners only; Coder's defaults for the RFC 7591 fields.
    pub fn create_oauth2_app(&self, actor: &Actor, input: AppInput) -> Result<OAuth2App> {
        self.require_oauth2_experiment()?;
        check_input(&input)?;
        self.db(actor).require(action::CREATE, &app_object())?;
        let now = clock::now();
        let app = OAuth2App {
            id: Uuid::new_v4(),
            name: input.name,
            callback_url: input.callback_url,
            icon: input.icon,
            redirect_uris: vec![],
            client_type: "confidential".into(),
            dynamically_registered: false,
            grant_types: vec!["authorization_code".into(), "refresh_token".into()],
            response_types: vec!["code".into()],
            token_endpoint_auth_method: "client_secret_post".into(),
            created_at: now,
            updated_at: now,
            metadata: super::ClientMetadata::default(),
            client_id_issued_at: None,
            registration_access_token: None,
        };
        self.db(actor).transaction(|tx| tx.insert_oauth2_app(&app))?;
        Ok(app)
    }

    /// `PUT /oauth2-provider/apps/{app}`: replaces name, callback URL and icon.
    pub fn update_oauth2_app(&self, actor: &Actor, param: &str, input: AppInput) -> Result<OAuth2App> {
        let mut app = self.oauth2_app(actor, param)?;
        check_input(&input)?;
        self.db(actor).require(action::UPDATE, &app_object())?;
        app.name = input.name;
        if let Some(first) = app.redirect_uris.first_mut() {
            // The callback URL is the first registered redirect URI; keep them one.
            first.clone_from(&input.callback_url);
        }
        app.callback_url = input.callback_url;
        app.icon = input.icon;
        app.updated_at = clock::now();
        self.db(actor).transaction(|tx| tx.update_oauth2_app(&app))?;
        Ok(app)
    }

    /// `DELETE /oauth2-provider/apps/{app}`: with its secrets.
    pub fn delete_oauth2_app(&self, actor: &Actor, param: &str) -> Result<()> {
        let app = self.oauth2_app(actor, param)?;
        self.db(actor).require(action::DELETE, &app_object())?;
        self.db(actor).transaction(|tx| tx.delete_oauth2_app(app.id))
    }

    /// `GET /oauth2-provider/apps/{app}/secrets`: oldest first, truncated.
    pub fn list_oauth2_app_secrets(&self, actor: &Actor, param: &str) -> Result<Vec<OAuth2AppSecret>> {
        let app = self.oauth2_app(actor, param)?;
        self.db(actor).require(action::READ, &Object::of(resource::OAUTH2_APP_SECRET))?;
        self.db(actor).oauth2_app_secrets(app.id)
    }

    /// `POST /oauth2-provider/apps/{app}/secrets`: the only time the whole secret is shown.
    pub fn create_oauth2_app_secret(&self, actor: &Actor, param: &str) -> Result<(OAuth2AppSecret, String)> {
        let app = self.oauth2_app(actor, param)?;
        self.db(actor).require(action::CREATE, &Object::of(resource::OAUTH2_APP_SECRET))?;
        let generated = generate_secret();
        let secret = OAuth2AppSecret {
            id: Uuid::new_v4(),
            app_id: app.id,
            created_at: clock::now(),
            last_used_at: None,
            hashed_secret: generated.hashed.clone(),
            display_secret: generated.formatted[generated.formatted.len() - 6..].to_string(),
            secret_prefix: generated.prefix.clone(),
        };
        self.db(actor).transaction(|tx| tx.insert_oauth2_app_secret(&secret))?;
        Ok((secret, generated.formatted))
    }

    /// `DELETE /oauth2-provider/apps/{app}/secrets/{secretID}`.
    pub fn delete_oauth2_app_secret(&self, actor: &Actor, param: &str, secret_param: &str) -> Result<()> {
        let app = self.oauth2_app(actor, param)?;
        let id = Uuid::parse_str(secret_param)
            .map_err(|e| Error::bad_request(format!("Invalid UUID {secret_param:?}.")).with_detail(e.to_string()))?;
        self.db(actor).require_visible(action::DELETE, &Object::of(resource::OAUTH2_APP_SECRET))?;
        let secret = self.db(actor).oauth2_app_secret(id)?.ok_or_else(Error::not_found)?;
        if secret.app_id != app.id {
            return Err(Error::bad_request("App ID does not match secret app ID."));
        }
        self.db(actor).transaction(|tx| tx.delete_oauth2_app_secret(id))
    }
}

#[cfg(test)]
mod tests {
    use super::http_url_valid;

    #[test]
    fn callback_urls() {
        assert!(http_url_valid("https://app.example.com/callback"));
        assert!(http_url_valid("http://localhost:8080/cb"));
        assert!(!http_url_valid("ftp://x"));
        assert!(!http_url_valid("https://"));
        assert!(!http_url_valid("https:///path"));
    }
}
