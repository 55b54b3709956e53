//! Provisioner keys: created by organization admins, presented by external daemons in the
//! `Coder-Provisioner-Daemon-Key` header. A key is 43 random alphanumerics shown once; only its
//! SHA-256 is stored. The three reserved keys (`built-in`, `user-auth`, `psk`) are not rows
//! here but constants that daemons record as theirs, shown in the default organization's lists.

use time::OffsetDateTime;
use uuid::Uuid;

use super::{Daemon, ProvisionerKey, Tags, KEY_ID_BUILT_IN, KEY_ID_PSK, KEY_ID_USER_AUTH, RESERVED_KEY_NAMES};
use crate::app::{Actor, App};
use crate::clock;
use crate::error::{Error, ErrorKind, Result};
use crate::licensing::Feature;
use crate::organization::Organization;
use crate::rbac::{action, resource, Object};
use crate::secret;

/// Length of a provisioner key (Coder's `provisionerkey` package).
pub const KEY_LENGTH: usize = 43;
/// Longest key name.
pub const MAX_NAME_LENGTH: usize = 64;

/// A key with the daemons recently connected with it (`GET .../provisionerkeys/daemons`).
#[derive(Debug, Clone)]
pub struct KeyDaemons {
    /// The key (reserved ones included).
    pub key: ProvisionerKey,
    /// Its daemons seen in the last three minutes, by name.
    pub daemons: Vec<Daemon>,
}

/// How recently a daemon must have been seen to be listed under its key (three heartbeats).
const RECENT: time::Duration = time::Duration::minutes(3);

fn reserved_key(org: Uuid, id: Uuid, name: &str, created_at: OffsetDateTime) -> ProvisionerKey {
    ProvisionerKey { id, created_at, organization_id: org, name: name.into(), hashed_secret: Vec::new(), tags: Tags::new() }
}

fn daemon_object(org: Uuid) -> Object {
    Object::of(resource::PROVISIONER_DAEMON).in_org(org)
}

impl App {
    fn key_org(&self, actor: &Actor, org_param: &str) -> Result<Organization> {
        let org = self.resolve_org(actor, org_param)?;
        self.require_feature(Feature::ExternalProvisionerDaemons)?;
        Ok(org)
    }

    /// `POST /organizations/{organization}/provisionerkeys`: the key's secret, shown once.
    pub fn create_provisioner_key(&self, actor: &Actor, org_param: &str, name: &str, tags: Tags) -> Result<String> {
        let org = self.key_org(actor, org_param)?;
        let invalid = |msg: String| Error::invalid_field(msg.clone(), "name", msg);
        if name.is_empty() {
            return Err(invalid("Name is required".into()));
        }
        if name.len() > MAX_NAME_LENGTH {
            return Err(invalid(format!("Name must be at most {MAX_NAME_LENGTH} characters")));
        }
        // Matched in any case, echoed as sent (Coder's wording).
        if RESERVED_KEY_NAMES.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            return Err(invalid(format!("Name cannot be reserved name '{name}'")));
        }
        let db = self.db(actor);
        db.require(action::CREATE, &daemon_object(org.id))?;
        let secret = secret::random_alphanumeric(KEY_LENGTH);
        let key = ProvisionerKey {
            id: Uuid::new_v4(),
            created_at: clock::now(),
            organization_id: org.id,
            name: name.to_lowercase(),
            hashed_secret: secret::hash_secret(&secret),
            tags,
        };
        let conflict = || Error::conflict(format!("Provisioner key with name '{name}' already exists in organization"));
        if db.provisioner_key_by_name(org.id, name)?.is_some() {
            return Err(conflict());
        }
        db.insert_provisioner_key(&key).map_err(|e| if e.kind == ErrorKind::Conflict { conflict() } else { e })?;
        Ok(secret)
    }

    /// `GET /organizations/{organization}/provisionerkeys`: the organization's keys, oldest first.
    pub fn list_provisioner_keys(&self, actor: &Actor, org_param: &str) -> Result<Vec<ProvisionerKey>> {
        let org = self.key_org(actor, org_param)?;
        let db = self.db(actor);
        if !db.allows(action::READ, &daemon_object(org.id)) {
            return Ok(Vec::new());
        }
        db.provisioner_keys_of_org(org.id)
    }

    /// `GET /organizations/{organization}/provisionerkeys/daemons`: every key, the reserved ones
    /// included, with the daemons seen with it in the last three minutes.
    pub fn provisioner_key_daemons(&self, actor: &Actor, org_param: &str) -> Result<Vec<KeyDaemons>> {
        let org = self.key_org(actor, org_param)?;
        let db = self.db(actor);
        if !db.allows(action::READ, &daemon_object(org.id)) {
            return Ok(Vec::new());
        }
        let mut keys = Vec::new();
        if org.is_default {
            for (id, name) in [(KEY_ID_BUILT_IN, "built-in"), (KEY_ID_USER_AUTH, "user-auth"), (KEY_ID_PSK, "psk")] {
                keys.push(reserved_key(org.id, id, name, org.created_at));
            }
        }
        keys.extend(db.provisioner_keys_of_org(org.id)?);
        if !org.is_default {
            keys.push(reserved_key(org.id, KEY_ID_USER_AUTH, "user-auth", clock::zero_time()));
        }
        let since = clock::now() - RECENT;
        let mut daemons: Vec<Daemon> =
            db.daemons_of_org(org.id)?.into_iter().filter(|d| d.last_seen_at.is_some_and(|t| t >= since)).collect();
        daemons.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(keys
            .into_iter()
            .map(|key| {
                let daemons = daemons.iter().filter(|d| d.key_id == key.id).cloned().collect();
                KeyDaemons { key, daemons }
            })
            .collect())
    }

    /// `DELETE /organizations/{organization}/provisionerkeys/{name}`: the key and the daemon rows
    /// registered with it.
    pub fn delete_provisioner_key(&self, actor: &Actor, org_param: &str, name: &str) -> Result<()> {
        let org = self.key_org(actor, org_param)?;
        if let Some(r) = RESERVED_KEY_NAMES.iter().find(|r| r.eq_ignore_ascii_case(name)) {
            if org.is_default {
                return Err(Error::bad_request(format!("Cannot delete reserved '{r}' provisioner key")));
            }
        }
        let db = self.db(actor);
        let key = db.provisioner_key_by_name(org.id, name)?.ok_or_else(Error::not_found)?;
        db.require(action::DELETE, &daemon_object(org.id))?;
        db.delete_provisioner_key(&key)
    }

    /// Whether `presented` is the deployment's pre-shared daemon key (compared in constant time).
    pub fn provisioner_psk_matches(&self, presented: &str) -> bool {
        self.settings.provisioner_psk_hash.as_deref().is_some_and(|h| secret::secret_matches(presented, h))
    }

    /// Authenticates a daemon by its provisioner key.
    pub fn authenticate_provisioner_key(&self, presented: &str) -> Result<ProvisionerKey> {
        if presented.len() != KEY_LENGTH {
            return Err(Error::bad_request("provisioner daemon key invalid").with_detail(format!("must be {KEY_LENGTH} characters")));
        }
        let hash = secret::hash_secret(presented);
        match self.db_as(crate::authz::System::Provisionerd).provisioner_key_by_hash(&hash)? {
            Some(key) if secret::secret_matches(presented, &key.hashed_secret) => Ok(key),
            _ => Err(Error::unauthorized("provisioner daemon key invalid")),
        }
    }
}
