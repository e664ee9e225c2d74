//! Stage: segmentation. Groups sentences into incidents: the article's main
//! story, further clashes it reports as news ("Another shootout took place in
//! Tank"), and older incidents it recalls as background ("weeks after a
//! bombing ... killed more than 80 officers"). Sentences that add up several
//! incidents or give statistics belong to none.

use crate::document::Document;
use tally_lexicon::{Lexicon, PlaceKind};
use tally_model::{IncidentDate, Precision, Role};

/// A group of sentences that tell one incident.
#[derive(Debug, Clone)]
pub struct Segment {
    pub role: Role,
    pub sentences: Vec<usize>,
    /// The sentence that introduced it.
    pub anchor: usize,
    pub district: Option<String>,
    /// Most specific place below district level seen so far.
    pub local: Option<usize>,
    pub date: Option<IncidentDate>,
}

/// What the segmenter decided about one sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentenceRole {
    /// Adds up several incidents or gives statistics.
    Summary,
    /// Belongs to segment n.
    Incident(usize),
    /// Not about any incident in particular.
    Other,
}

const PLURAL_EVENTS: &[&str] = &[
    "attacks",
    "operations",
    "ibos",
    "clashes",
    "raids",
    "engagements",
    "incidents",
    "blasts",
    "shootouts",
    "assaults",
    "bombings",
    "killings",
    "ambushes",
];
const MULTI: &[&str] = &[
    "two", "three", "four", "both", "several", "series", "separate", "multiple", "twin",
];
const OVER_TIME: &[&str] = &[
    "since",
    "increased",
    "rise",
    "surge",
    "risen",
    "past",
    "recent",
    "decade",
    "years",
    "statistics",
    "data",
    "report",
    "annual",
    "yearly",
];

pub fn run(doc: &Document, lex: &Lexicon) -> (Vec<Segment>, Vec<SentenceRole>) {
    let mut segs: Vec<Segment> = Vec::new();
    let mut roles = vec![SentenceRole::Other; doc.sentences.len()];
    let mut current_main: Option<usize> = None;
    let mut last_background: Option<usize> = None;
    for si in 0..doc.sentences.len() {
        if is_summary(doc, si, lex) {
            roles[si] = SentenceRole::Summary;
            continue;
        }
        let has_figures = !doc.casualties_in(si).is_empty();
        let c = &doc.cues[si];
        let eventful = has_figures || (c.eventful && !c.event_scores.is_empty());
        let district = sentence_district(doc, si, lex);
        let local = sentence_local(doc, si, lex);
        let date = sentence_date(doc, si);
        let main_date = current_main.and_then(|m| segs[m].date);
        let reference = main_date.or(doc.published);
        let chained_to_background = last_background == Some(si.wrapping_sub(1))
            && doc
                .dates
                .iter()
                .any(|d| d.sentence == si && d.kind == crate::document::DateKind::Chained);
        let background = eventful
            && (c.background
                || chained_to_background
                || is_older(date, reference)
                || is_earlier_day(date, main_date)
                || (reference.is_none() && date.is_some_and(|d| d.precision() != Precision::Day)));
        if background {
            if !worth_a_mention(
                doc,
                si,
                district.is_some() || local.is_some(),
                date.is_some(),
                has_figures,
            ) {
                continue;
            }
            let continues = last_background == Some(si.wrapping_sub(1))
                && last_segment_fits(&segs, district.as_deref(), date, !chained_to_background);
            let idx = if continues {
                segs.len() - 1
            } else {
                segs.push(Segment {
                    role: Role::Mentioned,
                    sentences: vec![],
                    anchor: si,
                    district: district.clone(),
                    local,
                    date,
                });
                segs.len() - 1
            };
            segs[idx].sentences.push(si);
            roles[si] = SentenceRole::Incident(idx);
            last_background = Some(si);
            continue;
        }
        if !eventful {
            if let Some(m) = current_main {
                segs[m].sentences.push(si);
                roles[si] = SentenceRole::Incident(m);
            }
            continue;
        }
        let starts_new = match current_main {
            None => true,
            Some(m) => {
                let seg = &segs[m];
                let other_district =
                    district.is_some() && seg.district.is_some() && district != seg.district;
                let other_local =
                    local.is_some() && seg.local.is_some() && local != seg.local && has_figures;
                (c.new_incident && (district.is_some() || local.is_some() || has_figures))
                    || (other_district && !mentions_district(doc, si, seg.district.as_deref(), lex))
                    || other_local
            }
        };
        let typed = c.event_scores.iter().any(|(_, w)| *w >= 2);
        if starts_new
            && (has_figures
                || district.is_some()
                || local.is_some()
                || (current_main.is_none() && (typed || c.in_scope)))
        {
            segs.push(Segment {
                role: Role::Main,
                sentences: vec![si],
                anchor: si,
                district,
                local,
                date,
            });
            current_main = Some(segs.len() - 1);
            roles[si] = SentenceRole::Incident(segs.len() - 1);
        } else if let Some(m) = current_main {
            let seg = &mut segs[m];
            seg.sentences.push(si);
            if seg.district.is_none() {
                seg.district = district;
            }
            if seg.local.is_none() {
                seg.local = local;
            }
            if seg.date.is_none() {
                seg.date = date;
            }
            roles[si] = SentenceRole::Incident(m);
        }
    }
    (segs, roles)
}

