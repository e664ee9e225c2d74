//! Stage: relevance. Does the article, and each of its passages, report
//! militant or insurgent violence in Pakistan, or a security operation
//! against militants there, as news?
//!
//! reads: tokens, sentences, places, dates, groups, cues (scope cues,
//!   militancy, foreign places), casualties; for passages, the segments.
//! writes: the article's [`Relevance`] (classifier score, decision, the
//!   scope classes that fired) and one [`Verdict`] per segment.
//!
//! Two levels, and this stage alone decides scope:
//! 1. **Article.** A logistic-regression classifier (`relevance/en/model.tsv`,
//!    trained by `tally relevance-train` on labelled real news) over word,
//!    lead-word and word-pair presence, scope-cue counts and counts read off
//!    earlier layers (`features.rs`). Below its threshold the article is not
//!    news of an incident (`scope.not_news`): a story it tells is background
//!    at most.
//! 2. **Passage.** One rule per scope class, tried in this order; the first
//!    that fires decides (see each `fn` for its condition):
//!    `scope.abroad`, `scope.interstate`, `scope.accident`, `scope.disaster`,
//!    `scope.crime`, `scope.obituary`, `scope.figurative`, `scope.verdict`,
//!    `scope.anniversary`, `scope.threat_arrest`, `scope.statistics`,
//!    `scope.statement` (a passage in which nothing happens), then the
//!    article's `scope.not_news`.

pub mod features;
pub mod train;

use crate::document::{DateKind, Document};
use crate::segment::{Segment, SentenceRole};
use tally_lexicon::{Lexicon, Marker, PlaceKind, ScopeClass};
use tally_model::{Category, DroppedPassage, EventType, Precision, Relevance, Role, Target};

/// What the relevance stage says about one segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Keep,
    /// Out of scope as news, but it recalls an in-scope attack with its own
    /// date: code it as a `mentioned` incident.
    Background(ScopeClass),
    Drop(ScopeClass),
}

/// The article-level decision, with the scope classes its lead shows.
pub fn article(doc: &Document, lex: &Lexicon) -> Relevance {
    let score = score(doc, lex);
    let news = score >= lex.relevance.threshold;
    let mut fired = lead_classes(doc, lex);
    if !news {
        fired.push(ScopeClass::NotNews.id().to_string());
    }
    Relevance {
        score,
        news,
        fired,
        dropped: Vec::new(),
    }
}

/// The decision for an article in which the segmenter found no incident
/// at all: not news of one, without spending the classifier on it (most
/// news is not about violence; this keeps extraction fast).
pub fn article_without_incidents(doc: &Document, lex: &Lexicon) -> Relevance {
    Relevance {
        score: 0.0,
        news: false,
        fired: lead_classes(doc, lex),
        dropped: Vec::new(),
    }
}

