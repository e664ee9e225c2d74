//! Recode: the stored articles coded again by today's tally, re-merged, the
//! analysts' corrections re-applied, in one transaction.
//!
//! The new reports are staged in a temporary table of the connection while
//! the caller extracts (as an ingest stages its articles), so the write
//! transaction opens only in [`Recode::finish`]. There the reports are
//! replaced, their sketches stored again (each member key keeps the
//! incident it sat in, so the rebuild diffs by incident id), every sketch
//! re-clustered and every recoded member refolded. What changed is read
//! off the incident rows before and after; a dry run rolls it all back,
//! so it reports exactly what the real run writes.

use crate::ingest::{labelled, Rebuild, Writer};
use crate::query::Filter;
use crate::{Coder, Result, Store, StoreError};
use rusqlite::{params, Connection};
use std::collections::{BTreeMap, HashMap, HashSet};
use tally_merge::Sketch;
use tally_model::{Article, ArticleReport};

/// The staging table of new reports: this connection's own (SQLite's temp
/// database), so filling it takes no lock on the database file.
const STAGING: &str = "
CREATE TEMP TABLE IF NOT EXISTS recoded_reports (
    article TEXT PRIMARY KEY,
    report  TEXT NOT NULL
);
DELETE FROM temp.recoded_reports;
";

/// Incident columns compared before and after, with the names the diff
/// prints (as `tally correct` names fields).
const COMPARED: [(&str, &str); 17] = [
    ("role", "role"),
    ("date", "date"),
    ("admin1", "admin1"),
    ("admin2", "admin2"),
    ("place", "place"),
    ("event_type", "event_type"),
    ("\"group\"", "group"),
    (
        "CASE claimed WHEN 1 THEN 'true' ELSE 'false' END",
        "claimed",
    ),
    ("articles", "articles"),
    ("killed_total", "killed.total"),
    ("killed_security_forces", "killed.security_forces"),
    ("killed_civilians", "killed.civilians"),
    ("killed_militants", "killed.militants"),
    ("injured_total", "injured.total"),
    ("injured_security_forces", "injured.security_forces"),
    ("injured_civilians", "injured.civilians"),
    ("injured_militants", "injured.militants"),
];

/// One recode in progress: new reports staged outside the database.
/// Dropping it without [`Recode::finish`] changes nothing.
pub struct Recode<'s> {
    conn: &'s mut Connection,
    coder: Coder,
    /// Sketches of the staged reports.
    sketches: Vec<Sketch>,
    articles: usize,
}

/// What a recode changed (or, dry, would change).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecodeOutcome {
    /// Articles coded again.
    pub articles: usize,
    /// Of those, the articles whose report differs from the stored one.
    pub reports_changed: usize,
    pub incidents_new: Vec<String>,
    pub incidents_removed: Vec<String>,
    /// Incidents whose compared fields changed.
    pub incidents_changed: usize,
    /// Incidents whose fields are the same but whose record changed
    /// (evidence, confidence, doubts).
    pub incidents_restated: usize,
    pub incidents_unchanged: usize,
    /// Changes of one field from one value to another, most frequent first.
    pub field_changes: Vec<FieldChange>,
    /// Corrections whose member report no longer exists: kept, but they
    /// apply to nothing until an analyst makes them again.
    pub orphaned: Vec<OrphanedCorrection>,
    /// The history label of this recode ("recoded by tally X (data Y)").
    pub label: String,
}

/// `field` went `from` -> `to` in `incidents` incidents ("-": no value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub from: String,
    pub to: String,
    pub incidents: usize,
}

/// A stored correction whose anchor (member report) is gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrphanedCorrection {
    /// The member key it was anchored on (`article#n`).
    pub anchor: String,
    /// `set`, `split` or `merge`.
    pub kind: String,
    pub field: Option<String>,
    pub value: Option<String>,
    pub note: String,
    pub at: String,
}

