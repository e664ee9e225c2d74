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

mod confidence;
mod doubt;
mod ids;
mod linkage;
mod reconcile;
mod similarity;

pub use confidence::{
    doubt_score, embedded_confidence_file, is_coded, reviewed, settle, ConfidenceModel,
    ReviewStanding, FIELDS as CONFIDENCE_FIELDS, REVIEWED,
};
pub use doubt::doubts;
pub use ids::{incident_id, IdHash};
pub use linkage::{
    embedded_linkage_files, Level, Levels, Linkage, LinkageError, Neighbours, Weights, COMPARISONS,
};
pub use similarity::Profile;

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use tally_model::{ArticleReport, Incident, IncidentDate, Role};

/// How many days apart two reports of one incident may date it.
pub const DATE_WINDOW_DAYS: i64 = 3;
/// How far back (days) blocking looks for incidents a dated report may join:
/// a month of follow-ups plus the week a publication day may trail the event.
pub const BLOCK_DAYS: i64 = 31 + 7;

/// One per-article incident with what folding needs to know about its source.
#[derive(Debug, Clone)]
pub struct Member<'a> {
    pub incident: &'a Incident,
    pub article: &'a str,
    pub outlet: Option<&'a str>,
    pub published: Option<IncidentDate>,
    /// The relevance classifier's score of its article (doubt when borderline).
    pub relevance: f32,
    /// How many incidents its article reports as news (figures may be
    /// given to the wrong one when several are).
    pub news_in_article: usize,
}

