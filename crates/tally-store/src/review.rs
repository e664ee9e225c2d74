//! Analysts' review: corrections of fields, splits and merges of incidents.
//!
//! A correction is stored as an override with its note and time, never as
//! an edit of the machine's output: every rebuild re-clusters and refolds
//! from the reports, then re-applies the overrides in the order they were
//! made. That is what lets corrections survive later ingests.
//!
//! Overrides are anchored on member keys (`article#n`), not incident ids:
//! an incident's id follows its earliest member report and may change when
//! an earlier report arrives, but its members stay.

use crate::ingest::Rebuild;
use crate::{IngestSummary, Result, Store, StoreError};
use rusqlite::{params, Transaction};
use std::collections::{HashMap, HashSet};
use tally_merge::Sketch;
use tally_model::{
    Category, Correction, Count, EventType, Incident, IncidentDate, Outcome, Target,
};

/// What an analyst changes in an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    /// Set a field to a value (`None` clears it). See [`CORRECTABLE`].
    Set {
        field: String,
        value: Option<String>,
    },
    /// Take one article's report out of the incident into an incident of its own.
    Split { article: String },
    /// Join another incident (by id) into this one.
    Merge { other: String },
    /// Mark the incident reviewed: it leaves the review queue until a new
    /// report joins it (kept as a `reviewed` correction whose value is the
    /// number of reports the analyst saw).
    Reviewed,
}

/// The fields a [`Review::Set`] may correct.
pub const CORRECTABLE: &[&str] = &[
    "date",
    "admin1",
    "admin2",
    "place",
    "lat",
    "lon",
    "event_type",
    "group",
    "claimed",
    "targets",
    "killed.total",
    "killed.security_forces",
    "killed.civilians",
    "killed.militants",
    "injured.total",
    "injured.security_forces",
    "injured.civilians",
    "injured.militants",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Set,
    Split,
    Merge,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Set => "set",
            Kind::Split => "split",
            Kind::Merge => "merge",
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        [Kind::Set, Kind::Split, Kind::Merge]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One stored override. For `Set`, `field`/`value` are the correction; for
/// `Split`, `anchor` is the member taken out and `value` a member it leaves;
/// for `Merge`, `anchor` and `value` are members of the two incidents.
/// `field` of a split or merge keeps the article or incident named, for
/// display.
#[derive(Debug, Clone)]
struct Override {
    anchor: String,
    kind: Kind,
    field: Option<String>,
    value: Option<String>,
    note: String,
    at: String,
    author: Option<String>,
}

impl Override {
    fn correction(&self) -> Correction {
        let (field, value) = match self.kind {
            Kind::Set => (self.field.clone().unwrap_or_default(), self.value.clone()),
            Kind::Split => (
                "members".to_string(),
                self.field
                    .as_ref()
                    .map(|a| format!("split out article {a}")),
            ),
            Kind::Merge => (
                "members".to_string(),
                self.field.as_ref().map(|i| format!("merged with {i}")),
            ),
        };
        Correction {
            field,
            value,
            note: self.note.clone(),
            at: self.at.clone(),
            by: self.author.clone(),
        }
    }
}

/// Every override, in the order analysts made them.
pub(crate) struct Overrides {
    list: Vec<Override>,
}

impl Overrides {
    pub(crate) fn load(tx: &Transaction) -> Result<Overrides> {
        let err = |e| StoreError::sqlite("reading the analysts' corrections", e);
        let mut stmt = tx
            .prepare(
                "SELECT anchor, kind, field, value, note, at, author FROM overrides ORDER BY seq",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    (r.get::<_, String>(0)?, r.get::<_, String>(1)?),
                    (r.get(2)?, r.get(3)?),
                    (r.get(4)?, r.get(5)?, r.get(6)?),
                ))
            })
            .map_err(err)?;
        let mut list = Vec::new();
        for row in rows {
            let ((anchor, kind), (field, value), (note, at, author)) = row.map_err(err)?;
            let kind = Kind::parse(&kind).ok_or_else(|| StoreError::Inconsistent {
                what: format!("unknown correction kind {kind:?}"),
            })?;
            list.push(Override {
                anchor,
                kind,
                field,
                value,
                note,
                at,
                author,
            });
        }
        Ok(Overrides { list })
    }

    /// Apply splits and merges to the clusters, in the order they were made.
    /// Overrides whose members are gone or already apart/together are no-ops.
    pub(crate) fn relink(&self, sketches: &[Sketch], clusters: &mut Vec<Vec<usize>>) {
        let links: Vec<&Override> = self.list.iter().filter(|o| o.kind != Kind::Set).collect();
        if links.is_empty() {
            return;
        }
        let index: HashMap<&str, usize> = sketches
            .iter()
            .enumerate()
            .map(|(i, s)| (s.key.as_str(), i))
            .collect();
        let mut cluster_of = vec![0; sketches.len()];
        for (c, members) in clusters.iter().enumerate() {
            for &m in members {
                cluster_of[m] = c;
            }
        }
        for o in links {
            let (Some(&a), Some(&b)) = (
                index.get(o.anchor.as_str()),
                o.value.as_deref().and_then(|v| index.get(v)),
            ) else {
                continue;
            };
            let (ca, cb) = (cluster_of[a], cluster_of[b]);
            match o.kind {
                Kind::Split if ca == cb => {
                    clusters[ca].retain(|&m| m != a);
                    clusters.push(vec![a]);
                    cluster_of[a] = clusters.len() - 1;
                }
                Kind::Merge if ca != cb => {
                    let moved = std::mem::take(&mut clusters[cb]);
                    for &m in &moved {
                        cluster_of[m] = ca;
                    }
                    clusters[ca].extend(moved);
                }
                _ => {}
            }
        }
        clusters.retain(|c| !c.is_empty());
    }

    /// Apply the corrections that concern an incident with these member
    /// keys, and list them in its `corrections`.
    pub(crate) fn correct<'k>(&self, inc: &mut Incident, keys: impl Iterator<Item = &'k str>) {
        if self.list.is_empty() {
            return;
        }
        let keys: HashSet<&str> = keys.collect();
        for o in &self.list {
            let concerns = keys.contains(o.anchor.as_str())
                || (o.kind == Kind::Split && o.value.as_deref().is_some_and(|v| keys.contains(v)));
            if !concerns {
                continue;
            }
            if o.kind == Kind::Set {
                let field = o.field.as_deref().unwrap_or_default();
                // Validated when made; a value that no longer applies is skipped.
                if set_field(inc, field, o.value.as_deref()).is_err() {
                    continue;
                }
                tally_merge::settle(inc, field);
            }
            inc.corrections.push(o.correction());
        }
    }
}

