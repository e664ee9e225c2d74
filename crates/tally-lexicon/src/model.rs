//! A linear model's weights as data: the relevance classifier
//! (`relevance/en/model.tsv`, written by `tally relevance-train`, never by
//! hand). Features are named strings ("w:martyred", "b:security forces");
//! they are stored by a 64-bit FNV-1a hash so that the extractor can look a
//! feature up from its parts without building the string.

use crate::keys::{note_key, KeyFilter};
use rustc_hash::FxHashMap as HashMap;

/// FNV-1a over bytes, fed in pieces: hashing "b:" then "security" then " "
/// then "forces" gives the hash of "b:security forces".
#[derive(Debug, Clone, Copy)]
pub struct FeatureHash(u64);

impl Default for FeatureHash {
    fn default() -> Self {
        FeatureHash(0xcbf2_9ce4_8422_2325)
    }
}

impl FeatureHash {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn str(mut self, s: &str) -> Self {
        for b in s.bytes() {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self
    }

    pub fn finish(self) -> u64 {
        self.0
    }

    pub fn of(s: &str) -> u64 {
        FeatureHash::new().str(s).finish()
    }
}

/// Logistic-regression weights with the decision threshold chosen at training.
#[derive(Debug, Clone, Default)]
pub struct LinearModel {
    pub bias: f32,
    /// Probability at or above which the article is news of an incident.
    pub threshold: f32,
    weights: HashMap<u64, f32>,
    /// The keys of `weights`: most of an article's features have none.
    weighted: KeyFilter,
}

impl LinearModel {
    pub fn new(bias: f32, threshold: f32) -> Self {
        LinearModel {
            bias,
            threshold,
            weights: HashMap::default(),
            weighted: KeyFilter::default(),
        }
    }

    pub fn insert(&mut self, feature: &str, weight: f32) {
        let key = FeatureHash::of(feature);
        self.weights.insert(key, weight);
        note_key(&mut self.weighted, &self.weights, key);
    }

    #[inline]
    pub fn weight(&self, hash: u64) -> f32 {
        if !self.weighted.may_contain(hash) {
            return 0.0;
        }
        self.weights.get(&hash).copied().unwrap_or(0.0)
    }

    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// Parse `name<TAB>weight` rows; `@bias` and `@threshold` are the two
    /// special rows. An empty file is a model that always says 0.5.
    pub fn parse(text: &str, file: &str) -> Result<LinearModel, crate::LexiconError> {
        let mut m = LinearModel::new(0.0, 0.5);
        for (n, cols) in crate::rows(text) {
            let (Some(name), Some(w)) = (cols.first(), cols.get(1)) else {
                return Err(crate::bad(file, n, "expected feature<TAB>weight"));
            };
            let w: f32 = w
                .parse()
                .map_err(|_| crate::bad(file, n, format!("bad weight {w:?}")))?;
            if !w.is_finite() {
                return Err(crate::bad(file, n, "weight is not finite"));
            }
            match *name {
                "@bias" => m.bias = w,
                "@threshold" if (0.0..=1.0).contains(&w) => m.threshold = w,
                "@threshold" => return Err(crate::bad(file, n, "threshold outside [0, 1]")),
                _ => m.insert(name, w),
            }
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_hash_like_the_whole() {
        let whole = FeatureHash::of("b:security forces");
        let parts = FeatureHash::new()
            .str("b:")
            .str("security")
            .str(" ")
            .str("forces")
            .finish();
        assert_eq!(whole, parts);
    }

    #[test]
    fn parses_weights_and_refuses_bad_rows() {
        let m = LinearModel::parse("@bias\t-1.5\n@threshold\t0.4\nw:blast\t2.0\n", "m.tsv");
        let Ok(m) = m else { panic!("{m:?}") };
        assert_eq!(m.bias, -1.5);
        assert_eq!(m.threshold, 0.4);
        assert_eq!(m.weight(FeatureHash::of("w:blast")), 2.0);
        assert_eq!(m.weight(FeatureHash::of("w:cricket")), 0.0);
        assert!(LinearModel::parse("w:x\tnan\n", "m.tsv").is_err());
        assert!(LinearModel::parse("@threshold\t2\n", "m.tsv").is_err());
        assert!(LinearModel::parse("w:x\n", "m.tsv").is_err());
    }
}
