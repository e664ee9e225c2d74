//! Stage 1: find the prose. Reads the ` date YYYY-MM-DD` line, drops
//! scraped boilerplate lines, strips datelines and agency tags, and splits
//! the rest into sentences with their tokens.

use crate::document::{Dateline, Document, Sentence};
use tally_lexicon::{tokenize_into, Lexicon, Token, TokenKind};
use tally_model::IncidentDate;

/// Words after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "lt", "gen", "col", "maj", "capt", "sgt", "insp", "no", "st", "prof",
    "brig", "rs", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "govt", "dept", "approx", "etc", "pvt", "hon", "sr", "jr", "cdr", "cmdr",
];

pub fn run(doc: &mut Document, lex: &Lexicon) {
    let text = doc.text;
    let mut pos = 0;
    let mut paragraph = 0;
    for raw_line in text.split_inclusive('\n') {
        let line_start = pos;
        pos += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let mut start = line_start + (line.len() - line.trim_start().len());
        let end = line_start + line.trim_end().len();
        if start >= end {
            continue;
        }
        if line_start == 0 {
            if let Some((date, after)) = date_line(line) {
                doc.published.get_or_insert(date);
                doc.excluded.push((line_start, line_start + after));
                // A date with trailing blanks ("date 2025-11-1 ") reads
                // past the line's trimmed end.
                start = (line_start + after).min(end);
                start += text[start..end].len() - text[start..end].trim_start().len();
                if start >= end {
                    continue;
                }
            }
        }
        let content = &text[start..end];
        if lex.boilerplate.is_boilerplate(content) || is_noise_line(content) {
            if doc.published.is_none() {
                doc.published = published_line(content);
            }
            doc.excluded.push((start, end));
            continue;
        }
        // The line's tokens go straight to the document's; the dateline's
        // are taken out again.
        let base = doc.tokens.len();
        tokenize_into(&mut doc.tokens, content, start);
        let skip = dateline_len(&doc.tokens[base..]);
        if skip > 0 {
            if doc.dateline_place.is_none() {
                doc.dateline_place = dateline_place(&doc.tokens[base..base + skip], lex);
            }
            let tokens: Vec<Token> = doc.tokens.drain(base..base + skip).collect();
            if tokens
                .iter()
                .any(|t| t.kind == TokenKind::Number || t.capitalized)
            {
                doc.datelines.push(Dateline {
                    sentence: doc.sentences.len(),
                    tokens,
                });
            }
        }
        let before = doc.sentences.len();
        split_sentences(&doc.tokens[base..], base, paragraph, &mut doc.sentences);
        // A dateline over a line with no sentence left heads nothing.
        if doc.sentences.len() == before
            && doc.datelines.last().is_some_and(|d| d.sentence == before)
        {
            doc.datelines.pop();
        }
        paragraph += 1;
    }
}

/// ` date 2025-02-06 ...`: the publication date and the byte length of the marker.
fn date_line(line: &str) -> Option<(IncidentDate, usize)> {
    let trimmed = line.trim_start();
    let lead = line.len() - trimmed.len();
    let rest = trimmed.strip_prefix("date ")?;
    let value = rest.get(..10)?;
    let date = IncidentDate::parse(value)?;
    Some((date, lead + 5 + 10))
}

/// "Published August 26, 2024" / "Published 06 Feb, 2022 07:24am": a page's
/// own publication stamp, used only when nothing better gives the date.
fn published_line(line: &str) -> Option<IncidentDate> {
    let l = line.trim();
    let at = l.find("Published ")?;
    crate::dates::parse_loose_date(&l[at + "Published ".len()..])
}

