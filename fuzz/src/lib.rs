//! Fuzz harnesses for tally's input edges: extraction of one article text
//! (with and without a publication date), the article reader (a file's
//! bytes, its ` date` first line included) and the manifest reader.
//!
//! Each harness takes arbitrary bytes and must return without panicking;
//! the AFL targets in `src/bin` wrap them, `replay` times them over a
//! folder of inputs. Not a workspace member, so building the workspace
//! never needs AFL.

pub mod input;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tally_corpus::ReadOptions;
use tally_lexicon::Lexicon;

/// The embedded lexicon; broken embedded data is a build defect, not an input.
fn lexicon() -> &'static Lexicon {
    match Lexicon::try_embedded() {
        Ok(lex) => lex,
        Err(e) => panic!("the embedded lexicon does not load: {e}"),
    }
}

/// Extract the article an input stands for (see [`input::article_of`]).
pub fn extract_bytes(data: &[u8]) {
    let article = input::article_of(data);
    std::hint::black_box(tally_extract::extract(&article, lexicon()));
}

/// Write the bytes as an article file, read it as `tally extract` does and
/// extract what was read.
pub fn article_file(data: &[u8]) {
    let dir = scratch();
    let path = dir.join("article.txt");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    read_and_extract(&[path], None);
}

/// Write the bytes as a folder's `manifest.jsonl` beside one article, plan
/// the folder and extract the article with whatever metadata was read.
pub fn manifest_file(data: &[u8]) {
    let dir = scratch().join("folder");
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let article = "Gunmen killed two policemen in Bannu on Monday, police said.\n";
    let written = std::fs::write(dir.join("a1.txt"), article)
        .and_then(|()| std::fs::write(dir.join(tally_corpus::FOLDER_MANIFEST), data));
    if written.is_ok() {
        read_and_extract(&[dir], None);
    }
}

fn read_and_extract(paths: &[PathBuf], manifest: Option<&Path>) {
    let Ok(plan) = tally_corpus::plan(paths, manifest) else {
        return;
    };
    for entry in &plan.entries {
        if let Ok(loaded) = entry.read(&ReadOptions::default()) {
            std::hint::black_box(tally_extract::extract(&loaded.article, lexicon()));
        }
    }
}

/// A folder of this process's own (AFL may run several fuzzers at once).
fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = std::env::var_os("TALLY_FUZZ_SCRATCH")
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir);
        let dir = base.join(format!("tally-fuzz-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        dir
    })
}

/// The harness named `name`, for `replay`.
pub fn harness(name: &str) -> Option<fn(&[u8])> {
    match name {
        "extract" => Some(extract_bytes),
        "article" => Some(article_file),
        "manifest" => Some(manifest_file),
        _ => None,
    }
}
