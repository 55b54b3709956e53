//! What the licenses on file add up to: Coder's `LicensesEntitlements`, as a pure function of the
//! licenses, the clock, the deployment's switches and a few counts.

use std::collections::BTreeMap;

use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::claims::{self, LicenseError, TrustedKeys};
use super::features::{feature_set, Feature, ADDON_AI_GOVERNANCE};

/// How far a license covers a feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Entitlement {
    /// Covered by a license in its term.
    Entitled,
    /// Covered by a license past its term but inside its grace period: still usable.
    GracePeriod,
    /// Not covered.
    NotEntitled,
}

impl Entitlement {
    /// Usable: entitled or in grace.
    pub fn entitled(self) -> bool {
        matches!(self, Entitlement::Entitled | Entitlement::GracePeriod)
    }

    fn weight(self) -> i64 {
        match self {
            Entitlement::Entitled => 2,
            Entitlement::GracePeriod => 1,
            Entitlement::NotEntitled => -1,
        }
    }
}

/// The period a usage-counted feature is counted over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct UsagePeriod {
    /// When the granting license was issued (later licenses win).
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
    /// Start of the period.
    #[serde(with = "time::serde::rfc3339")]
    pub start: OffsetDateTime,
    /// End of the period.
    #[serde(with = "time::serde::rfc3339")]
    pub end: OffsetDateTime,
}

/// One feature's state (Coder's `codersdk.Feature`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeatureState {
    /// Whether a license covers it.
    pub entitlement: Entitlement,
    /// Whether it is on: entitled and switched on by the deployment.
    pub enabled: bool,
    /// The licensed limit, for limit features.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Current usage, for limit features.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<i64>,
    /// The counting period, for usage-period features.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_period: Option<UsagePeriod>,
}

impl FeatureState {
    fn off(enabled: bool) -> Self {
        Self { entitlement: Entitlement::NotEntitled, enabled, limit: None, actual: None, usage_period: None }
    }

    fn capable(&self) -> bool {
        match (self.limit, self.actual) {
            (Some(l), Some(a)) => l >= a,
            _ => true,
        }
    }

    /// Coder's `Feature.Compare`: positive when `self` grants more than `other`.
    fn compare(&self, other: &FeatureState) -> i64 {
        if let (Some(a), Some(b)) = (&self.usage_period, &other.usage_period) {
            let c = a.issued_at.cmp(&b.issued_at).then(a.end.cmp(&b.end));
            if c != std::cmp::Ordering::Equal {
                return c as i64;
            }
        }
        if self.actual.is_some()
            && other.actual.is_some()
            && (!self.capable() || !other.capable())
            && self.entitlement.weight() >= 0
            && other.entitlement.weight() >= 0
        {
            if self.capable() && !other.capable() {
                return 1;
            }
            if other.capable() && !self.capable() {
                return -1;
            }
        }
        let diff = self.entitlement.weight() - other.entitlement.weight();
        if diff != 0 {
            return diff;
        }
        match (self.limit, other.limit) {
            (None, Some(_)) => return -1,
            (Some(_), None) => return 1,
            (Some(a), Some(b)) if a != b => return a - b,
            _ => {}
        }
        if self.enabled != other.enabled {
            return if self.enabled { 1 } else { -1 };
        }
        match (self.actual, other.actual) {
            (None, Some(_)) => -1,
            (Some(_), None) => 1,
            (Some(a), Some(b)) => a - b,
            _ => 0,
        }
    }
}

/// The deployment's entitlements (Coder's `codersdk.Entitlements`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entitlements {
    /// Every feature, by name.
    pub features: BTreeMap<Feature, FeatureState>,
    /// Things an administrator should know.
    pub warnings: Vec<String>,
    /// Things that are broken.
    pub errors: Vec<String>,
    /// At least one valid license is on file.
    pub has_license: bool,
    /// The license that counted last is a trial.
    pub trial: bool,
    /// A license asks for telemetry.
    pub require_telemetry: bool,
    /// When these were computed.
    #[serde(with = "time::serde::rfc3339")]
    pub refreshed_at: OffsetDateTime,
}

impl Entitlements {
    /// What a server holds before it first computes: every feature off, never refreshed.
    pub fn initial() -> Self {
        Self {
            features: Feature::ALL.into_iter().map(|f| (f, FeatureState::off(false))).collect(),
            warnings: vec![],
            errors: vec![],
            has_license: false,
            trial: false,
            require_telemetry: false,
            refreshed_at: crate::clock::zero_time(),
        }
    }

