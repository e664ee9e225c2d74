//! Stage: assembly. Turns each segment into a coded incident: its figures
//! reconciled into low/best/high per category, date, place, event type,
//! responsible group, targets, and the evidence spans behind each field.

use crate::document::{CasualtyStatement, Document, PlaceMention};
use crate::relevance::Verdict;
use crate::segment::{Segment, SentenceRole};
use std::collections::HashMap;
use tally_lexicon::{Lexicon, PlaceKind};
use tally_model::{
    Casualties, Category, Count, EventType, Evidence, Incident, IncidentDate, Outcome, Precision,
    Role, Target,
};

/// Words after a group's name that make it the actor of the sentence.
const AGENT_AFTER: &[&str] = &[
    "militants",
    "fighters",
    "launched",
    "stormed",
    "attacked",
    "blew",
    "carried",
    "bomber",
    "terrorists",
    "gunmen",
    "struck",
    "targeted",
    "ambushed",
    "killed",
    "claimed",
];

/// Days after an event that a report of it is still news.
const NEWS_DAYS: i64 = 14;

/// Is an event of `date` too old to be news on `published`? A month or year
/// is judged by its last day ("in September", published on 30 September, is news).
fn is_stale(date: IncidentDate, published: IncidentDate) -> bool {
    let last_day = match date.precision() {
        Precision::Day => date,
        Precision::Month => {
            let m = date.month.unwrap_or(12);
            IncidentDate::day(date.year, m, tally_model::days_in_month(date.year, m))
        }
        Precision::Year => IncidentDate::day(date.year, 12, 31),
    };
    last_day.ordinal() < published.ordinal() - NEWS_DAYS
}

/// Segments that tell one incident twice become one: a recalled incident
/// that is the main story, a follow-up's lead and the attack it recalls.
pub fn fold(doc: &Document, lex: &Lexicon, segs: &[Segment]) -> Vec<Segment> {
    let headed = fold_headline(doc, lex, segs.to_vec());
    fold_retold(doc, fold_follow_ups(doc, fold_repeats(doc, &headed)))
}

/// `segment.fold.retold`: a later story of the article in the same district,
/// on the same day (or undated), at no other named locality, and not
/// announced as another incident ("Separately", "another attack"), is the
/// earlier story told again (a reaction paragraph, a repeated lead).
fn fold_retold(doc: &Document, mut segs: Vec<Segment>) -> Vec<Segment> {
    let mut i = 1;
    while i < segs.len() {
        let later = &segs[i];
        let announced = doc
            .cues
            .get(later.anchor)
            .is_some_and(|c| c.new_incident || c.shift);
        let target = (!announced && later.role == Role::Main && !later.locked)
            .then(|| {
                segs[..i].iter().rposition(|earlier| {
                    earlier.role == Role::Main
                        && earlier.district.is_some()
                        && earlier.district == later.district
                        && (earlier.date.is_none()
                            || later.date.is_none()
                            || earlier.date == later.date)
                        && (earlier.local.is_none()
                            || later.local.is_none()
                            || earlier.local == later.local)
                })
            })
            .flatten();
        match target {
            Some(t) => {
                let moved = segs.remove(i);
                let into = &mut segs[t];
                into.sentences.extend(moved.sentences);
                into.sentences.sort_unstable();
                if into.date.is_none() {
                    into.date = moved.date;
                }
                if into.local.is_none() {
                    into.local = moved.local;
                }
            }
            None => i += 1,
        }
    }
    segs
}

/// `segment.fold.headline`: a story told by the headline alone is the story
/// the body opens with, when they do not name different districts ("Blast
/// in Parachinar kills four" / "an IED exploded in the Pewar area of
/// Parachinar in Kurram district"); a headline that names the district of
/// a later story of the body tells that one. A headline that names several
/// districts ("Soldier, cop martyred in Waziristan, Orakzai attacks") tells
/// the body's story in any of them (`segment.fold.headline_list`).
fn fold_headline(doc: &Document, lex: &Lexicon, mut segs: Vec<Segment>) -> Vec<Segment> {
    let headline_only = |s: &Segment| {
        s.role == Role::Main && s.sentences.iter().all(|&si| doc.sentences[si].headline)
    };
    let Some(h) = segs.iter().position(headline_only) else {
        return segs;
    };
    let named = headline_districts(doc, lex, &segs[h]);
    let names = |d: &Option<String>| d.as_ref().is_some_and(|d| named.contains(d));
    let in_body = |(i, s): &(usize, &Segment)| *i != h && s.role == Role::Main && !headline_only(s);
    let same_district = |(_, s): &(usize, &Segment)| names(&s.district);
    let body = segs
        .iter()
        .enumerate()
        .filter(in_body)
        .find(same_district)
        .or_else(|| segs.iter().enumerate().find(in_body))
        .map(|(i, _)| i);
    let Some(b) = body else { return segs };
    let fits = segs[h].district.is_none() || segs[b].district.is_none() || names(&segs[b].district);
    if !fits {
        return segs;
    }
    let head = segs.remove(h);
    let b = if b > h { b - 1 } else { b };
    segs[b].sentences.extend(head.sentences);
    segs[b].sentences.sort_unstable();
    if segs[b].district.is_none() {
        segs[b].district = head.district;
    }
    segs
}

/// The districts a headline-only segment names: its own and every other
/// district its sentences name as a place.
fn headline_districts(doc: &Document, lex: &Lexicon, seg: &Segment) -> Vec<String> {
    let mut out: Vec<String> = seg.district.iter().cloned().collect();
    for &si in &seg.sentences {
        for p in doc.places_in(si).iter().filter(|p| !p.weak) {
            let d = lex
                .gazetteer
                .places
                .get(p.place)
                .and_then(|pl| pl.admin2.clone());
            if let Some(d) = d.filter(|d| !out.contains(d)) {
                out.push(d);
            }
        }
    }
    out
}

