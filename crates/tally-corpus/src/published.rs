//! Publication timestamps (`2026-03-10T09:15:00+05:00`, a feed's parsed
//! time) turned into the publication date tally records.
//!
//! A timestamp with a time of day is read in Pakistan Standard Time
//! (UTC+5, no daylight saving): tally codes events in Pakistan, and an
//! article published at 01:00 in Peshawar belongs to that day even when a
//! feed writes it in UTC as the evening before. A bare date is taken as
//! written.

use chrono::{DateTime, FixedOffset, TimeZone};
use tally_model::IncidentDate;

/// Seconds east of UTC of Pakistan Standard Time.
const PKT_OFFSET_SECS: i32 = 5 * 3600;

/// The date in Pakistan of an instant.
pub(crate) fn date_in_pakistan<Tz: TimeZone>(at: &DateTime<Tz>) -> Option<IncidentDate> {
    let pkt = FixedOffset::east_opt(PKT_OFFSET_SECS)?;
    let local = at.with_timezone(&pkt).date_naive();
    IncidentDate::parse(&local.format("%Y-%m-%d").to_string())
}

/// A page's publication date: an RFC 3339 timestamp (read in Pakistan
/// time), else a leading `YYYY-MM-DD` (`2025-12-04`, `2025-12-04 10:00`).
pub(crate) fn parse_published(s: &str) -> Option<IncidentDate> {
    let s = s.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(s) {
        return date_in_pakistan(&at);
    }
    let head = s.get(..10)?;
    let rest = &s[10..];
    if !(rest.is_empty() || rest.starts_with(['T', 't', ' '])) {
        return None;
    }
    IncidentDate::parse(head).filter(|d| d.day.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_read_in_pakistan_time() {
        let d = |y, m, day| Some(IncidentDate::day(y, m, day));
        assert_eq!(parse_published("2026-03-10T09:15:00+05:00"), d(2026, 3, 10));
        // 20:30 UTC is 01:30 the next day in Pakistan.
        assert_eq!(parse_published("2026-03-09T20:30:00Z"), d(2026, 3, 10));
        assert_eq!(parse_published("2025-12-04"), d(2025, 12, 4));
        assert_eq!(parse_published("2025-12-04 10:00"), d(2025, 12, 4));
    }

    #[test]
    fn what_is_not_a_date_gives_none() {
        for s in [
            "",
            "yesterday",
            "2025-13-01",
            "2025-12",
            "20251204",
            "2025-12-04x",
            "é",
        ] {
            assert_eq!(parse_published(s), None, "{s}");
        }
    }
}
