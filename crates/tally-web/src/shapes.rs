//! The JSON the API sends, built from the store's values.

use crate::params::Sort;
use serde_json::{json, Value};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use tally_model::{Category, Evidence, Incident};
use tally_store::{best_total, HistoryEntry, Source, StatsRow, Totals};

/// One line of `/api/incidents`.
pub fn incident_row(inc: &Incident) -> Value {
    let cat = |c: &tally_model::Casualties, k| c.get(k).map(|x| x.best);
    json!({
        "id": inc.id,
        "date": inc.date.map(|d| d.to_string()),
        "province": inc.admin1,
        "district": inc.admin2,
        "place": inc.place,
        "lat": inc.lat,
        "lon": inc.lon,
        "type": inc.event_type.as_str(),
        "group": inc.group,
        "claimed": inc.claimed,
        "killed": best_total(&inc.killed),
        "killed_by": {
            "security_forces": cat(&inc.killed, Category::SecurityForces),
            "civilians": cat(&inc.killed, Category::Civilians),
            "militants": cat(&inc.killed, Category::Militants),
        },
        "injured": best_total(&inc.injured),
        "articles": inc.articles.len(),
    })
}

/// Sums by category, plus what no category accounts for.
pub fn totals(t: &Totals) -> Value {
    let parts = t.security_forces + t.civilians + t.militants;
    json!({
        "total": t.total,
        "security_forces": t.security_forces,
        "civilians": t.civilians,
        "militants": t.militants,
        "unspecified": t.total.saturating_sub(parts),
    })
}

/// Counters of `/api/stats` from the ungrouped stats line.
pub fn counters(rows: &[StatsRow]) -> Value {
    let (n, killed, injured) = rows
        .first()
        .map(|r| (r.incidents, r.killed, r.injured))
        .unwrap_or_default();
    json!({ "incidents": n, "killed": totals(&killed), "injured": totals(&injured) })
}

/// Monthly series (months without a date are left out).
pub fn monthly(rows: &[StatsRow]) -> Vec<Value> {
    rows.iter()
        .filter_map(|r| {
            let month = r.key.as_deref().filter(|k| k.len() == 7)?;
            Some(json!({
                "month": month,
                "incidents": r.incidents,
                "killed": totals(&r.killed),
                "injured": r.injured.total,
            }))
        })
        .collect()
}

#[derive(Default)]
struct DistrictSum {
    province: Option<String>,
    lat: f64,
    lon: f64,
    located: u32,
    incidents: u64,
    killed: u64,
}

/// Incidents and deaths by district, at the mean coordinates of its incidents.
pub fn districts(incidents: &[Incident]) -> Vec<Value> {
    let mut by: BTreeMap<&str, DistrictSum> = BTreeMap::new();
    for inc in incidents {
        let Some(d) = inc.admin2.as_deref() else {
            continue;
        };
        let s = by.entry(d).or_default();
        s.province = s.province.take().or_else(|| inc.admin1.clone());
        s.incidents += 1;
        s.killed += u64::from(best_total(&inc.killed).unwrap_or(0));
        if let (Some(la), Some(lo)) = (inc.lat, inc.lon) {
            s.lat += la;
            s.lon += lo;
            s.located += 1;
        }
    }
    by.into_iter().map(|(d, s)| district_point(d, &s)).collect()
}

fn district_point(district: &str, s: &DistrictSum) -> Value {
    let mean = |v: f64| (s.located > 0).then(|| v / f64::from(s.located));
    json!({
        "district": district,
        "province": s.province,
        "lat": mean(s.lat),
        "lon": mean(s.lon),
        "incidents": s.incidents,
        "killed": s.killed,
    })
}

/// Order incidents by a sort key; ties (and missing values, always last) by id.
pub fn sort(incidents: &mut [Incident], sort: Sort) {
    incidents.sort_by(|a, b| {
        let ord = compare(a, b, sort.key);
        let ord = if sort.descending {
            reverse_keeping_missing_last(ord, a, b, sort.key)
        } else {
            ord
        };
        ord.then_with(|| a.id.cmp(&b.id))
    });
}