/// One incident per segment the relevance stage keeps (a segment it sends
/// to the background is coded as `mentioned`).
pub fn build_all(
    doc: &Document,
    lex: &Lexicon,
    segs: &[Segment],
    roles: &[SentenceRole],
    verdicts: &[Verdict],
) -> Vec<Incident> {
    let main_ids: Vec<usize> = (0..segs.len())
        .filter(|&i| segs[i].role == Role::Main)
        .collect();
    let mut out = Vec::new();
    // Incidents the segmenter (not the relevance stage) told as background.
    let mut recalled = Vec::new();
    for (k, seg) in segs.iter().enumerate() {
        let background = match verdicts.get(k).copied().unwrap_or(Verdict::Keep) {
            Verdict::Keep => false,
            Verdict::Background(_) => true,
            Verdict::Drop(_) => continue,
        };
        if !has_substance(doc, seg) {
            continue;
        }
        let sentences = &seg.sentences;
        let mut stmts: Vec<&CasualtyStatement> = counted_statements(doc, sentences);
        stmts.retain(|c| !seg.excluded.contains(&(c.sentence, c.tok_start)));
        let mut killed = reconcile(&stmts, Outcome::Killed);
        let mut injured = reconcile(&stmts, Outcome::Injured);
        let foiled = foiled(doc, seg, &killed, &injured);
        let summaries: Vec<usize> = (0..roles.len())
            .filter(|&i| roles[i] == SentenceRole::Summary)
            .collect();
        let event_type = event_type(doc, seg, &killed, &summaries);
        let mut evidence = Vec::new();
        let date = incident_date(doc, lex, seg, roles, &mut evidence);
        let role = match (seg.role, date, doc.published) {
            _ if background => Role::Mentioned,
            (Role::Main, Some(d), Some(p)) if is_stale(d, p) && !seg.follow_up => Role::Mentioned,
            (r, _, _) => r,
        };
        let (admin1, admin2, place, lat, lon) = location(doc, lex, seg, &mut evidence);
        if admin1.is_none() && doc.cues.get(seg.anchor).is_some_and(|c| c.foreign) {
            continue;
        }
        // Raids that kill or wound nobody and report no clash are arrests,
        // not violent events (scope.threat_arrest's operation form).
        let clash = seg
            .sentences
            .iter()
            .any(|&si| doc.cues.get(si).is_some_and(|c| c.clash));
        if event_type == EventType::SecurityOperation
            && killed.is_empty()
            && injured.is_empty()
            && !clash
        {
            continue;
        }
        if foiled {
            foiled_zero(&mut killed, &mut injured);
        }
        let floating = floating_sentences(roles, k, &main_ids, segs, doc, lex);
        let (group, claimed) =
            responsible_group(doc, lex, seg, event_type, &floating, &mut evidence);
        let targets = targets(doc, seg, &stmts, event_type);
        statement_evidence(doc, &stmts, &mut evidence);
        derived_evidence(doc, &stmts, &killed, &injured, &mut evidence);
        if !targets.is_empty() {
            let names: Vec<&str> = targets.iter().map(|t| t.as_str()).collect();
            evidence.push(span_evidence(
                doc,
                seg.anchor,
                "targets",
                Some(names.join(",")),
                None,
            ));
        }
        evidence.push(span_evidence(
            doc,
            seg.anchor,
            "event_type",
            Some(event_type.as_str().to_string()),
            None,
        ));
        recalled.push(seg.role == Role::Mentioned && !background);
        out.push(Incident {
            id: String::new(),
            articles: vec![doc.id.clone()],
            role,
            date,
            country: "Pakistan".to_string(),
            admin1,
            admin2,
            place,
            lat,
            lon,
            event_type,
            group,
            claimed,
            foiled,
            targets,
            killed,
            injured,
            corrections: Vec::new(),
            doubts: Vec::new(),
            confidence: None,
            evidence,
        });
    }
    promote_recent_recaps(doc, &mut out, &recalled);
    out
}

/// Days before publication within which an incident told second is still
/// the article's news.
const RECAP_DAYS: i64 = 3;

/// `segment.recap.recent`: a report that goes on to tell another attack of
/// the last few days ("A day earlier, a blast in Quetta wounded six";
/// "On Tuesday, security forces killed 30 terrorists in South Waziristan",
/// in a Friday paper) reports that attack as news too, although told as
/// background. It must be fully told (a district no main incident of the
/// article is in, a day date, figures); an article with no main incident
/// (a statement, a statistics release) reports none of its recaps.
fn promote_recent_recaps(doc: &Document, out: &mut [Incident], recalled: &[bool]) {
    let Some(published) = doc.published else {
        return;
    };
    let mains: Vec<Option<String>> = out
        .iter()
        .filter(|i| i.role == Role::Main)
        .map(|i| i.admin2.clone())
        .collect();
    if mains.is_empty() {
        return;
    }
    for (inc, &was_recalled) in out.iter_mut().zip(recalled) {
        let recent = inc.date.is_some_and(|d| {
            d.precision() == Precision::Day
                && (0..=RECAP_DAYS).contains(&(published.ordinal() - d.ordinal()))
        });
        let own_district = inc.admin2.is_some() && !mains.contains(&inc.admin2);
        let told = !inc.killed.is_empty() || !inc.injured.is_empty();
        if was_recalled && inc.role == Role::Mentioned && recent && own_district && told {
            inc.role = Role::Main;
        }
    }
}

/// A mentioned segment about the same place as a main one of this article
/// (a follow-up recalling "the attack earlier this month") is that incident.
fn fold_repeats(doc: &Document, segs: &[Segment]) -> Vec<Segment> {
    let mut out: Vec<Segment> = segs.to_vec();
    let mut i = 0;
    while i < out.len() {
        if out[i].role == Role::Mentioned {
            let target = out.iter().position(|m| {
                m.role == Role::Main
                    && m.district.is_some()
                    && m.district == out[i].district
                    && same_time(m.date, out[i].date)
            });
            if let Some(t) = target {
                let moved = out.remove(i);
                let t = if t > i { t - 1 } else { t };
                // A follow-up recalls the attack with its written date; that
                // beats a weekday resolved against the follow-up's own date.
                let main_explicit = out[t]
                    .date
                    .is_some_and(|d| is_explicit(doc, &out[t].sentences, d));
                let moved_explicit = moved.date.is_some_and(|d| {
                    d.precision() == Precision::Day && is_explicit(doc, &moved.sentences, d)
                });
                if out[t].date.is_none() || (moved_explicit && !main_explicit) {
                    out[t].date = moved.date;
                    out[t].date_reported = moved.date_reported;
                }
                out[t].sentences.extend(moved.sentences);
                out[t].sentences.sort_unstable();
                continue;
            }
        }
        i += 1;
    }
    out
}

