//! What tally knows, as opposed to how it reads: the gazetteer of places,
//! the armed groups and their aliases, and the English lexicons (number words,
//! casualty verbs, victim nouns, event and target cues, discourse markers,
//! scraped boilerplate). Everything is read from the TSV files under `data/`;
//! [`Lexicon::embedded`] uses the copies compiled into the binary, and
//! [`Lexicon::from_dir`] reads a folder laid out the same way, so another
//! country or language is a data change.

mod gazetteer;
mod keys;
mod model;
mod phrases;
mod scope;
mod tokens;

pub use gazetteer::{Gazetteer, Place, PlaceKind};
pub use model::{FeatureHash, LinearModel};
pub use phrases::{PhraseMatch, PhraseTable, WordTable};
pub use scope::{ScopeClass, ScopeCue};
pub use tokens::{tokenize, tokenize_from, tokenize_into, word_key, Token, TokenKind};

use rustc_hash::FxHashSet as HashSet;
use std::path::Path;
use std::sync::OnceLock;
use tally_model::{EventType, Outcome, Precision, Target};

/// A data file could not be read or has a bad line.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("{file}:{line}: {message}")]
    BadLine {
        file: String,
        line: usize,
        message: String,
    },
    #[error("reading {file}: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
}

/// How a number word combines with its neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberWordKind {
    Unit,
    Scale,
    /// A loose plural such as "dozens": the value is a floor, the top is open.
    ApproxOpen,
}

/// What a qualifier does to the figure after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    AtLeast,
    MoreThan,
    UpTo,
    About,
    /// "another 14", "a further two": the figure adds to an earlier one.
    Another,
}

/// Who a victim noun names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VictimClass {
    SecurityForces,
    Civilians,
    Militants,
    /// Victims of unstated category ("people").
    People,
    /// "others", "more": same category as the figure before.
    Others,
}

/// A victim noun and the target class it implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VictimNoun {
    pub class: VictimClass,
    pub target: Option<Target>,
}

/// Where a casualty verb stands relative to the victims it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerbPosition {
    Pre,
    Post,
    Both,
    Toll,
    Among,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CasualtyVerb {
    pub outcome: Outcome,
    pub position: VerbPosition,
}

/// Discourse markers the segmenter reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Marker {
    NewIncident,
    /// A weaker "and elsewhere": a new incident only with a new place.
    Shift,
    Background,
    Summary,
    Report,
    Claim,
    ClaimNegation,
    Attribution,
    /// "last month's": the event noun after it is one the reader knows of.
    KnownEvent,
    /// A noun naming one violent event ("attack", "blast"), for spotting
    /// references back to it ("the Besham attack").
    EventNoun,
    /// "defused", "before he could detonate": the attack was stopped.
    Foiled,
    /// "exploded", "went off": something was set off after all.
    Detonated,
    /// "no one", "nobody": before a casualty verb, a figure of zero.
    Nobody,
    /// "no casualties", "no loss of life": nobody killed or injured.
    NoCasualties,
    /// "another", "second", "a further": with an incident noun right after
    /// it, the sentence starts a new incident.
    Ordinal,
    /// A noun naming one incident of any kind ("operation", "engagement").
    IncidentNoun,
    /// A fate that is not a casualty ("arrested", "rescued"): a figure
    /// followed by it is not counted as killed or injured.
    OtherFate,
    /// "anniversary": a commemoration recalls an older event, unless the
    /// sentence reports a fresh attack outside the phrase it opens ("On
    /// the tenth anniversary of ..., terrorists attacked a post on Monday").
    Commemoration,
    /// "in the same district", "the area had seen": the sentence's event is
    /// where the story before it was.
    SamePlace,
    /// "the latest in", "one of": the sentence's event is one of a run of
    /// attacks, so a run ("a string of attacks") right after it is not a
    /// summary of the sentence's figures.
    Member,
    /// "cordoned off", "rushed to the scene": what responders did after
    /// the attack; the noun before it names who responded, not who was hit.
    Response,
}

