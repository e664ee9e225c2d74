//! The JSON the API sends, built from the store's values. Each answer is a
//! type deriving [`ToSchema`], so the OpenAPI document (`/api/openapi.json`)
//! is generated from what the handlers actually send.

use serde::Serialize;
use std::collections::BTreeMap;
use tally_model::{Evidence, Incident};
use tally_store::{
    best_total, DistrictPoint, HistoryEntry, IncidentSummary, ReviewOutcome, Source, StatsRow,
    Totals,
};
use utoipa::ToSchema;

/// An error answer: what is wrong, in a sentence.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: String,
}

/// `GET /api/incidents`: one page of the matching incidents.
#[derive(Serialize, ToSchema)]
pub struct IncidentPage {
    /// Matching incidents before paging.
    pub total: u64,
    pub offset: usize,
    pub limit: usize,
    pub incidents: Vec<IncidentRow>,
}

/// One line of `/api/incidents`: best estimates of the headline figures.
#[derive(Serialize, ToSchema)]
pub struct IncidentRow {
    id: String,
    date: Option<String>,
    province: Option<String>,
    district: Option<String>,
    place: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    #[serde(rename = "type")]
    event_type: String,
    group: Option<String>,
    claimed: bool,
    killed: Option<u32>,
    killed_by: KilledBy,
    injured: Option<u32>,
    articles: u32,
}

/// Deaths by category (best estimates; `null` when not stated).
#[derive(Serialize, ToSchema)]
pub struct KilledBy {
    security_forces: Option<u32>,
    civilians: Option<u32>,
    militants: Option<u32>,
}

pub fn incident_row(inc: &IncidentSummary) -> IncidentRow {
    IncidentRow {
        id: inc.id.clone(),
        date: inc.date.clone(),
        province: inc.admin1.clone(),
        district: inc.admin2.clone(),
        place: inc.place.clone(),
        lat: inc.lat,
        lon: inc.lon,
        event_type: inc.event_type.clone(),
        group: inc.group.clone(),
        claimed: inc.claimed,
        killed: inc.killed,
        killed_by: KilledBy {
            security_forces: inc.killed_security_forces,
            civilians: inc.killed_civilians,
            militants: inc.killed_militants,
        },
        injured: inc.injured,
        articles: inc.articles,
    }
}

/// Sums by category, plus what no category accounts for.
#[derive(Serialize, ToSchema)]
pub struct CategoryTotals {
    total: u64,
    security_forces: u64,
    civilians: u64,
    militants: u64,
    unspecified: u64,
}

pub fn totals(t: &Totals) -> CategoryTotals {
    let parts = t.security_forces + t.civilians + t.militants;
    CategoryTotals {
        total: t.total,
        security_forces: t.security_forces,
        civilians: t.civilians,
        militants: t.militants,
        unspecified: t.total.saturating_sub(parts),
    }
}

/// `GET /api/stats`.
#[derive(Serialize, ToSchema)]
pub struct StatsAnswer {
    pub counters: Counters,
    pub monthly: Vec<Month>,
    pub districts: Vec<District>,
    /// Matching incidents without coordinates.
    pub unlocated: u64,
}

/// The headline counters of `/api/stats`.
#[derive(Serialize, ToSchema)]
pub struct Counters {
    incidents: u64,
    killed: CategoryTotals,
    injured: CategoryTotals,
}

/// Counters of `/api/stats` from the ungrouped stats line.
pub fn counters(rows: &[StatsRow]) -> Counters {
    let (incidents, killed, injured) = rows
        .first()
        .map(|r| (r.incidents, r.killed, r.injured))
        .unwrap_or_default();
    Counters {
        incidents,
        killed: totals(&killed),
        injured: totals(&injured),
    }
}

/// One month of the timeline.
#[derive(Serialize, ToSchema)]
pub struct Month {
    /// `YYYY-MM`.
    month: String,
    incidents: u64,
    killed: CategoryTotals,
    injured: u64,
}