    /// The state of one feature.
    pub fn feature(&self, f: Feature) -> FeatureState {
        self.features.get(&f).cloned().unwrap_or_else(|| FeatureState::off(false))
    }

    /// Whether a feature is on.
    pub fn enabled(&self, f: Feature) -> bool {
        self.features.get(&f).is_some_and(|s| s.enabled)
    }

    fn add(&mut self, name: Feature, mut add: FeatureState) {
        let Some(existing) = self.features.get(&name) else {
            self.features.insert(name, add);
            return;
        };
        if name.uses_usage_period() {
            if add.usage_period.is_none() {
                return;
            }
        } else {
            add.usage_period = None;
        }
        if add.compare(existing) > 0 {
            self.features.insert(name, add);
        }
    }
}

/// A license as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct LicenseRow {
    /// Sequential id, as Coder numbers licenses.
    pub id: i32,
    /// The license's `jti`, or a random id for licenses without a valid one.
    pub uuid: Uuid,
    /// When it was uploaded.
    pub uploaded_at: OffsetDateTime,
    /// The JWT, kept to recheck on every computation.
    pub jwt: String,
    /// Its `exp` claim, so that expired licenses are skipped without parsing.
    pub exp: OffsetDateTime,
}

/// Everything besides the licenses that entitlements depend on.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Features the deployment switches on (the rest only come on through `always_enable`).
    pub enablements: BTreeMap<Feature, bool>,
    /// Active users as Coder counts them (not dormant, suspended, deleted or service accounts).
    pub active_users: i64,
    /// Server processes that have been up for over a minute.
    pub replicas: usize,
    /// Configured external auth providers.
    pub external_auth: usize,
    /// Templates that use external agents.
    pub external_agent_templates: i64,
    /// Workspaces built with managed agents in the licensed period.
    pub managed_agents: i64,
    /// Users holding an AI Governance seat.
    pub ai_seats: i64,
}

/// Contiguous spans covered by licenses, for the one "expires soon" warning.
#[derive(Default)]
struct ValidityPeriods(Vec<(OffsetDateTime, OffsetDateTime)>);

impl ValidityPeriods {
    fn apply(&mut self, c: &claims::Claims) {
        if let (Some(start), Some(end)) = (c.nbf, c.license_expires) {
            if end >= start {
                self.0.push((start, end));
            }
        }
    }

    fn first_merged_end(&self) -> Option<OffsetDateTime> {
        let mut sorted = self.0.clone();
        sorted.sort_by_key(|p| p.0);
        let mut cur = *sorted.first()?;
        for next in sorted.into_iter().skip(1) {
            if next.0 > cur.1 {
                break;
            }
            cur.1 = cur.1.max(next.1);
        }
        Some(cur.1)
    }
}

