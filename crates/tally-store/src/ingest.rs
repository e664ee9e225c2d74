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
use crate::{content_hash, Coder, Result, Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::{HashMap, HashSet};
use tally_merge::{IdHash, Member, Sketch};
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
    /// Reports clustered afresh (all of them, or in a large store only
    /// those the new reports reach).
    pub reports_reclustered: usize,
}

/// One ingest in progress: articles staged outside the database. Dropping
/// it without [`Ingest::finish`] stores nothing.
pub struct Ingest<'s> {
    conn: &'s mut Connection,
    /// hash -> article id, stored before or added in this ingest.
    hashes: HashMap<String, String>,
    /// article id -> hash.
    ids: HashMap<String, String>,
    /// The clustering sketches of the reports staged so far; the reports
    /// themselves are staged at once and read back when folded, so an
    /// ingest of a million articles holds sketches, not reports.
    new_sketches: Vec<Sketch>,
    articles_added: usize,
    /// Stored reports from which only the region new reports reach is
    /// re-clustered (`LOCAL_RECLUSTER_MIN`; tests lower it).
    local_min: usize,
    /// The store was empty: the final transaction is a bulk load.
    bulk: bool,
    /// The tally coding the new reports (unknown unless set).
    coder: Option<Coder>,
}

/// The write transaction of an ingest or a review: re-clusters, refolds
/// and writes the difference. Dropping it without committing rolls back.
pub(crate) struct Writer<'s> {
    pub(crate) tx: Transaction<'s>,
    /// The connection of `tx`, to return to WAL after a bulk load.
    conn: &'s Connection,
    /// Written in a rollback journal (`journal_for_bulk_load`).
    bulk: bool,
    pub(crate) local_min: usize,
    /// How this database names incidents (kept in `settings`).
    ids: IdHash,
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
        let bulk = hashes.is_empty();
        Ok(Ingest {
            conn: &mut self.conn,
            hashes,
            ids,
            new_sketches: Vec::new(),
            articles_added: 0,
            local_min: local_recluster_min(),
            bulk,
            coder: None,
        })
    }

    /// Open the write transaction of a review.
    pub(crate) fn begin_write(&mut self) -> Result<Writer<'_>> {
        Writer::begin(&mut self.conn, false)
    }
}

/// A first ingest into an empty database writes it in a rollback journal,
/// not the write-ahead log: SQLite finds each page of a gigabyte-sized log
/// transaction by searching the whole log, which made a million-article
/// load spend its time there. The store returns to WAL after the commit.
/// Skipped (WAL kept) when another connection holds the database.
fn journal_for_bulk_load(conn: &Connection) -> bool {
    conn.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get::<_, String>(0))
        .is_ok_and(|mode| mode.eq_ignore_ascii_case("delete"))
}

pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Ingest<'_> {
    /// Content hash -> article id of every text stored before or added in
    /// this ingest (to skip known texts before extracting them).
    pub fn known(&self) -> &HashMap<String, String> {
        &self.hashes
    }

    /// Record `coder` as the tally that coded the reports of this ingest.
    pub fn set_coder(&mut self, coder: Coder) {
        self.coder = Some(coder);
    }

    /// Re-cluster locally from `n` stored reports on (for tests).
    #[cfg(test)]
    pub(crate) fn with_local_min(mut self, n: usize) -> Self {
        self.local_min = n;
        self
    }

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
        self.new_sketches.extend(Sketch::of_report(&report));
        self.articles_added += 1;
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
        // What only `add` needs goes before clustering needs the memory.
        drop((self.hashes, self.ids));
        let mut writer = Writer::begin(self.conn, self.bulk && self.articles_added > 0)?;
        writer.local_min = self.local_min;
        let mut new = self.new_sketches;
        // Nothing staged: nothing to copy in (and nothing can change).
        let added = match self.articles_added {
            0 => 0,
            n => n - writer.store_staged(&mut new, self.coder.as_ref())?,
        };
        if added == 0 {
            return writer.finish_unchanged();
        }
        let mut summary = writer.rebuild_with(&Rebuild::default(), new)?;
        summary.articles_added = added;
        writer.commit()?;
        Ok(summary)
    }
}

