//! Reading the database: filtered incident lists, statistics, one incident
//! with its sources, history, and the values present in a column.

use crate::{Result, Store, StoreError};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, Row};
use std::collections::HashMap;
use tally_model::{Casualties, Category, Count, EventType, Incident, IncidentDate};

/// Which incidents a query covers. Text filters match case-insensitively.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Incidents dated on or after the first day of this date.
    pub since: Option<IncidentDate>,
    /// Incidents dated on or before the last day of this date.
    pub until: Option<IncidentDate>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub group: Option<String>,
    pub event_type: Option<EventType>,
    /// At least this many killed (best estimate).
    pub min_killed: Option<u32>,
    /// Only incidents on the review queue.
    pub needs_review: bool,
}

impl Filter {
    /// SQL `WHERE` clause (possibly empty) and its parameters.
    pub(crate) fn sql(&self) -> (String, Vec<Value>) {
        let mut terms: Vec<&str> = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        if let Some(d) = self.since {
            terms.push("date_ord >= ?");
            values.push(Value::Integer(d.ordinal()));
        }
        if let Some(d) = self.until {
            terms.push("date_ord <= ?");
            values.push(Value::Integer(last_day_ordinal(d)));
        }
        let texts = [
            ("admin1 = ? COLLATE NOCASE", &self.admin1),
            ("admin2 = ? COLLATE NOCASE", &self.admin2),
            ("\"group\" = ? COLLATE NOCASE", &self.group),
        ];
        for (term, v) in texts {
            if let Some(v) = v {
                terms.push(term);
                values.push(Value::Text(v.clone()));
            }
        }
        if let Some(t) = self.event_type {
            terms.push("event_type = ?");
            values.push(Value::Text(t.as_str().to_string()));
        }
        if let Some(n) = self.min_killed {
            terms.push("killed >= ?");
            values.push(Value::Integer(i64::from(n)));
        }
        if self.needs_review {
            terms.push("needs_review = 1");
        }
        if terms.is_empty() {
            return (String::new(), values);
        }
        (format!(" WHERE {}", terms.join(" AND ")), values)
    }
}

/// Ordinal of the last day a partial date covers.
pub(crate) fn last_day_ordinal(d: IncidentDate) -> i64 {
    match (d.month, d.day) {
        (Some(_), Some(_)) => d.ordinal(),
        (Some(12), None) | (None, _) => IncidentDate::year(d.year + 1).ordinal() - 1,
        (Some(m), None) => IncidentDate::month(d.year, m + 1).ordinal() - 1,
    }
}

/// One line of `tally list`.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentRow {
    pub id: String,
    pub date: Option<String>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub place: Option<String>,
    pub event_type: String,
    pub group: Option<String>,
    /// Best estimate: the total, else the sum of the categories.
    pub killed: Option<u32>,
    pub injured: Option<u32>,
    pub articles: u32,
}

/// How to group statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Month,
    Province,
    District,
    Group,
    Type,
}

impl GroupBy {
    fn key_sql(self) -> &'static str {
        match self {
            GroupBy::Month => {
                "CASE WHEN month IS NULL THEN CAST(year AS TEXT) ELSE printf('%04d-%02d', year, month) END"
            }
            GroupBy::Province => "admin1",
            GroupBy::District => "admin2",
            GroupBy::Group => "\"group\"",
            GroupBy::Type => "event_type",
        }
    }
}

/// Sums of best estimates by category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub total: u64,
    pub security_forces: u64,
    pub civilians: u64,
    pub militants: u64,
}

/// One line of `tally stats`: a group (`None` for "unknown"; the single
/// line without grouping has key `None` too) and its sums.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsRow {
    pub key: Option<String>,
    pub incidents: u64,
    pub killed: Totals,
    pub injured: Totals,
}

/// One version of an incident.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub version: u32,
    pub at: String,
    pub reason: String,
    /// The incident as of this version; `None` for a removal.
    pub incident: Option<Incident>,
}

/// A stored article as a source: text, outlet, publication date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub id: String,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub text: String,
}