/// Computes the entitlements of `licenses` (the unexpired ones, in id order) at `now`.
pub fn compute(licenses: &[LicenseRow], now: OffsetDateTime, keys: &TrustedKeys, inputs: &Inputs) -> Entitlements {
    let enablement = |f: Feature| inputs.enablements.get(&f).copied().unwrap_or(false);
    let mut e = Entitlements {
        features: BTreeMap::new(),
        warnings: vec![],
        errors: vec![],
        has_license: false,
        trial: false,
        require_telemetry: false,
        refreshed_at: now,
    };
    e.features.insert(
        Feature::UserLimit,
        FeatureState { actual: Some(inputs.active_users), ..FeatureState::off(enablement(Feature::UserLimit)) },
    );
    for f in Feature::ALL {
        e.add(f, FeatureState::off(enablement(f)));
    }
    let mut periods = ValidityPeriods::default();
    let mut explicit_ai_bridge = false;

    for lic in licenses {
        let claims = match claims::verify(&lic.jwt, keys, now, false) {
            Err(LicenseError::NotValidYet) => {
                if let Ok(c) = claims::verify(&lic.jwt, keys, now, true) {
                    periods.apply(&c);
                }
                continue;
            }
            Err(err) => {
                e.errors.push(format!("Invalid license ({}) parsing claims: {err}", lic.uuid));
                continue;
            }
            Ok(c) => c,
        };
        periods.apply(&claims);
        let (Some(start), Some(end), Some(issued)) = (claims.nbf, claims.exp, claims.iat) else { continue };
        if start > end {
            e.errors.push(format!("Invalid license ({}): not_before ({start}) is after license_expires ({end})", lic.uuid));
            continue;
        }
        e.has_license = true;
        e.require_telemetry |= claims.require_telemetry;
        e.trial = claims.trial;
        let entitlement = if claims.license_expires.is_some_and(|le| now > le) { Entitlement::GracePeriod } else { Entitlement::Entitled };
        let set = if claims.all_features && claims.feature_set.is_empty() { "enterprise".to_string() } else { claims.feature_set.clone() };
        // Coder compares this one exactly (the feature set itself matches in any case).
        if set == "premium" {
            let issued_at = time::macros::datetime!(2025-07-01 00:00:00 UTC);
            e.add(
                Feature::ManagedAgentLimit,
                FeatureState {
                    entitlement,
                    enabled: true,
                    limit: Some(1000),
                    actual: None,
                    usage_period: Some(UsagePeriod { issued_at, start: issued_at, end: time::macros::datetime!(2125-07-01 00:00:00 UTC) }),
                },
            );
        }
        if claims.addons.iter().any(|a| a == ADDON_AI_GOVERNANCE) {
            explicit_ai_bridge = true;
        }
        for f in feature_set(&set) {
            if f.uses_limit() || f.uses_usage_period() {
                continue;
            }
            e.add(f, FeatureState { entitlement, enabled: enablement(f) || f.always_enable(), ..FeatureState::off(false) });
        }
        for (name, &value) in &claims.features {
            let name = match name.as_str() {
                "managed_agent_limit_soft" => "managed_agent_limit",
                "managed_agent_limit_hard" => continue,
                other => other,
            };
            let Some(f) = Feature::parse(name) else { continue };
            if value < 0 {
                continue;
            }
            if f.uses_usage_period() {
                e.add(
                    f,
                    FeatureState {
                        entitlement,
                        enabled: value > 0,
                        limit: Some(value),
                        actual: None,
                        usage_period: Some(UsagePeriod { issued_at: issued, start, end }),
                    },
                );
            } else if f.uses_limit() {
                if value == 0 {
                    continue;
                }
                let actual = match f {
                    Feature::UserLimit => Some(inputs.active_users),
                    Feature::AiGovernanceUserLimit => Some(inputs.ai_seats),
                    _ => None,
                };
                e.add(f, FeatureState { entitlement, enabled: true, limit: Some(value), actual, usage_period: None });
            } else if value > 0 {
                e.features.insert(f, FeatureState { entitlement, enabled: enablement(f) || f.always_enable(), ..FeatureState::off(false) });
            }
        }
        let mut addon_features: BTreeMap<Feature, FeatureState> = BTreeMap::new();
        for addon in &claims.addons {
            if addon != ADDON_AI_GOVERNANCE {
                continue;
            }
            if e.features.get(&Feature::AiGovernanceUserLimit).is_none_or(|f| f.limit.is_none()) {
                e.errors
                    .push(format!("Feature {} must be set when using the AI Governance addon.", Feature::AiGovernanceUserLimit.humanize()));
                continue;
            }
            for f in Feature::ALL.into_iter().filter(|f| f.ai_governance_addon()) {
                addon_features.entry(f).or_insert(FeatureState {
                    entitlement,
                    enabled: enablement(f) || f.always_enable(),
                    ..FeatureState::off(false)
                });
            }
        }
        for (f, s) in addon_features {
            e.add(f, s);
        }
    }

    if let Some(end) = periods.first_merged_end() {
        let days = ((end - now).as_seconds_f64() / 86_400.0).ceil() as i64;
        let window = if e.trial { 7 } else { 30 };
        if days > 0 && days < window {
            e.warnings.push(format!("Your license expires in {days} {}.", if days > 1 { "days" } else { "day" }));
        }
    }

    if inputs.replicas > 1 {
        match e.feature(Feature::HighAvailability).entitlement {
            Entitlement::NotEntitled if e.has_license => e.errors.push(
                "You have multiple replicas but your license is not entitled to high availability. You will be unable to connect to workspaces.".into(),
            ),
            Entitlement::NotEntitled => e.errors.push(
                "You have multiple replicas but high availability is an Enterprise feature. You will be unable to connect to workspaces.".into(),
            ),
            Entitlement::GracePeriod => e.warnings.push(
                "You have multiple replicas but your license for high availability is expired. Reduce to one replica or workspace connections will stop working.".into(),
            ),
            Entitlement::Entitled => {}
        }
    }
    if inputs.external_auth > 1 {
        match e.feature(Feature::MultipleExternalAuth).entitlement {
            Entitlement::NotEntitled if e.has_license => {
                e.errors.push("You have multiple External Auth Providers configured but your license is limited at one.".into())
            }
            Entitlement::NotEntitled => e
                .errors
                .push("You have multiple External Auth Providers configured but this is an Enterprise feature. Reduce to one.".into()),
            Entitlement::GracePeriod => {
                e.warnings.push("You have multiple External Auth Providers configured but your license is expired. Reduce to one.".into())
            }
            Entitlement::Entitled => {}
        }
    }
    if inputs.external_agent_templates > 0 {
        match e.feature(Feature::WorkspaceExternalAgent).entitlement {
            Entitlement::NotEntitled => {
                e.errors.push("You have templates which use external agents but your license is not entitled to this feature.".into())
            }
            Entitlement::GracePeriod => e.warnings.push("You have templates which use external agents but your license is expired.".into()),
            Entitlement::Entitled => {}
        }
    }
    let mut agents = e.feature(Feature::ManagedAgentLimit);
    if e.has_license && agents.usage_period.is_some() {
        agents.actual = Some(inputs.managed_agents);
        e.features.insert(Feature::ManagedAgentLimit, agents.clone());
        if agents.enabled && agents.limit.is_some_and(|l| inputs.managed_agents >= l) {
            e.warnings.push("You have built more workspaces with managed agents than your license allows.".into());
        }
    }
    if e.has_license {
        let users = e.feature(Feature::UserLimit);
        match users.limit {
            Some(limit) if inputs.active_users > limit => {
                e.warnings.push(format!("Your deployment has {} active users but is only licensed for {limit}.", inputs.active_users))
            }
            Some(limit) if users.entitlement == Entitlement::GracePeriod => e.warnings.push(format!(
                "Your deployment has {} active users but the license with the limit {limit} is expired.",
                inputs.active_users
            )),
            _ => {}
        }
        if inputs.ai_seats > 0 {
            let seats = e.feature(Feature::AiGovernanceUserLimit);
            if let (true, Some(limit)) = (seats.entitlement != Entitlement::NotEntitled, seats.limit) {
                if seats.entitlement == Entitlement::GracePeriod {
                    e.warnings.push(format!(
                        "Your deployment has {} active AI Governance seats but the license with the limit {limit} is expired.",
                        inputs.ai_seats
                    ));
                }
                ai_seat_warning(&mut e.warnings, inputs.ai_seats, limit);
            }
        }
        for f in Feature::ALL {
            if matches!(
                f,
                Feature::UserLimit
                    | Feature::AiGovernanceUserLimit
                    | Feature::HighAvailability
                    | Feature::MultipleExternalAuth
                    | Feature::ManagedAgentLimit
            ) {
                continue;
            }
            let s = e.feature(f);
            if !s.enabled {
                continue;
            }
            match s.entitlement {
                Entitlement::NotEntitled => {
                    e.warnings.push(format!("{} is enabled but your license is not entitled to this feature.", f.humanize()))
                }
                Entitlement::GracePeriod => {
                    e.warnings.push(format!("{} is enabled but your license for this feature is expired.", f.humanize()))
                }
                Entitlement::Entitled => {}
            }
        }
        let bridge = e.feature(Feature::AiBridge);
        if bridge.enabled && bridge.entitlement.entitled() && !explicit_ai_bridge {
            e.warnings.push("The AI Governance add-on is required to use AI Gateway. Please reach out to your account team or sales@coder.com to learn more.".into());
        }
    }
    for s in e.features.values_mut() {
        if s.entitlement == Entitlement::NotEntitled {
            s.enabled = false;
        }
    }
    e
}

