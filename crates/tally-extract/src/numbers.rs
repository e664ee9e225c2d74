//! Stage: figures. Digits ("1,600"), number words ("twenty-three", "one
//! hundred and five", "a dozen"), loose plurals ("dozens": 12, open-ended, as
//! ACLED codes it), qualifiers ("at least", "more than", "up to") and ranges
//! ("four to five", "between 30 and 40", "10-12").

use crate::document::{Document, NumberSpan};
use tally_lexicon::{Lexicon, NumberWordKind, Qualifier, Token, TokenKind};
use tally_model::Count;

pub fn run(doc: &mut Document, lex: &Lexicon) {
    let mut out = Vec::new();
    for s in &doc.sentences {
        let mut i = s.tok_start;
        while i < s.tok_end {
            match parse_at(&doc.tokens[..s.tok_end], i, s.tok_start, lex) {
                Some(span) => {
                    i = span.tok_end;
                    out.push(span);
                }
                None => i += 1,
            }
        }
    }
    doc.numbers = out;
}

/// A bare value read at token `i`: (value, tokens used, open-ended).
pub(crate) fn value_at(tokens: &[Token], i: usize, lex: &Lexicon) -> Option<(u32, usize, bool)> {
    let t = tokens.get(i)?;
    if t.kind == TokenKind::Number {
        if t.lower.contains('.') {
            return None;
        }
        let v = digits_value(&t.lower)?;
        // "100,000" style stays; "2023" right after a month or "in" is a year, handled by callers.
        return Some((v, 1, false));
    }
    let article = match t.lower.as_str() {
        "a" | "an" => true,
        // `figure.half_dozen`: "half a dozen" is six.
        "half" => {
            if tokens.get(i + 1).is_some_and(|a| a.lower == "a")
                && tokens.get(i + 2).is_some_and(|d| d.lower == "dozen")
            {
                let (v, _) = lex.number_words.get(&tokens[i + 2])?;
                return Some((*v / 2, 3, false));
            }
            return None;
        }
        _ => false,
    };
    // "a dozen", "a couple of"
    if article {
        let next = tokens.get(i + 1)?;
        if matches!(next.lower.as_str(), "dozen" | "couple" | "pair") {
            let (v, _) = lex.number_words.get(next)?;
            let used = if tokens.get(i + 2).is_some_and(|o| o.lower == "of") {
                3
            } else {
                2
            };
            return Some((*v, used, false));
        }
        return None;
    }
    let (first, kind) = *lex.number_words.get(t)?;
    if matches!(t.lower.as_str(), "both" | "couple" | "pair") {
        return None; // only as "a couple" or with a noun, handled by the casualty stage
    }
    if kind == NumberWordKind::ApproxOpen {
        let used = if tokens.get(i + 1).is_some_and(|o| o.lower == "of") {
            2
        } else {
            1
        };
        return Some((first, used, true));
    }
    if kind == NumberWordKind::Scale {
        return None;
    }
    // Compound: "twenty-three", "twenty three", "one hundred and five".
    let mut total = 0u32;
    let mut current = first;
    let mut j = i + 1;
    loop {
        let mut k = j;
        if tokens
            .get(k)
            .is_some_and(|x| x.lower == "-" || x.lower == "and")
        {
            k += 1;
        }
        let Some((v, kind)) = tokens.get(k).and_then(|x| lex.number_words.get(x)) else {
            break;
        };
        match kind {
            NumberWordKind::Scale => {
                current = current.saturating_mul(*v);
                if *v >= 1000 {
                    total = total.saturating_add(current);
                    current = 0;
                }
            }
            NumberWordKind::Unit
                if *v < 10 && current % 10 == 0 && current >= 20 && current % 100 != 0 =>
            {
                current += v
            }
            NumberWordKind::Unit if current % 100 == 0 && current >= 100 && *v < 100 => {
                current += v
            }
            _ => break,
        }
        j = k + 1;
    }
    if tokens.get(j).is_some_and(|x| x.lower == "dozen") {
        current = current.saturating_mul(12);
        j += 1;
    }
    Some((total.saturating_add(current), j - i, false))
}

/// The value of a figure written in digits with thousands separators
/// ("1,600"); None when it does not fit a u32.
fn digits_value(digits: &str) -> Option<u32> {
    digits
        .chars()
        .filter(|&c| c != ',')
        .try_fold(0u32, |v, c| v.checked_mul(10)?.checked_add(c.to_digit(10)?))
}