/// What a date phrase of `lexicon/en/dates.tsv` counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateAnchor {
    /// The publication date ("yesterday", "last month").
    Published,
    /// The date written just before in the text, known to the day ("the
    /// day before", "the same night").
    Previous,
}

/// The unit a date phrase counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateUnit {
    Day,
    Week,
    Month,
    Year,
}

/// A date phrase: its anchor moved by `offset` units, given at `precision`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatePhrase {
    pub anchor: DateAnchor,
    pub offset: i32,
    pub unit: DateUnit,
    pub precision: Precision,
}

fn parse_date_phrase(c: &[&str]) -> Option<DatePhrase> {
    Some(DatePhrase {
        anchor: match c[1] {
            "published" => DateAnchor::Published,
            "previous" => DateAnchor::Previous,
            _ => return None,
        },
        offset: c[2].parse().ok()?,
        unit: match c[3] {
            "day" => DateUnit::Day,
            "week" => DateUnit::Week,
            "month" => DateUnit::Month,
            "year" => DateUnit::Year,
            _ => return None,
        },
        precision: match c[4] {
            "day" => Precision::Day,
            "month" => Precision::Month,
            "year" => Precision::Year,
            _ => return None,
        },
    })
}

/// An armed group: canonical name (SCHEMA's table or the text's own name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
}

/// Lines of scraped pages that are not article text (patterns lowercase).
#[derive(Debug, Clone, Default)]
pub struct Boilerplate {
    lines: HashSet<String>,
    /// Characters in the longest of `lines`.
    longest_line: usize,
    prefixes: Vec<String>,
    contains: Vec<String>,
}

impl Boilerplate {
    /// Is this (trimmed) line boilerplate?
    pub fn is_boilerplate(&self, line: &str) -> bool {
        let line = line.trim();
        if line.is_ascii() {
            return self.is_ascii_boilerplate(line.as_bytes());
        }
        // Lowercasing one character at a time gives `to_lowercase` except
        // for 'Σ' (final sigma depends on its neighbours); without it, and
        // with no `contains` pattern to search for, the line is lowercased
        // only as far as a pattern needs.
        if self.contains.is_empty() && !line.contains('Σ') {
            return self.is_boilerplate_by_chars(line);
        }
        let l = line.to_lowercase();
        self.lines.contains(&l)
            || self.prefixes.iter().any(|p| l.starts_with(p.as_str()))
            || self.contains.iter().any(|p| l.contains(p.as_str()))
    }

    /// The test of `lines` and `prefixes`, lowercasing `line` a character
    /// at a time. A character lowercases to one or more, so a line of more
    /// characters than every `lines` pattern equals none; a prefix is
    /// compared only when its first character is the line's.
    fn is_boilerplate_by_chars(&self, line: &str) -> bool {
        let lower = || line.chars().flat_map(char::to_lowercase);
        let first = lower().next();
        let short = || line.chars().nth(self.longest_line).is_none();
        let equals = |p: &String| lower().eq(p.chars());
        let starts = |p: &String| {
            let mut l = lower();
            p.chars().next().is_none_or(|c| Some(c) == first)
                && p.chars().all(|c| l.next() == Some(c))
        };
        (short() && self.lines.iter().any(equals)) || self.prefixes.iter().any(starts)
    }

    /// The same test for an ASCII line, whose lowercase is its ASCII
    /// lowercase: compared case-insensitively, without a lowercase copy of
    /// every line of every article (a pattern with other letters matches no
    /// ASCII line either way).
    fn is_ascii_boilerplate(&self, line: &[u8]) -> bool {
        let same = |a: &[u8], p: &str| a.eq_ignore_ascii_case(p.as_bytes());
        let whole = || line.len() <= self.longest_line && self.lines.iter().any(|p| same(line, p));
        let starts = |p: &String| line.get(..p.len()).is_some_and(|head| same(head, p));
        let holds = |p: &String| p.is_empty() || line.windows(p.len()).any(|w| same(w, p));
        whole() || self.prefixes.iter().any(starts) || self.contains.iter().any(holds)
    }
}

