//! Users' quiet hours schedules.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::common::rfc3339;

/// Coder's `codersdk.UserQuietHoursScheduleResponse`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::UserQuietHoursScheduleResponse, example = json!({"raw_schedule": "CRON_TZ=Europe/Berlin 0 2 * * *", "user_set": true, "user_can_set": true, "time": "02:00", "timezone": "Europe/Berlin", "next": "2026-01-03T02:00:00+01:00"}))]
pub struct UserQuietHoursScheduleResponse {
    /// The schedule in force, normalised.
    pub raw_schedule: String,
    /// The user chose it.
    pub user_set: bool,
    /// The deployment lets users choose.
    pub user_can_set: bool,
    /// `HH:MM`, 24-hour.
    pub time: String,
    /// IANA zone.
    pub timezone: String,
    /// The next start, with the zone's offset.
    #[serde(with = "rfc3339")]
    pub next: OffsetDateTime,
}

impl From<&domain::quiet_hours::QuietHours> for UserQuietHoursScheduleResponse {
    fn from(q: &domain::quiet_hours::QuietHours) -> Self {
        Self {
            raw_schedule: q.raw_schedule.clone(),
            user_set: q.user_set,
            user_can_set: q.user_can_set,
            time: q.time.clone(),
            timezone: q.timezone.clone(),
            next: q.next,
        }
    }
}

/// Coder's `codersdk.UpdateUserQuietHoursScheduleRequest`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = codersdk::UpdateUserQuietHoursScheduleRequest, example = json!({"schedule": "CRON_TZ=Europe/Berlin 0 2 * * *"}))]
pub struct UpdateUserQuietHoursScheduleRequest {
    /// `[CRON_TZ=<zone> ]<minute> <hour> * * *`; blank returns to the default.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub schedule: String,
}
