//! `tally synth`: write a synthetic corpus (articles, manifest, gold) for
//! testing merging and speed at scale.

use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use tally_synth::SynthConfig;

#[derive(Args, Debug)]
pub struct SynthArgs {
    /// Folder to write: OUT/articles/*.txt, OUT/articles/manifest.jsonl, OUT/gold.jsonl.
    #[arg(value_name = "OUT")]
    pub out: PathBuf,
    /// Incidents reported as news (each by 1 to --max-reports articles).
    #[arg(long, default_value_t = 1000)]
    pub incidents: usize,
    /// Random seed; the same seed writes byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Most articles reporting one incident.
    #[arg(long, default_value_t = 5)]
    pub max_reports: usize,
    /// First incident day (YYYY-MM-DD). A longer span gives a sparser corpus.
    #[arg(long, default_value = "2023-01-01", value_name = "DATE")]
    pub from: String,
    /// Last incident day (YYYY-MM-DD).
    #[arg(long, default_value = "2024-12-31", value_name = "DATE")]
    pub until: String,
}

pub fn run(args: SynthArgs) -> Result<ExitCode> {
    let config = SynthConfig {
        incidents: args.incidents,
        seed: args.seed,
        max_reports: args.max_reports,
        start_date: args.from,
        end_date: args.until,
        ..SynthConfig::default()
    };
    let summary = tally_synth::generate(&config, &args.out)
        .with_context(|| format!("writing a synthetic corpus to {}", args.out.display()))?;
    eprintln!(
        "tally: wrote {} articles ({} without an incident), {} main and {} mentioned gold incidents to {}",
        summary.articles,
        summary.noise_articles,
        summary.main_incidents,
        summary.mentioned_incidents,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
