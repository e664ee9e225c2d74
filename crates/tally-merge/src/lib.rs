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

pub use reconcile::incident_id;
pub use similarity::Profile;

use serde::{Deserialize, Serialize};
use similarity::score;
use std::collections::{BTreeMap, HashMap};
use tally_model::{ArticleReport, Incident, IncidentDate, Role};

/// How many days apart two reports of one incident may date it.
pub const DATE_WINDOW_DAYS: i64 = 3;
/// Minimum similarity for a report to join an incident.
pub const THRESHOLD: i32 = 3;

/// One per-article incident with what folding needs to know about its source.
#[derive(Debug, Clone)]
pub struct Member<'a> {
    pub incident: &'a Incident,
    pub article: &'a str,
    pub outlet: Option<&'a str>,
    pub published: Option<IncidentDate>,
}

impl<'a> Member<'a> {
    /// Every per-article incident of a report.
    pub fn of_report(r: &'a ArticleReport) -> impl Iterator<Item = Member<'a>> + 'a {
        r.incidents.iter().map(move |inc| Member {
            incident: inc,
            article: &r.meta.id,
            outlet: r.meta.outlet.as_deref(),
            published: r.published,
        })
    }
}

/// What clustering reads of one per-article incident: small enough for a
/// store to keep for every report, so an incremental ingest can re-cluster
/// without reloading the reports themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sketch {
    /// The per-article incident id (`article#n`), unique in a corpus.
    pub key: String,
    pub article: String,
    pub profile: Profile,
}

impl Sketch {
    /// The sketch of one per-article incident of an article published on `published`.
    pub fn of(incident: &Incident, article: &str, published: Option<IncidentDate>) -> Sketch {
        Sketch {
            key: incident.id.clone(),
            article: article.to_string(),
            profile: Profile::of(incident, published),
        }
    }

    /// The sketches of every per-article incident of a report.
    pub fn of_report(r: &ArticleReport) -> Vec<Sketch> {
        r.incidents
            .iter()
            .map(|inc| Sketch::of(inc, &r.meta.id, r.published))
            .collect()
    }

    /// Sort key that does not depend on input order: dated main reports
    /// first (in date order), then mentions, then undated.
    fn canonical(&self) -> (i64, Role, &str) {
        let date = self.profile.dates.first().copied();
        (date_key(date), self.profile.role, self.key.as_str())
    }
}

/// Merge the incidents of many per-article reports.
pub fn merge(reports: &[ArticleReport]) -> Vec<Incident> {
    let members: Vec<Member> = reports.iter().flat_map(Member::of_report).collect();
    let sketches: Vec<Sketch> = members
        .iter()
        .map(|m| Sketch::of(m.incident, m.article, m.published))
        .collect();
    let mut out: Vec<Incident> = cluster(&sketches)
        .iter()
        .map(|c| fold(&c.iter().map(|&i| &members[i]).collect::<Vec<_>>()))
        .collect();
    sort_incidents(&mut out);
    out
}

/// Fold the members of one cluster into one incident.
pub fn fold(members: &[&Member]) -> Incident {
    reconcile::fold(members)
}

/// The output order: by date, then id.
pub fn sort_incidents(incidents: &mut [Incident]) {
    incidents.sort_by(|a, b| (date_key(a.date), &a.id).cmp(&(date_key(b.date), &b.id)));
}

fn date_key(d: Option<IncidentDate>) -> i64 {
    d.map(|d| d.ordinal()).unwrap_or(i64::MAX)
}

/// Group sketches into incidents; each cluster lists indexes into
/// `sketches`. The result does not depend on the order of `sketches`.
///
/// Greedy clustering within blocks: a report is compared only with
/// incidents of its own district (or of its province when either side has
/// no district) whose dates lie within the window, so the cost per report
/// stays bounded as the corpus grows.
pub fn cluster(sketches: &[Sketch]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..sketches.len()).collect();
    order.sort_by(|&a, &b| sketches[a].canonical().cmp(&sketches[b].canonical()));
    let mut clusters: Vec<Vec<usize>> = Vec::new();
    let mut profiles: Vec<Profile> = Vec::new();
    let mut blocks = Blocks::default();
    // Article ids as small integers: one article never reports one incident twice.
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let article_of: Vec<usize> = sketches
        .iter()
        .map(|s| {
            let n = ids.len();
            *ids.entry(s.article.as_str()).or_insert(n)
        })
        .collect();
    for i in order {
        let p = &sketches[i].profile;
        let mut best: Option<(i32, usize)> = None;
        for c in blocks.candidates(p, &profiles) {
            let Some(s) = score(p, &profiles[c]) else {
                continue;
            };
            let better =
                s >= THRESHOLD && best.is_none_or(|(bs, bc)| s > bs || (s == bs && c < bc));
            // Checked last: it is the costliest test and rarely fails.
            if better && !clusters[c].iter().any(|&j| article_of[j] == article_of[i]) {
                best = Some((s, c));
            }
        }
        match best {
            Some((_, c)) => {
                clusters[c].push(i);
                profiles[c].absorb(p);
            }
            None => {
                clusters.push(vec![i]);
                blocks.add(clusters.len() - 1, p);
                profiles.push(p.clone());
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
