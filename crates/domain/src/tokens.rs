//! API keys and tokens of a user: `/users/{user}/keys...`.

use std::time::Duration;

use crate::apikey::{AllowListTarget, ApiKey};
use crate::app::{Actor, App};
use crate::auth::{allow_all, create_api_key, NewKey};
use crate::clock;
use crate::error::{Error, ErrorKind, Result};
use crate::rbac::{self, action, role, Object};
use crate::secret::random_alphanumeric;
use crate::user::{LoginType, User};
use crate::vocab::RBAC_RESOURCES;

/// Input of `POST /users/{user}/keys/tokens`.
#[derive(Debug, Clone, Default)]
pub struct NewToken {
    /// Requested name; a random one when empty.
    pub token_name: String,
    /// Requested lifetime in nanoseconds (Go's `time.Duration`); 0 means the default.
    pub lifetime_ns: i64,
    /// Legacy single scope (`all`, `application_connect`, or any scope).
    pub scope: String,
    /// Scopes; win over `scope` when non-empty.
    pub scopes: Vec<String>,
    /// Resource restrictions as `(type, id)`.
    pub allow_list: Vec<AllowListTarget>,
}

/// Formats a duration as Go's `time.Duration.String()` does (`168h0m0s`), for Coder's messages.
pub fn go_duration(d: Duration) -> String {
    let total = d.as_secs();
    let frac = d.subsec_nanos();
    if total == 0 && frac == 0 {
        return "0s".into();
    }
    let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60);
    let secs = if frac == 0 { format!("{s}s") } else { format!("{}s", format!("{s}.{frac:09}").trim_end_matches('0')) };
    if h > 0 {
        format!("{h}h{m}m{secs}")
    } else if m > 0 {
        format!("{m}m{secs}")
    } else {
        secs
    }
}

const ADJECTIVES: &[&str] =
    &["brave", "calm", "eager", "gentle", "happy", "jolly", "keen", "lucid", "merry", "noble", "proud", "quick", "swift", "witty"];
const NOUNS: &[&str] =
    &["badger", "falcon", "heron", "lynx", "otter", "panda", "raven", "tiger", "walrus", "yak", "zebra", "marten", "osprey", "koala"];

/// A readable default token name like `happy_otter42`, as Coder's name generator makes.
fn random_token_name() -> String {
    let r = random_alphanumeric(8);
    let b = r.as_bytes();
    let pick = |i: usize, n: usize| (b[i] as usize * 31 + b[i + 1] as usize) % n;
    format!("{}_{}{}", ADJECTIVES[pick(0, ADJECTIVES.len())], NOUNS[pick(2, NOUNS.len())], pick(4, 100))
}

/// Checks one allow-list entry: a known resource type (or `*`) and a UUID (or `*`).
pub fn validate_allow_list_entry(t: &AllowListTarget) -> Result<(), String> {
    if t.resource_type != "*" && !RBAC_RESOURCES.contains(&t.resource_type.as_str()) {
        return Err(format!("unknown resource type {:?}", t.resource_type));
    }
    if t.id != "*" && uuid::Uuid::parse_str(&t.id).is_err() {
        return Err(format!("invalid {} ID (must be UUID): {:?}", t.resource_type, t.id));
    }
    Ok(())
}

/// Coder's `NormalizeAllowList`: `*:*` anywhere means everything; a `type:*` entry makes the
/// same type's specific ids redundant; the rest is sorted and deduplicated. Empty means
/// everything.
pub fn normalize_allow_list(entries: &[AllowListTarget]) -> Vec<AllowListTarget> {
    if entries.is_empty() || entries.iter().any(|t| t.resource_type == "*" && t.id == "*") {
        return allow_all();
    }
    let wildcard_types: Vec<&str> = entries.iter().filter(|t| t.id == "*").map(|t| t.resource_type.as_str()).collect();
    let mut out: Vec<AllowListTarget> =
        entries.iter().filter(|t| t.id == "*" || !wildcard_types.contains(&t.resource_type.as_str())).cloned().collect();
    out.sort_by(|a, b| (&a.resource_type, &a.id).cmp(&(&b.resource_type, &b.id)));
    out.dedup();
    out
}