/// How long after an attack a follow-up story (arrests, an inquiry, a
/// funeral) still reports it.
const FOLLOW_UP_DAYS: i64 = 45;

/// A follow-up story is about the attack it dates in a background sentence:
/// its lead, dated only by the weekday something was said (or not at all)
/// and referring back to "the Besham attack" or "last month's attack", is
/// that attack, reported again.
fn fold_follow_ups(doc: &Document, mut segs: Vec<Segment>) -> Vec<Segment> {
    let mut i = 0;
    while i < segs.len() {
        let target = follow_up_target(doc, &segs, i);
        match target {
            Some(t) => {
                let lead = segs.remove(i);
                let t = if t > i { t - 1 } else { t };
                segs[t].role = Role::Main;
                segs[t].follow_up = true;
                segs[t].sentences.extend(lead.sentences);
                segs[t].sentences.sort_unstable();
                segs[t].sentences.dedup();
            }
            None => i += 1,
        }
    }
    segs
}

fn follow_up_target(doc: &Document, segs: &[Segment], i: usize) -> Option<usize> {
    let lead = &segs[i];
    let explicit = lead
        .date
        .is_some_and(|d| !lead.date_reported && is_explicit(doc, &lead.sentences, d));
    let recalls = lead
        .sentences
        .iter()
        .any(|&s| doc.cues.get(s).is_some_and(|c| c.recalls));
    if lead.role != Role::Main || explicit || !recalls {
        return None;
    }
    let reference = lead.date.or(doc.published);
    segs.iter().position(|m| {
        let dated = m.date.filter(|d| {
            d.precision() == Precision::Day
                && is_explicit(doc, &m.sentences, *d)
                && reference
                    .is_none_or(|r| (0..=FOLLOW_UP_DAYS).contains(&(r.ordinal() - d.ordinal())))
        });
        m.role == Role::Mentioned
            && dated.is_some()
            && m.district.is_some()
            && (lead.district.is_none() || m.district == lead.district)
    })
}

fn is_explicit(doc: &Document, sentences: &[usize], date: IncidentDate) -> bool {
    sentences
        .iter()
        .flat_map(|&si| doc.dates_in(si))
        .any(|d| d.date == Some(date) && d.kind == crate::document::DateKind::Explicit)
}

/// Could a main story dated `main` and a recalled incident dated `mention` be one event?
fn same_time(main: Option<IncidentDate>, mention: Option<IncidentDate>) -> bool {
    match (main, mention) {
        (None, None) | (Some(_), None) => true,
        (None, Some(_)) => false,
        (Some(a), Some(b)) => match (a.precision(), b.precision()) {
            (Precision::Day, Precision::Day) => (a.ordinal() - b.ordinal()).abs() <= 3,
            (Precision::Year, _) | (_, Precision::Year) => a.year == b.year,
            _ => a.year == b.year && a.month == b.month,
        },
    }
}

/// `frame.foiled`: a bomb found and defused, or an attacker stopped before
/// he could strike (SCHEMA: `foiled`), when nothing went off and nobody but
/// attackers was killed or hurt. In a sentence with a foiled cue, only a
/// detonation told before it counts: a bomb "went off as the squad tried to
/// defuse it", but "defused ... had it gone off" did not ("before it went
/// off" is the foiled phrase's own).
fn foiled(doc: &Document, seg: &Segment, killed: &Casualties, injured: &Casualties) -> bool {
    let cues = || seg.sentences.iter().filter_map(|&si| doc.cues.get(si));
    let stopped = cues().any(|c| c.foiled);
    let went_off = cues().any(|c| c.detonated && (!c.foiled || c.detonated_first));
    let victims = |c: &Casualties| {
        [c.security_forces, c.civilians]
            .iter()
            .flatten()
            .any(|n| n.best > 0)
            || c.total
                .is_some_and(|t| t.best > c.militants.map_or(0, |m| m.best))
    };
    stopped && !went_off && !victims(killed) && !victims(injured)
}

/// `figure.foiled_zero`: a bomb defused before it went off, an attack
/// stopped before it began, hurts nobody but the attackers: totals the text
/// leaves open are zero (SCHEMA: a foiled bomb's counts are `[0, 0]`; an
/// attacker shot dead is counted in `militants` and so in the total).
fn foiled_zero(killed: &mut Casualties, injured: &mut Casualties) {
    for c in [killed, injured] {
        if c.total.is_none() {
            c.total = Some(c.militants.unwrap_or(Count::exact(0)));
        }
    }
}

/// A main incident needs a figure or a place; a mentioned one a figure, place or date.
fn has_substance(doc: &Document, seg: &Segment) -> bool {
    let figures = seg
        .sentences
        .iter()
        .any(|&si| !doc.casualties_in(si).is_empty());
    figures || seg.district.is_some() || seg.local.is_some()
}

/// Statements of the segment; a headline's figures count only when the body gives none.
fn counted_statements<'d>(doc: &'d Document, sentences: &[usize]) -> Vec<&'d CasualtyStatement> {
    let mut all: Vec<&CasualtyStatement> = sentences
        .iter()
        .flat_map(|&si| doc.casualties_in(si))
        .collect();
    // "Nobody was hurt" counts only where no one is said to be: "two killed;
    // no one else was injured" keeps its two. A category's zero ("no
    // policeman was hurt") gives way only to a figure of that category.
    let positive = |o: Outcome, cat: Option<Category>, all: &[&CasualtyStatement]| {
        all.iter()
            .any(|c| c.outcome == o && c.count.best > 0 && cat.is_none_or(|k| c.category == k))
    };
    let (killed, injured) = (
        positive(Outcome::Killed, None, &all),
        positive(Outcome::Injured, None, &all),
    );
    let kept: Vec<bool> = all
        .iter()
        .map(|c| {
            c.count.best > 0
                || match (c.category, c.outcome) {
                    (Category::Total, Outcome::Killed) => !killed,
                    (Category::Total, Outcome::Injured) => !injured && !killed,
                    (cat, o) => !positive(o, Some(cat), &all),
                }
        })
        .collect();
    let mut keep = kept.into_iter();
    all.retain(|_| keep.next().unwrap_or(false));
    let body: Vec<&CasualtyStatement> = all
        .iter()
        .copied()
        .filter(|c| !doc.sentences[c.sentence].headline)
        .collect();
    if body.iter().any(|c| c.outcome == Outcome::Killed)
        || all.iter().all(|c| !doc.sentences[c.sentence].headline)
    {
        // Keep headline injured figures when the body gives none.
        let body_injured = body.iter().any(|c| c.outcome == Outcome::Injured);
        all.into_iter()
            .filter(|c| {
                !doc.sentences[c.sentence].headline
                    || (c.outcome == Outcome::Injured && !body_injured)
            })
            .collect()
    } else {
        all
    }
}