impl Store {
    /// The stored articles a recode codes again: every one, or with a
    /// filter those of the incidents it matches.
    pub fn recode_articles(&self, filter: Option<&Filter>) -> Result<Vec<String>> {
        let Some(filter) = filter else {
            return self.rows(
                "SELECT id FROM articles ORDER BY rowid",
                Vec::new(),
                |r| r.get(0),
                "listing the stored articles",
            );
        };
        let (clause, values) = filter.sql();
        let sql = format!(
            "SELECT DISTINCT article FROM members
             WHERE incident IN (SELECT id FROM incidents{clause}) ORDER BY article"
        );
        self.rows(&sql, values, |r| r.get(0), "listing the articles to recode")
    }

    /// Start a recode by `coder`. Nothing is written before
    /// [`Recode::finish`].
    pub fn begin_recode(&mut self, coder: Coder) -> Result<Recode<'_>> {
        self.conn
            .execute_batch(STAGING)
            .map_err(|e| StoreError::sqlite("preparing the recode's staging table", e))?;
        Ok(Recode {
            conn: &mut self.conn,
            coder,
            sketches: Vec::new(),
            articles: 0,
        })
    }
}

impl Recode<'_> {
    /// The stored articles with these ids as they were first read (text and
    /// the metadata their report kept), to be coded again.
    pub fn articles(&self, ids: &[String]) -> Result<Vec<Article>> {
        let err = |e| StoreError::sqlite("reading the stored articles", e);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT a.text, r.json FROM articles a JOIN reports r ON r.article = a.id
                 WHERE a.id = ?1",
            )
            .map_err(err)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let (text, json): (String, String) = stmt
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(err)?;
            let report: ArticleReport = serde_json::from_str(&json)
                .map_err(|e| StoreError::json(format!("reading the report of {id}"), e))?;
            out.push(Article {
                meta: report.meta,
                text,
            });
        }
        Ok(out)
    }

    /// Stage the new report of a stored article.
    pub fn add(&mut self, report: &ArticleReport) -> Result<()> {
        let id = &report.meta.id;
        let json = serde_json::to_string(report)
            .map_err(|e| StoreError::json(format!("encoding the report of {id}"), e))?;
        self.conn
            .prepare_cached("INSERT INTO temp.recoded_reports (article, report) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute(params![id, json]))
            .map_err(|e| StoreError::sqlite(format!("staging the report of {id}"), e))?;
        self.sketches.extend(Sketch::of_report(report));
        self.articles += 1;
        Ok(())
    }

    /// In one write transaction: replace the reports, re-cluster, refold
    /// the recoded incidents with the corrections re-applied, and say what
    /// changed. `commit: false` (a dry run) rolls it all back.
    pub fn finish(self, commit: bool) -> Result<RecodeOutcome> {
        let Recode {
            conn,
            coder,
            sketches,
            articles,
        } = self;
        let label = format!("recoded by {coder}");
        let mut writer = Writer::begin(conn, false)?;
        let before = snapshot(&writer)?;
        let reports_changed = count_changed_reports(&writer)?;
        let old_places = replace_reports(&writer, &coder)?;
        let keys = store_sketches(&writer, &sketches, &old_places)?;
        // The rebuild reads every sketch back: these copies can go.
        drop(sketches);
        let vanished = incidents_of_vanished(old_places, &keys);
        // Every sketch is clustered again: the recoded ones changed.
        writer.local_min = usize::MAX;
        let rebuild = Rebuild {
            dirty: keys,
            label: Some(label.clone()),
        };
        writer.rebuild(&rebuild)?;
        remove_emptied(&writer, &vanished, &label)?;
        let after = snapshot(&writer)?;
        let mut outcome = compare(&before, &after);
        outcome.articles = articles;
        outcome.reports_changed = reports_changed;
        outcome.orphaned = orphaned(&writer)?;
        outcome.label = label;
        if commit {
            writer.commit()?;
        }
        Ok(outcome)
    }
}

