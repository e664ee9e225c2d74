//! Incremental ingest: add articles with their reports, re-cluster every sketch,
//! write what changed to the incidents, all in one transaction.
//!
//! The articles of an ingest are staged in a temporary table of the
//! connection (SQLite's private temp file, gone with the process) while
//! they are extracted, and the write transaction opens only in
//! [`Ingest::finish`]: it copies them in, re-clusters and writes the
//! difference. So a long ingest never holds the database's write lock
//! while it reads and extracts (an analyst's correction meanwhile waits for
//! the short final transaction, not for the whole ingest), and a killed
//! ingest leaves the database as it was.

use crate::diff::{self, Change};
use crate::review;
use crate::{content_hash, Result, Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::{HashMap, HashSet};
use tally_merge::{Member, Sketch};
use tally_model::{Article, ArticleReport, Incident};

/// What happened to one article offered to [`Ingest::add`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddOutcome {
    Added,
    /// The same text is already stored (under this article id).
    AlreadyKnown {
        id: String,
    },
    /// Not stored, and why.
    Rejected {
        reason: String,
    },
}

/// What one ingest changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestSummary {
    pub articles_added: usize,
    pub incidents_new: usize,
    pub incidents_updated: usize,
    pub incidents_unchanged: usize,
    pub incidents_removed: usize,
}

/// One ingest in progress: articles staged outside the database. Dropping
/// it without [`Ingest::finish`] stores nothing.
pub struct Ingest<'s> {
    conn: &'s mut Connection,
    /// hash -> article id, stored before or added in this ingest.
    hashes: HashMap<String, String>,
    /// article id -> hash.
    ids: HashMap<String, String>,
    new_reports: Vec<ArticleReport>,
}

/// The write transaction of an ingest or a review: re-clusters, refolds
/// and writes the difference. Dropping it without committing rolls back.
pub(crate) struct Writer<'s> {
    pub(crate) tx: Transaction<'s>,
    new_reports: Vec<ArticleReport>,
    pub(crate) at: String,
}

/// The staging table: this connection's own, in SQLite's temp database, so
/// filling it takes no lock on the database file.
const STAGING: &str = "
CREATE TEMP TABLE IF NOT EXISTS staged_articles (
    id        TEXT PRIMARY KEY,
    hash      TEXT NOT NULL,
    outlet    TEXT,
    url       TEXT,
    published TEXT,
    text      TEXT NOT NULL,
    report    TEXT NOT NULL,
    taken     INTEGER NOT NULL DEFAULT 0
);
DELETE FROM temp.staged_articles;
";

impl Store {
    /// Content hash -> article id of every stored article, to skip known
    /// texts before extracting them.
    pub fn known_hashes(&self) -> Result<HashMap<String, String>> {
        let err = |e| StoreError::sqlite("reading the stored article hashes", e);
        let mut stmt = self
            .conn
            .prepare("SELECT hash, id FROM articles")
            .map_err(err)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(err)?;
        rows.collect::<rusqlite::Result<_>>().map_err(err)
    }

