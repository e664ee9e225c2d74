//! `tally extract`: read a corpus, code every article, write incidents.

use crate::bench;
use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use tally_corpus::{CorpusPlan, ReadOptions};
use tally_lexicon::Lexicon;
use tally_model::{ArticleReport, Incident};

#[derive(Args, Debug)]
pub struct ExtractArgs {
    #[command(flatten)]
    pub corpus: crate::CorpusArgs,
    /// Write incidents here instead of stdout.
    #[arg(short = 'o', long, value_name = "OUT.jsonl")]
    pub output: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Code each article on its own: one incident per article and story, no merging across articles.
    #[arg(long)]
    pub no_merge: bool,
    /// Measure throughput instead: replicate the articles to at least N and code them on one thread.
    #[arg(long, value_name = "N")]
    pub bench: Option<usize>,
    /// Print each article's sentences with their annotations and incident roles (for tuning lexicons).
    #[arg(long, hide = true)]
    pub debug: bool,
    /// Also write each article's report (relevance decision and score, the
    /// scope classes that fired, its incidents before merging) as JSON Lines.
    #[arg(long, value_name = "REPORTS.jsonl")]
    pub reports: Option<PathBuf>,
    /// Hide the progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

pub fn run(args: ExtractArgs) -> Result<ExitCode> {
    let lex = load_lexicon()?;
    let plan = args.corpus.plan()?;
    if let Some(n) = args.bench {
        return bench::run(&plan, lex, n).map(|_| ExitCode::SUCCESS);
    }
    if args.debug {
        for e in &plan.entries {
            if let Ok(l) = e.read(&ReadOptions::default()) {
                print!("{}", tally_extract::debug_dump(&l.article, lex));
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .context("starting worker threads")?;
    }
    let reports = code_all(&plan, lex, !args.quiet);
    let read = reports.len();
    if read == 0 {
        report_nothing_read(plan.skipped.len() + plan.entries.len());
        return Ok(ExitCode::from(crate::EXIT_NOTHING_READ));
    }
    if let Some(path) = &args.reports {
        write_jsonl(&reports, Some(path))?;
    }
    let incidents: Vec<Incident> = if args.no_merge {
        reports.into_iter().flat_map(|r| r.incidents).collect()
    } else {
        tally_merge::merge(&reports, crate::extract_cmd::load_linkage()?)
    };
    write_jsonl(&incidents, args.output.as_ref())?;
    if !args.quiet {
        eprintln!(
            "tally: {read} articles coded, {} incidents{}",
            incidents.len(),
            if args.no_merge { " (not merged)" } else { "" }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Knowledge read from a folder by `--data`, in place of the embedded files.
static DATA_DIR_LEXICON: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
static DATA_DIR_LINKAGE: std::sync::OnceLock<tally_merge::Linkage> = std::sync::OnceLock::new();
/// The folder `--data` named (a release's codebook reads its groups and sources there).
static DATA_DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

/// The folder given with `--data`, if any.
pub fn data_dir() -> Option<&'static std::path::Path> {
    DATA_DIR.get().map(|p| p.as_path())
}

/// Use the data files under `dir` (laid out like the project's `data/`).
pub fn use_data_dir(dir: &std::path::Path) -> Result<()> {
    let lex = Lexicon::from_dir(dir)
        .with_context(|| format!("reading the data files under {}", dir.display()))?;
    let _ = DATA_DIR_LEXICON.set(lex);
    let read = |name: &str| {
        let p = dir.join(name);
        std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))
    };
    let linkage = tally_merge::Linkage::parse(
        &read("linkage/levels.tsv")?,
        &read("gazetteer/adjacency.tsv")?,
    )
    .map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
    let _ = DATA_DIR_LINKAGE.set(linkage);
    let _ = DATA_DIR.set(dir.to_path_buf());
    Ok(())
}

/// The merging weights: from `--data`, else the ones built in.
pub fn load_linkage() -> Result<&'static tally_merge::Linkage> {
    if let Some(l) = DATA_DIR_LINKAGE.get() {
        return Ok(l);
    }
    tally_merge::Linkage::try_embedded()
        .map_err(|e| anyhow::anyhow!("the embedded merging weights are broken: {e}"))
}

pub fn load_lexicon() -> Result<&'static Lexicon> {
    if let Some(lex) = DATA_DIR_LEXICON.get() {
        return Ok(lex);
    }
    Lexicon::try_embedded().map_err(|e| anyhow::anyhow!("the embedded data files are broken: {e}"))
}

/// Which manifests a plan uses, its warnings and the paths it skips, on stderr.
pub fn report_plan(plan: &CorpusPlan) {
    for m in &plan.manifests {
        eprintln!("tally: using manifest {}", m.display());
    }
    for w in &plan.warnings {
        eprintln!("tally: warning: {w}");
    }
    for s in &plan.skipped {
        report_skipped(s);
    }
}

/// One path that was not coded, and why: the same words for every command.
pub fn report_skipped(s: &tally_corpus::Skipped) {
    eprintln!("tally: skipped {s}");
}

/// Why a run that read nothing exits with [`crate::EXIT_NOTHING_READ`].
pub fn report_nothing_read(skipped: usize) {
    match skipped {
        0 => eprintln!("tally: no article could be read: no article files were found"),
        1 => eprintln!("tally: no article could be read (1 path skipped, reasons above)"),
        n => eprintln!("tally: no article could be read ({n} paths skipped, reasons above)"),
    }
}

/// Read and code every planned article in parallel, in plan order.
pub fn code_all(plan: &CorpusPlan, lex: &Lexicon, progress: bool) -> Vec<ArticleReport> {
    let opts = ReadOptions::default();
    let bar = progress_bar(plan.entries.len() as u64, progress);
    let results: Vec<_> = plan
        .entries
        .par_iter()
        .map(|entry| {
            let out = entry.read(&opts).map(|loaded| {
                let report = tally_extract::extract(&loaded.article, lex);
                (report, loaded.warnings)
            });
            bar.inc(1);
            out
        })
        .collect();
    bar.finish_and_clear();
    let mut reports = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok((report, warnings)) => {
                for w in warnings {
                    eprintln!("tally: warning: {w}");
                }
                for d in &report.diagnostics {
                    eprintln!("tally: note: {}: {}", d.article, d.message);
                }
                reports.push(report);
            }
            Err(skipped) => report_skipped(&skipped),
        }
    }
    reports
}

/// A bar on stderr for long runs, hidden when stderr is not a terminal.
pub fn progress_bar(len: u64, wanted: bool) -> ProgressBar {
    if !wanted || len < 200 || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} articles {per_sec} eta {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// One JSON object per line, to a file or stdout.
pub fn write_jsonl<T: serde::Serialize>(items: &[T], path: Option<&PathBuf>) -> Result<()> {
    let sink: Box<dyn Write> = match path {
        Some(p) => Box::new(File::create(p).with_context(|| format!("creating {}", p.display()))?),
        None => Box::new(io::stdout().lock()),
    };
    let mut w = BufWriter::new(sink);
    for item in items {
        serde_json::to_writer(&mut w, item).context("writing a record")?;
        w.write_all(b"\n").context("writing output")?;
    }
    w.flush().context("writing output")?;
    Ok(())
}
