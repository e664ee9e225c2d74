//! The reader never panics on what it finds on disk: arbitrary article
//! bytes and manifest lines (a bounded property run), the fuzz seeds and
//! every input a fuzzer found a problem with (`fuzz/regressions/article`,
//! `fuzz/regressions/manifest`). The long coverage-guided run is `fuzz/`.

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use tally_corpus::{plan, ReadOptions, FOLDER_MANIFEST};
use tempfile::TempDir;

fn fuzz_inputs(rel: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz")
        .join(rel);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        panic!("no folder {}", dir.display());
    };
    let mut out: Vec<(PathBuf, Vec<u8>)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .filter_map(|p| std::fs::read(&p).ok().map(|bytes| (p, bytes)))
        .collect();
    out.sort();
    out
}

fn scratch() -> TempDir {
    match TempDir::new() {
        Ok(dir) => dir,
        Err(e) => panic!("no temporary folder: {e}"),
    }
}

/// Write `bytes` as an article file and read it: either an article whose
/// text is non-blank and carries no BOM, or a reason to skip it.
fn read_bytes(bytes: &[u8]) {
    let dir = scratch();
    let path = dir.path().join("a1.txt");
    if let Err(e) = std::fs::write(&path, bytes) {
        panic!("cannot write {}: {e}", path.display());
    }
    let Ok(found) = plan(&[&path], None) else {
        panic!("planning one existing file failed");
    };
    assert_eq!(found.entries.len(), 1);
    match found.entries[0].read(&ReadOptions::default()) {
        Ok(loaded) => {
            assert!(!loaded.article.text.trim().is_empty());
            assert!(!loaded.article.text.starts_with('\u{feff}'));
        }
        Err(skipped) => assert!(!skipped.reason.is_empty()),
    }
}

/// Write `bytes` as a folder's manifest beside one article and plan the
/// folder: the article is always planned, whatever the manifest holds.
fn plan_with_manifest(bytes: &[u8]) {
    let dir = scratch();
    let written = std::fs::write(dir.path().join("a1.txt"), "Two killed in Bannu.\n")
        .and_then(|()| std::fs::write(dir.path().join(FOLDER_MANIFEST), bytes));
    if let Err(e) = written {
        panic!("cannot write the folder: {e}");
    }
    let Ok(found) = plan(&[dir.path()], None) else {
        panic!("a folder manifest never fails the plan");
    };
    assert_eq!(found.entries.len(), 1);
    assert_eq!(found.entries[0].meta.id, "a1");
}

#[test]
fn seed_and_regression_articles_read_without_panicking() {
    let mut all = fuzz_inputs("seeds/article");
    all.extend(fuzz_inputs("regressions/article"));
    assert!(!all.is_empty(), "the seed corpus is missing");
    for (path, bytes) in &all {
        let outcome = std::panic::catch_unwind(|| read_bytes(bytes));
        assert!(outcome.is_ok(), "reading panicked on {}", path.display());
    }
}

#[test]
fn seed_and_regression_manifests_plan_without_panicking() {
    let mut all = fuzz_inputs("seeds/manifest");
    all.extend(fuzz_inputs("regressions/manifest"));
    assert!(!all.is_empty(), "the seed corpus is missing");
    for (path, bytes) in &all {
        let outcome = std::panic::catch_unwind(|| plan_with_manifest(bytes));
        assert!(outcome.is_ok(), "planning panicked on {}", path.display());
    }
}

/// A manifest line made of plausible keys and awkward values.
fn manifest_line() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just("null".to_string()),
        Just("\"\"".to_string()),
        "-?[0-9]{1,25}".prop_map(|s| s.to_string()),
        "\"[0-9]{0,6}-[0-9]{0,3}-[0-9]{0,3}\"".prop_map(|s| s.to_string()),
        "\\PC{0,12}".prop_map(|s| format!("{s:?}")),
        Just("[1, {\"a\": 2}]".to_string()),
    ];
    let key = prop_oneof![
        Just("article"),
        Just("published"),
        Just("outlet"),
        Just("url"),
        Just("other"),
    ];
    let pair = (key, value).prop_map(|(k, v)| format!("\"{k}\": {v}"));
    prop_oneof![
        proptest::collection::vec(pair, 0..5).prop_map(|ps| format!("{{{}}}", ps.join(", "))),
        "\\PC{0,40}".prop_map(|s| s.to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_article_bytes_read_or_skip(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        read_bytes(&bytes);
    }

    #[test]
    fn text_with_a_date_line_reads_or_skips(line in "[ \t]{0,2}date[ \t]{0,2}\\PC{0,20}", rest in "\\PC{0,80}") {
        read_bytes(format!("{line}\n{rest}").as_bytes());
    }

    #[test]
    fn arbitrary_manifest_lines_never_fail_the_plan(lines in proptest::collection::vec(manifest_line(), 0..6)) {
        plan_with_manifest(lines.join("\n").as_bytes());
    }

    #[test]
    fn arbitrary_manifest_bytes_never_fail_the_plan(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        plan_with_manifest(&bytes);
    }
}
