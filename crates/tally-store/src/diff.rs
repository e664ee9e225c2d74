//! Reasons for history rows: what changed in an incident, in words.

use std::collections::HashMap;
use tally_model::{Casualties, Category, Incident};

/// A change to one incident, as found by an ingest.
pub(crate) enum Change<'a> {
    New {
        new: &'a Incident,
    },
    Updated {
        old: &'a Incident,
        new: &'a Incident,
    },
    Removed {
        old: &'a Incident,
        /// Article id -> ids of the merged incidents that list it.
        by_article: &'a HashMap<&'a str, Vec<&'a str>>,
    },
}

/// The reason recorded in the history row.
pub(crate) fn describe(change: &Change) -> String {
    match change {
        Change::New { new } => format!("new incident from {}", new.articles.join(", ")),
        Change::Updated { old, new } => updated(old, new).join("; "),
        Change::Removed { old, by_article } => match successor(old, by_article) {
            Some(id) => format!("removed: merged into {id}"),
            None => "removed: its reports no longer make an incident".to_string(),
        },
    }
}

fn updated(old: &Incident, new: &Incident) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in new.articles.iter().filter(|a| !old.articles.contains(a)) {
        out.push(format!("report {a} merged in"));
    }
    for a in old.articles.iter().filter(|a| !new.articles.contains(a)) {
        out.push(format!("report {a} moved out"));
    }
    let show = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let fields = [
        (
            "date",
            old.date.map(|d| d.to_string()),
            new.date.map(|d| d.to_string()),
        ),
        ("admin1", old.admin1.clone(), new.admin1.clone()),
        ("admin2", old.admin2.clone(), new.admin2.clone()),
        ("place", old.place.clone(), new.place.clone()),
        (
            "event_type",
            Some(old.event_type.to_string()),
            Some(new.event_type.to_string()),
        ),
        ("group", old.group.clone(), new.group.clone()),
        (
            "claimed",
            Some(old.claimed.to_string()),
            Some(new.claimed.to_string()),
        ),
        (
            "role",
            Some(format!("{:?}", old.role)),
            Some(format!("{:?}", new.role)),
        ),
    ];
    for (name, a, b) in fields {
        if a != b {
            out.push(format!("{name} {} -> {}", show(a), show(b)));
        }
    }
    counts("killed", &old.killed, &new.killed, &mut out);
    counts("injured", &old.injured, &new.injured, &mut out);
    if out.is_empty() {
        out.push("evidence updated".to_string());
    }
    out
}

fn counts(outcome: &str, old: &Casualties, new: &Casualties, out: &mut Vec<String>) {
    for cat in Category::ALL {
        let (a, b) = (old.get(cat), new.get(cat));
        let name = format!("{outcome}.{}", cat.as_str());
        let best =
            |c: Option<tally_model::Count>| c.map_or("-".to_string(), |c| c.best.to_string());
        if a.map(|c| c.best) != b.map(|c| c.best) {
            out.push(format!("{name} best {} -> {}", best(a), best(b)));
        } else if a != b {
            out.push(format!("{name} range widened"));
        }
    }
}

/// The merged incident that took most of a vanished incident's articles.
fn successor<'m>(old: &Incident, by_article: &HashMap<&str, Vec<&'m str>>) -> Option<&'m str> {
    let mut shared: HashMap<&str, usize> = HashMap::new();
    for a in &old.articles {
        for id in by_article.get(a.as_str()).into_iter().flatten() {
            *shared.entry(id).or_insert(0) += 1;
        }
    }
    shared
        .into_iter()
        .max_by(|(x, a), (y, b)| a.cmp(b).then_with(|| y.cmp(x)))
        .map(|(id, _)| id)
}
