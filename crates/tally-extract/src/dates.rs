//! Stage: dates. Finds date expressions and resolves them against the
//! publication date: explicit ("February 17, 2023", "Dec 15", "1 December",
//! "Thursday, September 3, 2020", "03/14/2024"), month-only ("in January",
//! "the November bombing"), weekdays ("early hours of Thursday", "on
//! Friday": the latest such day on or before publication; "last Sunday":
//! before it), counted ones ("three days ago", "2 Thursdays ago", "the first
//! Monday of last month"), the phrases of `lexicon/en/dates.tsv` counted
//! from publication ("the day before yesterday", "last month") or from the
//! date before them in the text ("the day before", "the same night"), and
//! the dates of the datelines `clean` took off (an item's heading, a wire
//! dateline's filing day).
//!
//! reads: tokens, sentences, datelines; writes: dates.
//!
//! Classes: `date.relative_day`, `date.vague_recent`, `date.chained_day`,
//! `date.after_event` ("a day after the attack": its day within),
//! `date.same_day` (data rows); `date.counted_ago`, `date.counted_weekdays`,
//! `date.last_weekday`, `date.nth_weekday_of_month`, `date.numeric`,
//! `date.weekday_with_date`, `date.item_heading`, `date.dateline`,
//! `date.title_year`, `date.reporting` (code).

use crate::document::{DateKind, DateMention, Document};
use tally_lexicon::{tokenize, DateAnchor, DatePhrase, DateUnit, Lexicon, Token, TokenKind};
use tally_model::{IncidentDate, Precision};

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

/// A weekday's name or its short form ("Mon", "Thurs").
fn is_weekday_word(word: &str) -> bool {
    weekday_of(word).is_some()
        || matches!(
            word,
            "sun" | "mon" | "tue" | "tues" | "wed" | "thu" | "thur" | "thurs" | "fri" | "sat"
        )
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

/// What a date expression is resolved against.
#[derive(Clone, Copy)]
struct Context<'l> {
    published: Option<IncidentDate>,
    /// The year of a date written without one when the article has no
    /// publication date.
    year_hint: Option<i32>,
    /// The day of the date before in the text (`previous` in dates.tsv).
    previous: Option<IncidentDate>,
    lex: &'l Lexicon,
}

