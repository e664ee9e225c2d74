//! Merging: one incident, many reports.
//!
//! Every article is coded alone by the extractor. This crate decides which of
//! those per-article incidents tell the same event, the way a human coder
//! would (compatible dates and places, the same locality, type and group,
//! figures that fit), and folds each group into one incident whose counts
//! span every report (UCDP-style low/best/high) and whose evidence keeps
//! every sentence, article and stated value: the provenance ledger.
//!
//! Determinism: reports are processed in a canonical order that does not
//! depend on input order, and an incident's id is derived from its earliest
//! member report, so the same corpus in any order gives the same output and
//! adding an unrelated article changes no existing id.

mod reconcile;
mod similarity;

use similarity::{score, Profile};
use std::collections::{BTreeMap, HashMap};
use tally_model::{ArticleReport, Incident, IncidentDate, Role};

/// How many days apart two reports of one incident may date it.
pub const DATE_WINDOW_DAYS: i64 = 3;
/// Minimum similarity for a report to join an incident.
pub const THRESHOLD: i32 = 3;

/// One per-article incident with what merging needs to know about its source.
#[derive(Debug, Clone)]
pub struct Member<'a> {
    pub incident: &'a Incident,
    pub article: &'a str,
    pub outlet: Option<&'a str>,
    pub published: Option<IncidentDate>,
    /// Sort key that does not depend on input order.
    key: String,
}

/// Merge the incidents of many per-article reports.
pub fn merge(reports: &[ArticleReport]) -> Vec<Incident> {
    let mut members: Vec<Member> = reports
        .iter()
        .flat_map(|r| {
            r.incidents.iter().map(move |inc| Member {
                incident: inc,
                article: &r.meta.id,
                outlet: r.meta.outlet.as_deref(),
                published: r.published,
                key: inc.id.clone(),
            })
        })
        .collect();
    members.sort_by(|a, b| canonical(a).cmp(&canonical(b)));
    let clusters = cluster(&members);
    let mut out: Vec<Incident> = clusters
        .iter()
        .map(|c| reconcile::fold(&c.iter().map(|&i| &members[i]).collect::<Vec<_>>()))
        .collect();
    out.sort_by(|a, b| (date_key(a.date), &a.id).cmp(&(date_key(b.date), &b.id)));
    out
}

fn date_key(d: Option<IncidentDate>) -> i64 {
    d.map(|d| d.ordinal()).unwrap_or(i64::MAX)
}

/// Dated main reports first (in date order), then mentions, then undated.
fn canonical<'m>(m: &'m Member) -> (i64, Role, &'m str) {
    (date_key(m.incident.date), m.incident.role, m.key.as_str())
}

/// Greedy clustering within blocks: a report is compared only with incidents
/// of the same province (or an unknown one) whose dates lie within the window.
fn cluster(members: &[Member]) -> Vec<Vec<usize>> {
    let mut clusters: Vec<Vec<usize>> = Vec::new();
    let mut profiles: Vec<Profile> = Vec::new();
    // Province -> clusters, in creation order (roughly date order).
    let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
    // District -> clusters, for reports without a date.
    let mut by_district: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, m) in members.iter().enumerate() {
        let p = Profile::of(m);
        let block = m.incident.admin1.clone().unwrap_or_default();
        let mut best: Option<(i32, usize)> = None;
        let candidates = match (p.day(), &p.admin2) {
            (None, Some(d)) => by_district.get(d).cloned().unwrap_or_default(),
            _ => candidate_clusters(&blocks, &block, &profiles, &p),
        };
        for c in candidates {
            if clusters[c].iter().any(|&j| members[j].article == m.article) {
                continue;
            }
            if let Some(s) = score(&p, &profiles[c]) {
                if s >= THRESHOLD && best.is_none_or(|(bs, bc)| s > bs || (s == bs && c < bc)) {
                    best = Some((s, c));
                }
            }
        }
        match best {
            Some((_, c)) => {
                clusters[c].push(i);
                profiles[c].absorb(&p);
            }
            None => {
                clusters.push(vec![i]);
                if let Some(d) = &p.admin2 {
                    by_district
                        .entry(d.clone())
                        .or_default()
                        .push(clusters.len() - 1);
                }
                profiles.push(p);
                blocks.entry(block).or_default().push(clusters.len() - 1);
            }
        }
    }
    clusters
}

/// Clusters worth comparing: same province block (and the unknown-province
/// block), dated within the window or undated. Blocks are scanned from the
/// newest cluster back until dates fall out of the window, so the cost per
/// report stays bounded as the corpus grows.
fn candidate_clusters(
    blocks: &HashMap<String, Vec<usize>>,
    block: &str,
    profiles: &[Profile],
    p: &Profile,
) -> Vec<usize> {
    let mut out = Vec::new();
    let mut names: Vec<&str> = vec![block];
    if !block.is_empty() {
        names.push("");
    } else {
        names.extend(blocks.keys().map(String::as_str).filter(|k| !k.is_empty()));
    }
    for name in names {
        let Some(list) = blocks.get(name) else {
            continue;
        };
        let mut undated_budget = 200;
        for &c in list.iter().rev() {
            match (profiles[c].day(), p.day()) {
                (Some(cd), Some(pd)) => {
                    if pd - cd > 31 + 7 {
                        break;
                    }
                    out.push(c);
                }
                _ => {
                    if undated_budget == 0 {
                        break;
                    }
                    undated_budget -= 1;
                    out.push(c);
                }
            }
        }
    }
    out
}

/// The articles of each merged incident, for tests and diagnostics.
pub fn groups(incidents: &[Incident]) -> BTreeMap<String, Vec<String>> {
    incidents
        .iter()
        .map(|i| (i.id.clone(), i.articles.clone()))
        .collect()
}

#[cfg(test)]
mod tests;