/// "A total of seven soldiers and 23 militants", "two separate attacks",
/// "over 1,600 people were killed in attacks in 2023".
fn is_summary(doc: &Document, si: usize, lex: &Lexicon) -> bool {
    let c = &doc.cues[si];
    if c.summary {
        return true;
    }
    let toks = doc.sentence_tokens(si);
    let plural_at = |i: usize| PLURAL_EVENTS.contains(&toks[i].lower.as_str());
    let multi = (0..toks.len()).any(|i| {
        plural_at(i) && (i.saturating_sub(3)..i).any(|k| MULTI.contains(&toks[k].lower.as_str()))
    });
    let plural = (0..toks.len()).any(plural_at);
    let over_time = toks.iter().any(|t| OVER_TIME.contains(&t.lower.as_str()))
        || doc
            .dates_in(si)
            .iter()
            .any(|d| d.date.is_some_and(|x| x.precision() == Precision::Year));
    let distinct_districts = {
        let mut ds: Vec<&str> = doc
            .places_in(si)
            .iter()
            .filter_map(|p| {
                lex.gazetteer
                    .places
                    .get(p.place)
                    .and_then(|pl| pl.admin2.as_deref())
            })
            .collect();
        ds.sort_unstable();
        ds.dedup();
        ds.len()
    };
    let headline = doc.sentences[si].headline;
    multi || (plural && (over_time || headline)) || (plural && distinct_districts >= 3)
}

/// A mentioned incident needs a place or date, and a type or a figure; a
/// place that is only a province and no date is too vague.
fn worth_a_mention(
    doc: &Document,
    si: usize,
    has_place: bool,
    has_date: bool,
    has_figures: bool,
) -> bool {
    let typed = doc.cues[si].event_scores.iter().any(|(_, w)| *w >= 2);
    (has_place || has_date)
        && (has_figures || (typed && has_place && has_date) || (typed && has_figures))
}

fn last_segment_fits(
    segs: &[Segment],
    district: Option<&str>,
    date: Option<IncidentDate>,
    strict: bool,
) -> bool {
    let Some(last) = segs.last() else {
        return false;
    };
    if last.role != Role::Mentioned {
        return false;
    }
    let district_ok =
        district.is_none() || last.district.is_none() || last.district.as_deref() == district;
    let date_ok = date.is_none() || last.date.is_none() || last.date == date;
    district_ok && (date_ok || !strict) && (district.is_none() || date.is_none() || date_ok)
}

/// A day-precise date two or more days before the current story's day: another incident.
fn is_earlier_day(date: Option<IncidentDate>, main: Option<IncidentDate>) -> bool {
    match (date, main) {
        (Some(d), Some(m))
            if d.precision() == Precision::Day && m.precision() == Precision::Day =>
        {
            d.ordinal() <= m.ordinal() - 2
        }
        _ => false,
    }
}

/// Is `date` clearly before `reference` (not the same news)?
fn is_older(date: Option<IncidentDate>, reference: Option<IncidentDate>) -> bool {
    let (Some(d), Some(r)) = (date, reference) else {
        return false;
    };
    match d.precision() {
        Precision::Day => d.ordinal() < r.ordinal() - 10,
        Precision::Month => (d.year, d.month) < (r.year, r.month) && r.ordinal() - d.ordinal() > 40,
        Precision::Year => d.year < r.year,
    }
}

/// The district a sentence locates its event in (first district-level or
/// finer place), ignoring travel origins ("from Islamabad").
pub fn sentence_district(doc: &Document, si: usize, lex: &Lexicon) -> Option<String> {
    doc.places_in(si)
        .iter()
        .filter(|p| !p.weak)
        .filter_map(|p| lex.gazetteer.places.get(p.place))
        .find(|pl| pl.kind >= PlaceKind::District)
        .and_then(|pl| pl.admin2.clone())
}

fn sentence_local(doc: &Document, si: usize, lex: &Lexicon) -> Option<usize> {
    doc.places_in(si)
        .iter()
        .filter(|p| !p.weak)
        .map(|p| p.place)
        .find(|&i| {
            let pl = &lex.gazetteer.places[i];
            pl.kind.is_local() && pl.admin2.as_deref() != Some(pl.name.as_str())
        })
}

fn mentions_district(doc: &Document, si: usize, district: Option<&str>, lex: &Lexicon) -> bool {
    let Some(d) = district else { return false };
    doc.places_in(si)
        .iter()
        .any(|p| lex.gazetteer.places[p.place].admin2.as_deref() == Some(d))
}

/// The date a sentence gives its event: a non-reporting date first.
pub fn sentence_date(doc: &Document, si: usize) -> Option<IncidentDate> {
    let in_sentence = || {
        doc.dates
            .iter()
            .filter(move |d| d.sentence == si && d.date.is_some())
    };
    in_sentence()
        .find(|d| !d.reporting)
        .or_else(|| in_sentence().next())
        .and_then(|d| d.date)
}
