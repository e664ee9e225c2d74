//! The analyst's database commands: `ingest`, `list`, `show`, `stats`,
//! `export`, `history`. Storage is `tally-store`; this module reads the
//! corpus, runs extraction, validates filters and prints.

use crate::csv_out::SafeCsv;
use crate::extract_cmd::load_lexicon;
use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};

use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use tally_corpus::{PlannedArticle, ReadOptions};
use tally_lexicon::{Lexicon, PlaceKind};
use tally_model::{
    Article, ArticleReport, Category, Count, EventType, Incident, IncidentDate, Target,
};
use tally_store::{
    AddOutcome, Column, Filter, GroupBy, IncidentRow, OpenMode, StatsRow, Store, Totals,
};

/// Default database file, in the working directory.
const DEFAULT_DB: &str = "tally.db";
/// Articles read and extracted per batch (bounds the texts held at once).
const CHUNK: usize = 2048;

#[derive(Args, Debug, Clone)]
pub struct DbArg {
    /// Database file (default: $TALLY_DB, else tally.db in the working directory).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
}

impl DbArg {
    pub(crate) fn path(&self) -> PathBuf {
        self.db
            .clone()
            .or_else(|| std::env::var_os("TALLY_DB").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DB))
    }

    pub(crate) fn open(&self, mode: OpenMode) -> Result<Store> {
        Ok(Store::open(&self.path(), mode)?)
    }
}

#[derive(Args, Debug)]
pub struct IngestArgs {
    #[command(flatten)]
    pub corpus: crate::CorpusArgs,
    #[command(flatten)]
    pub db: DbArg,
    /// Hide the progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Then print the database's totals (as `tally stats`).
    #[arg(long)]
    pub stats: bool,
}

#[derive(Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// Incidents on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Incidents on or before this date (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Province (admin1), e.g. "Khyber Pakhtunkhwa".
    #[arg(long, value_name = "P")]
    pub province: Option<String>,
    /// District (admin2), e.g. Peshawar.
    #[arg(long, value_name = "D")]
    pub district: Option<String>,
    /// Responsible group, e.g. TTP.
    #[arg(long, value_name = "G")]
    pub group: Option<String>,
    /// Event type, e.g. suicide_bombing.
    #[arg(long = "type", value_name = "T")]
    pub event_type: Option<String>,
    /// At least N killed (best estimate).
    #[arg(long, value_name = "N")]
    pub min_killed: Option<u32>,
    /// Only incidents on the review queue (see `tally review`).
    #[arg(long)]
    pub needs_review: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TableFormat {
    #[default]
    Table,
    Csv,
    Jsonl,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
    /// At most N incidents.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// Incident id or a unique prefix of it.
    #[arg(value_name = "ID")]
    pub id: String,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Month,
    Province,
    District,
    Group,
    Type,
}

#[derive(Args, Debug)]
pub struct StatsArgs {
    /// One line per month, province, district, group or event type.
    #[arg(long, value_enum)]
    pub by: Option<By>,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Jsonl,
    Geojson,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Write here instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Args, Debug)]
pub struct HistoryArgs {
    /// Incident id or a unique prefix of it.
    #[arg(value_name = "ID")]
    pub id: String,
    #[command(flatten)]
    pub db: DbArg,
}

// ---------------------------------------------------------------- ingest

/// What happened to one planned article before it reached the store.
enum Coded {
    Known,
    Skipped(String),
    New(Box<(Article, ArticleReport)>, Vec<String>),
}

#[derive(Default)]
struct IngestCounts {
    read: usize,
    known: usize,
    skipped: Vec<String>,
}

pub fn ingest(args: IngestArgs) -> Result<ExitCode> {
    let lex = load_lexicon()?;
    let mut plan = args.corpus.plan()?;
    let mut counts = IngestCounts::default();
    let db_path = args.db.path();
    let created = !db_path.exists();
    let mut store = args.db.open(OpenMode::Create)?;
    let bar = crate::extract_cmd::progress_bar(plan.entries.len() as u64, !args.quiet);
    let mut ing = store.begin_ingest()?;
    ing.set_coder(crate::coder::current()?.clone());
    for chunk in plan.entries.chunks(CHUNK) {
        // Texts already stored are not extracted again.
        let known = ing.known();
        let coded: Vec<Coded> = chunk
            .par_iter()
            .map(|e| {
                let c = code_one(e, known, lex);
                bar.inc(1);
                c
            })
            .collect();
        for c in coded {
            store_one(&mut ing, c, &mut counts)?;
        }
    }
    bar.finish_and_clear();
    // The million paths and manifest entries are not needed while merging.
    plan.entries = Vec::new();
    let summary = ing.finish()?;
    for s in &counts.skipped {
        eprintln!("tally: skipped {s}");
    }
    if counts.read + counts.known == 0 {
        drop(store);
        if created {
            remove_database(&db_path);
        }
        crate::extract_cmd::report_nothing_read(plan.skipped.len() + counts.skipped.len());
        return Ok(ExitCode::from(crate::EXIT_NOTHING_READ));
    }
    println!(
        "articles: {} read, {} already in the database, {} skipped\n\
         incidents: {} new, {} updated, {} unchanged, {} removed",
        counts.read,
        counts.known,
        plan.skipped.len() + counts.skipped.len(),
        summary.incidents_new,
        summary.incidents_updated,
        summary.incidents_unchanged,
        summary.incidents_removed
    );
    if args.stats {
        println!();
        return stats(StatsArgs {
            by: None,
            filter: FilterArgs::default(),
            format: TableFormat::Table,
            db: args.db,
        });
    }
    Ok(ExitCode::SUCCESS)
}

