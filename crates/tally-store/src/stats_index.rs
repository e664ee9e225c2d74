//! The columns statistics read, of every incident, held in memory.
//!
//! A dashboard recomputes its counters, monthly series and map on every
//! filter change. Over 100,000 incidents each SQLite scan costs ~100 ms;
//! the same sums over a compact in-memory copy take a few milliseconds.
//! [`StatsIndex`] answers exactly what [`Store::stats`] and
//! [`Store::map_points`] answer (a test holds them equal) and knows the
//! [`Store::data_stamp`] it was read at, so a caller can tell when to reload.

use crate::query::{last_day_ordinal, DistrictPoint, Filter, GroupBy, MapPoints, StatsRow, Totals};
use crate::query::{Sort, SortKey};
use crate::{Result, Store, StoreError};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// One incident as statistics see it.
#[derive(Debug, Clone)]
struct Fact {
    id: Arc<str>,
    articles: u32,
    date_ord: Option<i64>,
    /// `YYYY-MM` (or `YYYY` for a year-precise date), as `stats --by month` groups.
    month: Option<Arc<str>>,
    admin1: Option<Arc<str>>,
    admin2: Option<Arc<str>>,
    group: Option<Arc<str>>,
    /// The names above folded as SQLite's NOCASE folds them, for sorting.
    folded: [Option<Arc<str>>; 3],
    event_type: Arc<str>,
    /// Best estimates: total (or sum of categories), security forces, civilians, militants.
    killed: [Option<u64>; 4],
    injured: [Option<u64>; 4],
    lat: Option<f64>,
    lon: Option<f64>,
}

/// Every incident's statistics columns, as of one [`Store::data_stamp`].
#[derive(Debug, Clone)]
pub struct StatsIndex {
    facts: Vec<Fact>,
    stamp: i64,
}

impl Store {
    /// A number that changes whenever an incident does (the newest history
    /// row: every ingest change and every correction writes one).
    pub fn data_stamp(&self) -> Result<i64> {
        self.conn
            .query_row("SELECT COALESCE(MAX(rowid), 0) FROM history", [], |r| {
                r.get(0)
            })
            .map_err(|e| StoreError::sqlite("reading the data stamp", e))
    }

    /// Read every incident's statistics columns into memory.
    pub fn stats_index(&self) -> Result<StatsIndex> {
        let err = |e| StoreError::sqlite("reading incidents for statistics", e);
        let tx = self.conn.unchecked_transaction().map_err(err)?;
        let stamp = self.data_stamp()?;
        let mut names: HashMap<String, Arc<str>> = HashMap::new();
        let mut intern = |s: Option<String>| -> Option<Arc<str>> {
            let s = s?;
            Some(names.entry(s.clone()).or_insert_with(|| s.into()).clone())
        };
        let mut stmt = self
            .conn
            .prepare(
                "SELECT date_ord, substr(date, 1, 7), admin1, admin2, \"group\", event_type,
                    killed, killed_security_forces, killed_civilians, killed_militants,
                    injured, injured_security_forces, injured_civilians, injured_militants,
                    lat, lon, id, articles
                 FROM incidents",
            )
            .map_err(err)?;
        let mut rows = stmt.query([]).map_err(err)?;
        let mut facts = Vec::new();
        while let Some(r) = rows.next().map_err(err)? {
            let get4 = |base: usize| -> rusqlite::Result<[Option<u64>; 4]> {
                Ok([
                    r.get(base)?,
                    r.get(base + 1)?,
                    r.get(base + 2)?,
                    r.get(base + 3)?,
                ])
            };
            let names: [Option<String>; 3] = [
                r.get(2).map_err(err)?,
                r.get(3).map_err(err)?,
                r.get(4).map_err(err)?,
            ];
            let folded = names
                .clone()
                .map(|n| intern(n.map(|n| n.to_ascii_lowercase())));
            let [admin1, admin2, group] = names.map(&mut intern);
            let id: String = r.get(16).map_err(err)?;
            facts.push(Fact {
                id: id.into(),
                articles: r.get(17).map_err(err)?,
                date_ord: r.get(0).map_err(err)?,
                month: intern(r.get(1).map_err(err)?),
                admin1,
                admin2,
                group,
                folded,
                event_type: intern(Some(r.get(5).map_err(err)?)).unwrap_or_else(|| "".into()),
                killed: get4(6).map_err(err)?,
                injured: get4(10).map_err(err)?,
                lat: r.get(14).map_err(err)?,
                lon: r.get(15).map_err(err)?,
            });
        }
        drop(rows);
        drop(stmt);
        tx.finish().map_err(err)?;
        Ok(StatsIndex { facts, stamp })
    }
}

