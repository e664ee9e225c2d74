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

mod diff;
mod error;
mod ingest;
mod query;
mod review;
mod schema;
mod stats_index;

pub use error::StoreError;
pub use ingest::{AddOutcome, Ingest, IngestSummary};
pub use query::{
    best_total, Column, DistrictPoint, Filter, GroupBy, HistoryEntry, IncidentPage, IncidentRow,
    IncidentSummary, MapPoints, Sort, SortKey, Source, StatsRow, Totals,
};
pub use review::{parse_count, set_field, Review, ReviewOutcome, CORRECTABLE};
pub use schema::SCHEMA_VERSION;
pub use stats_index::StatsIndex;

use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub use tally_model::{Article, ArticleReport, Incident};

/// Result of this crate's operations.
pub type Result<T> = std::result::Result<T, StoreError>;

/// Whether opening may create a new, empty database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create the file (and the schema) when missing.
    Create,
    /// The file must exist (for queries).
    Existing,
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
        let err = |source| StoreError::sqlite(format!("opening {}", path.display()), source);
        if mode == OpenMode::Existing && !path.exists() {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(err)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        schema::check_version(&store.conn, path)?;
        schema::configure(&store.conn).map_err(err)?;
        schema::migrate(&mut store.conn, path)?;
        Ok(store)
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
