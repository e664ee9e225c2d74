//! Incident ids: `inc-` and 12 hex digits of a hash of the incident's
//! smallest member key (`article#n`). Only the smallest key counts, so
//! adding an unrelated report never changes an id, and the store can name
//! a cluster before folding it.

use sha2::{Digest, Sha256};

/// How an id is derived from the key. Every id tally writes now is
/// [`IdHash::Sha256`]; a database coded with FNV-1a ids keeps them (its
/// `settings` say so), so ids analysts have written down stay valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdHash {
    /// SHA-256: the reports of one article (`a#0`, `a#1`) get ids that
    /// share nothing, so they cannot be told apart only in their middle.
    #[default]
    Sha256,
    /// FNV-1a, tally's first ids: keys differing in their last byte gave
    /// ids differing in two digits (`inc-ca026e1ac644`, `inc-cc026e1ac9aa`).
    Fnv1a,
}

impl IdHash {
    /// The id of the incident whose member keys are `keys`.
    pub fn id<'k>(self, keys: impl Iterator<Item = &'k str>) -> String {
        let first = keys.min().unwrap_or("").as_bytes();
        match self {
            IdHash::Sha256 => {
                let digest = Sha256::digest(first);
                let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
                format!("inc-{hex}")
            }
            IdHash::Fnv1a => format!("inc-{:012x}", fnv1a(first) & 0xffff_ffff_ffff),
        }
    }

    /// The name kept in a store's settings.
    pub fn as_str(self) -> &'static str {
        match self {
            IdHash::Sha256 => "sha256",
            IdHash::Fnv1a => "fnv1a",
        }
    }

    pub fn parse(name: &str) -> Option<IdHash> {
        [IdHash::Sha256, IdHash::Fnv1a]
            .into_iter()
            .find(|h| h.as_str() == name)
    }
}

/// The id tally gives an incident now ([`IdHash::Sha256`]).
pub fn incident_id<'k>(keys: impl Iterator<Item = &'k str>) -> String {
    IdHash::default().id(keys)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_inc_and_twelve_hex_digits_of_the_smallest_key() {
        let id = incident_id(["ex_001#1", "ex_002#0"].into_iter());
        assert_eq!(id, "inc-2e617659739d");
        assert_eq!(id, incident_id(["ex_002#0", "ex_001#1"].into_iter()));
        let with_later = incident_id(["ex_002#0", "ex_001#1", "zz_999#4"].into_iter());
        assert_eq!(id, with_later, "a later report leaves the id alone");
    }

    #[test]
    fn one_articles_incidents_differ_from_the_first_digits() {
        let ids: Vec<String> = (0..6)
            .map(|n| incident_id([format!("ex_007#{n}").as_str()].into_iter()))
            .collect();
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                assert_ne!(a[..7], b[..7], "{a} and {b} look alike");
            }
        }
    }

    #[test]
    fn the_old_hash_gives_the_ids_old_databases_hold() {
        assert_eq!(
            IdHash::Fnv1a.id(["ex_001#1"].into_iter()),
            "inc-020294a1bafc"
        );
        for h in [IdHash::Sha256, IdHash::Fnv1a] {
            assert_eq!(IdHash::parse(h.as_str()), Some(h));
        }
    }
}
