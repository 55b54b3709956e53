//! `GET /insights/user-status-counts` (Coder's `GetUserStatusCounts`): how many users were
//! active, dormant and suspended at each local midnight of the last 60 days (and now), from the
//! recorded history of status changes.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration as ChronoDuration, TimeZone};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::app::{Actor, App};
use crate::error::{Error, Result};

/// The statuses counted, in Coder's order.
const STATUSES: [&str; 3] = ["active", "dormant", "suspended"];

/// A zone to count days in: a named one, or a fixed offset in hours.
#[derive(Debug, Clone, Copy)]
pub enum Zone {
    /// IANA name.
    Named(chrono_tz::Tz),
    /// Hours east of UTC.
    Offset(i32),
}

impl Zone {
    /// Coder's parameters: `timezone` (IANA) or the legacy `tz_offset` (hours), not both.
    pub fn parse(timezone: Option<&str>, tz_offset: Option<&str>) -> Result<Self> {
        match (timezone.filter(|t| !t.is_empty()), tz_offset.filter(|t| !t.is_empty())) {
            (Some(_), Some(_)) => Err(Error::bad_request("Provide either \"timezone\" or \"tz_offset\", not both.")),
            (Some(name), None) => name.parse::<chrono_tz::Tz>().map(Zone::Named).map_err(|_| Error::bad_request("Invalid timezone.")),
            (None, Some(hours)) => hours
                .parse::<i32>()
                .ok()
                .filter(|h| (-14..=14).contains(h))
                .map(Zone::Offset)
                .ok_or_else(|| Error::bad_request("Invalid tz_offset.")),
            (None, None) => Ok(Zone::Offset(0)),
        }
    }

    /// The instants of the last `days` local midnights, oldest first.
    fn midnights(self, now: OffsetDateTime, days: i64) -> Vec<OffsetDateTime> {
        match self {
            Zone::Named(tz) => midnights_in(&tz, now, days),
            Zone::Offset(h) => chrono::FixedOffset::east_opt(h * 3600).map(|off| midnights_in(&off, now, days)).unwrap_or_default(),
        }
    }
}

fn midnights_in<Z: TimeZone>(zone: &Z, now: OffsetDateTime, days: i64) -> Vec<OffsetDateTime> {
    let utc = chrono::DateTime::from_timestamp(now.unix_timestamp(), 0).unwrap_or_default();
    let today = utc.with_timezone(zone).date_naive();
    (0..days)
        .rev()
        .filter_map(|back| {
            let midnight = (today - ChronoDuration::days(back)).and_hms_opt(0, 0, 0)?;
            let local = zone.from_local_datetime(&midnight).earliest()?;
            OffsetDateTime::from_unix_timestamp(local.timestamp()).ok()
        })
        .collect()
}

/// Counts per status at each instant of `points` (ascending), replaying `changes` (oldest first).
pub fn counts_at(changes: &[(Uuid, String, OffsetDateTime)], points: &[OffsetDateTime]) -> BTreeMap<String, Vec<(OffsetDateTime, i64)>> {
    let mut current: HashMap<Uuid, &str> = HashMap::new();
    let mut tally: HashMap<&str, i64> = HashMap::new();
    let mut out: BTreeMap<String, Vec<(OffsetDateTime, i64)>> = BTreeMap::new();
    let mut next = 0;
    for point in points {
        while next < changes.len() && changes[next].2 <= *point {
            let (user, status, _) = &changes[next];
            if let Some(old) = current.insert(*user, status.as_str()) {
                *tally.entry(old).or_default() -= 1;
            }
            *tally.entry(status.as_str()).or_default() += 1;
            next += 1;
        }
        for s in STATUSES {
            out.entry(s.to_string()).or_default().push((*point, tally.get(s).copied().unwrap_or(0)));
        }
    }
    // Statuses no user ever had are left out, as Coder's query leaves them.
    out.retain(|s, _| changes.iter().any(|c| c.1 == *s));
    out
}