/// One sentence's reading of one outcome.
#[derive(Default, Clone, Copy)]
struct Reading {
    sf: Option<Count>,
    civ: Option<Count>,
    mil: Option<Count>,
    /// Victims of unstated category (top-level "people" figures), if any.
    people: Option<Count>,
    /// One more victim of no stated category beside the others
    /// (`figure.one_more_person`): adds to them.
    extra: Option<Count>,
    /// Sum of top-level figures.
    top: Option<Count>,
}

fn add(a: Option<Count>, b: Count) -> Option<Count> {
    Some(match a {
        None => b,
        Some(a) => Count {
            low: a.low + b.low,
            best: a.best + b.best,
            high: a.high.zip(b.high).map(|(x, y)| x + y),
        },
    })
}

fn read_sentence(stmts: &[&&CasualtyStatement]) -> Reading {
    let mut r = Reading::default();
    let mut subset_sums: HashMap<Category, Count> = HashMap::new();
    for s in stmts {
        if s.subset {
            let e = subset_sums.entry(s.category).or_insert(Count::exact(0));
            *e = add(Some(*e), s.count).unwrap_or(*e);
            continue;
        }
        r.top = add(r.top, s.count);
        if s.additional {
            r.extra = add(r.extra, s.count);
            continue;
        }
        match s.category {
            Category::SecurityForces => r.sf = add(r.sf, s.count),
            Category::Civilians => r.civ = add(r.civ, s.count),
            Category::Militants => r.mil = add(r.mil, s.count),
            Category::Total => r.people = add(r.people, s.count),
        }
    }
    widen_head_of_mixed_subset(stmts, &subset_sums, &mut r);
    for (cat, c) in subset_sums {
        let slot = match cat {
            Category::SecurityForces => &mut r.sf,
            Category::Civilians => &mut r.civ,
            Category::Militants => &mut r.mil,
            Category::Total => continue,
        };
        if slot.is_none() {
            *slot = Some(c);
        }
    }
    r
}

/// `figure.mixed_subset`: "14 passengers were shot dead, including 11
/// navy personnel": a sentence's one head figure whose subset is of another
/// category holds both, so it is the total, not a figure of its own
/// category (else the two would be added up).
fn widen_head_of_mixed_subset(
    stmts: &[&&CasualtyStatement],
    subset_sums: &HashMap<Category, Count>,
    r: &mut Reading,
) {
    let mut heads = stmts.iter().filter(|s| !s.subset);
    let (Some(head), None) = (heads.next(), heads.next()) else {
        return;
    };
    let mixed = subset_sums
        .keys()
        .any(|&c| c != Category::Total && c != head.category);
    if !mixed || head.category == Category::Total {
        return;
    }
    let slot = match head.category {
        Category::SecurityForces => &mut r.sf,
        Category::Civilians => &mut r.civ,
        Category::Militants => &mut r.mil,
        Category::Total => return,
    };
    *slot = None;
    r.people = Some(head.count);
}

/// Span several readings of a figure: low = lowest, high = highest (open if
/// any is open), best = the highest stated.
fn span(values: impl Iterator<Item = Count>) -> Option<Count> {
    values.fold(None, |acc: Option<Count>, c| match acc {
        None => Some(c),
        Some(mut a) => {
            a.widen(&c);
            a.best = a.best.max(c.best);
            Some(a)
        }
    })
}

/// Reconcile every statement of one outcome into per-category counts.
fn reconcile(stmts: &[&CasualtyStatement], outcome: Outcome) -> Casualties {
    // `figure.nobody_of_category`: a category's zero fills that category
    // alone; it is no figure for the total.
    let category_zero = |s: &CasualtyStatement| s.count.best == 0 && s.category != Category::Total;
    let of: Vec<&&CasualtyStatement> = stmts
        .iter()
        .filter(|s| s.outcome == outcome && !s.update && !category_zero(s))
        .collect();
    let readings: Vec<Reading> = of
        .chunk_by(|a, b| a.sentence == b.sentence)
        .map(read_sentence)
        .collect();
    let sf = span(readings.iter().filter_map(|r| r.sf));
    let mut civ = span(readings.iter().filter_map(|r| r.civ));
    let mil = span(readings.iter().filter_map(|r| r.mil));
    let best = |c: Option<Count>| c.map(|c| c.best).unwrap_or(0);
    // Victims: a sentence's "people" figure, or the categories it lists.
    let victims = span(readings.iter().filter_map(|r| match (r.people, r.mil) {
        (Some(p), None) => Some(p),
        (Some(p), Some(m)) => Some(Count {
            low: p.low.saturating_sub(m.low),
            best: p.best.saturating_sub(m.best),
            high: p.high,
        }),
        (None, _) => {
            let named = match (r.sf, r.civ) {
                (None, None) => None,
                (Some(a), None) | (None, Some(a)) => Some(a),
                (Some(a), Some(b)) => add(Some(a), b),
            };
            match (named, r.extra) {
                (Some(n), Some(e)) => add(Some(n), e),
                (n, e) => n.or(e),
            }
        }
    }));
    let victims = match (victims, sf.is_some() || civ.is_some()) {
        (Some(mut v), true) => {
            v.best = v.best.max(best(sf) + best(civ));
            v.low = v.low.min(v.best);
            if let Some(h) = v.high {
                v.high = Some(h.max(v.best));
            }
            Some(v)
        }
        (v, _) => v,
    };
    // Everyone else is a civilian when the victims' total and the security toll are known.
    if let Some(v) = victims {
        let people_given = readings.iter().any(|r| r.people.is_some());
        if people_given && (sf.is_some() || civ.is_some()) && v.best > best(sf) {
            let derived = v.best - best(sf);
            civ = Some(match civ {
                Some(mut c) if c.best < derived => {
                    c.best = derived;
                    c.high = c.high.map(|h| h.max(derived));
                    c
                }
                Some(c) => c,
                None => Count::exact(derived),
            });
        }
    }
    let mut total = match (victims, mil) {
        (Some(v), Some(m)) => Some(Count {
            low: v.low + m.low,
            best: v.best + m.best,
            high: v.high.zip(m.high).map(|(a, b)| a + b),
        }),
        (Some(v), None) => Some(v),
        (None, m) => m,
    };
    let updates: Vec<Count> = stmts
        .iter()
        .filter(|s| s.outcome == outcome && s.update)
        .map(|s| s.count)
        .collect();
    if let Some(last) = updates.last() {
        let mut t = total.unwrap_or(*last);
        for u in &updates {
            t.widen(u);
        }
        t.best = last.best;
        total = Some(t);
    }
    let zero_of = |cat: Category| {
        stmts
            .iter()
            .any(|s| s.outcome == outcome && category_zero(s) && s.category == cat)
            .then_some(Count::exact(0))
    };
    Casualties {
        total,
        security_forces: sf.or(zero_of(Category::SecurityForces)),
        civilians: civ.or(zero_of(Category::Civilians)),
        militants: mil.or(zero_of(Category::Militants)),
    }
}