const ROW_COLUMNS: &str =
    "id, date, admin1, admin2, place, event_type, \"group\", killed, injured, articles";

fn incident_row(r: &Row) -> rusqlite::Result<IncidentRow> {
    Ok(IncidentRow {
        id: r.get(0)?,
        date: r.get(1)?,
        admin1: r.get(2)?,
        admin2: r.get(3)?,
        place: r.get(4)?,
        event_type: r.get(5)?,
        group: r.get(6)?,
        killed: r.get(7)?,
        injured: r.get(8)?,
        articles: r.get(9)?,
    })
}

const ORDER: &str = " ORDER BY date_ord IS NULL, date_ord, id";

impl Store {
    /// Incidents matching `filter` in date order, at most `limit`.
    pub fn list(&self, filter: &Filter, limit: Option<usize>) -> Result<Vec<IncidentRow>> {
        let (clause, values) = filter.sql();
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM incidents{clause}{ORDER}{}",
            limit_sql(limit)
        );
        self.rows(&sql, values, incident_row, "listing incidents")
    }

    /// Full incidents matching `filter`, in date order.
    pub fn incidents(&self, filter: &Filter, limit: Option<usize>) -> Result<Vec<Incident>> {
        let (clause, values) = filter.sql();
        let sql = format!(
            "SELECT j.json FROM incidents JOIN incident_json j USING (id){clause}{ORDER}{}",
            limit_sql(limit)
        );
        let json = self.rows(&sql, values, |r| r.get::<_, String>(0), "reading incidents")?;
        json.iter()
            .map(|j| {
                serde_json::from_str(j).map_err(|e| StoreError::json("reading an incident", e))
            })
            .collect()
    }

    /// The review queue: incidents needing review that match `filter`, most
    /// urgent first (doubt times toll weight, raised for recent incidents:
    /// `today` is the ordinal day recency is measured from), at most
    /// `limit`; and how many are queued in all.
    pub fn review_queue(
        &self,
        filter: &Filter,
        limit: usize,
        today: i64,
    ) -> Result<(u64, Vec<Incident>)> {
        let filter = Filter {
            needs_review: true,
            ..filter.clone()
        };
        let total = self.count(&filter)?;
        let (clause, mut values) = filter.sql();
        let sql = format!(
            "SELECT j.json FROM incidents JOIN incident_json j USING (id){clause} \
             ORDER BY review_priority * (1.0 + 1.0 / (1.0 + \
                 MAX(0, ? - COALESCE(date_ord, ?)) / 365.0)) DESC, id LIMIT ?"
        );
        values.push(Value::Integer(today));
        values.push(Value::Integer(today));
        values.push(Value::Integer(clamp_i64(limit as u64)));
        let json = self.rows(
            &sql,
            values,
            |r| r.get::<_, String>(0),
            "reading the review queue",
        )?;
        let incidents = json
            .iter()
            .map(|j| {
                serde_json::from_str(j).map_err(|e| StoreError::json("reading an incident", e))
            })
            .collect::<Result<Vec<Incident>>>()?;
        Ok((total, incidents))
    }

    /// Every incident's JSON, ordered by id (for comparing databases).
    pub fn incidents_json(&self) -> Result<Vec<String>> {
        let sql = "SELECT json FROM incident_json ORDER BY id";
        self.rows(sql, Vec::new(), |r| r.get(0), "reading incidents")
    }

    /// Incidents and casualties, grouped or in one line.
    pub fn stats(&self, filter: &Filter, by: Option<GroupBy>) -> Result<Vec<StatsRow>> {
        let (clause, values) = filter.sql();
        let key = by.map_or("NULL", GroupBy::key_sql);
        let (group, order) = match by {
            // Grouped on the indexed integers, in the order of the key's text:
            // a year alone before that year's months.
            Some(GroupBy::Month) => (
                "year, month",
                "year IS NULL, year, month IS NOT NULL, month",
            ),
            _ => ("k", "k IS NULL, k"),
        };
        let sums: Vec<String> = ["killed", "injured"]
            .iter()
            .flat_map(|o| {
                [
                    format!("COALESCE(SUM({o}), 0)"),
                    format!("COALESCE(SUM({o}_security_forces), 0)"),
                    format!("COALESCE(SUM({o}_civilians), 0)"),
                    format!("COALESCE(SUM({o}_militants), 0)"),
                ]
            })
            .collect();
        let sql = format!(
            "SELECT {key} AS k, COUNT(*), {} FROM incidents{clause} GROUP BY {group} ORDER BY {order}",
            sums.join(", ")
        );
        self.rows(&sql, values, stats_row, "computing statistics")
    }

    /// Ids starting with `prefix` (at most `limit`).
    pub fn ids_with_prefix(&self, prefix: &str, limit: usize) -> Result<Vec<String>> {
        let sql =
            "SELECT id FROM incidents WHERE substr(id, 1, length(?1)) = ?1 ORDER BY id LIMIT ?2";
        let values = vec![
            Value::Text(prefix.to_string()),
            Value::Integer(limit as i64),
        ];
        self.rows(sql, values, |r| r.get(0), "finding incidents")
    }

    /// How many ids start with `prefix` (an ambiguous prefix's message says
    /// how many it could not list).
    pub fn count_ids_with_prefix(&self, prefix: &str) -> Result<u64> {
        let sql = "SELECT COUNT(*) FROM incidents WHERE substr(id, 1, length(?1)) = ?1";
        let counts: Vec<i64> = self.rows(
            sql,
            vec![Value::Text(prefix.to_string())],
            |r| r.get(0),
            "counting incidents",
        )?;
        Ok(counts.first().copied().unwrap_or(0).max(0) as u64)
    }

    /// One stored incident, if present.
    pub fn incident(&self, id: &str) -> Result<Option<Incident>> {
        let sql = "SELECT json FROM incident_json WHERE id = ?1";
        let json: Vec<String> = self.rows(
            sql,
            vec![Value::Text(id.to_string())],
            |r| r.get(0),
            "reading an incident",
        )?;
        match json.first() {
            Some(j) => serde_json::from_str(j)
                .map(Some)
                .map_err(|e| StoreError::json(format!("reading incident {id}"), e)),
            None => Ok(None),
        }
    }

    /// The stored articles with these ids.
    pub fn sources(&self, ids: &[String]) -> Result<Vec<Source>> {
        let sql = "SELECT id, outlet, url, published, text FROM articles WHERE id = ?1";
        let mut out = Vec::new();
        for id in ids {
            let found = self.rows(
                sql,
                vec![Value::Text(id.clone())],
                source_row,
                "reading articles",
            )?;
            out.extend(found);
        }
        Ok(out)
    }

    /// Article id -> outlet, for every stored article with an outlet.
    pub fn outlets(&self) -> Result<HashMap<String, String>> {
        let sql = "SELECT id, outlet FROM articles WHERE outlet IS NOT NULL";
        let pairs = self.rows(
            sql,
            Vec::new(),
            |r| Ok((r.get(0)?, r.get(1)?)),
            "reading outlets",
        )?;
        Ok(pairs.into_iter().collect())
    }

    /// Every version of an incident, oldest first (empty if never stored).
    /// The current version's record is read from `incident_json`: history
    /// keeps a record only once it is superseded.
    pub fn history(&self, id: &str) -> Result<Vec<HistoryEntry>> {
        let sql = "SELECT h.version, h.at, h.reason,
                    COALESCE(h.json, CASE WHEN h.version =
                        (SELECT MAX(version) FROM history WHERE incident = ?1)
                        THEN (SELECT json FROM incident_json WHERE id = ?1) END)
                   FROM history h WHERE h.incident = ?1 ORDER BY h.version";
        let raw: Vec<(u32, String, String, Option<String>)> = self.rows(
            sql,
            vec![Value::Text(id.to_string())],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            "reading history",
        )?;
        raw.into_iter()
            .map(|(version, at, reason, json)| {
                let incident = json
                    .map(|j| serde_json::from_str(&j))
                    .transpose()
                    .map_err(|e| StoreError::json(format!("reading history of {id}"), e))?;
                Ok(HistoryEntry {
                    version,
                    at,
                    reason,
                    incident,
                })
            })
            .collect()
    }

    /// Distinct non-empty values of a text column (`admin1`, `admin2` or
    /// `group`), sorted.
    pub fn distinct(&self, column: Column) -> Result<Vec<String>> {
        let c = column.sql();
        let sql = format!("SELECT DISTINCT {c} FROM incidents WHERE {c} IS NOT NULL ORDER BY {c}");
        self.rows(&sql, Vec::new(), |r| r.get(0), "reading column values")
    }

    /// Number of stored articles and incidents.
    pub fn counts(&self) -> Result<(u64, u64)> {
        let sql = "SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM incidents)";
        let v = self.rows(sql, Vec::new(), |r| Ok((r.get(0)?, r.get(1)?)), "counting")?;
        Ok(v.first().copied().unwrap_or((0, 0)))
    }

    pub(crate) fn rows<T>(
        &self,
        sql: &str,
        values: Vec<Value>,
        f: impl FnMut(&Row) -> rusqlite::Result<T>,
        context: &str,
    ) -> Result<Vec<T>> {
        query_rows(&self.conn, sql, values, f).map_err(|e| StoreError::sqlite(context, e))
    }
}

