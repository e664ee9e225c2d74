//! Extraction never panics, whatever the text: the fuzz seeds and every
//! input a fuzzer ever found a problem with (`fuzz/regressions/extract`),
//! plus a bounded property run over arbitrary bytes and mutated example
//! articles. The long coverage-guided run is `fuzz/` (AFL); see
//! `fuzz/README.md`.

#[path = "../../../fuzz/src/input.rs"]
mod input;

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use tally_lexicon::Lexicon;

fn lexicon() -> &'static Lexicon {
    match Lexicon::try_embedded() {
        Ok(lex) => lex,
        Err(e) => panic!("the embedded lexicon does not load: {e}"),
    }
}

fn fuzz_dir(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz")
        .join(rel)
}

/// The inputs in a folder of fuzz inputs (dotfiles are placeholders).
fn inputs(rel: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(dir) = std::fs::read_dir(fuzz_dir(rel)) else {
        panic!("no folder fuzz/{rel}");
    };
    let mut out: Vec<(PathBuf, Vec<u8>)> = dir
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

fn extract_input(data: &[u8]) {
    let article = input::article_of(data);
    let report = tally_extract::extract(&article, lexicon());
    let chars = article.text.chars().count();
    for inc in &report.incidents {
        for e in &inc.evidence {
            assert!(
                e.start <= e.end && e.end <= chars,
                "evidence out of the text"
            );
        }
    }
}

#[test]
fn seeds_and_regressions_extract_without_panicking() {
    let mut all = inputs("seeds/extract");
    all.extend(inputs("regressions/extract"));
    assert!(all.len() > 20, "the seed corpus is missing");
    for (path, data) in &all {
        let outcome = std::panic::catch_unwind(|| extract_input(data));
        assert!(outcome.is_ok(), "extraction panicked on {}", path.display());
    }
}

#[test]
fn a_seed_input_round_trips_its_date() {
    let day = tally_model::IncidentDate::day(2024, 2, 29);
    for published in [None, Some(day)] {
        let article = input::article_of(&input::input_of("text", published));
        assert_eq!(article.meta.published, published);
        assert_eq!(article.text, "text");
    }
}

/// Example article texts, mutated below.
fn examples() -> &'static [String] {
    static TEXTS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    TEXTS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/articles");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        paths.sort();
        paths
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect()
    })
}

/// Pieces a mutation splices in: words every stage looks for.
const SPLICES: &[&str] = &[
    " date 2024-02-29\n",
    "killed",
    " 12 ",
    "99999999999999999999",
    "Bannu",
    "last Sunday",
    "3 days ago",
    "(",
    ")",
    "\u{2028}",
    "\r\n",
    ".",
    "in another incident",
    "\u{fffd}",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Splice { at: usize, piece: usize },
    Duplicate { at: usize, len: usize },
    Byte { at: usize, byte: u8 },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0usize..200).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), 0..SPLICES.len()).prop_map(|(at, piece)| Mutation::Splice { at, piece }),
        (any::<usize>(), 0usize..400).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Byte { at, byte }),
    ]
}

/// Apply mutations at byte positions (the result may be invalid UTF-8, as a
/// damaged file is; `article_of` decodes it lossily).
fn mutate(text: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for m in mutations {
        let n = bytes.len().max(1);
        match *m {
            Mutation::Delete { at, len } => {
                let at = at % n;
                let end = (at + len).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            Mutation::Splice { at, piece } => {
                let at = (at % n).min(bytes.len());
                bytes.splice(at..at, SPLICES[piece].bytes());
            }
            Mutation::Duplicate { at, len } => {
                let at = (at % n).min(bytes.len());
                let end = (at + len).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
            Mutation::Byte { at, byte } => {
                if let Some(b) = bytes.get_mut(at % n) {
                    *b = byte;
                }
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_extract_without_panicking(data in proptest::collection::vec(any::<u8>(), 0..1500)) {
        extract_input(&data);
    }

    #[test]
    fn mutated_examples_extract_without_panicking(
        which in any::<usize>(),
        header in any::<[u8; 4]>(),
        mutations in proptest::collection::vec(mutation(), 1..12),
    ) {
        let texts = examples();
        prop_assume!(!texts.is_empty());
        let mut data = header.to_vec();
        data.extend(mutate(&texts[which % texts.len()], &mutations));
        extract_input(&data);
    }
}
