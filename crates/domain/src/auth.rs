//! Authentication use cases: presenting a key, logging in and out, and the first-user setup.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::apikey::{AllowListTarget, ApiKey};
use crate::app::{Actor, App};
use crate::authcache::Resolved;
use crate::authz::{Db, System};
use crate::clock;
use crate::error::{Error, ErrorKind, Result, Validations};
use crate::organization::{Group, Organization, OrganizationMember, EVERYONE_GROUP};
use crate::rbac::role;
use crate::secret::{self, GeneratedKey};
use crate::sshkey;
use crate::store::{GitSshKeyRow, Repo};
use crate::user::{LoginType, User, UserStatus};
use crate::validation;

/// Coder's message for every failed key check; `detail` says which check.
pub const SIGNED_OUT: &str = "You are signed out or your session has expired. Please sign in again to continue.";

/// How long `last_used` may lag before a request writes it again (Coder: one hour).
const LAST_USED_GRANULARITY: time::Duration = time::Duration::HOUR;

/// Input of `POST /users/first`.
#[derive(Debug, Clone, Default)]
pub struct FirstUserInput {
    /// Login email.
    pub email: String,
    /// Username.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Password.
    pub password: String,
    /// Give the deployment a 30-day premium trial license.
    pub trial: bool,
}

/// Options of a new API key.
#[derive(Debug, Clone)]
pub struct NewKey {
    /// Owner.
    pub user_id: Uuid,
    /// Session type or `token`.
    pub login_type: LoginType,
    /// How long it lives.
    pub lifetime: std::time::Duration,
    /// Token name; empty for sessions.
    pub token_name: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// Resource restrictions.
    pub allow_list: Vec<AllowListTarget>,
}

/// Stores a new API key and returns it with the secret token (shown once).
pub fn create_api_key(db: &Db<'_>, new: NewKey) -> Result<(ApiKey, String)> {
    let generated = GeneratedKey::generate();
    let now = clock::now();
    let lifetime = i64::try_from(new.lifetime.as_secs()).unwrap_or(i64::MAX);
    let expires_at = now.checked_add(time::Duration::seconds(lifetime)).unwrap_or(time::PrimitiveDateTime::MAX.assume_utc());
    let key = ApiKey {
        id: generated.id.clone(),
        hashed_secret: generated.hashed_secret.clone(),
        user_id: new.user_id,
        last_used: OffsetDateTime::UNIX_EPOCH,
        expires_at,
        created_at: now,
        updated_at: now,
        login_type: new.login_type,
        lifetime_seconds: lifetime,
        token_name: new.token_name,
        scopes: new.scopes,
        allow_list: new.allow_list,
    };
    db.insert_api_key(&key)?;
    Ok((key, generated.token()))
}

/// The default allow list: everything (`*:*`).
pub fn allow_all() -> Vec<AllowListTarget> {
    vec![AllowListTarget { resource_type: "*".into(), id: "*".into() }]
}

impl App {
    /// A fresh git SSH key pair for a new user, of the deployment's algorithm:
    /// `(private, public)`. Made before the transaction that stores the user, so that the
    /// database's write lock is not held while it is computed.
    pub fn new_user_ssh_key(&self) -> Result<(String, String)> {
        sshkey::generate(self.settings.ssh_keygen_algorithm)
    }
}

/// Stores a new user with its organization memberships and its git SSH key (from
/// [`App::new_user_ssh_key`]). The caller runs this inside a transaction.
pub fn insert_user_with_memberships(repo: &dyn Repo, user: &User, organization_ids: &[Uuid], ssh_key: &(String, String)) -> Result<()> {
    repo.insert_user(user)?;
    for org in organization_ids {
        repo.insert_member(&OrganizationMember {
            user_id: user.id,
            organization_id: *org,
            roles: Vec::new(),
            created_at: user.created_at,
            updated_at: user.created_at,
        })?;
    }
    let (private_key, public_key) = ssh_key.clone();
    repo.insert_gitsshkey(&GitSshKeyRow {
        user_id: user.id,
        private_key,
        public_key,
        created_at: user.created_at,
        updated_at: user.created_at,
    })
}

