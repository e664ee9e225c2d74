//! Errors with the context a user needs to act on them.

use crate::OpenMode;
use std::path::{Path, PathBuf};

/// Everything that can go wrong in the store.
///
/// The SQLite and JSON errors are written into the message rather than
/// chained as a source, so that a report of the whole chain says them once.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{context}: {}", sqlite_message(error))]
    Sqlite {
        context: String,
        error: rusqlite::Error,
    },
    #[error("{context}: {error}")]
    Json {
        context: String,
        error: serde_json::Error,
    },
    #[error(
        "{} was written by a newer tally (schema version {found}; this tally knows up to {supported}); \
         it was not modified: use a newer tally",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("no database at {} (create one with `tally ingest`)", path.display())]
    Missing { path: PathBuf },
    /// The file could not be opened, and what the user can do about it.
    #[error("{}: {problem}", path.display())]
    Open { path: PathBuf, problem: String },
    #[error(
        "{} was written by an older tally (schema version {found}); it must be upgraded \
         before it can be read: open it once with a command that writes (`tally ingest`, \
         `tally serve`) where you may write it",
        path.display()
    )]
    OlderSchema { path: PathBuf, found: i64 },
    /// What was asked for does not exist.
    #[error("no {what}")]
    NotFound { what: String },
    /// The merging weights compiled into tally are broken (a build defect).
    #[error("the merging weights built into tally are broken: {message}")]
    Linkage { message: String },
    /// A request the store cannot carry out, and why (a bad correction).
    #[error("{message}")]
    Invalid { message: String },
    /// The tables disagree with each other (a damaged or hand-edited file).
    #[error("the database is inconsistent: {what}")]
    Inconsistent { what: String },
}

/// SQLite's own words for a failure, without its numeric code.
fn sqlite_message(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(message)) => message.clone(),
        rusqlite::Error::SqliteFailure(code, None) => {
            rusqlite::ffi::code_to_str(code.extended_code).to_string()
        }
        other => other.to_string(),
    }
}

impl StoreError {
    /// An error of opening `path`, in words that say what to do.
    pub(crate) fn opening(path: &Path, mode: OpenMode, source: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode as Code;
        let writing = mode != OpenMode::ReadOnly;
        let problem = match source.sqlite_error_code() {
            Some(Code::ReadOnly) if writing => {
                "cannot be written: you may not write the file or its folder. \
                 Reading commands (list, stats, show, export) still work; to add \
                 articles or corrections, copy it somewhere you may write"
            }
            Some(Code::CannotOpen | Code::PermissionDenied | Code::ReadOnly) => {
                "cannot be opened: check that the file and its folder exist and that you may read them"
            }
            Some(Code::NotADatabase) => "is not a tally database (not an SQLite file)",
            Some(Code::DatabaseBusy | Code::DatabaseLocked) => {
                "is busy: another tally is writing it; try again when it has finished"
            }
            Some(Code::DatabaseCorrupt) => "is damaged: restore it from a copy",
            Some(Code::DiskFull) => "cannot be written: the disk is full",
            _ => return StoreError::sqlite(format!("opening {}", path.display()), source),
        };
        StoreError::Open {
            path: path.to_path_buf(),
            problem: problem.to_string(),
        }
    }

    /// This error as met while opening: SQLite's failures reworded.
    pub(crate) fn when_opening(self, path: &Path, mode: OpenMode) -> StoreError {
        match self {
            StoreError::Sqlite { error, .. } => StoreError::opening(path, mode, error),
            other => other,
        }
    }

    pub(crate) fn sqlite(context: impl Into<String>, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            context: context.into(),
            error: source,
        }
    }

    pub(crate) fn json(context: impl Into<String>, source: serde_json::Error) -> StoreError {
        StoreError::Json {
            context: context.into(),
            error: source,
        }
    }
}
