//! Releases: versioned snapshots of the incidents that others can cite.
//!
//! A release keeps, per incident, the hash of its exported JSON line, so
//! the next release says exactly which incidents were added, removed or
//! revised (a revision is a different line); each distinct line is kept
//! once, so the files of any release can be written again from what the
//! database kept without storing an unchanged incident twice. Why an incident
//! changed is read from its history rows between the two releases: each
//! release records the last history row it saw (`history_mark`).

use crate::{content_hash, Filter, Incident, Result, Store, StoreError};
use rusqlite::{params, OptionalExtension};
use std::collections::{BTreeMap, BTreeSet};

/// What a new release is: its tag, the filters chosen (as text, for the
/// reader) and the tally that made it.
#[derive(Debug, Clone)]
pub struct ReleaseSpec {
    pub tag: String,
    pub filters: String,
    pub tally: String,
}

/// A release as the database keeps it: enough to write its files again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRelease {
    pub seq: i64,
    pub tag: String,
    /// When it was made (UTC, RFC 3339): the only time its files name.
    pub at: String,
    pub filters: String,
    pub tally: String,
    pub codebook: String,
    pub changes: String,
    /// `SHA256SUMS` of the files as first written (none until they were).
    pub checksums: Option<String>,
    /// (incident id, exported JSON line), sorted by id.
    pub lines: Vec<(String, String)>,
}

/// How the incidents of a new release differ from the previous release's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleaseDiff {
    /// The previous release's tag and time (none for a database's first).
    pub previous: Option<(String, String)>,
    pub added: Vec<IncidentChange>,
    pub removed: Vec<IncidentChange>,
    pub revised: Vec<IncidentChange>,
    pub unchanged: usize,
}

/// One incident that changed, with the history reasons recorded for it
/// since the previous release (oldest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentChange {
    pub id: String,
    pub reasons: Vec<String>,
}

/// A release being made: its time and how it differs from the last one.
#[derive(Debug, Clone)]
pub struct ReleaseDraft {
    pub at: String,
    pub diff: ReleaseDiff,
}

/// The texts a release stores besides its incidents, written by the
/// caller (who knows the format and the data) once the draft is known.
#[derive(Debug, Clone)]
pub struct ReleaseTexts {
    pub codebook: String,
    pub changes: String,
}

/// One article behind a release (no text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleEntry {
    pub id: String,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
}

/// The line an incident is exported as, in releases and `export --format jsonl`.
pub fn release_line(inc: &Incident) -> Result<String> {
    serde_json::to_string(inc)
        .map_err(|e| StoreError::json(format!("writing incident {}", inc.id), e))
}

struct Previous {
    seq: i64,
    tag: String,
    at: String,
    mark: i64,
}

impl Store {
    /// Make release `spec.tag` of the incidents matching `filter`: diff
    /// them against the previous release, let `texts` write the codebook
    /// and CHANGES from that, and keep it all. One write transaction, so
    /// the incidents, the diff and the history mark agree.
    pub fn make_release(
        &mut self,
        spec: &ReleaseSpec,
        filter: &Filter,
        texts: impl FnOnce(&ReleaseDraft) -> ReleaseTexts,
    ) -> Result<StoredRelease> {
        let err = |e| StoreError::sqlite("starting the release", e);
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(err)?;
        let made = self.make_release_in_tx(spec, filter, texts);
        let end = if made.is_ok() { "COMMIT" } else { "ROLLBACK" };
        self.conn
            .execute_batch(end)
            .map_err(|e| StoreError::sqlite("finishing the release", e))?;
        made
    }