/// URLs, bare timestamps, lines with no letters, and page stamps such as
/// "Dawn.com Published February 4, 2023 Updated February 4, 2023 11:40pm".
fn is_noise_line(line: &str) -> bool {
    let l = line.trim();
    let at_most_14_words = || l.split_whitespace().nth(14).is_none();
    if (l.contains("Published ") || l.contains("Updated ") || l.contains(" | Updated"))
        && !l.ends_with('.')
        && at_most_14_words()
    {
        return true;
    }
    // "11/6/2024 7:33:26 AM": a time stamp's only letters say AM or PM.
    let stamp = ["AM", "PM", "am", "pm"]
        .iter()
        .find_map(|s| l.strip_suffix(s))
        .unwrap_or(l);
    l.starts_with("http://")
        || l.starts_with("https://")
        || !stamp.chars().any(char::is_alphabetic)
        || (l.len() < 40 && l.starts_with("- ") && l.contains(" ago"))
}

/// Tokens of a leading dateline ("PESHAWAR:", "SHANGLA (Dunya News) –",
/// "Islamabad [Pakistan], January 31 (ANI):") or agency tag ("(MENAFN)").
fn dateline_len(tokens: &[Token]) -> usize {
    if tokens.first().is_some_and(|t| t.lower == "(") {
        if let Some(close) = tokens.iter().take(12).position(|t| t.lower == ")") {
            let mut n = close + 1;
            if tokens
                .get(n)
                .is_some_and(|t| is_dateline_dash(&t.lower) || t.lower == ":")
            {
                n += 1;
            }
            return n + dateline_len(&tokens[n..]);
        }
    }
    let mut depth = 0i32;
    for (i, t) in tokens.iter().enumerate().take(14) {
        match t.lower.as_str() {
            "(" | "[" => depth += 1,
            ")" | "]" => depth -= 1,
            ":" | "—" | "–" if i > 0 => return i + 1,
            "-" if i > 0 && depth == 0 && tokens.get(i + 1).is_some_and(|n| n.capitalized) => {
                // "DI KHAN - The ISPR said": only after an all-caps word.
                if tokens[..i]
                    .iter()
                    .all(|t| is_upper_word(t) || t.kind == TokenKind::Punct)
                {
                    return i + 1;
                }
                return 0;
            }
            _ => {}
        }
        let fits = t.kind == TokenKind::Punct
            || t.kind == TokenKind::Number
            || t.capitalized
            || depth > 0
            || matches!(t.lower.as_str(), "and" | "of");
        if !fits {
            return 0;
        }
    }
    0
}

fn is_dateline_dash(s: &str) -> bool {
    matches!(s, "-" | "—" | "–")
}

fn is_upper_word(t: &Token) -> bool {
    t.kind == TokenKind::Word && t.lower.chars().any(char::is_alphabetic) && t.capitalized && {
        // All letters uppercase.
        t.lower.len() <= 2
            || t.lower
                .chars()
                .all(|c| !c.is_alphabetic() || c.is_lowercase())
    }
}

fn dateline_place(tokens: &[Token], lex: &Lexicon) -> Option<usize> {
    (0..tokens.len()).find_map(|i| {
        lex.gazetteer
            .matches_at(tokens, i)
            .first()
            .map(|m| *m.value)
    })
}

/// Split one paragraph's tokens (the document's from `base` on) into
/// sentences and append them.
/// A sentence is cut after this many tokens. No sentence of news comes
/// near it (the benchmark's longest has about 130); a line of thousands of
/// words without a full stop (a flattened table, a scrape gone wrong) would
/// make the stages that pair each cue of a sentence with the others take
/// quadratic time (found by fuzzing: 16,000 words took 0.26 s, 1 MB 79 s).
const MAX_SENTENCE_TOKENS: usize = 400;

