//! Users' quiet hours: the daily time, in their zone, from which templates may stop or update
//! their workspaces. A schedule is Coder's daily cron form, `CRON_TZ=<zone> <minute> <hour> * * *`,
//! parsed by `croner` with IANA zones from `chrono-tz`.

use std::str::FromStr;

use chrono::{Offset, TimeZone};
use time::OffsetDateTime;

use crate::app::{Actor, App};
use crate::error::{Error, ErrorKind, Result};
use crate::licensing::gate::Wording;
use crate::licensing::Feature;
use crate::rbac::{action, Object};

/// `CODER_QUIET_HOURS_DEFAULT_SCHEDULE`'s default: midnight UTC.
pub const DEFAULT_SCHEDULE: &str = "CRON_TZ=UTC 0 0 * * *";

const USER_CONFIG_KEY: &str = "quiet_hours_schedule";

/// A parsed daily schedule.
#[derive(Debug, Clone)]
pub struct DailySchedule {
    zone: chrono_tz::Tz,
    hour: u32,
    minute: u32,
    cron: croner::Cron,
    fields: String,
}

impl DailySchedule {
    /// Reads a schedule; the error is Coder's text (`parse daily schedule "<raw>": ...`).
    pub fn parse(raw: &str) -> std::result::Result<Self, String> {
        let wrap = |e: String| format!("parse daily schedule {raw:?}: {e}");
        let mut parts: Vec<&str> = raw.split_whitespace().collect();
        if parts.len() < 5 {
            return Err(wrap(
                "validate daily schedule: expected schedule to consist of 5 fields with an optional CRON_TZ=<timezone> prefix".into(),
            ));
        }
        let check = if parts.len() == 6 { &parts[1..] } else { &parts[..] };
        if check[2] != "*" || check[3] != "*" || check[4] != "*" {
            return Err(wrap("validate daily schedule: expected day-of-month, month and day-of-week to be *".into()));
        }
        let zone_name = match parts[0].strip_prefix("CRON_TZ=") {
            Some(z) => {
                parts.remove(0);
                z.to_string()
            }
            None => "UTC".to_string(),
        };
        if parts.len() != 5 {
            return Err(wrap(format!("parse schedule: expected exactly 5 fields, found {}: {}", parts.len(), parts.join(" "))));
        }
        let zone = chrono_tz::Tz::from_str(&zone_name)
            .map_err(|_| wrap(format!("parse schedule: provided bad location {zone_name}: unknown time zone {zone_name}")))?;
        let fields = parts.join(" ");
        let cron = croner::Cron::new(&fields).parse().map_err(|e| wrap(format!("parse schedule: {e}")))?;
        let (minute, hour) = match (parts[0].parse::<u32>(), parts[1].parse::<u32>()) {
            (Ok(m), Ok(h)) if m < 60 && h < 24 => (m, h),
            _ => return Err(format!("daily schedule {raw:?} has more than one time: cron({} {})", parts[0], parts[1])),
        };
        Ok(Self { zone, hour, minute, cron, fields })
    }

    /// The normalised form Coder stores and shows: `CRON_TZ=<zone> <fields>`.
    pub fn raw(&self) -> String {
        format!("CRON_TZ={} {}", self.zone.name(), self.fields)
    }

    /// `HH:MM`, 24-hour.
    pub fn time(&self) -> String {
        format!("{:02}:{:02}", self.hour, self.minute)
    }

    /// The IANA zone.
    pub fn timezone(&self) -> &'static str {
        self.zone.name()
    }

    /// The next start after `after`, with the zone's offset at that instant.
    pub fn next(&self, after: OffsetDateTime) -> Option<OffsetDateTime> {
        let start = self.zone.timestamp_opt(after.unix_timestamp(), 0).single()?;
        let next = self.cron.find_next_occurrence(&start, false).ok()?;
        let offset = time::UtcOffset::from_whole_seconds(next.offset().fix().local_minus_utc()).ok()?;
        OffsetDateTime::from_unix_timestamp(next.timestamp()).ok().map(|t| t.to_offset(offset))
    }
}

