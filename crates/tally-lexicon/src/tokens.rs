//! The one tokenizer every stage and every lexicon uses, so that a phrase in a
//! data file and the same words in an article produce the same tokens.

use compact_str::CompactString;
use rustc_hash::FxHasher;
use std::hash::Hasher;

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    /// Digits, possibly with thousands separators ("1,600") or a decimal point.
    Number,
    Punct,
}

/// A token: byte offsets into the text it came from and its lowercase form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    /// Kept inline when short (nearly every word): an article's hundreds of
    /// tokens cost no allocation each.
    pub lower: CompactString,
    /// [`word_key`] of `lower`, computed once: every lexicon table looks
    /// the token up by it instead of hashing the word again.
    pub key: u64,
    pub kind: TokenKind,
    /// First character is uppercase.
    pub capitalized: bool,
}

impl Token {
    pub fn is(&self, word: &str) -> bool {
        self.lower == word
    }

    pub fn is_word(&self) -> bool {
        self.kind == TokenKind::Word
    }
}

/// The hash lexicon tables index words by (equal words, equal keys).
pub fn word_key(word: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(word.as_bytes());
    h.finish()
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Split `text` into word, number and punctuation tokens. Possessive `'s`
/// becomes its own token; hyphens are tokens, so "twenty-three" and
/// "Khyber-Pakhtunkhwa" match their lexicon entries whichever way they are written.
pub fn tokenize(text: &str) -> Vec<Token> {
    tokenize_from(text, 0)
}

/// Tokenize a slice that starts at byte `offset` of a larger text.
pub fn tokenize_from(text: &str, offset: usize) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 5);
    tokenize_into(&mut out, text, offset);
    out
}

/// [`tokenize_from`], appending to `out` (a document's tokens, line by line,
/// without a vector per line).
pub fn tokenize_into(out: &mut Vec<Token>, text: &str, offset: usize) {
    let mut i = 0;
    while let Some(c) = char_at(text, i) {
        let after = i + c.len_utf8();
        if c.is_whitespace() {
            i = after;
        } else if c.is_ascii_digit() {
            let mut end = after;
            while let Some(d) = char_at(text, end) {
                let continues = d.is_ascii_digit()
                    || ((d == ',' || d == '.')
                        && char_at(text, end + 1).is_some_and(|n| n.is_ascii_digit()));
                if !continues {
                    break;
                }
                end += d.len_utf8();
            }
            push(out, text, offset, i, end, TokenKind::Number);
            i = end;
        } else if c.is_alphanumeric() {
            let end = word_end(text, after);
            push(out, text, offset, i, end, TokenKind::Word);
            i = end;
        } else if is_apostrophe(c) && is_possessive(&text[i..]) {
            let s_len = c.len_utf8() + 1;
            out.push(Token {
                start: offset + i,
                end: offset + i + s_len,
                key: word_key("'s"),
                lower: CompactString::const_new("'s"),
                kind: TokenKind::Word,
                capitalized: false,
            });
            i += s_len;
        } else {
            push(out, text, offset, i, after, TokenKind::Punct);
            i = after;
        }
    }
}

/// The character at byte `i` (a character boundary) of `text`; an ASCII
/// byte, as nearly all are, is read without decoding.
fn char_at(text: &str, i: usize) -> Option<char> {
    match *text.as_bytes().get(i)? {
        b if b.is_ascii() => Some(char::from(b)),
        _ => text.get(i..)?.chars().next(),
    }
}

/// Where a word that goes on at byte `from` ends: letters and digits, and
/// an internal apostrophe ("don't", "Jama'at") that a letter follows.
fn word_end(text: &str, from: usize) -> usize {
    let mut end = from;
    while let Some(d) = char_at(text, end) {
        let continues = d.is_alphanumeric()
            || (is_apostrophe(d)
                && !is_possessive(&text[end..])
                && char_at(text, end + d.len_utf8()).is_some_and(|n| n.is_alphabetic()));
        if !continues {
            break;
        }
        end += d.len_utf8();
    }
    end
}

/// `'s` or `’s` followed by a non-letter.
fn is_possessive(rest: &str) -> bool {
    let mut it = rest.chars();
    let (Some(a), Some(s)) = (it.next(), it.next()) else {
        return false;
    };
    is_apostrophe(a) && (s == 's' || s == 'S') && !it.next().is_some_and(|n| n.is_alphanumeric())
}

fn push(out: &mut Vec<Token>, text: &str, offset: usize, s: usize, e: usize, kind: TokenKind) {
    let raw = &text[s..e];
    let lower = if kind == TokenKind::Punct {
        normalize_punct(raw)
    } else {
        lowercase(raw)
    };
    out.push(Token {
        start: offset + s,
        end: offset + e,
        capitalized: starts_uppercase(raw),
        key: word_key(&lower),
        lower,
        kind,
    });
}

/// `str::to_lowercase`, without building a `String` for ASCII words.
fn lowercase(raw: &str) -> CompactString {
    // Most words are lowercase ASCII already: one look at the bytes.
    if raw.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        CompactString::from(raw)
    } else if raw.is_ascii() {
        let mut lower = CompactString::from(raw);
        lower.make_ascii_lowercase();
        lower
    } else {
        CompactString::from(raw.to_lowercase())
    }
}

/// Does the word start with an uppercase letter?
fn starts_uppercase(raw: &str) -> bool {
    match raw.as_bytes().first() {
        Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
        _ => raw.chars().next().is_some_and(char::is_uppercase),
    }
}

/// Dashes and quotes come in many code points; lexicons use the ASCII ones.
fn normalize_punct(raw: &str) -> CompactString {
    match raw {
        "\u{2010}" | "\u{2011}" | "\u{2012}" => CompactString::const_new("-"),
        "\u{2013}" | "\u{2014}" => CompactString::const_new("—"),
        "\u{2018}" | "\u{2019}" => CompactString::const_new("'"),
        "\u{201c}" | "\u{201d}" => CompactString::const_new("\""),
        other => CompactString::from(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lowers(s: &str) -> Vec<String> {
        tokenize(s).into_iter().map(|t| t.lower.into()).collect()
    }

    #[test]
    fn splits_words_numbers_and_possessives() {
        assert_eq!(
            lowers("Pakistan’s 1,600 twenty-three D.I. Khan"),
            vec!["pakistan", "'s", "1,600", "twenty", "-", "three", "d", ".", "i", ".", "khan"]
        );
        assert_eq!(lowers("don't 2.5 end."), vec!["don't", "2.5", "end", "."]);
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "A ‘big’ blast, 26 dead";
        for t in tokenize(text) {
            assert!(text.get(t.start..t.end).is_some());
        }
        let t = tokenize_from("x y", 10);
        assert_eq!(t[1].start, 12);
    }
}