    /// Start an ingest. Nothing is written to the database before
    /// [`Ingest::finish`].
    pub fn begin_ingest(&mut self) -> Result<Ingest<'_>> {
        let hashes = self.known_hashes()?;
        let ids = hashes.iter().map(|(h, i)| (i.clone(), h.clone())).collect();
        self.conn
            .execute_batch(STAGING)
            .map_err(|e| StoreError::sqlite("preparing the ingest's staging table", e))?;
        Ok(Ingest {
            conn: &mut self.conn,
            hashes,
            ids,
            new_reports: Vec::new(),
        })
    }

    /// Open the write transaction of a review.
    pub(crate) fn begin_write(&mut self) -> Result<Writer<'_>> {
        Writer::begin(&mut self.conn, Vec::new())
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Ingest<'_> {
    /// Stage an article and its report unless its text is already known or
    /// its id is taken by another text.
    pub fn add(&mut self, article: &Article, report: ArticleReport) -> Result<AddOutcome> {
        let hash = content_hash(&article.text);
        if let Some(id) = self.hashes.get(&hash) {
            return Ok(AddOutcome::AlreadyKnown { id: id.clone() });
        }
        let id = &article.meta.id;
        if self.ids.contains_key(id) {
            return Ok(AddOutcome::Rejected {
                reason: format!("article id {id} is already stored with a different text"),
            });
        }
        self.stage(article, &report, &hash)?;
        self.hashes.insert(hash.clone(), id.clone());
        self.ids.insert(id.clone(), hash);
        self.new_reports.push(report);
        Ok(AddOutcome::Added)
    }

    fn stage(&self, a: &Article, report: &ArticleReport, hash: &str) -> Result<()> {
        let id = &a.meta.id;
        let published = report.published.or(a.meta.published).map(|d| d.to_string());
        let json = serde_json::to_string(report)
            .map_err(|e| StoreError::json(format!("encoding the report of {id}"), e))?;
        self.conn
            .prepare_cached(
                "INSERT INTO temp.staged_articles (id, hash, outlet, url, published, text, report)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    id,
                    hash,
                    a.meta.outlet,
                    a.meta.url,
                    published,
                    a.text,
                    json
                ])
            })
            .map_err(|e| StoreError::sqlite(format!("staging article {id}"), e))?;
        Ok(())
    }

    /// In one write transaction: store the staged articles, re-cluster every
    /// stored sketch with the new ones, refold only the clusters whose
    /// members changed, write the difference and commit. Without new
    /// articles nothing can change: the stored incidents are already the
    /// merge of the stored reports, and merging is skipped.
    pub fn finish(self) -> Result<IngestSummary> {
        let mut writer = Writer::begin(self.conn, self.new_reports)?;
        writer.store_staged()?;
        if writer.new_reports.is_empty() {
            return writer.finish_unchanged();
        }
        let mut summary = writer.rebuild(&Rebuild::default())?;
        summary.articles_added = writer.new_reports.len();
        writer.commit()?;
        Ok(summary)
    }
}

impl<'s> Writer<'s> {
    fn begin(conn: &'s mut Connection, new_reports: Vec<ArticleReport>) -> Result<Writer<'s>> {
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| StoreError::sqlite("starting the write transaction", e))?;
        Ok(Writer {
            tx,
            new_reports,
            at: now(),
        })
    }
}