/// The incidents in which a member key sat that the new reports no longer
/// have: they may be left without any report.
fn incidents_of_vanished(
    old_places: HashMap<String, String>,
    keys: &HashSet<String>,
) -> Vec<String> {
    let mut ids: Vec<String> = old_places
        .into_iter()
        .filter(|(key, _)| !keys.contains(key))
        .map(|(_, id)| id)
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

fn sql_err(context: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |e| StoreError::sqlite(context, e)
}

/// The compared fields and record hash of every incident, by id.
type Snapshot = HashMap<String, (Vec<Option<String>>, String)>;

fn snapshot(w: &Writer) -> Result<Snapshot> {
    let err = sql_err("reading the incidents to compare");
    let columns: Vec<String> = COMPARED
        .iter()
        .map(|(c, _)| format!("CAST({c} AS TEXT)"))
        .collect();
    let sql = format!("SELECT id, hash, {} FROM incidents", columns.join(", "));
    let mut stmt = w.tx.prepare(&sql).map_err(&err)?;
    let mut rows = stmt.query([]).map_err(&err)?;
    let mut out = HashMap::new();
    while let Some(row) = rows.next().map_err(&err)? {
        let mut values = Vec::with_capacity(COMPARED.len());
        for i in 0..COMPARED.len() {
            values.push(row.get(i + 2).map_err(&err)?);
        }
        out.insert(
            row.get(0).map_err(&err)?,
            (values, row.get(1).map_err(&err)?),
        );
    }
    Ok(out)
}

fn count_changed_reports(w: &Writer) -> Result<usize> {
    w.tx.query_row(
        "SELECT COUNT(*) FROM temp.recoded_reports s JOIN main.reports r ON r.article = s.article
         WHERE r.json != s.report",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n as usize)
    .map_err(sql_err("comparing the new reports with the stored ones"))
}

/// Replace the recoded articles' reports and coder, drop their old
/// sketches, and return the incident each old member key sat in.
fn replace_reports(w: &Writer, coder: &Coder) -> Result<HashMap<String, String>> {
    let err = sql_err("replacing the recoded reports");
    let old_places: HashMap<String, String> = {
        let mut stmt =
            w.tx.prepare(
                "SELECT m.key, m.incident FROM main.members m
                 JOIN temp.recoded_reports s ON s.article = m.article
                 WHERE m.incident IS NOT NULL",
            )
            .map_err(&err)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(&err)?;
        rows.collect::<rusqlite::Result<_>>().map_err(&err)?
    };
    w.tx.execute(
        "UPDATE main.reports SET
            json = (SELECT s.report FROM temp.recoded_reports s WHERE s.article = reports.article),
            coder_version = ?1, coder_data = ?2
         WHERE article IN (SELECT article FROM temp.recoded_reports)",
        params![coder.version, coder.data],
    )
    .map_err(&err)?;
    w.tx.execute(
        "DELETE FROM main.members WHERE article IN (SELECT article FROM temp.recoded_reports)",
        [],
    )
    .map_err(&err)?;
    w.tx.execute("DELETE FROM temp.recoded_reports", [])
        .map_err(&err)?;
    Ok(old_places)
}

/// Store the new sketches; a key that existed keeps its incident, so the
/// rebuild finds and rewrites (or removes) that incident. Returns the keys.
fn store_sketches(
    w: &Writer,
    sketches: &[Sketch],
    old_places: &HashMap<String, String>,
) -> Result<HashSet<String>> {
    let err = sql_err("storing the recoded sketches");
    let mut stmt =
        w.tx.prepare(
            "INSERT INTO main.members (key, article, incident, sketch) VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(&err)?;
    let mut keys = HashSet::with_capacity(sketches.len());
    for s in sketches {
        let json = serde_json::to_string(&s.profile)
            .map_err(|e| StoreError::json(format!("encoding the sketch of {}", s.key), e))?;
        stmt.execute(params![s.key, s.article, old_places.get(&s.key), json])
            .map_err(&err)?;
        keys.insert(s.key.clone());
    }
    Ok(keys)
}

/// Remove the incidents whose every member report vanished in the recode
/// (the rebuild only sees incidents some member still points to).
fn remove_emptied(w: &Writer, candidates: &[String], label: &str) -> Result<()> {
    let err = sql_err("removing the incidents left without reports");
    for id in candidates {
        let empty: bool =
            w.tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM incidents WHERE id = ?1)
                    AND NOT EXISTS (SELECT 1 FROM members WHERE incident = ?1)",
                [id],
                |r| r.get(0),
            )
            .map_err(&err)?;
        if empty {
            let reason = labelled(
                Some(label),
                "removed: its reports no longer make an incident".to_string(),
            );
            w.delete_incident(id, &reason)?;
        }
    }
    Ok(())
}

/// Corrections whose anchor, or the other member a split or merge names,
/// is no member report any more.
fn orphaned(w: &Writer) -> Result<Vec<OrphanedCorrection>> {
    let err = sql_err("checking the corrections' anchors");
    let mut stmt =
        w.tx.prepare(
            "SELECT anchor, kind, field, value, note, at FROM overrides o
             WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.key = o.anchor)
                OR (o.kind IN ('split', 'merge') AND o.value IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM members m WHERE m.key = o.value))
             ORDER BY seq",
        )
        .map_err(&err)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(OrphanedCorrection {
                anchor: r.get(0)?,
                kind: r.get(1)?,
                field: r.get(2)?,
                value: r.get(3)?,
                note: r.get(4)?,
                at: r.get(5)?,
            })
        })
        .map_err(&err)?;
    rows.collect::<rusqlite::Result<_>>().map_err(&err)
}