/// Set one field of an incident from its text form; `Err` says what is wrong.
pub fn set_field(
    inc: &mut Incident,
    field: &str,
    value: Option<&str>,
) -> std::result::Result<(), String> {
    let text = value.map(str::trim).filter(|v| !v.is_empty());
    let text_field = |v: Option<&str>| v.map(str::to_string);
    match field {
        "date" => inc.date = text.map(parse_date).transpose()?,
        "admin1" => inc.admin1 = text_field(text),
        "admin2" => inc.admin2 = text_field(text),
        "place" => inc.place = text_field(text),
        "group" => inc.group = text_field(text),
        "lat" => inc.lat = text.map(|v| parse_degrees(v, 90.0)).transpose()?,
        "lon" => inc.lon = text.map(|v| parse_degrees(v, 180.0)).transpose()?,
        "event_type" => inc.event_type = parse_type(text)?,
        "claimed" => inc.claimed = parse_bool(text)?,
        "targets" => inc.targets = text.map(parse_targets).transpose()?.unwrap_or_default(),
        // A mark, not a field: its value is the number of reports seen.
        tally_merge::REVIEWED => {}
        _ => return set_count(inc, field, text),
    }
    Ok(())
}

fn set_count(
    inc: &mut Incident,
    field: &str,
    text: Option<&str>,
) -> std::result::Result<(), String> {
    let unknown = || {
        format!(
            "cannot correct {field:?}: correctable fields are {}",
            CORRECTABLE.join(", ")
        )
    };
    let (outcome, category) = field.split_once('.').ok_or_else(unknown)?;
    let outcome = match outcome {
        "killed" => Outcome::Killed,
        "injured" => Outcome::Injured,
        _ => return Err(unknown()),
    };
    let category = Category::ALL
        .into_iter()
        .find(|c| c.as_str() == category)
        .ok_or_else(unknown)?;
    let count = text.map(parse_count).transpose()?;
    inc.casualties_mut(outcome).set(category, count);
    Ok(())
}