/// Monthly series (months without a date are left out).
pub fn monthly(rows: &[StatsRow]) -> Vec<Month> {
    rows.iter()
        .filter_map(|r| {
            let month = r.key.as_deref().filter(|k| k.len() == 7)?;
            Some(Month {
                month: month.to_string(),
                incidents: r.incidents,
                killed: totals(&r.killed),
                injured: r.injured.total,
            })
        })
        .collect()
}

/// A district's point on the map.
#[derive(Serialize, ToSchema)]
pub struct District {
    district: String,
    province: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    incidents: u64,
    killed: u64,
}

/// District points of `/api/stats`.
pub fn districts(points: &[DistrictPoint]) -> Vec<District> {
    points
        .iter()
        .map(|p| District {
            district: p.district.clone(),
            province: p.province.clone(),
            lat: p.lat,
            lon: p.lon,
            incidents: p.incidents,
            killed: p.killed,
        })
        .collect()
}

/// `GET /api/options`: the values filters accept, and the correctable fields.
#[derive(Serialize, ToSchema)]
pub struct Options {
    pub provinces: Vec<String>,
    pub districts: Vec<String>,
    pub groups: Vec<String>,
    pub types: Vec<String>,
    pub correctable: Vec<String>,
}

/// `GET /api/incidents/{id}`.
#[derive(Serialize, ToSchema)]
pub struct IncidentDetail {
    /// The incident as in SCHEMA.md: every field, counts as `{low, best, high}`, evidence.
    #[schema(value_type = Object)]
    pub incident: Incident,
    pub killed_best: Option<u32>,
    pub injured_best: Option<u32>,
    pub ledger: Vec<LedgerLine>,
    pub disagreements: Vec<Disagreement>,
    pub articles: Vec<ArticleText>,
    pub history: Vec<HistoryLine>,
}

/// The text between two code-point offsets.
pub fn span(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

/// A piece of evidence with the sentence it stands in.
#[derive(Serialize, ToSchema)]
pub struct LedgerLine {
    n: usize,
    field: String,
    value: Option<String>,
    /// Who the text says gave the figure.
    source: Option<String>,
    article: String,
    /// Code-point offsets into the article text.
    start: usize,
    end: usize,
    sentence: Option<String>,
}

/// The evidence ledger: one line per piece of evidence, with its sentence.
pub fn ledger(evidence: &[Evidence], sources: &[Source]) -> Vec<LedgerLine> {
    evidence
        .iter()
        .enumerate()
        .map(|(n, e)| {
            let text = sources.iter().find(|s| s.id == e.article).map(|s| &s.text);
            LedgerLine {
                n,
                field: e.field.clone(),
                value: e.value.clone(),
                source: e.source.clone(),
                article: e.article.clone(),
                start: e.start,
                end: e.end,
                sentence: text.map(|t| span(t, e.start, e.end)),
            }
        })
        .collect()
}

/// A field whose evidence states different values.
#[derive(Serialize, ToSchema)]
pub struct Disagreement {
    field: String,
    values: Vec<StatedValue>,
}

/// A value and the articles that state it.
#[derive(Serialize, ToSchema)]
pub struct StatedValue {
    value: String,
    articles: Vec<String>,
}

/// Fields whose evidence states different values: each value with its articles.
pub fn disagreements(evidence: &[Evidence]) -> Vec<Disagreement> {
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
            let values = values
                .into_iter()
                .map(|(v, a)| StatedValue {
                    value: v.to_string(),
                    articles: a.into_iter().map(String::from).collect(),
                })
                .collect();
            Disagreement {
                field: field.to_string(),
                values,
            }
        })
        .collect()
}

/// A stored article behind an incident.
#[derive(Serialize, ToSchema)]
pub struct ArticleText {
    id: String,
    outlet: Option<String>,
    url: Option<String>,
    published: Option<String>,
    text: String,
}