/// Text columns whose values filters name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Admin1,
    Admin2,
    Group,
}

impl Column {
    fn sql(self) -> &'static str {
        match self {
            Column::Admin1 => "admin1",
            Column::Admin2 => "admin2",
            Column::Group => "\"group\"",
        }
    }
}

fn query_rows<T>(
    conn: &Connection,
    sql: &str,
    values: Vec<Value>,
    f: impl FnMut(&Row) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params_from_iter(values), f)?;
    rows.collect()
}

fn limit_sql(limit: Option<usize>) -> String {
    limit.map(|n| format!(" LIMIT {n}")).unwrap_or_default()
}

fn stats_row(r: &Row) -> rusqlite::Result<StatsRow> {
    let totals = |base: usize| -> rusqlite::Result<Totals> {
        Ok(Totals {
            total: r.get(base)?,
            security_forces: r.get(base + 1)?,
            civilians: r.get(base + 2)?,
            militants: r.get(base + 3)?,
        })
    };
    Ok(StatsRow {
        key: r.get::<_, Option<Value>>(0)?.map(|v| match v {
            Value::Text(s) => s,
            Value::Integer(i) => i.to_string(),
            other => format!("{other:?}"),
        }),
        incidents: r.get(1)?,
        killed: totals(2)?,
        injured: totals(6)?,
    })
}

