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

/// Greedy clustering within blocks: a report is compared only with
/// incidents of its own district (or of its province when either side has
/// no district) whose dates lie within the window, so the cost per report
/// stays bounded as the corpus grows.
fn cluster(members: &[Member]) -> Vec<Vec<usize>> {
    let mut clusters: Vec<Vec<usize>> = Vec::new();
    let mut profiles: Vec<Profile> = Vec::new();
    let mut blocks = Blocks::default();
    // Article ids as small integers: one article never reports one incident twice.
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let article_of: Vec<usize> = members
        .iter()
        .map(|m| {
            let n = ids.len();
            *ids.entry(m.article).or_insert(n)
        })
        .collect();
    for (i, m) in members.iter().enumerate() {
        let p = Profile::of(m);
        let mut best: Option<(i32, usize)> = None;
        for c in blocks.candidates(&p, &profiles) {
            if clusters[c].iter().any(|&j| article_of[j] == article_of[i]) {
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
                blocks.add(clusters.len() - 1, &p);
                profiles.push(p);
            }
        }
    }
    clusters
}

/// Indexes of incidents by district and by province, in creation order
/// (which is date order, as reports are processed by date).
#[derive(Default)]
struct Blocks {
    by_district: HashMap<String, Vec<usize>>,
    /// Incidents with a province but no district.
    province_only: HashMap<String, Vec<usize>>,
    by_province: HashMap<String, Vec<usize>>,
}

impl Blocks {
    fn add(&mut self, c: usize, p: &Profile) {
        let province = p.admin1.clone().unwrap_or_default();
        match &p.admin2 {
            Some(d) => self.by_district.entry(d.clone()).or_default().push(c),
            None => self
                .province_only
                .entry(province.clone())
                .or_default()
                .push(c),
        }
        self.by_province.entry(province).or_default().push(c);
    }

    fn candidates(&self, p: &Profile, profiles: &[Profile]) -> Vec<usize> {
        let province = p.admin1.clone().unwrap_or_default();
        let lists: Vec<&Vec<usize>> = match &p.admin2 {
            Some(d) => [self.by_district.get(d), self.province_only.get(&province)]
                .into_iter()
                .flatten()
                .collect(),
            None if province.is_empty() => self.by_province.values().collect(),
            None => self.by_province.get(&province).into_iter().collect(),
        };
        let mut out = Vec::new();
        for list in lists {
            recent_within_window(list, profiles, p, &mut out);
        }
        out
    }
}

/// Walk a block from its newest incident back while dates stay within the
/// window; undated reports look at a bounded number of the newest ones.
fn recent_within_window(list: &[usize], profiles: &[Profile], p: &Profile, out: &mut Vec<usize>) {
    const UNDATED_BUDGET: usize = 400;
    let mut budget = UNDATED_BUDGET;
    for &c in list.iter().rev() {
        match (profiles[c].day(), p.day()) {
            (Some(cd), Some(pd)) => {
                if pd - cd > 31 + 7 {
                    break;
                }
                out.push(c);
            }
            _ => {
                if budget == 0 {
                    break;
                }
                budget -= 1;
                out.push(c);
            }
        }
    }
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