/// Remove a database this run created but put nothing in, so a failed
/// first ingest leaves no empty file behind (nor its -wal/-shm).
fn remove_database(path: &std::path::Path) {
    let _ = std::fs::remove_file(path);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(tally_store::sidecar(path, suffix));
    }
}

/// Read one article; extract it unless its text is already stored.
fn code_one(e: &PlannedArticle, known: &HashMap<String, String>, lex: &Lexicon) -> Coded {
    let loaded = match e.read(&ReadOptions::default()) {
        Ok(l) => l,
        Err(s) => return Coded::Skipped(s.to_string()),
    };
    if known.contains_key(&tally_store::content_hash(&loaded.article.text)) {
        return Coded::Known;
    }
    let report = tally_extract::extract(&loaded.article, lex);
    Coded::New(Box::new((loaded.article, report)), loaded.warnings)
}

fn store_one(ing: &mut tally_store::Ingest, c: Coded, counts: &mut IngestCounts) -> Result<()> {
    match c {
        Coded::Known => counts.known += 1,
        Coded::Skipped(s) => counts.skipped.push(s),
        Coded::New(pair, warnings) => {
            for w in warnings {
                eprintln!("tally: warning: {w}");
            }
            let (article, report) = *pair;
            match ing.add(&article, report)? {
                AddOutcome::Added => counts.read += 1,
                AddOutcome::AlreadyKnown { .. } => counts.known += 1,
                AddOutcome::Rejected { reason } => counts
                    .skipped
                    .push(format!("{}: {reason}", article.meta.id)),
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- filters

impl FilterArgs {
    /// Check every value against what the database and tally know.
    pub(crate) fn resolve(&self, store: &Store, lex: &Lexicon) -> Result<Filter> {
        let places = |kind| {
            lex.gazetteer
                .places
                .iter()
                .filter(move |p| p.kind == kind)
                .map(|p| p.name.clone())
        };
        let groups = lex.groups.iter().map(|g| g.name.clone());
        Ok(Filter {
            since: parse_date("--since", self.since.as_deref())?,
            until: parse_date("--until", self.until.as_deref())?,
            admin1: known_value(
                "province",
                self.province.as_deref(),
                store,
                Column::Admin1,
                places(PlaceKind::Province),
                |g| place_alias(lex, PlaceKind::Province, g),
            )?,
            admin2: known_value(
                "district",
                self.district.as_deref(),
                store,
                Column::Admin2,
                places(PlaceKind::District),
                |g| place_alias(lex, PlaceKind::District, g),
            )?,
            group: known_value(
                "group",
                self.group.as_deref(),
                store,
                Column::Group,
                groups,
                |g| group_alias(lex, g),
            )?,
            event_type: parse_type(self.event_type.as_deref())?,
            min_killed: self.min_killed,
            needs_review: self.needs_review,
        })
    }
}

fn parse_date(flag: &str, s: Option<&str>) -> Result<Option<IncidentDate>> {
    match s {
        None => Ok(None),
        Some(s) => match IncidentDate::parse(s) {
            Some(d) => Ok(Some(d)),
            None => bail!("{flag} {s:?} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"),
        },
    }
}

fn parse_type(s: Option<&str>) -> Result<Option<EventType>> {
    let Some(s) = s else { return Ok(None) };
    if let Some(t) = EventType::parse(&s.to_lowercase().replace([' ', '-'], "_")) {
        return Ok(Some(t));
    }
    let names: Vec<String> = EventType::ALL.iter().map(|t| t.to_string()).collect();
    bail!(
        "unknown event type {s:?}{} (valid: {})",
        did_you_mean(s, &names),
        names.join(", ")
    )
}

/// A value that exists in the database or in tally's data (matched without
/// regard to case, or through tally's aliases such as "KP" or "TTP"), else an
/// error naming the nearest valid values.
fn known_value(
    what: &str,
    given: Option<&str>,
    store: &Store,
    column: Column,
    canonical: impl Iterator<Item = String>,
    alias: impl Fn(&str) -> Option<String>,
) -> Result<Option<String>> {
    let Some(given) = given else { return Ok(None) };
    let mut valid: BTreeSet<String> = store.distinct(column)?.into_iter().collect();
    valid.extend(canonical);
    if let Some(v) = valid.iter().find(|v| v.eq_ignore_ascii_case(given)) {
        return Ok(Some(v.clone()));
    }
    if let Some(v) = alias(given) {
        return Ok(Some(v));
    }
    let valid: Vec<String> = valid.into_iter().collect();
    bail!("unknown {what} {given:?}{}", did_you_mean(given, &valid))
}

/// The canonical group an alias names, when the whole text is the alias.
fn group_alias(lex: &Lexicon, given: &str) -> Option<String> {
    let toks = tally_lexicon::tokenize(given);
    let m = lex.group_aliases.match_at(&toks, 0)?;
    (m.len == toks.len()).then(|| lex.groups.get(*m.value).map(|g| g.name.clone()))?
}

/// The canonical place of this kind a variant names ("KP", "NWFP", ...).
fn place_alias(lex: &Lexicon, kind: PlaceKind, given: &str) -> Option<String> {
    let toks = tally_lexicon::tokenize(given);
    lex.gazetteer
        .matches_at(&toks, 0)
        .into_iter()
        .filter(|m| m.len == toks.len())
        .filter_map(|m| lex.gazetteer.places.get(*m.value))
        .find(|p| p.kind == kind)
        .map(|p| p.name.clone())
}

fn did_you_mean(given: &str, valid: &[String]) -> String {
    let near = nearest(given, valid, 3);
    if near.is_empty() {
        return String::new();
    }
    format!("; did you mean {}?", near.join(", "))
}

/// Up to `n` values closest to `given` (case-insensitive): by edit distance
/// to the whole value, to its beginning, or to one of its words.
fn nearest(given: &str, valid: &[String], n: usize) -> Vec<String> {
    let g = given.to_lowercase();
    let len = g.chars().count();
    let mut scored: Vec<(usize, &String)> = valid
        .iter()
        .map(|v| (distance(&g, &v.to_lowercase()), v))
        .filter(|(d, _)| *d <= len.div_ceil(2).max(2))
        .collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, v)| v.clone()).collect()
}

fn distance(g: &str, v: &str) -> usize {
    let len = g.chars().count();
    let head: String = v.chars().take(len).collect();
    let whole = edit_distance(g, v);
    let prefix = if head.len() < v.len() {
        edit_distance(g, &head) + 1
    } else {
        whole
    };
    let word = v
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| edit_distance(g, w) + 1)
        .min()
        .unwrap_or(usize::MAX);
    // Acronyms: "ttp" for "tehrik-i-taliban pakistan".
    let initials: String = v
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 1)
        .filter_map(|w| w.chars().next())
        .collect();
    let acronym = edit_distance(g, &initials) + 1;
    whole.min(prefix).min(word).min(acronym)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

// ---------------------------------------------------------------- list

pub fn list(args: ListArgs) -> Result<ExitCode> {
    let store = args.db.open(OpenMode::ReadOnly)?;
    let filter = args.filter.resolve(&store, load_lexicon()?)?;
    let mut out = BufWriter::new(io::stdout().lock());
    match args.format {
        TableFormat::Jsonl => write_jsonl(&mut out, &store.incidents(&filter, args.limit)?, None)?,
        TableFormat::Table | TableFormat::Csv => {
            let rows = store.list(&filter, args.limit)?;
            let header = [
                "id", "date", "province", "district", "type", "group", "killed", "injured",
                "articles",
            ];
            let cells: Vec<Vec<String>> = rows.iter().map(list_cells).collect();
            write_rows(&mut out, args.format, &header, &cells)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn list_cells(r: &IncidentRow) -> Vec<String> {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let n = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
    vec![
        r.id.clone(),
        o(&r.date),
        o(&r.admin1),
        o(&r.admin2),
        r.event_type.clone(),
        o(&r.group),
        n(r.killed),
        n(r.injured),
        r.articles.to_string(),
    ]
}

/// An aligned table (numbers right-aligned), CSV, or JSON objects per line.
fn write_rows(
    out: &mut impl Write,
    format: TableFormat,
    header: &[&str],
    rows: &[Vec<String>],
) -> Result<()> {
    match format {
        TableFormat::Table => write_table(out, header, rows),
        TableFormat::Csv => {
            let mut w = SafeCsv::new(out);
            w.write_row(header)?;
            for r in rows {
                w.write_row(r)?;
            }
            w.flush()?;
            Ok(())
        }
        TableFormat::Jsonl => {
            for r in rows {
                let obj: serde_json::Map<String, serde_json::Value> = header
                    .iter()
                    .zip(r)
                    .map(|(h, v)| (h.to_string(), json_cell(v)))
                    .collect();
                serde_json::to_writer(&mut *out, &obj)?;
                out.write_all(b"\n")?;
            }
            Ok(())
        }
    }
}

fn json_cell(v: &str) -> serde_json::Value {
    match v.parse::<u64>() {
        Ok(n) => n.into(),
        Err(_) if v.is_empty() => serde_json::Value::Null,
        Err(_) => v.into(),
    }
}

fn write_table(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) -> Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let numeric: Vec<bool> = (0..header.len())
        .map(|i| {
            rows.iter()
                .all(|r| r[i].is_empty() || r[i].parse::<f64>().is_ok())
                && !rows.is_empty()
        })
        .collect();
    let head: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    for r in std::iter::once(&head).chain(rows) {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            let pad = widths[i].saturating_sub(c.chars().count());
            if numeric[i] {
                line.push_str(&" ".repeat(pad));
                line.push_str(c);
            } else {
                line.push_str(c);
                line.push_str(&" ".repeat(pad));
            }
            line.push_str("  ");
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

// ---------------------------------------------------------------- stats

pub fn stats(args: StatsArgs) -> Result<ExitCode> {
    let store = args.db.open(OpenMode::ReadOnly)?;
    let filter = args.filter.resolve(&store, load_lexicon()?)?;
    let by = args.by.map(|b| match b {
        By::Month => GroupBy::Month,
        By::Province => GroupBy::Province,
        By::District => GroupBy::District,
        By::Group => GroupBy::Group,
        By::Type => GroupBy::Type,
    });
    let rows = store.stats(&filter, by)?;
    let key = match args.by {
        None => "all".to_string(),
        Some(b) => b
            .to_possible_value()
            .map_or("key".to_string(), |v| v.get_name().to_string()),
    };
    let short = args.format == TableFormat::Table;
    let mut header: Vec<String> = vec![key.clone(), "incidents".into()];
    for o in ["killed", "injured"] {
        for c in Category::ALL {
            header.push(stat_header(o, c, short));
        }
        // The part of the total no category claims, so the columns add up
        // (as `unspecified` in /api/stats).
        header.push(if short {
            format!("{o}:{UNSPECIFIED}")
        } else {
            format!("{o}_{UNSPECIFIED}")
        });
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| stats_cells(r, args.by.is_some()))
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut out = BufWriter::new(io::stdout().lock());
    write_rows(&mut out, args.format, &header, &cells)?;
    if args.format == TableFormat::Table {
        write_coder_counts(&mut out, &store)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// How many stored reports each tally coded (all reports: filters select
/// incidents, and a report may sit in several).
fn write_coder_counts(out: &mut impl Write, store: &Store) -> Result<()> {
    writeln!(out, "\nreports by coder")?;
    for (coder, n) in store.coder_counts()? {
        writeln!(
            out,
            "  {:>8}  {}",
            n,
            tally_store::Coder::describe(coder.as_ref())
        )?;
    }
    Ok(())
}

/// The column of killed or injured no category claims.
const UNSPECIFIED: &str = "unspecified";

fn stat_header(outcome: &str, c: Category, short: bool) -> String {
    match (c, short) {
        (Category::Total, true) => outcome.to_string(),
        (Category::SecurityForces, true) => format!("{outcome}:security"),
        (_, true) => format!("{outcome}:{}", c.as_str()),
        (_, false) => format!("{outcome}_{}", c.as_str()),
    }
}

fn stats_cells(r: &StatsRow, grouped: bool) -> Vec<String> {
    let key = match (&r.key, grouped) {
        (Some(k), _) => k.clone(),
        (None, true) => "(unknown)".into(),
        (None, false) => "all".into(),
    };
    let t = |t: &Totals| {
        let parts = t.security_forces + t.civilians + t.militants;
        let unspecified = t.total.saturating_sub(parts);
        [
            t.total,
            t.security_forces,
            t.civilians,
            t.militants,
            unspecified,
        ]
        .map(|n| n.to_string())
    };
    let mut v = vec![key, r.incidents.to_string()];
    v.extend(t(&r.killed));
    v.extend(t(&r.injured));
    v
}

// ---------------------------------------------------------------- show, history

/// The one incident an id or unique prefix names.
pub(crate) fn find_incident(store: &Store, id: &str) -> Result<Incident> {
    if let Some(inc) = store.incident(id)? {
        return Ok(inc);
    }
    let ids = store.ids_with_prefix(id, AMBIGUOUS_SHOWN)?;
    match ids.as_slice() {
        [one] => store
            .incident(one)?
            .with_context(|| format!("incident {one} vanished while reading")),
        [] => bail!(
            "no incident {id} in {} (`tally list` shows the ids)",
            store.path().display()
        ),
        many => {
            let total = store.count_ids_with_prefix(id)?;
            bail!("{}", ambiguous_prefix(id, many, total))
        }
    }
}

/// How many of the incidents an ambiguous prefix matches are named.
pub const AMBIGUOUS_SHOWN: usize = 6;

/// "19 incidents start with inc-c: a, b, ... and 13 more": the ids shown
/// and how many were left out, so a short list is not taken for all.
pub fn ambiguous_prefix<S: AsRef<str>>(prefix: &str, shown: &[S], total: u64) -> String {
    let listed: Vec<&str> = shown.iter().map(AsRef::as_ref).collect();
    let rest = total.saturating_sub(listed.len() as u64);
    let more = if rest > 0 {
        format!(" and {rest} more")
    } else {
        String::new()
    };
    format!(
        "{total} incidents start with {prefix}: {}{more}; give more of the id",
        listed.join(", ")
    )
}

/// The stored text of each of the incident's articles, and its label
/// (outlet and publication date) for the sentences quoted from it.
pub(crate) fn texts_and_outlets(
    sources: &[tally_store::Source],
) -> (HashMap<String, String>, HashMap<String, String>) {
    let texts: HashMap<String, String> = sources
        .iter()
        .map(|s| (s.id.clone(), s.text.clone()))
        .collect();
    let outlets: HashMap<String, String> = sources
        .iter()
        .map(|s| {
            let label = [s.outlet.as_deref(), s.published.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            (s.id.clone(), label)
        })
        .collect();
    (texts, outlets)
}

pub fn show(args: ShowArgs) -> Result<ExitCode> {
    let store = args.db.open(OpenMode::ReadOnly)?;
    let inc = find_incident(&store, &args.id)?;
    let sources = store.sources(&inc.articles)?;
    let (texts, outlets) = texts_and_outlets(&sources);
    let mut out = BufWriter::new(io::stdout().lock());
    let coords = match (inc.lat, inc.lon) {
        (Some(la), Some(lo)) => format!("{la:.4}, {lo:.4}"),
        _ => "-".into(),
    };
    write!(
        out,
        "{}",
        crate::explain_cmd::render(&inc, &texts, &outlets)
    )?;
    writeln!(out, "\n{:<26} {}", "country", inc.country)?;
    writeln!(out, "{:<26} {coords}", "coordinates")?;
    for s in sources.iter().filter(|s| s.url.is_some()) {
        writeln!(
            out,
            "{:<26} {}",
            format!("url {}", s.id),
            s.url.as_deref().unwrap_or("")
        )?;
    }
    for line in crate::coder::coded_by(&store, &inc.articles)? {
        writeln!(out, "{:<26} {line}", "coded by")?;
    }
    write_doubts(&mut out, &inc)?;
    if !inc.corrections.is_empty() {
        writeln!(out, "\nanalyst corrections")?;
        for c in &inc.corrections {
            let value = c.value.as_deref().unwrap_or("-");
            let by =
                c.by.as_deref()
                    .map(|b| format!(" by {b}"))
                    .unwrap_or_default();
            writeln!(out, "  {}  {} = {value}  ({}){by}", c.at, c.field, c.note)?;
        }
    }
    writeln!(out, "\nhistory")?;
    write_history(&mut out, &store, &inc.id)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The incident's confidence, whether it is queued, and its doubts.
pub(crate) fn write_doubts(out: &mut impl Write, inc: &Incident) -> Result<()> {
    let Some(conf) = &inc.confidence else {
        return Ok(());
    };
    let standing = tally_merge::ReviewStanding::of(inc);
    let queue = if standing.queued {
        "on the review queue"
    } else if tally_merge::reviewed(inc) {
        "reviewed"
    } else {
        "not queued"
    };
    writeln!(
        out,
        "\nconfidence {:.2}; expected wrong fields {:.2} ({queue})",
        conf.incident, standing.doubt
    )?;
    let shaky: Vec<String> = conf
        .fields
        .iter()
        .filter(|(f, p)| **p < 0.9 && (!f.contains('.') || tally_merge::is_coded(inc, f)))
        .map(|(f, p)| format!("{f} {p:.2}"))
        .collect();
    if !shaky.is_empty() {
        writeln!(out, "  least sure: {}", shaky.join(", "))?;
    }
    if !inc.doubts.is_empty() {
        writeln!(out, "doubts")?;
        for d in &inc.doubts {
            let field = d.field.as_deref().unwrap_or("incident");
            writeln!(out, "  {:<22} {:<14} {}", d.kind, field, d.reason)?;
        }
    }
    Ok(())
}

fn write_history(out: &mut impl Write, store: &Store, id: &str) -> Result<()> {
    for h in store.history(id)? {
        writeln!(out, "  v{:<3} {}  {}", h.version, h.at, h.reason)?;
    }
    Ok(())
}

pub fn history(args: HistoryArgs) -> Result<ExitCode> {
    let store = args.db.open(OpenMode::ReadOnly)?;
    // Removed incidents have a history but no row: look there first.
    let id = if store.history(&args.id)?.is_empty() {
        find_incident(&store, &args.id)?.id
    } else {
        args.id.clone()
    };
    let mut out = BufWriter::new(io::stdout().lock());
    writeln!(out, "incident {id}")?;
    write_history(&mut out, &store, &id)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------- export

pub fn export(args: ExportArgs) -> Result<ExitCode> {
    let store = args.db.open(OpenMode::ReadOnly)?;
    let filter = args.filter.resolve(&store, load_lexicon()?)?;
    let incidents = store.incidents(&filter, None)?;
    let coded = incidents
        .iter()
        .map(|i| crate::coder::coders_cell(&store, &i.articles))
        .collect::<Result<Vec<String>>>()?;
    let sink: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(File::create(p).with_context(|| format!("creating {}", p.display()))?),
        None => Box::new(io::stdout().lock()),
    };
    let mut out = BufWriter::new(sink);
    match args.format {
        ExportFormat::Jsonl => write_jsonl(&mut out, &incidents, Some(&coded))?,
        ExportFormat::Csv => export_csv(&mut out, (&incidents, &coded), &store.outlets()?)?,
        ExportFormat::Geojson => export_geojson(&mut out, &incidents, &coded)?,
    }
    out.flush().context("writing the export")?;
    if let Some(p) = &args.output {
        eprintln!(
            "tally: {} incidents written to {}",
            incidents.len(),
            p.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

const ACLED_COLUMNS: [&str; 17] = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
];

pub(crate) fn csv_header() -> Vec<String> {
    let mut h: Vec<String> = ACLED_COLUMNS.iter().map(|s| s.to_string()).collect();
    h.push("tally_event_type".into());
    for o in ["killed", "injured"] {
        for c in Category::ALL {
            for b in ["low", "best", "high"] {
                h.push(format!("{o}_{}_{b}", c.as_str()));
            }
        }
    }
    h.extend(
        [
            "claimed",
            "articles",
            "article_ids",
            "reviewed",
            "corrections",
            "confidence",
            "expected_wrong_fields",
            "needs_review",
            "doubts",
            "coded_by",
        ]
        .map(String::from),
    );
    h
}

/// The incidents with, for each, the tallies that coded its reports.
pub(crate) fn export_csv(
    out: &mut impl Write,
    (incidents, coded): (&[Incident], &[String]),
    outlets: &HashMap<String, String>,
) -> Result<()> {
    let mut w = SafeCsv::new(out);
    w.write_row(csv_header())?;
    for (inc, coded_by) in incidents.iter().zip(coded) {
        w.write_row(csv_row(inc, outlets, coded_by))?;
    }
    w.flush()?;
    Ok(())
}

fn csv_row(inc: &Incident, outlets: &HashMap<String, String>, coded_by: &str) -> Vec<String> {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let f = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    let (acled_type, sub_type) = acled_type(inc.event_type);
    let (actor1, actor2) = actors(inc);
    let sources: BTreeSet<&str> = inc
        .articles
        .iter()
        .filter_map(|a| outlets.get(a).map(String::as_str))
        .collect();
    let mut row = vec![
        inc.id.clone(),
        inc.date.map(first_day).unwrap_or_default(),
        inc.date.map(|d| d.year.to_string()).unwrap_or_default(),
        inc.date.map(time_precision).unwrap_or_default(),
        acled_type.into(),
        sub_type.into(),
        actor1,
        actor2,
        o(&inc.admin1),
        o(&inc.admin2),
        inc.place
            .clone()
            .or_else(|| inc.admin2.clone())
            .unwrap_or_default(),
        f(inc.lat),
        f(inc.lon),
        geo_precision(inc).to_string(),
        sources.into_iter().collect::<Vec<_>>().join("; "),
        notes(inc),
        tally_store::best_total(&inc.killed)
            .unwrap_or(0)
            .to_string(),
        inc.event_type.to_string(),
    ];
    for cas in [&inc.killed, &inc.injured] {
        for c in Category::ALL {
            row.extend(count_cells(cas.get(c)));
        }
    }
    row.push(inc.claimed.to_string());
    row.push(inc.articles.len().to_string());
    row.push(inc.articles.join(";"));
    row.push((!inc.corrections.is_empty()).to_string());
    row.push(corrections_cell(inc));
    let standing = tally_merge::ReviewStanding::of(inc);
    row.push(
        inc.confidence
            .as_ref()
            .map(|c| format!("{:.3}", c.incident))
            .unwrap_or_default(),
    );
    row.push(format!("{:.3}", standing.doubt));
    row.push(standing.queued.to_string());
    row.push(doubts_cell(inc));
    row.push(coded_by.to_string());
    row
}

/// `kind: reason` for each doubt, `; `-separated.
fn doubts_cell(inc: &Incident) -> String {
    inc.doubts
        .iter()
        .map(|d| format!("{}: {}", d.kind, d.reason))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `field=value (note)` for each analyst correction, `(note, by NAME)`
/// when the analyst was named, `; `-separated.
fn corrections_cell(inc: &Incident) -> String {
    inc.corrections
        .iter()
        .map(|c| {
            let by =
                c.by.as_deref()
                    .map(|b| format!(", by {b}"))
                    .unwrap_or_default();
            format!(
                "{}={} ({}{by})",
                c.field,
                c.value.as_deref().unwrap_or("-"),
                c.note
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn count_cells(c: Option<Count>) -> [String; 3] {
    match c {
        None => Default::default(),
        Some(c) => [
            c.low.to_string(),
            c.best.to_string(),
            c.high.map(|h| h.to_string()).unwrap_or_default(),
        ],
    }
}

/// Who acted on whom, as ACLED codes a row. In a security operation the
/// state's forces act (actor1) against the group (actor2); in an attack the
/// group acts (actor1, empty when no group is named) on its targets (actor2).
fn actors(inc: &Incident) -> (String, String) {
    let group = inc.group.clone().unwrap_or_default();
    if inc.event_type == EventType::SecurityOperation {
        return (state_actor(inc).to_string(), group);
    }
    let targets: Vec<&str> = inc.targets.iter().map(|&t| target_actor(t)).collect();
    (group, targets.join("; "))
}

/// actor1 of a security operation that names no single force.
const STATE_FORCES: &str = "Security forces of Pakistan";

/// The force that ran an operation: incidents have no field for it, but an
/// operation's targets name the forces in the fight (`military` when
/// soldiers were hit). One force is named; none or several are
/// [`STATE_FORCES`].
fn state_actor(inc: &Incident) -> &'static str {
    let forces: Vec<Target> = inc
        .targets
        .iter()
        .copied()
        .filter(|t| matches!(t, Target::Police | Target::Military | Target::Paramilitary))
        .collect();
    match forces.as_slice() {
        [one] => target_actor(*one),
        _ => STATE_FORCES,
    }
}

/// An attack's target class as an ACLED-style actor.
fn target_actor(t: Target) -> &'static str {
    match t {
        Target::Police => "Police Forces of Pakistan",
        Target::Military => "Military Forces of Pakistan",
        Target::Paramilitary => "Paramilitary Forces of Pakistan",
        Target::Civilians => "Civilians (Pakistan)",
        Target::Government => "Government of Pakistan",
        Target::HealthWorkers => "Health Workers (Pakistan)",
        Target::Religious => "Religious Group (Pakistan)",
        Target::Education => "Teachers and Students (Pakistan)",
        Target::Infrastructure => "Infrastructure (Pakistan)",
        Target::Militants => "Militants (Pakistan)",
    }
}

/// ACLED's event type and sub-event type for a tally event type.
fn acled_type(t: EventType) -> (&'static str, &'static str) {
    match t {
        EventType::SuicideBombing => ("Explosions/Remote violence", "Suicide bomb"),
        EventType::Bombing => (
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
        ),
        EventType::ArmedAssault => ("Battles", "Armed clash"),
        EventType::TargetedKilling => ("Violence against civilians", "Attack"),
        EventType::Kidnapping => (
            "Violence against civilians",
            "Abduction/forced disappearance",
        ),
        EventType::SecurityOperation => ("Battles", "Armed clash"),
        EventType::Other => ("Strategic developments", "Other"),
    }
}

fn first_day(d: IncidentDate) -> String {
    IncidentDate::day(d.year, d.month.unwrap_or(1), d.day.unwrap_or(1)).to_string()
}

fn time_precision(d: IncidentDate) -> String {
    match (d.month, d.day) {
        (Some(_), Some(_)) => "1",
        (Some(_), None) => "2",
        _ => "3",
    }
    .to_string()
}

/// 1: a locality with coordinates; 2: a district; 3: a province or less.
fn geo_precision(inc: &Incident) -> u8 {
    if inc.place.is_some() && inc.lat.is_some() {
        1
    } else if inc.admin2.is_some() {
        2
    } else {
        3
    }
}

fn notes(inc: &Incident) -> String {
    let place = [&inc.place, &inc.admin2, &inc.admin1]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let mut s = inc.event_type.as_str().replace('_', " ");
    if !place.is_empty() {
        s.push_str(&format!(" in {place}"));
    }
    s.push_str(&who_acted(inc));
    if !inc.corrections.is_empty() {
        s.push_str("; reviewed by an analyst");
    }
    for (label, cas) in [("killed", &inc.killed), ("injured", &inc.injured)] {
        if let Some(n) = tally_store::best_total(cas) {
            s.push_str(&format!("; {n} {label}"));
        }
    }
    s
}

/// " by X" of the notes sentence: the group for an attack (with its
/// claim), the state's forces against the group for an operation.
fn who_acted(inc: &Incident) -> String {
    let claimed = if inc.claimed { " (claimed)" } else { "" };
    let state = state_actor(inc);
    match (&inc.group, inc.event_type) {
        (Some(g), EventType::SecurityOperation) => format!(" by {state} against {g}"),
        (None, EventType::SecurityOperation) => format!(" by {state}"),
        (Some(g), _) => format!(" by {g}{claimed}"),
        (None, _) => String::new(),
    }
}

/// One incident a line; with `coded`, each also names the tallies that
/// coded its reports (`coded_by`, an export's provenance).
fn write_jsonl(
    out: &mut impl Write,
    incidents: &[Incident],
    coded: Option<&[String]>,
) -> Result<()> {
    for (i, inc) in incidents.iter().enumerate() {
        match coded.and_then(|c| c.get(i)) {
            Some(coded_by) => {
                let mut value = serde_json::to_value(inc)?;
                if let Some(fields) = value.as_object_mut() {
                    fields.insert("coded_by".into(), coded_by.as_str().into());
                }
                serde_json::to_writer(&mut *out, &value)?;
            }
            None => serde_json::to_writer(&mut *out, inc)?,
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

pub(crate) fn export_geojson(
    out: &mut impl Write,
    incidents: &[Incident],
    coded: &[String],
) -> Result<()> {
    let features: Vec<serde_json::Value> = incidents
        .iter()
        .zip(coded)
        .filter_map(|(inc, coded_by)| feature(inc, coded_by))
        .collect();
    let fc = serde_json::json!({ "type": "FeatureCollection", "features": features });
    serde_json::to_writer(&mut *out, &fc)?;
    out.write_all(b"\n")?;
    Ok(())
}

fn feature(inc: &Incident, coded_by: &str) -> Option<serde_json::Value> {
    let (lat, lon) = (inc.lat?, inc.lon?);
    let best = |c: Option<Count>| c.map(|c| c.best);
    Some(serde_json::json!({
        "type": "Feature",
        "geometry": { "type": "Point", "coordinates": [lon, lat] },
        "properties": {
            "id": inc.id,
            "date": inc.date.map(|d| d.to_string()),
            "event_type": inc.event_type.as_str(),
            "admin1": inc.admin1,
            "admin2": inc.admin2,
            "place": inc.place,
            "group": inc.group,
            "claimed": inc.claimed,
            "confidence": inc.confidence.as_ref().map(|c| c.incident),
            "needs_review": tally_merge::ReviewStanding::of(inc).queued,
            "doubts": inc.doubts.iter().map(|d| format!("{}: {}", d.kind, d.reason)).collect::<Vec<_>>(),
            "killed": tally_store::best_total(&inc.killed),
            "killed_security_forces": best(inc.killed.security_forces),
            "killed_civilians": best(inc.killed.civilians),
            "killed_militants": best(inc.killed.militants),
            "injured": tally_store::best_total(&inc.injured),
            "articles": inc.articles.len(),
            "reviewed": !inc.corrections.is_empty(),
            "corrections": corrections_cell(inc),
            "coded_by": coded_by,
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ambiguous_prefix_counts_what_it_leaves_out() {
        let shown = ["inc-a1", "inc-a2"];
        assert_eq!(
            ambiguous_prefix("inc-a", &shown, 5),
            "5 incidents start with inc-a: inc-a1, inc-a2 and 3 more; give more of the id"
        );
        assert!(!ambiguous_prefix("inc-a", &shown, 2).contains("more;"));
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn nearest_suggests_close_names() {
        let valid: Vec<String> = ["Khyber Pakhtunkhwa", "Balochistan", "Sindh", "Punjab"]
            .map(String::from)
            .to_vec();
        assert_eq!(nearest("Balochstan", &valid, 3), ["Balochistan"]);
        assert_eq!(nearest("khyber", &valid, 3), ["Khyber Pakhtunkhwa"]);
        assert!(nearest("zzzzzzzz", &valid, 3).is_empty());
    }

    #[test]
    fn partial_dates_export_their_first_day_and_precision() {
        let d = IncidentDate::month(2023, 4);
        assert_eq!(first_day(d), "2023-04-01");
        assert_eq!(time_precision(d), "2");
        assert_eq!(csv_header().len(), 17 + 1 + 24 + 5 + 5);
        assert_eq!(
            csv_header().len(),
            csv_row(&coded("bombing", None, &[]), &HashMap::new(), "").len()
        );
    }

    fn coded(event_type: &str, group: Option<&str>, targets: &[&str]) -> Incident {
        serde_json::from_value(serde_json::json!({
            "id": "inc-000000000001", "articles": ["a"], "role": "main", "date": "2024-05-01",
            "country": "Pakistan", "admin1": "Khyber Pakhtunkhwa", "admin2": "Bannu",
            "place": null, "lat": null, "lon": null, "event_type": event_type,
            "group": group, "claimed": event_type == "bombing", "targets": targets,
            "killed": {"total": null, "security_forces": null, "civilians": null, "militants": null},
            "injured": {"total": null, "security_forces": null, "civilians": null, "militants": null},
            "evidence": []
        }))
        .unwrap()
    }

    #[test]
    fn an_operation_is_the_state_acting_on_the_group() {
        let op = coded(
            "security_operation",
            Some("Tehrik-i-Taliban Pakistan"),
            &["militants"],
        );
        let (a1, a2) = actors(&op);
        assert_eq!(
            (a1.as_str(), a2.as_str()),
            (STATE_FORCES, "Tehrik-i-Taliban Pakistan")
        );
        assert_eq!(
            notes(&op),
            "security operation in Bannu, Khyber Pakhtunkhwa by Security forces of Pakistan against Tehrik-i-Taliban Pakistan"
        );
        let army = coded(
            "security_operation",
            Some("Tehrik-i-Taliban Pakistan"),
            &["military", "militants"],
        );
        assert_eq!(actors(&army).0, "Military Forces of Pakistan");
        let joint = coded("security_operation", None, &["police", "military"]);
        assert_eq!(actors(&joint), (STATE_FORCES.to_string(), String::new()));
    }

    #[test]
    fn an_attack_is_the_group_acting_on_its_targets() {
        let attack = coded(
            "bombing",
            Some("Balochistan Liberation Army"),
            &["police", "civilians"],
        );
        let (a1, a2) = actors(&attack);
        assert_eq!(a1, "Balochistan Liberation Army");
        assert_eq!(a2, "Police Forces of Pakistan; Civilians (Pakistan)");
        assert!(notes(&attack).ends_with("by Balochistan Liberation Army (claimed)"));
        let unknown = coded("armed_assault", None, &[]);
        assert_eq!(actors(&unknown), (String::new(), String::new()));
    }

    #[test]
    fn tables_align_numbers_right() {
        let mut out = Vec::new();
        let rows = vec![
            vec!["a".into(), "5".into()],
            vec!["bbb".into(), "12".into()],
        ];
        write_table(&mut out, &["name", "n"], &rows).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert_eq!(s, "name   n\na      5\nbbb   12\n");
    }
}
