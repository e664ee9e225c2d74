//! `tally review`: the incidents an analyst should check first, and why.
//!
//! The queue holds the main incidents whose doubt score (expected number of
//! wrong fields, from the calibrated confidences) reaches the threshold and
//! that no analyst has marked reviewed since their last new report. It is
//! ranked by doubt times the toll's weight, raised for recent incidents.

use crate::extract_cmd::load_lexicon;
use crate::store_cmd::{DbArg, FilterArgs};
use anyhow::Result;
use clap::Args;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use tally_model::{Incident, IncidentDate};
use tally_store::OpenMode;

#[derive(Args, Debug)]
pub struct QueueArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// At most N incidents.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// Recency is measured from this day (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    #[command(flatten)]
    pub db: DbArg,
}

pub fn run(args: QueueArgs) -> Result<ExitCode> {
    let store = args.db.open(OpenMode::ReadOnly)?;
    let filter = args.filter.resolve(&store, load_lexicon()?)?;
    let today = match &args.today {
        Some(s) => IncidentDate::parse(s)
            .ok_or_else(|| anyhow::anyhow!("--today {s:?} is not a date: use YYYY-MM-DD"))?,
        None => IncidentDate::today(),
    };
    let (total, queue) = store.review_queue(&filter, args.limit, today.ordinal())?;
    let mut out = BufWriter::new(io::stdout().lock());
    if queue.is_empty() {
        writeln!(
            out,
            "nothing to review: no incident matching the filters is on the queue"
        )?;
    }
    for (rank, inc) in queue.iter().enumerate() {
        write_entry(&mut out, rank + 1, inc)?;
    }
    out.flush()?;
    eprintln!(
        "tally: {} of {total} incidents on the review queue shown; \
         `tally show ID` for the evidence, `tally correct ID --reviewed --note WHY` when checked",
        queue.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn write_entry(out: &mut impl Write, rank: usize, inc: &Incident) -> Result<()> {
    let standing = tally_merge::ReviewStanding::of(inc);
    let place = [&inc.place, &inc.admin2, &inc.admin1]
        .into_iter()
        .flatten()
        .next()
        .map(String::as_str)
        .unwrap_or("-");
    let killed = tally_store::best_total(&inc.killed).map_or("-".into(), |k| k.to_string());
    writeln!(
        out,
        "{rank:>3}. {}  {}  {}  {place}  killed {killed}  expected wrong fields {:.2}",
        inc.id,
        inc.date.map_or("-".into(), |d| d.to_string()),
        inc.event_type,
        standing.doubt
    )?;
    for d in &inc.doubts {
        writeln!(out, "       - {}", d.reason)?;
    }
    Ok(())
}
