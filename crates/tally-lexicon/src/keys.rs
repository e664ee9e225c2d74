//! Filters over word and feature keys (64-bit hashes): most tokens are in
//! no given lexicon table and most features have no weight, and a filter
//! says so without probing the table's map.

use rustc_hash::FxHashMap as HashMap;

/// A set of keys that answers "surely not in it" in a few
/// instructions: one bit per key in a bit array some 16 times larger than
/// the set (a Bloom filter with one hash), so about one absent key in 16
/// is passed on to the real lookup.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyFilter {
    bits: Vec<u64>,
    /// 64 minus log2 of the number of bits.
    shift: u32,
}

impl KeyFilter {
    const BITS_PER_KEY: usize = 16;
    const MIN_BITS: usize = 512;

    /// A filter sized for `n` keys, holding `keys`.
    pub(crate) fn with_keys(n: usize, keys: impl Iterator<Item = u64>) -> KeyFilter {
        let bits = (n * Self::BITS_PER_KEY)
            .max(Self::MIN_BITS)
            .next_power_of_two();
        let mut f = KeyFilter {
            bits: vec![0; bits / 64],
            shift: 64 - bits.trailing_zeros(),
        };
        keys.for_each(|k| f.add(k));
        f
    }

    /// Is there room for `n` keys at the intended density?
    fn fits(&self, n: usize) -> bool {
        n * Self::BITS_PER_KEY <= self.bits.len() * 64
    }

    #[inline]
    fn slot(&self, key: u64) -> (usize, u64) {
        // Spread the key's bits before taking the top ones.
        let bit = (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize;
        (bit / 64, 1 << (bit % 64))
    }

    pub(crate) fn add(&mut self, key: u64) {
        let (word, mask) = self.slot(key);
        if let Some(w) = self.bits.get_mut(word) {
            *w |= mask;
        }
    }

    #[inline]
    pub(crate) fn may_contain(&self, key: u64) -> bool {
        let (word, mask) = self.slot(key);
        self.bits.get(word).is_some_and(|w| w & mask != 0)
    }
}

/// Keep `filter` holding every key of `map` after `key` was added to it.
pub(crate) fn note_key<V>(filter: &mut KeyFilter, map: &HashMap<u64, V>, key: u64) {
    if filter.fits(map.len()) {
        filter.add(key);
    } else {
        *filter = KeyFilter::with_keys(map.len() * 2, map.keys().copied());
    }
}