fn parse_date(v: &str) -> std::result::Result<IncidentDate, String> {
    IncidentDate::parse(v)
        .ok_or_else(|| format!("{v:?} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY"))
}

fn parse_degrees(v: &str, limit: f64) -> std::result::Result<f64, String> {
    v.parse::<f64>()
        .ok()
        .filter(|d| d.abs() <= limit)
        .ok_or_else(|| format!("{v:?} is not a coordinate in degrees (within ±{limit})"))
}

fn parse_type(v: Option<&str>) -> std::result::Result<EventType, String> {
    v.and_then(EventType::parse).ok_or_else(|| {
        let names: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
        format!("event_type must be one of {}", names.join(", "))
    })
}

/// `police,civilians`: target classes separated by commas (or spaces); an
/// unknown one is refused with the list. Kept once each, in the order of
/// `Target::ALL`, as merging writes them.
fn parse_targets(v: &str) -> std::result::Result<Vec<Target>, String> {
    let mut targets = Vec::new();
    for name in v.split([',', ' ']).map(str::trim).filter(|n| !n.is_empty()) {
        let target = Target::parse(&name.to_ascii_lowercase()).ok_or_else(|| {
            let names: Vec<&str> = Target::ALL.iter().map(|t| t.as_str()).collect();
            format!(
                "{name:?} is not a target: targets are any of {}, separated by commas",
                names.join(", ")
            )
        })?;
        targets.push(target);
    }
    targets.sort();
    targets.dedup();
    Ok(targets)
}

fn parse_bool(v: Option<&str>) -> std::result::Result<bool, String> {
    match v {
        Some("true" | "yes" | "1") => Ok(true),
        Some("false" | "no" | "0") => Ok(false),
        _ => Err("claimed must be true or false".into()),
    }
}

/// `12` (exact), or `low/best/high` with an empty high for an open range
/// (`80/85/`).
pub fn parse_count(v: &str) -> std::result::Result<Count, String> {
    let bad = || format!("{v:?} is not a count: give N or low/best/high (high may be empty)");
    let num = |s: &str| s.trim().parse::<u32>().map_err(|_| bad());
    let parts: Vec<&str> = v.split('/').collect();
    match parts.as_slice() {
        [n] => Ok(Count::exact(num(n)?)),
        [low, best, high] => {
            let (low, best) = (num(low)?, num(best)?);
            let high = match high.trim() {
                "" => None,
                h => Some(num(h)?),
            };
            let ordered = low <= best && high.is_none_or(|h| best <= h);
            if !ordered {
                return Err(format!("{v:?}: low, best and high must be in order"));
            }
            Ok(Count { low, best, high })
        }
        _ => Err(bad()),
    }
}

impl Store {
    /// Record an analyst's review of incident `id` (or the only incident
    /// whose id starts with it) with a note saying why, and rebuild what it
    /// changes. The correction is kept as an override that later ingests
    /// re-apply, and shows in the incident's history and `corrections`.
    pub fn review(&mut self, id: &str, review: &Review, note: &str) -> Result<ReviewOutcome> {
        self.review_by(id, review, note, None)
    }

