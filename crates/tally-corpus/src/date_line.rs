//! The publication date an article may give on its first line:
//! `date 2025-06-12`, `Date: June 12, 2025`, `12 Jun 2025`, `2025/06/12`.
//!
//! With a `date` label the date may be followed by more text on the line
//! (` date 2025-06-12 Two men died.`); without one the line must be the
//! date alone, so a story's opening sentence is never taken for one.

use tally_model::IncidentDate;

/// What an article's first line says about its publication date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateLine {
    /// A date that was read.
    Date(IncidentDate),
    /// A line that looks like a date but is none ("date: 2025-13-45").
    Unreadable(String),
    /// Not a date line.
    Absent,
}

/// The most words a date takes ("June 12, 2025" is three).
const DATE_WORDS: usize = 3;

/// Longest first line read as a bare date ("Wednesday, 12 September 2025"
/// fits with room to spare).
const BARE_DATE_MAX_CHARS: usize = 40;

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Read the date of an article's first line (the text up to its first newline).
pub fn read_date_line(text: &str) -> DateLine {
    let line = text.lines().next().unwrap_or("").trim();
    if let Some(value) = strip_label(line) {
        let words: Vec<&str> = value.split_whitespace().collect();
        let read = (1..=DATE_WORDS.min(words.len()))
            .rev()
            .find_map(|n| parse_date(&words[..n].join(" ")));
        return match read {
            Some(date) => DateLine::Date(date),
            None if value.is_empty() => DateLine::Absent,
            None => DateLine::Unreadable(line.chars().take(BARE_DATE_MAX_CHARS).collect()),
        };
    }
    if line.chars().count() > BARE_DATE_MAX_CHARS {
        return DateLine::Absent;
    }
    match parse_date(line) {
        Some(date) => DateLine::Date(date),
        None if looks_like_a_date(line) => DateLine::Unreadable(line.to_string()),
        None => DateLine::Absent,
    }
}

/// The rest of a line labelled `date` (`date 2025-06-12`, `Date: ...`,
/// `DATE - ...`), or `None` without the label.
fn strip_label(line: &str) -> Option<&str> {
    let label = line.get(..4)?;
    if !label.eq_ignore_ascii_case("date") {
        return None;
    }
    let rest = &line[4..];
    let value = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ':' || c == '-');
    // "Dated", "Dateline": a word that only starts like the label.
    (value.len() < rest.len() || rest.is_empty()).then_some(value.trim())
}

/// `2025-06-12`, `2025/06/12`, `June 12, 2025`, `Jun. 12 2025`, `12 June 2025`, `12th June, 2025`.
fn parse_date(s: &str) -> Option<IncidentDate> {
    let cleaned = s.trim().trim_end_matches('.').replace(',', " ");
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let (year, month, day) = match words.as_slice() {
        [one] => numeric(one)?,
        [m, d, y] if month_number(m).is_some() => (number(y)?, month_number(m)?, day_number(d)?),
        [d, m, y] => (number(y)?, month_number(m)?, day_number(d)?),
        _ => return None,
    };
    if !(1000..=9999).contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    IncidentDate::parse(&format!("{year:04}-{month:02}-{day:02}"))
}

/// `2025-06-12` or `2025/06/12`: year, month, day.
fn numeric(s: &str) -> Option<(u32, u32, u32)> {
    let sep = if s.contains('/') { '/' } else { '-' };
    let parts: Vec<&str> = s.split(sep).collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => {
            Some((number(y)?, number(m)?, number(d)?))
        }
        _ => None,
    }
}

fn number(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `12`, `12th`, `1st`.
fn day_number(s: &str) -> Option<u32> {
    let lower = s.to_ascii_lowercase();
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| lower.strip_suffix(suffix))
        .unwrap_or(&lower);
    number(digits).filter(|d| digits.len() <= 2 && *d >= 1)
}