/// Coder's signed-out 401, with its `WWW-Authenticate` challenge: for a missing, malformed,
/// unknown or expired session.
pub fn signed_out(detail: &str) -> Error {
    // Coder picks the "expired" challenge when the message mentions expiry, and its signed-out
    // message always does: every signed-out refusal gets it.
    Error::unauthorized(SIGNED_OUT).with_detail(detail).with_session(crate::error::SessionRefusal::Expired)
}

/// Splits a token into its id and secret, with Coder's words for a malformed one.
pub(crate) fn split_token(token: &str) -> Result<(&str, &str)> {
    let parts: Vec<&str> = token.split('-').collect();
    if parts.len() != 2 {
        return Err(signed_out(&format!("Invalid API key format: incorrect amount of API key parts, expected 2 got {}", parts.len())));
    }
    let (id, secret_part) = (parts[0], parts[1]);
    if id.len() != 10 {
        return Err(signed_out(&format!("Invalid API key format: invalid API key ID length, expected 10 got {}", id.len())));
    }
    if secret_part.len() != 22 {
        return Err(signed_out(&format!("Invalid API key format: invalid API key secret length, expected 22 got {}", secret_part.len())));
    }
    Ok((id, secret_part))
}

/// Formats a time the way Go's `time.Time.String()` does, for Coder-compatible messages.
fn go_time(t: OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:6] +0000 UTC");
    t.format(&f).unwrap_or_else(|_| t.to_string())
}

impl App {
    /// Checks a presented session token against the in-process cache only: no I/O. `None`
    /// means the cache cannot answer (a miss, or the request must write: the hourly `last_used`
    /// refresh, sliding a session's expiry, waking a dormant user), and the caller goes on to
    /// [`App::authenticate`] on a thread that may block.
    pub fn authenticate_cached(&self, token: &str) -> Option<Result<Actor>> {
        let (id, secret_part) = match split_token(token) {
            Ok(parts) => parts,
            Err(e) => return Some(Err(e)),
        };
        let resolved = self.auth_cache.get(id)?;
        if !secret::secret_matches(secret_part, &resolved.key.hashed_secret) {
            return Some(Err(signed_out("API key secret is invalid.")));
        }
        let now = clock::now();
        if resolved.key.expires_at <= now {
            return Some(Err(signed_out(&format!("API key expired at {:?}.", go_time(resolved.key.expires_at)))));
        }
        if self.usage_update(&resolved.key, now).is_some() || resolved.user.status == UserStatus::Dormant {
            return None;
        }
        Some(self.actor_of(&resolved))
    }

    /// Checks a presented session token and returns who it belongs to, loading from the store
    /// and filling the cache. Refreshes `last_used` at most hourly and slides session expiry, as
    /// Coder does; wakes dormant users.
    pub fn authenticate(&self, token: &str) -> Result<Actor> {
        let (id, secret_part) = split_token(token)?;
        let generation = self.auth_cache.generation();
        let db = self.db_as(System::Login);
        let mut key = db.api_key_by_id(id)?.ok_or_else(|| signed_out("API key is invalid."))?;
        if !secret::secret_matches(secret_part, &key.hashed_secret) {
            return Err(signed_out("API key secret is invalid."));
        }
        let now = clock::now();
        if key.expires_at <= now {
            return Err(signed_out(&format!("API key expired at {:?}.", go_time(key.expires_at))));
        }
        let mut user = db.user_by_id(key.user_id)?.ok_or_else(|| signed_out("API key is invalid."))?;
        let memberships = db.memberships_of_user(user.id)?;

        if let Some((last_used, expires_at)) = self.usage_update(&key, now) {
            db.update_api_key_usage(&key.id, last_used, expires_at)?;
            db.touch_user_last_seen(user.id, now)?;
            key.last_used = last_used;
            key.expires_at = expires_at;
            user.last_seen_at = user.last_seen_at.max(now);
        }
        if user.status == UserStatus::Dormant {
            user.status = UserStatus::Active;
            user.updated_at = now;
            db.update_user_status(user.id, user.status, now)?;
        }
        let resolved = Resolved { key, user, memberships };
        let actor = self.actor_of(&resolved);
        // Suspended users are cached too: their refusal needs no database either.
        self.auth_cache.fill(generation, resolved);
        actor
    }