impl Writer<'_> {
    /// Copy the staged articles and reports in, except those another ingest
    /// stored since this one started (same text, or an id taken meanwhile),
    /// and empty the staging table.
    fn store_staged(&mut self) -> Result<()> {
        let err = |e| StoreError::sqlite("storing the new articles", e);
        self.tx
            .execute(
                "UPDATE temp.staged_articles AS s SET taken = 1
                 WHERE EXISTS (SELECT 1 FROM main.articles a WHERE a.hash = s.hash)
                    OR EXISTS (SELECT 1 FROM main.articles a WHERE a.id = s.id)",
                [],
            )
            .map_err(err)?;
        let taken: HashSet<String> = {
            let mut stmt = self
                .tx
                .prepare("SELECT id FROM temp.staged_articles WHERE taken = 1")
                .map_err(err)?;
            let rows = stmt.query_map([], |r| r.get(0)).map_err(err)?;
            rows.collect::<rusqlite::Result<_>>().map_err(err)?
        };
        self.new_reports.retain(|r| !taken.contains(&r.meta.id));
        self.tx
            .execute(
                "INSERT INTO main.articles (id, hash, outlet, url, published, text, ingested_at)
                 SELECT id, hash, outlet, url, published, text, ?1 FROM temp.staged_articles
                 WHERE taken = 0 ORDER BY rowid",
                [&self.at],
            )
            .map_err(err)?;
        self.tx
            .execute(
                "INSERT INTO main.reports (article, json)
                 SELECT id, report FROM temp.staged_articles WHERE taken = 0 ORDER BY rowid",
                [],
            )
            .map_err(err)?;
        self.tx
            .execute("DELETE FROM temp.staged_articles", [])
            .map_err(err)?;
        Ok(())
    }

    pub(crate) fn commit(self) -> Result<()> {
        self.tx
            .commit()
            .map_err(|e| StoreError::sqlite("committing the ingest", e))
    }

    /// Re-cluster every sketch (stored and new), apply the analysts' splits
    /// and merges, refold the clusters whose members changed (or that
    /// `rebuild.dirty` names), apply field corrections and write the
    /// difference.
    pub(crate) fn rebuild(&self, rebuild: &Rebuild) -> Result<IngestSummary> {
        let (mut sketches, mut placed) = self.stored_sketches()?;
        for r in &self.new_reports {
            for sketch in Sketch::of_report(r) {
                sketches.push(sketch);
                placed.push(None);
            }
        }
        let overrides = review::Overrides::load(&self.tx)?;
        let linkage = tally_merge::Linkage::try_embedded().map_err(|e| StoreError::Linkage {
            message: e.to_string(),
        })?;
        let mut clusters = tally_merge::cluster(&sketches, linkage);
        overrides.relink(&sketches, &mut clusters);
        let plan = Plan::new(&sketches, &placed, &clusters, &rebuild.dirty);
        let mut folded = self.fold_changed(&sketches, &plan.changed)?;
        for (inc, cluster) in folded.iter_mut().zip(&plan.changed) {
            overrides.correct(inc, cluster.iter().map(|&i| sketches[i].key.as_str()));
        }
        tally_merge::sort_incidents(&mut folded);
        let mut summary = self.apply(&folded, &plan.live, rebuild.label.as_deref())?;
        summary.incidents_unchanged += plan.unchanged;
        self.place_members(&sketches, &plan.changed)?;
        Ok(summary)
    }

    fn finish_unchanged(self) -> Result<IngestSummary> {
        let n: i64 = self
            .tx
            .query_row("SELECT COUNT(*) FROM incidents", [], |r| r.get(0))
            .map_err(|e| StoreError::sqlite("counting incidents", e))?;
        self.tx
            .commit()
            .map_err(|e| StoreError::sqlite("committing the ingest", e))?;
        Ok(IngestSummary {
            incidents_unchanged: n as usize,
            ..Default::default()
        })
    }

    /// The sketch of every stored per-article incident and the incident it
    /// was placed in.
    fn stored_sketches(&self) -> Result<(Vec<Sketch>, Vec<Option<String>>)> {
        let err = |e| StoreError::sqlite("reading the stored sketches", e);
        let mut stmt = self
            .tx
            .prepare("SELECT key, article, incident, sketch FROM members")
            .map_err(err)?;
        let mut rows = stmt.query([]).map_err(err)?;
        let (mut sketches, mut placed) = (Vec::new(), Vec::new());
        while let Some(row) = rows.next().map_err(err)? {
            let key: String = row.get(0).map_err(err)?;
            let json: String = row.get(3).map_err(err)?;
            let profile = serde_json::from_str(&json)
                .map_err(|e| StoreError::json(format!("reading the sketch of {key}"), e))?;
            sketches.push(Sketch {
                key,
                article: row.get(1).map_err(err)?,
                profile,
            });
            placed.push(row.get(2).map_err(err)?);
        }
        Ok((sketches, placed))
    }

    /// Fold the clusters whose members changed, reading only their reports.
    fn fold_changed(&self, sketches: &[Sketch], changed: &[Vec<usize>]) -> Result<Vec<Incident>> {
        let fresh: HashMap<&str, &ArticleReport> = self
            .new_reports
            .iter()
            .map(|r| (r.meta.id.as_str(), r))
            .collect();
        let mut stored: HashMap<String, ArticleReport> = HashMap::new();
        for &i in changed.iter().flatten() {
            let article = sketches[i].article.as_str();
            if !fresh.contains_key(article) && !stored.contains_key(article) {
                stored.insert(article.to_string(), self.stored_report(article)?);
            }
        }
        let report = |a: &str| fresh.get(a).copied().or_else(|| stored.get(a));
        let mut out = Vec::with_capacity(changed.len());
        for cluster in changed {
            let mut members = Vec::with_capacity(cluster.len());
            for &i in cluster {
                let s = &sketches[i];
                let member = report(&s.article)
                    .and_then(|r| Member::of_report(r).find(|m| m.incident.id == s.key))
                    .ok_or_else(|| StoreError::Inconsistent {
                        what: format!("no stored report holds {}", s.key),
                    })?;
                members.push(member);
            }
            out.push(tally_merge::fold(&members.iter().collect::<Vec<_>>()));
        }
        Ok(out)
    }

    fn stored_report(&self, article: &str) -> Result<ArticleReport> {
        let err = |e| StoreError::sqlite(format!("reading the report of {article}"), e);
        let json: String = self
            .tx
            .prepare_cached("SELECT json FROM reports WHERE article = ?1")
            .and_then(|mut s| s.query_row([article], |r| r.get(0)))
            .map_err(err)?;
        serde_json::from_str(&json)
            .map_err(|e| StoreError::json(format!("reading the report of {article}"), e))
    }

    /// Record which incident each member of a changed cluster now belongs to
    /// (and store the sketches of new members).
    fn place_members(&self, sketches: &[Sketch], changed: &[Vec<usize>]) -> Result<()> {
        let err = |e| StoreError::sqlite("recording incident members", e);
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT OR REPLACE INTO members (key, article, incident, sketch)
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(err)?;
        for cluster in changed {
            let id = tally_merge::incident_id(cluster.iter().map(|&i| sketches[i].key.as_str()));
            for &i in cluster {
                let s = &sketches[i];
                let json = serde_json::to_string(&s.profile).map_err(|e| {
                    StoreError::json(format!("encoding the sketch of {}", s.key), e)
                })?;
                stmt.execute(params![s.key, s.article, id, json])
                    .map_err(err)?;
            }
        }
        Ok(())
    }

    /// Diff the merged incidents against the stored ones by id and write the
    /// difference with history rows.
    /// `live` holds the id of every incident after this ingest; stored ones
    /// not in it have vanished into others.
    fn apply(
        &self,
        merged: &[Incident],
        live: &HashSet<String>,
        label: Option<&str>,
    ) -> Result<IngestSummary> {
        let labelled = |reason: String| match label {
            Some(l) => format!("{l}: {reason}"),
            None => reason,
        };
        let mut stored = self.stored_hashes()?;
        let mut summary = IngestSummary::default();
        for inc in merged {
            let json = serde_json::to_string(inc)
                .map_err(|e| StoreError::json(format!("encoding incident {}", inc.id), e))?;
            let hash = content_hash(&json);
            match stored.remove(&inc.id) {
                Some(old) if old == hash => summary.incidents_unchanged += 1,
                Some(_) => {
                    let old = self.stored_incident(&inc.id)?;
                    let reason = labelled(diff::describe(&Change::Updated {
                        old: &old,
                        new: inc,
                    }));
                    self.write_incident(inc, &json, &hash, &reason)?;
                    summary.incidents_updated += 1;
                }
                None => {
                    let reason = labelled(diff::describe(&Change::New { new: inc }));
                    self.write_incident(inc, &json, &hash, &reason)?;
                    summary.incidents_new += 1;
                }
            }
        }
        let mut vanished: Vec<String> =
            stored.into_keys().filter(|id| !live.contains(id)).collect();
        vanished.sort();
        let by_article = diff::index_by_article(merged);
        for id in &vanished {
            let old = self.stored_incident(id)?;
            let reason = labelled(diff::describe(&Change::Removed {
                old: &old,
                by_article: &by_article,
            }));
            self.delete_incident(id, &reason)?;
        }
        summary.incidents_removed = vanished.len();
        Ok(summary)
    }

    fn stored_hashes(&self) -> Result<HashMap<String, String>> {
        let err = |e| StoreError::sqlite("reading the stored incidents", e);
        let mut stmt = self
            .tx
            .prepare("SELECT id, hash FROM incidents")
            .map_err(err)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(err)?;
        rows.collect::<rusqlite::Result<_>>().map_err(err)
    }

    pub(crate) fn stored_incident(&self, id: &str) -> Result<Incident> {
        let err = |e| StoreError::sqlite(format!("reading incident {id}"), e);
        let json: String = self
            .tx
            .query_row("SELECT json FROM incident_json WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .map_err(err)?;
        serde_json::from_str(&json)
            .map_err(|e| StoreError::json(format!("reading incident {id}"), e))
    }

    fn write_incident(&self, inc: &Incident, json: &str, hash: &str, reason: &str) -> Result<()> {
        let err = |e| StoreError::sqlite(format!("writing incident {}", inc.id), e);
        crate::query::upsert_incident(&self.tx, inc, json, hash).map_err(err)?;
        self.write_evidence(inc).map_err(err)?;
        self.add_history(&inc.id, reason, Some(json)).map_err(err)
    }

    fn write_evidence(&self, inc: &Incident) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached("DELETE FROM evidence WHERE incident = ?1")?
            .execute([&inc.id])?;
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO evidence (incident, article, start, \"end\", field, value, source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for e in &inc.evidence {
            stmt.execute(params![
                inc.id,
                e.article,
                e.start as i64,
                e.end as i64,
                e.field,
                e.value,
                e.source
            ])?;
        }
        Ok(())
    }

    fn delete_incident(&self, id: &str, reason: &str) -> Result<()> {
        let err = |e| StoreError::sqlite(format!("removing incident {id}"), e);
        self.tx
            .execute("DELETE FROM evidence WHERE incident = ?1", [id])
            .map_err(err)?;
        self.tx
            .execute("DELETE FROM incidents WHERE id = ?1", [id])
            .map_err(err)?;
        self.tx
            .execute("DELETE FROM incident_json WHERE id = ?1", [id])
            .map_err(err)?;
        self.add_history(id, reason, None).map_err(err)
    }

    fn add_history(&self, id: &str, reason: &str, json: Option<&str>) -> rusqlite::Result<()> {
        let last: Option<i64> = self
            .tx
            .prepare_cached("SELECT MAX(version) FROM history WHERE incident = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .flatten();
        self.tx
            .prepare_cached(
                "INSERT INTO history (incident, version, at, reason, json)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![id, last.unwrap_or(0) + 1, self.at, reason, json])?;
        Ok(())
    }
}

/// What a rebuild is for: `dirty` member keys force their incidents to be
/// refolded (a new field correction), `label` prefixes history reasons.
#[derive(Debug, Default)]
pub(crate) struct Rebuild {
    pub dirty: HashSet<String>,
    pub label: Option<String>,
}

/// What re-clustering changed: clusters to refold, and every incident id
/// that exists afterwards.
struct Plan {
    changed: Vec<Vec<usize>>,
    unchanged: usize,
    live: HashSet<String>,
}

impl Plan {
    /// A cluster is unchanged when the stored incident of its id has exactly
    /// its members: reports never change, so folding would give the stored
    /// record again.
    fn new(
        sketches: &[Sketch],
        placed: &[Option<String>],
        clusters: &[Vec<usize>],
        dirty: &HashSet<String>,
    ) -> Plan {
        let mut stored: HashMap<&str, Vec<&str>> = HashMap::new();
        for (s, p) in sketches.iter().zip(placed) {
            if let Some(id) = p {
                stored.entry(id.as_str()).or_default().push(s.key.as_str());
            }
        }
        for keys in stored.values_mut() {
            keys.sort_unstable();
        }
        let mut plan = Plan {
            changed: Vec::new(),
            unchanged: 0,
            live: HashSet::with_capacity(clusters.len()),
        };
        for cluster in clusters {
            let mut keys: Vec<&str> = cluster.iter().map(|&i| sketches[i].key.as_str()).collect();
            keys.sort_unstable();
            let id = tally_merge::incident_id(keys.iter().copied());
            let forced = keys.iter().any(|k| dirty.contains(*k));
            if !forced && stored.get(id.as_str()) == Some(&keys) {
                plan.unchanged += 1;
            } else {
                plan.changed.push(cluster.clone());
            }
            plan.live.insert(id);
        }
        plan
    }
}