impl<'s> Writer<'s> {
    /// Open the write transaction; `bulk`: the store was empty when the
    /// ingest began, so write it in a rollback journal if nobody else has
    /// it open (`journal_for_bulk_load`).
    pub(crate) fn begin(conn: &'s mut Connection, bulk: bool) -> Result<Writer<'s>> {
        // An ingest writes gigabytes in one transaction: with SQLite's
        // default 2 MB page cache, every index insert re-reads pages. The
        // cache is an upper bound, taken as used.
        conn.pragma_update(None, "cache_size", INGEST_CACHE_KIB)
            .map_err(|e| StoreError::sqlite("sizing the page cache", e))?;
        let conn: &'s Connection = conn;
        let bulk = bulk && journal_for_bulk_load(conn);
        let tx = Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| StoreError::sqlite("starting the write transaction", e))?;
        let ids = id_hash(&tx)?;
        Ok(Writer {
            tx,
            conn,
            bulk,
            local_min: local_recluster_min(),
            ids,
            at: now(),
        })
    }
}

impl Writer<'_> {
    /// Copy the staged articles and reports in, except those another ingest
    /// stored since this one started (same text, or an id taken meanwhile),
    /// and empty the staging table. Drops the sketches of those from `new`
    /// and returns how many they were.
    fn store_staged(&mut self, new: &mut Vec<Sketch>, coder: Option<&Coder>) -> Result<usize> {
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
        new.retain(|s| !taken.contains(&s.article));
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
                "INSERT INTO main.reports (article, json, coder_version, coder_data)
                 SELECT id, report, ?1, ?2 FROM temp.staged_articles WHERE taken = 0 ORDER BY rowid",
                params![coder.map(|c| &c.version), coder.map(|c| &c.data)],
            )
            .map_err(err)?;
        self.tx
            .execute("DELETE FROM temp.staged_articles", [])
            .map_err(err)?;
        Ok(taken.len())
    }

    pub(crate) fn commit(self) -> Result<()> {
        self.tx
            .commit()
            .map_err(|e| StoreError::sqlite("committing the ingest", e))?;
        if self.bulk {
            self.conn
                .pragma_update(None, "journal_mode", "WAL")
                .map_err(|e| StoreError::sqlite("returning to the write-ahead log", e))?;
        }
        Ok(())
    }

    /// Re-cluster every sketch (stored and new), apply the analysts' splits
    /// and merges, refold the clusters whose members changed (or that
    /// `rebuild.dirty` names), apply field corrections and write the
    /// difference.
    pub(crate) fn rebuild(&self, rebuild: &Rebuild) -> Result<IngestSummary> {
        self.rebuild_with(rebuild, Vec::new())
    }

    /// `rebuild`, with the sketches of the reports added in this ingest.
    fn rebuild_with(&self, rebuild: &Rebuild, new: Vec<Sketch>) -> Result<IngestSummary> {
        let (mut sketches, mut placed) = self.stored_sketches()?;
        let stored_count = sketches.len();
        placed.resize(stored_count + new.len(), None);
        sketches.extend(new);
        let overrides = review::Overrides::load(&self.tx)?;
        let linkage = tally_merge::Linkage::try_embedded().map_err(|e| StoreError::Linkage {
            message: e.to_string(),
        })?;
        let mut reclustered = sketches.len();
        let mut clusters = match self.local_region(&sketches, &placed, stored_count)? {
            Some((region, shift)) => {
                reclustered = region.len();
                recluster_region(&sketches, &placed, &region, (linkage, shift))
            }
            None => {
                let (clusters, shift) = tally_merge::cluster_with(&sketches, linkage, None);
                self.save_setting(PRIOR_SHIFT, &shift.to_string())?;
                clusters
            }
        };
        overrides.relink(&sketches, &mut clusters);
        let plan = Plan::new(&sketches, &placed, &clusters, (&rebuild.dirty, self.ids));
        drop(clusters);
        let mut stored = self.stored_hashes(&plan, &sketches, &placed)?;
        let mut summary = IngestSummary::default();
        // Fold and write a batch of clusters at a time: only one batch of
        // reports and incidents is in memory, however large the ingest.
        for batch in plan.changed.chunks(FOLD_BATCH) {
            let mut folded = self.fold_changed(&sketches, batch)?;
            for (inc, cluster) in folded.iter_mut().zip(batch) {
                overrides.correct(inc, cluster.iter().map(|&i| sketches[i].key.as_str()));
            }
            tally_merge::sort_incidents(&mut folded);
            let written = self.apply(&folded, &mut stored, rebuild.label.as_deref())?;
            summary.incidents_new += written.incidents_new;
            summary.incidents_updated += written.incidents_updated;
            summary.incidents_unchanged += written.incidents_unchanged;
            self.place_members(&sketches, batch)?;
        }
        summary.incidents_removed =
            self.remove_vanished(stored, &plan, &sketches, rebuild.label.as_deref())?;
        summary.incidents_unchanged += plan.unchanged;
        summary.reports_reclustered = reclustered;
        Ok(summary)
    }

    /// In a large store: the reports to re-cluster, and the corpus's prior
    /// shift kept from the last full
    /// re-cluster. None: re-cluster everything.
    fn local_region(
        &self,
        sketches: &[Sketch],
        placed: &[Option<String>],
        stored_count: usize,
    ) -> Result<Option<(Vec<usize>, f64)>> {
        // A review (no new reports) re-clusters nothing: the stored
        // placement is the clustering, and the overrides and `dirty` do the
        // rest; so does an ingest beyond what its reports reach.
        if stored_count < self.local_min {
            return Ok(None);
        }
        let Some(shift) = self
            .setting(PRIOR_SHIFT)?
            .and_then(|v| v.parse::<f64>().ok())
        else {
            return Ok(None);
        };
        let linkage = tally_merge::Linkage::try_embedded().map_err(|e| StoreError::Linkage {
            message: e.to_string(),
        })?;
        let region = affected_region(sketches, placed, stored_count, (linkage, shift));
        Ok(Some((region, shift)))
    }

    fn setting(&self, key: &str) -> Result<Option<String>> {
        self.tx
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| StoreError::sqlite(format!("reading setting {key}"), e))
    }

    fn save_setting(&self, key: &str, value: &str) -> Result<()> {
        self.tx
            .execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
                [key, value],
            )
            .map(|_| ())
            .map_err(|e| StoreError::sqlite(format!("saving setting {key}"), e))
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
        let mut reports: HashMap<String, ArticleReport> = HashMap::new();
        for &i in changed.iter().flatten() {
            let article = sketches[i].article.as_str();
            if !reports.contains_key(article) {
                reports.insert(article.to_string(), self.stored_report(article)?);
            }
        }
        let mut out = Vec::with_capacity(changed.len());
        for cluster in changed {
            let mut members = Vec::with_capacity(cluster.len());
            for &i in cluster {
                let s = &sketches[i];
                let member = reports
                    .get(&s.article)
                    .and_then(|r| Member::of_report(r).find(|m| m.incident.id == s.key))
                    .ok_or_else(|| StoreError::Inconsistent {
                        what: format!("no stored report holds {}", s.key),
                    })?;
                members.push(member);
            }
            let mut incident = tally_merge::fold(&members.iter().collect::<Vec<_>>());
            // The fold names it with today's hash; a database coded with
            // the old one keeps its ids.
            incident.id = self
                .ids
                .id(cluster.iter().map(|&i| sketches[i].key.as_str()));
            out.push(incident);
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
            let id = self
                .ids
                .id(cluster.iter().map(|&i| sketches[i].key.as_str()));
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

    /// Diff merged incidents against the stored ones by id and write the
    /// difference with history rows. `stored` maps the id of every stored
    /// incident not yet written in this rebuild to its hash; written ones
    /// leave it.
    fn apply(
        &self,
        merged: &[Incident],
        stored: &mut HashMap<String, String>,
        label: Option<&str>,
    ) -> Result<IngestSummary> {
        let mut summary = IngestSummary::default();
        for inc in merged {
            let json = serde_json::to_string(inc)
                .map_err(|e| StoreError::json(format!("encoding incident {}", inc.id), e))?;
            let hash = content_hash(&json);
            match stored.remove(&inc.id) {
                Some(old) if old == hash => summary.incidents_unchanged += 1,
                Some(_) => {
                    let old = self.stored_incident(&inc.id)?;
                    let reason = labelled(
                        label,
                        diff::describe(&Change::Updated {
                            old: &old,
                            new: inc,
                        }),
                    );
                    self.write_incident(inc, &json, &hash, &reason)?;
                    summary.incidents_updated += 1;
                }
                None => {
                    let reason = labelled(label, diff::describe(&Change::New { new: inc }));
                    self.write_incident(inc, &json, &hash, &reason)?;
                    summary.incidents_new += 1;
                }
            }
        }
        Ok(summary)
    }

    /// Delete the stored incidents that no longer exist (`plan.live` holds
    /// every id after this rebuild), saying where their reports went.
    fn remove_vanished(
        &self,
        stored: HashMap<String, String>,
        plan: &Plan,
        sketches: &[Sketch],
        label: Option<&str>,
    ) -> Result<usize> {
        let mut vanished: Vec<String> = stored
            .into_keys()
            .filter(|id| !plan.live.contains(id))
            .collect();
        if vanished.is_empty() {
            return Ok(0);
        }
        vanished.sort();
        // Reports leave a vanished incident only for changed clusters.
        let ids: Vec<String> = plan
            .changed
            .iter()
            .map(|c| self.ids.id(c.iter().map(|&i| sketches[i].key.as_str())))
            .collect();
        let mut by_article: HashMap<&str, Vec<&str>> = HashMap::new();
        for (cluster, id) in plan.changed.iter().zip(&ids) {
            for &i in cluster {
                let listed = by_article.entry(sketches[i].article.as_str()).or_default();
                if !listed.contains(&id.as_str()) {
                    listed.push(id.as_str());
                }
            }
        }
        for id in &vanished {
            let old = self.stored_incident(id)?;
            let reason = labelled(
                label,
                diff::describe(&Change::Removed {
                    old: &old,
                    by_article: &by_article,
                }),
            );
            self.delete_incident(id, &reason)?;
        }
        Ok(vanished.len())
    }

    /// The hash of every stored incident this rebuild may write or remove:
    /// those whose id a changed cluster now has, and those a member of a
    /// changed cluster sat in (an incident vanishes only when its members
    /// went to clusters that changed). A point query each, so a small
    /// ingest into a large store does not read every incident.
    fn stored_hashes(
        &self,
        plan: &Plan,
        sketches: &[Sketch],
        placed: &[Option<String>],
    ) -> Result<HashMap<String, String>> {
        let err = |e| StoreError::sqlite("reading the stored incidents", e);
        let mut ids: HashSet<String> = HashSet::new();
        for cluster in &plan.changed {
            ids.insert(
                self.ids
                    .id(cluster.iter().map(|&i| sketches[i].key.as_str())),
            );
            ids.extend(cluster.iter().filter_map(|&i| placed[i].clone()));
        }
        let mut stmt = self
            .tx
            .prepare_cached("SELECT hash FROM incidents WHERE id = ?1")
            .map_err(err)?;
        let mut out = HashMap::with_capacity(ids.len());
        for id in ids {
            let hash: Option<String> = stmt
                .query_row([&id], |r| r.get(0))
                .optional()
                .map_err(err)?;
            if let Some(hash) = hash {
                out.insert(id, hash);
            }
        }
        Ok(out)
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
        let last = self.archive_current(&inc.id).map_err(err)?;
        crate::query::upsert_incident(&self.tx, inc, json, hash).map_err(err)?;
        self.add_history(&inc.id, last, reason).map_err(err)
    }

    pub(crate) fn delete_incident(&self, id: &str, reason: &str) -> Result<()> {
        let err = |e| StoreError::sqlite(format!("removing incident {id}"), e);
        let last = self.archive_current(id).map_err(err)?;
        self.tx
            .execute("DELETE FROM incidents WHERE id = ?1", [id])
            .map_err(err)?;
        self.tx
            .execute("DELETE FROM incident_json WHERE id = ?1", [id])
            .map_err(err)?;
        self.add_history(id, last, reason).map_err(err)
    }

    /// Before an incident changes: its current record (kept only in
    /// `incident_json` while it is current, not twice) moves into its last
    /// history row. Returns that row's version (0: none yet).
    fn archive_current(&self, id: &str) -> rusqlite::Result<i64> {
        let last: i64 = self
            .tx
            .prepare_cached("SELECT MAX(version) FROM history WHERE incident = ?1")?
            .query_row([id], |r| r.get::<_, Option<i64>>(0))
            .optional()?
            .flatten()
            .unwrap_or(0);
        if last > 0 {
            self.tx
                .prepare_cached(
                    "UPDATE history SET json = (SELECT json FROM incident_json WHERE id = ?1)
                     WHERE incident = ?1 AND version = ?2 AND json IS NULL",
                )?
                .execute(params![id, last])?;
        }
        Ok(last)
    }

    /// The next history row; its record is the current one in
    /// `incident_json` (or none, for a removal).
    fn add_history(&self, id: &str, last: i64, reason: &str) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO history (incident, version, at, reason, json)
                 VALUES (?1, ?2, ?3, ?4, NULL)",
            )?
            .execute(params![id, last + 1, self.at, reason])?;
        Ok(())
    }
}

