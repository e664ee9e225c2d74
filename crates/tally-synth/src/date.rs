//! Civil dates as day numbers: enough calendar for weekdays and offsets.

use std::fmt;

/// A day, stored as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i64);

pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

impl Day {
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Day {
        let y = if m <= 2 { y as i64 - 1 } else { y as i64 };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = m as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Day(era * 146_097 + doe - 719_468)
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Day> {
        let mut it = s.trim().split('-');
        let y: i32 = it.next()?.parse().ok()?;
        let m: u32 = it.next()?.parse().ok()?;
        let d: u32 = it.next()?.parse().ok()?;
        if it.next().is_some() || !(1..=12).contains(&m) || d == 0 || d > 31 {
            return None;
        }
        let day = Day::from_ymd(y, m, d);
        (day.ymd() == (y, m, d)).then_some(day)
    }

    /// 0 = Monday.
    pub fn weekday(self) -> usize {
        // 1970-01-01 was a Thursday.
        (self.0 + 3).rem_euclid(7) as usize
    }

    pub fn weekday_name(self) -> &'static str {
        WEEKDAYS[self.weekday()]
    }

    pub fn month_name(self) -> &'static str {
        MONTHS[self.ymd().1 as usize - 1]
    }

    pub fn plus(self, n: i64) -> Day {
        Day(self.0 + n)
    }

    /// `YYYY-MM`.
    pub fn month_string(self) -> String {
        let (y, m, _) = self.ymd();
        format!("{y:04}-{m:02}")
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_weekdays() {
        let d = Day::parse("2025-02-06").unwrap();
        assert_eq!(d.to_string(), "2025-02-06");
        assert_eq!(d.weekday_name(), "Thursday");
        assert_eq!(
            Day::parse("2024-02-29").unwrap().plus(1).to_string(),
            "2024-03-01"
        );
        assert_eq!(Day::parse("2023-02-29"), None);
        for n in -1000..1000 {
            let (y, m, dd) = Day(n * 37).ymd();
            assert_eq!(Day::from_ymd(y, m, dd), Day(n * 37));
        }
    }
}