fn source_row(r: &Row) -> rusqlite::Result<Source> {
    Ok(Source {
        id: r.get(0)?,
        outlet: r.get(1)?,
        url: r.get(2)?,
        published: r.get(3)?,
        text: r.get(4)?,
    })
}

/// Best estimate of one outcome: the total, else the sum of the categories.
pub fn best_total(c: &Casualties) -> Option<u32> {
    c.best_total()
}

/// Insert or replace the queryable columns and JSON of one incident.
pub(crate) fn upsert_incident(
    conn: &Connection,
    inc: &Incident,
    json: &str,
    hash: &str,
) -> rusqlite::Result<()> {
    let best = |c: &Casualties, cat| c.get(cat).map(|x: Count| x.best);
    let review = tally_merge::ReviewStanding::of(inc);
    let date = inc.date.map(|d| d.to_string());
    let precision = inc
        .date
        .map(|d| format!("{:?}", d.precision()).to_lowercase());
    conn.prepare_cached(
        "INSERT OR REPLACE INTO incidents (id, role, date, date_ord, year, month, precision,
            admin1, admin2, place, lat, lon, event_type, \"group\", claimed, articles,
            killed, killed_total, killed_security_forces, killed_civilians, killed_militants,
            injured, injured_total, injured_security_forces, injured_civilians, injured_militants,
            hash, doubt, review_priority, needs_review)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
            ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30)",
    )?
    .execute(params![
        inc.id,
        format!("{:?}", inc.role).to_lowercase(),
        date,
        inc.date.map(|d| d.ordinal()),
        inc.date.map(|d| d.year),
        inc.date.and_then(|d| d.month),
        precision,
        inc.admin1,
        inc.admin2,
        inc.place,
        inc.lat,
        inc.lon,
        inc.event_type.as_str(),
        inc.group,
        inc.claimed,
        inc.articles.len() as i64,
        best_total(&inc.killed),
        best(&inc.killed, Category::Total),
        best(&inc.killed, Category::SecurityForces),
        best(&inc.killed, Category::Civilians),
        best(&inc.killed, Category::Militants),
        best_total(&inc.injured),
        best(&inc.injured, Category::Total),
        best(&inc.injured, Category::SecurityForces),
        best(&inc.injured, Category::Civilians),
        best(&inc.injured, Category::Militants),
        hash,
        review.doubt,
        review.priority,
        review.queued,
    ])?;
    conn.prepare_cached("INSERT OR REPLACE INTO incident_json (id, json) VALUES (?1, ?2)")?
        .execute(params![inc.id, json])?;
    Ok(())
}