/// Everything tally knows, loaded once.
#[derive(Debug)]
pub struct Lexicon {
    pub number_words: WordTable<(u32, NumberWordKind)>,
    pub qualifiers: PhraseTable<Qualifier>,
    pub victims: PhraseTable<VictimNoun>,
    pub casualty_verbs: PhraseTable<CasualtyVerb>,
    pub event_cues: PhraseTable<(EventType, i32)>,
    pub target_cues: PhraseTable<Target>,
    pub markers: PhraseTable<Marker>,
    /// Date phrases counted from publication or the date before them.
    pub dates: PhraseTable<DatePhrase>,
    pub groups: Vec<Group>,
    /// Alias -> index into `groups`.
    pub group_aliases: PhraseTable<usize>,
    pub boilerplate: Boilerplate,
    pub gazetteer: Gazetteer,
    /// Places outside the country that can host an attack news mentions.
    pub foreign_places: PhraseTable<()>,
    /// Cues of militancy and of out-of-scope classes (accident, crime, ...).
    pub scope: PhraseTable<ScopeCue>,
    /// The article relevance classifier.
    pub relevance: LinearModel,
}

/// The text of every data file, as embedded or read from a folder.
pub struct Sources<'a> {
    pub numbers: &'a str,
    pub qualifiers: &'a str,
    pub victims: &'a str,
    pub casualty_verbs: &'a str,
    pub events: &'a str,
    pub targets: &'a str,
    pub markers: &'a str,
    pub dates: &'a str,
    pub groups: &'a str,
    pub boilerplate: &'a str,
    pub places: &'a str,
    pub foreign_places: &'a str,
    pub scope: &'a str,
    pub relevance: &'a str,
}

/// File names relative to the data folder, in the order of [`Sources`].
pub const DATA_FILES: [&str; 14] = [
    "lexicon/en/numbers.tsv",
    "lexicon/en/qualifiers.tsv",
    "lexicon/en/victims.tsv",
    "lexicon/en/casualty_verbs.tsv",
    "lexicon/en/events.tsv",
    "lexicon/en/targets.tsv",
    "lexicon/en/markers.tsv",
    "lexicon/en/dates.tsv",
    "groups.tsv",
    "lexicon/en/boilerplate.tsv",
    "gazetteer/places.tsv",
    "lexicon/en/foreign_places.tsv",
    "lexicon/en/scope.tsv",
    "relevance/en/model.tsv",
];

const EMBEDDED: Sources<'static> = Sources {
    numbers: include_str!("../../../data/lexicon/en/numbers.tsv"),
    qualifiers: include_str!("../../../data/lexicon/en/qualifiers.tsv"),
    victims: include_str!("../../../data/lexicon/en/victims.tsv"),
    casualty_verbs: include_str!("../../../data/lexicon/en/casualty_verbs.tsv"),
    events: include_str!("../../../data/lexicon/en/events.tsv"),
    targets: include_str!("../../../data/lexicon/en/targets.tsv"),
    markers: include_str!("../../../data/lexicon/en/markers.tsv"),
    dates: include_str!("../../../data/lexicon/en/dates.tsv"),
    groups: include_str!("../../../data/groups.tsv"),
    boilerplate: include_str!("../../../data/lexicon/en/boilerplate.tsv"),
    places: include_str!("../../../data/gazetteer/places.tsv"),
    foreign_places: include_str!("../../../data/lexicon/en/foreign_places.tsv"),
    scope: include_str!("../../../data/lexicon/en/scope.tsv"),
    relevance: include_str!("../../../data/relevance/en/model.tsv"),
};

/// Every embedded data file, named as in [`DATA_FILES`] and in that order
/// (what a fingerprint of the coder's knowledge hashes).
pub fn embedded_files() -> [(&'static str, &'static str); 14] {
    let e = &EMBEDDED;
    let texts = [
        e.numbers,
        e.qualifiers,
        e.victims,
        e.casualty_verbs,
        e.events,
        e.targets,
        e.markers,
        e.dates,
        e.groups,
        e.boilerplate,
        e.places,
        e.foreign_places,
        e.scope,
        e.relevance,
    ];
    std::array::from_fn(|i| (DATA_FILES[i], texts[i]))
}