/// A user's quiet hours (Coder's `codersdk.UserQuietHoursScheduleResponse`).
#[derive(Debug, Clone, PartialEq)]
pub struct QuietHours {
    /// The schedule in force, normalised.
    pub raw_schedule: String,
    /// The user chose it (rather than the deployment default).
    pub user_set: bool,
    /// The deployment lets users choose.
    pub user_can_set: bool,
    /// `HH:MM`.
    pub time: String,
    /// IANA zone.
    pub timezone: String,
    /// Next start.
    pub next: OffsetDateTime,
}

impl App {
    /// The gate of both quiet-hours endpoints, which Coder checks before authentication.
    pub fn require_quiet_hours(&self) -> Result<()> {
        self.require_feature_worded(Feature::AdvancedTemplateScheduling, Wording::QuietHours)
    }

    fn quiet_hours_of(&self, stored: &str) -> Result<QuietHours> {
        let user_set = !stored.trim().is_empty() && self.settings.allow_custom_quiet_hours;
        let raw = if user_set { stored } else { self.settings.quiet_hours_default.as_str() };
        let sched = DailySchedule::parse(raw).map_err(|e| Error::internal("Internal error.", e))?;
        let next = sched.next(OffsetDateTime::now_utc()).ok_or_else(|| Error::internal("Internal error.", "no next quiet hours start"))?;
        Ok(QuietHours {
            raw_schedule: sched.raw(),
            user_set,
            user_can_set: self.settings.allow_custom_quiet_hours,
            time: sched.time(),
            timezone: sched.timezone().to_string(),
            next,
        })
    }

    /// `GET /users/{user}/quiet-hours`.
    pub fn quiet_hours(&self, actor: &Actor, user: &str) -> Result<QuietHours> {
        self.require_quiet_hours()?;
        let user = self.resolve_user(actor, user)?;
        let stored = if self.settings.allow_custom_quiet_hours {
            self.db(actor).get_user_config(user.id, USER_CONFIG_KEY)?.unwrap_or_default()
        } else {
            String::new()
        };
        self.quiet_hours_of(&stored)
    }

    /// `PUT /users/{user}/quiet-hours`: a blank schedule returns the user to the default. A bad
    /// schedule is a 400 on `schedule` (Coder answers 500).
    pub fn set_quiet_hours(&self, actor: &Actor, user: &str, schedule: &str) -> Result<QuietHours> {
        self.require_quiet_hours()?;
        let user = self.resolve_user(actor, user)?;
        if schedule.is_empty() {
            return Err(Error::invalid_field("Validation failed.", "schedule", crate::auth::tag_failure("required", "")));
        }
        if !self.settings.allow_custom_quiet_hours {
            return Err(Error::new(ErrorKind::Forbidden, "Users cannot set custom quiet hours schedule due to deployment configuration."));
        }
        self.db(actor).require(action::UPDATE_PERSONAL, &Object::user(user.id))?;
        let stored = if schedule.trim().is_empty() {
            String::new()
        } else {
            DailySchedule::parse(schedule.trim()).map_err(|e| Error::invalid_field("Invalid quiet hours schedule.", "schedule", e))?.raw()
        };
        self.db(actor).put_user_config(user.id, USER_CONFIG_KEY, &stored)?;
        self.quiet_hours_of(&stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_parse_and_normalise_as_coder() {
        let s = DailySchedule::parse("0 2 * * *").unwrap();
        assert_eq!(s.raw(), "CRON_TZ=UTC 0 2 * * *");
        assert_eq!(s.time(), "02:00");
        let s = DailySchedule::parse("CRON_TZ=America/Chicago 30 1 * * *").unwrap();
        assert_eq!(s.timezone(), "America/Chicago");
        let now = time::macros::datetime!(2026-01-10 12:00 UTC);
        let next = s.next(now).unwrap();
        assert_eq!(next, time::macros::datetime!(2026-01-11 07:30 UTC));
        assert_eq!(next.offset().whole_hours(), -6);
        assert!(DailySchedule::parse("0 2 * * 1").unwrap_err().contains("expected day-of-month, month and day-of-week to be *"));
        assert!(DailySchedule::parse("0 2").unwrap_err().contains("5 fields"));
        assert!(DailySchedule::parse("CRON_TZ=Deans/House 0 2 * * *").unwrap_err().contains("unknown time zone Deans/House"));
        assert!(DailySchedule::parse("*/5 2 * * *").unwrap_err().contains("has more than one time"));
        assert!(DailySchedule::parse("61 2 * * *").is_err());
    }
}
