//! Partial calendar dates: a day, a month or a year, as coders record them.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// How much of a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Day,
    Month,
    Year,
}

/// A date known to the day, the month or the year. Written `YYYY-MM-DD`,
/// `YYYY-MM` or `YYYY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IncidentDate {
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

impl IncidentDate {
    pub fn day(year: i32, month: u32, day: u32) -> IncidentDate {
        IncidentDate {
            year,
            month: Some(month),
            day: Some(day),
        }
    }

    pub fn month(year: i32, month: u32) -> IncidentDate {
        IncidentDate {
            year,
            month: Some(month),
            day: None,
        }
    }

    pub fn year(year: i32) -> IncidentDate {
        IncidentDate {
            year,
            month: None,
            day: None,
        }
    }

    /// The calendar day `days` after 1970-01-01 (Howard Hinnant's
    /// days-to-civil algorithm); callers turn the system clock into `days`.
    pub fn from_unix_days(days: i64) -> IncidentDate {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        IncidentDate::day(year, month, day)
    }

    /// Today (UTC) from the system clock; 1970-01-01 if the clock is before it.
    pub fn today() -> IncidentDate {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        IncidentDate::from_unix_days((secs / 86_400) as i64)
    }

    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (Some(_), Some(_)) => Precision::Day,
            (Some(_), None) => Precision::Month,
            _ => Precision::Year,
        }
    }

    /// Days since 0000-03-01 style ordinal for day-precise dates (for windows);
    /// month and year precision use their first day.
    pub fn ordinal(&self) -> i64 {
        let (y, m, d) = (
            self.year as i64,
            self.month.unwrap_or(1) as i64,
            self.day.unwrap_or(1) as i64,
        );
        // Days-from-civil (Howard Hinnant's algorithm, public domain idea).
        let y = if m <= 2 { y - 1 } else { y };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe - 719468
    }

    /// Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; `None` for anything else or
    /// an impossible day.
    pub fn parse(s: &str) -> Option<IncidentDate> {
        let mut parts = s.trim().split('-');
        let year: i32 = parts.next()?.parse().ok()?;
        if !(1000..=9999).contains(&year) {
            return None;
        }
        let month = match parts.next() {
            Some(m) => Some(m.parse::<u32>().ok().filter(|m| (1..=12).contains(m))?),
            None => None,
        };
        let day = match parts.next() {
            Some(d) => Some(d.parse::<u32>().ok()?),
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        if let (Some(m), Some(d)) = (month, day) {
            if d == 0 || d > days_in_month(year, m) {
                return None;
            }
        }
        Some(IncidentDate { year, month, day })
    }
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for IncidentDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl Serialize for IncidentDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IncidentDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        IncidentDate::parse(&s).ok_or_else(|| de::Error::custom(format!("not a date: {s}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_days_become_calendar_days() {
        assert_eq!(IncidentDate::from_unix_days(0).to_string(), "1970-01-01");
        assert_eq!(IncidentDate::from_unix_days(-1).to_string(), "1969-12-31");
        assert_eq!(
            IncidentDate::from_unix_days(11_016).to_string(),
            "2000-02-29"
        );
        assert_eq!(
            IncidentDate::from_unix_days(20_424).to_string(),
            "2025-12-02"
        );
    }

    #[test]
    fn unix_days_and_ordinals_advance_together() {
        let start = IncidentDate::from_unix_days(0).ordinal();
        for days in (0..30_000).step_by(97) {
            assert_eq!(IncidentDate::from_unix_days(days).ordinal(), start + days);
        }
    }

    #[test]
    fn parse_and_display_round_trip() {
        for s in ["2025-02-06", "2024-11", "2021"] {
            assert_eq!(IncidentDate::parse(s).unwrap().to_string(), s);
        }
        assert!(IncidentDate::parse("2023-02-30").is_none());
        assert!(IncidentDate::parse("2023-13").is_none());
        assert!(IncidentDate::parse("soon").is_none());
    }

    #[test]
    fn ordinal_counts_days() {
        let a = IncidentDate::day(2024, 2, 28).ordinal();
        let b = IncidentDate::day(2024, 3, 1).ordinal();
        assert_eq!(b - a, 2);
        assert_eq!(IncidentDate::day(1970, 1, 1).ordinal(), 0);
    }
}