/// Stored reports from which an ingest re-clusters only the region its new
/// reports can reach (below it, every report, which keeps the result
/// exactly independent of how ingests were split).
pub(crate) const LOCAL_RECLUSTER_MIN: usize = 20_000;

#[cfg(not(test))]
fn local_recluster_min() -> usize {
    LOCAL_RECLUSTER_MIN
}

#[cfg(test)]
fn local_recluster_min() -> usize {
    TEST_LOCAL_MIN.with(std::cell::Cell::get)
}

#[cfg(test)]
thread_local! {
    /// `LOCAL_RECLUSTER_MIN` as this test thread sets it.
    pub(crate) static TEST_LOCAL_MIN: std::cell::Cell<usize> =
        const { std::cell::Cell::new(LOCAL_RECLUSTER_MIN) };
}

/// The reports an ingest must re-cluster in a large store: the new ones
/// (from `first_new` on), the stored ones a new one links to, and every
/// other member of the stored incidents these belong to, so no incident is
/// cut in two.
fn affected_region(
    sketches: &[Sketch],
    placed: &[Option<String>],
    first_new: usize,
    (linkage, shift): (&tally_merge::Linkage, f64),
) -> Vec<usize> {
    let mut inside = vec![false; sketches.len()];
    for flag in &mut inside[first_new..] {
        *flag = true;
    }
    let mut touched: HashSet<&str> = HashSet::new();
    for j in tally_merge::linked_to_new(sketches, first_new, linkage, shift) {
        inside[j] = true;
        if let Some(id) = &placed[j] {
            touched.insert(id.as_str());
        }
    }
    for (i, p) in placed.iter().enumerate() {
        // Unplaced stored reports (after a migration) are always refolded.
        if p.as_deref().is_none_or(|id| touched.contains(id)) {
            inside[i] = true;
        }
    }
    (0..sketches.len()).filter(|&i| inside[i]).collect()
}

