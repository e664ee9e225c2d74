//! Errors with the context a user needs to act on them.

use std::path::PathBuf;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{context}: {source}")]
    Sqlite {
        context: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{context}: {source}")]
    Json {
        context: String,
        #[source]
        source: serde_json::Error,
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

impl StoreError {
    pub(crate) fn sqlite(context: impl Into<String>, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            context: context.into(),
            source,
        }
    }

    pub(crate) fn json(context: impl Into<String>, source: serde_json::Error) -> StoreError {
        StoreError::Json {
            context: context.into(),
            source,
        }
    }
}