    /// [`Store::review`] by a named analyst (`None`: nobody named), whose
    /// name is kept with the correction and in the history row.
    pub fn review_by(
        &mut self,
        id: &str,
        review: &Review,
        note: &str,
        author: Option<&str>,
    ) -> Result<ReviewOutcome> {
        let note = note.trim();
        if note.is_empty() {
            return Err(invalid("a correction needs a note saying why"));
        }
        let author = author.map(str::trim).filter(|a| !a.is_empty());
        let ing = self.begin_write()?;
        ing.place_unplaced()?;
        let id = ing.resolve_id(id)?;
        let members = ing.members_of(&id)?;
        let anchor = members
            .iter()
            .map(|(k, _)| k.clone())
            .min()
            .unwrap_or_default();
        let (row, dirty) = match review {
            Review::Set { field, value } => {
                let mut probe = ing.stored_incident(&id)?;
                set_field(&mut probe, field, value.as_deref()).map_err(invalid)?;
                let row = (
                    anchor.clone(),
                    Kind::Set,
                    Some(field.clone()),
                    value.clone(),
                );
                (row, HashSet::from([anchor]))
            }
            Review::Reviewed => {
                let mut articles: Vec<&String> = members.iter().map(|(_, a)| a).collect();
                articles.sort();
                articles.dedup();
                let row = (
                    anchor.clone(),
                    Kind::Set,
                    Some(tally_merge::REVIEWED.to_string()),
                    Some(articles.len().to_string()),
                );
                (row, HashSet::from([anchor]))
            }
            Review::Split { article } => (split_row(&id, &members, article)?, HashSet::new()),
            Review::Merge { other } => {
                let other = ing.resolve_id(other)?;
                if other == id {
                    return Err(invalid("an incident cannot be merged with itself"));
                }
                let theirs = ing.members_of(&other)?;
                let value = theirs.iter().map(|(k, _)| k.clone()).min();
                ((anchor, Kind::Merge, Some(other), value), HashSet::new())
            }
        };
        ing.add_override(&row, note, author)?;
        let by = author.map(|a| format!(" by {a}")).unwrap_or_default();
        let label = format!("analyst {} ({note}){by}", describe(review));
        let summary = ing.rebuild(&Rebuild {
            dirty,
            label: Some(label),
        })?;
        // Ids follow the smallest member key, so say where the reports went.
        let (anchor, kind, _, value) = &row;
        let (kept, taken) = match kind {
            Kind::Split => (value.as_deref().unwrap_or_default(), Some(anchor.as_str())),
            _ => (anchor.as_str(), None),
        };
        let incident = ing.incident_of(kept)?;
        let split_off = taken.map(|k| ing.incident_of(k)).transpose()?;
        ing.commit()?;
        Ok(ReviewOutcome {
            summary,
            incident,
            split_off,
        })
    }
}

/// What a review changed, and where the reviewed reports are now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewOutcome {
    pub summary: IngestSummary,
    /// The incident holding the reviewed incident's reports (all but the
    /// split one's, after a split; the merged one after a merge).
    pub incident: String,
    /// After a split: the incident the article's report went to.
    pub split_off: Option<String>,
}

type Row = (String, Kind, Option<String>, Option<String>);

fn split_row(id: &str, members: &[(String, String)], article: &str) -> Result<Row> {
    let taken = members
        .iter()
        .find(|(_, a)| a == article)
        .ok_or_else(|| invalid(format!("article {article} is not a report of {id}")))?;
    let kept = members
        .iter()
        .filter(|(_, a)| a != article)
        .map(|(k, _)| k.clone())
        .min()
        .ok_or_else(|| {
            invalid(format!(
                "{id} has only this report: there is nothing to split"
            ))
        })?;
    Ok((
        taken.0.clone(),
        Kind::Split,
        Some(article.to_string()),
        Some(kept),
    ))
}

fn describe(review: &Review) -> String {
    match review {
        Review::Set { field, value } => format!(
            "correction: {field} set to {}",
            value
                .as_deref()
                .filter(|v| !v.trim().is_empty())
                .unwrap_or("nothing")
        ),
        Review::Split { article } => format!("split: article {article} taken out"),
        Review::Merge { other } => format!("merge: {other} joined in"),
        Review::Reviewed => "reviewed: checked and taken off the review queue".to_string(),
    }
}

fn invalid(message: impl Into<String>) -> StoreError {
    StoreError::Invalid {
        message: message.into(),
    }
}

