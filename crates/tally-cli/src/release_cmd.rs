//! `tally release`: a versioned snapshot others can cite. Writes the
//! incidents (JSONL, CSV, GeoJSON), the codebook, the articles behind them,
//! CHANGES against the previous release and checksums; `--recreate` writes
//! a past release's files again, byte for byte, from what the database kept.

use crate::codebook::{codebook, DataTexts, ReleaseHeader};
use crate::store_cmd::{export_csv, export_geojson, DbArg, FilterArgs};
use anyhow::{bail, Context, Result};
use clap::Args;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tally_model::Incident;
use tally_store::{
    IncidentChange, OpenMode, ReleaseDraft, ReleaseSpec, ReleaseTexts, Store, StoredRelease,
};

#[derive(Args, Debug)]
pub struct ReleaseArgs {
    /// The release's name (letters, digits, `.`, `_`, `-`), e.g. 2026.1.
    #[arg(long, value_name = "NAME")]
    pub tag: String,
    /// Folder to write the files to (default: release-NAME).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write the files of the existing release NAME again, as they were.
    #[arg(long)]
    pub recreate: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub db: DbArg,
}

/// The files of a release, in the order `SHA256SUMS` lists them.
const FILES: [&str; 6] = [
    "CODEBOOK.md",
    "CHANGES",
    "incidents.jsonl",
    "incidents.csv",
    "incidents.geojson",
    "articles.jsonl",
];

pub fn run(args: ReleaseArgs) -> Result<ExitCode> {
    check_tag(&args.tag)?;
    let filters = filters_text(&args.filter);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("release-{}", args.tag)));
    let release = if args.recreate {
        if filters != "none" {
            bail!("--recreate writes the release as it was made: give no filters");
        }
        let store = args.db.open(OpenMode::ReadOnly)?;
        let found = store.stored_release(&args.tag)?;
        let Some(release) = found else {
            bail!("no release {} in {}", args.tag, store.path().display());
        };
        let sums = write_files(&store, &release, &out)?;
        check_same(&release, &sums)?;
        release
    } else {
        let mut store = args.db.open(OpenMode::Existing)?;
        let release = make(&mut store, &args, filters)?;
        let sums = write_files(&store, &release, &out)?;
        store.record_release_checksums(&release.tag, &sums)?;
        release
    };
    eprintln!(
        "tally: release {} ({} incidents, made {}) written to {}",
        release.tag,
        release.lines.len(),
        release.at,
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn make(store: &mut Store, args: &ReleaseArgs, filters: String) -> Result<StoredRelease> {
    let filter = args
        .filter
        .resolve(store, crate::extract_cmd::load_lexicon()?)?;
    let spec = ReleaseSpec {
        tag: args.tag.clone(),
        filters,
        tally: env!("CARGO_PKG_VERSION").to_string(),
    };
    let data = DataTexts::load(crate::extract_cmd::data_dir())?;
    let texts = |draft: &ReleaseDraft| {
        let header = ReleaseHeader {
            tag: &spec.tag,
            at: &draft.at,
            filters: &spec.filters,
            tally: &spec.tally,
        };
        ReleaseTexts {
            codebook: codebook(&header, &data),
            changes: changes(&spec, draft),
        }
    };
    Ok(store.make_release(&spec, &filter, texts)?)
}

/// Tags name folders and are cited: keep them to safe characters.
fn check_tag(tag: &str) -> Result<()> {
    let safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if tag.is_empty() || tag.starts_with('.') || !tag.chars().all(safe) {
        bail!("--tag {tag:?}: use letters, digits, '.', '_' and '-' (not first '.')");
    }
    Ok(())
}

/// The filters as the command line gave them, for the codebook and CHANGES.
fn filters_text(f: &FilterArgs) -> String {
    let mut parts = Vec::new();
    let mut text = |flag: &str, v: &Option<String>| {
        if let Some(v) = v {
            parts.push(format!("--{flag} {v:?}"));
        }
    };
    text("since", &f.since);
    text("until", &f.until);
    text("province", &f.province);
    text("district", &f.district);
    text("group", &f.group);
    text("type", &f.event_type);
    text("min-killed", &f.min_killed.map(|n| n.to_string()));
    if f.needs_review {
        parts.push("--needs-review".into());
    }
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(" ")
    }
}

// ---------------------------------------------------------------- CHANGES

/// CHANGES: what differs from the previous release, incident by incident.
fn changes(spec: &ReleaseSpec, draft: &ReleaseDraft) -> String {
    let d = &draft.diff;
    let mut out = format!(
        "Release {} ({}), filters: {}\n",
        spec.tag, draft.at, spec.filters
    );
    match &d.previous {
        Some((tag, at)) => {
            let _ = writeln!(out, "Changes since release {tag} ({at}).");
        }
        None => out.push_str("The first release of this database: every incident is new.\n"),
    }
    let _ = writeln!(
        out,
        "{} added, {} removed, {} revised, {} unchanged. An incident is revised when \
         its line in incidents.jsonl differs from the previous release's.",
        d.added.len(),
        d.removed.len(),
        d.revised.len(),
        d.unchanged
    );
    for (title, list) in [
        ("Added", &d.added),
        ("Removed", &d.removed),
        ("Revised", &d.revised),
    ] {
        let _ = writeln!(out, "\n{title} ({})", list.len());
        for change in list {
            out.push_str(&change_line(change));
        }
    }
    out
}