/// Read a figure with its qualifier and range starting at token `i`.
pub fn parse_at(tokens: &[Token], i: usize, floor: usize, lex: &Lexicon) -> Option<NumberSpan> {
    let (mut start, mut qualifier) = (i, None);
    let mut vi = i;
    if let Some(m) = lex.qualifiers.match_at(tokens, i) {
        qualifier = Some(*m.value);
        vi = m.end();
    } else if tokens.get(i).is_some_and(|t| t.lower == "between") {
        vi = i + 1;
    }
    let (v, used, open) = value_at(tokens, vi, lex)?;
    if is_year(tokens, vi, v, floor)
        || is_time_or_measure(tokens, vi + used)
        || is_code(tokens, vi, floor)
    {
        return None;
    }
    if qualifier.is_none() && vi == i {
        start = i;
    }
    let mut end = vi + used;
    let mut high = Some(v);
    // Ranges: "four to five", "30-40", "between 30 and 40", "four or five".
    if let Some(sep) = tokens.get(end) {
        if matches!(sep.lower.as_str(), "to" | "-" | "or" | "and") {
            if let Some((v2, used2, _)) = value_at(tokens, end + 1, lex) {
                let range_ok = v2 > v
                    && (sep.lower != "and" || tokens.get(i).is_some_and(|t| t.lower == "between"));
                if range_ok && !is_year(tokens, end + 1, v2, floor) {
                    high = Some(v2);
                    end = end + 1 + used2;
                }
            }
        }
    }
    let mut count = Count {
        low: v,
        best: v,
        high,
    };
    if open {
        count.high = None;
    }
    match qualifier {
        Some(Qualifier::MoreThan) => {
            count = Count {
                low: v + 1,
                best: v + 1,
                high: None,
            }
        }
        Some(Qualifier::UpTo) => count.low = count.low.min(v),
        _ => {}
    }
    Some(NumberSpan {
        tok_start: start,
        tok_end: end,
        count,
        additive: qualifier == Some(Qualifier::Another),
    })
}

/// Four digits after a month, "in", "since", or followed by a month: a year.
fn is_year(tokens: &[Token], i: usize, v: u32, floor: usize) -> bool {
    if !(1900..=2100).contains(&v) || tokens.get(i).is_some_and(|t| t.kind != TokenKind::Number) {
        return false;
    }
    let prev = i
        .checked_sub(1)
        .filter(|p| *p >= floor)
        .and_then(|p| tokens.get(p));
    let next = tokens.get(i + 1);
    let prev_is_context = prev.is_none_or(|p| {
        matches!(
            p.lower.as_str(),
            "in" | "since" | "of" | "," | "year" | "until" | "till" | "from" | "by"
        ) || crate::dates::month_of(&p.lower).is_some()
    });
    prev_is_context
        || next.is_some_and(|n| matches!(n.lower.as_str(), "," | "." | ")"))
        || !next.is_some_and(|n| n.kind == TokenKind::Word)
}

/// Longest code prefix read as a name ("PK", "NA", "MiG").
const MAX_CODE_PREFIX: usize = 4;

/// `figure.code_number`: "PK-21", "NA-246", "F-16", "G-9": digits joined by a
/// hyphen to a short capitalised word are a constituency, sector or model,
/// not a head-count.
fn is_code(tokens: &[Token], i: usize, floor: usize) -> bool {
    let (Some(t), Some(h), Some(w)) = (
        tokens.get(i),
        i.checked_sub(1)
            .filter(|&k| k > floor)
            .and_then(|k| tokens.get(k)),
        i.checked_sub(2)
            .filter(|&k| k >= floor)
            .and_then(|k| tokens.get(k)),
    ) else {
        return false;
    };
    t.kind == TokenKind::Number
        && h.lower == "-"
        && h.end == t.start
        && w.end == h.start
        && w.capitalized
        && w.is_word()
        && w.lower.chars().count() <= MAX_CODE_PREFIX
}