fn event_type(doc: &Document, seg: &Segment, killed: &Casualties, context: &[usize]) -> EventType {
    let mut scores: HashMap<EventType, i32> = HashMap::new();
    for &si in &seg.sentences {
        let weight = if si == seg.anchor { 3 } else { 1 };
        for (t, w) in &doc.cues[si].event_scores {
            *scores.entry(*t).or_insert(0) += w * weight;
        }
    }
    // `frame.type.own_suicide`: a suicide bomber decides the type only in
    // the incident's own sentences; one in the context (an earlier suicide
    // attack the story recalls) does not make a shooting a suicide bombing.
    let suicide = scores.get(&EventType::SuicideBombing).copied().unwrap_or(0);
    if seg.role == Role::Main {
        for &si in context {
            for (t, w) in &doc.cues[si].event_scores {
                *scores.entry(*t).or_insert(0) += w;
            }
        }
    }
    let mut best = EventType::ALL
        .into_iter()
        .filter(|t| *t != EventType::Other)
        .map(|t| (t, scores.get(&t).copied().unwrap_or(0)))
        .max_by_key(|(t, s)| (*s, std::cmp::Reverse(*t)))
        .filter(|(_, s)| *s > 0)
        .map(|(t, _)| t)
        .unwrap_or(EventType::Other);
    if suicide >= 5 {
        best = EventType::SuicideBombing;
    }
    let count = |c: Option<Count>| c.map(|c| c.best).unwrap_or(0);
    let victims = count(killed.total).saturating_sub(count(killed.militants));
    let single_victim = victims <= 1 && count(killed.militants) == 0;
    match best {
        // `frame.type.militants_killed`: no word names the kind of event,
        // but militants were killed ("five terrorists were sent to hell in
        // an exchange of fire"): the forces' operation.
        EventType::Other if count(killed.militants) > 0 => EventType::SecurityOperation,
        EventType::TargetedKilling if !single_victim && victims > 2 => EventType::ArmedAssault,
        EventType::ArmedAssault
            if single_victim
                && scores
                    .get(&EventType::TargetedKilling)
                    .copied()
                    .unwrap_or(0)
                    > 0 =>
        {
            EventType::TargetedKilling
        }
        t => t,
    }
}

/// `date.summary_recent`: a summary dates the undated items told after it
/// ("killed eleven in three engagements on Monday"); an item marked as a
/// further incident takes no date clearly older than the news (a year or an old month in a background
/// sentence: "since the ceasefire ended in November 2022", "the 2007
/// clashes"), which dates nothing told later.
fn not_stale(doc: &Document, date: Option<IncidentDate>) -> bool {
    let (Some(d), Some(p)) = (date, doc.published) else {
        return date.is_some();
    };
    match d.precision() {
        Precision::Day => p.ordinal() - d.ordinal() <= 10,
        Precision::Month => {
            (d.year, d.month) >= (p.year, p.month) || p.ordinal() - d.ordinal() <= 40
        }
        Precision::Year => d.year >= p.year,
    }
}