fn ai_seat_warning(warnings: &mut Vec<String>, actual: i64, limit: i64) {
    if limit <= 0 {
        return;
    }
    if actual > limit {
        warnings.push(format!(
            "Your organization is using {actual} of {limit} AI Governance add-on seats ({} over the limit).",
            actual - limit
        ));
    } else if actual * 10 >= limit * 9 {
        warnings.push(format!("You have used {}% of your AI Governance add-on seats.", actual * 100 / limit));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};
    use time::Duration;

    use super::super::signer::LicenseSigner;
    use super::*;

    struct Fixture {
        signer: LicenseSigner,
        keys: TrustedKeys,
        now: OffsetDateTime,
        rows: Vec<LicenseRow>,
    }

    impl Fixture {
        fn new() -> Self {
            let signer = LicenseSigner::generate("t");
            let mut keys = TrustedKeys::default();
            keys.insert("t", signer.verifying_key());
            Self { signer, keys, now: OffsetDateTime::now_utc(), rows: vec![] }
        }

        /// Adds a license whose term ends in `days` days (grace `grace` days after), with extra claims.
        fn add(&mut self, days: i64, grace: i64, extra: Value) {
            let n = self.now.unix_timestamp();
            let mut c = json!({
                "iat": n - 60, "nbf": n - 60, "exp": n + (days + grace) * 86400, "license_expires": n + days * 86400,
                "account_type": "salesforce", "account_id": "acme", "version": 3, "features": {},
            });
            for (k, v) in extra.as_object().unwrap() {
                c[k] = v.clone();
            }
            let jwt = self.signer.sign(c.as_object().unwrap());
            let id = self.rows.len() as i32 + 1;
            self.rows.push(LicenseRow {
                id,
                uuid: Uuid::new_v4(),
                uploaded_at: self.now,
                jwt,
                exp: self.now + Duration::days(days + grace),
            });
        }

        fn compute(&self, inputs: &Inputs) -> Entitlements {
            compute(&self.rows, self.now, &self.keys, inputs)
        }
    }

    fn inputs(active_users: i64) -> Inputs {
        Inputs { enablements: crate::app::default_enablements(), active_users, ..Inputs::default() }
    }

    #[test]
    fn no_license_means_every_feature_off_with_the_user_count() {
        let e = Fixture::new().compute(&inputs(3));
        assert_eq!(e.features.len(), 27);
        assert!(!e.has_license && e.warnings.is_empty() && e.errors.is_empty());
        assert!(e.features.values().all(|f| f.entitlement == Entitlement::NotEntitled && !f.enabled));
        assert_eq!(e.feature(Feature::UserLimit).actual, Some(3));
    }

    #[test]
    fn several_licenses_give_the_largest_user_limit_and_warn_over_it() {
        let mut f = Fixture::new();
        f.add(100, 0, json!({"features": {"user_limit": 5}}));
        f.add(100, 0, json!({"features": {"user_limit": 20}}));
        f.add(100, 0, json!({"features": {"user_limit": 10}}));
        let users_warnings =
            |e: &Entitlements| e.warnings.iter().filter(|w| w.starts_with("Your deployment has")).cloned().collect::<Vec<_>>();
        let e = f.compute(&inputs(7));
        assert_eq!(e.feature(Feature::UserLimit).limit, Some(20));
        assert!(users_warnings(&e).is_empty(), "{:?}", e.warnings);
        // As in Coder, features the deployment switches on but no license covers are warned about.
        assert!(e.warnings.contains(&"Audit Log is enabled but your license is not entitled to this feature.".to_string()));
        let e = f.compute(&inputs(25));
        assert_eq!(users_warnings(&e), vec!["Your deployment has 25 active users but is only licensed for 20.".to_string()]);
    }

    #[test]
    fn grace_period_keeps_features_and_warns() {
        let mut f = Fixture::new();
        f.add(-1, 10, json!({"features": {"audit_log": 1, "user_limit": 10}}));
        let e = f.compute(&inputs(1));
        assert_eq!(
            e.feature(Feature::AuditLog),
            FeatureState { entitlement: Entitlement::GracePeriod, enabled: true, limit: None, actual: None, usage_period: None }
        );
        assert!(e.warnings.contains(&"Audit Log is enabled but your license for this feature is expired.".to_string()));
        assert!(e.warnings.contains(&"Your deployment has 1 active users but the license with the limit 10 is expired.".to_string()));
    }

    #[test]
    fn expiry_warnings_use_the_merged_validity_period() {
        let mut f = Fixture::new();
        f.add(10, 0, json!({"feature_set": "premium"}));
        assert!(f.compute(&inputs(1)).warnings.contains(&"Your license expires in 10 days.".to_string()));
        // A trial warns only in its last week.
        let mut t = Fixture::new();
        t.add(10, 0, json!({"feature_set": "premium", "trial": true}));
        assert!(!t.compute(&inputs(1)).warnings.iter().any(|w| w.starts_with("Your license expires")));
        // A following license that closes the gap silences the warning.
        let n = f.now.unix_timestamp();
        f.add(400, 0, json!({"nbf": n + 9 * 86400, "feature_set": "premium"}));
        let e = f.compute(&inputs(1));
        assert!(!e.warnings.iter().any(|w| w.starts_with("Your license expires")), "{:?}", e.warnings);
        assert!(e.has_license);
    }

    #[test]
    fn premium_sets_managed_agents_and_enterprise_lacks_premium_only_features() {
        let mut f = Fixture::new();
        f.add(100, 0, json!({"feature_set": "enterprise"}));
        let e = f.compute(&inputs(1));
        assert!(e.enabled(Feature::TemplateRbac) && !e.enabled(Feature::MultipleOrganizations));
        assert_eq!(e.feature(Feature::ManagedAgentLimit).limit, None);
        assert!(!e.enabled(Feature::BrowserOnly), "entitled but not switched on");
        assert_eq!(e.feature(Feature::BrowserOnly).entitlement, Entitlement::Entitled);
        // The set matches in any case; Coder's default agent limit only for exactly "premium".
        let mut f = Fixture::new();
        f.add(100, 0, json!({"feature_set": "PREMIUM"}));
        let e = f.compute(&inputs(1));
        assert!(e.enabled(Feature::MultipleOrganizations) && e.enabled(Feature::ServiceAccounts));
        assert_eq!(e.feature(Feature::ManagedAgentLimit).limit, None);
        let mut f = Fixture::new();
        f.add(100, 0, json!({"feature_set": "premium"}));
        let e = f.compute(&inputs(1));
        let agents = e.feature(Feature::ManagedAgentLimit);
        assert_eq!((agents.limit, agents.actual), (Some(1000), Some(0)));
        assert_eq!(agents.usage_period.unwrap().issued_at, time::macros::datetime!(2025-07-01 00:00:00 UTC));
    }

    #[test]
    fn bad_and_future_licenses() {
        let mut f = Fixture::new();
        let n = f.now.unix_timestamp();
        f.add(100, 0, json!({"nbf": n + 3600, "features": {"scim": 1}}));
        let e = f.compute(&inputs(1));
        assert!(!e.has_license && e.errors.is_empty(), "a license not valid yet is skipped silently");
        let mut other = Fixture::new();
        other.add(100, 0, json!({"features": {"scim": 1}}));
        f.rows.push(LicenseRow { id: 9, ..other.rows.remove(0) });
        let e = f.compute(&inputs(1));
        assert_eq!(e.errors.len(), 1);
        assert!(e.errors[0].ends_with("parsing claims: ed25519: verification error"), "{:?}", e.errors);
        assert_eq!(e.feature(Feature::Scim).entitlement, Entitlement::NotEntitled);
    }

    #[test]
    fn replicas_need_high_availability() {
        let f = Fixture::new();
        let e = f.compute(&Inputs { replicas: 2, ..inputs(1) });
        assert_eq!(
            e.errors,
            vec!["You have multiple replicas but high availability is an Enterprise feature. You will be unable to connect to workspaces."
                .to_string()]
        );
        let mut f = Fixture::new();
        f.add(100, 0, json!({"features": {"audit_log": 1}}));
        let e = f.compute(&Inputs { replicas: 2, ..inputs(1) });
        assert!(e.errors[0].starts_with("You have multiple replicas but your license is not entitled to high availability."));
        let mut f = Fixture::new();
        f.add(100, 0, json!({"features": {"high_availability": 1}}));
        assert!(f.compute(&Inputs { replicas: 2, ..inputs(1) }).errors.is_empty());
    }

    #[test]
    fn the_ai_governance_addon_needs_its_seat_limit() {
        let mut f = Fixture::new();
        f.add(100, 0, json!({"addons": ["ai_governance"]}));
        let e = f.compute(&inputs(1));
        assert_eq!(e.errors, vec!["Feature AI Governance User Limit must be set when using the AI Governance addon.".to_string()]);
        assert!(!e.enabled(Feature::AiBridge));
        let mut f = Fixture::new();
        f.add(100, 0, json!({"addons": ["ai_governance"], "features": {"ai_governance_user_limit": 10}}));
        let e = f.compute(&inputs(1));
        assert!(e.errors.is_empty() && e.enabled(Feature::AiBridge) && e.enabled(Feature::Boundary));
        assert!(
            !e.warnings.iter().any(|w| w.contains("AI Gateway")),
            "an explicit add-on silences the AI Gateway warning: {:?}",
            e.warnings
        );
    }
}
