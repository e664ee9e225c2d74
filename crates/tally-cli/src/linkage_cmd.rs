//! `tally linkage pairs`: the comparison levels of every pair of reports
//! that merging may compare, for estimating the linkage weights on
//! labelled corpora (`scripts/estimate_linkage.py`); `tally linkage
//! clusters`: which reports merging put together.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
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

fn pairs(a: PairsArgs) -> Result<ExitCode> {
    let lex = crate::extract_cmd::load_lexicon()?;
    let linkage = crate::extract_cmd::load_linkage()?;
    let plan = a.corpus.plan()?;
    let reports = crate::extract_cmd::code_all(&plan, lex, false);
    let sketches: Vec<Sketch> = reports.iter().flat_map(Sketch::of_report).collect();
    let file =
        File::create(&a.output).with_context(|| format!("creating {}", a.output.display()))?;
    let mut w = BufWriter::new(file);
    let pairs = tally_merge::candidate_pairs(&sketches);
    for &(i, j) in &pairs {
        let levels = linkage.levels(&sketches[i].profile, &sketches[j].profile);
        let map: serde_json::Map<String, serde_json::Value> = levels
            .0
            .iter()
            .map(|l| (l.comparison.to_string(), l.level.into()))
            .collect();
        let line = serde_json::json!({"a": sketches[i].key, "b": sketches[j].key, "levels": map});
        serde_json::to_writer(&mut w, &line).context("writing a pair")?;
        w.write_all(b"\n").context("writing a pair")?;
    }
    w.flush().context("writing pairs")?;
    eprintln!(
        "tally: {} reports, {} candidate pairs written to {}",
        sketches.len(),
        pairs.len(),
        a.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn clusters(a: PairsArgs) -> Result<ExitCode> {
    let lex = crate::extract_cmd::load_lexicon()?;
    let linkage = crate::extract_cmd::load_linkage()?;
    let plan = a.corpus.plan()?;
    let reports = crate::extract_cmd::code_all(&plan, lex, false);
    let members: Vec<tally_merge::Member> = reports
        .iter()
        .flat_map(tally_merge::Member::of_report)
        .collect();
    let sketches: Vec<Sketch> = members
        .iter()
        .map(|m| Sketch::of(m.incident, m.article, m.published))
        .collect();
    let file =
        File::create(&a.output).with_context(|| format!("creating {}", a.output.display()))?;
    let mut w = BufWriter::new(file);
    let clusters = tally_merge::cluster(&sketches, linkage);
    for c in &clusters {
        let folded: Vec<&tally_merge::Member> = c.iter().map(|&i| &members[i]).collect();
        let keys: Vec<&str> = c.iter().map(|&i| sketches[i].key.as_str()).collect();
        let line = serde_json::json!({"incident": tally_merge::fold(&folded).id, "reports": keys});
        serde_json::to_writer(&mut w, &line).context("writing a cluster")?;
        w.write_all(b"\n").context("writing a cluster")?;
    }
    w.flush().context("writing clusters")?;
    eprintln!(
        "tally: {} reports in {} incidents written to {}",
        sketches.len(),
        clusters.len(),
        a.output.display()
    );
    Ok(ExitCode::SUCCESS)
}
