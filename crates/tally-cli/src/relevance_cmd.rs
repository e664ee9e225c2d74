//! `tally relevance train|eval`: fit the article relevance classifier on
//! labelled articles and write its weights as data, or measure the shipped
//! model against labels.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use rayon::prelude::*;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tally_corpus::ReadOptions;
use tally_extract::relevance::train::{self, Example, Settings};

#[derive(Args, Debug)]
pub struct RelevanceArgs {
    #[command(subcommand)]
    command: RelevanceCommand,
}

#[derive(Subcommand, Debug)]
enum RelevanceCommand {
    /// Train the classifier on labelled articles and write the model file.
    ///
    /// Labels are TSV lines `article<TAB>verdict<TAB>...` where verdict is
    /// `incident` (the article reports an in-scope incident as news) or
    /// `none`; lines starting with # are comments. Only labelled articles
    /// found in the corpus are used. Prints cross-validated precision and
    /// recall; the threshold is chosen on out-of-fold scores.
    ///
    /// Example:
    ///   tally relevance train ../rn/train --labels data/relevance/labels/train.tsv \
    ///       -o data/relevance/en/model.tsv
    #[command(verbatim_doc_comment)]
    Train(TrainArgs),
    /// Score labelled articles with the shipped model: precision and recall.
    ///
    /// Example:
    ///   tally relevance eval ../realnews --labels data/relevance/labels/audit-random2000.tsv
    #[command(verbatim_doc_comment)]
    Eval(EvalArgs),
}

#[derive(Args, Debug)]
struct TrainArgs {
    #[command(flatten)]
    corpus: crate::CorpusArgs,
    /// Label files (TSV: article, verdict, ...); give several to pool them.
    #[arg(long, required = true, value_name = "FILE")]
    labels: Vec<PathBuf>,
    /// Write the model here.
    #[arg(short = 'o', long, value_name = "MODEL.tsv")]
    output: PathBuf,
    /// Cross-validation folds.
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// A feature must occur in at least this many labelled articles.
    #[arg(long, default_value_t = Settings::default().min_df)]
    min_df: usize,
    /// L1 penalty (sparsity).
    #[arg(long, default_value_t = Settings::default().l1)]
    l1: f32,
    /// L2 penalty.
    #[arg(long, default_value_t = Settings::default().l2)]
    l2: f32,
    /// Training passes over the data.
    #[arg(long, default_value_t = Settings::default().epochs)]
    epochs: usize,
    /// Share of news articles the threshold must keep, out of fold.
    #[arg(long, default_value_t = Settings::default().target_recall)]
    target_recall: f64,
    /// Leave out weights smaller than this.
    #[arg(long, default_value_t = Settings::default().prune)]
    prune: f32,
}

#[derive(Args, Debug)]
struct EvalArgs {
    #[command(flatten)]
    corpus: crate::CorpusArgs,
    #[arg(long, required = true, value_name = "FILE")]
    labels: Vec<PathBuf>,
    /// Also list the articles the model gets wrong, with their scores.
    #[arg(long)]
    errors: bool,
}

pub fn run(args: RelevanceArgs) -> Result<ExitCode> {
    match args.command {
        RelevanceCommand::Train(a) => train_cmd(a),
        RelevanceCommand::Eval(a) => eval_cmd(a),
    }
}

/// article id -> is news of an in-scope incident.
fn read_labels(files: &[PathBuf]) -> Result<HashMap<String, bool>> {
    let mut out = HashMap::new();
    for f in files {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(id), Some(verdict)) = (cols.next(), cols.next()) else {
                bail!("{}:{}: expected article<TAB>verdict", f.display(), n + 1);
            };
            let positive = match verdict {
                "incident" => true,
                "none" => false,
                v => bail!(
                    "{}:{}: verdict must be incident or none, not {v:?}",
                    f.display(),
                    n + 1
                ),
            };
            out.insert(id.to_string(), positive);
        }
    }
    Ok(out)
}

/// One labelled article: id, named features, label.
type Labelled = (String, Vec<(String, f32)>, bool);