    /// The new `(last_used, expires_at)` of a key used at `now`, when either must be written:
    /// `last_used` at most hourly, and a session's expiry slid forward once it has lost an hour
    /// (never a token's: an OAuth2 access token ends when its `expires_in` said).
    fn usage_update(&self, key: &ApiKey, now: OffsetDateTime) -> Option<(OffsetDateTime, OffsetDateTime)> {
        let mut last_used = key.last_used;
        let mut expires_at = key.expires_at;
        if now - key.last_used > LAST_USED_GRANULARITY {
            last_used = now;
        }
        if !self.settings.disable_session_expiry_refresh && !matches!(key.login_type, LoginType::Token | LoginType::OAuth2ProviderApp) {
            let lifetime = time::Duration::seconds(key.lifetime_seconds);
            if key.expires_at - now <= lifetime - time::Duration::HOUR {
                expires_at = now.checked_add(lifetime).unwrap_or(key.expires_at);
            }
        }
        (last_used != key.last_used || expires_at != key.expires_at).then_some((last_used, expires_at))
    }

    /// The actor of a resolved key, or Coder's refusal for a suspended user.
    fn actor_of(&self, resolved: &Resolved) -> Result<Actor> {
        let Resolved { key, user, memberships } = resolved;
        if user.status == UserStatus::Suspended {
            return Err(Error::unauthorized(format!(
                "User is not active (status = {:?}). Contact an admin to reactivate your account.",
                user.status.as_str()
            ))
            .with_session(crate::error::SessionRefusal::Invalid));
        }
        let mut subject =
            crate::rbac::Subject::new(user.id, &user.rbac_roles, memberships.iter().map(|m| (m.organization_id, m.roles.clone())));
        let allow_list: Vec<(String, String)> = key.allow_list.iter().map(|t| (t.resource_type.clone(), t.id.clone())).collect();
        subject.scope = crate::rbac::KeyScope::of_key(&key.scopes, &allow_list);
        subject.workspace_exec_withheld = self.settings.disable_owner_workspace_exec;
        Ok(Actor {
            user: user.clone(),
            subject,
            api_key_id: key.id.clone(),
            organization_ids: memberships.iter().map(|m| m.organization_id).collect(),
        })
    }

    /// `POST /users/login`: checks email and password and opens a session.
    pub fn login(&self, email: &str, password: &str) -> Result<String> {
        let db = self.db_as(System::Login);
        let user = db.user_by_email(email)?;
        let hash = user.as_ref().map(|u| u.hashed_password.clone()).filter(|h| !h.is_empty());
        // Verify against a dummy hash for unknown users so timing does not reveal accounts.
        let matched = secret::verify_password(password, hash.as_deref().unwrap_or_else(|| secret::dummy_password_hash()));
        let (Some(mut user), true) = (user, matched && hash.is_some()) else {
            return Err(Error::unauthorized("Incorrect email or password."));
        };
        if self.settings.disable_password_auth {
            return Err(Error::new(ErrorKind::Forbidden, "Password authentication is disabled."));
        }
        if user.login_type != LoginType::Password {
            return Err(Error::new(
                ErrorKind::Forbidden,
                format!("Incorrect login type, attempting to use \"password\" but user is of login type {:?}", user.login_type.as_str()),
            ));
        }
        if user.status == UserStatus::Dormant {
            user.status = UserStatus::Active;
            user.updated_at = clock::now();
            db.update_user_status(user.id, user.status, user.updated_at)?;
        }
        if user.status != UserStatus::Active {
            return Err(Error::unauthorized(format!(
                "Your account is {}. Contact an admin to reactivate your account.",
                user.status.as_str()
            )));
        }
        self.create_session(&db, user.id)
    }

    /// A new full-access session key with the deployment's session lifetime, made through `db`
    /// (the signed-in caller's, or the sign-in's own subject).
    pub(crate) fn create_session(&self, db: &Db<'_>, user_id: Uuid) -> Result<String> {
        let (_, token) = create_api_key(
            db,
            NewKey {
                user_id,
                login_type: LoginType::Password,
                lifetime: self.settings.session_duration,
                token_name: String::new(),
                scopes: vec!["coder:all".into()],
                allow_list: allow_all(),
            },
        )?;
        Ok(token)
    }

