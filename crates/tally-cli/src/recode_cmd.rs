//! `tally recode`: code the stored articles again with this tally, merge
//! them again with the analysts' corrections re-applied, and print what
//! changed (`--dry-run`: the same, without writing).

use crate::extract_cmd::load_lexicon;
use crate::store_cmd::{DbArg, FilterArgs};
use anyhow::Result;
use clap::Args;
use rayon::prelude::*;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use tally_model::ArticleReport;
use tally_store::{Filter, OpenMode, RecodeOutcome};

/// Articles read and extracted per batch (bounds the texts held at once).
const CHUNK: usize = 2048;
/// Incident ids and field changes listed before "... and N more".
const SHOWN: usize = 20;

#[derive(Args, Debug)]
pub struct RecodeArgs {
    /// Print what would change, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Hide the progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub db: DbArg,
}

pub fn run(args: RecodeArgs) -> Result<ExitCode> {
    let lex = load_lexicon()?;
    let coder = crate::coder::current()?.clone();
    let mut store = args.db.open(OpenMode::Existing)?;
    let filter = args.filter.resolve(&store, lex)?;
    // Without a filter every stored article is recoded, including those
    // in which the tally that stored them found no incident.
    let filter = (filter != Filter::default()).then_some(filter);
    let ids = store.recode_articles(filter.as_ref())?;
    let bar = crate::extract_cmd::progress_bar(ids.len() as u64, !args.quiet);
    let mut recode = store.begin_recode(coder)?;
    for chunk in ids.chunks(CHUNK) {
        let articles = recode.articles(chunk)?;
        let reports: Vec<ArticleReport> = articles
            .par_iter()
            .map(|a| {
                let report = tally_extract::extract(a, lex);
                bar.inc(1);
                report
            })
            .collect();
        for r in &reports {
            recode.add(r)?;
        }
    }
    bar.finish_and_clear();
    let outcome = recode.finish(!args.dry_run)?;
    let mut out = BufWriter::new(io::stdout().lock());
    write_outcome(&mut out, &outcome, args.dry_run)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// What changed, in the words history uses.
fn write_outcome(out: &mut impl Write, o: &RecodeOutcome, dry_run: bool) -> Result<()> {
    let prefix = if dry_run { "dry run: " } else { "" };
    writeln!(
        out,
        "{prefix}{}: {} articles coded again, {} with a different report",
        o.label, o.articles, o.reports_changed
    )?;
    writeln!(
        out,
        "incidents: {} new, {} removed, {} changed, {} with other evidence or confidence only, {} unchanged",
        o.incidents_new.len(),
        o.incidents_removed.len(),
        o.incidents_changed,
        o.incidents_restated,
        o.incidents_unchanged
    )?;
    if !o.field_changes.is_empty() {
        writeln!(out, "changed fields:")?;
        for c in o.field_changes.iter().take(SHOWN) {
            let plural = if c.incidents == 1 { "" } else { "s" };
            writeln!(
                out,
                "  {}: {} -> {} in {} incident{plural}",
                c.field, c.from, c.to, c.incidents
            )?;
        }
        more(out, o.field_changes.len())?;
    }
    write_ids(out, "new", &o.incidents_new)?;
    write_ids(out, "removed", &o.incidents_removed)?;
    if !o.orphaned.is_empty() {
        writeln!(
            out,
            "corrections whose report no longer exists (kept, but they apply to nothing; make them again on the incident that now holds the article):"
        )?;
        for c in &o.orphaned {
            let what = match (&c.field, &c.value) {
                (Some(f), Some(v)) if c.kind == "set" => format!("{f} = {v}"),
                (Some(f), None) if c.kind == "set" => format!("{f} cleared"),
                (Some(f), _) => format!("{} {f}", c.kind),
                (None, _) => c.kind.clone(),
            };
            writeln!(
                out,
                "  {}  {what} on report {} ({})",
                c.at, c.anchor, c.note
            )?;
        }
    }
    if dry_run {
        writeln!(out, "dry run: nothing was written")?;
    }
    Ok(())
}

fn write_ids(out: &mut impl Write, what: &str, ids: &[String]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    writeln!(out, "{what} incidents:")?;
    for id in ids.iter().take(SHOWN) {
        writeln!(out, "  {id}")?;
    }
    more(out, ids.len())
}

fn more(out: &mut impl Write, total: usize) -> Result<()> {
    if total > SHOWN {
        writeln!(out, "  ... and {} more", total - SHOWN)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tally_store::{FieldChange, OrphanedCorrection};

    #[test]
    fn the_outcome_names_field_changes_and_orphaned_corrections() {
        let outcome = RecodeOutcome {
            articles: 3,
            reports_changed: 1,
            incidents_changed: 3,
            field_changes: vec![FieldChange {
                field: "killed.total".into(),
                from: "14".into(),
                to: "12".into(),
                incidents: 3,
            }],
            orphaned: vec![OrphanedCorrection {
                anchor: "017_dawn#2".into(),
                kind: "set".into(),
                field: Some("killed.civilians".into()),
                value: Some("4".into()),
                note: "hospital list".into(),
                at: "2026-01-01T00:00:00Z".into(),
            }],
            label: "recoded by tally 0.1.0 (data 0123456789ab)".into(),
            ..Default::default()
        };
        let mut out = Vec::new();
        write_outcome(&mut out, &outcome, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("dry run: recoded by tally 0.1.0 (data 0123456789ab): 3 articles"));
        assert!(
            text.contains("  killed.total: 14 -> 12 in 3 incidents\n"),
            "{text}"
        );
        assert!(
            text.contains("killed.civilians = 4 on report 017_dawn#2 (hospital list)"),
            "{text}"
        );
        assert!(text.ends_with("dry run: nothing was written\n"), "{text}");
    }
}