fn reverse_keeping_missing_last(ord: Ordering, a: &Incident, b: &Incident, key: &str) -> Ordering {
    match (sort_value(a, key), sort_value(b, key)) {
        (SortValue::Missing, _) | (_, SortValue::Missing) => ord,
        _ => ord.reverse(),
    }
}

#[derive(PartialEq, PartialOrd)]
enum SortValue {
    Number(i64),
    Text(String),
    Missing,
}

fn sort_value(inc: &Incident, key: &str) -> SortValue {
    let num = |v: Option<i64>| v.map_or(SortValue::Missing, SortValue::Number);
    let text =
        |v: Option<&str>| v.map_or(SortValue::Missing, |s| SortValue::Text(s.to_lowercase()));
    match key {
        "date" => num(inc.date.map(|d| d.ordinal())),
        "killed" => num(best_total(&inc.killed).map(i64::from)),
        "injured" => num(best_total(&inc.injured).map(i64::from)),
        "province" => text(inc.admin1.as_deref()),
        "district" => text(inc.admin2.as_deref()),
        "group" => text(inc.group.as_deref()),
        "type" => text(Some(inc.event_type.as_str())),
        "articles" => num(Some(inc.articles.len() as i64)),
        _ => text(Some(&inc.id)),
    }
}

fn compare(a: &Incident, b: &Incident, key: &str) -> Ordering {
    sort_value(a, key)
        .partial_cmp(&sort_value(b, key))
        .unwrap_or(Ordering::Equal)
}

/// The text between two code-point offsets.
pub fn span(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

/// The evidence ledger: one line per piece of evidence, with its sentence.
pub fn ledger(evidence: &[Evidence], sources: &[Source]) -> Vec<Value> {
    evidence
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let text = sources.iter().find(|s| s.id == e.article).map(|s| &s.text);
            json!({
                "n": i,
                "field": e.field,
                "value": e.value,
                "source": e.source,
                "article": e.article,
                "start": e.start,
                "end": e.end,
                "sentence": text.map(|t| span(t, e.start, e.end)),
            })
        })
        .collect()
}

/// Fields whose evidence states different values: each value with its articles.
pub fn disagreements(evidence: &[Evidence]) -> Vec<Value> {
    let mut by: BTreeMap<&str, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    for e in evidence {
        if let Some(v) = e.value.as_deref() {
            let articles = by.entry(&e.field).or_default().entry(v).or_default();
            if !articles.contains(&e.article.as_str()) {
                articles.push(&e.article);
            }
        }
    }
    by.into_iter()
        .filter(|(_, values)| values.len() > 1)
        .map(|(field, values)| {
            let values: Vec<Value> = values
                .into_iter()
                .map(|(v, a)| json!({ "value": v, "articles": a }))
                .collect();
            json!({ "field": field, "values": values })
        })
        .collect()
}

/// The stored articles behind an incident.
pub fn articles(sources: &[Source]) -> Vec<Value> {
    sources
        .iter()
        .map(|s| {
            json!({
                "id": s.id,
                "outlet": s.outlet,
                "url": s.url,
                "published": s.published,
                "text": s.text,
            })
        })
        .collect()
}

/// The versions of an incident, with what each changed in the headline figures.
pub fn history(entries: &[HistoryEntry]) -> Vec<Value> {
    entries
        .iter()
        .map(|h| {
            let inc = h.incident.as_ref();
            json!({
                "version": h.version,
                "at": h.at,
                "reason": h.reason,
                "removed": inc.is_none(),
                "killed": inc.and_then(|i| best_total(&i.killed)),
                "injured": inc.and_then(|i| best_total(&i.injured)),
                "articles": inc.map(|i| i.articles.len()),
            })
        })
        .collect()
}
