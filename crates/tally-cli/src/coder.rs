//! Which tally is coding: its version and a hash of the knowledge files it
//! codes with, recorded beside every report it stores (`tally-store`'s
//! `Coder`), and how `show`, `explain` and the exports name a report's coder.

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tally_store::{Coder, Store};

/// The `--data` folder, when one replaces the embedded lexicons.
static DATA_DIR: OnceLock<PathBuf> = OnceLock::new();
static CURRENT: OnceLock<Coder> = OnceLock::new();

/// Remember that the lexicons come from `dir` (`--data`).
pub fn use_data_dir(dir: &Path) {
    let _ = DATA_DIR.set(dir.to_path_buf());
}

/// This binary with the knowledge files it uses now.
pub fn current() -> Result<&'static Coder> {
    if let Some(c) = CURRENT.get() {
        return Ok(c);
    }
    let coder = Coder {
        version: env!("CARGO_PKG_VERSION").to_string(),
        data: data_hash(DATA_DIR.get().map(PathBuf::as_path))?,
    };
    Ok(CURRENT.get_or_init(|| coder))
}

/// SHA-256 over every knowledge file coding uses, in a fixed order: the
/// lexicon files (from `dir` with `--data`, else the embedded copies), then
/// the merging and confidence files, which the store always takes from the
/// binary. Each file enters as its name, its length and its bytes, so no
/// two sets of files hash alike by shifting bytes between files.
fn data_hash(dir: Option<&Path>) -> Result<String> {
    let mut hasher = Sha256::new();
    let mut add = |name: &str, bytes: &[u8]| {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    for (name, text) in tally_lexicon::embedded_files() {
        match dir {
            Some(d) => {
                let path = d.join(name);
                let bytes =
                    std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
                add(name, &bytes);
            }
            None => add(name, text.as_bytes()),
        }
    }
    for (name, text) in tally_merge::embedded_linkage_files() {
        add(name, text.as_bytes());
    }
    let (name, text) = tally_merge::embedded_confidence_file();
    add(name, text.as_bytes());
    Ok(hasher.finalize().iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    }))
}

/// Each distinct coder of these articles' reports with the articles it
/// coded: `tally 0.1.0 (data 0123456789ab): a, b`.
pub fn coded_by(store: &Store, articles: &[String]) -> Result<Vec<String>> {
    let known = store.coders(articles)?;
    let mut by_coder: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for a in articles {
        by_coder
            .entry(Coder::describe(known.get(a)))
            .or_default()
            .push(a);
    }
    Ok(by_coder
        .into_iter()
        .map(|(coder, articles)| format!("{coder}: {}", articles.join(", ")))
        .collect())
}

/// The distinct coders of an incident's reports, for an export cell or
/// property: `tally 0.1.0 (data 0123456789ab)`, several joined by `; `.
pub fn coders_cell(store: &Store, articles: &[String]) -> Result<String> {
    Ok(store.coders_named(articles)?.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_data_hash_is_stable_and_a_changed_file_changes_it() {
        let embedded = data_hash(None).unwrap();
        assert_eq!(embedded.len(), 64);
        assert_eq!(embedded, data_hash(None).unwrap());
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in tally_lexicon::embedded_files() {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        }
        assert_eq!(data_hash(Some(dir.path())).unwrap(), embedded);
        let groups = dir.path().join("groups.tsv");
        let text = std::fs::read_to_string(&groups).unwrap();
        std::fs::write(&groups, format!("{text}\n# changed\n")).unwrap();
        assert_ne!(data_hash(Some(dir.path())).unwrap(), embedded);
    }
}
