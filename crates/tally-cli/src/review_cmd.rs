//! `tally correct`: an analyst's correction of a stored incident (a field,
//! a split or a merge), kept with its note through later ingests.

use crate::store_cmd::DbArg;
use anyhow::{bail, Result};
use clap::{ArgGroup, Args};
use std::process::ExitCode;
use tally_store::{OpenMode, Review, CORRECTABLE};

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("change").required(true).args(["set", "split", "merge", "reviewed"])))]
pub struct CorrectArgs {
    /// Incident id or a unique prefix of it.
    #[arg(value_name = "ID")]
    pub id: String,
    /// Set a field: FIELD=VALUE (an empty VALUE clears it). Counts are N or
    /// low/best/high; dates YYYY-MM-DD, YYYY-MM or YYYY; targets a list
    /// separated by commas (targets=police,civilians).
    #[arg(long, value_name = "FIELD=VALUE")]
    pub set: Option<String>,
    /// Take this article's report out of the incident into its own incident.
    #[arg(long, value_name = "ARTICLE")]
    pub split: Option<String>,
    /// Join this other incident into ID.
    #[arg(long, value_name = "OTHER_ID")]
    pub merge: Option<String>,
    /// Mark ID reviewed: it leaves the review queue (`tally review`) until
    /// a new report joins it.
    #[arg(long)]
    pub reviewed: bool,
    /// Why (kept with the correction, shown in history and exports).
    #[arg(long, required = true)]
    pub note: String,
    /// Who makes the correction (kept with it, shown in show, history and
    /// exports); default $TALLY_USER, else nobody named.
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
    #[command(flatten)]
    pub db: DbArg,
}

pub fn run(args: CorrectArgs) -> Result<ExitCode> {
    let review = review_of(&args)?;
    let mut store = args.db.open(OpenMode::Existing)?;
    let user = args
        .user
        .clone()
        .or_else(|| std::env::var("TALLY_USER").ok())
        .filter(|u| !u.trim().is_empty());
    let outcome = store.review_by(&args.id, &review, &args.note, user.as_deref())?;
    let s = &outcome.summary;
    eprintln!(
        "tally: correction stored in {}; incidents: {} new, {} updated, {} removed",
        outcome.incident, s.incidents_new, s.incidents_updated, s.incidents_removed
    );
    if let Some(id) = &outcome.split_off {
        eprintln!("tally: the article's report is now incident {id}");
    }
    Ok(ExitCode::SUCCESS)
}

fn review_of(args: &CorrectArgs) -> Result<Review> {
    if let Some(set) = &args.set {
        let Some((field, value)) = set.split_once('=') else {
            bail!("--set takes FIELD=VALUE, for example --set group=TTP");
        };
        let field = field.trim();
        if !CORRECTABLE.contains(&field) {
            bail!(
                "cannot correct {field:?}: correctable fields are {}",
                CORRECTABLE.join(", ")
            );
        }
        let value = Some(value.trim().to_string()).filter(|v| !v.is_empty());
        return Ok(Review::Set {
            field: field.to_string(),
            value,
        });
    }
    if args.reviewed {
        return Ok(Review::Reviewed);
    }
    if let Some(article) = &args.split {
        return Ok(Review::Split {
            article: article.clone(),
        });
    }
    match &args.merge {
        Some(other) => Ok(Review::Merge {
            other: other.clone(),
        }),
        None => bail!("give one of --set, --split, --merge or --reviewed"),
    }
}
