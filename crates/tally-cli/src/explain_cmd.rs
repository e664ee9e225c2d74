//! `tally explain ID [--db FILE]` or `tally explain ID PATH...`: show one
//! incident, stored or coded again from the articles, with the sentences
//! behind each of its fields, disagreements side by side, and why merging
//! put each report there.

use crate::extract_cmd::{code_all, load_lexicon};
use crate::store_cmd::{
    ambiguous_prefix, find_incident, texts_and_outlets, DbArg, AMBIGUOUS_SHOWN,
};
use anyhow::{bail, Result};
use clap::Args;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use tally_corpus::ReadOptions;
use tally_model::{Count, Evidence, Incident};
use tally_store::OpenMode;

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// Incident id (as in `tally extract` or `tally list` output) or a unique prefix of it.
    #[arg(value_name = "INCIDENT_ID")]
    pub id: String,
    /// Article files or folders to code again and explain from; without
    /// them the incident, its articles and its reports are read from the
    /// database.
    #[arg(value_name = "PATH", conflicts_with = "db")]
    pub paths: Vec<PathBuf>,
    /// Manifest (JSON Lines: article, published, outlet, url) of the PATHs.
    #[arg(long, value_name = "FILE", requires = "paths")]
    pub manifest: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArg,
}

pub fn run(args: ExplainArgs) -> Result<ExitCode> {
    if args.paths.is_empty() {
        from_store(&args)
    } else {
        from_corpus(args)
    }
}

/// Explain a stored incident: its fields and articles from the database,
/// the merging from the stored sketches and placement (which include the
/// analysts' splits and merges).
fn from_store(args: &ExplainArgs) -> Result<ExitCode> {
    let store = args.db.open(OpenMode::ReadOnly)?;
    let inc = find_incident(&store, &args.id)?;
    let (texts, outlets) = texts_and_outlets(&store.sources(&inc.articles)?);
    let reports = store.reports(&inc.articles)?;
    let linkage = crate::extract_cmd::load_linkage()?;
    let placements = store.placements()?;
    let members = placements.members_of(&inc.id);
    print!("{}", render(&inc, &texts, &outlets));
    print!("{}", render_relevance(&inc, &reports));
    println!("\ncoded by");
    for line in crate::coder::coded_by(&store, &inc.articles)? {
        println!("  {line}");
    }
    if members.is_empty() {
        println!(
            "\nmerging\n  not recorded for this incident yet (the next `tally ingest` records it)"
        );
        return Ok(ExitCode::SUCCESS);
    }
    let shift = match store.prior_shift()? {
        Some(shift) => shift,
        None => tally_merge::prior_shift(&placements.sketches, linkage),
    };
    let whose = "this database's";
    print!(
        "{}",
        render_placements(&placements.sketches, &members, linkage, (shift, whose))
    );
    Ok(ExitCode::SUCCESS)
}

/// Code the corpus again as `tally extract` does and explain the incident
/// with the id given among the result.
fn from_corpus(args: ExplainArgs) -> Result<ExitCode> {
    let lex = load_lexicon()?;
    let corpus = crate::CorpusArgs {
        paths: args.paths,
        manifest: args.manifest,
    };
    let plan = corpus.plan()?;
    let reports = code_all(&plan, lex, false);
    let linkage = crate::extract_cmd::load_linkage()?;
    let incidents = tally_merge::merge(&reports, linkage);
    let matches: Vec<&Incident> = incidents
        .iter()
        .filter(|i| i.id.starts_with(&args.id))
        .collect();
    let inc = match matches.as_slice() {
        [one] => *one,
        [] => bail!(
            "no incident {} in this corpus ({} incidents; run `tally extract` to list their ids)",
            args.id,
            incidents.len()
        ),
        many => {
            let shown: Vec<&str> = many
                .iter()
                .take(AMBIGUOUS_SHOWN)
                .map(|i| i.id.as_str())
                .collect();
            bail!("{}", ambiguous_prefix(&args.id, &shown, many.len() as u64))
        }
    };
    let (texts, outlets) = corpus_texts(&plan, inc);
    print!("{}", render(inc, &texts, &outlets));
    print!("{}", render_relevance(inc, &reports));
    print!("{}", render_merging(inc, &reports, linkage));
    Ok(ExitCode::SUCCESS)
}

