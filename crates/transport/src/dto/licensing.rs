//! Licenses and entitlements.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::rfc3339;

/// Coder's `codersdk.AddLicenseRequest`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(as = codersdk::AddLicenseRequest, example = json!({"license": "eyJhbGciOiJFZERTQSIsImtpZCI6IjIwMjItMDgtMTIiLCJ0eXAiOiJKV1QifQ.eyJ2ZXJzaW9uIjozfQ.c2lnbmF0dXJl"}))]
pub struct AddLicenseRequest {
    /// The license JWT.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub license: String,
}

/// Coder's `codersdk.License`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::License, example = json!({"id": 1, "uuid": "0f5f3c1e-2b8b-4f57-a1d8-7c2d1e9b6a54", "uploaded_at": "2026-01-02T03:04:05.123456Z", "claims": {"version": 3, "feature_set": "premium", "account_type": "salesforce", "account_id": "acme", "trial": false, "features": {"user_limit": 100}}}))]
pub struct License {
    /// Sequential id.
    pub id: i32,
    /// The license's own id (its `jti`).
    pub uuid: Uuid,
    /// When it was uploaded.
    #[serde(with = "rfc3339")]
    pub uploaded_at: OffsetDateTime,
    /// The JWT claims as the license states them, unverified (expired licenses are listed too).
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    pub claims: serde_json::Map<String, serde_json::Value>,
}

impl From<&domain::licensing::LicenseView> for License {
    fn from(l: &domain::licensing::LicenseView) -> Self {
        Self { id: l.id, uuid: l.uuid, uploaded_at: l.uploaded_at, claims: l.claims.clone() }
    }
}

/// Coder's `codersdk.Entitlement`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[schema(as = codersdk::Entitlement)]
pub enum Entitlement {
    /// Covered by a license in its term.
    Entitled,
    /// Covered by a license in its grace period: still usable.
    GracePeriod,
    /// Not covered.
    NotEntitled,
}

/// Coder's `codersdk.UsagePeriod`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::UsagePeriod)]
pub struct UsagePeriod {
    /// When the granting license was issued.
    #[serde(with = "rfc3339")]
    pub issued_at: OffsetDateTime,
    /// Start of the counting period.
    #[serde(with = "rfc3339")]
    pub start: OffsetDateTime,
    /// End of the counting period.
    #[serde(with = "rfc3339")]
    pub end: OffsetDateTime,
}

/// Coder's `codersdk.Feature`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::Feature)]
pub struct Feature {
    /// Whether a license covers it.
    pub entitlement: Entitlement,
    /// Whether it is on.
    pub enabled: bool,
    /// The licensed limit (limit features only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Current usage (limit features only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<i64>,
    /// The counting period (usage-period features only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub usage_period: Option<UsagePeriod>,
}

/// Coder's `codersdk.Entitlements`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::Entitlements, example = json!({"features": {"user_limit": {"entitlement": "entitled", "enabled": true, "limit": 100, "actual": 3}, "template_rbac": {"entitlement": "entitled", "enabled": true}}, "warnings": [], "errors": [], "has_license": true, "trial": false, "require_telemetry": false, "refreshed_at": "2026-01-02T03:04:05.123456Z"}))]
pub struct Entitlements {
    /// Every feature, by name.
    pub features: BTreeMap<String, Feature>,
    /// Things an administrator should know.
    pub warnings: Vec<String>,
    /// Things that are broken.
    pub errors: Vec<String>,
    /// A valid license is on file.
    pub has_license: bool,
    /// The license in force is a trial.
    pub trial: bool,
    /// A license asks for telemetry.
    pub require_telemetry: bool,
    /// When these were computed.
    #[serde(with = "rfc3339")]
    pub refreshed_at: OffsetDateTime,
}

impl From<&domain::licensing::Entitlements> for Entitlements {
    fn from(e: &domain::licensing::Entitlements) -> Self {
        use domain::licensing::Entitlement as E;
        let features = e
            .features
            .iter()
            .map(|(f, s)| {
                let entitlement = match s.entitlement {
                    E::Entitled => Entitlement::Entitled,
                    E::GracePeriod => Entitlement::GracePeriod,
                    E::NotEntitled => Entitlement::NotEntitled,
                };
                let usage_period = s.usage_period.map(|p| UsagePeriod { issued_at: p.issued_at, start: p.start, end: p.end });
                (f.name().to_string(), Feature { entitlement, enabled: s.enabled, limit: s.limit, actual: s.actual, usage_period })
            })
            .collect();
        Self {
            features,
            warnings: e.warnings.clone(),
            errors: e.errors.clone(),
            has_license: e.has_license,
            trial: e.trial,
            require_telemetry: e.require_telemetry,
            refreshed_at: e.refreshed_at,
        }
    }
}