impl App {
    fn api_key_object(user: &User) -> Object {
        crate::authz::api_key_object(user.id)
    }

    /// `POST /users/{user}/keys`: a new session key with the deployment's session lifetime
    /// (`CODER_SESSION_DURATION`), as this project's Users API issue asks; Coder itself uses the
    /// default token lifetime here (see docs/compatibility.md).
    pub fn create_session_key(&self, actor: &Actor, param: &str) -> Result<String> {
        let user = self.resolve_user(actor, param)?;
        self.db(actor).require(action::CREATE, &Self::api_key_object(&user))?;
        self.create_session(&self.db(actor), user.id)
    }

    /// The longest token lifetime `user` may ask for: owners are capped by the admin maximum.
    pub fn max_token_lifetime(&self, user: &User) -> Duration {
        if user.rbac_roles.iter().any(|r| r == role::OWNER) {
            self.settings.max_admin_token_lifetime
        } else {
            self.settings.max_token_lifetime
        }
    }

    /// `POST /users/{user}/keys/tokens`: a named, long-lived token.
    pub fn create_token(&self, actor: &Actor, param: &str, req: NewToken) -> Result<String> {
        let user = self.resolve_user(actor, param)?;
        self.db(actor).require(action::CREATE, &Self::api_key_object(&user))?;
        let scopes = if !req.scopes.is_empty() {
            req.scopes.clone()
        } else if !req.scope.is_empty() {
            vec![match req.scope.as_str() {
                "all" => "coder:all".to_string(),
                "application_connect" => "coder:application_connect".to_string(),
                other => other.to_string(),
            }]
        } else {
            vec!["coder:all".to_string()]
        };
        if let Some(bad) = scopes.iter().find(|s| !rbac::is_external_scope(s)) {
            return Err(
                Error::bad_request("Failed to create API key.").with_detail(format!("invalid or unsupported API key scope: {bad:?}"))
            );
        }
        for entry in &req.allow_list {
            validate_allow_list_entry(entry).map_err(|d| Error::bad_request("Request body must be valid JSON.").with_detail(d))?;
        }
        let allow_list = normalize_allow_list(&req.allow_list);
        let lifetime = if req.lifetime_ns != 0 {
            let invalid = |d: String| Error::bad_request("Failed to validate create API key request.").with_detail(d);
            if req.lifetime_ns < 0 {
                return Err(invalid("lifetime must be positive number greater than 0".into()));
            }
            let requested = Duration::from_nanos(req.lifetime_ns as u64);
            let max = self.max_token_lifetime(&user);
            if requested > max {
                return Err(invalid(format!("lifetime must be less than {}", go_duration(max))));
            }
            requested
        } else {
            self.settings.default_token_lifetime
        };
        let token_name = if req.token_name.is_empty() { random_token_name() } else { req.token_name.clone() };
        let conflict = || {
            Error::conflict(format!("A token with name {token_name:?} already exists."))
                .with_validation("name", "This value is already in use and should be unique.")
        };
        let db = self.db(actor);
        if db.api_key_by_name(user.id, &token_name)?.is_some() {
            return Err(conflict());
        }
        let created = create_api_key(
            &db,
            NewKey { user_id: user.id, login_type: LoginType::Token, lifetime, token_name: token_name.clone(), scopes, allow_list },
        );
        match created {
            Ok((_, token)) => Ok(token),
            Err(e) if e.kind == ErrorKind::Conflict => Err(conflict()),
            Err(e) => Err(e),
        }
    }

    /// `GET /users/{user}/keys/tokens/tokenconfig`: the longest lifetime `{user}` may ask for
    /// (Coder's CLI asks before every `coder tokens create`).
    pub fn token_config(&self, actor: &Actor, param: &str) -> Result<Duration> {
        let user = self.resolve_user(actor, param)?;
        Ok(self.max_token_lifetime(&user))
    }

