//! Run a harness over every file of some folders (a fuzzer's queue, the
//! seeds, the regressions) without instrumentation, and report how many
//! inputs ran and the slowest: `replay extract DIR...`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(harness) = args.next().as_deref().and_then(tally_fuzz::harness) else {
        eprintln!("usage: replay extract|article|manifest DIR...");
        return ExitCode::from(2);
    };
    let mut files: Vec<PathBuf> = args
        .flat_map(|dir| std::fs::read_dir(dir).into_iter().flatten().flatten())
        .map(|e| e.path())
        .filter(|p| p.is_file() && !p.ends_with(".keep"))
        .collect();
    files.sort();
    // Load the lexicon before timing anything.
    harness(b"");
    let (mut slowest, mut slowest_file, mut total) =
        (Duration::ZERO, PathBuf::new(), Duration::ZERO);
    for file in &files {
        let Ok(data) = std::fs::read(file) else {
            continue;
        };
        let start = Instant::now();
        harness(&data);
        let took = start.elapsed();
        total += took;
        if took > slowest {
            (slowest, slowest_file) = (took, file.clone());
        }
    }
    println!(
        "{} inputs, {:.1} s in all, slowest {:.1} ms ({})",
        files.len(),
        total.as_secs_f64(),
        slowest.as_secs_f64() * 1e3,
        slowest_file.display()
    );
    ExitCode::SUCCESS
}
