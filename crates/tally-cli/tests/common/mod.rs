//! Helpers the end-to-end test files share: run the built binary, check it
//! succeeded, find the bundled examples. Each test file uses some of them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Run `tally` with `args`, ignoring any database named in the environment.
pub fn tally(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(args)
        .env_remove("TALLY_DB")
        .output()
        .expect("the tally binary runs")
}

/// Run `tally`, fail the test unless it succeeds, return its output.
pub fn run_ok(args: &[&str]) -> Output {
    let out = tally(args);
    assert!(
        out.status.success(),
        "tally {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `run_ok`, returning what it printed.
pub fn ok(args: &[&str]) -> String {
    String::from_utf8_lossy(&run_ok(args).stdout).into_owned()
}

/// The project's bundled example articles.
pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/articles")
}

/// A temporary path as a command-line argument.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}
