//! The license use cases: upload, list, delete, refresh, and the computation behind them.

use std::sync::Arc;

use serde_json::{Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use super::claims::{self, TrustedKeys};
use super::entitlements::{compute, Entitlements, Inputs, LicenseRow};
use super::signer::{LicenseSigner, LicenseSpec};
use super::{TRIAL_KEY_CONFIG, TRIAL_KEY_ID};
use crate::app::{Actor, App};
use crate::authz::{Db, System};
use crate::error::{Error, ErrorKind, Result};
use crate::rbac::{action, resource, Object};

/// A license as the API shows it: never the JWT, only its claims as written.
#[derive(Debug, Clone, PartialEq)]
pub struct LicenseView {
    /// Sequential id.
    pub id: i32,
    /// The license's own id.
    pub uuid: Uuid,
    /// When it was uploaded.
    pub uploaded_at: OffsetDateTime,
    /// The JWT payload, decoded without verification (expired licenses are listed too).
    pub claims: Map<String, Value>,
}

impl From<&LicenseRow> for LicenseView {
    fn from(row: &LicenseRow) -> Self {
        Self { id: row.id, uuid: row.uuid, uploaded_at: row.uploaded_at, claims: claims::decode_unverified(&row.jwt).unwrap_or_default() }
    }
}

/// Replicas heartbeat every 5 s; one silent for three beats is gone.
pub const REPLICA_STALE_AFTER: time::Duration = time::Duration::seconds(15);

impl App {
    /// The entitlements as last computed (no I/O).
    pub fn entitlements(&self) -> Arc<Entitlements> {
        self.licensing.current()
    }

    /// The keys licenses may be signed with: Coder's, the operator's, and this deployment's own
    /// trial key once it has one.
    pub fn trusted_keys(&self) -> Result<TrustedKeys> {
        let mut keys = self.settings.licensing.keys.clone();
        if let Some(seed) = self.db_as(System::Background).get_site_config(TRIAL_KEY_CONFIG)? {
            if let Ok(signer) = LicenseSigner::from_base64(TRIAL_KEY_ID, &seed) {
                keys.insert(TRIAL_KEY_ID, signer.verifying_key());
            }
        }
        Ok(keys)
    }

    /// Recomputes the entitlements from the database and holds the result. Recomputations take
    /// turns, so the last to finish saw the latest data.
    pub fn refresh_entitlements(&self) -> Result<Arc<Entitlements>> {
        let _turn = self.licensing.updating.lock().unwrap_or_else(|p| p.into_inner());
        let now = OffsetDateTime::now_utc();
        let db = self.db_as(System::Background);
        let licenses = db.unexpired_licenses(now)?;
        let replicas = db
            .live_replicas(now - REPLICA_STALE_AFTER)?
            .into_iter()
            .filter(|r| r.started_at <= now - self.settings.licensing.replica_grace)
            .count();
        let inputs = Inputs {
            enablements: self.settings.licensing.enablements.clone(),
            active_users: db.count_active_users()?,
            replicas,
            ..Inputs::default()
        };
        let keys = self.trusted_keys()?;
        // Remembered so that a heartbeat recomputes only when the count changes (Coder
        // recomputes on a change of the replica set, not on every sync): otherwise the forced
        // refresh below would always find a computation younger than a minute.
        self.licensing.replicas_counted.store(replicas, std::sync::atomic::Ordering::SeqCst);
        Ok(self.licensing.set(compute(&licenses, now, &keys, &inputs)))
    }

    /// Checks, before the body is read, that the actor may upload licenses (Coder answers 403
    /// before it looks at the body).
    pub fn may_upload_license(&self, actor: &Actor) -> Result<()> {
        self.db(actor).require(action::CREATE, &Object::of(resource::LICENSE))
    }

    /// `POST /licenses`: checks the license as Coder does (a license not valid *yet* is
    /// accepted, so that a new term can be uploaded ahead), stores it and recomputes.
    pub fn upload_license(&self, actor: &Actor, jwt: &str) -> Result<LicenseView> {
        self.may_upload_license(actor)?;
        let jwt = jwt.trim();
        let keys = self.trusted_keys()?;
        let claims = claims::verify(jwt, &keys, OffsetDateTime::now_utc(), true)
            .map_err(|e| Error::bad_request("Invalid license").with_detail(e.to_string()))?;
        let deployment = self.deployment_id()?;
        if !claims.deployment_ids.is_empty() && !claims.deployment_ids.contains(&deployment) {
            let ids = claims.deployment_ids.iter().map(|d| format!("{d:?}")).collect::<Vec<_>>().join(" ");
            return Err(Error::bad_request("License cannot be used on this deployment!").with_detail(format!(
                "The provided license is locked to the following deployments: [{ids}]. Your deployment identifier is {deployment:?}. Please contact sales."
            )));
        }
        let row = store_license(&self.db(actor), jwt, &claims)?;
        self.licenses_changed()?;
        Ok(LicenseView::from(&row))
    }

    /// `GET /licenses`: every license on file, or none for callers who may not read them.
    pub fn list_licenses(&self, actor: &Actor) -> Result<Vec<LicenseView>> {
        let db = self.db(actor);
        if !db.allows(action::READ, &Object::of(resource::LICENSE)) {
            return Ok(Vec::new());
        }
        Ok(db.list_licenses()?.iter().map(LicenseView::from).collect())
    }

    /// `DELETE /licenses/{id}`: removes a license and recomputes.
    pub fn delete_license(&self, actor: &Actor, id: &str) -> Result<()> {
        let id: i32 = id.parse().map_err(|_| Error::new(ErrorKind::NotFound, "License ID must be an integer"))?;
        let db = self.db(actor);
        db.require(action::DELETE, &Object::of(resource::LICENSE))?;
        if !db.delete_license(id)? {
            return Err(Error::new(ErrorKind::NotFound, "Unknown license ID"));
        }
        self.licenses_changed()
    }

    /// `POST /licenses/refresh-entitlements`: recomputes now, at most once a minute.
    pub fn request_entitlements_refresh(&self, actor: &Actor) -> Result<()> {
        self.db(actor).require(action::CREATE, &Object::of(resource::LICENSE))?;
        let since = OffsetDateTime::now_utc() - self.entitlements().refreshed_at;
        let interval = self.settings.licensing.refresh_wait;
        if since < interval {
            let wait = (interval - since).whole_seconds().max(0) as u64;
            return Err(Error::bad_request(format!(
                "Entitlements already recently refreshed, please wait {wait} seconds to force a new refresh"
            ))
            .with_retry_after(wait));
        }
        self.refresh_entitlements().map_err(|e| Error::internal("Failed to refresh entitlements", e.to_string()))?;
        self.announce_licenses();
        Ok(())
    }

    /// Recomputes here and tells the other replicas to.
    fn licenses_changed(&self) -> Result<()> {
        self.refresh_entitlements().map_err(|e| Error::internal("Failed to update entitlements", e.to_string()))?;
        self.announce_licenses();
        Ok(())
    }

    /// Tells the other replicas to recompute. The change is committed already, so a failure
    /// here is logged, not answered (the others recompute within 10 minutes anyway), as in Coder.
    fn announce_licenses(&self) {
        if let Err(e) = self.db_as(System::Background).announce_licenses_changed() {
            log_to_stderr(&format!("could not tell the other replicas that licenses changed: {e}"));
        }
    }

    /// After the first user (and any trial license) was stored: recompute here and on the other
    /// replicas.
    pub fn licenses_changed_after_trial(&self) -> Result<()> {
        self.licenses_changed()
    }

    /// Signs a 30-day `premium` trial license for this deployment with its own key (made on
    /// first use and trusted from then on) and stores it, inside the caller's transaction.
    /// Coder fetches trials from its licensor over the internet; this needs no network.
    pub fn store_trial_license(&self, tx: &Db<'_>, email: &str) -> Result<()> {
        let signer = match tx.get_site_config(TRIAL_KEY_CONFIG)? {
            Some(seed) => LicenseSigner::from_base64(TRIAL_KEY_ID, &seed).map_err(|e| Error::internal("Failed to generate trial", e))?,
            None => {
                let signer = LicenseSigner::generate(TRIAL_KEY_ID);
                tx.put_site_config(TRIAL_KEY_CONFIG, &signer.private_base64())?;
                signer
            }
        };
        let now = OffsetDateTime::now_utc();
        let spec = LicenseSpec {
            feature_set: "premium".into(),
            features: vec![],
            addons: vec![],
            not_before: now - time::Duration::minutes(1),
            expires: now + time::Duration::days(30),
            grace: time::Duration::ZERO,
            trial: true,
            deployment_ids: vec![self.deployment_id_in(tx)?],
            account_type: "trial".into(),
            account_id: email.to_string(),
            email: email.to_string(),
        };
        let jwt = signer.sign(&spec.claims(now));
        let mut keys = TrustedKeys::default();
        keys.insert(TRIAL_KEY_ID, signer.verifying_key());
        let claims = claims::verify(&jwt, &keys, now, true).map_err(|e| Error::internal("Failed to generate trial", e.to_string()))?;
        store_license(tx, &jwt, &claims)?;
        Ok(())
    }
}

/// The domain has no logger; this goes to standard error, which the server's log collects.
fn log_to_stderr(msg: &str) {
    eprintln!("coderd: {msg}");
}

/// Stores a checked license; a second upload of the same JWT is a conflict.
fn store_license(db: &Db<'_>, jwt: &str, claims: &claims::Claims) -> Result<LicenseRow> {
    let uuid = claims.jti.as_deref().and_then(|j| Uuid::parse_str(j).ok()).unwrap_or_else(Uuid::new_v4);
    let exp = claims.exp.ok_or_else(|| Error::bad_request("Invalid license").with_detail(claims::texts::MISSING_EXP))?;
    db.transaction(|tx| tx.insert_license(jwt, crate::clock::truncate(exp), uuid, crate::clock::now())).map_err(|e| {
        if e.kind == ErrorKind::Conflict {
            Error::conflict("License has already been uploaded.").with_detail("A license with the same contents is already on file.")
        } else {
            e
        }
    })
}
