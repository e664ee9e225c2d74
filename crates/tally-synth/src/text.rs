//! Small text helpers: numbers in words, counted noun phrases, templates.

use crate::rng::Rng;

const UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// `n` in words for `n < 100`, digits beyond.
pub fn words(n: u32) -> String {
    match n {
        0..=19 => UNITS[n as usize].to_string(),
        20..=99 => {
            let (t, u) = (n / 10, n % 10);
            if u == 0 {
                TENS[t as usize].to_string()
            } else {
                format!("{}-{}", TENS[t as usize], UNITS[u as usize])
            }
        }
        _ => n.to_string(),
    }
}

/// How a report writes its numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumStyle {
    /// Words up to nine, digits above (newspaper style).
    Press,
    /// Words up to ninety-nine.
    Words,
    /// Digits for everything above one.
    Digits,
}

impl NumStyle {
    pub fn random(rng: &mut Rng) -> NumStyle {
        match rng.below(10) {
            0..=5 => NumStyle::Press,
            6..=7 => NumStyle::Words,
            _ => NumStyle::Digits,
        }
    }
}

/// A number as the report writes it ("three", "12", "a dozen", "twenty-one").
pub fn num(n: u32, style: NumStyle, rng: &mut Rng) -> String {
    if n == 12 && rng.chance(0.3) {
        return "a dozen".to_string();
    }
    match style {
        NumStyle::Press if n <= 9 => words(n),
        NumStyle::Words if n <= 99 => words(n),
        _ => n.to_string(),
    }
}

/// "a policeman" / "one policeman" / "three policemen".
pub fn counted(n: u32, sing: &str, plural: &str, style: NumStyle, rng: &mut Rng) -> String {
    if n == 1 {
        if rng.chance(0.75) {
            format!("{} {sing}", indefinite(sing))
        } else {
            format!("one {sing}")
        }
    } else {
        format!("{} {plural}", num(n, style, rng))
    }
}

pub fn indefinite(word: &str) -> &'static str {
    let first = word.chars().next().unwrap_or('x');
    // Acronyms read with a vowel sound: FC, SHO, ASI...
    let acronym_vowel = word.len() >= 2
        && word.chars().take(2).all(|c| c.is_ascii_uppercase())
        && "AEFHILMNORSX".contains(first);
    if acronym_vowel || "aeiou".contains(first.to_ascii_lowercase()) && !word.starts_with("uni") {
        "an"
    } else {
        "a"
    }
}

/// "a, b and c".
pub fn join_and(parts: &[String]) -> String {
    match parts.len() {
        0 => String::new(),
        1 => parts[0].clone(),
        _ => format!(
            "{} and {}",
            parts[..parts.len() - 1].join(", "),
            parts[parts.len() - 1]
        ),
    }
}

/// Fills `{KEY}` placeholders; unknown keys are left as they are.
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let key = &after[..close];
                match vars.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    tidy(&out)
}

/// Capitalises the first letter and removes doubled spaces and spaces before
/// punctuation left by empty slots.
pub fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_space = true;
    for c in s.chars() {
        if c == ' ' {
            if !prev_space {
                out.push(' ');
            }
            prev_space = true;
            continue;
        }
        if (c == ',' || c == '.' || c == ';') && out.ends_with(' ') {
            out.pop();
        }
        out.push(c);
        prev_space = false;
    }
    let out = out.trim_end().to_string();
    capitalize(&out)
}

/// Capitalises the first letter; a sentence never starts with digits below 100.
pub fn capitalize(s: &str) -> String {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && s[digits..].starts_with(' ') {
        if let Ok(n) = s[..digits].parse::<u32>() {
            if n < 100 {
                return capitalize(&format!("{}{}", words(n), &s[digits..]));
            }
        }
    }
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_lowercase() => c.to_uppercase().chain(chars).collect(),
        _ => s.to_string(),
    }
}

/// Lower-cases the first letter of a sentence so it can follow "In a separate
/// incident, ", unless the first word is an acronym, a name or a title.
pub fn lower_first(s: &str, proper: &[&str]) -> String {
    let word: String = s
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '-')
        .collect();
    let acronym = word.len() >= 2
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if acronym
        || proper
            .iter()
            .any(|p| p.split(' ').next() == Some(word.as_str()))
    {
        return s.to_string();
    }
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whitespace-separated words (ASCII whitespace; the texts are ASCII but for dashes).
pub fn word_count(s: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for &b in s.as_bytes() {
        let space = b == b' ' || b == b'\n' || b == b'\t' || b == b'\r';
        if !space && !in_word {
            n += 1;
        }
        in_word = !space;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_words() {
        assert_eq!(words(3), "three");
        assert_eq!(words(21), "twenty-one");
        assert_eq!(words(40), "forty");
        assert_eq!(words(120), "120");
    }

    #[test]
    fn fill_and_tidy() {
        let s = fill(
            "{A} were killed{B}, police said .",
            &[("A", "two men"), ("B", "")],
        );
        assert_eq!(s, "Two men were killed, police said.");
        assert_eq!(
            capitalize("9 soldiers were hurt."),
            "Nine soldiers were hurt."
        );
        assert_eq!(capitalize("1,500 people"), "1,500 people");
        assert_eq!(indefinite("FC soldier"), "an");
        assert_eq!(indefinite("policeman"), "a");
        assert_eq!(indefinite("Levies official"), "a");
        assert_eq!(
            join_and(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
    }
}