pub fn run(doc: &mut Document, lex: &Lexicon) {
    let year_hint = doc
        .published
        .map(|p| p.year)
        .or_else(|| title_year(doc))
        .or_else(|| latest_written_year(doc));
    let mut out: Vec<DateMention> = Vec::new();
    let mut heads = doc.datelines.iter().peekable();
    let mut ctx = Context {
        published: doc.published,
        year_hint,
        previous: None,
        lex,
    };
    for (si, s) in doc.sentences.iter().enumerate() {
        while let Some(head) = heads.next_if(|h| h.sentence <= si) {
            if head.sentence < si {
                continue;
            }
            if let Some((date, kind, leads)) = dateline_date(&head.tokens, &ctx) {
                out.push(DateMention {
                    sentence: si,
                    tok_start: s.tok_start,
                    tok_end: s.tok_start,
                    date: Some(date),
                    kind,
                    reporting: !leads,
                });
                ctx.previous = previous_day(&out);
            }
        }
        let toks = &doc.tokens[s.tok_start..s.tok_end];
        let mut i = 0;
        while i < toks.len() {
            let counted = counted_ago(doc, lex, s.tok_start + i, &ctx);
            let Some((date, kind, used)) = counted.or_else(|| find_at(toks, i, &ctx)) else {
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
            ctx.previous = previous_day(&out);
            i += used;
        }
    }
    doc.dates = out;
}

/// The day a chained phrase ("the day before", "the same night") counts
/// from: the date written last before it, passing over the day something
/// was said ("attacked on Monday, police said on Tuesday"); none when that
/// date is not known to the day ("early this month ... the same day").
fn previous_day(out: &[DateMention]) -> Option<IncidentDate> {
    let dated = |d: &&DateMention| d.date.is_some();
    out.iter()
        .rev()
        .filter(dated)
        .find(|d| !d.reporting)
        .or_else(|| out.iter().rev().find(dated))
        .and_then(|d| d.date)
        .filter(|d| d.day.is_some())
}

/// `date.item_heading` / `date.dateline`: the date a dateline gives the
/// line it heads, and whether it leads the dateline. A digest's item
/// opens with its date ("12 Jan — Peshawar:", "- Thursday, September 3,
/// 2020:"): the day of the event it tells. A wire dateline names the place
/// first ("QUETTA, May 3:", "Lahore, Wednesday"): the day the report was
/// filed, a date the story falls back on (reported).
fn dateline_date(tokens: &[Token], ctx: &Context) -> Option<(IncidentDate, DateKind, bool)> {
    let first = tokens.iter().position(|t| t.kind != TokenKind::Punct)?;
    let mut found: Option<(IncidentDate, DateKind, bool)> = None;
    let mut i = first;
    while i < tokens.len() {
        match find_at(tokens, i, ctx) {
            Some((Some(d), kind, used)) => {
                let better = found.is_none_or(|(f, _, _)| f.day.is_none() && d.day.is_some());
                if better {
                    // Only a written date heads an item ("Today, Iran —"
                    // opens a headline, not an item of a digest).
                    found = Some((d, kind, i == first && kind == DateKind::Explicit));
                }
                i += used;
            }
            Some((None, _, used)) => i += used,
            None => i += 1,
        }
    }
    found
}

/// `date.title_year`: a year written in the title ("2019 IN REVIEW",
/// "SECURITY DIGEST: FEBRUARY 16-24, 2026") is the year of the dates its
/// items write without one, when the article has no publication date.
fn title_year(doc: &Document) -> Option<i32> {
    let title_end = doc
        .sentences
        .iter()
        .position(|s| !s.headline)
        .unwrap_or(doc.sentences.len());
    let in_title = doc
        .datelines
        .iter()
        .filter(|d| d.sentence <= title_end)
        .flat_map(|d| d.tokens.iter())
        .chain(
            doc.sentences[..title_end]
                .iter()
                .flat_map(|s| &doc.tokens[s.tok_start..s.tok_end]),
        );
    in_title
        .filter(|t| t.kind == TokenKind::Number && t.lower.len() == 4)
        .filter_map(|t| t.lower.parse::<i32>().ok())
        .filter(|y| (1950..=2100).contains(y))
        .max()
}

/// `date.counted_ago`: "three days ago", "2 days back" (the publication day
/// minus N), "two days earlier" (the date before it minus N), "three weeks
/// ago" (that month: weeks are too loose for a day).
/// `date.counted_weekdays`: "2 Thursdays ago" is the last Thursday before
/// publication, one week further back for each Thursday counted past one.
fn counted_ago(
    doc: &Document,
    lex: &Lexicon,
    at: usize,
    ctx: &Context,
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
    if let Some(wd) = unit.strip_suffix('s').and_then(weekday_of) {
        if !matches!(dir, "ago" | "back") || value == 0 {
            return None;
        }
        let date = ctx
            .published
            .map(|p| add_days(&last_weekday_before(&p, wd), -7 * (days - 1)));
        return Some((date, DateKind::Relative, used));
    }
    match (unit, dir) {
        ("day" | "days", "ago" | "back") => ctx
            .published
            .map(|p| (Some(add_days(&p, -days)), DateKind::Relative, used)),
        ("day" | "days", "earlier" | "before") => Some((
            ctx.previous.map(|b| add_days(&b, -days)),
            DateKind::Chained,
            used,
        )),
        ("week" | "weeks", "ago" | "back" | "earlier") => ctx.published.map(|p| {
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

/// The latest `weekday` strictly before `date` (one to seven days back).
fn last_weekday_before(date: &IncidentDate, wd: u32) -> IncidentDate {
    let back = (weekday(date) + 7 - wd) % 7;
    add_days(date, -(if back == 0 { 7 } else { back as i64 }))
}

/// The latest `weekday` on or before `date`.
fn weekday_on_or_before(date: &IncidentDate, wd: u32) -> IncidentDate {
    let back = (weekday(date) + 7 - wd) % 7;
    add_days(date, -(back as i64))
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

/// A date expression at token `i`: (date, kind, tokens used). Asked of
/// every token, and nearly every token starts none: the quick answer is
/// given here, inline; the shapes are read out of line.
#[inline]
fn find_at(
    t: &[Token],
    i: usize,
    ctx: &Context,
) -> Option<(Option<IncidentDate>, DateKind, usize)> {
    let first = t.get(i)?;
    if let Some(m) = ctx.lex.dates.match_at(t, i) {
        return Some(resolve_phrase(m.value, ctx, m.len));
    }
    if first.kind != TokenKind::Number && !opens_date(&first.lower) {
        return None;
    }
    find_shape_at(t, i, ctx)
}

#[inline(never)]
fn find_shape_at(
    t: &[Token],
    i: usize,
    ctx: &Context,
) -> Option<(Option<IncidentDate>, DateKind, usize)> {
    let w = |k: usize| t.get(k).map(|x| x.lower.as_str()).unwrap_or("");
    let published = ctx.published;
    if let Some((d, used)) = numeric_at(t, i, published) {
        return Some((Some(d), DateKind::Explicit, used));
    }
    if let Some((d, mut used)) = explicit_at(t, i) {
        // "April 18 (Thursday)", "16 Feb (Mon)": the weekday in brackets
        // names the same day (`date.weekday_with_date`).
        if d.day.is_some() && w(i + used) == "(" && is_weekday_word(w(i + used + 1)) {
            used += 2;
            if w(i + used) == ")" {
                used += 1;
            }
        }
        return Some((
            resolve_explicit(d, published, ctx.year_hint),
            DateKind::Explicit,
            used,
        ));
    }
    if let Some(found) = nth_weekday_of_month(t, i, ctx) {
        return Some(found);
    }
    if let Some(wd) = weekday_of(w(i)) {
        if !t[i].capitalized {
            return None;
        }
        // `date.weekday_with_date`: "Thursday, September 3, 2020",
        // "Monday 6 July": the weekday names the written date.
        let k = if w(i + 1) == "," { i + 2 } else { i + 1 };
        if let Some((d, used)) = explicit_at(t, k).filter(|(d, _)| d.day.is_some()) {
            return Some((
                resolve_explicit(d, published, ctx.year_hint),
                DateKind::Explicit,
                k - i + used,
            ));
        }
        // `date.last_weekday`: "on Sunday last" is the last Sunday
        // before the publication day, as "last Sunday" is.
        if w(i + 1) == "last" {
            let date = published.map(|p| last_weekday_before(&p, wd));
            return Some((date, DateKind::Relative, 2));
        }
        let date = published.map(|p| weekday_on_or_before(&p, wd));
        return Some((date, DateKind::Relative, 1));
    }
    // `date.last_weekday`: "last Sunday", "last Friday night": the latest
    // such day before the publication day (a week back when published on one).
    if w(i) == "last" {
        if let Some(wd) = weekday_of(w(i + 1)) {
            let date = published.map(|p| last_weekday_before(&p, wd));
            return Some((date, DateKind::Relative, 2));
        }
    }
    match w(i) {
        y if is_year_word(t, i) => {
            let yr: i32 = y.parse().ok()?;
            Some((Some(IncidentDate::year(yr)), DateKind::Explicit, 1))
        }
        _ => None,
    }
}

/// A phrase of dates.tsv resolved against its anchor.
fn resolve_phrase(
    p: &DatePhrase,
    ctx: &Context,
    used: usize,
) -> (Option<IncidentDate>, DateKind, usize) {
    let (anchor, kind) = match p.anchor {
        DateAnchor::Published => (
            ctx.published,
            if p.precision == Precision::Day {
                DateKind::Relative
            } else {
                DateKind::Vague
            },
        ),
        DateAnchor::Previous => (ctx.previous, DateKind::Chained),
    };
    let offset = i64::from(p.offset);
    let date = anchor.map(|a| {
        let moved = match p.unit {
            DateUnit::Day => add_days(&a, offset),
            DateUnit::Week => add_days(&a, 7 * offset),
            DateUnit::Month => month_shift(&a, p.offset),
            DateUnit::Year => IncidentDate::year(a.year + p.offset),
        };
        match p.precision {
            Precision::Day => moved,
            Precision::Month => month_shift(&moved, 0),
            Precision::Year => IncidentDate::year(moved.year),
        }
    });
    (date, kind, used)
}

/// `date.nth_weekday_of_month`: "the first Monday of last month", "the
/// second Friday of March", "the last Sunday of this month".
fn nth_weekday_of_month(
    t: &[Token],
    i: usize,
    ctx: &Context,
) -> Option<(Option<IncidentDate>, DateKind, usize)> {
    let w = |k: usize| t.get(k).map(|x| x.lower.as_str()).unwrap_or("");
    let k = if w(i) == "the" { i + 1 } else { i };
    let nth: i64 = match w(k) {
        "first" => 1,
        "second" => 2,
        "third" => 3,
        "fourth" => 4,
        "fifth" => 5,
        "last" => -1,
        _ => return None,
    };
    let wd = weekday_of(w(k + 1))?;
    if w(k + 2) != "of" {
        return None;
    }
    let m = k + 3;
    let (month, kind, end) = match (w(m), w(m + 1)) {
        ("last", "month") => (
            ctx.published.map(|p| month_shift(&p, -1)),
            DateKind::Relative,
            m + 2,
        ),
        ("this", "month") => (
            ctx.published.map(|p| month_shift(&p, 0)),
            DateKind::Relative,
            m + 2,
        ),
        _ => {
            let (d, used) = explicit_at(t, m).filter(|(d, _)| d.day.is_none())?;
            (
                resolve_explicit(d, ctx.published, ctx.year_hint),
                DateKind::Explicit,
                m + used,
            )
        }
    };
    let date = month.and_then(|mo| {
        let m_no = mo.month?;
        let first = IncidentDate::day(mo.year, m_no, 1);
        let last = IncidentDate::day(mo.year, m_no, tally_model::days_in_month(mo.year, m_no));
        Some(if nth > 0 {
            let ahead = (wd + 7 - weekday(&first)) % 7;
            add_days(&first, i64::from(ahead) + 7 * (nth - 1))
        } else {
            weekday_on_or_before(&last, wd)
        })
        .filter(|d| d.month == Some(m_no))
    });
    Some((date, kind, end - i))
}

/// `date.numeric`: "11/06/2024", "6-11-2024" (a record's date): month first
/// as database records write it, unless only the other reading is a date,
/// or only it falls on or before the publication day.
fn numeric_at(
    t: &[Token],
    i: usize,
    published: Option<IncidentDate>,
) -> Option<(IncidentDate, usize)> {
    let num = |k: usize| {
        t.get(k)
            .filter(|x| x.kind == TokenKind::Number && x.lower.len() <= 4)
            .and_then(|x| x.lower.parse::<u32>().ok())
    };
    let sep = t.get(i + 1).map(|x| x.lower.as_str())?;
    if !matches!(sep, "/" | "-") || t.get(i + 3).is_none_or(|x| x.lower != sep) {
        return None;
    }
    let (a, b) = (num(i)?, num(i + 2)?);
    let year = num(i + 4).filter(|y| (1950..=2100).contains(y) && t[i + 4].lower.len() == 4)?;
    let year = year as i32;
    let month_first = valid(year, a, Some(b));
    let day_first = valid(year, b, Some(a));
    let not_after = |d: &IncidentDate| published.is_none_or(|p| d.ordinal() <= p.ordinal() + 2);
    let date = match (month_first, day_first) {
        (Some(m), Some(d)) if m != d && !not_after(&m) && not_after(&d) => d,
        (Some(m), _) => m,
        (None, Some(d)) => d,
        (None, None) => return None,
    };
    Some((date, 5))
}

/// Can a date expression that starts with a word start with this one (a
/// month or weekday name, or the first word of a shape `find_at` reads;
/// the phrases of dates.tsv are looked up on their own)?
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
            | "last"
            | "the"
            | "first"
            | "second"
            | "third"
            | "fourth"
            | "fifth"
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

/// `date.reporting`: "said on Tuesday", "told reporters on Monday",
/// "confirmed on Saturday that": the day something was said, not done.
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

    fn all_dates(text: &str, published: &str) -> Vec<String> {
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
        doc.dates
            .iter()
            .map(|d| d.date.map_or("-".to_string(), |x| x.to_string()))
            .collect()
    }

    fn day_of(text: &str, published: &str) -> Option<String> {
        first_date(text, published).map(|d| d.to_string())
    }

    #[test]
    fn reads_relative_day_phrases_from_the_data() {
        // 2025-05-08 is a Thursday.
        assert_eq!(
            day_of("It happened the day before yesterday.", "2025-05-08"),
            Some("2025-05-06".into())
        );
        assert_eq!(
            day_of("It happened the night before last.", "2025-05-08"),
            Some("2025-05-06".into())
        );
        assert_eq!(
            day_of("Gunmen struck yesterday.", "2025-05-08"),
            Some("2025-05-07".into())
        );
        assert_eq!(
            day_of("Attacks rose last week.", "2025-05-08"),
            Some("2025-05".into())
        );
    }

    #[test]
    fn last_weekday_is_strictly_before_publication() {
        // 2024-10-06 is a Sunday: "last Sunday" is a week back, "on Sunday" that day.
        assert_eq!(
            day_of("It happened last Sunday.", "2024-10-06"),
            Some("2024-09-29".into())
        );
        assert_eq!(
            day_of("It happened on Sunday last.", "2024-10-06"),
            Some("2024-09-29".into())
        );
        assert_eq!(
            day_of("It happened on Sunday.", "2024-10-06"),
            Some("2024-10-06".into())
        );
    }

    #[test]
    fn nth_weekday_of_a_month() {
        assert_eq!(
            day_of(
                "It happened on the first Monday of last month.",
                "2025-04-10"
            ),
            Some("2025-03-03".into())
        );
        assert_eq!(
            day_of("It happened on the last Sunday of January.", "2025-02-03"),
            Some("2025-01-26".into())
        );
        assert_eq!(
            day_of("It happened on the second Friday of March 2024.", ""),
            Some("2024-03-08".into())
        );
        // A fifth Monday that the month lacks gives no day.
        assert_eq!(
            first_date("the fifth Monday of February 2026 and", ""),
            None
        );
    }

    #[test]
    fn numeric_dates_read_month_first_unless_only_day_first_fits() {
        assert_eq!(day_of("03/14/2024: a blast", ""), Some("2024-03-14".into()));
        assert_eq!(day_of("14/03/2024: a blast", ""), Some("2024-03-14".into()));
        // 06/05/2024 published 7 May: June 5 is after publication.
        assert_eq!(
            day_of("06/05/2024: a blast", "2024-05-07"),
            Some("2024-05-06".into())
        );
        // No year: a post number or a fraction, not a date.
        assert_eq!(first_date("post 12/5 was hit", "2024-05-07"), None);
    }

    #[test]
    fn a_weekday_names_the_written_date_beside_it() {
        assert_eq!(
            all_dates("On Monday, 6 July 2015, gunmen struck.", "2015-07-20"),
            vec!["2015-07-06"]
        );
        assert_eq!(
            all_dates(
                "April 18 (Thursday, before dawn) gunmen struck.",
                "2019-04-25"
            ),
            vec!["2019-04-18"]
        );
    }

    #[test]
    fn same_day_phrases_take_the_day_before_them() {
        let text =
            "Gunmen struck on Monday, police said on Tuesday. The same night a bomb went off.";
        assert_eq!(
            all_dates(text, "2025-01-22"),
            vec!["2025-01-20", "2025-01-21", "2025-01-20"]
        );
        // Early this month is no day: "the same day" gives none.
        let text = "Early this month a post was hit. The same day a bomb went off.";
        assert_eq!(all_dates(text, "2025-01-22"), vec!["2025-01", "-"]);
    }

    #[test]
    fn item_headings_and_title_years_date_a_digest() {
        let text = "SECURITY WEEK: 3-9 MARCH 2025\n\nTuesday, 4 March: Two policemen were shot dead.\n\n6 Mar — A bomb injured three soldiers.";
        // The title's "9 MARCH 2025" is a date too; the items take its year.
        assert_eq!(
            all_dates(text, ""),
            vec!["2025-03-09", "2025-03-04", "2025-03-06"]
        );
        let Ok(lex) = Lexicon::try_embedded() else {
            panic!()
        };
        // A wire dateline gives the day the report was filed: reported.
        let mut doc = Document {
            text: "QUETTA, Jan 14: Gunmen attacked a police van.",
            published: IncidentDate::parse("2025-01-15"),
            ..Default::default()
        };
        crate::clean::run(&mut doc, lex);
        run(&mut doc, lex);
        assert_eq!(doc.dates.len(), 1);
        assert!(doc.dates[0].reporting);
        assert_eq!(
            doc.dates[0].date.map(|d| d.to_string()),
            Some("2025-01-14".into())
        );
    }

    fn capitalized(w: &str) -> String {
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    }

    proptest! {
        #[test]
        fn any_days_ago_is_that_many_days_before(z in 10_000i64..30_000, n in 1i64..30) {
            let published = from_ordinal(z);
            let text = format!("Gunmen struck {n} days ago.");
            let Some(d) = first_date(&text, &published.to_string()) else { return Err(TestCaseError::fail("no date")) };
            prop_assert_eq!(d, add_days(&published, -n));
        }

        #[test]
        fn days_ago_in_words_equals_in_digits(z in 10_000i64..30_000, n in 1usize..13) {
            const WORDS: [&str; 13] = ["zero", "one", "two", "three", "four", "five", "six",
                "seven", "eight", "nine", "ten", "eleven", "twelve"];
            let p = from_ordinal(z).to_string();
            let words = first_date(&format!("Gunmen struck {} days ago.", WORDS[n]), &p);
            let digits = first_date(&format!("Gunmen struck {n} days ago."), &p);
            prop_assert!(words.is_some());
            prop_assert_eq!(words, digits);
        }

        #[test]
        fn last_weekday_is_one_to_seven_days_back(z in 10_000i64..30_000, wd in 0usize..7) {
            let published = from_ordinal(z);
            let name = capitalized(WEEKDAYS[wd]);
            let Some(d) = first_date(&format!("It happened last {name}."), &published.to_string()) else { return Err(TestCaseError::fail("no date")) };
            let back = published.ordinal() - d.ordinal();
            prop_assert!((1..=7).contains(&back));
            prop_assert_eq!(weekday(&d) as usize, wd);
        }

        #[test]
        fn counted_weekdays_go_back_a_week_each(z in 10_000i64..30_000, wd in 0usize..7, n in 1i64..5) {
            let published = from_ordinal(z);
            let name = capitalized(WEEKDAYS[wd]);
            let Some(d) = first_date(&format!("It happened {n} {name}s ago."), &published.to_string()) else { return Err(TestCaseError::fail("no date")) };
            let back = published.ordinal() - d.ordinal();
            prop_assert!((7 * (n - 1) + 1..=7 * n).contains(&back));
            prop_assert_eq!(weekday(&d) as usize, wd);
        }

        #[test]
        fn numeric_dates_read_either_way_when_the_day_is_over_twelve(z in 10_000i64..30_000) {
            let d = from_ordinal(z);
            let (y, m, day) = (d.year, d.month.unwrap_or(1), d.day.unwrap_or(1));
            prop_assume!(day > 12 && (1950..=2100).contains(&y));
            let us = first_date(&format!("{m}/{day}/{y}: a blast"), "");
            let uk = first_date(&format!("{day}/{m}/{y}: a blast"), "");
            prop_assert_eq!(us, Some(d));
            prop_assert_eq!(uk, Some(d));
        }

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