fn incident_date(
    doc: &Document,
    lex: &Lexicon,
    seg: &Segment,
    roles: &[SentenceRole],
    evidence: &mut Vec<Evidence>,
) -> Option<IncidentDate> {
    if let Some(date) = seg.date {
        let source = seg
            .sentences
            .iter()
            .find(|&&si| doc.dates_in(si).iter().any(|d| d.date == Some(date)));
        if let Some(&si) = source {
            evidence.push(span_evidence(doc, si, "date", Some(date.to_string()), None));
        }
        return Some(date);
    }
    // "killed eleven terrorists in three separate engagements on Monday":
    // the summary dates each clash it adds up.
    if seg.role == Role::Main {
        // "Another IBO was conducted in ...", "Separately, ...": an item
        // marked as a further incident is news of its own, no part of a
        // summary told before it; so is one a shift marker opens
        // ("Meanwhile, a terrorist was killed ..." after "since the
        // ceasefire ended in November 2022": `date.shift_not_part`).
        let cues = &doc.cues[seg.anchor];
        let may_be_part = !cues.new_incident && !cues.shift;
        // `date.fresh_summary`: "fifteen terrorists were killed in two IBOs
        // on Saturday. Attacks have risen since the TTP broke its ceasefire
        // in 2022. The first IBO took place in ...": the item is a part of
        // the summary of the day's news, not of the older one told between
        // (a monthly count's items keep the nearest summary's date).
        // `date.summary_scene`: "In Lower Dir, militants attacked three
        // police posts" is the summary of the items after it; undated, it
        // leaves them to no older date of a summary told before it (a
        // recall of "the 2007 clashes").
        // One date per summary, nearest summary first.
        let mut own_scene_passed = false;
        let mut candidates: Vec<&crate::document::DateMention> = Vec::new();
        for si in (0..seg.anchor)
            .rev()
            .filter(|&si| roles[si] == SentenceRole::Summary)
        {
            let fresh_only = own_scene_passed || !may_be_part;
            let found = doc
                .dates_in(si)
                .iter()
                .find(|d| !d.reporting && (!fresh_only || not_stale(doc, d.date)));
            candidates.extend(found);
            own_scene_passed |= names_district(doc, lex, si) && !doc.sentences[si].headline;
        }
        let summary_date = candidates
            .iter()
            .find(|d| {
                not_stale(doc, d.date) && d.date.is_some_and(|x| x.precision() == Precision::Day)
            })
            .or(candidates.first())
            .copied();
        if let Some(d) = summary_date {
            return dated_by(doc, d, evidence);
        }
    }
    // News reports what happened on or just before its publication day;
    // a wire dateline ("ISLAMABAD, Mar 20 (APP):") says which day it was
    // filed (`date.dateline`). A dateline is a mention of no width.
    let in_text = |d: &&crate::document::DateMention| d.tok_start < d.tok_end;
    let dated = seg
        .sentences
        .iter()
        .any(|&si| doc.dates_in(si).iter().any(|d| in_text(&d)));
    if seg.role == Role::Main && !dated {
        let filed = seg
            .sentences
            .iter()
            .flat_map(|&si| doc.dates_in(si))
            .find(|d| !in_text(d) && d.date.is_some());
        if let Some(d) = filed {
            return dated_by(doc, d, evidence);
        }
        return doc.published;
    }
    None
}

/// Does the sentence name a district-level place as a scene?
fn names_district(doc: &Document, lex: &Lexicon, si: usize) -> bool {
    doc.places_in(si).iter().any(|p| {
        !p.weak
            && lex
                .gazetteer
                .places
                .get(p.place)
                .is_some_and(|pl| pl.kind >= PlaceKind::District && pl.admin2.is_some())
    })
}

/// The date a mention gives, with its sentence as the date's evidence.
fn dated_by(
    doc: &Document,
    d: &crate::document::DateMention,
    evidence: &mut Vec<Evidence>,
) -> Option<IncidentDate> {
    let text = d.date.map(|x| x.to_string());
    evidence.push(span_evidence(doc, d.sentence, "date", text, None));
    d.date
}

/// Gazetteer names of facilities ("Karachi University", "Jinnah International
/// Airport") are landmarks, not settlements: coders name the facility in their
/// own words, so only towns and localities become the incident's `place`.
fn is_facility(name: &str) -> bool {
    const FACILITY: &[&str] = &[
        "university",
        "airport",
        "station",
        "hospital",
        "institute",
        "college",
        "school",
        "base",
        "camp",
        "road",
        "highway",
        "chowk",
        "bazaar",
        "market",
        "port",
        "bridge",
        "dam",
        "complex",
        "centre",
        "center",
        "office",
        "lines",
        "stadium",
        "mosque",
        "cantonment",
        "airbase",
        "headquarters",
        "jail",
        "prison",
        "plaza",
        "park",
    ];
    name.split_whitespace()
        .last()
        .is_some_and(|w| FACILITY.contains(&w.to_lowercase().as_str()))
}

type Location = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<f64>,
    Option<f64>,
);

/// "The Musakhel killings come four months after a similar incident near
/// Noshki": in a sentence recalling an older incident, a place named before
/// the recall belongs to the current story, when one follows it.
fn before_recall(doc: &Document, m: &PlaceMention) -> bool {
    let Some(at) = doc.cues.get(m.sentence).and_then(|c| c.background_at) else {
        return false;
    };
    m.tok_start < at
        && doc
            .places_in(m.sentence)
            .iter()
            .any(|p| p.tok_start >= at && !p.weak)
}

/// The places of the first sentence of the headline and lead that names a
/// scene at district level or finer (later lead sentences may already
/// recall other attacks).
fn lead_places<'d>(doc: &'d Document, lex: &Lexicon) -> Vec<&'d PlaceMention> {
    const LEAD_SENTENCES: usize = 3;
    let mut body = 0;
    for (si, s) in doc.sentences.iter().enumerate() {
        if !s.headline {
            body += 1;
        }
        if body > LEAD_SENTENCES {
            break;
        }
        let scene: Vec<&PlaceMention> = doc.places_in(si).iter().filter(|p| !p.weak).collect();
        let placed = scene.iter().any(|p| {
            lex.gazetteer
                .places
                .get(p.place)
                .is_some_and(|pl| pl.kind >= PlaceKind::District)
        });
        if placed {
            return scene;
        }
    }
    Vec::new()
}

