//! Folding the reports of one incident into one record.
//!
//! Counts follow UCDP GED: `low` is the lowest figure any report supports,
//! `high` the highest (open when any report is open-ended: "more than 80"),
//! and `best` is the figure of the most recently published report that gives
//! one (a later "the death toll rose to 12" beats an earlier 9; ties take the
//! larger figure). Other fields take the majority of reports, with main
//! reports before background mentions; the group prefers reports that carry
//! a claim; targets are the union. Every member's evidence is kept.

use crate::Member;
use std::collections::BTreeMap;
use tally_model::{
    Casualties, Category, Count, EventType, Incident, IncidentDate, Outcome, Precision, Role,
};

pub fn fold(members: &[&Member]) -> Incident {
    let main: Vec<&&Member> = members
        .iter()
        .filter(|m| m.incident.role == Role::Main)
        .collect();
    let voters: Vec<&Member> = if main.is_empty() {
        members.to_vec()
    } else {
        main.into_iter().copied().collect()
    };
    let mut articles: Vec<String> = members.iter().map(|m| m.article.to_string()).collect();
    articles.sort();
    articles.dedup();
    let admin2 = majority(voters.iter().filter_map(|m| m.incident.admin2.clone()));
    let with_district = voters
        .iter()
        .find(|m| m.incident.admin2.is_some() && m.incident.admin2 == admin2)
        .or_else(|| voters.iter().find(|m| m.incident.admin1.is_some()))
        .copied();
    let place = majority(
        members
            .iter()
            .filter(|m| m.incident.admin2 == admin2)
            .filter_map(|m| m.incident.place.clone()),
    );
    let located = members
        .iter()
        .find(|m| place.is_some() && m.incident.place == place)
        .copied()
        .or(with_district);
    let claimed: Vec<&Member> = members
        .iter()
        .filter(|m| m.incident.claimed)
        .copied()
        .collect();
    let group_pool: &[&Member] = if claimed.is_empty() {
        &voters
    } else {
        &claimed
    };
    let mut evidence: Vec<_> = members
        .iter()
        .flat_map(|m| m.incident.evidence.iter().cloned())
        .collect();
    evidence.sort_by(|a, b| (&a.article, a.start, &a.field).cmp(&(&b.article, b.start, &b.field)));
    evidence.dedup();
    let mut targets: Vec<_> = members
        .iter()
        .flat_map(|m| m.incident.targets.iter().copied())
        .collect();
    targets.sort();
    targets.dedup();
    Incident {
        id: stable_id(members),
        articles,
        role: if members.iter().any(|m| m.incident.role == Role::Main) {
            Role::Main
        } else {
            Role::Mentioned
        },
        date: date_vote(&voters).or_else(|| date_vote(members)),
        country: "Pakistan".into(),
        admin1: with_district.and_then(|m| m.incident.admin1.clone()),
        admin2,
        place,
        lat: located.and_then(|m| m.incident.lat),
        lon: located.and_then(|m| m.incident.lon),
        event_type: type_vote(&voters),
        group: majority(group_pool.iter().filter_map(|m| m.incident.group.clone())),
        claimed: !claimed.is_empty(),
        // Foiled only when most main reports say so: a later report that the
        // bomb went off outweighs an early "defused".
        foiled: 2 * voters.iter().filter(|m| m.incident.foiled).count() > voters.len(),
        targets,
        killed: counts(members, Outcome::Killed),
        injured: counts(members, Outcome::Injured),
        corrections: Vec::new(),
        doubts: Vec::new(),
        confidence: None,
        evidence,
    }
}

/// The most frequent value; ties go to the smallest, for determinism.
fn majority<T: Ord>(values: impl Iterator<Item = T>) -> Option<T> {
    let mut tally: BTreeMap<T, usize> = BTreeMap::new();
    for v in values {
        *tally.entry(v).or_insert(0) += 1;
    }
    let top = tally.values().copied().max()?;
    tally.into_iter().find(|(_, n)| *n == top).map(|(v, _)| v)
}

/// Day-precise dates outvote vaguer ones; among equals the most reported, then the earliest.
fn date_vote(members: &[&Member]) -> Option<IncidentDate> {
    for precision in [Precision::Day, Precision::Month, Precision::Year] {
        let d = majority(
            members
                .iter()
                .filter_map(|m| m.incident.date)
                .filter(|d| d.precision() == precision),
        );
        if d.is_some() {
            return d;
        }
    }
    None
}

fn type_vote(members: &[&Member]) -> EventType {
    majority(
        members
            .iter()
            .map(|m| m.incident.event_type)
            .filter(|t| *t != EventType::Other),
    )
    .unwrap_or(EventType::Other)
}

fn counts(members: &[&Member], outcome: Outcome) -> Casualties {
    let mut out = Casualties::default();
    for cat in Category::ALL {
        let mut given: Vec<(&Member, Count)> = members
            .iter()
            .filter_map(|m| m.incident.casualties(outcome).get(cat).map(|c| (*m, c)))
            .collect();
        if given.is_empty() {
            continue;
        }
        // Main reports speak for the incident; mentions only when nothing else does.
        if given.iter().any(|(m, _)| m.incident.role == Role::Main) {
            given.retain(|(m, _)| m.incident.role == Role::Main);
        }
        let mut span = given[0].1;
        for (_, c) in &given[1..] {
            span.widen(c);
        }
        let latest = given
            .iter()
            .max_by_key(|(m, c)| (m.published.map(|d| d.ordinal()), c.best))
            .map(|(_, c)| c.best)
            .unwrap_or(span.best);
        span.best = latest;
        span.low = span.low.min(latest);
        if let Some(h) = span.high {
            span.high = Some(h.max(latest));
        }
        out.set(cat, Some(span));
    }
    out
}

/// The incident's id, from its smallest member key (`ids.rs`).
fn stable_id(members: &[&Member]) -> String {
    crate::incident_id(members.iter().map(|m| m.incident.id.as_str()))
}
