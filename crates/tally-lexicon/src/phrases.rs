//! Multi-word phrase lookup over token streams: longest match wins.

use crate::keys::{note_key, KeyFilter};
use crate::tokens::{tokenize, word_key, Token};
use rustc_hash::FxHashMap as HashMap;

/// A table of phrases (as lowercase token sequences) with a payload each.
#[derive(Debug, Clone)]
pub struct PhraseTable<T> {
    entries: Vec<Entry<T>>,
    /// [`word_key`] of the first word -> entry indices, longest phrase
    /// first (words whose keys collide share a list; matching compares the words).
    by_first: HashMap<u64, Vec<usize>>,
    /// The keys of `by_first`: most tokens start no phrase of a table, and
    /// are told so without probing the map.
    firsts: KeyFilter,
}

#[derive(Debug, Clone)]
struct Entry<T> {
    words: Vec<String>,
    /// [`word_key`] of each word: most mismatches are seen without comparing text.
    keys: Vec<u64>,
    value: T,
}

impl<T> Entry<T> {
    /// Keys first, over the whole window: entries that share a first word
    /// ("the day before", "the same night") part at a later word's key, and
    /// the words are compared only when every key agrees.
    fn matches(&self, window: &[Token]) -> bool {
        window.iter().zip(&self.keys).all(|(t, k)| t.key == *k)
            && window.iter().zip(&self.words).all(|(t, w)| t.lower == *w)
    }
}

/// A match of a table entry at token position `start`, covering `len` tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseMatch<'a, T> {
    pub start: usize,
    pub len: usize,
    pub value: &'a T,
}

impl<T> PhraseMatch<'_, T> {
    pub fn end(&self) -> usize {
        self.start + self.len
    }
}

impl<T> Default for PhraseTable<T> {
    fn default() -> Self {
        PhraseTable {
            entries: Vec::new(),
            by_first: HashMap::default(),
            firsts: KeyFilter::default(),
        }
    }
}

impl<T> PhraseTable<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a phrase; empty phrases are ignored.
    pub fn insert(&mut self, phrase: &str, value: T) {
        let words: Vec<String> = tokenize(phrase)
            .into_iter()
            .map(|t| t.lower.into())
            .collect();
        let keys: Vec<u64> = words.iter().map(|w| word_key(w)).collect();
        let Some(&first) = keys.first() else {
            return;
        };
        self.entries.push(Entry { words, keys, value });
        let idx = self.entries.len() - 1;
        let list = self.by_first.entry(first).or_default();
        list.push(idx);
        let entries = &self.entries;
        list.sort_by_key(|&i| std::cmp::Reverse(entries[i].words.len()));
        note_key(&mut self.firsts, &self.by_first, first);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The longest entry matching at token `i`.
    #[inline]
    pub fn match_at<'a>(&'a self, tokens: &[Token], i: usize) -> Option<PhraseMatch<'a, T>> {
        self.matches_at(tokens, i).next()
    }

    /// Entries whose first word may be token `i`'s, longest first. Asked
    /// of nearly every token by several tables: the filter's answer stays
    /// in the caller, the map is probed out of line.
    #[inline]
    fn candidates(&self, tokens: &[Token], i: usize) -> &[usize] {
        match tokens.get(i) {
            Some(t) if self.firsts.may_contain(t.key) => self.entries_starting(t.key),
            _ => &[],
        }
    }

    fn entries_starting(&self, key: u64) -> &[usize] {
        self.by_first.get(&key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every entry matching at token `i`, longest first.
    #[inline]
    pub fn matches_at<'a, 't>(
        &'a self,
        tokens: &'t [Token],
        i: usize,
    ) -> impl Iterator<Item = PhraseMatch<'a, T>> + use<'a, 't, T> {
        self.candidates(tokens, i).iter().filter_map(move |&idx| {
            let entry = &self.entries[idx];
            let len = entry.words.len();
            entry
                .matches(tokens.get(i..i + len)?)
                .then_some(PhraseMatch {
                    start: i,
                    len,
                    value: &entry.value,
                })
        })
    }

    /// Non-overlapping matches, scanning left to right, longest first.
    pub fn scan<'a>(&'a self, tokens: &[Token]) -> Vec<PhraseMatch<'a, T>> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            match self.match_at(tokens, i) {
                Some(m) => {
                    i += m.len;
                    out.push(m);
                }
                None => i += 1,
            }
        }
        out
    }

    /// Does any entry match anywhere in `tokens`?
    pub fn any_in(&self, tokens: &[Token]) -> bool {
        (0..tokens.len()).any(|i| self.match_at(tokens, i).is_some())
    }
}

