//! How the stored incidents were merged, read back for `tally explain`
//! without the article files: the stored per-article reports, the
//! clustering sketch of every report with the incident it sits in, and the
//! prior shift of the last full re-cluster.

use crate::ingest::PRIOR_SHIFT;
use crate::{Result, Store, StoreError};
use rusqlite::OptionalExtension;
use tally_merge::Sketch;
use tally_model::ArticleReport;

/// Every stored report's sketch and the incident it was placed in (`None`
/// until the next ingest after a migration re-sketched the reports).
pub struct Placements {
    pub sketches: Vec<Sketch>,
    pub incidents: Vec<Option<String>>,
}

impl Placements {
    /// Indexes into `sketches` of the reports of incident `id`.
    pub fn members_of(&self, id: &str) -> Vec<usize> {
        (0..self.sketches.len())
            .filter(|&i| self.incidents[i].as_deref() == Some(id))
            .collect()
    }
}

impl Store {
    /// The stored reports of these articles (an article not stored is left out).
    pub fn reports(&self, articles: &[String]) -> Result<Vec<ArticleReport>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT json FROM reports WHERE article = ?1")
            .map_err(|e| StoreError::sqlite("reading the stored reports", e))?;
        let mut out = Vec::with_capacity(articles.len());
        for article in articles {
            let context = || format!("reading the report of {article}");
            let json: Option<String> = stmt
                .query_row([article], |r| r.get(0))
                .optional()
                .map_err(|e| StoreError::sqlite(context(), e))?;
            if let Some(json) = json {
                out.push(serde_json::from_str(&json).map_err(|e| StoreError::json(context(), e))?);
            }
        }
        Ok(out)
    }

    /// The sketch of every stored report and where it was placed.
    pub fn placements(&self) -> Result<Placements> {
        let err = |e| StoreError::sqlite("reading the stored sketches", e);
        let mut stmt = self
            .conn
            .prepare("SELECT key, article, incident, sketch FROM members ORDER BY key")
            .map_err(err)?;
        let mut rows = stmt.query([]).map_err(err)?;
        let mut placements = Placements {
            sketches: Vec::new(),
            incidents: Vec::new(),
        };
        while let Some(row) = rows.next().map_err(err)? {
            let key: String = row.get(0).map_err(err)?;
            let json: String = row.get(3).map_err(err)?;
            let profile = serde_json::from_str(&json)
                .map_err(|e| StoreError::json(format!("reading the sketch of {key}"), e))?;
            placements.sketches.push(Sketch {
                key,
                article: row.get(1).map_err(err)?,
                profile,
            });
            placements.incidents.push(row.get(2).map_err(err)?);
        }
        Ok(placements)
    }

    /// The clustering prior shift of the last full re-cluster, when one
    /// was kept.
    pub fn prior_shift(&self) -> Result<Option<f64>> {
        let value: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [PRIOR_SHIFT],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| StoreError::sqlite("reading the prior shift", e))?;
        Ok(value.and_then(|v| v.parse().ok()))
    }
}