/// Incidents new, removed and changed between two snapshots, and the field
/// changes counted by (field, from, to).
fn compare(before: &Snapshot, after: &Snapshot) -> RecodeOutcome {
    let mut out = RecodeOutcome::default();
    let mut changes: BTreeMap<(usize, String, String), usize> = BTreeMap::new();
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_string());
    for (id, (fields, hash)) in after {
        let Some((old_fields, old_hash)) = before.get(id) else {
            out.incidents_new.push(id.clone());
            continue;
        };
        if old_hash == hash {
            out.incidents_unchanged += 1;
            continue;
        }
        let mut differs = false;
        for (i, (old, new)) in old_fields.iter().zip(fields).enumerate() {
            if old != new {
                differs = true;
                *changes.entry((i, show(old), show(new))).or_default() += 1;
            }
        }
        if differs {
            out.incidents_changed += 1;
        } else {
            out.incidents_restated += 1;
        }
    }
    out.incidents_removed = before
        .keys()
        .filter(|id| !after.contains_key(*id))
        .cloned()
        .collect();
    out.incidents_new.sort();
    out.incidents_removed.sort();
    out.field_changes = changes
        .into_iter()
        .map(|((i, from, to), incidents)| FieldChange {
            field: COMPARED[i].1.to_string(),
            from,
            to,
            incidents,
        })
        .collect();
    // Most frequent first; ties in field order, as the map sorted them.
    out.field_changes
        .sort_by_key(|c| std::cmp::Reverse(c.incidents));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::{article, corpus, incident, temp_store};
    use crate::{OpenMode, Review};

    fn coder(data: &str) -> Coder {
        Coder {
            version: "0.1.0".into(),
            data: data.into(),
        }
    }

    /// Recode the whole store with these reports standing in for what a
    /// newer extractor gives.
    fn recode(store: &mut Store, reports: &[ArticleReport], commit: bool) -> RecodeOutcome {
        let mut recode = store.begin_recode(coder("new")).unwrap();
        for r in reports {
            recode.add(r).unwrap();
        }
        recode.finish(commit).unwrap()
    }

    fn dump(store: &Store) -> Vec<String> {
        let sql = "SELECT id || hash FROM incidents UNION ALL
            SELECT incident || version || reason FROM history UNION ALL
            SELECT article || json || IFNULL(coder_data, '') FROM reports UNION ALL
            SELECT key || IFNULL(incident, '') || sketch FROM members ORDER BY 1";
        store.rows(sql, Vec::new(), |r| r.get(0), "dump").unwrap()
    }

    #[test]
    fn recode_rewrites_reports_keeps_corrections_and_reports_orphans() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = temp_store(&dir, "r.db");
        let mut ing = store.begin_ingest().unwrap();
        ing.set_coder(coder("old"));
        for (a, r) in corpus() {
            ing.add(&a, r).unwrap();
        }
        ing.finish().unwrap();
        let id_of = |store: &Store, district: &str| {
            let rows = store.list(&Filter::default(), None).unwrap();
            rows.into_iter()
                .find(|r| r.admin2.as_deref() == Some(district))
                .unwrap()
                .id
        };
        let peshawar = id_of(&store, "Peshawar");
        let quetta = id_of(&store, "Quetta");
        let set = |field: &str, value: &str| Review::Set {
            field: field.into(),
            value: Some(value.into()),
        };
        store
            .review(&peshawar, &set("group", "LeJ"), "claim video")
            .unwrap();
        store
            .review(&quetta, &set("killed.total", "4"), "hospital list")
            .unwrap();
        // The newer coder finds 10 killed in `d` and no incident in `b`.
        let mut reports: Vec<ArticleReport> = corpus().into_iter().map(|(_, r)| r).collect();
        reports[1].incidents.clear();
        reports[3] = article("d", "", vec![incident("d", 2, "Bannu", 10)]).1;
        let before = dump(&store);
        let dry = recode(&mut store, &reports, false);
        assert_eq!(dump(&store), before, "a dry run writes nothing");
        let real = recode(&mut store, &reports, true);
        assert_eq!(dry, real, "a dry run says what the recode does");
        assert_eq!(real.articles, 4);
        assert_eq!(real.reports_changed, 2);
        assert_eq!(real.incidents_removed, [quetta]);
        assert_eq!(real.incidents_changed, 1);
        assert_eq!(real.field_changes[0].field, "killed.total");
        assert_eq!(
            (
                real.field_changes[0].from.as_str(),
                real.field_changes[0].to.as_str()
            ),
            ("1", "10")
        );
        assert_eq!(real.orphaned.len(), 1);
        assert_eq!(real.orphaned[0].note, "hospital list");
        let kept = store.incident(&peshawar).unwrap().unwrap();
        assert_eq!(kept.group.as_deref(), Some("LeJ"), "corrections re-applied");
        let history = store.history(&id_of(&store, "Bannu")).unwrap();
        assert!(
            history
                .last()
                .unwrap()
                .reason
                .starts_with("recoded by tally 0.1.0 (data new)"),
            "{history:?}"
        );
        assert_eq!(store.coder_counts().unwrap(), [(Some(coder("new")), 4)]);
        // The orphaned correction is kept, not dropped.
        drop(store);
        let store = Store::open(&dir.path().join("r.db"), OpenMode::Existing).unwrap();
        let overrides: Vec<String> = store
            .rows("SELECT note FROM overrides", Vec::new(), |r| r.get(0), "o")
            .unwrap();
        assert_eq!(overrides.len(), 2);
    }

    fn fields(killed: &str) -> (Vec<Option<String>>, String) {
        let mut v = vec![None; COMPARED.len()];
        v[9] = Some(killed.to_string());
        (v, format!("h{killed}"))
    }

    #[test]
    fn compare_counts_new_removed_and_field_changes() {
        let before: Snapshot = [
            ("a".to_string(), fields("14")),
            ("b".to_string(), fields("14")),
            ("c".to_string(), fields("3")),
        ]
        .into();
        let after: Snapshot = [
            ("a".to_string(), fields("12")),
            ("b".to_string(), fields("12")),
            ("d".to_string(), fields("1")),
        ]
        .into();
        let out = compare(&before, &after);
        assert_eq!(out.incidents_new, ["d"]);
        assert_eq!(out.incidents_removed, ["c"]);
        assert_eq!(out.incidents_changed, 2);
        assert_eq!(
            out.field_changes,
            [FieldChange {
                field: "killed.total".into(),
                from: "14".into(),
                to: "12".into(),
                incidents: 2
            }]
        );
    }
}
