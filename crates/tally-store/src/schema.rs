//! The schema and its migrations, versioned with `PRAGMA user_version`.
//!
//! `MIGRATIONS[i]` brings a database from version `i` to `i + 1`. Never edit
//! a released migration: append a new one.

use crate::{Result, StoreError};
use rusqlite::Connection;
use std::path::Path;

/// Version 1: articles, reports, incidents, evidence ledger, history.
pub(crate) const V1: &str = r#"
CREATE TABLE articles (
    id          TEXT PRIMARY KEY,
    hash        TEXT NOT NULL UNIQUE,
    outlet      TEXT,
    url         TEXT,
    published   TEXT,
    text        TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE TABLE reports (
    article TEXT PRIMARY KEY REFERENCES articles(id),
    json    TEXT NOT NULL
);
CREATE TABLE incidents (
    id          TEXT PRIMARY KEY,
    role        TEXT NOT NULL,
    date        TEXT,
    date_ord    INTEGER,
    year        INTEGER,
    month       INTEGER,
    precision   TEXT,
    admin1      TEXT,
    admin2      TEXT,
    place       TEXT,
    lat         REAL,
    lon         REAL,
    event_type  TEXT NOT NULL,
    "group"     TEXT,
    claimed     INTEGER NOT NULL,
    articles    INTEGER NOT NULL,
    killed      INTEGER,
    killed_total INTEGER,
    killed_security_forces INTEGER,
    killed_civilians INTEGER,
    killed_militants INTEGER,
    injured     INTEGER,
    injured_total INTEGER,
    injured_security_forces INTEGER,
    injured_civilians INTEGER,
    injured_militants INTEGER,
    hash        TEXT NOT NULL,
    json        TEXT NOT NULL
);
CREATE INDEX incidents_date ON incidents(date_ord);
CREATE INDEX incidents_admin1 ON incidents(admin1 COLLATE NOCASE);
CREATE INDEX incidents_admin2 ON incidents(admin2 COLLATE NOCASE);
CREATE INDEX incidents_group ON incidents("group" COLLATE NOCASE);
CREATE INDEX incidents_type ON incidents(event_type);
CREATE TABLE evidence (
    incident TEXT NOT NULL,
    article  TEXT NOT NULL,
    start    INTEGER NOT NULL,
    "end"    INTEGER NOT NULL,
    field    TEXT NOT NULL,
    value    TEXT,
    source   TEXT
);
CREATE INDEX evidence_incident ON evidence(incident);
CREATE INDEX evidence_article ON evidence(article);
CREATE TABLE history (
    incident TEXT NOT NULL,
    version  INTEGER NOT NULL,
    at       TEXT NOT NULL,
    reason   TEXT NOT NULL,
    json     TEXT,
    PRIMARY KEY (incident, version)
);
"#;

/// Version 2: the clustering sketch of every per-article incident and the
/// incident it belongs to, so an ingest re-clusters without reloading every
/// report. Filled from the stored reports by [`backfill_members`].
const V2: &str = r#"
CREATE TABLE members (
    key      TEXT PRIMARY KEY,
    article  TEXT NOT NULL REFERENCES articles(id),
    incident TEXT,
    sketch   TEXT NOT NULL
);
CREATE INDEX members_incident ON members(incident);
CREATE INDEX members_article ON members(article);
"#;

/// Version 3: incident JSON in its own table, so that list and stats scans
/// read small rows (the JSON with its evidence is ~20 times the columns).
const V3: &str = r#"
CREATE TABLE incident_json (
    id   TEXT PRIMARY KEY,
    json TEXT NOT NULL
);
INSERT INTO incident_json (id, json) SELECT id, json FROM incidents;
ALTER TABLE incidents DROP COLUMN json;
"#;

/// Version 4: analysts' corrections, kept as overrides that every rebuild
/// re-applies in `seq` order (see `review.rs`).
const V4: &str = r#"
CREATE TABLE overrides (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    anchor TEXT NOT NULL,
    kind   TEXT NOT NULL,
    field  TEXT,
    value  TEXT,
    note   TEXT NOT NULL,
    at     TEXT NOT NULL
);
"#;

/// Version 5: a covering index for the hash -> id map every ingest reads
/// first, so it does not scan the article texts.
const V5: &str = "CREATE INDEX articles_hash_id ON articles(hash, id);";

/// Version 6: sketches of undated reports carry their publication day, so
/// every stored sketch is made again (the `members` rows are refilled by
/// [`backfill_members`]; the next ingest refolds once).
const V6: &str = "DELETE FROM members;";

/// Version 7: settings a rebuild keeps between ingests (the clustering
/// prior shift of the whole corpus, which a partial re-cluster reuses).
const V7: &str = "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);";

/// Version 8: a covering index of what `stats` sums, by month: the
/// statistics of a million-article database scan it, not the wide rows.
const V8: &str = "CREATE INDEX incidents_totals ON incidents(year, month, killed,
    killed_security_forces, killed_civilians, killed_militants, injured,
    injured_security_forces, injured_civilians, injured_militants);";

/// Version 9: which hash names incidents (`tally_merge::IdHash`). Ids
/// became SHA-256 here; a database that already holds incidents keeps the
/// FNV-1a ids it has (analysts may have written them down), a new or empty
/// one gets SHA-256.
const V9: &str = "INSERT OR REPLACE INTO settings (key, value)
    SELECT 'incident_ids',
        CASE WHEN EXISTS (SELECT 1 FROM incidents) THEN 'fnv1a' ELSE 'sha256' END;";