/// The stored articles behind an incident.
pub fn articles(sources: &[Source]) -> Vec<ArticleText> {
    sources
        .iter()
        .map(|s| ArticleText {
            id: s.id.clone(),
            outlet: s.outlet.clone(),
            url: s.url.clone(),
            published: s.published.clone(),
            text: s.text.clone(),
        })
        .collect()
}

/// A version of an incident and its headline figures.
#[derive(Serialize, ToSchema)]
pub struct HistoryLine {
    version: u32,
    at: String,
    reason: String,
    removed: bool,
    killed: Option<u32>,
    injured: Option<u32>,
    articles: Option<usize>,
}

/// The versions of an incident, with what each changed in the headline figures.
pub fn history(entries: &[HistoryEntry]) -> Vec<HistoryLine> {
    entries
        .iter()
        .map(|h| {
            let inc = h.incident.as_ref();
            HistoryLine {
                version: h.version,
                at: h.at.clone(),
                reason: h.reason.clone(),
                removed: inc.is_none(),
                killed: inc.and_then(|i| best_total(&i.killed)),
                injured: inc.and_then(|i| best_total(&i.injured)),
                articles: inc.map(|i| i.articles.len()),
            }
        })
        .collect()
}

/// What a review changed, and which incident the page should show next.
#[derive(Serialize, ToSchema)]
pub struct ReviewAnswer {
    /// The incident that now holds the reviewed incident's reports.
    incident: String,
    /// After a split: the incident the article's report went to.
    split_off: Option<String>,
    summary: ReviewSummary,
}

/// Incidents the review created, changed and removed.
#[derive(Serialize, ToSchema)]
pub struct ReviewSummary {
    new: usize,
    updated: usize,
    removed: usize,
}

pub fn review_answer(outcome: &ReviewOutcome) -> ReviewAnswer {
    let summary = &outcome.summary;
    ReviewAnswer {
        incident: outcome.incident.clone(),
        split_off: outcome.split_off.clone(),
        summary: ReviewSummary {
            new: summary.incidents_new,
            updated: summary.incidents_updated,
            removed: summary.incidents_removed,
        },
    }
}

/// The review queue: the incidents to check first.
#[derive(Serialize, ToSchema)]
pub struct ReviewQueue {
    /// Incidents on the queue that match the filters.
    pub total: u64,
    pub incidents: Vec<QueuedIncident>,
}

/// One incident of the review queue, with the reasons to check it.
#[derive(Serialize, ToSchema)]
pub struct QueuedIncident {
    id: String,
    date: Option<String>,
    #[serde(rename = "type")]
    event_type: String,
    province: Option<String>,
    district: Option<String>,
    place: Option<String>,
    killed: Option<u32>,
    injured: Option<u32>,
    articles: usize,
    /// Expected number of wrong fields: what the queue ranks by, with the toll.
    doubt: f64,
    /// Probability that the incident is a real one.
    confidence: Option<f64>,
    doubts: Vec<DoubtLine>,
}

/// One reason to check an incident.
#[derive(Serialize, ToSchema)]
pub struct DoubtLine {
    /// The doubt class: `figures_disagree`, `single_source`, ...
    kind: String,
    /// The field it is about; `null` for the whole incident.
    field: Option<String>,
    reason: String,
}

pub fn queued_incident(inc: &Incident) -> QueuedIncident {
    QueuedIncident {
        id: inc.id.clone(),
        date: inc.date.map(|d| d.to_string()),
        event_type: inc.event_type.as_str().to_string(),
        province: inc.admin1.clone(),
        district: inc.admin2.clone(),
        place: inc.place.clone(),
        killed: best_total(&inc.killed),
        injured: best_total(&inc.injured),
        articles: inc.articles.len(),
        doubt: tally_store::ReviewStanding::of(inc).doubt,
        confidence: inc.confidence.as_ref().map(|c| c.incident),
        doubts: inc
            .doubts
            .iter()
            .map(|d| DoubtLine {
                kind: d.kind.clone(),
                field: d.field.clone(),
                reason: d.reason.clone(),
            })
            .collect(),
    }
}
