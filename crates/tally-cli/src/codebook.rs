//! The codebook of a release, generated from the places that define each
//! part: the format and conventions from `docs/FORMAT.md`, the CSV columns
//! from the exporter, the event types from the model, the groups and
//! aliases from `groups.tsv`, the sources and licences from the data
//! READMEs. Nothing here restates them.

use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::path::Path;
use tally_model::EventType;

const FORMAT: &str = include_str!("../../../docs/FORMAT.md");
const DATA_README: &str = include_str!("../../../data/README.md");
const GAZETTEER_README: &str = include_str!("../../../data/gazetteer/README.md");
const GROUPS: &str = include_str!("../../../data/groups.tsv");

/// What a codebook names about the release it describes.
pub struct ReleaseHeader<'a> {
    pub tag: &'a str,
    pub at: &'a str,
    pub filters: &'a str,
    pub tally: &'a str,
}

/// The data files the codebook quotes: the folder of `--data`, else the
/// copies built into tally.
pub struct DataTexts {
    origin: String,
    groups: String,
    data_readme: String,
    gazetteer_readme: String,
}

impl DataTexts {
    pub fn load(dir: Option<&Path>) -> Result<DataTexts> {
        let Some(dir) = dir else {
            return Ok(DataTexts {
                origin: "the data files built into this tally".into(),
                groups: GROUPS.into(),
                data_readme: DATA_README.into(),
                gazetteer_readme: GAZETTEER_README.into(),
            });
        };
        let read = |name: &str| {
            let p = dir.join(name);
            std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))
        };
        // The READMEs are documentation a data folder may lack.
        Ok(DataTexts {
            origin: format!("the data folder {}", dir.display()),
            groups: read("groups.tsv")?,
            data_readme: read("README.md").unwrap_or_default(),
            gazetteer_readme: read("gazetteer/README.md").unwrap_or_default(),
        })
    }
}

/// The codebook (Markdown) of a release made with these data files.
pub fn codebook(release: &ReleaseHeader, data: &DataTexts) -> String {
    let mut out = String::new();
    intro(&mut out, release, &data.origin);
    files(&mut out);
    section(&mut out, "Event types", &event_types());
    section(&mut out, "Groups and their aliases", &groups(&data.groups));
    section(
        &mut out,
        "Data sources and licences",
        &sources(&data.data_readme, &data.gazetteer_readme),
    );
    section(&mut out, "Format and coding conventions", &demoted(FORMAT));
    out
}

fn intro(out: &mut String, r: &ReleaseHeader, origin: &str) {
    let _ = write!(
        out,
        "# Codebook of release {}\n\n\
         Made on {} by tally {} with {origin}. Filters: {}.\n",
        r.tag, r.at, r.tally, r.filters
    );
}

fn files(out: &mut String) {
    let columns = crate::store_cmd::csv_header().join(", ");
    let text = format!(
        "- `incidents.jsonl`: one incident per line, in the format below, sorted by id.\n\
         - `incidents.csv`: the same incidents in ACLED-style columns plus tally's \
         low/best/high columns: {columns}.\n\
         - `incidents.geojson`: the incidents that have coordinates, as points.\n\
         - `articles.jsonl`: every article behind the incidents: `id`, `outlet`, `url`, \
         `published` (no text).\n\
         - `CHANGES`: incidents added, removed and revised since the previous release of \
         the same database, each with the reasons its history records. An incident is \
         revised when its line in `incidents.jsonl` differs.\n\
         - `SHA256SUMS`: the SHA-256 of every other file.\n\n\
         Incident ids are stable: an id names the same incident in every release \
         (see Ids below), so releases can be compared by id.\n"
    );
    section(out, "Files", &text);
}

fn event_types() -> String {
    let names: Vec<String> = EventType::ALL
        .iter()
        .map(|t| format!("`{}`", t.as_str()))
        .collect();
    format!(
        "{} (the conventions for each are under Event types below).\n",
        names.join(", ")
    )
}

/// A table of `groups.tsv`: canonical name, then its aliases.
fn groups(tsv: &str) -> String {
    let mut out = String::from("| group | aliases |\n|---|---|\n");
    for line in tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (name, aliases) = line.split_once('\t').unwrap_or((line, ""));
        let aliases = aliases.split('|').collect::<Vec<_>>().join(", ");
        let _ = writeln!(out, "| {} | {} |", name.trim(), aliases.trim());
    }
    out
}

/// The table of data files with their sources and licences, and the
/// gazetteer's own section on them.
fn sources(data_readme: &str, gazetteer_readme: &str) -> String {
    let table: Vec<&str> = data_readme.lines().filter(|l| l.starts_with('|')).collect();
    let mut out = table.join("\n");
    out.push('\n');
    if let Some(section) = markdown_section(gazetteer_readme, "## Sources and licences") {
        out.push_str("\nThe gazetteer's sources:\n\n");
        out.push_str(section.trim());
        out.push('\n');
    }
    out
}

/// The body of the section that starts with `heading`, up to the next
/// heading of the same level.
fn markdown_section<'t>(text: &'t str, heading: &str) -> Option<&'t str> {
    let start = text.find(heading)? + heading.len();
    let rest = &text[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(&rest[..end])
}

/// FORMAT.md one heading level down, so it sits under the codebook's title.
fn demoted(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with('#') {
                format!("#{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn section(out: &mut String, title: &str, body: &str) {
    let _ = write!(out, "\n## {title}\n\n{body}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_codebook_lists_groups_types_sources_and_the_format() {
        let header = ReleaseHeader {
            tag: "v1",
            at: "2026-01-01T00:00:00Z",
            filters: "none",
            tally: "0.0.0",
        };
        let book = codebook(&header, &DataTexts::load(None).unwrap());
        assert!(book.starts_with("# Codebook of release v1\n"), "{book}");
        assert!(
            book.contains("| Tehrik-i-Taliban Pakistan | TTP, "),
            "{book}"
        );
        assert!(book.contains("`suicide_bombing`"));
        assert!(book.contains("CC BY 4.0"));
        assert!(book.contains("## Format and coding conventions\n\n## The incident format"));
        assert!(book.contains("event_id_cnty, event_date"));
    }

    #[test]
    fn a_section_ends_at_the_next_heading_of_its_level() {
        let text = "# t\n## A\none\n### sub\ntwo\n## B\nthree\n";
        assert_eq!(markdown_section(text, "## A"), Some("\none\n### sub\ntwo"));
    }
}
