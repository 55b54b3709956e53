//! Time as the domain sees it.
//!
//! Every timestamp is UTC and truncated to microseconds, because that is what PostgreSQL keeps:
//! a value that round-trips through either backend must compare equal to the one we handed out.

use time::OffsetDateTime;

/// The current instant, truncated to microseconds.
pub fn now() -> OffsetDateTime {
    truncate(OffsetDateTime::now_utc())
}

/// Drops sub-microsecond precision so values survive a database round trip unchanged.
pub fn truncate(t: OffsetDateTime) -> OffsetDateTime {
    let micros = t.microsecond();
    t.replace_nanosecond(micros * 1000).unwrap_or(t)
}

/// Coder's "never" (`0001-01-01T00:00:00Z`), used for `last_seen_at` of users who never logged in.
pub fn zero_time() -> OffsetDateTime {
    time::macros::datetime!(0001-01-01 00:00:00 UTC)
}