/// `inc-x  [cause, cause] reason; reason`.
fn change_line(c: &IncidentChange) -> String {
    if c.reasons.is_empty() {
        return format!(
            "{}  [export] nothing in its history since the previous release: \
             the releases' filters or tally's export differ\n",
            c.id
        );
    }
    let causes: BTreeSet<&str> = c.reasons.iter().map(|r| cause(r)).collect();
    let causes: Vec<&str> = causes.into_iter().collect();
    format!(
        "{}  [{}] {}\n",
        c.id,
        causes.join(", "),
        c.reasons.join("; ")
    )
}

/// Why a history row was written, in the three words.
fn cause(reason: &str) -> &'static str {
    if reason.starts_with("analyst") {
        "analyst correction"
    } else if reason.starts_with("recode") || reason.contains("recoded") {
        "recode"
    } else {
        "new reports"
    }
}

// ---------------------------------------------------------------- files

/// One line of `articles.jsonl`.
#[derive(Serialize)]
struct ArticleLine<'a> {
    id: &'a str,
    outlet: Option<&'a str>,
    url: Option<&'a str>,
    published: Option<&'a str>,
}

/// A recreated release must have the bytes it was first written with; the
/// CSV and GeoJSON are rendered by this tally, so a tally that writes them
/// differently than the one that made the release is told so.
fn check_same(release: &StoredRelease, sums: &str) -> Result<()> {
    let Some(kept) = &release.checksums else {
        return Ok(());
    };
    let differ: Vec<&str> = sums
        .lines()
        .filter(|line| !kept.lines().any(|k| k == *line))
        .filter_map(|line| line.split("  ").nth(1))
        .collect();
    if !differ.is_empty() {
        bail!(
            "release {} was made by tally {}; this tally writes {} differently \
             (the files were written, but are not the release's bytes)",
            release.tag,
            release.tally,
            differ.join(", ")
        );
    }
    Ok(())
}

/// Write every file of `release` into `dir`, from what the database kept,
/// and answer their `SHA256SUMS`. Nothing in them depends on when or where
/// this runs.
fn write_files(store: &Store, release: &StoredRelease, dir: &Path) -> Result<String> {
    let incidents = parse_lines(release)?;
    let coded = coded_by(release);
    let mut files: Vec<(&str, String)> = vec![
        (FILES[0], release.codebook.clone()),
        (FILES[1], release.changes.clone()),
        (FILES[2], jsonl(release)),
        (
            FILES[3],
            rendered(|w| export_csv(w, (&incidents, &coded), &store.outlets()?))?,
        ),
        (
            FILES[4],
            rendered(|w| export_geojson(w, &incidents, &coded))?,
        ),
        (FILES[5], articles(store, &incidents)?),
    ];
    let sums: String = files
        .iter()
        .map(|(name, text)| format!("{}  {name}\n", tally_store::content_hash(text)))
        .collect();
    files.push(("SHA256SUMS", sums.clone()));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(sums)
}

fn parse_lines(release: &StoredRelease) -> Result<Vec<Incident>> {
    release
        .lines
        .iter()
        .map(|(id, line)| {
            serde_json::from_str(line)
                .with_context(|| format!("reading incident {id} of release {}", release.tag))
        })
        .collect()
}

/// Each kept line's `coded_by` (empty when the line has none): taken from
/// the release, not from today's reports, so a recode does not change the
/// files of a past release.
fn coded_by(release: &StoredRelease) -> Vec<String> {
    release
        .lines
        .iter()
        .map(|(_, line)| {
            serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v.get("coded_by").and_then(|c| c.as_str()).map(String::from))
                .unwrap_or_default()
        })
        .collect()
}

fn jsonl(release: &StoredRelease) -> String {
    release
        .lines
        .iter()
        .map(|(_, line)| format!("{line}\n"))
        .collect()
}

fn rendered(write: impl FnOnce(&mut Vec<u8>) -> Result<()>) -> Result<String> {
    let mut bytes = Vec::new();
    write(&mut bytes)?;
    String::from_utf8(bytes).context("an export that is not UTF-8")
}

fn articles(store: &Store, incidents: &[Incident]) -> Result<String> {
    let ids: BTreeSet<&str> = incidents
        .iter()
        .flat_map(|i| i.articles.iter().map(String::as_str))
        .collect();
    let mut out = String::new();
    for a in store.article_entries(&ids)? {
        let line = ArticleLine {
            id: &a.id,
            outlet: a.outlet.as_deref(),
            url: a.url.as_deref(),
            published: a.published.as_deref(),
        };
        out.push_str(&serde_json::to_string(&line)?);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_safe_folder_names() {
        assert!(check_tag("2026.1-rc_2").is_ok());
        for bad in ["", "..", "a/b", "v 1", ".hidden"] {
            assert!(check_tag(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_recreation_with_other_bytes_names_the_files() {
        let release = StoredRelease {
            seq: 1,
            tag: "A".into(),
            at: "2026-01-01T00:00:00Z".into(),
            filters: "none".into(),
            tally: "0.0.1".into(),
            codebook: String::new(),
            changes: String::new(),
            checksums: Some("aa  CHANGES\nbb  incidents.csv\n".into()),
            lines: Vec::new(),
        };
        assert!(check_same(&release, "aa  CHANGES\nbb  incidents.csv\n").is_ok());
        let err = check_same(&release, "aa  CHANGES\ncc  incidents.csv\n").unwrap_err();
        assert!(
            err.to_string().contains("writes incidents.csv differently"),
            "{err}"
        );
    }

    #[test]
    fn causes_follow_the_history_reasons() {
        assert_eq!(
            cause("analyst correction: group set to X (video)"),
            "analyst correction"
        );
        assert_eq!(cause("new incident from a, b"), "new reports");
        assert_eq!(cause("report c merged in"), "new reports");
        assert_eq!(cause("recoded by tally 0.2: group TTP -> BLA"), "recode");
    }
}