impl crate::ingest::Writer<'_> {
    /// Fold once if some members were never placed (a database upgraded from
    /// schema 1 that has not been ingested into since).
    fn place_unplaced(&self) -> Result<()> {
        let unplaced: i64 = self
            .tx
            .query_row(
                "SELECT COUNT(*) FROM members WHERE incident IS NULL",
                [],
                |r| r.get(0),
            )
            .map_err(|e| StoreError::sqlite("counting unplaced members", e))?;
        if unplaced > 0 {
            self.rebuild(&Rebuild::default())?;
        }
        Ok(())
    }

    /// The stored incident with this id, or the only one whose id starts with it.
    fn resolve_id(&self, id: &str) -> Result<String> {
        let err = |e| StoreError::sqlite(format!("finding incident {id}"), e);
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT id FROM incidents WHERE id = ?1 OR substr(id, 1, length(?1)) = ?1
                 ORDER BY id != ?1, id LIMIT 2",
            )
            .map_err(err)?;
        let found: Vec<String> = stmt
            .query_map([id], |r| r.get(0))
            .map_err(err)?
            .collect::<rusqlite::Result<_>>()
            .map_err(err)?;
        match found.as_slice() {
            [] => Err(StoreError::NotFound {
                what: format!("incident {id}"),
            }),
            [one, ..] if one == id => Ok(one.clone()),
            [one] => Ok(one.clone()),
            _ => Err(invalid(format!(
                "several incidents start with {id}: give more of the id"
            ))),
        }
    }

    /// (member key, article) of every report of an incident.
    fn members_of(&self, id: &str) -> Result<Vec<(String, String)>> {
        let err = |e| StoreError::sqlite(format!("reading the reports of {id}"), e);
        let mut stmt = self
            .tx
            .prepare_cached("SELECT key, article FROM members WHERE incident = ?1 ORDER BY key")
            .map_err(err)?;
        let rows = stmt
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(err)?;
        let members: Vec<(String, String)> = rows.collect::<rusqlite::Result<_>>().map_err(err)?;
        if members.is_empty() {
            return Err(StoreError::NotFound {
                what: format!("incident {id}"),
            });
        }
        Ok(members)
    }

    /// The incident a member report sits in now.
    fn incident_of(&self, key: &str) -> Result<String> {
        self.tx
            .query_row("SELECT incident FROM members WHERE key = ?1", [key], |r| {
                r.get::<_, Option<String>>(0)
            })
            .map_err(|e| StoreError::sqlite(format!("finding the incident of {key}"), e))?
            .ok_or_else(|| StoreError::Inconsistent {
                what: format!("report {key} belongs to no incident"),
            })
    }

    fn add_override(&self, row: &Row, note: &str, author: Option<&str>) -> Result<()> {
        let (anchor, kind, field, value) = row;
        self.tx
            .execute(
                "INSERT INTO overrides (anchor, kind, field, value, note, at, author)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![anchor, kind.as_str(), field, value, note, self.at, author],
            )
            .map_err(|e| StoreError::sqlite("storing the correction", e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_parse_exact_and_ranges() {
        assert_eq!(parse_count("12"), Ok(Count::exact(12)));
        assert_eq!(
            parse_count("9/12/"),
            Ok(Count {
                low: 9,
                best: 12,
                high: None
            })
        );
        assert!(parse_count("12/9/10").is_err());
        assert!(parse_count("many").is_err());
    }

    #[test]
    fn unknown_fields_list_the_correctable_ones() {
        let mut inc: Incident = serde_json::from_str(
            r#"{"id":"x","articles":[],"role":"main","date":null,"country":"Pakistan",
            "admin1":null,"admin2":null,"place":null,"lat":null,"lon":null,
            "event_type":"bombing","group":null,"claimed":false,"targets":[],
            "killed":{"total":null,"security_forces":null,"civilians":null,"militants":null},
            "injured":{"total":null,"security_forces":null,"civilians":null,"militants":null},
            "evidence":[]}"#,
        )
        .unwrap();
        let err = set_field(&mut inc, "colour", Some("red")).unwrap_err();
        assert!(err.contains("killed.civilians"), "{err}");
        set_field(&mut inc, "killed.civilians", Some("4")).unwrap();
        assert_eq!(inc.killed.civilians, Some(Count::exact(4)));
        set_field(&mut inc, "group", Some("")).unwrap();
        assert_eq!(inc.group, None);
        assert!(set_field(&mut inc, "date", Some("last week")).is_err());
    }

    #[test]
    fn targets_take_known_classes_separated_by_commas() {
        let mut inc: Incident = serde_json::from_str(
            r#"{"id":"x","articles":[],"role":"main","date":null,"country":"Pakistan",
            "admin1":null,"admin2":null,"place":null,"lat":null,"lon":null,
            "event_type":"bombing","group":null,"claimed":false,"targets":["military"],
            "killed":{"total":null,"security_forces":null,"civilians":null,"militants":null},
            "injured":{"total":null,"security_forces":null,"civilians":null,"militants":null},
            "evidence":[]}"#,
        )
        .unwrap();
        set_field(&mut inc, "targets", Some("civilians, Police,police")).unwrap();
        assert_eq!(inc.targets, [Target::Police, Target::Civilians]);
        let err = set_field(&mut inc, "targets", Some("police,soldiers")).unwrap_err();
        assert!(err.contains("\"soldiers\" is not a target"), "{err}");
        assert!(err.contains("health_workers"), "{err}");
        assert_eq!(inc.targets, [Target::Police, Target::Civilians]);
        set_field(&mut inc, "targets", None).unwrap();
        assert!(inc.targets.is_empty());
    }
}
