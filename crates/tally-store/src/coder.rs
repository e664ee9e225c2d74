//! Provenance of the coder: which tally (version and knowledge files) coded
//! each stored report, and the counts `stats` shows.
//!
//! A team's database is coded over months by the tally of each day; the
//! coder kept beside every report says which one coded what, and is what
//! `recode` replaces when a newer tally codes the stored articles again.

use crate::{Result, Store, StoreError};
use std::collections::HashMap;
use std::fmt;

/// Hex digits of the data hash shown to people (the full hash is stored).
pub const SHORT_DATA_HASH: usize = 12;

/// The tally that coded a report: its version and the SHA-256 (hex) of the
/// knowledge files it used.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Coder {
    pub version: String,
    pub data: String,
}

impl Coder {
    /// The data hash as shown: its first 12 hex digits.
    pub fn short_data(&self) -> &str {
        self.data.get(..SHORT_DATA_HASH).unwrap_or(&self.data)
    }

    /// How a possibly unknown coder is named (reports stored before schema
    /// version 12 have none).
    pub fn describe(coder: Option<&Coder>) -> String {
        coder.map_or_else(
            || "unknown tally (coded before schema version 12)".to_string(),
            Coder::to_string,
        )
    }
}

impl fmt::Display for Coder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tally {} (data {})", self.version, self.short_data())
    }
}

/// A coder read from its two nullable columns.
pub(crate) fn from_columns(version: Option<String>, data: Option<String>) -> Option<Coder> {
    Some(Coder {
        version: version?,
        data: data?,
    })
}

impl Store {
    /// How many stored reports each coder coded, most first (`None`: before
    /// schema version 12).
    pub fn coder_counts(&self) -> Result<Vec<(Option<Coder>, u64)>> {
        let err = |e| StoreError::sqlite("counting the reports of each coder", e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT coder_version, coder_data, COUNT(*) FROM reports
                 GROUP BY coder_version, coder_data ORDER BY COUNT(*) DESC, 1, 2",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    from_columns(r.get(0)?, r.get(1)?),
                    r.get::<_, i64>(2)? as u64,
                ))
            })
            .map_err(err)?;
        rows.collect::<rusqlite::Result<_>>().map_err(err)
    }

    /// The coder of each of these articles' reports (absent: unknown).
    pub fn coders(&self, articles: &[String]) -> Result<HashMap<String, Coder>> {
        let err = |e| StoreError::sqlite("reading which tally coded the reports", e);
        let mut stmt = self
            .conn
            .prepare_cached("SELECT coder_version, coder_data FROM reports WHERE article = ?1")
            .map_err(err)?;
        let mut out = HashMap::with_capacity(articles.len());
        for a in articles {
            let mut rows = stmt.query([a]).map_err(err)?;
            if let Some(row) = rows.next().map_err(err)? {
                if let Some(c) = from_columns(row.get(0).map_err(err)?, row.get(1).map_err(err)?) {
                    out.insert(a.clone(), c);
                }
            }
        }
        Ok(out)
    }

    /// The distinct coders of an incident's articles, named, in order
    /// (`show` and the exports print them).
    pub fn coders_named(&self, articles: &[String]) -> Result<Vec<String>> {
        let known = self.coders(articles)?;
        let mut names: Vec<String> = articles
            .iter()
            .map(|a| Coder::describe(known.get(a)))
            .collect();
        names.sort();
        names.dedup();
        Ok(names)
    }
}