/// Version 10: the review queue. `doubt` is the expected number of wrong
/// fields (`tally_merge::doubt_score`), `review_priority` that times the
/// incident's toll weight, `needs_review` whether it is queued (main, doubt
/// over the threshold, not reviewed since its last new report). Incidents
/// stored before are queued when next rebuilt.
const V10: &str = "ALTER TABLE incidents ADD COLUMN doubt REAL NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN review_priority REAL NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN needs_review INTEGER NOT NULL DEFAULT 0;
CREATE INDEX incidents_review ON incidents(needs_review, review_priority);";

/// Version 11: no separate evidence table. Every incident's evidence is in
/// its JSON (`incident_json`, and each report's in `reports`), which is
/// what every reader uses; the table was written on each change and read
/// by nothing, a second copy of the largest part of an incident.
const V11: &str = "DROP TABLE evidence;";

/// Version 12: which tally coded each report (its version and the hash of
/// the knowledge files it used, see `coder.rs`), so a database coded over
/// months says what coded what, and `recode` can tell what a newer tally
/// changes. Reports stored before are NULL: coded by an unknown tally.
const V12: &str = "ALTER TABLE reports ADD COLUMN coder_version TEXT;
ALTER TABLE reports ADD COLUMN coder_data TEXT;";

/// Version 13: who made each correction (`--user`, or the dashboard user
/// of the request's token; NULL when nobody was named), and the releases a
/// database made. A release keeps its tag, time, filters, codebook and
/// CHANGES, and per incident the hash of its exported JSON line, so a
/// later release diffs against it exactly; the lines themselves are kept
/// once per distinct text (`release_lines`: an incident unchanged across
/// releases is stored once), so any release can be written again byte for
/// byte. `history_mark` is the last history row the release
/// saw: the reasons for a change are the rows between two marks.
/// `checksums` is the `SHA256SUMS` of the files first written, so that
/// writing them again can be checked.
const V13: &str = r#"
ALTER TABLE overrides ADD COLUMN author TEXT;
CREATE TABLE releases (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    tag          TEXT NOT NULL UNIQUE,
    at           TEXT NOT NULL,
    filters      TEXT NOT NULL,
    tally        TEXT NOT NULL,
    history_mark INTEGER NOT NULL,
    codebook     TEXT NOT NULL,
    changes      TEXT NOT NULL,
    checksums    TEXT
);
CREATE TABLE release_lines (
    hash TEXT PRIMARY KEY,
    line TEXT NOT NULL
);
CREATE TABLE release_incidents (
    release  INTEGER NOT NULL REFERENCES releases(seq),
    incident TEXT NOT NULL,
    hash     TEXT NOT NULL REFERENCES release_lines(hash),
    PRIMARY KEY (release, incident)
);
"#;

/// Version 14: a covering index of the reports' coders, so `stats` counts
/// the reports each tally coded from the index, not by reading every
/// report's JSON (a million-article database: 1 s -> milliseconds).
const V14: &str = "CREATE INDEX reports_coder ON reports(coder_version, coder_data);";

const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11, V12, V13, V14];

/// Versions whose migration leaves `members` to be refilled from the reports.
const RESKETCH_AT: &[i64] = &[2, 6];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(crate) fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Refuse a database from a newer tally before touching it.
pub(crate) fn check_version(conn: &Connection, path: &Path) -> Result<()> {
    let found = user_version(conn)
        .map_err(|e| StoreError::sqlite(format!("reading {}", path.display()), e))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// How long a connection waits for another one's write transaction (an
/// ingest's final one, a review) before giving up with "database is
/// locked": waiting is what an analyst wants, and a large ingest's commit
/// takes seconds.
pub(crate) const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// WAL journal, normal sync (durable at checkpoints, safe against crashes).
/// The busy timeout comes first, so that even these pragmas wait for a
/// writer instead of failing.
pub(crate) fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")
}

/// Apply every migration the database lacks, each in its own transaction.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let err = |e| StoreError::sqlite(format!("migrating the schema of {}", path.display()), e);
    let mut version = user_version(conn).map_err(err)?;
    while version < SCHEMA_VERSION {
        let tx = conn.transaction().map_err(err)?;
        tx.execute_batch(MIGRATIONS[version as usize])
            .map_err(err)?;
        if RESKETCH_AT.contains(&(version + 1)) {
            backfill_members(&tx)?;
        }
        tx.pragma_update(None, "user_version", version + 1)
            .map_err(err)?;
        tx.commit().map_err(err)?;
        version += 1;
    }
    Ok(())
}

/// Sketch every stored report for the `members` table. Their incident is
/// left unknown, so the next ingest refolds every cluster once (and finds
/// most of them unchanged).
fn backfill_members(tx: &rusqlite::Transaction) -> Result<()> {
    let err = |e| StoreError::sqlite("sketching the stored reports", e);
    let mut read = tx
        .prepare("SELECT article, json FROM reports")
        .map_err(err)?;
    let mut rows = read.query([]).map_err(err)?;
    let mut insert = tx
        .prepare("INSERT INTO members (key, article, incident, sketch) VALUES (?1, ?2, NULL, ?3)")
        .map_err(err)?;
    while let Some(row) = rows.next().map_err(err)? {
        let article: String = row.get(0).map_err(err)?;
        let json: String = row.get(1).map_err(err)?;
        let report: tally_model::ArticleReport = serde_json::from_str(&json)
            .map_err(|e| StoreError::json(format!("reading the report of {article}"), e))?;
        for sketch in tally_merge::Sketch::of_report(&report) {
            let encoded = serde_json::to_string(&sketch.profile)
                .map_err(|e| StoreError::json("encoding a sketch", e))?;
            insert
                .execute(rusqlite::params![sketch.key, sketch.article, encoded])
                .map_err(err)?;
        }
    }
    Ok(())
}