/// The text of each of the incident's articles read again from the corpus,
/// and its label (outlet and publication date).
fn corpus_texts(
    plan: &tally_corpus::CorpusPlan,
    inc: &Incident,
) -> (HashMap<String, String>, HashMap<String, String>) {
    let opts = ReadOptions::default();
    let mut texts: HashMap<String, String> = HashMap::new();
    let mut outlets: HashMap<String, String> = HashMap::new();
    for e in plan
        .entries
        .iter()
        .filter(|e| inc.articles.contains(&e.meta.id))
    {
        if let Ok(l) = e.read(&opts) {
            texts.insert(e.meta.id.clone(), l.article.text);
        }
        let mut label = e.meta.outlet.clone().unwrap_or_default();
        if let Some(p) = e.meta.published {
            label = format!("{label} {p}").trim().to_string();
        }
        outlets.insert(e.meta.id.clone(), label);
    }
    (texts, outlets)
}

/// Why the incident holds each of its reports: the comparison with its
/// strongest partner and with the best candidate left out, as Fellegi-Sunter
/// waterfalls (prior, each level's weight, running total, threshold).
fn render_merging(
    inc: &Incident,
    reports: &[tally_model::ArticleReport],
    linkage: &tally_merge::Linkage,
) -> String {
    let sketches: Vec<tally_merge::Sketch> = reports
        .iter()
        .flat_map(tally_merge::Sketch::of_report)
        .collect();
    let clusters = tally_merge::cluster(&sketches, linkage);
    // An incident's id is derived from its member keys alone: no need to fold.
    let Some(cluster) = clusters
        .iter()
        .find(|c| tally_merge::incident_id(c.iter().map(|&i| sketches[i].key.as_str())) == inc.id)
    else {
        return String::new();
    };
    let shift = tally_merge::prior_shift(&sketches, linkage);
    render_placements(&sketches, cluster, linkage, (shift, "this corpus's"))
}

/// The waterfalls of one incident's reports (`members` index `sketches`),
/// scored with the prior `shift` of `whose` reports.
fn render_placements(
    sketches: &[tally_merge::Sketch],
    members: &[usize],
    linkage: &tally_merge::Linkage,
    (shift, whose): (f64, &str),
) -> String {
    let mut out = String::from("\nmerging (posterior log2-odds; data/linkage/levels.tsv)\n");
    let _ = writeln!(
        out,
        "  {whose} prior differs from the file's by {shift:+.2} (how densely its reports crowd a district and week); scores below include it"
    );
    for p in tally_merge::explain_cluster(sketches, members, linkage, shift) {
        let _ = writeln!(out, "  report {}", p.key);
        match &p.partner {
            Some(c) => {
                let _ = writeln!(out, "   with {} {:+.2} ({})", c.key, c.score, c.why);
                out.push_str(&linkage.weights.explain(&c.levels));
            }
            None => out.push_str("   the only report of this incident\n"),
        }
        match &p.rejected {
            Some(c) => {
                let _ = writeln!(
                    out,
                    "   best left out: {} {:+.2} ({})",
                    c.key, c.score, c.why
                );
                out.push_str(&linkage.weights.explain(&c.levels));
            }
            None => out.push_str("   no other report could be compared with it\n"),
        }
    }
    out
}

/// Why each member article was coded at all: the relevance classifier's
/// score and decision, and the scope classes that fired in it.
fn render_relevance(inc: &Incident, reports: &[tally_model::ArticleReport]) -> String {
    let mut out = String::from("\nrelevance\n");
    for r in reports.iter().filter(|r| inc.articles.contains(&r.meta.id)) {
        let rel = &r.relevance;
        let fired = if rel.fired.is_empty() {
            String::new()
        } else {
            format!("; fired: {}", rel.fired.join(", "))
        };
        let _ = writeln!(
            out,
            "  {:24} score {:.3} {}{fired}",
            r.meta.id,
            rel.score,
            if rel.news { "news" } else { "not news" }
        );
        for d in &rel.dropped {
            let _ = writeln!(out, "    left out ({}) at {}..{}", d.class, d.start, d.end);
        }
    }
    out
}