    fn make_release_in_tx(
        &self,
        spec: &ReleaseSpec,
        filter: &Filter,
        texts: impl FnOnce(&ReleaseDraft) -> ReleaseTexts,
    ) -> Result<StoredRelease> {
        if self.stored_release(&spec.tag)?.is_some() {
            return Err(StoreError::Invalid {
                message: format!(
                    "release {} exists: give another tag, or --recreate to write its files again",
                    spec.tag
                ),
            });
        }
        let mut lines = Vec::new();
        for inc in self.incidents(filter, None)? {
            lines.push((inc.id.clone(), release_line(&inc)?));
        }
        lines.sort();
        let mark = self.history_mark()?;
        let draft = ReleaseDraft {
            at: crate::ingest::now(),
            diff: self.diff_against_previous(&lines, mark)?,
        };
        let texts = texts(&draft);
        let seq = self.insert_release(spec, &draft.at, mark, &texts)?;
        self.insert_lines(seq, &lines)?;
        Ok(StoredRelease {
            seq,
            tag: spec.tag.clone(),
            at: draft.at,
            filters: spec.filters.clone(),
            tally: spec.tally.clone(),
            codebook: texts.codebook,
            changes: texts.changes,
            checksums: None,
            lines,
        })
    }

    /// The release with this tag, as kept.
    pub fn stored_release(&self, tag: &str) -> Result<Option<StoredRelease>> {
        let err = |e| StoreError::sqlite(format!("reading release {tag}"), e);
        let head = self
            .conn
            .query_row(
                "SELECT seq, at, filters, tally, codebook, changes, checksums
                 FROM releases WHERE tag = ?1",
                [tag],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        (r.get(1)?, r.get(2)?, r.get(3)?),
                        (r.get(4)?, r.get(5)?, r.get(6)?),
                    ))
                },
            )
            .optional()
            .map_err(err)?;
        let Some((seq, (at, filters, tally), (codebook, changes, checksums))) = head else {
            return Ok(None);
        };
        Ok(Some(StoredRelease {
            seq,
            tag: tag.to_string(),
            at,
            filters,
            tally,
            codebook,
            changes,
            checksums,
            lines: self.release_lines(seq)?,
        }))
    }

    /// Keep the `SHA256SUMS` of a release's files as first written.
    pub fn record_release_checksums(&self, tag: &str, checksums: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE releases SET checksums = ?2 WHERE tag = ?1 AND checksums IS NULL",
                params![tag, checksums],
            )
            .map_err(|e| StoreError::sqlite(format!("storing the checksums of {tag}"), e))?;
        Ok(())
    }

    /// The tags of every release, oldest first.
    pub fn release_tags(&self) -> Result<Vec<String>> {
        let err = |e| StoreError::sqlite("listing the releases", e);
        let mut stmt = self
            .conn
            .prepare("SELECT tag FROM releases ORDER BY seq")
            .map_err(err)?;
        let tags = stmt.query_map([], |r| r.get(0)).map_err(err)?;
        tags.collect::<rusqlite::Result<_>>().map_err(err)
    }

    /// Id, outlet, URL and publication date of these stored articles, by id.
    pub fn article_entries(&self, ids: &BTreeSet<&str>) -> Result<Vec<ArticleEntry>> {
        let err = |e| StoreError::sqlite("reading the articles of a release", e);
        let mut stmt = self
            .conn
            .prepare_cached("SELECT outlet, url, published FROM articles WHERE id = ?1")
            .map_err(err)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let entry = stmt
                .query_row([id], |r| {
                    Ok(ArticleEntry {
                        id: id.to_string(),
                        outlet: r.get(0)?,
                        url: r.get(1)?,
                        published: r.get(2)?,
                    })
                })
                .optional()
                .map_err(err)?;
            out.extend(entry);
        }
        Ok(out)
    }

    fn release_lines(&self, seq: i64) -> Result<Vec<(String, String)>> {
        let err = |e| StoreError::sqlite("reading a release's incidents", e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT i.incident, l.line FROM release_incidents i JOIN release_lines l USING (hash)
                 WHERE i.release = ?1 ORDER BY i.incident",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map([seq], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(err)?;
        rows.collect::<rusqlite::Result<_>>().map_err(err)
    }

    /// The last history row written so far (0: none).
    fn history_mark(&self) -> Result<i64> {
        self.conn
            .query_row("SELECT COALESCE(MAX(rowid), 0) FROM history", [], |r| {
                r.get(0)
            })
            .map_err(|e| StoreError::sqlite("reading the history", e))
    }

    fn previous_release(&self) -> Result<Option<Previous>> {
        self.conn
            .query_row(
                "SELECT seq, tag, at, history_mark FROM releases ORDER BY seq DESC LIMIT 1",
                [],
                |r| {
                    Ok(Previous {
                        seq: r.get(0)?,
                        tag: r.get(1)?,
                        at: r.get(2)?,
                        mark: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(|e| StoreError::sqlite("reading the previous release", e))
    }

    /// Compare the lines of a new release with the previous release's
    /// hashes: same id and hash is unchanged, anything else a change.
    fn diff_against_previous(&self, lines: &[(String, String)], mark: i64) -> Result<ReleaseDiff> {
        let previous = self.previous_release()?;
        let (old, since) = match &previous {
            Some(p) => (self.release_hashes(p.seq)?, p.mark),
            None => (BTreeMap::new(), 0),
        };
        let mut diff = ReleaseDiff {
            previous: previous.map(|p| (p.tag, p.at)),
            ..ReleaseDiff::default()
        };
        let new_ids: BTreeSet<&str> = lines.iter().map(|(id, _)| id.as_str()).collect();
        for (id, line) in lines {
            let bucket = match old.get(id) {
                None => &mut diff.added,
                Some(hash) if *hash != content_hash(line) => &mut diff.revised,
                Some(_) => {
                    diff.unchanged += 1;
                    continue;
                }
            };
            bucket.push(self.change(id, since, mark)?);
        }
        for id in old.keys().filter(|id| !new_ids.contains(id.as_str())) {
            diff.removed.push(self.change(id, since, mark)?);
        }
        Ok(diff)
    }

    fn release_hashes(&self, seq: i64) -> Result<BTreeMap<String, String>> {
        let err = |e| StoreError::sqlite("reading the previous release", e);
        let mut stmt = self
            .conn
            .prepare("SELECT incident, hash FROM release_incidents WHERE release = ?1")
            .map_err(err)?;
        let rows = stmt
            .query_map([seq], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(err)?;
        rows.collect::<rusqlite::Result<_>>().map_err(err)
    }

    /// The incident's history reasons after history row `since`, up to `mark`.
    fn change(&self, id: &str, since: i64, mark: i64) -> Result<IncidentChange> {
        let err = |e| StoreError::sqlite(format!("reading the history of {id}"), e);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT reason FROM history WHERE incident = ?1 AND rowid > ?2 AND rowid <= ?3
                 ORDER BY version",
            )
            .map_err(err)?;
        let reasons = stmt
            .query_map(params![id, since, mark], |r| r.get(0))
            .map_err(err)?
            .collect::<rusqlite::Result<_>>()
            .map_err(err)?;
        Ok(IncidentChange {
            id: id.to_string(),
            reasons,
        })
    }

    fn insert_release(
        &self,
        spec: &ReleaseSpec,
        at: &str,
        mark: i64,
        texts: &ReleaseTexts,
    ) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO releases (tag, at, filters, tally, history_mark, codebook, changes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    spec.tag,
                    at,
                    spec.filters,
                    spec.tally,
                    mark,
                    texts.codebook,
                    texts.changes
                ],
            )
            .map_err(|e| StoreError::sqlite("storing the release", e))?;
        Ok(self.conn.last_insert_rowid())
    }

    fn insert_lines(&self, seq: i64, lines: &[(String, String)]) -> Result<()> {
        let err = |e| StoreError::sqlite("storing the release's incidents", e);
        let mut keep_line = self
            .conn
            .prepare("INSERT OR IGNORE INTO release_lines (hash, line) VALUES (?1, ?2)")
            .map_err(err)?;
        let mut add = self
            .conn
            .prepare("INSERT INTO release_incidents (release, incident, hash) VALUES (?1, ?2, ?3)")
            .map_err(err)?;
        for (id, line) in lines {
            let hash = content_hash(line);
            keep_line.execute(params![hash, line]).map_err(err)?;
            add.execute(params![seq, id, hash]).map_err(err)?;
        }
        Ok(())
    }
}