impl StatsIndex {
    /// The [`Store::data_stamp`] this index was read at.
    pub fn stamp(&self) -> i64 {
        self.stamp
    }

    /// Number of incidents held.
    pub fn len(&self) -> usize {
        self.facts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }

    /// What [`Store::stats`] answers, grouped by nothing or by month.
    /// Other groupings are left to SQL (`None`).
    pub fn stats(&self, filter: &Filter, by: Option<GroupBy>) -> Option<Vec<StatsRow>> {
        let by_month = match by {
            None => false,
            Some(GroupBy::Month) => true,
            Some(_) => return None,
        };
        let key = |f: &Fact| f.month.clone().filter(|_| by_month);
        let mut groups: BTreeMap<Option<Arc<str>>, StatsRow> = BTreeMap::new();
        for f in self.matching(filter) {
            let k = key(f);
            let row = groups.entry(k.clone()).or_insert_with(|| StatsRow {
                key: k.map(|s| s.to_string()),
                incidents: 0,
                killed: Totals::default(),
                injured: Totals::default(),
            });
            row.incidents += 1;
            add(&mut row.killed, &f.killed);
            add(&mut row.injured, &f.injured);
        }
        // SQL orders `k IS NULL, k`: the unknown group last.
        let mut out: Vec<StatsRow> = groups.into_values().collect();
        let unknown_first = out.first().is_some_and(|r| r.key.is_none());
        out.rotate_left(usize::from(unknown_first));
        Some(out)
    }

    /// What [`Store::map_points`] answers.
    pub fn map_points(&self, filter: &Filter) -> MapPoints {
        #[derive(Default)]
        struct Acc {
            province: Option<Arc<str>>,
            lat: (f64, u64),
            lon: (f64, u64),
            incidents: u64,
            killed: u64,
        }
        let mut by: BTreeMap<Arc<str>, Acc> = BTreeMap::new();
        let mut unlocated = 0;
        for f in self.matching(filter) {
            if f.lat.is_none() || f.lon.is_none() {
                unlocated += 1;
            }
            let Some(d) = &f.admin2 else { continue };
            let a = by.entry(d.clone()).or_default();
            if let Some(p) = &f.admin1 {
                if a.province.as_ref().is_none_or(|q| p < q) {
                    a.province = Some(p.clone());
                }
            }
            if let (Some(lat), Some(lon)) = (f.lat, f.lon) {
                a.lat = (a.lat.0 + lat, a.lat.1 + 1);
                a.lon = (a.lon.0 + lon, a.lon.1 + 1);
            }
            a.incidents += 1;
            a.killed += f.killed[0].unwrap_or(0);
        }
        let mean = |(sum, n): (f64, u64)| (n > 0).then(|| sum / n as f64);
        let districts = by
            .into_iter()
            .map(|(d, a)| DistrictPoint {
                district: d.to_string(),
                province: a.province.map(|p| p.to_string()),
                lat: mean(a.lat),
                lon: mean(a.lon),
                incidents: a.incidents,
                killed: a.killed,
            })
            .collect();
        MapPoints {
            districts,
            unlocated,
        }
    }

