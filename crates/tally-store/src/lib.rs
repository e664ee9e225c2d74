//! The analyst's database: one SQLite file that keeps what tally has read
//! and what it concluded.
//!
//! This crate has one job: store articles, their per-article reports (the
//! input of merging), the merged incidents with their evidence ledger, and
//! the history of every change to an incident, and answer queries over them.
//! It knows nothing about extraction or printing: it takes [`Article`]s and
//! [`ArticleReport`]s and returns plain values.
//!
//! Incremental ingest re-clusters the stored sketches of every report
//! together with the new ones (`tally_merge::cluster` is deterministic and
//! fast), refolds only the clusters whose members changed, then writes only
//! the difference to the stored incidents, so ingesting A then B gives the
//! same incidents as ingesting A and B at once. All writes of one ingest are
//! one transaction.
//!
//! The schema is versioned with `PRAGMA user_version`; a database written by
//! a newer tally is refused and never modified.

mod coder;
mod diff;
mod error;
mod ingest;
mod placement;
mod query;
mod recode;
mod release;
mod review;
mod schema;
mod stats_index;

pub use coder::{Coder, SHORT_DATA_HASH};
pub use error::StoreError;
pub use ingest::{AddOutcome, Ingest, IngestSummary};
pub use placement::Placements;
pub use query::{
    best_total, Column, DistrictPoint, Filter, GroupBy, HistoryEntry, IncidentPage, IncidentRow,
    IncidentSummary, MapPoints, Sort, SortKey, Source, StatsRow, Totals,
};
pub use recode::{FieldChange, OrphanedCorrection, Recode, RecodeOutcome};
pub use release::{
    release_line, ArticleEntry, IncidentChange, ReleaseDiff, ReleaseDraft, ReleaseSpec,
    ReleaseTexts, StoredRelease,
};
pub use review::{parse_count, set_field, Review, ReviewOutcome, CORRECTABLE};
pub use schema::SCHEMA_VERSION;
pub use stats_index::StatsIndex;
/// Where an incident stands in the review queue (doubt, priority, queued).
pub use tally_merge::ReviewStanding;

use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub use tally_model::{Article, ArticleReport, Incident};

/// Result of this crate's operations.
pub type Result<T> = std::result::Result<T, StoreError>;

/// Whether opening may create a new, empty database, and whether it may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create the file (and the schema) when missing.
    Create,
    /// The file must exist; it may be written (corrections, the dashboard).
    Existing,
    /// The file must exist and is only read (`list`, `stats`, `show`,
    /// `export`): this works on a file or folder the user cannot write, and
    /// leaves no `-wal`/`-shm` files behind.
    ReadOnly,
}

/// An open database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Open (or create) the database at `path`, migrating its schema to the
    /// current version. A database from a newer version is refused before
    /// anything is written to it.
    pub fn open(path: &Path, mode: OpenMode) -> Result<Store> {
        if mode != OpenMode::Create && !path.exists() {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
            });
        }
        if mode == OpenMode::ReadOnly {
            return Self::open_read_only(path);
        }
        let err = |source| StoreError::opening(path, mode, source);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(err)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        schema::check_version(&store.conn, path).map_err(|e| e.when_opening(path, mode))?;
        schema::configure(&store.conn).map_err(err)?;
        schema::migrate(&mut store.conn, path).map_err(|e| e.when_opening(path, mode))?;
        Ok(store)
    }

    /// Open for reading only. A read-only connection to a WAL database
    /// creates `-wal` and `-shm` files and cannot remove them when it
    /// closes, so when no `-wal` file exists (the database was closed
    /// cleanly: every change is in the main file) the file is opened as
    /// immutable, which needs neither. With a `-wal` present (an ingest is
    /// running, or one was killed) its changes must be read through it; if
    /// that is impossible (a folder the user cannot write, no `-shm`), the
    /// main file alone is read.
    fn open_read_only(path: &Path) -> Result<Store> {
        let mode = OpenMode::ReadOnly;
        let shared = || Self::open_uri(path, false);
        let immutable = || Self::open_uri(path, true);
        let conn = if sidecar(path, "-wal").exists() {
            shared().or_else(|e| immutable().map_err(|_| e))
        } else {
            immutable()
        }
        .map_err(|e| StoreError::opening(path, mode, e))?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
        };
        schema::check_version(&store.conn, path).map_err(|e| e.when_opening(path, mode))?;
        let version = store.schema_version()?;
        if version < schema::SCHEMA_VERSION {
            return Err(StoreError::OlderSchema {
                path: path.to_path_buf(),
                found: version,
            });
        }
        Ok(store)
    }

    /// A read-only connection through an SQLite URI, checked by reading
    /// the header (opening alone reads nothing).
    fn open_uri(path: &Path, immutable: bool) -> rusqlite::Result<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let extra = if immutable { "&immutable=1" } else { "" };
        let uri = format!("file:{}?mode=ro{extra}", uri_path(path));
        let conn = Connection::open_with_flags(uri, flags)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        schema::user_version(&conn)?;
        Ok(conn)
    }

    /// Where this database lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        schema::user_version(&self.conn)
            .map_err(|e| StoreError::sqlite("reading the schema version", e))
    }

    /// Health of the file: SQLite's `integrity_check` and the number of
    /// articles stored without their report (always 0 unless damaged).
    pub fn check(&self) -> Result<Health> {
        let err = |e| StoreError::sqlite("checking the database", e);
        let integrity: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(err)?;
        let orphans: i64 = self
            .conn
            .query_row(
                "SELECT COUNT(*) FROM articles a
                 WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.article = a.id)",
                [],
                |r| r.get(0),
            )
            .map_err(err)?;
        Ok(Health {
            integrity,
            articles_without_report: orphans as u64,
        })
    }
}

/// The file beside the database that SQLite names with `suffix` (`-wal`, `-shm`).
pub fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A path as the path part of an SQLite `file:` URI: the characters that
/// URIs give a meaning (`%`, `?`, `#`) escaped, and absolute on every
/// system.
fn uri_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

/// What [`Store::check`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// `ok` when SQLite finds nothing wrong.
    pub integrity: String,
    pub articles_without_report: u64,
}

/// The content hash tally uses to recognise an article it has already read:
/// SHA-256 of the text, in hex.
pub fn content_hash(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests;
