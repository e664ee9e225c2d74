//! Stage: dates. Finds date expressions and resolves them against the
//! publication date: explicit ("February 17, 2023", "Dec 15", "1 December"),
//! month-only ("in January", "the November bombing"), weekdays ("early hours
//! of Thursday", "on Friday": the latest such day on or before publication),
//! "yesterday", "last year", "last month", "days earlier", and chained
//! phrases ("the day before") resolved against the previous date in the text.

use crate::document::{DateKind, DateMention, Document};
use tally_lexicon::{tokenize, Lexicon, Token, TokenKind};
use tally_model::IncidentDate;

/// Month number of a month name or abbreviation ("Feb", "Sept"). Asked of
/// nearly every token, so one `match` rather than a search of name lists.
pub fn month_of(word: &str) -> Option<u32> {
    Some(match word {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    })
}

/// 0 = Sunday.
fn weekday_of(word: &str) -> Option<u32> {
    Some(match word {
        "sunday" => 0,
        "monday" => 1,
        "tuesday" => 2,
        "wednesday" => 3,
        "thursday" => 4,
        "friday" => 5,
        "saturday" => 6,
        _ => return None,
    })
}

/// 0 = Sunday.
pub fn weekday(date: &IncidentDate) -> u32 {
    (date.ordinal() + 4).rem_euclid(7) as u32
}

/// The day-precise date `days` after (or before, when negative) `date`.
pub fn add_days(date: &IncidentDate, days: i64) -> IncidentDate {
    from_ordinal(date.ordinal() + days)
}