    /// What [`Store::page`] answers, as ids: how many incidents match, and
    /// the ids of rows `offset..offset + limit` in `sort` order (missing
    /// values last either way, ties by id).
    pub fn page_ids(
        &self,
        filter: &Filter,
        sort: Sort,
        limit: usize,
        offset: usize,
    ) -> (u64, Vec<String>) {
        let mut found: Vec<&Fact> = self.matching(filter).collect();
        let total = found.len();
        let end = offset.saturating_add(limit).min(total);
        if offset >= end {
            return (total as u64, Vec::new());
        }
        let cmp = |a: &&Fact, b: &&Fact| compare(a, b, sort);
        // Selecting the window costs O(n); sorting every match would not.
        if offset > 0 {
            found.select_nth_unstable_by(offset, cmp);
        }
        let tail = &mut found[offset..];
        if end - offset < tail.len() {
            tail.select_nth_unstable_by(end - offset, cmp);
        }
        let window = &mut found[offset..end];
        window.sort_unstable_by(cmp);
        let ids = window.iter().map(|f| f.id.to_string()).collect();
        (total as u64, ids)
    }

    fn matching<'a>(&'a self, filter: &'a Filter) -> impl Iterator<Item = &'a Fact> + 'a {
        let since = filter.since.map(|d| d.ordinal());
        let until = filter.until.map(last_day_ordinal);
        let event_type = filter.event_type.map(|t| t.as_str());
        self.facts.iter().filter(move |f| {
            since.is_none_or(|s| f.date_ord.is_some_and(|d| d >= s))
                && until.is_none_or(|u| f.date_ord.is_some_and(|d| d <= u))
                && same_text(&filter.admin1, &f.admin1)
                && same_text(&filter.admin2, &f.admin2)
                && same_text(&filter.group, &f.group)
                && event_type.is_none_or(|t| &*f.event_type == t)
                && filter
                    .min_killed
                    .is_none_or(|n| f.killed[0].is_some_and(|k| k >= u64::from(n)))
        })
    }
}

/// Filters on text match as SQLite's NOCASE does (ASCII case only).
fn same_text(wanted: &Option<String>, have: &Option<Arc<str>>) -> bool {
    match (wanted, have) {
        (None, _) => true,
        (Some(w), Some(h)) => w.eq_ignore_ascii_case(h),
        (Some(_), None) => false,
    }
}

fn add(t: &mut Totals, v: &[Option<u64>; 4]) {
    t.total += v[0].unwrap_or(0);
    t.security_forces += v[1].unwrap_or(0);
    t.civilians += v[2].unwrap_or(0);
    t.militants += v[3].unwrap_or(0);
}

/// The order of [`Sort`]: by the key (names without case), missing values
/// last in either direction, then by id.
fn compare(a: &Fact, b: &Fact, sort: Sort) -> Ordering {
    let by_key = match sort.key {
        SortKey::Date => values(a.date_ord, b.date_ord, sort),
        SortKey::Killed => values(a.killed[0], b.killed[0], sort),
        SortKey::Injured => values(a.injured[0], b.injured[0], sort),
        SortKey::Province => values(a.folded[0].as_ref(), b.folded[0].as_ref(), sort),
        SortKey::District => values(a.folded[1].as_ref(), b.folded[1].as_ref(), sort),
        SortKey::Group => values(a.folded[2].as_ref(), b.folded[2].as_ref(), sort),
        SortKey::Type => values(Some(&a.event_type), Some(&b.event_type), sort),
        SortKey::Articles => values(Some(a.articles), Some(b.articles), sort),
        SortKey::Id => Ordering::Equal,
    };
    by_key.then_with(|| {
        let ids = a.id.cmp(&b.id);
        if sort.key == SortKey::Id && sort.descending {
            ids.reverse()
        } else {
            ids
        }
    })
}

fn values<T: Ord>(a: Option<T>, b: Option<T>, sort: Sort) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) if sort.descending => y.cmp(&x),
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}