    /// `POST /users/logout`: ends the session used for this request and, as Coder does, the
    /// user's application-connect keys; other sessions and tokens stay.
    pub fn logout(&self, actor: &Actor) -> Result<()> {
        self.db(actor).transaction(|tx| {
            tx.delete_api_key(&actor.api_key_id)?;
            for key in tx.api_keys_of_user(actor.user.id, None, true, clock::now())? {
                if key.scopes.iter().any(|s| s == "coder:application_connect" || s == "application_connect") {
                    tx.delete_api_key(&key.id)?;
                }
            }
            Ok(())
        })
    }

    /// `GET /users/first`: whether the deployment has been set up.
    pub fn has_first_user(&self) -> Result<bool> {
        Ok(self.db_as(System::Setup).count_users()? > 0)
    }

    /// `POST /users/first`: creates the owner, the default organization `coder` (when missing)
    /// with its Everyone group, and the owner's membership, all in one transaction. Returns
    /// `(user_id, organization_id)`.
    pub fn create_first_user(&self, input: FirstUserInput) -> Result<(Uuid, Uuid)> {
        let mut v = Validations::new();
        validation::check_identity(&mut v, &input.email, false, &input.username, &input.name);
        if input.password.is_empty() {
            v.add("password", tag_failure("required", ""));
        }
        v.finish("Validation failed.")?;

        if self.has_first_user()? {
            return Err(Error::conflict("The initial user has already been created."));
        }
        if let Err(detail) = validation::password_valid(&input.password) {
            return Err(Error::invalid_field("Password is invalid", "password", detail));
        }
        let hashed_password = secret::hash_password(&input.password);
        let ssh_key = self.new_user_ssh_key()?;
        self.db_as(System::Setup)
            .transaction(|tx| {
                if tx.count_users()? > 0 {
                    return Err(Error::conflict("The initial user has already been created."));
                }
                let org = ensure_default_organization(tx)?;
                let now = clock::now();
                let user = User {
                    id: Uuid::new_v4(),
                    email: input.email.clone(),
                    username: input.username.clone(),
                    name: input.name.trim().to_string(),
                    avatar_url: String::new(),
                    hashed_password: hashed_password.clone(),
                    login_type: LoginType::Password,
                    status: UserStatus::Active,
                    rbac_roles: vec![role::OWNER.to_string()],
                    is_service_account: false,
                    deleted: false,
                    created_at: now,
                    updated_at: now,
                    last_seen_at: clock::zero_time(),
                };
                tx.insert_user(&user, &[org.id], &ssh_key)?;
                if input.trial {
                    self.store_trial_license(tx, &user.email)?;
                }
                Ok((user.id, org.id))
            })
            // A concurrent first user won the race for the default organization.
            .map_err(|e| if e.kind == ErrorKind::Conflict { Error::conflict("The initial user has already been created.") } else { e })
            .and_then(|ids| {
                // Coder recomputes (on every replica) after every first user; a trial license must
                // take effect at once.
                self.licenses_changed_after_trial()?;
                Ok(ids)
            })
    }
}

/// Coder's generic validator wording (`httpapi.Read`), used for the struct-tag style checks.
pub fn tag_failure(tag: &str, value: &str) -> String {
    format!("Validation failed for tag {tag:?} with value: \"{value}\"")
}

/// The default organization, created with its Everyone group if the deployment has none.
pub fn ensure_default_organization(repo: &Db<'_>) -> Result<Organization> {
    if let Some(org) = repo.default_organization()? {
        return Ok(org);
    }
    let now = clock::now();
    let org = Organization {
        id: Uuid::new_v4(),
        name: "coder".into(),
        display_name: "Coder".into(),
        description: "Builtin default organization.".into(),
        icon: String::new(),
        is_default: true,
        created_at: now,
        updated_at: now,
    };
    repo.insert_organization(&org)?;
    repo.insert_group(&everyone_group(&org))?;
    Ok(org)
}

/// The Everyone group of an organization: same id, every member implicitly in it.
pub fn everyone_group(org: &Organization) -> Group {
    Group {
        id: org.id,
        name: EVERYONE_GROUP.into(),
        display_name: String::new(),
        organization_id: org.id,
        avatar_url: String::new(),
        quota_allowance: 0,
        source: "user".into(),
    }
}
