//! `tally`: code news articles about militant violence into incidents.
//!
//! This binary is the only part of tally that prints. It parses arguments,
//! reads corpora through `tally-corpus`, runs `tally-extract` on every
//! article (in parallel with rayon), and writes JSON Lines.

mod bench;
mod codebook;
mod coder;
mod csv_out;
mod explain_cmd;
mod extract_cmd;
mod linkage_cmd;
mod queue_cmd;
mod recode_cmd;
mod release_cmd;
mod relevance_cmd;
mod review_cmd;
mod serve_cmd;
mod store_cmd;
mod synth_cmd;
mod users_cmd;

/// mimalloc instead of the system allocator: extraction and merging make
/// many small short-lived allocations, and glibc's malloc took a quarter of
/// a million-article ingest's CPU time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Code news articles about militant violence into a database of incidents.
///
/// tally reads raw article text (as scraped: datelines, boilerplate and all),
/// finds every attack, bombing, clash and security operation it reports, and
/// codes each one: date, place (province, district, locality, coordinates),
/// event type, responsible group and claim, targets, and killed / injured by
/// category (security forces, civilians, militants) as low/best/high.
/// Every figure carries the sentence it came from.
///
/// The output format (every field, counts, dates, evidence) and the coding
/// conventions are documented in docs/FORMAT.md in tally's source.
#[derive(Parser, Debug)]
#[command(name = "tally", version, propagate_version = true)]
struct Cli {
    /// Read places, groups, lexicons and models from this folder (laid out
    /// like the project's data/) instead of the copies built into tally.
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Code articles into incidents, written as JSON Lines (docs/FORMAT.md).
    ///
    /// Each line is one incident: date, place, event type, group, targets,
    /// killed and injured by category as low/best/high, and the evidence
    /// behind each value. docs/FORMAT.md in tally's source documents every
    /// field and the coding conventions.
    ///
    /// PATH is an article file or a folder of articles (searched
    /// recursively): `.txt` articles, saved web pages (`.html`, `.htm`) and
    /// RSS, Atom or JSON feeds (`.xml`, `.rss`, `.atom`, and `.json` when it
    /// is a JSON Feed). The article id is the file stem; files sharing a stem
    /// are named by the end of their path that tells them apart
    /// (`2024/story`). Files that cannot be read are reported on stderr as
    /// "skipped PATH: reason"; HTML in a .txt file is read with its tags
    /// removed, with a warning.
    ///
    /// Saved pages: the story's text is extracted (menus, sidebars,
    /// comments, related stories and share buttons left out) and the page's
    /// title, publication date, canonical URL and outlet are read from its
    /// meta tags and JSON-LD. Feeds: each item is an article with the id
    /// FEEDSTEM-HASH (a hash of its guid, so it is the same in every version
    /// of the feed), its link as URL, its date, and the feed's title as
    /// outlet. A manifest entry's fields win over the page's or the item's.
    ///
    /// Publication dates: an article's first line may give its date
    /// (`date 2025-06-12`, `Date: June 12, 2025`, `12 Jun 2025`,
    /// `2025/06/12`, ...); a manifest's `published` wins over it.
    ///
    /// Manifest: --manifest FILE (lines of {"article", "published",
    /// "outlet", "url"}) gives the metadata of every article. Without it,
    /// tally looks for `manifest.jsonl` in each article's folder, the
    /// folders above it up to the one given, and that folder's parent (so
    /// set/articles/ finds set/manifest.jsonl); for a file given alone, in
    /// its folder and that folder's parent. The innermost entry naming an
    /// article wins. stderr says which manifests are used and how many
    /// articles none of them names.
    ///
    /// Exit codes:
    ///   0  at least one article was read
    ///   1  no article could be read (every path skipped, reasons on stderr)
    ///   2  usage error, or a file or database that cannot be read or written
    ///
    /// Examples:
    ///   tally extract examples/articles -o incidents.jsonl
    ///   tally extract story.txt
    ///   tally extract saved/story.html feeds/dawn.xml
    ///   tally extract corpus/ --manifest meta.jsonl --threads 2
    ///   tally extract examples/articles --bench 10000
    #[command(verbatim_doc_comment)]
    Extract(extract_cmd::ExtractArgs),
    /// Show one incident and the sentences behind each of its fields.
    ///
    /// Without PATH, reads the incident, its articles and its reports from
    /// the database (--db, else $TALLY_DB, else tally.db). With PATHs, codes
    /// those articles again as `tally extract` does (merging them) and
    /// explains the incident with that id among the result.
    ///
    /// Prints the incident's fields, each with every sentence that supports
    /// it: article, outlet, the value that sentence states and who said it.
    /// Figures that disagree across reports are marked with ≠. Then each
    /// article's relevance decision, and why merging put each report in
    /// the incident.
    ///
    /// Examples:
    ///   tally explain inc-3f2a9c
    ///   tally explain inc-3f2a9c --db pk.db
    ///   tally explain inc-3f2a9c examples/articles
    #[command(verbatim_doc_comment)]
    Explain(explain_cmd::ExplainArgs),
    /// Add articles to the database and merge them into its incidents.
    ///
    /// Articles whose text is already stored are skipped ("already known");
    /// the others are coded, then every stored report is clustered again
    /// (analysts' corrections re-applied) and only the incidents that
    /// changed are written, each change with a history row. One ingest is
    /// one transaction: interrupted, it leaves the database as it was. The database is --db, else $TALLY_DB, else
    /// tally.db in the working directory; it is not created when no article
    /// could be read. Articles (text files, saved pages, feeds) and
    /// manifests are found as `tally extract` finds them (see `tally extract
    /// --help`). Re-ingesting a feed, or a later version of it, adds only the
    /// items not stored yet: an item keeps its id and text from one version
    /// to the next.
    ///
    /// Exit codes:
    ///   0  at least one article was read or is already in the database
    ///   1  no article could be read (every path skipped, reasons on stderr)
    ///   2  usage error, or a file or database that cannot be read or written
    ///
    /// Examples:
    ///   tally ingest examples/articles
    ///   tally ingest new/ --manifest new/meta.jsonl --db pk.db
    ///   tally ingest feeds/khyber.rss saved-pages/
    #[command(verbatim_doc_comment)]
    Ingest(store_cmd::IngestArgs),
    /// List the stored incidents that match the filters.
    ///
    /// Examples:
    ///   tally list --province "Khyber Pakhtunkhwa" --since 2023-01 --min-killed 5
    ///   tally list --group TTP --format csv
    #[command(verbatim_doc_comment)]
    List(store_cmd::ListArgs),
    /// Show a stored incident: every field, the sentences behind it, its history.
    Show(store_cmd::ShowArgs),
    /// Incidents, killed and injured by category, overall or by month, province, district, group or type.
    ///
    /// Example:
    ///   tally stats --by province --since 2024
    #[command(verbatim_doc_comment)]
    Stats(store_cmd::StatsArgs),
    /// Export stored incidents: ACLED-style CSV, JSON Lines (docs/FORMAT.md) or GeoJSON points.
    ///
    /// Example:
    ///   tally export --format geojson --since 2024 -o incidents.geojson
    #[command(verbatim_doc_comment)]
    Export(store_cmd::ExportArgs),
    /// The versions of a stored incident, with the reason and time of each change.
    History(store_cmd::HistoryArgs),
    /// Correct a stored incident as an analyst: set a field, split out an
    /// article's report, or merge in another incident.
    ///
    /// The correction is stored with its note and time as an override on
    /// top of what the articles say: later ingests re-apply it, `show` and
    /// `history` list it, and exports flag the incident as reviewed.
    ///
    /// Examples:
    ///   tally correct inc-3f2a9c --set group="Lashkar-e-Jhangvi" --note "claim video"
    ///   tally correct inc-3f2a9c --set killed.civilians=4 --note "hospital list"
    ///   tally correct inc-3f2a9c --set targets=police,civilians --note "two buses hit"
    ///   tally correct inc-3f2a9c --split 017_dawn --note "a second blast that day"
    ///   tally correct inc-3f2a9c --merge inc-77b1e0 --note "same raid, two names"
    #[command(verbatim_doc_comment)]
    Correct(review_cmd::CorrectArgs),
    /// The review queue: incidents to check first, with the doubts behind each.
    ///
    /// Every incident carries doubts (figures that disagree, a place known
    /// only to the province, an unclaimed or contested group, a single
    /// source, a date taken from the publication day, a borderline
    /// relevance decision, a near-threshold merge, ...) and calibrated
    /// confidences. Main incidents whose expected number of wrong fields
    /// reaches the threshold are queued, ranked by doubt times toll, recent
    /// first among equals. Marking one reviewed takes it off the queue
    /// until a new report joins it.
    ///
    /// Examples:
    ///   tally review --limit 10
    ///   tally review --province Balochistan --since 2025-01
    ///   tally show inc-3f2a9c
    ///   tally correct inc-3f2a9c --reviewed --note "checked against ISPR"
    #[command(verbatim_doc_comment)]
    Review(queue_cmd::QueueArgs),
    /// Publish a versioned release others can cite, or write a past one again.
    ///
    /// Writes to DIR (default release-NAME): incidents.jsonl, incidents.csv
    /// (ACLED-style columns), incidents.geojson, CODEBOOK.md (format,
    /// conventions, event types, groups and aliases, data sources and
    /// licences, tally version), articles.jsonl (id, outlet, url, published;
    /// no text), CHANGES (incidents added, removed and revised since the
    /// previous release of this database, with the reasons from their
    /// history: new reports, recode, analyst correction) and SHA256SUMS.
    /// The database keeps each release, so `--recreate` writes the same
    /// bytes again later. Filters are those of `tally list`.
    ///
    /// Examples:
    ///   tally release --tag 2026.1
    ///   tally release --tag kp-2025 --province "Khyber Pakhtunkhwa" --since 2025 --out kp/
    ///   tally release --tag 2026.1 --recreate --out check/
    #[command(verbatim_doc_comment)]
    Release(release_cmd::ReleaseArgs),
    /// Code the stored articles again with this tally, keeping every correction.
    ///
    /// Each stored article's text is coded again by this binary (with its
    /// data: --data, else the embedded files), the reports are merged
    /// again and every analyst correction is re-applied, in one
    /// transaction: interrupted, it leaves the database as it was. Prints
    /// the incidents new, removed and changed, and for the changed ones
    /// which fields went from what to what in how many incidents; history
    /// rows say "recoded by tally X (data Y)". Corrections anchored on a
    /// report that no longer exists are listed (and kept). With filters,
    /// only the articles of the matching incidents are coded again (all
    /// incidents are still clustered again). --dry-run prints the same and
    /// writes nothing.
    ///
    /// Examples:
    ///   tally recode --dry-run
    ///   tally recode --db pk.db
    ///   tally recode --province Balochistan --since 2025-01
    #[command(verbatim_doc_comment)]
    Recode(recode_cmd::RecodeArgs),
    /// Write a synthetic corpus with exact gold, to test merging and speed at scale.
    ///
    /// Example:
    ///   tally synth /tmp/syn --incidents 5000 --seed 7
    ///   tally extract /tmp/syn/articles -o /tmp/syn/out.jsonl
    ///   python3 ../shared/bench/score.py /tmp/syn/gold.jsonl /tmp/syn/out.jsonl
    #[command(verbatim_doc_comment)]
    Synth(synth_cmd::SynthArgs),
    /// Serve the local web dashboard over the database (overview, map, incidents).
    ///
    /// Listens on 127.0.0.1:8080 unless --addr says otherwise; an address
    /// reachable from other machines requires --token, and then every
    /// request must carry it. Everything is embedded: no network needed.
    /// The address is printed; --open also opens it in the default browser.
    ///
    /// Example:
    ///   tally serve --db pk.db --addr 127.0.0.1:8080
    ///   tally serve --open
    #[command(verbatim_doc_comment)]
    Serve(serve_cmd::ServeArgs),
    /// Dashboard users: each with a token of their own, whose name the
    /// reviews made with it carry (`tally serve --users FILE`).
    ///
    /// Example:
    ///   tally users add amna --file users.tsv   # prints amna's token once
    ///   tally serve --users users.tsv --addr 0.0.0.0:8080
    #[command(verbatim_doc_comment)]
    Users(users_cmd::UsersArgs),
    /// Train or measure the article relevance classifier (for developers).
    ///
    /// The classifier decides whether an article is news of militant
    /// violence in Pakistan before incidents are coded. Its weights are data
    /// (data/relevance/en/model.tsv), written by `train` from articles
    /// labelled by hand; `eval` scores the shipped model against labels.
    #[command(verbatim_doc_comment)]
    Relevance(relevance_cmd::RelevanceArgs),
    /// Inspect the merging comparisons (for developers estimating the weights).
    ///
    /// Merging decides whether two reports tell one incident from the
    /// levels of a few comparisons (district, day, place, type, group,
    /// figures, role) weighted as in data/linkage/levels.tsv.
    #[command(verbatim_doc_comment)]
    Linkage(linkage_cmd::LinkageArgs),
}