    /// `GET /users/{user}/keys/tokens`: the user's tokens (every user's with `include_all`, as
    /// far as the caller may read them) with their owners' usernames, newest first; expired ones
    /// only when asked. Callers who may see the user but not their keys get an empty list.
    pub fn list_tokens(&self, actor: &Actor, param: &str, include_expired: bool, include_all: bool) -> Result<Vec<(ApiKey, String)>> {
        let user = self.resolve_user(actor, param)?;
        let db = self.db(actor);
        let now = clock::now();
        if include_all {
            return db.all_tokens(include_expired, now);
        }
        let mut out = Vec::new();
        if db.allows(action::READ, &Self::api_key_object(&user)) {
            for key in db.api_keys_of_user(user.id, Some(LoginType::Token), include_expired, now)? {
                out.push((key, user.username.clone()));
            }
        }
        out.sort_by_key(|k| std::cmp::Reverse(k.0.created_at));
        Ok(out)
    }

    /// `GET /users/{user}/keys/tokens/{keyname}`.
    pub fn token_by_name(&self, actor: &Actor, param: &str, name: &str) -> Result<ApiKey> {
        let user = self.resolve_user(actor, param)?;
        let db = self.db(actor);
        db.require_visible(action::READ, &Self::api_key_object(&user))?;
        db.api_key_by_name(user.id, name)?.ok_or_else(Error::not_found)
    }

    /// A key of the user by id; keys of other users are reported missing.
    fn own_key(&self, actor: &Actor, param: &str, key_id: &str) -> Result<ApiKey> {
        let user = self.resolve_user(actor, param)?;
        let db = self.db(actor);
        db.require_visible(action::READ, &Self::api_key_object(&user))?;
        match db.api_key_by_id(key_id)? {
            Some(k) if k.user_id == user.id => Ok(k),
            _ => Err(Error::not_found()),
        }
    }

    /// `GET /users/{user}/keys/{keyid}`.
    pub fn api_key(&self, actor: &Actor, param: &str, key_id: &str) -> Result<ApiKey> {
        self.own_key(actor, param, key_id)
    }

    /// `DELETE /users/{user}/keys/{keyid}`: the key stops authenticating at once.
    pub fn delete_key(&self, actor: &Actor, param: &str, key_id: &str) -> Result<()> {
        let key = self.own_key(actor, param, key_id)?;
        let db = self.db(actor);
        db.require(action::DELETE, &crate::authz::api_key_object(key.user_id))?;
        if !db.delete_api_key(&key.id)? {
            return Err(Error::not_found());
        }
        Ok(())
    }

    /// `PUT /users/{user}/keys/{keyid}/expire`: sets the expiry to now (idempotent).
    pub fn expire_key(&self, actor: &Actor, param: &str, key_id: &str) -> Result<()> {
        let key = self.own_key(actor, param, key_id)?;
        let db = self.db(actor);
        db.require(action::UPDATE, &crate::authz::api_key_object(key.user_id))?;
        let now = clock::now();
        if key.expires_at > now {
            db.update_api_key_usage(&key.id, key.last_used, now)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(go_duration(Duration::from_secs(7 * 24 * 3600)), "168h0m0s");
        assert_eq!(go_duration(Duration::from_secs(876_600 * 3600)), "876600h0m0s");
        assert_eq!(go_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(go_duration(Duration::from_millis(1500)), "1.5s");
    }

    #[test]
    fn allow_lists_normalize() {
        let t = |r: &str, i: &str| AllowListTarget { resource_type: r.into(), id: i.into() };
        assert_eq!(normalize_allow_list(&[]), allow_all());
        assert_eq!(normalize_allow_list(&[t("user", "*"), t("*", "*")]), allow_all());
        let id = "3c9d1e8c-7f50-4b56-8a8f-0f6ab2f0b0b1";
        assert_eq!(
            normalize_allow_list(&[t("workspace", id), t("user", id), t("workspace", "*"), t("user", id)]),
            vec![t("user", id), t("workspace", "*")]
        );
    }

    #[test]
    fn token_names_look_like_coders() {
        let n = random_token_name();
        assert!(n.contains('_'));
        assert!(n.len() <= 32);
    }
}
