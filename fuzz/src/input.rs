//! How a fuzz input's bytes become an article to extract: shared by the
//! fuzz targets and by the regression tests that `cargo test` runs
//! (`crates/tally-extract/tests/robustness.rs` includes this file).
//!
//! The first byte chooses the publication date's precision (none, day,
//! month, year), the next three its fields; the rest is the text, decoded
//! lossily as the corpus reader decodes a file. An input shorter than four
//! bytes is all text without a date, so any byte string is a valid input.

use tally_model::{Article, ArticleMeta, IncidentDate};

/// The article a fuzz input stands for.
pub fn article_of(data: &[u8]) -> Article {
    let (published, body) = match data {
        [precision, year, month, day, body @ ..] => {
            (date_of(*precision, *year, *month, *day), body)
        }
        _ => (None, data),
    };
    Article {
        meta: ArticleMeta {
            id: "fuzz".into(),
            published,
            ..Default::default()
        },
        text: String::from_utf8_lossy(body).into_owned(),
    }
}

/// The fuzz input for `text` published on `published`: the inverse of
/// [`article_of`], for writing seeds.
pub fn input_of(text: &str, published: Option<IncidentDate>) -> Vec<u8> {
    let header = match published {
        None => [0, 0, 0, 0],
        Some(d) => {
            let precision = match (d.month, d.day) {
                (Some(_), Some(_)) => 1,
                (Some(_), None) => 2,
                _ => 3,
            };
            let year = u8::try_from(d.year.clamp(1990, 1990 + 255) - 1990).unwrap_or(0);
            let month = d.month.map_or(0, |m| m.saturating_sub(1) as u8);
            let day = d.day.map_or(0, |x| x.saturating_sub(1) as u8);
            [precision, year, month, day]
        }
    };
    let mut out = header.to_vec();
    out.extend_from_slice(text.as_bytes());
    out
}

fn date_of(precision: u8, year: u8, month: u8, day: u8) -> Option<IncidentDate> {
    let year = 1990 + i32::from(year);
    let month = 1 + u32::from(month) % 12;
    let day = 1 + u32::from(day) % tally_model::days_in_month(year, month);
    match precision % 4 {
        1 => Some(IncidentDate::day(year, month, day)),
        2 => Some(IncidentDate::month(year, month)),
        3 => Some(IncidentDate::year(year)),
        _ => None,
    }
}
