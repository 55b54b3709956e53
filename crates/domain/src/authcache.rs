//! The in-process cache of what a presented API key resolves to, so that the authentication of
//! a request does not go to the database every time.
//!
//! Correctness rests on explicit invalidation: the store reports every committed write that
//! changes a key, a user or a membership ([`Change`]), on this replica directly and on the
//! others through the database's notifications, and the cache drops what the write touched.
//! A generation counter closes the race between a request that read the database just before a
//! write committed and the invalidation that follows it: an entry read under an older
//! generation is never stored. Entries also expire after a while, as a backstop.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::apikey::ApiKey;
use crate::organization::OrganizationMember;
use crate::store::{Change, ChangeListener};
use crate::user::User;

/// How many keys the cache holds at most by default: enough for every active session of a large
/// deployment, small enough (a few MiB) to bound memory.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// How long an entry is trusted without a reload, as a backstop to invalidation.
pub const DEFAULT_TTL: Duration = Duration::from_secs(60);

/// What an API key resolves to: the key, its user and the user's organization memberships.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The key as stored (hashed secret, expiry, scopes).
    pub key: ApiKey,
    /// Its user.
    pub user: User,
    /// The user's organization memberships (their organization roles).
    pub memberships: Vec<OrganizationMember>,
}

struct Entry {
    resolved: Arc<Resolved>,
    loaded_at: Instant,
}

struct Inner {
    entries: HashMap<String, Entry>,
    generation: u64,
}

/// A bounded map from API key id to [`Resolved`], invalidated by [`Change`]s.
pub struct AuthCache {
    inner: Mutex<Inner>,
    capacity: usize,
    ttl: Duration,
}

impl std::fmt::Debug for AuthCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthCache").field("capacity", &self.capacity).field("ttl", &self.ttl).finish()
    }
}

impl Default for AuthCache {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY, DEFAULT_TTL)
    }
}

impl AuthCache {
    /// A cache of at most `capacity` keys (0 disables caching), each trusted for `ttl`.
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        Self { inner: Mutex::new(Inner { entries: HashMap::new(), generation: 0 }), capacity, ttl }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data behind; keep using it.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The cached resolution of a key id, if present and fresh.
    pub fn get(&self, key_id: &str) -> Option<Arc<Resolved>> {
        let inner = self.lock();
        let entry = inner.entries.get(key_id)?;
        (entry.loaded_at.elapsed() < self.ttl).then(|| entry.resolved.clone())
    }

    /// The current generation; read it before loading from the database and hand it to
    /// [`AuthCache::fill`].
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Stores a resolution loaded from the database, unless anything was invalidated since
    /// `generation` was read (the load may then predate a committed write). Returns whether it
    /// was stored.
    pub fn fill(&self, generation: u64, resolved: Resolved) -> bool {
        if self.capacity == 0 {
            return false;
        }
        let mut inner = self.lock();
        if inner.generation != generation {
            return false;
        }
        if inner.entries.len() >= self.capacity && !inner.entries.contains_key(&resolved.key.id) {
            let ttl = self.ttl;
            inner.entries.retain(|_, e| e.loaded_at.elapsed() < ttl);
            if inner.entries.len() >= self.capacity {
                let oldest = inner.entries.iter().min_by_key(|(_, e)| e.loaded_at).map(|(k, _)| k.clone());
                if let Some(k) = oldest {
                    inner.entries.remove(&k);
                }
            }
        }
        inner.entries.insert(resolved.key.id.clone(), Entry { resolved: Arc::new(resolved), loaded_at: Instant::now() });
        true
    }

    /// Drops whatever `change` touched and starts a new generation.
    pub fn invalidate(&self, change: &Change) {
        if matches!(change, Change::Licenses | Change::Replicas | Change::Proxies | Change::ProvisionerJobs) {
            return;
        }
        let mut inner = self.lock();
        inner.generation = inner.generation.wrapping_add(1);
        match change {
            Change::Key(id) => {
                inner.entries.remove(id);
            }
            Change::User(user) => inner.entries.retain(|_, e| e.resolved.user.id != *user),
            Change::Organization(org) => inner.entries.retain(|_, e| !e.resolved.memberships.iter().any(|m| m.organization_id == *org)),
            Change::Everything => inner.entries.clear(),
            Change::Licenses | Change::Replicas | Change::Proxies | Change::ProvisionerJobs | Change::Inbox(_) => {}
        }
    }

    /// Number of cached keys.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl ChangeListener for AuthCache {
    fn changed(&self, changes: &[Change]) {
        for c in changes {
            self.invalidate(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use time::OffsetDateTime;

    use uuid::Uuid;

    use super::*;
    use crate::user::{LoginType, UserStatus};

    fn resolved(key_id: &str, user: Uuid, org: Uuid) -> Resolved {
        let now = OffsetDateTime::now_utc();
        Resolved {
            key: ApiKey {
                id: key_id.into(),
                hashed_secret: vec![],
                user_id: user,
                last_used: now,
                expires_at: now,
                created_at: now,
                updated_at: now,
                login_type: LoginType::Password,
                lifetime_seconds: 60,
                token_name: String::new(),
                scopes: vec![],
                allow_list: vec![],
            },
            user: User {
                id: user,
                email: String::new(),
                username: "u".into(),
                name: String::new(),
                avatar_url: String::new(),
                hashed_password: String::new(),
                login_type: LoginType::Password,
                status: UserStatus::Active,
                rbac_roles: vec![],
                is_service_account: false,
                deleted: false,
                created_at: now,
                updated_at: now,
                last_seen_at: now,
            },
            memberships: vec![OrganizationMember { user_id: user, organization_id: org, roles: vec![], created_at: now, updated_at: now }],
        }
    }

    #[test]
    fn invalidation_drops_what_a_change_touched() {
        let cache = AuthCache::default();
        let (u1, u2, org) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        for (k, u) in [("a", u1), ("b", u1), ("c", u2)] {
            assert!(cache.fill(cache.generation(), resolved(k, u, org)));
        }
        cache.invalidate(&Change::User(u1));
        assert!(cache.get("a").is_none() && cache.get("b").is_none());
        assert!(cache.get("c").is_some());
        cache.invalidate(&Change::Key("c".into()));
        assert!(cache.is_empty());
        assert!(cache.fill(cache.generation(), resolved("d", u2, org)));
        cache.invalidate(&Change::Organization(org));
        assert!(cache.get("d").is_none());
    }

    #[test]
    fn a_load_that_raced_a_write_is_not_stored() {
        let cache = AuthCache::default();
        let generation = cache.generation();
        cache.invalidate(&Change::Key("other".into()));
        assert!(!cache.fill(generation, resolved("a", Uuid::new_v4(), Uuid::new_v4())));
        assert!(cache.get("a").is_none());
    }

    #[test]
    fn size_is_bounded_and_entries_expire() {
        let cache = AuthCache::new(3, Duration::from_secs(60));
        for i in 0..10 {
            cache.fill(cache.generation(), resolved(&format!("k{i}"), Uuid::new_v4(), Uuid::new_v4()));
        }
        assert_eq!(cache.len(), 3);
        assert!(cache.get("k9").is_some());
        let short = AuthCache::new(3, Duration::ZERO);
        short.fill(short.generation(), resolved("x", Uuid::new_v4(), Uuid::new_v4()));
        assert!(short.get("x").is_none());
    }
}