fn from_ordinal(z: i64) -> IncidentDate {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    IncidentDate::day((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

/// Parse a stand-alone date such as "August 26, 2024" or "06 Feb, 2022 07:24am".
pub fn parse_loose_date(s: &str) -> Option<IncidentDate> {
    let toks = tokenize(s);
    (0..toks.len().min(4)).find_map(|i| match explicit_at(&toks, i) {
        Some((d, _)) if d.day.is_some() => Some(d),
        _ => None,
    })
}

/// An explicit date at token `i`: (date with year 0 when the year is not
/// written, tokens used).
fn explicit_at(t: &[Token], i: usize) -> Option<(IncidentDate, usize)> {
    let word = |k: usize| t.get(k).map(|x| x.lower.as_str()).unwrap_or("");
    let num = |k: usize| {
        t.get(k)
            .filter(|x| x.kind == TokenKind::Number)
            .and_then(|x| x.lower.parse::<u32>().ok())
    };
    let ordinal_suffix = |k: usize| matches!(word(k), "st" | "nd" | "rd" | "th");
    let year_at = |k: usize| num(k).filter(|y| (1900..=2100).contains(y));
    // Month Day[, Year] | Month Year | Month
    if let Some(m) = month_of(word(i)) {
        // "May" as a verb: only a month when a day or year follows.
        let mut k = i + 1;
        if word(k) == "." {
            k += 1;
        }
        if let Some(d) = num(k).filter(|d| (1..=31).contains(d)) {
            let mut e = k + 1;
            if ordinal_suffix(e) {
                e += 1;
            }
            let mut year = 0;
            let mut y = e;
            if word(y) == "," {
                y += 1;
            }
            if let Some(yr) = year_at(y) {
                year = yr as i32;
                e = y + 1;
            }
            return valid(year, m, Some(d)).map(|dt| (dt, e - i));
        }
        if let Some(yr) = year_at(k) {
            return Some((IncidentDate::month(yr as i32, m), k + 1 - i));
        }
        if word(i) == "may" || !t.get(i).is_some_and(|x| x.capitalized) {
            return None;
        }
        return Some((
            IncidentDate {
                year: 0,
                month: Some(m),
                day: None,
            },
            1,
        ));
    }
    // Day Month [Year]: "1 December", "17th February 2023", "06 Feb, 2022"
    if let Some(d) = num(i).filter(|d| (1..=31).contains(d)) {
        let mut k = i + 1;
        if ordinal_suffix(k) {
            k += 1;
        }
        if word(k) == "of" {
            k += 1;
        }
        let m = month_of(word(k))?;
        if word(k) == "may" && !t.get(k).is_some_and(|x| x.capitalized) {
            return None;
        }
        let mut e = k + 1;
        let mut y = e;
        if word(y) == "," || word(y) == "." {
            y += 1;
        }
        let mut year = 0;
        if let Some(yr) = year_at(y) {
            year = yr as i32;
            e = y + 1;
        }
        return valid(year, m, Some(d)).map(|dt| (dt, e - i));
    }
    None
}

fn valid(year: i32, m: u32, d: Option<u32>) -> Option<IncidentDate> {
    let check_year = if year == 0 { 2000 } else { year };
    let dt = IncidentDate {
        year: check_year,
        month: Some(m),
        day: d,
    };
    IncidentDate::parse(&dt.to_string())?;
    Some(IncidentDate { year, ..dt })
}

pub fn run(doc: &mut Document, lex: &Lexicon) {
    let year_hint = doc
        .published
        .map(|p| p.year)
        .or_else(|| latest_written_year(doc));
    let mut out: Vec<DateMention> = Vec::new();
    for (si, s) in doc.sentences.iter().enumerate() {
        let toks = &doc.tokens[s.tok_start..s.tok_end];
        let mut i = 0;
        while i < toks.len() {
            let counted = counted_ago(doc, lex, s.tok_start + i, out.last());
            let Some((date, kind, used)) =
                counted.or_else(|| find_at(toks, i, doc.published, year_hint, out.last()))
            else {
                i += 1;
                continue;
            };
            out.push(DateMention {
                sentence: si,
                tok_start: s.tok_start + i,
                tok_end: s.tok_start + i + used,
                date,
                kind,
                reporting: is_reporting(toks, i, lex),
            });
            i += used;
        }
    }
    doc.dates = out;
}

/// `date.counted_ago`: "three days ago", "2 days back" (the publication day
/// minus N), "two days earlier" (the date before it minus N), "three weeks
/// ago" (that month: weeks are too loose for a day).
fn counted_ago(
    doc: &Document,
    lex: &Lexicon,
    at: usize,
    previous: Option<&DateMention>,
) -> Option<(Option<IncidentDate>, DateKind, usize)> {
    // The figure stage leaves "three days" out as a measure: read it here.
    let (value, len, open) = crate::numbers::value_at(&doc.tokens, at, lex)?;
    if open {
        return None;
    }
    let w = |k: usize| doc.tokens.get(k).map(|t| t.lower.as_str()).unwrap_or("");
    let (unit, dir) = (w(at + len), w(at + len + 1));
    let used = len + 2;
    let days = i64::from(value);
    match (unit, dir) {
        ("day" | "days", "ago" | "back") => doc
            .published
            .map(|p| (Some(add_days(&p, -days)), DateKind::Relative, used)),
        ("day" | "days", "earlier" | "before") => {
            let base = previous.and_then(|p| p.date).filter(|d| d.day.is_some());
            Some((base.map(|b| add_days(&b, -days)), DateKind::Chained, used))
        }
        ("week" | "weeks", "ago" | "back" | "earlier") => doc.published.map(|p| {
            let d = add_days(&p, -7 * days);
            (
                Some(IncidentDate::month(d.year, d.month.unwrap_or(1))),
                DateKind::Vague,
                used,
            )
        }),
        _ => None,
    }
}

/// The largest year written with a full date in the text, for articles
/// without a publication date.
fn latest_written_year(doc: &Document) -> Option<i32> {
    let toks = &doc.tokens;
    (0..toks.len())
        .filter_map(|i| explicit_at(toks, i).map(|(d, _)| d.year))
        .filter(|y| *y > 0)
        .max()
}

fn find_at(
    t: &[Token],
    i: usize,
    published: Option<IncidentDate>,
    year_hint: Option<i32>,
    previous: Option<&DateMention>,
) -> Option<(Option<IncidentDate>, DateKind, usize)> {
    let first = t.get(i)?;
    if first.kind != TokenKind::Number && !opens_date(&first.lower) {
        return None;
    }
    let w = |k: usize| t.get(k).map(|x| x.lower.as_str()).unwrap_or("");
    if let Some((d, used)) = explicit_at(t, i) {
        return Some((
            resolve_explicit(d, published, year_hint),
            DateKind::Explicit,
            used,
        ));
    }
    if let Some(wd) = weekday_of(w(i)) {
        if !t[i].capitalized {
            return None;
        }
        let date = published.map(|p| {
            let back = (weekday(&p) + 7 - wd) % 7;
            add_days(&p, -(back as i64))
        });
        return Some((date, DateKind::Relative, 1));
    }
    let pub_rel = |days: i64| published.map(|p| add_days(&p, days));
    match (w(i), w(i + 1), w(i + 2)) {
        ("yesterday", _, _) => Some((pub_rel(-1), DateKind::Relative, 1)),
        ("today", _, _) | ("tonight", _, _) => Some((pub_rel(0), DateKind::Relative, 1)),
        ("last", "night", _) | ("this", "morning", _) => Some((pub_rel(0), DateKind::Relative, 2)),
        ("last", "year", _) => Some((
            published.map(|p| IncidentDate::year(p.year - 1)),
            DateKind::Vague,
            2,
        )),
        ("last", "month", _) => Some((published.map(|p| month_shift(&p, -1)), DateKind::Vague, 2)),
        ("this", "month", _) | ("earlier", "this", "month") => Some((
            published.map(|p| month_shift(&p, 0)),
            DateKind::Vague,
            if w(i) == "this" { 2 } else { 3 },
        )),
        ("days", "earlier", _) | ("days", "ago", _) | ("few", "days", _) => {
            Some((pub_rel(-3).map(|d| month_shift(&d, 0)), DateKind::Vague, 2))
        }
        ("the", "day", "before") | ("a", "day", "earlier") | ("the", "previous", "day") => {
            let base = previous.and_then(|p| p.date).filter(|d| d.day.is_some());
            Some((base.map(|b| add_days(&b, -1)), DateKind::Chained, 3))
        }
        ("the", "next", "day") | ("a", "day", "later") | ("the", "following", "day") => {
            let base = previous.and_then(|p| p.date).filter(|d| d.day.is_some());
            Some((base.map(|b| add_days(&b, 1)), DateKind::Chained, 3))
        }
        (y, _, _) if is_year_word(t, i) => {
            let yr: i32 = y.parse().ok()?;
            Some((Some(IncidentDate::year(yr)), DateKind::Explicit, 1))
        }
        _ => None,
    }
}

/// Can a date expression that starts with a word start with this one (a
/// month or weekday name, or the first word of a phrase `find_at` reads)?
/// Asked of every word, and false for nearly all: one `match`.
fn opens_date(word: &str) -> bool {
    matches!(
        word,
        "january"
            | "jan"
            | "february"
            | "feb"
            | "march"
            | "mar"
            | "april"
            | "apr"
            | "may"
            | "june"
            | "jun"
            | "july"
            | "jul"
            | "august"
            | "aug"
            | "september"
            | "sep"
            | "sept"
            | "october"
            | "oct"
            | "november"
            | "nov"
            | "december"
            | "dec"
            | "sunday"
            | "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "yesterday"
            | "today"
            | "tonight"
            | "last"
            | "this"
            | "earlier"
            | "days"
            | "few"
            | "the"
            | "a"
    )
}

/// "in 2021", "since 2014", "between 2006 and 2023", "from 2019 to 2024":
/// a bare year after a preposition or as the end of a period.
fn is_year_word(t: &[Token], i: usize) -> bool {
    let Some(tok) = t.get(i) else { return false };
    tok.kind == TokenKind::Number
        && tok.lower.len() == 4
        && tok
            .lower
            .parse::<u32>()
            .is_ok_and(|y| (1950..=2100).contains(&y))
        && i.checked_sub(1).and_then(|p| t.get(p)).is_some_and(|p| {
            matches!(
                p.lower.as_str(),
                "in" | "since" | "of" | "during" | "between" | "from"
            ) || (matches!(p.lower.as_str(), "and" | "to" | "till" | "until")
                && i >= 2
                && is_year_word(t, i - 2))
                // "the 2019 bombing", "the 2016 park attack"
                || (p.lower == "the"
                    && t.get(i + 1).is_some_and(|n| {
                        n.is_word() && !matches!(n.lower.as_str(), "people" | "persons")
                    }))
        })
}

fn month_shift(d: &IncidentDate, months: i32) -> IncidentDate {
    let m0 = d.year * 12 + d.month.unwrap_or(1) as i32 - 1 + months;
    IncidentDate::month(m0.div_euclid(12), (m0.rem_euclid(12) + 1) as u32)
}

/// Fill in a missing year: the publication year, or the year before when the
/// date would otherwise be after publication.
fn resolve_explicit(
    d: IncidentDate,
    published: Option<IncidentDate>,
    hint: Option<i32>,
) -> Option<IncidentDate> {
    if d.year != 0 {
        return Some(d);
    }
    let year = published.map(|p| p.year).or(hint)?;
    let mut out = IncidentDate { year, ..d };
    if let Some(p) = published {
        let too_late = match out.day {
            Some(_) => out.ordinal() > p.ordinal() + 2,
            None => out.month > p.month,
        };
        if too_late {
            out.year -= 1;
        }
    }
    Some(out)
}

/// "said on Tuesday", "told reporters on Monday", "confirmed on Saturday that".
fn is_reporting(t: &[Token], i: usize, lex: &Lexicon) -> bool {
    let lo = i.saturating_sub(4);
    let report_at = |k: usize| {
        lex.markers
            .matches_at(t, k)
            .find(|m| *m.value == tally_lexicon::Marker::Report)
    };
    // "said on Tuesday": a reporting verb a few words before "on" + date;
    // "said today", "issued yesterday": the date right after the verb.
    let after_on = (lo..i).any(|k| report_at(k).is_some())
        && t.get(i.wrapping_sub(1)).is_some_and(|p| p.lower == "on");
    let right_after = (lo..i).any(|k| report_at(k).is_some_and(|m| k + m.len == i));
    after_on || right_after
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const WEEKDAYS: [&str; 7] = [
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
    ];

    fn first_date(text: &str, published: &str) -> Option<IncidentDate> {
        let Ok(lex) = Lexicon::try_embedded() else {
            panic!("embedded data broken")
        };
        let mut doc = Document {
            text,
            published: IncidentDate::parse(published),
            ..Default::default()
        };
        crate::clean::run(&mut doc, lex);
        run(&mut doc, lex);
        doc.dates.first().and_then(|d| d.date)
    }

    #[test]
    fn resolves_weekdays_against_publication() {
        // 2025-02-06 is a Thursday.
        assert_eq!(
            first_date(
                "In the early hours of Thursday, gunmen struck.",
                "2025-02-06"
            )
            .map(|d| d.to_string()),
            Some("2025-02-06".into())
        );
        assert_eq!(
            first_date("Gunmen struck on Friday.", "2023-02-18").map(|d| d.to_string()),
            Some("2023-02-17".into())
        );
    }

    #[test]
    fn resolves_explicit_and_month_dates() {
        assert_eq!(
            first_date("On February 17, 2023, militants attacked.", "").map(|d| d.to_string()),
            Some("2023-02-17".into())
        );
        assert_eq!(
            first_date("On February 3, a team was ambushed.", "2025-02-06").map(|d| d.to_string()),
            Some("2025-02-03".into())
        );
        assert_eq!(
            first_date("the November bombing killed seven.", "2025-02-06").map(|d| d.to_string()),
            Some("2024-11".into())
        );
        assert_eq!(
            first_date("On Dec 15 a blast hit.", "2024-01-10").map(|d| d.to_string()),
            Some("2023-12-15".into())
        );
        assert_eq!(
            first_date("launched on 1 December after", "2025-12-02").map(|d| d.to_string()),
            Some("2025-12-01".into())
        );
        assert_eq!(
            first_date("a bus blast last year", "2022-04-26").map(|d| d.to_string()),
            Some("2021".into())
        );
    }

    #[test]
    fn every_month_and_weekday_name_opens_a_date() {
        let months = [
            "january",
            "jan",
            "february",
            "feb",
            "march",
            "mar",
            "april",
            "apr",
            "may",
            "june",
            "jun",
            "july",
            "jul",
            "august",
            "aug",
            "september",
            "sep",
            "sept",
            "october",
            "oct",
            "november",
            "nov",
            "december",
            "dec",
        ];
        for m in months {
            assert!(month_of(m).is_some() && opens_date(m), "{m}");
        }
        for w in WEEKDAYS {
            assert!(weekday_of(w).is_some() && opens_date(w), "{w}");
        }
    }

    #[test]
    fn chains_the_day_before() {
        let Ok(lex) = Lexicon::try_embedded() else {
            panic!()
        };
        let text = "On January 22, a blast hit. The day before, gunmen struck.";
        let mut doc = Document {
            text,
            published: IncidentDate::parse("2023-01-30"),
            ..Default::default()
        };
        crate::clean::run(&mut doc, lex);
        run(&mut doc, lex);
        let ds: Vec<String> = doc
            .dates
            .iter()
            .filter_map(|d| d.date)
            .map(|d| d.to_string())
            .collect();
        assert_eq!(ds, vec!["2023-01-22", "2023-01-21"]);
    }

    proptest! {
        #[test]
        fn ordinal_round_trips(z in -100_000i64..100_000) {
            let d = from_ordinal(z);
            prop_assert_eq!(d.ordinal(), z);
        }

        #[test]
        fn weekday_resolution_is_within_a_week_before(z in 10_000i64..30_000, wd in 0usize..7) {
            let published = from_ordinal(z);
            let text = format!("It happened on {}.", {
                let w = WEEKDAYS[wd];
                let mut c = w.chars();
                c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
            });
            let Some(d) = first_date(&text, &published.to_string()) else { return Err(TestCaseError::fail("no date")) };
            let back = published.ordinal() - d.ordinal();
            prop_assert!((0..7).contains(&back));
            prop_assert_eq!(weekday(&d) as usize, wd);
        }
    }
}