/// Exit code of `extract` and `ingest` when no article could be read.
pub const EXIT_NOTHING_READ: u8 = 1;
/// Exit code of every error: a bad option, or a file or database that cannot
/// be read or written.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(dir) = &cli.data {
        coder::use_data_dir(dir);
        if let Err(e) = extract_cmd::use_data_dir(dir) {
            eprintln!("tally: error: {e:#}");
            return ExitCode::from(EXIT_ERROR);
        }
    }
    let result: Result<ExitCode> = match cli.command {
        Command::Extract(args) => extract_cmd::run(args),
        Command::Explain(args) => explain_cmd::run(args),
        Command::Ingest(args) => store_cmd::ingest(args),
        Command::List(args) => store_cmd::list(args),
        Command::Show(args) => store_cmd::show(args),
        Command::Stats(args) => store_cmd::stats(args),
        Command::Export(args) => store_cmd::export(args),
        Command::History(args) => store_cmd::history(args),
        Command::Correct(args) => review_cmd::run(args),
        Command::Review(args) => queue_cmd::run(args),
        Command::Release(args) => release_cmd::run(args),
        Command::Recode(args) => recode_cmd::run(args),
        Command::Synth(args) => synth_cmd::run(args),
        Command::Serve(args) => serve_cmd::run(args),
        Command::Users(args) => users_cmd::run(args),
        Command::Relevance(args) => relevance_cmd::run(args),
        Command::Linkage(args) => linkage_cmd::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tally: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// The corpus a command reads: article paths and an optional manifest.
#[derive(clap::Args, Debug)]
pub struct CorpusArgs {
    /// Article files or folders of articles (.txt, .html/.htm, feeds).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Manifest (JSON Lines: article, published, outlet, url); overrides folder manifests.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
}

impl CorpusArgs {
    /// The articles to read, with the paths in any error. Which manifests
    /// are used, the warnings and the paths skipped are told on stderr, in
    /// the same words for every command.
    pub fn plan(&self) -> Result<tally_corpus::CorpusPlan> {
        use anyhow::Context;
        let plan = tally_corpus::plan(&self.paths, self.manifest.as_deref())
            .with_context(|| format!("reading the corpus at {}", self.show()))?;
        extract_cmd::report_plan(&plan);
        Ok(plan)
    }

    /// The paths given, for messages.
    pub fn show(&self) -> String {
        let shown: Vec<String> = self.paths.iter().map(|p| p.display().to_string()).collect();
        shown.join(", ")
    }
}