fn split_sentences(tokens: &[Token], base: usize, paragraph: usize, out: &mut Vec<Sentence>) {
    let mut start = 0;
    let n = tokens.len();
    for i in 0..n {
        if i >= start + MAX_SENTENCE_TOKENS {
            push_sentence(out, tokens, base, start, i, paragraph);
            start = i;
        }
        let t = &tokens[i];
        let ends = match t.lower.as_str() {
            "." => !is_abbreviation(tokens, i),
            "!" | "?" => true,
            _ => false,
        };
        if !ends {
            continue;
        }
        let next_starts = tokens.get(i + 1).map(|nx| {
            nx.capitalized
                || nx.kind == TokenKind::Number
                || matches!(nx.lower.as_str(), "\"" | "'" | "(")
        });
        if next_starts != Some(false) {
            // Keep a closing quote with its sentence.
            let mut stop = i + 1;
            if tokens.get(stop).is_some_and(|q| {
                q.lower == "\"" && tokens.get(stop + 1).is_some_and(|x| x.capitalized)
            }) {
                stop += 1;
            }
            push_sentence(out, tokens, base, start, stop, paragraph);
            start = stop;
        }
    }
    if start < n {
        push_sentence(out, tokens, base, start, n, paragraph);
    }
}

fn push_sentence(
    out: &mut Vec<Sentence>,
    tokens: &[Token],
    base: usize,
    s: usize,
    e: usize,
    paragraph: usize,
) {
    if s >= e {
        return;
    }
    let last = &tokens[e - 1].lower;
    let headline = !matches!(last.as_str(), "." | "!" | "?" | "\"" | "'" | ")");
    out.push(Sentence {
        start: tokens[s].start,
        end: tokens[e - 1].end,
        tok_start: base + s,
        tok_end: base + e,
        headline,
        paragraph,
    });
}

fn is_abbreviation(tokens: &[Token], dot: usize) -> bool {
    let Some(prev) = dot.checked_sub(1).and_then(|p| tokens.get(p)) else {
        return false;
    };
    if prev.end != tokens[dot].start {
        return false;
    }
    if prev.kind == TokenKind::Word && prev.lower.chars().count() == 1 {
        return true; // initials: "D.I. Khan", "U.S."
    }
    ABBREVIATIONS.contains(&prev.lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc_of(text: &str) -> Document<'_> {
        let Ok(lex) = Lexicon::try_embedded() else {
            panic!("embedded data broken")
        };
        let mut d = Document {
            text,
            ..Default::default()
        };
        run(&mut d, lex);
        d
    }

    #[test]
    fn reads_date_line_and_splits_sentences() {
        let d = doc_of(
            " date 2025-02-06 Two men died. Police said Dr. Khan was there.\nShare.\nNext one",
        );
        assert_eq!(d.published, IncidentDate::parse("2025-02-06"));
        let s: Vec<_> = (0..d.sentences.len()).map(|i| d.sentence_text(i)).collect();
        assert_eq!(
            s,
            vec![
                "Two men died.",
                "Police said Dr. Khan was there.",
                "Next one"
            ]
        );
        assert!(d.sentences[2].headline);
    }

    #[test]
    fn a_line_without_full_stops_is_cut_into_bounded_sentences() {
        let line = "killed ".repeat(1000);
        let d = doc_of(&line);
        assert_eq!(d.sentences.len(), 3);
        assert!((0..3).all(|i| d.sentence_tokens(i).len() <= MAX_SENTENCE_TOKENS));
    }

    #[test]
    fn a_short_date_with_a_trailing_blank_ends_the_line() {
        // Found by fuzzing: the marker's ten bytes ran past the trimmed line.
        let d = doc_of(" date 2025-11-1 \nTwo men died in Bannu.");
        let s: Vec<_> = (0..d.sentences.len()).map(|i| d.sentence_text(i)).collect();
        assert_eq!(s, vec!["Two men died in Bannu."]);
    }

    #[test]
    fn strips_datelines_and_agency_tags() {
        let d = doc_of("PESHAWAR: Gunmen fired.\n(MENAFN) A blast hit.\nDI KHAN – The army said.");
        let s: Vec<_> = (0..d.sentences.len()).map(|i| d.sentence_text(i)).collect();
        assert_eq!(s, vec!["Gunmen fired.", "A blast hit.", "The army said."]);
    }

    #[test]
    fn initials_do_not_end_sentences() {
        let d = doc_of("Five died in D.I. Khan on Monday. Then more.");
        assert_eq!(d.sentences.len(), 2);
    }
}