impl Lexicon {
    /// The data compiled into the binary. The embedded files are checked by
    /// tests, so a failure here is a build defect, reported once on stderr
    /// by the caller through [`Lexicon::try_embedded`].
    pub fn try_embedded() -> Result<&'static Lexicon, &'static LexiconError> {
        static CELL: OnceLock<Result<Lexicon, LexiconError>> = OnceLock::new();
        CELL.get_or_init(|| Lexicon::from_sources(&EMBEDDED))
            .as_ref()
    }

    /// Read every data file from a folder laid out like `data/`.
    pub fn from_dir(dir: &Path) -> Result<Lexicon, LexiconError> {
        let mut texts = Vec::with_capacity(DATA_FILES.len());
        for f in DATA_FILES {
            let p = dir.join(f);
            let t = std::fs::read_to_string(&p).map_err(|source| LexiconError::Io {
                file: p.display().to_string(),
                source,
            })?;
            texts.push(t);
        }
        let s = Sources {
            numbers: &texts[0],
            qualifiers: &texts[1],
            victims: &texts[2],
            casualty_verbs: &texts[3],
            events: &texts[4],
            targets: &texts[5],
            markers: &texts[6],
            dates: &texts[7],
            groups: &texts[8],
            boilerplate: &texts[9],
            places: &texts[10],
            foreign_places: &texts[11],
            scope: &texts[12],
            relevance: &texts[13],
        };
        Lexicon::from_sources(&s)
    }

    pub fn from_sources(s: &Sources) -> Result<Lexicon, LexiconError> {
        let (groups, group_aliases) = load_groups(s.groups)?;
        Ok(Lexicon {
            number_words: load_numbers(s.numbers)?,
            qualifiers: load_table(s.qualifiers, "qualifiers.tsv", 2, |c| parse_qualifier(c[1]))?,
            victims: load_table(s.victims, "victims.tsv", 3, |c| {
                Some(VictimNoun {
                    class: parse_victim_class(c[1])?,
                    target: Target::parse(c[2]),
                })
            })?,
            casualty_verbs: load_table(s.casualty_verbs, "casualty_verbs.tsv", 3, |c| {
                Some(CasualtyVerb {
                    outcome: parse_outcome(c[1])?,
                    position: parse_position(c[2])?,
                })
            })?,
            event_cues: load_table(s.events, "events.tsv", 3, |c| {
                Some((EventType::parse(c[1])?, c[2].parse().ok()?))
            })?,
            target_cues: load_table(s.targets, "targets.tsv", 2, |c| Target::parse(c[1]))?,
            markers: load_table(s.markers, "markers.tsv", 2, |c| parse_marker(c[1]))?,
            dates: load_table(s.dates, "dates.tsv", 5, parse_date_phrase)?,
            groups,
            group_aliases,
            boilerplate: load_boilerplate(s.boilerplate)?,
            gazetteer: Gazetteer::parse(s.places)?,
            foreign_places: load_table(s.foreign_places, "foreign_places.tsv", 1, |_| Some(()))?,
            scope: load_table(s.scope, "scope.tsv", 2, |c| ScopeCue::parse(c[1]))?,
            relevance: LinearModel::parse(s.relevance, "relevance/en/model.tsv")?,
        })
    }
}

/// Non-comment, non-empty lines split on tabs, with their 1-based numbers.
pub(crate) fn rows(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| (i + 1, l.split('\t').map(str::trim).collect()))
}

pub(crate) fn bad(file: &str, line: usize, message: impl Into<String>) -> LexiconError {
    LexiconError::BadLine {
        file: file.to_string(),
        line,
        message: message.into(),
    }
}