impl App {
    /// `GET /insights/user-status-counts`: for callers who may read every user (owners,
    /// auditors, user and template admins), else 403.
    pub fn user_status_counts(&self, actor: &Actor, zone: Zone) -> Result<BTreeMap<String, Vec<(OffsetDateTime, i64)>>> {
        let now = crate::clock::now();
        let changes = self.db(actor).user_status_changes(now)?;
        let mut points = zone.midnights(now, 60);
        points.push(now);
        Ok(counts_at(&changes, &points))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_changes_up_to_each_point() {
        let t = |h: i64| OffsetDateTime::UNIX_EPOCH + time::Duration::hours(h);
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let changes = vec![
            (a, "dormant".to_string(), t(1)),
            (b, "active".to_string(), t(2)),
            (a, "active".to_string(), t(5)),
            (b, "suspended".to_string(), t(6)),
            (b, "deleted".to_string(), t(8)),
        ];
        let c = counts_at(&changes, &[t(0), t(3), t(7), t(9)]);
        assert_eq!(c["active"].iter().map(|p| p.1).collect::<Vec<_>>(), [0, 1, 1, 1]);
        assert_eq!(c["dormant"].iter().map(|p| p.1).collect::<Vec<_>>(), [0, 1, 0, 0]);
        assert_eq!(c["suspended"].iter().map(|p| p.1).collect::<Vec<_>>(), [0, 0, 1, 0]);
        assert!(!c.contains_key("deleted"));
    }

    #[test]
    fn zones() {
        assert!(Zone::parse(Some("Europe/Paris"), None).is_ok());
        assert_eq!(Zone::parse(Some("Mars/Base"), None).unwrap_err().message, "Invalid timezone.");
        assert!(Zone::parse(Some("UTC"), Some("2")).is_err());
        let now = OffsetDateTime::now_utc();
        let points = Zone::parse(Some("America/New_York"), None).unwrap().midnights(now, 60);
        assert_eq!(points.len(), 60);
        assert!(points.windows(2).all(|w| w[0] < w[1]) && points[59] <= now);
    }
}

/// Daily active users (`GET /insights/daus`): for each day of the last 60 and today, the
/// number of distinct users who connected to a workspace that day. The day is counted in the
/// zone `hours_west` hours behind UTC, as the dashboard sends it (JavaScript's
/// `getTimezoneOffset`, in hours).
pub fn daily_active_users(connections: &[(Uuid, OffsetDateTime)], now: OffsetDateTime, hours_west: i32) -> Vec<(time::Date, i64)> {
    let shift = time::Duration::hours(-i64::from(hours_west));
    let today = (now + shift).date();
    let first = today - time::Duration::days(60);
    let mut users: BTreeMap<time::Date, std::collections::HashSet<Uuid>> = BTreeMap::new();
    for (user, at) in connections {
        let day = (*at + shift).date();
        if day >= first && day <= today {
            users.entry(day).or_default().insert(*user);
        }
    }
    let mut out = Vec::with_capacity(61);
    let mut day = first;
    while day <= today {
        out.push((day, users.get(&day).map_or(0, |u| u.len() as i64)));
        day = day.next_day().unwrap_or(today);
        if out.len() > 61 {
            break;
        }
    }
    out
}

impl App {
    /// `GET /insights/daus`: `read` on the deployment's configuration (owners and auditors),
    /// else 403, as in Coder.
    pub fn deployment_daus(&self, actor: &Actor, hours_west: i32) -> Result<Vec<(time::Date, i64)>> {
        let now = crate::clock::now();
        // A day's margin on each side of the zone's shift.
        let since = now - time::Duration::days(62);
        let connections = self.db(actor).connections_since(since)?;
        Ok(daily_active_users(&connections, now, hours_west))
    }
}

#[cfg(test)]
mod dau_tests {
    use super::*;

    #[test]
    fn counts_distinct_users_per_local_day() {
        let now = time::macros::datetime!(2026-12-08 02:00 UTC);
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let connections = vec![
            (a, time::macros::datetime!(2026-12-08 01:00 UTC)),
            (a, time::macros::datetime!(2026-12-08 01:30 UTC)),
            (b, time::macros::datetime!(2026-12-07 12:00 UTC)),
            (b, time::macros::datetime!(2026-09-01 12:00 UTC)),
        ];
        let utc = daily_active_users(&connections, now, 0);
        assert_eq!(utc.len(), 61);
        assert_eq!(utc.last(), Some(&(time::macros::date!(2026 - 12 - 08), 1)));
        assert_eq!(utc[59], (time::macros::date!(2026 - 12 - 07), 1));
        assert_eq!(utc.iter().map(|(_, n)| n).sum::<i64>(), 2, "September is past the window");
        // Five hours west of UTC it is still the 7th: both users were active that day.
        let east_coast = daily_active_users(&connections, now, 5);
        assert_eq!(east_coast.last(), Some(&(time::macros::date!(2026 - 12 - 07), 2)));
    }
}