impl<'a> Member<'a> {
    /// Every per-article incident of a report.
    pub fn of_report(r: &'a ArticleReport) -> impl Iterator<Item = Member<'a>> + 'a {
        let news_in_article = r.incidents.iter().filter(|i| i.role == Role::Main).count();
        r.incidents.iter().map(move |inc| Member {
            incident: inc,
            article: &r.meta.id,
            outlet: r.meta.outlet.as_deref(),
            published: r.published,
            relevance: r.relevance.score,
            news_in_article,
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

    /// The day (ordinal) this report sorts by when clustering: its first
    /// date, of whatever precision; None for an undated report.
    pub fn canonical_day(&self) -> Option<i64> {
        self.profile.dates.first().map(|d| d.ordinal())
    }

    /// Sort key that does not depend on input order: dated main reports
    /// first (in date order), then mentions, then undated.
    fn canonical(&self) -> (i64, Role, &str) {
        let date = self.profile.dates.first().copied();
        (date_key(date), self.profile.role, self.key.as_str())
    }
}

/// Merge the incidents of many per-article reports.
pub fn merge(reports: &[ArticleReport], linkage: &Linkage) -> Vec<Incident> {
    let members: Vec<Member> = reports.iter().flat_map(Member::of_report).collect();
    let sketches: Vec<Sketch> = members
        .iter()
        .map(|m| Sketch::of(m.incident, m.article, m.published))
        .collect();
    let mut out: Vec<Incident> = cluster(&sketches, linkage)
        .iter()
        .map(|c| fold(&c.iter().map(|&i| &members[i]).collect::<Vec<_>>()))
        .collect();
    sort_incidents(&mut out);
    out
}

/// Fold the members of one cluster into one incident, with its doubts and confidence.
pub fn fold(members: &[&Member]) -> Incident {
    let mut inc = reconcile::fold(members);
    inc.doubts = doubt::doubts(&inc, members);
    inc.confidence = Some(ConfidenceModel::embedded().estimate(&inc));
    inc
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
/// Every pair of reports from different articles that blocking lets meet is
/// scored (Fellegi-Sunter posterior log-odds, `linkage.rs`); the pairs that
/// reach the threshold are taken strongest first, and each joins the two
/// clusters it links unless that would put two reports of one article in
/// one incident (one article's separate clashes stay apart) or join two
/// reports that cannot be one incident (days that cannot meet, or a pair
/// below the veto score): a chain of matches never joins incompatible
/// reports, and a report ends with the cluster it matches best. Blocking
/// keeps the cost per report bounded: only reports of the same province
/// (or with none), dated within a month and a week before it, are
/// compared; the district is evidence, and only non-adjacent districts
/// (an `@veto` level in the weights file) forbid a link.
pub fn cluster(sketches: &[Sketch], linkage: &Linkage) -> Vec<Vec<usize>> {
    cluster_with(sketches, linkage, None).0
}

/// `cluster`, with the prior shift given (`Some`: a store re-clustering
/// part of its corpus keeps the shift of the whole) or computed from these
/// sketches (`None`); also returns the shift used.
pub fn cluster_with(
    sketches: &[Sketch],
    linkage: &Linkage,
    shift: Option<f64>,
) -> (Vec<Vec<usize>>, f64) {
    let (order, article_of) = canonical(sketches);
    let (links, shift) = scored_links(sketches, &order, &article_of, (linkage, shift));
    let mut sets = Sets::new(sketches.len());
    for (_, a, b) in links {
        let (ra, rb) = (sets.root(a), sets.root(b));
        if ra != rb
            && may_join(
                &sets.members[ra],
                &sets.members[rb],
                &article_of,
                sketches,
                (linkage, shift),
            )
        {
            sets.join(ra, rb);
        }
    }
    // Clusters in canonical order of their first report, members likewise.
    let rank: Vec<usize> = {
        let mut r = vec![0; sketches.len()];
        for (k, &i) in order.iter().enumerate() {
            r[i] = k;
        }
        r
    };
    let mut clusters: Vec<Vec<usize>> = Vec::new();
    for &i in &order {
        if sets.root(i) == i {
            let mut m = std::mem::take(&mut sets.members[i]);
            m.sort_by_key(|&j| rank[j]);
            clusters.push(m);
        }
    }
    clusters.sort_by_key(|c| rank[c[0]]);
    (clusters, shift)
}

/// The reports before `first_new` that some report from `first_new` on
/// links to (from another article, on days that may meet, with posterior
/// log-odds under `shift` reaching the threshold), within blocking's reach
/// of its date (an undated one: the newest reports of its province): the
/// stored reports an ingest of new ones can move.
pub fn linked_to_new(
    sketches: &[Sketch],
    first_new: usize,
    linkage: &Linkage,
    shift: f64,
) -> Vec<usize> {
    let mut by_province: HashMap<&str, Vec<(i64, usize)>> = HashMap::new();
    let mut undated: Vec<usize> = Vec::new();
    for (i, s) in sketches[..first_new].iter().enumerate() {
        match s.canonical_day() {
            Some(day) => {
                let province = s.profile.admin1.as_deref().unwrap_or("");
                by_province.entry(province).or_default().push((day, i));
            }
            None => undated.push(i),
        }
    }
    for list in by_province.values_mut() {
        list.sort_unstable();
    }
    let threshold = linkage.weights.threshold - shift;
    let mut linked = vec![false; first_new];
    for new in &sketches[first_new..] {
        let lists: Vec<&Vec<(i64, usize)>> = match new.profile.admin1.as_deref() {
            Some(province) => [by_province.get(province), by_province.get("")]
                .into_iter()
                .flatten()
                .collect(),
            None => by_province.values().collect(),
        };
        let day = new.canonical_day();
        let near = lists.into_iter().flat_map(|list| {
            // An undated report sorts last and meets the newest reports.
            let (from, to) = match day {
                Some(day) => (
                    list.partition_point(|e| e.0 < day - BLOCK_DAYS),
                    list.partition_point(|e| e.0 <= day + BLOCK_DAYS),
                ),
                None => (list.len().saturating_sub(UNDATED_BUDGET), list.len()),
            };
            list[from..to].iter().map(|e| e.1)
        });
        for j in near.chain(undated.iter().copied()) {
            let (p, q) = (&new.profile, &sketches[j].profile);
            if !linked[j]
                && sketches[j].article != new.article
                && days_may_meet(p, q)
                && linkage.score(p, q) >= threshold
            {
                linked[j] = true;
            }
        }
    }
    (0..first_new).filter(|&j| linked[j]).collect()
}

/// The canonical order of the reports, and each report's article as a
/// small integer (one article never reports one incident twice).
fn canonical(sketches: &[Sketch]) -> (Vec<usize>, Vec<usize>) {
    let mut order: Vec<usize> = (0..sketches.len()).collect();
    order.sort_by(|&a, &b| sketches[a].canonical().cmp(&sketches[b].canonical()));
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let article_of: Vec<usize> = sketches
        .iter()
        .map(|s| {
            let n = ids.len();
            *ids.entry(s.article.as_str()).or_insert(n)
        })
        .collect();
    (order, article_of)
}

/// Every pair of reports from different articles that blocking lets meet
/// and whose posterior log-odds reach the threshold, strongest first (ties
/// in canonical order, so the result does not depend on input order).
fn scored_links(
    sketches: &[Sketch],
    order: &[usize],
    article_of: &[usize],
    (linkage, fixed_shift): (&Linkage, Option<f64>),
) -> (Vec<(f64, usize, usize)>, f64) {
    let mut blocks = Blocks::default();
    // The day of each report in canonical order, computed once: blocking
    // walks thousands of candidates per report in a dense corpus.
    let days: Vec<Option<i64>> = order.iter().map(|&i| sketches[i].profile.day()).collect();
    let assumed: Vec<bool> = order
        .iter()
        .map(|&i| sketches[i].profile.date_assumed)
        .collect();
    let mut scored: Vec<(f64, usize, usize, usize, usize)> = Vec::new();
    let mut compared = 0;
    let mut candidates = Vec::new();
    for (k, &i) in order.iter().enumerate() {
        let p = &sketches[i].profile;
        blocks.candidates(p, days[k], &days, &mut candidates);
        for &c in &candidates {
            let j = order[c];
            if article_of[j] == article_of[i]
                || !days_meet((days[k], assumed[k]), (days[c], assumed[c]))
            {
                continue;
            }
            compared += 1;
            let score = linkage.score(p, &sketches[j].profile);
            if score >= linkage.weights.threshold - linkage::MAX_PRIOR_RISE {
                scored.push((score, c, k, j, i));
            }
        }
        blocks.add(k, p);
    }
    let shift =
        fixed_shift.unwrap_or_else(|| linkage.weights.prior_shift(sketches.len(), compared));
    let threshold = linkage.weights.threshold;
    let mut links: Vec<_> = scored
        .into_iter()
        .filter(|x| x.0 + shift >= threshold)
        .collect();
    links.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    let links = links
        .into_iter()
        .map(|(s, _, _, j, i)| (s + shift, j, i))
        .collect();
    (links, shift)
}

/// How much the prior log2-odds of this corpus differ from the weights
/// file's (see `Weights::prior_shift`).
pub fn prior_shift(sketches: &[Sketch], linkage: &Linkage) -> f64 {
    let (order, article_of) = canonical(sketches);
    scored_links(sketches, &order, &article_of, (linkage, None)).1
}

/// Whether two clusters may become one: no article in both (one article's
/// separate clashes stay apart), and no pair across them that cannot be one
/// incident, so a chain of matches never joins incompatible reports.
fn may_join(
    a: &[usize],
    b: &[usize],
    article_of: &[usize],
    sketches: &[Sketch],
    (linkage, shift): (&Linkage, f64),
) -> bool {
    /// Posterior log2-odds below which two reports cannot share a cluster.
    const VETO: f64 = -12.0;
    a.iter().all(|&i| {
        b.iter().all(|&j| {
            let (p, q) = (&sketches[i].profile, &sketches[j].profile);
            article_of[i] != article_of[j]
                && days_may_meet(p, q)
                && linkage.score(p, q) + shift >= VETO
        })
    })
}

/// Disjoint sets of reports (union by size, path halving), each root
/// holding its members.
struct Sets {
    parent: Vec<usize>,
    members: Vec<Vec<usize>>,
}

impl Sets {
    fn new(n: usize) -> Sets {
        Sets {
            parent: (0..n).collect(),
            members: (0..n).map(|i| vec![i]).collect(),
        }
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (big, small) = if self.members[a].len() >= self.members[b].len() {
            (a, b)
        } else {
            (b, a)
        };
        self.parent[small] = big;
        let moved = std::mem::take(&mut self.members[small]);
        self.members[big].extend(moved);
    }
}

/// One comparison behind a clustering decision, for `tally explain`.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The other report's key (`article#n`).
    pub key: String,
    /// Posterior log2-odds of the pair.
    pub score: f64,
    pub levels: Levels,
    /// Why the pair ended as it did, in words.
    pub why: &'static str,
}

/// Why one report sits in its cluster: its strongest partner there, and the
/// strongest report outside the cluster that blocking let it meet.
#[derive(Debug, Clone)]
pub struct Placement {
    pub key: String,
    pub partner: Option<Candidate>,
    pub rejected: Option<Candidate>,
}

/// Explain the cluster `members` (indexes into `sketches`, as `cluster`
/// returned them): for each member, the pair that holds it there and the
/// best candidate that was left out. Scores include the corpus's prior
/// `shift` (`prior_shift`).
pub fn explain_cluster(
    sketches: &[Sketch],
    members: &[usize],
    linkage: &Linkage,
    shift: f64,
) -> Vec<Placement> {
    let threshold = linkage.weights.threshold - shift;
    let candidate = |i: usize, j: usize, why: &'static str| Candidate {
        key: sketches[j].key.clone(),
        score: linkage.score(&sketches[i].profile, &sketches[j].profile) + shift,
        levels: linkage.levels(&sketches[i].profile, &sketches[j].profile),
        why,
    };
    let best = |list: Vec<Candidate>| list.into_iter().max_by(|a, b| a.score.total_cmp(&b.score));
    members
        .iter()
        .map(|&i| {
            let partners = members
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| {
                    let linked = linkage.score(&sketches[i].profile, &sketches[j].profile) >= threshold;
                    candidate(i, j, if linked { "linked" } else { "joined through another member" })
                })
                .collect();
            let outside = (0..sketches.len())
                .filter(|j| !members.contains(j) && blocked_together(&sketches[i], &sketches[*j]))
                .map(|j| {
                    let why = if members.iter().any(|&m| sketches[m].article == sketches[j].article) {
                        "its article already has a report in this incident"
                    } else if linkage.score(&sketches[i].profile, &sketches[j].profile) < threshold {
                        "below the threshold"
                    } else {
                        "linked more strongly elsewhere, or a pair across the two incidents is incompatible"
                    };
                    candidate(i, j, why)
                })
                .collect();
            Placement {
                key: sketches[i].key.clone(),
                partner: best(partners),
                rejected: best(outside),
            }
        })
        .collect()
}

/// Whether blocking lets two reports meet: different articles, the same
/// province (or either has none), days that may meet.
fn blocked_together(x: &Sketch, y: &Sketch) -> bool {
    let provinces = match (&x.profile.admin1, &y.profile.admin1) {
        (Some(p), Some(q)) => p == q,
        _ => true,
    };
    x.article != y.article && provinces && days_may_meet(&x.profile, &y.profile)
}

/// Pairs of sketches from different articles that blocking lets merging
/// compare (for estimating the linkage weights on labelled corpora).
pub fn candidate_pairs(sketches: &[Sketch]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for a in 0..sketches.len() {
        for b in a + 1..sketches.len() {
            if blocked_together(&sketches[a], &sketches[b]) {
                out.push((a, b));
            }
        }
    }
    out
}

/// Blocking on days: two stated days at most `DATE_WINDOW_DAYS` apart; a
/// publication day (an undated report) up to a week after the stated day;
/// reports without a day meet any.
fn days_may_meet(a: &Profile, b: &Profile) -> bool {
    days_meet((a.day(), a.date_assumed), (b.day(), b.date_assumed))
}

/// `days_may_meet` on each report's day and whether it was assumed.
fn days_meet((x, a_assumed): (Option<i64>, bool), (y, b_assumed): (Option<i64>, bool)) -> bool {
    const PUBLICATION_LAG_DAYS: i64 = 7;
    let (Some(x), Some(y)) = (x, y) else {
        return true;
    };
    match (a_assumed, b_assumed) {
        (false, false) => (x - y).abs() <= DATE_WINDOW_DAYS,
        (true, false) => (0..=PUBLICATION_LAG_DAYS).contains(&(x - y)),
        (false, true) => (0..=PUBLICATION_LAG_DAYS).contains(&(y - x)),
        (true, true) => (x - y).abs() <= PUBLICATION_LAG_DAYS,
    }
}

/// Indexes of incidents by province, in creation order (which is date
/// order, as reports are processed by date); incidents without a province
/// sit in the "" block, compared with every report.
#[derive(Default)]
struct Blocks {
    by_province: HashMap<String, Vec<usize>>,
}

impl Blocks {
    fn add(&mut self, c: usize, p: &Profile) {
        let province = p.admin1.clone().unwrap_or_default();
        self.by_province.entry(province).or_default().push(c);
    }

    /// The reports `p` (whose day is `day`) is compared with, into `out`.
    fn candidates(
        &self,
        p: &Profile,
        day: Option<i64>,
        days: &[Option<i64>],
        out: &mut Vec<usize>,
    ) {
        let lists: Vec<&Vec<usize>> = match p.admin1.as_deref() {
            Some(province) => [self.by_province.get(province), self.by_province.get("")]
                .into_iter()
                .flatten()
                .collect(),
            None => self.by_province.values().collect(),
        };
        out.clear();
        for list in lists {
            recent_within_window(list, days, day, out);
        }
    }
}

/// How many of a block's newest reports an undated report is compared with.
const UNDATED_BUDGET: usize = 400;

/// Walk a block from its newest incident back while dates stay within the
/// window; undated reports look at a bounded number of the newest ones.
fn recent_within_window(
    list: &[usize],
    days: &[Option<i64>],
    day: Option<i64>,
    out: &mut Vec<usize>,
) {
    let mut budget = UNDATED_BUDGET;
    for &c in list.iter().rev() {
        match (days[c], day) {
            (Some(cd), Some(pd)) => {
                if pd - cd > BLOCK_DAYS {
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
