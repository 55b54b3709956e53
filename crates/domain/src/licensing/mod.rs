//! Licenses, entitlements and the one feature gate.
//!
//! A license is a signed JWT ([`claims`]); what the licenses on file grant is computed by
//! [`entitlements::compute`] and held in memory ([`Licensing`]), so gating a request never touches
//! the database. Every gated use case asks [`crate::app::App::require_feature`] (the gate, in
//! [`gate`]); the transport asks the same gate earlier where Coder checks before authentication.
//! The held entitlements are recomputed at start-up, after every upload, delete or refresh, on a
//! timer, and when another replica reports a license change through the store's change feed.

pub mod claims;
pub mod entitlements;
pub mod features;
pub mod gate;
pub mod signer;
mod usecases;

use std::sync::{Arc, Mutex, RwLock};

pub use claims::TrustedKeys;
pub use entitlements::{Entitlement, Entitlements, FeatureState, LicenseRow};
pub use features::Feature;
pub use usecases::{LicenseView, REPLICA_STALE_AFTER};

/// The licensing capability's settings, assembled by `crates/coderd` from its flags.
#[derive(Debug, Clone)]
pub struct LicensingConfig {
    /// Keys licenses may be signed with: Coder's plus `CODER_LICENSE_PUBLIC_KEYS`.
    pub keys: TrustedKeys,
    /// Licensed features the deployment switches on (Coder's `enablements`).
    pub enablements: std::collections::BTreeMap<Feature, bool>,
    /// How long a replica runs before it counts against high availability (Coder: a minute), so
    /// that a rolling restart does not raise the error.
    pub replica_grace: time::Duration,
    /// The shortest time between a computation and a requested refresh (Coder: a minute).
    pub refresh_wait: time::Duration,
}

impl Default for LicensingConfig {
    fn default() -> Self {
        Self {
            keys: TrustedKeys::coder(),
            enablements: crate::app::default_enablements(),
            replica_grace: time::Duration::minutes(1),
            refresh_wait: time::Duration::minutes(1),
        }
    }
}

/// The entitlements this process holds, and the lock that makes recomputations take turns.
pub struct Licensing {
    current: RwLock<Arc<Entitlements>>,
    updating: Mutex<()>,
    /// How many replicas the last computation counted against high availability.
    pub(crate) replicas_counted: std::sync::atomic::AtomicUsize,
}

impl Default for Licensing {
    fn default() -> Self {
        Self { current: RwLock::new(Arc::new(Entitlements::initial())), updating: Mutex::new(()), replicas_counted: Default::default() }
    }
}

impl Licensing {
    /// The entitlements as last computed.
    pub fn current(&self) -> Arc<Entitlements> {
        self.current.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set(&self, e: Entitlements) -> Arc<Entitlements> {
        let e = Arc::new(e);
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = e.clone();
        e
    }
}

/// The site-config key holding the private key this deployment signs its own trial licenses
/// with; its public half is trusted under [`TRIAL_KEY_ID`].
pub const TRIAL_KEY_CONFIG: &str = "trial_license_signing_key";
/// The key id of trial licenses this deployment made for itself.
pub const TRIAL_KEY_ID: &str = "coderd-trial";