/// Classes the lead (headline and first sentences) is about: cues of the
/// class and no militancy in the lead; `scope.abroad` when the lead names a
/// place abroad and none at home. They explain the decision; passage rules
/// still decide each passage.
fn lead_classes(doc: &Document, lex: &Lexicon) -> Vec<String> {
    let end = features::lead_end(doc).min(doc.cues.len());
    let lead = &doc.cues[..end];
    let militancy = lead.iter().any(|c| c.in_scope);
    let happened =
        lead.iter().any(|c| c.happened) || doc.casualties.iter().any(|c| c.sentence < end);
    let fresh_harm = (0..end)
        .any(|si| (lead[si].happened || !doc.casualties_in(si).is_empty()) && dated_fresh(doc, si));
    // The lead reports an attack of the last few days with an attack verb:
    // a court, an anniversary or a release of figures it also names is its
    // setting ("terrorists attacked a prison van carrying convicts on
    // Monday"), not what the day's news is ("officials marking the
    // anniversary of the attack that killed five laid wreaths on Monday").
    let fresh_event =
        (0..end).any(|si| lead[si].struck && !lead[si].background && dated_fresh(doc, si));
    let mut out: Vec<String> = Vec::new();
    let home = (0..end).any(|si| home_place_in(doc, lex, si));
    if lead.iter().any(|c| c.foreign) && !home {
        out.push(ScopeClass::Abroad.id().to_string());
    }
    for c in lead {
        for &class in &c.scope {
            let shows = match class {
                // Militants named make these militant violence after all.
                ScopeClass::Accident
                | ScopeClass::Disaster
                | ScopeClass::Crime
                | ScopeClass::Figurative => !militancy,
                // A death of illness is no attack, whatever attack the
                // deceased once survived ("who was wounded in a militant
                // ambush in 2008, passed away on Monday"): only harm done in
                // the last few days makes the lead an attack.
                ScopeClass::Obituary => !militancy || !fresh_harm,
                ScopeClass::Verdict | ScopeClass::Anniversary | ScopeClass::Statistics => {
                    !fresh_event
                }
                // An arrest story is one only if nothing happened.
                ScopeClass::ThreatArrest => !happened,
                ScopeClass::Statement | ScopeClass::NotNews => false,
                _ => true,
            };
            let id = class.id().to_string();
            if shows && !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
}

/// Does sentence `si` date something within the last few days, with no
/// older date the event could be ("on Monday sentenced ... for the 2019
/// bombing")?
fn dated_fresh(doc: &Document, si: usize) -> bool {
    let age = |d: &crate::document::DateMention| {
        d.date
            .zip(doc.published)
            .map(|(x, pb)| (x, pb.ordinal() - x.ordinal()))
    };
    let dates = doc.dates_in(si);
    let recent = dates.iter().any(|d| {
        !d.reporting
            && d.kind != DateKind::Vague
            && age(d).is_some_and(|(x, a)| {
                x.precision() == Precision::Day && (0..=features::FRESH_DAYS).contains(&a)
            })
    });
    let older = dates.iter().any(|d| {
        age(d).is_some_and(|(x, a)| match x.precision() {
            Precision::Day => a > features::OLD_DAYS,
            _ => doc.published.is_some_and(|pb| x.year < pb.year),
        })
    });
    recent && !older
}

fn home_place_in(doc: &Document, lex: &Lexicon, si: usize) -> bool {
    doc.places_in(si).iter().any(|m| {
        !m.weak
            && !listed_with_abroad(doc, lex, m)
            && lex
                .gazetteer
                .places
                .get(m.place)
                .is_some_and(|pl| pl.kind >= PlaceKind::District)
    })
}

/// `scope.abroad.listed`: a town's name joined by "and" or a comma to a
/// place abroad ("in Khost and Paktika provinces of Afghanistan") is the
/// place abroad of that name, not the town at home.
fn listed_with_abroad(doc: &Document, lex: &Lexicon, m: &crate::document::PlaceMention) -> bool {
    let below_district = lex
        .gazetteer
        .places
        .get(m.place)
        .is_some_and(|pl| pl.kind > PlaceKind::District);
    let joins = |k: usize| {
        doc.tokens
            .get(k)
            .is_some_and(|t| matches!(t.lower.as_str(), "and" | ","))
    };
    let abroad_at = |k: usize| {
        doc.tokens.get(k).is_some_and(|t| t.capitalized)
            && lex.foreign_places.match_at(&doc.tokens, k).is_some()
    };
    let after = joins(m.tok_end) && abroad_at(m.tok_end + 1);
    let before = m.tok_start >= 2
        && joins(m.tok_start - 1)
        && (m.tok_start.saturating_sub(5)..m.tok_start - 1).any(|k| {
            lex.foreign_places
                .match_at(&doc.tokens, k)
                .is_some_and(|f| k + f.len + 1 == m.tok_start)
        });
    below_district && (after || before)
}

/// The classifier's probability that the article reports an incident as news.
pub fn score(doc: &Document, lex: &Lexicon) -> f32 {
    let model = &lex.relevance;
    if model.is_empty() {
        return 1.0;
    }
    let mut sink = features::WeightSink::new(model);
    features::visit(doc, lex, &mut sink);
    let z = model.bias + sink.dot();
    1.0 / (1.0 + (-z).exp())
}

/// Verdicts for every segment, recording what fired on `relevance`.
pub fn passages(
    doc: &Document,
    lex: &Lexicon,
    segs: &[Segment],
    roles: &[SentenceRole],
    relevance: &mut Relevance,
) -> Vec<Verdict> {
    // `scope.statistics`: figures in a sentence that adds up a period or
    // several incidents (the segmenter keeps them out of every incident).
    let counted = (0..roles.len())
        .any(|si| roles[si] == SentenceRole::Summary && !doc.casualties_in(si).is_empty());
    let stats = ScopeClass::Statistics.id().to_string();
    if counted && !relevance.fired.contains(&stats) {
        relevance.fired.push(stats);
    }
    let mut verdicts = Vec::with_capacity(segs.len());
    let mut lead: Vec<ScopeClass> = relevance
        .fired
        .iter()
        .filter_map(|id| ScopeClass::parse(id))
        .collect();
    // An article that never names militants, terrorism or an armed group
    // and names a crime, an accident or a disaster anywhere is about that.
    let militant_article = doc.cues.iter().any(|c| c.in_scope) || !doc.groups.is_empty();
    if !militant_article {
        for c in &doc.cues {
            for &class in &c.scope {
                let context = matches!(
                    class,
                    ScopeClass::Crime | ScopeClass::Accident | ScopeClass::Disaster
                );
                if context && !lead.contains(&class) {
                    lead.push(class);
                }
            }
        }
    }
    for seg in segs {
        let v = passage(doc, lex, seg, relevance.news, &lead);
        if let Verdict::Drop(class) | Verdict::Background(class) = v {
            let id = class.id().to_string();
            if !relevance.fired.contains(&id) {
                relevance.fired.push(id.clone());
            }
            if matches!(v, Verdict::Drop(_)) {
                let s = &doc.sentences[seg.anchor];
                relevance.dropped.push(DroppedPassage {
                    start: s.start,
                    end: s.end,
                    class: id,
                });
            }
        }
        verdicts.push(v);
    }
    verdicts
}

/// A passage rule: does its class fire on this passage?
type Rule = fn(&Passage) -> bool;

fn passage(
    doc: &Document,
    lex: &Lexicon,
    seg: &Segment,
    news: bool,
    lead: &[ScopeClass],
) -> Verdict {
    let mut p = Passage::read(doc, lex, seg);
    // A passage that names no militancy, and no victim militants target,
    // belongs to the story its lead tells (the second sentence of an
    // accident report is about the accident).
    let targeted = p.protected || p.armed_victims || p.protected_targets;
    if !p.militancy && !targeted {
        for class in lead {
            if !p.cues.contains(class) && *class != ScopeClass::ThreatArrest {
                p.cues.push(*class);
            }
        }
    }
    let rules: [(ScopeClass, Rule); 12] = [
        (ScopeClass::Abroad, abroad),
        (ScopeClass::Interstate, interstate),
        (ScopeClass::Accident, accident),
        (ScopeClass::Disaster, disaster),
        (ScopeClass::Crime, crime),
        (ScopeClass::Obituary, obituary),
        (ScopeClass::Figurative, figurative),
        (ScopeClass::Verdict, court_case),
        (ScopeClass::Anniversary, anniversary),
        (ScopeClass::ThreatArrest, threat_or_arrest),
        (ScopeClass::Statistics, statistics),
        (ScopeClass::Statement, statement),
    ];
    for (class, fires) in rules {
        if fires(&p) {
            return match class {
                ScopeClass::Verdict | ScopeClass::Anniversary => background_or_drop(&p, class),
                _ => Verdict::Drop(class),
            };
        }
    }
    if !news && seg.role == Role::Main && !seg.follow_up {
        return background_or_drop(&p, ScopeClass::NotNews);
    }
    Verdict::Keep
}

/// A story an out-of-scope article recalls is background when the text
/// dates it itself; undated, it cannot be told from the article's own day.
fn background_or_drop(p: &Passage, class: ScopeClass) -> Verdict {
    if p.role == Role::Mentioned || p.own_date {
        Verdict::Background(class)
    } else {
        Verdict::Drop(class)
    }
}

/// What the rules read off one segment.
struct Passage {
    role: Role,
    /// Some class cue per class, over the segment's sentences.
    cues: Vec<ScopeClass>,
    /// Cues of the introducing sentence.
    anchor_cues: Vec<ScopeClass>,
    militancy: bool,
    violence: bool,
    happened: bool,
    /// Something happened, was set off or was foiled.
    attempted: bool,
    /// A word names the kind of attack ("repelled the attack", "IED"), not
    /// only violence in general ("attacks", "terrorism").
    typed: bool,
    protected: bool,
    shooting: bool,
    /// A bombing or suicide-bombing cue (blasts are not crime's tools).
    explosive: bool,
    /// Some figure is about security forces or militants.
    armed_victims: bool,
    /// Targets other than civilians (police, officials, worshippers...).
    protected_targets: bool,
    groups: bool,
    figures: bool,
    /// A sentence with figures names an accident and no militants.
    accident_figures: bool,
    /// A sentence with figures names militants or an armed group.
    militant_figures: bool,
    /// A sentence that reports the event names a place abroad.
    foreign_scene: bool,
    /// A sentence that reports the event names a place of the country at
    /// district level or finer (not a weak mention).
    home_scene: bool,
    /// The segment carries a written date of its own (not the publication day).
    own_date: bool,
    /// A sentence that reports the event dates it within the last few days:
    /// news, whatever court or anniversary the story also mentions.
    fresh: bool,
    /// Some sentence dates the passage, and only by whole years ("last
    /// year", "since 1984", "in 2024").
    year_only: bool,
    /// A bomb was found and made safe, or an attack stopped, in a sentence
    /// that names a bomb ("foiled a terror bid by recovering a bomb").
    foiled_bomb: bool,
    /// A singular noun names one event ("an attack", "the blast"), not a
    /// period's many ("attacks", "violence").
    event_named: bool,
}

impl Passage {
    fn read(doc: &Document, lex: &Lexicon, seg: &Segment) -> Passage {
        let mut p = Passage {
            role: seg.role,
            cues: Vec::new(),
            anchor_cues: doc
                .cues
                .get(seg.anchor)
                .map(|c| c.scope.clone())
                .unwrap_or_default(),
            militancy: false,
            violence: false,
            happened: false,
            attempted: false,
            typed: false,
            protected: false,
            shooting: false,
            explosive: false,
            armed_victims: false,
            protected_targets: false,
            groups: false,
            figures: false,
            accident_figures: false,
            militant_figures: false,
            foreign_scene: false,
            home_scene: false,
            own_date: false,
            fresh: false,
            year_only: false,
            event_named: false,
            foiled_bomb: false,
        };
        let mut finer_date = false;
        for &si in &seg.sentences {
            let Some(c) = doc.cues.get(si) else { continue };
            let figures = !doc.casualties_in(si).is_empty();
            p.figures |= figures;
            for class in &c.scope {
                if !p.cues.contains(class) {
                    p.cues.push(*class);
                }
            }
            p.militancy |= c.in_scope;
            p.violence |= c.violence;
            p.happened |= c.happened;
            // A foiled attack happened too ("thwarted an attack by recovering a bomb").
            p.attempted |= c.happened || c.foiled || c.detonated || c.clash;
            p.typed |= c.event_scores.iter().any(|(_, w)| *w >= 2);
            p.event_named |= one_event_named(doc, lex, si);
            p.foiled_bomb |= c.foiled
                && c.event_scores.iter().any(|(t, w)| {
                    *w > 0 && matches!(t, EventType::Bombing | EventType::SuicideBombing)
                })
                && !tells_arrest(doc, si);
            // Who the victims are is told where the figures are.
            p.protected |= c.protected && figures;
            p.shooting |= c.shooting;
            // Where harm is told or militancy named: "planted saplings" in
            // a later paragraph sets nothing off.
            p.explosive |= (figures || c.in_scope)
                && c.event_scores.iter().any(|(t, w)| {
                    *w > 0 && matches!(t, EventType::Bombing | EventType::SuicideBombing)
                });
            p.armed_victims |= doc
                .casualties_in(si)
                .iter()
                .any(|s| matches!(s.category, Category::SecurityForces | Category::Militants));
            p.protected_targets |= figures && c.targets.iter().any(|t| *t != Target::Civilians);
            let named_group = !doc.groups_in(si).is_empty();
            p.groups |= named_group;
            let militant = c.in_scope || named_group;
            p.militant_figures |= figures && militant;
            p.accident_figures |= figures && !militant && c.scope.contains(&ScopeClass::Accident);

            let reports_event = figures || c.happened || si == seg.anchor;
            if reports_event {
                p.foreign_scene |= c.foreign;
                p.home_scene |= home_place_in(doc, lex, si);
            }
            if reports_event {
                p.fresh |= dated_fresh(doc, si);
            }
            // A digest item's heading date ("28 October — ...", a mention of
            // no width) lists the item, it recalls no story: an item out of
            // scope is no incident at all.
            p.own_date |= doc.dates_in(si).iter().any(|d| {
                d.date.is_some()
                    && d.kind == DateKind::Explicit
                    && !d.reporting
                    && d.tok_start < d.tok_end
            });
            for d in doc.dates_in(si).iter().filter(|d| !d.reporting) {
                match d.date.map(|x| x.precision()) {
                    Some(Precision::Year) => p.year_only = true,
                    Some(_) => finer_date = true,
                    None => {}
                }
            }
        }
        p.year_only &= !finer_date;
        p
    }

    fn has(&self, class: ScopeClass) -> bool {
        self.cues.contains(&class)
    }
}

/// "arresting two suspects with suicide jackets": a seizure, however
/// foiled the plot.
fn tells_arrest(doc: &Document, si: usize) -> bool {
    doc.sentence_tokens(si).iter().any(|t| {
        let w = t.lower.as_str();
        w.starts_with("arrest") || w.starts_with("detain") || w == "apprehended" || w == "nabbed"
    })
}

/// Does the sentence name one event: an article or demonstrative a word or
/// two before a singular event noun ("an attack on a convoy", "a similar
/// blast")?
fn one_event_named(doc: &Document, lex: &Lexicon, si: usize) -> bool {
    let toks = doc.sentence_tokens(si);
    const MODIFIERS: usize = 2;
    (1..toks.len()).any(|i| {
        let determined = (i.saturating_sub(MODIFIERS + 1)..i)
            .any(|k| matches!(toks[k].lower.as_str(), "a" | "an" | "the" | "this" | "that"));
        determined
            && !toks[i].lower.ends_with('s')
            && lex
                .markers
                .matches_at(toks, i)
                .any(|m| *m.value == Marker::EventNoun)
    })
}

/// `scope.abroad`: the sentences that report the event name a place abroad
/// and none of the country's districts or towns ("a suicide bombing in
/// Kabul killed ten", in a story datelined Islamabad).
fn abroad(p: &Passage) -> bool {
    p.foreign_scene && !p.home_scene
}

/// `scope.interstate`: regular forces of two states fight (cross-border
/// shelling, missile strikes, border clashes with a neighbour's army): no
/// militants are named, or the sentence that reports the event names the
/// other state's forces ("Afghan Taliban and Khwarij attacks on border posts").
fn interstate(p: &Passage) -> bool {
    p.has(ScopeClass::Interstate)
        && (!p.militancy || p.anchor_cues.contains(&ScopeClass::Interstate))
}

/// `scope.accident`: a crash, a cylinder or mine-gas blast, a collapse, a
/// fire, with no militants or weapons of theirs named; or the sentences
/// that give the dead name the accident and no militants, whatever else
/// the story says of them ("an unexploded mortar shell went off in a
/// field, killing four; sources said terrorists had left it behind").
fn accident(p: &Passage) -> bool {
    (p.has(ScopeClass::Accident) && !p.militancy && !p.groups)
        || (p.accident_figures && !p.militant_figures)
}

/// `scope.disaster`: floods, storms, quakes, heat, disease.
fn disaster(p: &Passage) -> bool {
    p.has(ScopeClass::Disaster) && !p.militancy && !p.groups
}

/// `scope.crime`: robbery, dacoits, feuds, disputes, honour killings, mobs,
/// when no militants, terrorism or armed group is named ("gunmen" alone do
/// not make a crime militant); or a shooting of private people by unnamed
/// attackers with no sign of militancy (SCHEMA: ordinary crime "where no
/// militant group or terrorism is named"), unless the victims are of the
/// kinds militants target (officials, politicians, elders, journalists,
/// clerics, minorities, foreigners, security forces).
fn crime(p: &Passage) -> bool {
    let named_crime = p.has(ScopeClass::Crime);
    let unattributed_private_shooting = p.figures
        && p.shooting
        && !p.explosive
        && !p.protected
        && !p.armed_victims
        && !p.protected_targets;
    (named_crime || unattributed_private_shooting) && !p.militancy && !p.groups
}

/// `scope.obituary`: a death from illness or old age.
fn obituary(p: &Passage) -> bool {
    p.has(ScopeClass::Obituary) && !p.militancy && !p.violence
}

/// `scope.figurative`: sport or markets using violent words.
fn figurative(p: &Passage) -> bool {
    p.has(ScopeClass::Figurative) && !p.militancy && !p.violence
}

/// `scope.verdict`: a court story; the attack it tries is background
/// (not when the passage reports an attack of the last few days: "a judge
/// of the anti-terrorism court was shot dead on Monday").
fn court_case(p: &Passage) -> bool {
    p.anchor_cues.contains(&ScopeClass::Verdict) && !p.fresh
}

/// `scope.anniversary`: a commemoration; the attack it marks is background
/// (unless the passage reports a fresh attack, "on the anniversary of ...").
fn anniversary(p: &Passage) -> bool {
    p.anchor_cues.contains(&ScopeClass::Anniversary) && !p.fresh
}

/// `scope.statistics`: the sentence that opens the passage gives figures from
/// a report or a count over a period ("PICSS said in its monthly report
/// that 355 militants were killed in October"), and no sentence of it
/// reports an event of the last few days.
///
/// Its second form, `scope.statistics.period_toll`: figures dated only by
/// whole years, with no district or town and no event named
/// ("3,000 people were killed in violence last year", "200 members of
/// the community have been killed since 1984"): a period's toll.
fn statistics(p: &Passage) -> bool {
    let period_toll = p.figures && p.year_only && !p.home_scene && !p.typed && !p.event_named;
    (p.anchor_cues.contains(&ScopeClass::Statistics) || period_toll) && !p.fresh
}

/// `scope.statement`: a story in which nothing happens: no sentence says
/// anyone was killed, hurt or taken, or that something was set off, fired
/// or stormed, none gives a figure, names a kind of attack, a martyrdom or
/// armed men, or dates it ("the minister
/// said attacks by terrorists in Khuzdar were a challenge"). Talk about
/// terrorism, however militant its words, is no incident; a digest's dated
/// line ("June 7 - Kharqamar: an IED struck an army vehicle") is one.
fn statement(p: &Passage) -> bool {
    let eventful = p.figures || p.attempted || p.typed || p.violence;
    p.role == Role::Main && !eventful && !p.own_date && !p.fresh
}

/// `scope.threat_arrest`: arrests, seizures or threat alerts, and nobody is
/// hurt and no attack or clash is said to have taken place.
///
/// A bomb found where it was planted and made safe is a foiled attack, not
/// a seizure (SCHEMA): "foiled a terror bid by recovering a bomb from a
/// culvert".
fn threat_or_arrest(p: &Passage) -> bool {
    p.anchor_cues.contains(&ScopeClass::ThreatArrest) && !p.figures && !p.happened && !p.foiled_bomb
}
