//! Writes a synthetic corpus.
//!
//! cargo run --release -p tally-synth --example synth -- --incidents 1000 --seed 7 OUT_DIR
//!
//! Options: --incidents N, --seed N, --max-reports N, --background-rate X,
//! --noise-rate X, --two-incident-rate X, --start YYYY-MM-DD, --end YYYY-MM-DD.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use tally_synth::{generate, SynthConfig};

fn main() -> ExitCode {
    let mut cfg = SynthConfig::default();
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| -> String {
            args.next().unwrap_or_else(|| {
                eprintln!("{name} needs a value");
                std::process::exit(2)
            })
        };
        let parsed = match a.as_str() {
            "--incidents" => value("--incidents")
                .parse()
                .map(|v| cfg.incidents = v)
                .is_ok(),
            "--seed" => value("--seed").parse().map(|v| cfg.seed = v).is_ok(),
            "--max-reports" => value("--max-reports")
                .parse()
                .map(|v| cfg.max_reports = v)
                .is_ok(),
            "--background-rate" => value("--background-rate")
                .parse()
                .map(|v| cfg.background_rate = v)
                .is_ok(),
            "--noise-rate" => value("--noise-rate")
                .parse()
                .map(|v| cfg.noise_rate = v)
                .is_ok(),
            "--two-incident-rate" => value("--two-incident-rate")
                .parse()
                .map(|v| cfg.two_incident_rate = v)
                .is_ok(),
            "--start" => {
                cfg.start_date = value("--start");
                true
            }
            "--end" => {
                cfg.end_date = value("--end");
                true
            }
            "-h" | "--help" => {
                eprintln!("usage: synth [--incidents N] [--seed N] [--max-reports N] [--background-rate X] [--noise-rate X] [--two-incident-rate X] [--start DATE] [--end DATE] OUT_DIR");
                return ExitCode::SUCCESS;
            }
            s if !s.starts_with("--") && out.is_none() => {
                out = Some(PathBuf::from(s));
                true
            }
            _ => false,
        };
        if !parsed {
            eprintln!("bad argument: {a}");
            return ExitCode::from(2);
        }
    }
    let Some(out) = out else {
        eprintln!("missing OUT_DIR");
        return ExitCode::from(2);
    };
    let t = Instant::now();
    match generate(&cfg, &out) {
        Ok(s) => {
            eprintln!(
                "{} articles ({} noise, {} with two incidents, {} with background), {} main and {} mentioned gold incidents, {} words, {} bytes in {:.2?}",
                s.articles,
                s.noise_articles,
                s.two_incident_articles,
                s.background_articles,
                s.main_incidents,
                s.mentioned_incidents,
                s.words,
                s.bytes,
                t.elapsed()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