/// Single words with a value each, looked up by a token's key (no hashing
/// of the word at lookup).
#[derive(Debug, Clone)]
pub struct WordTable<T> {
    /// [`word_key`] -> (word, value); words whose keys collide share a list.
    by_key: HashMap<u64, Vec<(String, T)>>,
    /// The keys of `by_key`, to tell most tokens apart without a probe.
    keys: KeyFilter,
}

impl<T> Default for WordTable<T> {
    fn default() -> Self {
        WordTable {
            by_key: HashMap::default(),
            keys: KeyFilter::default(),
        }
    }
}

impl<T> WordTable<T> {
    /// Add a (lowercase) word; a word added again takes the new value.
    pub fn insert(&mut self, word: String, value: T) {
        let key = word_key(&word);
        let list = self.by_key.entry(key).or_default();
        match list.iter_mut().find(|(w, _)| *w == word) {
            Some(slot) => slot.1 = value,
            None => list.push((word, value)),
        }
        note_key(&mut self.keys, &self.by_key, key);
    }

    /// The value of the token's word.
    pub fn get(&self, token: &Token) -> Option<&T> {
        if !self.keys.may_contain(token.key) {
            return None;
        }
        self.by_key
            .get(&token.key)?
            .iter()
            .find(|(w, _)| *w == token.lower)
            .map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.by_key.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_match_wins() {
        let mut t = PhraseTable::new();
        t.insert("Khyber", 1);
        t.insert("Khyber Pakhtunkhwa", 2);
        let toks = tokenize("in Khyber Pakhtunkhwa and Khyber district");
        let found: Vec<_> = t.scan(&toks).iter().map(|m| *m.value).collect();
        assert_eq!(found, vec![2, 1]);
    }

    #[test]
    fn word_table_finds_tokens_by_their_words() {
        let mut t = WordTable::default();
        t.insert("dozen".to_string(), 12);
        t.insert("dozen".to_string(), 13);
        let toks = tokenize("a Dozen men");
        assert_eq!(t.get(&toks[1]), Some(&13));
        assert_eq!(t.get(&toks[2]), None);
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn key_filter_holds_every_key_it_was_given() {
        let mut t = PhraseTable::new();
        let words: Vec<String> = (0..5000).map(|n| format!("w{n}")).collect();
        for (n, w) in words.iter().enumerate() {
            t.insert(w, n);
        }
        for (n, w) in words.iter().enumerate() {
            assert_eq!(t.match_at(&tokenize(w), 0).map(|m| *m.value), Some(n));
        }
        let absent = (5000..10000)
            .filter(|n| t.firsts.may_contain(word_key(&format!("w{n}"))))
            .count();
        assert!(
            absent < 1000,
            "{absent} of 5000 absent keys pass the filter"
        );
    }

    #[test]
    fn matches_across_hyphen_spellings() {
        let mut t = PhraseTable::new();
        t.insert("Tehreek-e-Taliban Pakistan", ());
        assert!(t.any_in(&tokenize("the Tehreek-e-Taliban Pakistan said")));
        assert!(!t.any_in(&tokenize("Tehreek e Taliban")));
    }
}