/// The readable ledger of one incident.
pub fn render(
    inc: &Incident,
    texts: &HashMap<String, String>,
    outlets: &HashMap<String, String>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "incident {}  ({:?}, {} article(s))",
        inc.id,
        inc.role,
        inc.articles.len()
    );
    for a in &inc.articles {
        let _ = writeln!(
            out,
            "  article {a}  {}",
            outlets.get(a).map(String::as_str).unwrap_or("")
        );
    }
    let plain = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let rows: Vec<(&str, String)> = vec![
        ("date", plain(inc.date.map(|d| d.to_string()))),
        ("admin1", plain(inc.admin1.clone())),
        ("admin2", plain(inc.admin2.clone())),
        ("place", plain(inc.place.clone())),
        ("event_type", inc.event_type.to_string()),
        ("group", plain(inc.group.clone())),
        ("claimed", inc.claimed.to_string()),
        (
            "targets",
            inc.targets
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ];
    let by_field = ledger(&inc.evidence);
    for (field, value) in rows {
        let _ = writeln!(out, "\n{field:<26} {value}");
        write_sources(&mut out, by_field.get(field), texts, outlets);
    }
    for (outcome, cas) in [("killed", &inc.killed), ("injured", &inc.injured)] {
        for cat in tally_model::Category::ALL {
            let Some(c) = cas.get(cat) else { continue };
            let field = format!("{outcome}.{}", cat.as_str());
            let _ = writeln!(out, "\n{field:<26} {}", count_line(&c));
            write_sources(&mut out, by_field.get(field.as_str()), texts, outlets);
        }
    }
    out
}

fn count_line(c: &Count) -> String {
    let high = c
        .high
        .map(|h| h.to_string())
        .unwrap_or_else(|| "open".into());
    format!("low {}  best {}  high {high}", c.low, c.best)
}

fn ledger(evidence: &[Evidence]) -> BTreeMap<&str, Vec<&Evidence>> {
    let mut m: BTreeMap<&str, Vec<&Evidence>> = BTreeMap::new();
    for e in evidence {
        m.entry(e.field.as_str()).or_default().push(e);
    }
    m
}

/// One line per source sentence: article, stated value, who said it, the sentence.
fn write_sources(
    out: &mut String,
    ev: Option<&Vec<&Evidence>>,
    texts: &HashMap<String, String>,
    outlets: &HashMap<String, String>,
) {
    let Some(ev) = ev else {
        let _ = writeln!(out, "    (no sentence states it)");
        return;
    };
    let values: Vec<&str> = ev.iter().filter_map(|e| e.value.as_deref()).collect();
    let disagree = values.windows(2).any(|w| w[0] != w[1]);
    for e in ev {
        let sentence = texts
            .get(&e.article)
            .map(|t| snippet(t, e.start, e.end))
            .unwrap_or_default();
        let value = e.value.as_deref().unwrap_or("");
        let source = e
            .source
            .as_deref()
            .map(|s| format!(" per {s}"))
            .unwrap_or_default();
        let mark = if disagree { "≠" } else { "=" };
        let outlet = outlets
            .get(&e.article)
            .map(|o| format!(" ({o})"))
            .filter(|o| o != " ()")
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    {mark} {value:<8} {}{outlet}{source}: \"{sentence}\"",
            e.article
        );
    }
}

/// The text between two code-point offsets, on one line, shortened.
fn snippet(text: &str, start: usize, end: usize) -> String {
    let s: String = text
        .chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > 220 {
        format!("{}…", s.chars().take(220).collect::<String>())
    } else {
        s
    }
}