// ------------------------------------------------------------ dashboard
//
// The web dashboard pages through and maps databases of 100,000+ incidents,
// so these queries sort, page and aggregate in SQL and read only the narrow
// columns, never the incidents' JSON.

/// A column the incident table can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Date,
    Killed,
    Injured,
    Province,
    District,
    Group,
    Type,
    Articles,
    Id,
}

impl SortKey {
    pub const ALL: [SortKey; 9] = [
        SortKey::Date,
        SortKey::Killed,
        SortKey::Injured,
        SortKey::Province,
        SortKey::District,
        SortKey::Group,
        SortKey::Type,
        SortKey::Articles,
        SortKey::Id,
    ];

    /// The key's name in the API (`date`, `killed`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Date => "date",
            SortKey::Killed => "killed",
            SortKey::Injured => "injured",
            SortKey::Province => "province",
            SortKey::District => "district",
            SortKey::Group => "group",
            SortKey::Type => "type",
            SortKey::Articles => "articles",
            SortKey::Id => "id",
        }
    }

    pub fn parse(name: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The column, compared without case for names (as filters match them).
    fn column(self) -> &'static str {
        match self {
            SortKey::Date => "date_ord",
            SortKey::Killed => "killed",
            SortKey::Injured => "injured",
            SortKey::Province => "admin1 COLLATE NOCASE",
            SortKey::District => "admin2 COLLATE NOCASE",
            SortKey::Group => "\"group\" COLLATE NOCASE",
            SortKey::Type => "event_type",
            SortKey::Articles => "articles",
            SortKey::Id => "id",
        }
    }
}

/// An order of incidents: by a key, missing values last in either
/// direction, ties by id (ascending), so every page is deterministic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Sort {
        Sort {
            key: SortKey::Date,
            descending: false,
        }
    }
}

impl Sort {
    /// `ORDER BY` terms; `reversed` gives the exact reverse order (used to
    /// read pages near the end from the other end).
    fn order_by(self, reversed: bool) -> String {
        let desc = self.descending != reversed;
        format!(
            "{} {} {}, id {}",
            self.key.column(),
            if desc { "DESC" } else { "ASC" },
            if reversed {
                "NULLS FIRST"
            } else {
                "NULLS LAST"
            },
            if reversed { "DESC" } else { "ASC" },
        )
    }
}

/// One incident as the dashboard's table shows it: the queryable columns,
/// without the JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentSummary {
    pub id: String,
    pub date: Option<String>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub place: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub event_type: String,
    pub group: Option<String>,
    pub claimed: bool,
    /// Best estimates (see [`best_total`]); categories as stated.
    pub killed: Option<u32>,
    pub killed_security_forces: Option<u32>,
    pub killed_civilians: Option<u32>,
    pub killed_militants: Option<u32>,
    pub injured: Option<u32>,
    pub articles: u32,
}