fn location(
    doc: &Document,
    lex: &Lexicon,
    seg: &Segment,
    evidence: &mut Vec<Evidence>,
) -> Location {
    let places = &lex.gazetteer.places;
    let mut district_votes: HashMap<&str, f64> = HashMap::new();
    let mut province_votes: HashMap<&str, f64> = HashMap::new();
    let mentions: Vec<_> = seg
        .sentences
        .iter()
        .flat_map(|&si| doc.places_in(si))
        .collect();
    for m in &mentions {
        let pl = &places[m.place];
        let eventful = doc.cues[m.sentence].eventful || !doc.casualties_in(m.sentence).is_empty();
        let mut w = match (m.sentence == seg.anchor, eventful) {
            (true, _) => 3.0,
            (false, true) => 1.0,
            (false, false) => 0.4,
        };
        if m.district_word {
            w += 2.0;
        }
        if m.weak || (seg.role == Role::Mentioned && before_recall(doc, m)) {
            w *= 0.1;
        }
        if let Some(d) = pl.admin2.as_deref() {
            *district_votes.entry(d).or_insert(0.0) += w;
        }
        if let Some(p) = pl.admin1.as_deref() {
            *province_votes.entry(p).or_insert(0.0) += w;
        }
    }
    // Nothing placed in the story's own sentences: the headline and lead
    // name where the article's news is (a statement praising "the
    // operations in Khyber"). Not the dateline: it is where the report was
    // filed or the statement issued; on real news a story placed only by it
    // was never right.
    // `segment.scene_summary.placed`: "In two separate encounters in North
    // Waziristan, ... Resultantly, five were killed": an item whose own
    // sentences name no place is where the segmenter put it (the scene a
    // summary set, or the district a province-only headline's story found
    // in its body), before the lead's places.
    if district_votes.is_empty() {
        if let Some(d) = seg.district.as_deref() {
            district_votes.insert(d, 0.5);
        }
    }
    if district_votes.is_empty() && province_votes.is_empty() && seg.role == Role::Main {
        for m in lead_places(doc, lex) {
            let pl = &places[m.place];
            if let Some(d) = pl.admin2.as_deref() {
                *district_votes.entry(d).or_insert(0.0) += 0.5;
            }
            if let Some(p) = pl.admin1.as_deref() {
                *province_votes.entry(p).or_insert(0.0) += 0.5;
            }
        }
    }
    let top = |v: &HashMap<&str, f64>| {
        v.iter()
            .max_by(|a, b| a.1.total_cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(k, _)| k.to_string())
    };
    let admin2 = if seg.locked {
        seg.district.clone()
    } else {
        top(&district_votes)
    };
    let district_row = admin2.as_deref().and_then(|d| lex.gazetteer.district(d));
    let admin1 = district_row
        .and_then(|d| d.admin1.clone())
        .or_else(|| {
            admin2.as_ref().and_then(|d| {
                places
                    .iter()
                    .find(|p| p.admin2.as_deref() == Some(d))
                    .and_then(|p| p.admin1.clone())
            })
        })
        .or_else(|| top(&province_votes));
    let local = mentions.iter().find(|m| {
        let pl = &places[m.place];
        let eventful = m.sentence == seg.anchor || !doc.casualties_in(m.sentence).is_empty();
        pl.kind.is_local()
            && pl.admin2 == admin2
            && admin2.as_deref() != Some(pl.name.as_str())
            && !m.weak
            && eventful
    });
    // Landmarks help merging (two reports both at the airport) but are not
    // written as `place`: coders name facilities in their own words.
    let landmark = local.filter(|m| is_facility(&places[m.place].name));
    let local = local.filter(|m| !is_facility(&places[m.place].name));
    let supporting = mentions
        .iter()
        .find(|m| places[m.place].admin2.is_some() && places[m.place].admin2 == admin2);
    if let Some(m) = local.or(supporting) {
        evidence.push(span_evidence(
            doc,
            m.sentence,
            "admin2",
            admin2.clone(),
            None,
        ));
        evidence.push(span_evidence(
            doc,
            m.sentence,
            "admin1",
            admin1.clone(),
            None,
        ));
    }
    if let Some(l) = local.or(landmark) {
        let name = places[l.place].name.clone();
        evidence.push(span_evidence(doc, l.sentence, "place", Some(name), None));
    }
    let place = local.map(|m| places[m.place].name.clone());
    let coords = local
        .map(|m| &places[m.place])
        .or(district_row)
        .or_else(|| admin1.as_deref().and_then(|p| lex.gazetteer.province(p)))
        .filter(|p| p.kind != PlaceKind::Country);
    (
        admin1,
        admin2,
        place,
        coords.and_then(|p| p.lat),
        coords.and_then(|p| p.lon),
    )
}

/// Sentences that belong to no incident (summaries, context) whose group
/// mentions may still name this incident's perpetrator: only for the
/// article's first main incident, or any security operation.
fn floating_sentences(
    roles: &[SentenceRole],
    k: usize,
    main_ids: &[usize],
    segs: &[Segment],
    doc: &Document,
    lex: &Lexicon,
) -> Vec<usize> {
    let _ = (doc, lex);
    let first_main =
        main_ids.first() == Some(&k) || segs.get(k).is_some_and(|s| s.role == Role::Main);
    if !first_main {
        return vec![];
    }
    roles
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(r, SentenceRole::Summary | SentenceRole::Other))
        .map(|(i, _)| i)
        .collect()
}

