//! The JSON the API sends, built from the store's values.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use tally_model::Evidence;
use tally_store::{
    best_total, DistrictPoint, HistoryEntry, IncidentSummary, Source, StatsRow, Totals,
};

/// One line of `/api/incidents`.
pub fn incident_row(inc: &IncidentSummary) -> Value {
    json!({
        "id": inc.id,
        "date": inc.date,
        "province": inc.admin1,
        "district": inc.admin2,
        "place": inc.place,
        "lat": inc.lat,
        "lon": inc.lon,
        "type": inc.event_type,
        "group": inc.group,
        "claimed": inc.claimed,
        "killed": inc.killed,
        "killed_by": {
            "security_forces": inc.killed_security_forces,
            "civilians": inc.killed_civilians,
            "militants": inc.killed_militants,
        },
        "injured": inc.injured,
        "articles": inc.articles,
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

/// District points of `/api/stats`.
pub fn districts(points: &[DistrictPoint]) -> Vec<Value> {
    points
        .iter()
        .map(|p| {
            json!({
                "district": p.district,
                "province": p.province,
                "lat": p.lat,
                "lon": p.lon,
                "incidents": p.incidents,
                "killed": p.killed,
            })
        })
        .collect()
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