fn load_table<T>(
    text: &str,
    file: &str,
    columns: usize,
    parse: impl Fn(&[&str]) -> Option<T>,
) -> Result<PhraseTable<T>, LexiconError> {
    let mut table = PhraseTable::new();
    for (n, cols) in rows(text) {
        if cols.len() < columns {
            return Err(bad(file, n, format!("expected {columns} columns")));
        }
        let v = parse(&cols).ok_or_else(|| bad(file, n, format!("bad value in {:?}", cols)))?;
        table.insert(cols[0], v);
    }
    Ok(table)
}

fn load_numbers(text: &str) -> Result<WordTable<(u32, NumberWordKind)>, LexiconError> {
    let mut out = WordTable::default();
    for (n, cols) in rows(text) {
        let (Some(w), Some(v), Some(k)) = (cols.first(), cols.get(1), cols.get(2)) else {
            return Err(bad("numbers.tsv", n, "expected 3 columns"));
        };
        let v: u32 = v.parse().map_err(|_| bad("numbers.tsv", n, "bad number"))?;
        let k = match *k {
            "unit" => NumberWordKind::Unit,
            "scale" => NumberWordKind::Scale,
            "approx_open" => NumberWordKind::ApproxOpen,
            _ => {
                return Err(bad(
                    "numbers.tsv",
                    n,
                    "kind must be unit, scale or approx_open",
                ))
            }
        };
        out.insert(w.to_lowercase(), (v, k));
    }
    Ok(out)
}

fn load_groups(text: &str) -> Result<(Vec<Group>, PhraseTable<usize>), LexiconError> {
    let mut groups = Vec::new();
    let mut aliases = PhraseTable::new();
    for (n, cols) in rows(text) {
        let name = cols.first().copied().unwrap_or_default();
        if name.is_empty() {
            return Err(bad("groups.tsv", n, "empty group name"));
        }
        let idx = groups.len();
        groups.push(Group {
            name: name.to_string(),
        });
        aliases.insert(name, idx);
        for a in cols.get(1).map(|c| c.split('|')).into_iter().flatten() {
            let a = a.trim();
            if a.chars().count() <= 2 {
                return Err(bad("groups.tsv", n, format!("alias {a:?} is too short")));
            }
            aliases.insert(a, idx);
        }
    }
    Ok((groups, aliases))
}

fn load_boilerplate(text: &str) -> Result<Boilerplate, LexiconError> {
    let mut b = Boilerplate::default();
    for (n, cols) in rows(text) {
        let (Some(p), Some(kind)) = (cols.first(), cols.get(1)) else {
            return Err(bad("boilerplate.tsv", n, "expected 2 columns"));
        };
        let p = p.to_lowercase();
        match *kind {
            "line" => {
                b.longest_line = b.longest_line.max(p.chars().count());
                b.lines.insert(p);
            }
            "prefix" => b.prefixes.push(p),
            "contains" => b.contains.push(p),
            _ => {
                return Err(bad(
                    "boilerplate.tsv",
                    n,
                    "match must be line, prefix or contains",
                ))
            }
        }
    }
    Ok(b)
}

fn parse_qualifier(s: &str) -> Option<Qualifier> {
    Some(match s {
        "at_least" => Qualifier::AtLeast,
        "more_than" => Qualifier::MoreThan,
        "up_to" => Qualifier::UpTo,
        "about" => Qualifier::About,
        "another" => Qualifier::Another,
        _ => return None,
    })
}

fn parse_victim_class(s: &str) -> Option<VictimClass> {
    Some(match s {
        "security_forces" => VictimClass::SecurityForces,
        "civilians" => VictimClass::Civilians,
        "militants" => VictimClass::Militants,
        "people" => VictimClass::People,
        "others" => VictimClass::Others,
        _ => return None,
    })
}

fn parse_outcome(s: &str) -> Option<Outcome> {
    match s {
        "killed" => Some(Outcome::Killed),
        "injured" => Some(Outcome::Injured),
        _ => None,
    }
}