/// One page of matching incidents and how many match in all.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IncidentPage {
    pub total: u64,
    pub rows: Vec<IncidentSummary>,
}

/// Incidents and deaths of one district, at the mean coordinates of its
/// located incidents (`None` when none has coordinates).
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictPoint {
    pub district: String,
    /// The district's province (the alphabetically first if its incidents
    /// disagree).
    pub province: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub incidents: u64,
    pub killed: u64,
}

/// What the map shows: one point per district (by name), and how many
/// matching incidents have no coordinates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MapPoints {
    pub districts: Vec<DistrictPoint>,
    pub unlocated: u64,
}

const SUMMARY_COLUMNS: &str = "id, date, admin1, admin2, place, lat, lon, event_type, \"group\", \
     claimed, killed, killed_security_forces, killed_civilians, killed_militants, injured, articles";

fn summary_row(r: &Row) -> rusqlite::Result<IncidentSummary> {
    Ok(IncidentSummary {
        id: r.get(0)?,
        date: r.get(1)?,
        admin1: r.get(2)?,
        admin2: r.get(3)?,
        place: r.get(4)?,
        lat: r.get(5)?,
        lon: r.get(6)?,
        event_type: r.get(7)?,
        group: r.get(8)?,
        claimed: r.get(9)?,
        killed: r.get(10)?,
        killed_security_forces: r.get(11)?,
        killed_civilians: r.get(12)?,
        killed_militants: r.get(13)?,
        injured: r.get(14)?,
        articles: r.get(15)?,
    })
}

/// Rows `offset..offset + limit` of `total`, as read in one direction: the
/// far half is read backwards, so SQLite never sorts more than half of the
/// matches to skip them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    limit: u64,
    offset: u64,
    reversed: bool,
}

impl Window {
    fn new(total: u64, limit: u64, offset: u64) -> Window {
        let forward = offset.saturating_add(limit);
        if offset >= total || forward <= total - offset {
            return Window {
                limit,
                offset,
                reversed: false,
            };
        }
        let end = forward.min(total);
        Window {
            limit: end - offset,
            offset: total - end,
            reversed: true,
        }
    }
}

impl Store {
    /// Count the incidents matching `filter` and return one page of them in
    /// `sort` order: rows `offset..offset + limit`.
    pub fn page(
        &self,
        filter: &Filter,
        sort: Sort,
        limit: usize,
        offset: usize,
    ) -> Result<IncidentPage> {
        let err = |e| StoreError::sqlite("reading a page of incidents", e);
        // One read transaction: the count and the rows see the same snapshot
        // even if an ingest commits in between.
        let tx = self.conn.unchecked_transaction().map_err(err)?;
        let total = self.count(filter)?;
        let window = Window::new(total, limit as u64, offset as u64);
        let rows = if window.offset >= total || window.limit == 0 {
            Vec::new()
        } else {
            self.window(filter, sort, window)?
        };
        tx.finish().map_err(err)?;
        Ok(IncidentPage { total, rows })
    }