/// Cluster the `region`'s reports afresh under the whole corpus's prior
/// `shift`; every stored incident outside it keeps its members.
fn recluster_region(
    sketches: &[Sketch],
    placed: &[Option<String>],
    region: &[usize],
    (linkage, shift): (&tally_merge::Linkage, f64),
) -> Vec<Vec<usize>> {
    let subset: Vec<Sketch> = region.iter().map(|&i| sketches[i].clone()).collect();
    let mut clusters: Vec<Vec<usize>> = tally_merge::cluster_with(&subset, linkage, Some(shift))
        .0
        .into_iter()
        .map(|c| c.into_iter().map(|j| region[j]).collect())
        .collect();
    let mut in_region = vec![false; sketches.len()];
    for &i in region {
        in_region[i] = true;
    }
    let mut kept: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in placed.iter().enumerate() {
        if let (false, Some(id)) = (in_region[i], p) {
            kept.entry(id.as_str()).or_default().push(i);
        }
    }
    clusters.extend(kept.into_values());
    clusters
}

/// The page cache of an ingest, in KiB as `PRAGMA cache_size` takes it
/// (negative: a size, not a page count).
const INGEST_CACHE_KIB: i64 = -256 * 1024;

/// The setting that keeps the prior shift of the last full re-cluster.
pub(crate) const PRIOR_SHIFT: &str = "prior_shift";

/// Clusters folded and written at a time.
const FOLD_BATCH: usize = 4096;

/// The settings key naming the hash of this database's incident ids.
const ID_HASH: &str = "incident_ids";

/// How this database names its incidents: the hash its settings name
/// (schema version 9 wrote it), today's when none is named.
fn id_hash(tx: &Transaction) -> Result<IdHash> {
    let name: Option<String> = tx
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [ID_HASH],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| StoreError::sqlite("reading how incidents are named", e))?;
    match name {
        None => Ok(IdHash::default()),
        Some(n) => IdHash::parse(&n).ok_or_else(|| StoreError::Inconsistent {
            what: format!("incidents are named with an unknown hash {n:?}"),
        }),
    }
}

/// A history reason, prefixed with the rebuild's label if it has one.
pub(crate) fn labelled(label: Option<&str>, reason: String) -> String {
    match label {
        Some(l) => format!("{l}: {reason}"),
        None => reason,
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
        (dirty, ids): (&HashSet<String>, IdHash),
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
            let id = ids.id(keys.iter().copied());
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