/// "said it was behind the attacks": a claim for every incident of the article.
fn claims_several(doc: &Document, si: usize) -> bool {
    let c = &doc.cues[si];
    c.claim
        && !c.claim_negated
        && doc.sentence_tokens(si).iter().any(|t| {
            matches!(
                t.lower.as_str(),
                "attacks" | "both" | "twin" | "bombings" | "assaults"
            )
        })
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Responsibility {
    Presence,
    Attributed,
    Claimed,
}

fn responsible_group(
    doc: &Document,
    lex: &Lexicon,
    seg: &Segment,
    event_type: EventType,
    floating: &[usize],
    evidence: &mut Vec<Evidence>,
) -> (Option<String>, bool) {
    let mut best: Option<(Responsibility, usize, usize)> = None;
    let mut negated = false;
    for g in &doc.groups {
        let own = seg.sentences.contains(&g.sentence);
        let shared = seg.role == Role::Main
            && (floating.contains(&g.sentence) || claims_several(doc, g.sentence));
        if !own && !shared {
            continue;
        }
        let c = &doc.cues[g.sentence];
        negated |= c.claim_negated;
        if c.background && seg.role == Role::Main && !own {
            continue;
        }
        if c.background && seg.role == Role::Main && c.claim_negated {
            continue;
        }
        let toks = &doc.tokens;
        let after = |k: usize| {
            toks.get(g.tok_end + k)
                .map(|t| t.lower.as_str())
                .unwrap_or("")
        };
        let agent = (0..3).any(|k| AGENT_AFTER.contains(&after(k)));
        let by = (1..=4).any(|k| {
            g.tok_start
                .checked_sub(k)
                .and_then(|i| toks.get(i))
                .is_some_and(|t| matches!(t.lower.as_str(), "from" | "by"))
        });
        let kind = if c.claim && !c.claim_negated {
            Responsibility::Claimed
        } else if (c.attribution && !c.background) || agent || by && c.eventful {
            Responsibility::Attributed
        } else if event_type == EventType::SecurityOperation && (own || c.eventful) {
            Responsibility::Presence
        } else {
            continue;
        };
        if best.is_none_or(|(k, _, _)| kind > k) {
            best = Some((kind, g.group, g.sentence));
        }
    }
    let Some((kind, group, sentence)) = best else {
        return (None, false);
    };
    let name = lex.groups[group].name.clone();
    evidence.push(span_evidence(
        doc,
        sentence,
        "group",
        Some(name.clone()),
        None,
    ));
    let claimed = kind == Responsibility::Claimed && !(negated && seg.role == Role::Mentioned);
    if claimed {
        evidence.push(span_evidence(
            doc,
            sentence,
            "claimed",
            Some("true".into()),
            None,
        ));
    }
    (Some(name), claimed)
}

/// `frame.targets`: who was attacked. A security operation targets
/// militants and nothing else (its own losses are not its targets). An
/// attack targets its victims' classes and what the sentences that tell
/// the attack name as hit ("opened fire on a police post"); cues in
/// sentences about the aftermath ("security forces cordoned off the area",
/// "shifted to hospital") name no target.
fn targets(
    doc: &Document,
    seg: &Segment,
    stmts: &[&CasualtyStatement],
    event_type: EventType,
) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    if event_type == EventType::SecurityOperation {
        out.push(Target::Militants);
    }
    for s in stmts.iter().filter(|s| s.count.best > 0) {
        let t = match s.category {
            Category::SecurityForces => s.target.or(Some(Target::Military)),
            Category::Civilians => s.target.or(Some(Target::Civilians)),
            _ => None,
        };
        out.extend(t);
        if s.category == Category::Civilians {
            out.push(Target::Civilians);
        }
    }
    for &si in &seg.sentences {
        let c = &doc.cues[si];
        let tells_attack = (c.eventful || si == seg.anchor) && !c.aftermath;
        if tells_attack {
            out.extend(c.targets.iter().copied());
        }
    }
    if event_type != EventType::SecurityOperation {
        out.retain(|t| *t != Target::Militants);
    }
    out.sort();
    out.dedup();
    out
}

/// One ledger line per sentence and field, with what that sentence states:
/// "two policemen, one paramilitary soldier" is 3 security forces.
fn statement_evidence(doc: &Document, stmts: &[&CasualtyStatement], evidence: &mut Vec<Evidence>) {
    let mut sums: Vec<(usize, String, Count, bool)> = Vec::new();
    for s in stmts {
        let field = field_of(s);
        match sums
            .iter_mut()
            .find(|(si, f, _, _)| *si == s.sentence && *f == field)
        {
            Some((_, _, c, all_subset)) if s.subset == *all_subset || !s.subset => {
                if *all_subset && !s.subset {
                    *c = s.count;
                    *all_subset = false;
                } else if let Some(sum) = add(Some(*c), s.count) {
                    *c = sum;
                }
            }
            Some(_) => {}
            None => sums.push((s.sentence, field, s.count, s.subset)),
        }
    }
    for (si, field, c, _) in sums {
        evidence.push(span_evidence(
            doc,
            si,
            &field,
            Some(count_text(&c)),
            source_of(doc, si),
        ));
    }
}

/// Counts no single sentence states (a total summed from categories, a
/// civilian toll derived from the total) cite every sentence that went into them.
fn derived_evidence(
    doc: &Document,
    stmts: &[&CasualtyStatement],
    killed: &Casualties,
    injured: &Casualties,
    evidence: &mut Vec<Evidence>,
) {
    for (outcome, cas) in [(Outcome::Killed, killed), (Outcome::Injured, injured)] {
        for cat in Category::ALL {
            let field = format!("{}.{}", outcome.as_str(), cat.as_str());
            let Some(c) = cas.get(cat) else { continue };
            if evidence.iter().any(|e| e.field == field) {
                continue;
            }
            let mut seen = Vec::new();
            for s in stmts.iter().filter(|s| s.outcome == outcome) {
                if !seen.contains(&s.sentence) {
                    seen.push(s.sentence);
                    let value = format!("{} (derived)", count_text(&c));
                    evidence.push(span_evidence(doc, s.sentence, &field, Some(value), None));
                }
            }
        }
    }
}

fn field_of(s: &CasualtyStatement) -> String {
    format!("{}.{}", s.outcome.as_str(), s.category.as_str())
}

fn count_text(c: &Count) -> String {
    match c.high {
        None => format!("{}+", c.low),
        Some(h) if h != c.low => format!("{}-{}", c.low, h),
        Some(_) => c.best.to_string(),
    }
}

/// Who gave a figure, when the sentence says.
fn source_of(doc: &Document, si: usize) -> Option<String> {
    const SOURCES: &[(&str, &str)] = &[
        ("ispr", "ISPR"),
        ("inter-services", "ISPR"),
        ("military", "military"),
        ("army", "military"),
        ("police", "police"),
        ("dpo", "police"),
        ("ssp", "police"),
        ("sho", "police"),
        ("ctd", "CTD"),
        ("hospital", "hospital"),
        ("doctors", "hospital"),
        ("rescue", "rescue services"),
        ("edhi", "rescue services"),
        ("minister", "government"),
        ("commissioner", "government"),
        ("officials", "officials"),
        ("official", "officials"),
        ("spokesperson", "spokesperson"),
        ("spokesman", "spokesperson"),
        ("statement", "statement"),
    ];
    let toks = doc.sentence_tokens(si);
    let said = toks.iter().any(|t| {
        matches!(
            t.lower.as_str(),
            "said" | "told" | "confirmed" | "according" | "says" | "reported"
        )
    });
    if !said {
        return None;
    }
    toks.iter().find_map(|t| {
        SOURCES
            .iter()
            .find(|(k, _)| *k == t.lower)
            .map(|(_, v)| v.to_string())
    })
}

fn span_evidence(
    doc: &Document,
    si: usize,
    field: &str,
    value: Option<String>,
    source: Option<String>,
) -> Evidence {
    let s = &doc.sentences[si];
    Evidence {
        article: doc.id.clone(),
        start: s.start,
        end: s.end,
        field: field.to_string(),
        value,
        source,
    }
}