/// `June`, `jun`, `Jun.`, `Sept`: 1 to 12.
fn month_number(s: &str) -> Option<u32> {
    let word = s.trim_end_matches('.').to_ascii_lowercase();
    if word.len() < 3 {
        return None;
    }
    let is_month = |name: &str| name == word || (word.len() <= 4 && name.starts_with(&word));
    MONTHS
        .iter()
        .position(|name| is_month(name))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// A short line of only numbers, separators and month names, with a
/// number and either a month name or a numeric date's separators:
/// `2025-13-45`, `June 45, 2025`.
fn looks_like_a_date(line: &str) -> bool {
    let cleaned = line.replace(',', " ");
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let has_digits = |w: &str| w.bytes().any(|b| b.is_ascii_digit());
    let numeric_shape = |w: &str| {
        has_digits(w)
            && w.contains(['-', '/'])
            && w.bytes()
                .all(|b| b.is_ascii_digit() || b == b'-' || b == b'/')
    };
    let all_date_words = words.iter().all(|w| {
        month_number(w).is_some()
            || numeric_shape(w)
            || day_number(w).is_some()
            || number(w).is_some()
    });
    let month_named = words.iter().any(|w| month_number(w).is_some());
    let numbered = words.iter().any(|w| has_digits(w));
    !words.is_empty()
        && words.len() <= DATE_WORDS
        && all_date_words
        && numbered
        && (month_named || words.iter().any(|w| numeric_shape(w)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> DateLine {
        DateLine::Date(IncidentDate::day(y, m, d))
    }

    #[test]
    fn reads_the_common_forms() {
        for line in [
            " date 2025-06-12",
            " date 2025-06-12 Two men died.",
            "date: 2025-06-12",
            "Date: 2025-06-12\nPESHAWAR: ...",
            "DATE - 2025/06/12",
            "2025-06-12",
            "2025/06/12",
            "June 12, 2025",
            "Jun 12, 2025",
            "Jun. 12 2025",
            "12 June 2025",
            "12th June, 2025",
            "Date: June 12, 2025",
        ] {
            assert_eq!(read_date_line(line), date(2025, 6, 12), "{line:?}");
        }
    }

    #[test]
    fn warns_about_what_looks_like_a_date_but_is_none() {
        for line in [
            "date: 2025-13-45",
            "2025-13-45",
            "June 45, 2025",
            "Date: soon",
            // A month without its day is no publication day.
            "May 2025",
            "March 2024",
            "date: Sept 2023",
        ] {
            assert!(
                matches!(read_date_line(line), DateLine::Unreadable(_)),
                "{line:?}"
            );
        }
    }

    #[test]
    fn leaves_prose_and_headlines_alone() {
        for line in [
            "Two soldiers martyred in Bannu",
            "12 June 2025: militants attacked a check post in Bannu",
            "Dated material was found",
            "PESHAWAR: Police said on June 12, 2025 that ...",
            "",
            "3 killed",
        ] {
            assert_eq!(read_date_line(line), DateLine::Absent, "{line:?}");
        }
    }

    /// Every accepted way of writing a date.
    fn write(y: i32, m: u32, d: u32, form: usize) -> String {
        let month = MONTHS[(m - 1) as usize];
        let mut capitalised = month.to_string();
        capitalised[..1].make_ascii_uppercase();
        let short = &capitalised[..3];
        match form {
            0 => format!(" date {y:04}-{m:02}-{d:02}"),
            1 => format!("date: {y:04}-{m:02}-{d:02}"),
            2 => format!("Date: {y:04}/{m:02}/{d:02}"),
            3 => format!("{y:04}-{m:02}-{d:02}"),
            4 => format!("{y:04}/{m:02}/{d:02}"),
            5 => format!("{capitalised} {d}, {y}"),
            6 => format!("{short} {d}, {y}"),
            7 => format!("{d} {capitalised} {y}"),
            8 => format!("{d} {short} {y}"),
            _ => format!("Date: {short}. {d}, {y} The rest of the line."),
        }
    }

    proptest! {
        #[test]
        fn any_date_in_any_form_reads_back(
            y in 1000i32..=9999, m in 1u32..=12, d in 1u32..=31, form in 0usize..10
        ) {
            prop_assume!(d <= tally_model::days_in_month(y, m));
            let line = write(y, m, d, form);
            prop_assert_eq!(read_date_line(&line), date(y, m, d), "{}", line);
        }

        #[test]
        fn never_panics(s in "\\PC{0,60}") {
            let _ = read_date_line(&s);
        }

        #[test]
        fn never_panics_on_date_like_text(s in "(?i)(date)?[: -]{0,3}[0-9a-z/.,-]{0,6}( [0-9a-z/.,-]{0,6}){0,3}") {
            let _ = read_date_line(&s);
        }
    }
}