/// "2:30", "45°C", "50km", "Rs7.1 million", "8 kg": not head-counts.
fn is_time_or_measure(tokens: &[Token], after: usize) -> bool {
    tokens.get(after).is_some_and(|t| {
        matches!(
            t.lower.as_str(),
            ":" | "%"
                | "°"
                | "km"
                | "kilometres"
                | "kilometers"
                | "kg"
                | "kilograms"
                | "mw"
                | "am"
                | "pm"
                | "gmt"
                | "million"
                | "billion"
                | "metres"
                | "meters"
                | "feet"
                | "years"
                | "year"
                | "hours"
                | "hour"
                | "minutes"
                | "days"
                | "weeks"
                | "months"
                | "mm"
                | "percent"
                | "per"
                | "lakh"
                | "crore"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tally_lexicon::tokenize;

    fn parse(s: &str) -> Option<Count> {
        let Ok(lex) = Lexicon::try_embedded() else {
            panic!("embedded data broken")
        };
        let toks = tokenize(s);
        parse_at(&toks, 0, 0, lex).map(|n| n.count)
    }

    #[test]
    fn reads_digits_words_and_qualifiers() {
        assert_eq!(parse("1,600 people"), Some(Count::exact(1600)));
        assert_eq!(parse("twenty-three soldiers"), Some(Count::exact(23)));
        assert_eq!(parse("twenty three soldiers"), Some(Count::exact(23)));
        assert_eq!(parse("fourteen others"), Some(Count::exact(14)));
        assert_eq!(parse("a dozen soldiers"), Some(Count::exact(12)));
        assert_eq!(parse("half a dozen soldiers"), Some(Count::exact(6)));
        assert_eq!(
            parse("one hundred and five people"),
            Some(Count::exact(105))
        );
        assert_eq!(parse("at least two policemen"), Some(Count::exact(2)));
        assert_eq!(
            parse("more than 80 officers"),
            Some(Count {
                low: 81,
                best: 81,
                high: None
            })
        );
        assert_eq!(
            parse("dozens of people"),
            Some(Count {
                low: 12,
                best: 12,
                high: None
            })
        );
        assert_eq!(
            parse("four to five terrorists"),
            Some(Count {
                low: 4,
                best: 4,
                high: Some(5)
            })
        );
        assert_eq!(
            parse("between 30 and 40 militants"),
            Some(Count {
                low: 30,
                best: 30,
                high: Some(40)
            })
        );
    }

    #[test]
    fn skips_times_and_years() {
        assert_eq!(parse("2:30 AM"), None);
        assert_eq!(parse("in 2023,"), None);
    }

    #[test]
    fn skips_codes() {
        let Ok(lex) = Lexicon::try_embedded() else {
            panic!("embedded data broken")
        };
        let toks = tokenize("the candidate for PK-21 and 21 others");
        let at = |i| parse_at(&toks, i, 0, lex).map(|n| n.count.best);
        assert_eq!(at(5), None, "PK-21 is a constituency");
        assert_eq!(at(7), Some(21));
        assert_eq!(parse("10-12 people").map(|c| c.high), Some(Some(12)));
    }

    proptest! {
        #[test]
        fn any_digit_figure_reads_back(n in 0u32..1_000_000) {
            let with_commas = {
                let s = n.to_string();
                let mut out = String::new();
                for (i, c) in s.chars().enumerate() {
                    if i > 0 && (s.len() - i) % 3 == 0 { out.push(','); }
                    out.push(c);
                }
                out
            };
            let c = parse(&format!("{with_commas} people"));
            prop_assume!(!(1900..=2100).contains(&n));
            prop_assert_eq!(c, Some(Count::exact(n)));
        }

        #[test]
        fn word_numbers_below_hundred_read_back(n in 1u32..100) {
            const UNITS: [&str; 20] = ["zero","one","two","three","four","five","six","seven","eight","nine","ten",
                "eleven","twelve","thirteen","fourteen","fifteen","sixteen","seventeen","eighteen","nineteen"];
            const TENS: [&str; 10] = ["", "", "twenty","thirty","forty","fifty","sixty","seventy","eighty","ninety"];
            let words = if n < 20 { UNITS[n as usize].to_string() }
                else if n % 10 == 0 { TENS[(n / 10) as usize].to_string() }
                else { format!("{}-{}", TENS[(n / 10) as usize], UNITS[(n % 10) as usize]) };
            prop_assert_eq!(parse(&format!("{words} soldiers")), Some(Count::exact(n)));
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = parse(&s);
        }
    }
}