fn parse_position(s: &str) -> Option<VerbPosition> {
    Some(match s {
        "pre" => VerbPosition::Pre,
        "post" => VerbPosition::Post,
        "both" => VerbPosition::Both,
        "toll" => VerbPosition::Toll,
        "among" => VerbPosition::Among,
        _ => return None,
    })
}

fn parse_marker(s: &str) -> Option<Marker> {
    Some(match s {
        "new_incident" => Marker::NewIncident,
        "shift" => Marker::Shift,
        "background" => Marker::Background,
        "summary" => Marker::Summary,
        "report" => Marker::Report,
        "claim" => Marker::Claim,
        "claim_negation" => Marker::ClaimNegation,
        "attribution" => Marker::Attribution,
        "known_event" => Marker::KnownEvent,
        "event_noun" => Marker::EventNoun,
        "other_fate" => Marker::OtherFate,
        "ordinal" => Marker::Ordinal,
        "nobody" => Marker::Nobody,
        "foiled" => Marker::Foiled,
        "detonated" => Marker::Detonated,
        "no_casualties" => Marker::NoCasualties,
        "incident_noun" => Marker::IncidentNoun,
        "commemoration" => Marker::Commemoration,
        "same_place" => Marker::SamePlace,
        "member" => Marker::Member,
        "response" => Marker::Response,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_loads() {
        let lex = match Lexicon::try_embedded() {
            Ok(l) => l,
            Err(e) => panic!("embedded data is broken: {e}"),
        };
        assert!(lex.victims.len() > 100);
        assert!(lex
            .groups
            .iter()
            .any(|g| g.name == "Tehrik-i-Taliban Pakistan"));
        assert!(lex.gazetteer.len() > 10);
        assert!(lex.boilerplate.is_boilerplate("  Share. "));
        assert!(!lex
            .boilerplate
            .is_boilerplate("Four soldiers were martyred."));
    }

    /// The plain reading of boilerplate.tsv, which the fast paths of
    /// `is_boilerplate` must agree with.
    fn lowercased_match(b: &Boilerplate, line: &str) -> bool {
        let l = line.trim().to_lowercase();
        b.lines.contains(&l)
            || b.prefixes.iter().any(|p| l.starts_with(p.as_str()))
            || b.contains.iter().any(|p| l.contains(p.as_str()))
    }

    #[test]
    fn boilerplate_fast_paths_agree_with_lowercasing() {
        let patterns = [
            "share\tline\nkelvin\tline\nread more\tprefix\n+ ↺ −\tprefix\nİzmir\tline\n",
            "share\tline\nread more\tprefix\nall rights\tcontains\n",
        ];
        let lines = [
            "Share",
            " SHARE ",
            "Shares",
            "Read More: the rest",
            "READ MORE’s worth",
            "Read Mor",
            "+ ↺ − more",
            "\u{212A}elvin",
            "KELVIN",
            "İzmir",
            "izmir",
            "ΣHARE",
            "Share ’",
            "© All Rights Reserved",
            "Đ all rights",
            "Two policemen were martyred.",
        ];
        let long = format!("Read more {}", "’".repeat(80));
        for text in patterns {
            let b = match load_boilerplate(text) {
                Ok(b) => b,
                Err(e) => panic!("{e}"),
            };
            for line in lines.into_iter().chain([long.as_str()]) {
                assert_eq!(
                    b.is_boilerplate(line),
                    lowercased_match(&b, line),
                    "{line:?} against {text:?}"
                );
            }
        }
    }

    #[test]
    fn group_aliases_resolve() {
        let Ok(lex) = Lexicon::try_embedded() else {
            panic!("embedded data is broken")
        };
        for alias in ["TTP", "Fitna al-Khawarij", "Pakistani Taliban"] {
            let toks = tokenize(alias);
            let m = lex.group_aliases.match_at(&toks, 0).map(|m| *m.value);
            assert_eq!(
                m.map(|i| lex.groups[i].name.as_str()),
                Some("Tehrik-i-Taliban Pakistan")
            );
        }
    }
}