    /// The table rows of these incidents, in the order of `ids` (ids not
    /// stored are left out).
    pub fn summaries(&self, ids: &[String]) -> Result<Vec<IncidentSummary>> {
        let sql = format!("SELECT {SUMMARY_COLUMNS} FROM incidents WHERE id = ?1");
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let found = self.rows(
                &sql,
                vec![Value::Text(id.clone())],
                summary_row,
                "reading incident rows",
            )?;
            out.extend(found);
        }
        Ok(out)
    }

    /// Number of incidents matching `filter`.
    pub fn count(&self, filter: &Filter) -> Result<u64> {
        let (clause, values) = filter.sql();
        let sql = format!("SELECT COUNT(*) FROM incidents{clause}");
        let n = self.rows(&sql, values, |r| r.get(0), "counting incidents")?;
        Ok(n.first().copied().unwrap_or(0))
    }

    fn window(&self, filter: &Filter, sort: Sort, w: Window) -> Result<Vec<IncidentSummary>> {
        let (clause, mut values) = filter.sql();
        let order = sort.order_by(w.reversed);
        // Sorting only rowids and keys keeps SQLite's sorter small; the
        // page's columns are read for its rows alone.
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM incidents WHERE rowid IN \
             (SELECT rowid FROM incidents{clause} ORDER BY {order} LIMIT ? OFFSET ?) \
             ORDER BY {order}"
        );
        values.push(Value::Integer(clamp_i64(w.limit)));
        values.push(Value::Integer(clamp_i64(w.offset)));
        let mut rows = self.rows(&sql, values, summary_row, "reading a page of incidents")?;
        if w.reversed {
            rows.reverse();
        }
        Ok(rows)
    }

    /// Incidents and deaths by district for the map, and the number of
    /// matching incidents without coordinates, in one pass.
    pub fn map_points(&self, filter: &Filter) -> Result<MapPoints> {
        let (clause, values) = filter.sql();
        let sql = format!(
            "SELECT admin2, MIN(admin1),
                AVG(CASE WHEN lon IS NOT NULL THEN lat END),
                AVG(CASE WHEN lat IS NOT NULL THEN lon END),
                COUNT(*), COALESCE(SUM(killed), 0), SUM(lat IS NULL OR lon IS NULL)
             FROM incidents{clause} GROUP BY admin2 ORDER BY admin2"
        );
        let groups = self.rows(&sql, values, point_row, "aggregating districts")?;
        let unlocated = groups.iter().map(|(_, unlocated)| unlocated).sum();
        let districts = groups.into_iter().filter_map(|(p, _)| p).collect();
        Ok(MapPoints {
            districts,
            unlocated,
        })
    }

    /// The stored spelling of `value` in a text column (matched without
    /// case), if any incident has it. Uses the column's index, unlike
    /// [`Store::distinct`].
    pub fn stored_value(&self, column: Column, value: &str) -> Result<Option<String>> {
        let c = column.sql();
        let sql = format!("SELECT {c} FROM incidents WHERE {c} = ?1 COLLATE NOCASE LIMIT 1");
        let found = self.rows(
            &sql,
            vec![Value::Text(value.to_string())],
            |r| r.get(0),
            "looking up a filter value",
        )?;
        Ok(found.into_iter().next())
    }

    /// The values a filter on a text column accepts: one spelling per value
    /// (filters ignore case), sorted. Walks the column's case-insensitive
    /// index instead of sorting every row as [`Store::distinct`] does.
    pub fn choices(&self, column: Column) -> Result<Vec<String>> {
        let c = column.sql();
        let sql = format!(
            "SELECT v FROM (SELECT MIN({c}) AS v FROM incidents WHERE {c} IS NOT NULL \
             GROUP BY {c} COLLATE NOCASE) ORDER BY v"
        );
        self.rows(&sql, Vec::new(), |r| r.get(0), "reading filter values")
    }

    /// Map the database file into memory for reading (up to `bytes`;
    /// SQLite caps it at its build limit, 2 GiB by default). Scans of the
    /// incidents table then skip a copy per page: the dashboard's queries
    /// read every matching row.
    pub fn map_into_memory(&self, bytes: u64) -> Result<()> {
        self.conn
            .pragma_update(None, "mmap_size", clamp_i64(bytes))
            .map_err(|e| StoreError::sqlite("setting mmap_size", e))
    }
}

/// A district point (`None` for incidents without a district) and how many
/// of the group's incidents have no coordinates.
fn point_row(r: &Row) -> rusqlite::Result<(Option<DistrictPoint>, u64)> {
    let district: Option<String> = r.get(0)?;
    let point = match district {
        Some(district) => Some(DistrictPoint {
            district,
            province: r.get(1)?,
            lat: r.get(2)?,
            lon: r.get(3)?,
            incidents: r.get(4)?,
            killed: r.get(5)?,
        }),
        None => None,
    };
    Ok((point, r.get(6)?))
}

fn clamp_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
