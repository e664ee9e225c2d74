//! `tally linkage pairs`: the comparison levels of every pair of reports
//! that merging may compare, for estimating the linkage weights on
//! labelled corpora (`scripts/estimate_linkage.py`); `tally linkage
//! clusters`: which reports merging put together.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tally_merge::Sketch;

#[derive(Args, Debug)]
pub struct LinkageArgs {
    #[command(subcommand)]
    command: LinkageCommand,
}

#[derive(Subcommand, Debug)]
enum LinkageCommand {
    /// Write the comparison levels of every candidate pair of reports.
    ///
    /// Codes the corpus as `tally extract --no-merge` does (report keys are
    /// the per-article incident ids) and writes one JSON line per pair of
    /// reports from different articles that blocking lets merging compare:
    /// {"a": KEY, "b": KEY, "levels": {"district": "same", ...}}.
    ///
    /// Example:
    ///   tally linkage pairs ../shared/bench/dev/articles \
    ///       --manifest ../shared/bench/dev/manifest.jsonl -o pairs.jsonl
    #[command(verbatim_doc_comment)]
    Pairs(PairsArgs),
    /// Write the reports of every merged incident.
    ///
    /// One JSON line per incident, in output order:
    /// {"incident": ID, "reports": [KEY, ...]} (report keys as in
    /// `tally extract --no-merge`), for seeing which reports merging joined.
    ///
    /// Example:
    ///   tally linkage clusters ../shared/bench/dev/articles \
    ///       --manifest ../shared/bench/dev/manifest.jsonl -o clusters.jsonl
    #[command(verbatim_doc_comment)]
    Clusters(PairsArgs),
}

#[derive(Args, Debug)]
struct PairsArgs {
    #[command(flatten)]
    corpus: crate::CorpusArgs,
    #[arg(short = 'o', long, value_name = "PAIRS.jsonl")]
    output: PathBuf,
}

pub fn run(args: LinkageArgs) -> Result<ExitCode> {
    match args.command {
        LinkageCommand::Pairs(a) => pairs(a),
        LinkageCommand::Clusters(a) => clusters(a),
    }
}

/// Code the corpus article by article, as `tally extract --no-merge` does.
fn coded(corpus: &crate::CorpusArgs) -> Result<Vec<tally_model::ArticleReport>> {
    let lex = crate::extract_cmd::load_lexicon()?;
    let plan = corpus.plan()?;
    Ok(crate::extract_cmd::code_all(&plan, lex, false))
}

/// Write one JSON value per line to `path`.
fn write_jsonl(path: &Path, lines: impl Iterator<Item = serde_json::Value>) -> Result<()> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut w = BufWriter::new(file);
    for line in lines {
        serde_json::to_writer(&mut w, &line)
            .with_context(|| format!("writing {}", path.display()))?;
        w.write_all(b"\n")
            .with_context(|| format!("writing {}", path.display()))?;
    }
    w.flush()
        .with_context(|| format!("writing {}", path.display()))
}

fn pairs(a: PairsArgs) -> Result<ExitCode> {
    let linkage = crate::extract_cmd::load_linkage()?;
    let reports = coded(&a.corpus)?;
    let sketches: Vec<Sketch> = reports.iter().flat_map(Sketch::of_report).collect();
    let pairs = tally_merge::candidate_pairs(&sketches);
    write_jsonl(
        &a.output,
        pairs.iter().map(|&(i, j)| {
            let levels = linkage.levels(&sketches[i].profile, &sketches[j].profile);
            let map: serde_json::Map<String, serde_json::Value> = levels
                .0
                .iter()
                .map(|l| (l.comparison.to_string(), l.level.into()))
                .collect();
            serde_json::json!({"a": sketches[i].key, "b": sketches[j].key, "levels": map})
        }),
    )?;
    eprintln!(
        "tally: {} reports, {} candidate pairs written to {}",
        sketches.len(),
        pairs.len(),
        a.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn clusters(a: PairsArgs) -> Result<ExitCode> {
    let linkage = crate::extract_cmd::load_linkage()?;
    let reports = coded(&a.corpus)?;
    let sketches: Vec<Sketch> = reports.iter().flat_map(Sketch::of_report).collect();
    let clusters = tally_merge::cluster(&sketches, linkage);
    write_jsonl(
        &a.output,
        clusters.iter().map(|c| {
            let keys: Vec<&str> = c.iter().map(|&i| sketches[i].key.as_str()).collect();
            let id = tally_merge::incident_id(keys.iter().copied());
            serde_json::json!({"incident": id, "reports": keys})
        }),
    )?;
    eprintln!(
        "tally: {} reports in {} incidents written to {}",
        sketches.len(),
        clusters.len(),
        a.output.display()
    );
    Ok(ExitCode::SUCCESS)
}