/// (article id, features, label) of every labelled article in the corpus.
fn labelled_features(
    corpus: &crate::CorpusArgs,
    labels: &HashMap<String, bool>,
) -> Result<Vec<Labelled>> {
    let lex = crate::extract_cmd::load_lexicon()?;
    let plan = corpus.plan()?;
    let mut rows: Vec<Labelled> = plan
        .entries
        .par_iter()
        .filter_map(|e| {
            let loaded = e.read(&ReadOptions::default()).ok()?;
            let id = loaded.article.meta.id.clone();
            let positive = *labels.get(&id)?;
            let feats = tally_extract::relevance_features(&loaded.article, lex);
            Some((id, feats, positive))
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows.dedup_by(|a, b| a.0 == b.0);
    if rows.is_empty() {
        bail!(
            "no labelled article found in {} ({} labels)",
            corpus.show(),
            labels.len()
        );
    }
    Ok(rows)
}

fn train_cmd(a: TrainArgs) -> Result<ExitCode> {
    let labels = read_labels(&a.labels)?;
    let rows = labelled_features(&a.corpus, &labels)?;
    let examples: Vec<Example> = rows
        .into_iter()
        .map(|(_, features, positive)| Example { features, positive })
        .collect();
    let settings = Settings {
        folds: a.folds,
        min_df: a.min_df,
        l1: a.l1,
        l2: a.l2,
        epochs: a.epochs,
        prune: a.prune,
        target_recall: a.target_recall,
        ..Settings::default()
    };
    let report = train::run(&examples, settings);
    let q = report.cross_validated;
    eprintln!(
        "tally: {} articles ({} news of an incident); {}-fold cross-validated at threshold {:.2}: precision {:.3} recall {:.3} F1 {:.3}",
        q.examples, q.positives, a.folds, report.cv_threshold, q.precision, q.recall, q.f1
    );
    write_model(&a, &report)?;
    eprintln!(
        "tally: wrote {} weights to {}",
        report.model.weights.len(),
        a.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn write_model(a: &TrainArgs, report: &train::Report) -> Result<()> {
    let q = report.cross_validated;
    let mut out = String::new();
    let sources: Vec<String> = a.labels.iter().map(|p| display_name(p)).collect();
    let _ = writeln!(
        out,
        "# Relevance classifier (logistic regression): written by `tally relevance train`; do not edit.\n\
         # labels: {}\n\
         # {} articles, {} news of an incident; {}-fold cross-validated: precision {:.3} recall {:.3} F1 {:.3}\n\
         # feature<TAB>weight; @bias and @threshold are the intercept and the decision threshold.",
        sources.join(", "),
        q.examples,
        q.positives,
        a.folds,
        q.precision,
        q.recall,
        q.f1
    );
    let m = &report.model;
    let _ = writeln!(out, "@bias\t{:.5}", m.bias);
    let _ = writeln!(out, "@threshold\t{:.3}", m.threshold);
    let mut weights = m.weights.clone();
    weights.sort_by(|x, y| x.0.cmp(&y.0));
    for (f, w) in weights {
        let _ = writeln!(out, "{f}\t{w:.5}");
    }
    std::fs::write(&a.output, out).with_context(|| format!("writing {}", a.output.display()))
}

fn display_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

fn eval_cmd(a: EvalArgs) -> Result<ExitCode> {
    let lex = crate::extract_cmd::load_lexicon()?;
    let labels = read_labels(&a.labels)?;
    let plan = a.corpus.plan()?;
    let mut scored: Vec<(String, f32, bool)> = plan
        .entries
        .par_iter()
        .filter_map(|e| {
            let loaded = e.read(&ReadOptions::default()).ok()?;
            let positive = *labels.get(&loaded.article.meta.id)?;
            let r = tally_extract::extract(&loaded.article, lex);
            Some((loaded.article.meta.id, r.relevance.score, positive))
        })
        .collect();
    scored.sort_by(|x, y| x.0.cmp(&y.0));
    let pairs: Vec<(f32, bool)> = scored.iter().map(|(_, s, y)| (*s, *y)).collect();
    let q = train::quality(&pairs, lex.relevance.threshold);
    println!(
        "articles {}  news {}  threshold {:.2}  precision {:.3}  recall {:.3}  F1 {:.3}",
        q.examples, q.positives, lex.relevance.threshold, q.precision, q.recall, q.f1
    );
    if a.errors {
        for (id, s, y) in &scored {
            let predicted = *s >= lex.relevance.threshold;
            if predicted != *y {
                println!("{}\t{id}\t{s:.3}", if *y { "missed" } else { "false" });
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
