//! Stage: cues and actors. For every sentence: event-type cues, target cues,
//! discourse markers (new incident, background, summary, claims, scope), and
//! mentions of armed groups.

use crate::document::{DateKind, Document, GroupMention, SentenceCues};
use tally_lexicon::{Lexicon, Marker, ScopeCue, Token};

/// Does an event noun (at these absolute token indexes) follow, within two
/// words, a marker of a known event, or "the" + a place or a written date?
fn recalls_known_event(doc: &Document, si: usize, known_ends: &[usize], nouns: &[usize]) -> bool {
    let is_the = |t: usize| t > 0 && doc.tokens.get(t - 1).is_some_and(|x| x.lower == "the");
    let definite_ends: Vec<usize> = doc
        .places_in(si)
        .iter()
        .filter(|p| is_the(p.tok_start))
        .map(|p| p.tok_end)
        .chain(
            doc.dates_in(si)
                .iter()
                .filter(|d| d.kind == DateKind::Explicit && is_the(d.tok_start))
                .map(|d| d.tok_end),
        )
        .chain(known_ends.iter().copied())
        .collect();
    nouns
        .iter()
        .any(|&n| definite_ends.iter().any(|&e| e <= n && n <= e + 2))
}

/// Does token `at` (absolute) lie inside a day counted from the
/// publication day ("the day before yesterday")?
fn within_relative_day(doc: &Document, si: usize, at: usize) -> bool {
    doc.dates_in(si)
        .iter()
        .any(|d| d.kind == DateKind::Relative && d.tok_start <= at && at < d.tok_end)
}

/// `target.source`: "police said", "according to police", "a police
/// official told": the police or officials are who reports, not who was hit.
fn is_source(
    toks: &[Token],
    m: &tally_lexicon::PhraseMatch<tally_model::Target>,
    lex: &Lexicon,
) -> bool {
    names_source(toks, m.start, m.start + m.len, lex)
}

/// Is the noun phrase at `start..end` who reports or responds (see `is_source`)?
fn names_source(toks: &[Token], start: usize, end: usize, lex: &Lexicon) -> bool {
    // `target.responder`: "security forces cordoned off the area", "police
    // rushed to the scene": the noun names who responded, not who was hit.
    let reports_after = (end..(end + 3).min(toks.len())).any(|k| {
        lex.markers
            .matches_at(toks, k)
            .any(|x| matches!(x.value, Marker::Report | Marker::Response))
    });
    // "according to police", "according to the police"
    let before = |k: usize| start.checked_sub(k).map_or("", |x| toks[x].lower.as_str());
    let according = (before(1) == "to" && before(2) == "according")
        || (before(1) == "the" && before(2) == "to" && before(3) == "according");
    // "in the jurisdiction of Saddar police station": where, not who was hit.
    let jurisdiction =
        (1..=4).any(|k| matches!(before(k), "jurisdiction" | "limits" | "precincts"));
    reports_after || according || jurisdiction
}

/// `target.abductees`: a kidnapping counts no casualty, so its victims'
/// nouns name the target the figures would have ("ten labourers were
/// abducted" targets civilians, "militants kidnapped two soldiers" the
/// military). Only in a sentence that tells a kidnapping.
fn abductee_targets(
    toks: &[Token],
    events: &[(tally_model::EventType, i32)],
    lex: &Lexicon,
) -> Vec<tally_model::Target> {
    use tally_lexicon::VictimClass;
    use tally_model::{EventType, Target};
    if !events
        .iter()
        .any(|&(t, w)| t == EventType::Kidnapping && w > 0)
    {
        return Vec::new();
    }
    lex.victims
        .scan(toks)
        .into_iter()
        .filter(|m| !names_source(toks, m.start, m.start + m.len, lex))
        .flat_map(|m| match m.value.class {
            VictimClass::SecurityForces => vec![m.value.target.unwrap_or(Target::Military)],
            // a civilian is a civilian target whatever else he is (a student)
            VictimClass::Civilians => {
                vec![
                    Target::Civilians,
                    m.value.target.unwrap_or(Target::Civilians),
                ]
            }
            _ => Vec::new(),
        })
        .collect()
}

/// `target.jurisdiction`: "in the Faqirabad police limits", "within the
/// limits of Pishtakhara police station": a police station named as the
/// area a place lies in, not as what was attacked.
fn is_jurisdiction(toks: &[Token], m: &tally_lexicon::PhraseMatch<tally_model::Target>) -> bool {
    let area = |w: &str| matches!(w, "limits" | "limit" | "jurisdiction" | "precincts");
    let end = m.start + m.len;
    let after = toks.get(end).is_some_and(|t| area(&t.lower));
    // "limits of [name] police station": "of" right before or one name word between.
    let before = (1..=2).any(|k| {
        m.start > k
            && toks[m.start - k].lower == "of"
            && area(&toks[m.start - k - 1].lower)
            && (k == 1 || toks[m.start - 1].capitalized)
    });
    after || before
}

/// Words an event noun's definite article may stand before it ("the deadly
/// attack", "the March 26 suicide attack").
const DEFINITE_REACH: usize = 4;

/// Is the event noun at absolute token `n` preceded, within a few words of
/// the same phrase, by "the", "this", "that" or "same"?
fn definite_before(tokens: &[Token], n: usize, sentence_start: usize) -> bool {
    let from = n.saturating_sub(DEFINITE_REACH).max(sentence_start);
    for k in (from..n).rev() {
        let w = tokens[k].lower.as_str();
        if matches!(w, "the" | "this" | "that" | "same") {
            return true;
        }
        if matches!(
            w,
            "," | "." | ";" | ":" | "a" | "an" | "and" | "in" | "of" | "on"
        ) {
            return false;
        }
    }
    false
}

/// "the attack earlier this month", "the bombing last year": an event noun
/// right before a marker of past time names an attack already known.
fn recalled_by_time(nouns: &[usize], background_starts: &[usize]) -> bool {
    nouns
        .iter()
        .any(|&n| background_starts.iter().any(|&b| n < b && b <= n + 2))
}

/// `segment.skip.commemoration`: does an attack verb stand outside the
/// phrase each commemoration opens (before it, or after the comma that
/// closes it)? "On the tenth anniversary of the school massacre, terrorists
/// attacked ...", "a bomb exploded near a ceremony marking the death
/// anniversary of an elder": the sentence reports that attack.
fn strikes_outside(toks: &[Token], commemorations: &[usize], struck_at: &[usize]) -> bool {
    commemorations.iter().all(|&c| {
        let closes = (c..toks.len()).find(|&k| matches!(toks[k].lower.as_str(), "," | ";"));
        struck_at
            .iter()
            .any(|&s| s < c || closes.is_some_and(|e| s > e))
    })
}

/// Where in a sentence an ordinal may stand and still open it ("Another
/// ...", "In the third ...", "Security forces conducted another ...").
const ORDINAL_OPENS_WITHIN: usize = 6;
/// Words allowed between an ordinal and its incident noun ("another
/// intelligence based operation"): at most this many.
const ORDINAL_NOUN_GAP: usize = 3;

/// `segment.new.ordinal_event`: an ordinal near the start of the sentence,
/// then within a few words a noun naming one incident, with nothing between
/// that makes the ordinal count something else ("the second day of the
/// operation", "another such attack"). An ordinal after a copula ("it was
/// the third attack on the station this month", "this marks the second
/// attack") ranks the story told among earlier ones: no new incident.
fn ordinal_event(toks: &[Token], ordinals: &[usize], nouns: &[usize]) -> bool {
    let w = |k: Option<usize>| k.and_then(|k| toks.get(k)).map_or("", |t| t.lower.as_str());
    let ranks_the_story = |o: usize| {
        let o = o.checked_sub(usize::from(w(o.checked_sub(1)) == "the"));
        matches!(
            w(o.and_then(|o| o.checked_sub(1))),
            "was" | "is" | "marks" | "marked" | "became" | "becomes"
        )
    };
    ordinals
        .iter()
        .filter(|&&o| o < ORDINAL_OPENS_WITHIN && !ranks_the_story(o))
        .any(|&o| {
            nouns.iter().any(|&n| {
                n > o
                    && n <= o + 1 + ORDINAL_NOUN_GAP
                    && toks[o + 1..n].iter().all(|t| {
                        !matches!(
                            t.lower.as_str(),
                            "of" | "day" | "time" | "phase" | "week" | "round" | "such" | "," | "."
                        )
                    })
            })
        })
}

pub fn run(doc: &mut Document, lex: &Lexicon) {
    let mut cues = Vec::with_capacity(doc.sentences.len());
    let mut groups = Vec::new();
    for si in 0..doc.sentences.len() {
        let toks = doc.sentence_tokens(si);
        let tok_start = doc.sentences[si].tok_start;
        let mut c = SentenceCues::default();
        for m in lex.event_cues.scan(toks) {
            let (t, w) = *m.value;
            c.event_scores.push((t, w));
        }
        for m in lex.target_cues.scan(toks) {
            if is_source(toks, &m, lex) || is_jurisdiction(toks, &m) {
                continue;
            }
            if !c.targets.contains(m.value) {
                c.targets.push(*m.value);
            }
        }
        for t in abductee_targets(toks, &c.event_scores, lex) {
            if !c.targets.contains(&t) {
                c.targets.push(t);
            }
        }
        let mut known_ends: Vec<usize> = Vec::new();
        let mut nouns: Vec<usize> = Vec::new();
        let mut background_starts: Vec<usize> = Vec::new();
        let mut ordinals: Vec<usize> = Vec::new();
        let mut incident_nouns: Vec<usize> = Vec::new();
        // `frame.foiled`: "before it went off" is the foiled phrase's, not a
        // detonation.
        let mut foiled_until = 0;
        // `segment.summary.member_of_run`: "the latest in a string of
        // attacks" tells one attack of the run, not the run's sum.
        let mut member_until = 0;
        let mut commemorations: Vec<usize> = Vec::new();
        for i in 0..toks.len() {
            for m in lex.markers.matches_at(toks, i) {
                match m.value {
                    Marker::KnownEvent => known_ends.push(tok_start + i + m.len),
                    Marker::EventNoun => nouns.push(tok_start + i),
                    Marker::NewIncident => c.new_incident |= i < 4 || m.len > 1,
                    Marker::Shift => c.shift |= i < 4 || m.len > 1,
                    // `date.relative_day`: "the day before yesterday"
                    // counts from the publication day: no recall.
                    Marker::Background if within_relative_day(doc, si, tok_start + i) => {}
                    Marker::Background => {
                        background_starts.push(tok_start + i);
                        c.background = true;
                        c.background_at.get_or_insert(tok_start + i);
                    }
                    Marker::Member => member_until = i + m.len + 1,
                    Marker::Summary if i <= member_until && member_until > 0 => {}
                    Marker::Summary => c.summary = true,
                    Marker::Claim => c.claim = true,
                    Marker::ClaimNegation => c.claim_negated = true,
                    Marker::Attribution => c.attribution = true,
                    Marker::Ordinal => ordinals.push(i),
                    Marker::IncidentNoun => incident_nouns.push(i),
                    Marker::Foiled => {
                        c.foiled = true;
                        foiled_until = foiled_until.max(i + m.len);
                    }
                    Marker::Detonated if i >= foiled_until => {
                        c.detonated = true;
                        c.detonated_first |= !c.foiled;
                    }
                    Marker::Detonated => {}
                    Marker::Commemoration => commemorations.push(i),
                    Marker::SamePlace => c.same_place = true,
                    Marker::Report
                    | Marker::Response
                    | Marker::OtherFate
                    | Marker::Nobody
                    | Marker::NoCasualties => {}
                }
            }
        }
        // Every cue phrase counts, except that an event word inside a longer
        // out-of-scope phrase is that phrase's ("heart attack", "cylinder
        // blast" report no attack).
        let mut all = Vec::new();
        for i in 0..toks.len() {
            all.extend(lex.scope.matches_at(toks, i));
        }
        let inside_out = |m: &tally_lexicon::PhraseMatch<ScopeCue>| {
            all.iter().any(|o| {
                matches!(o.value, ScopeCue::Out(_))
                    && o.len > m.len
                    && o.start <= m.start
                    && m.start + m.len <= o.start + o.len
            })
        };
        let scope_cues = all.iter().filter(|m| {
            !matches!(
                m.value,
                ScopeCue::Event | ScopeCue::Happened | ScopeCue::Struck | ScopeCue::Clash
            ) || !inside_out(m)
        });
        let mut struck_at: Vec<usize> = Vec::new();
        for m in scope_cues {
            if matches!(m.value, ScopeCue::Struck | ScopeCue::Clash) {
                struck_at.push(m.start);
            }
            match *m.value {
                ScopeCue::Militancy => c.in_scope = true,
                ScopeCue::Violence => c.violence = true,
                ScopeCue::Happened => c.happened = true,
                ScopeCue::Struck => {
                    c.struck = true;
                    c.happened = true;
                }
                ScopeCue::Event => c.eventful = true,
                ScopeCue::Protected => c.protected = true,
                ScopeCue::Shooting => c.shooting = true,
                ScopeCue::Aftermath => c.aftermath = true,
                ScopeCue::Clash => {
                    c.clash = true;
                    c.struck = true;
                    c.happened = true;
                }
                ScopeCue::Out(class) => {
                    if !c.scope.contains(&class) {
                        c.scope.push(class);
                    }
                }
            }
        }
        if let Some(&at) = commemorations.first() {
            let fresh = crate::segment::fresh_day(doc, si);
            if !(fresh && strikes_outside(toks, &commemorations, &struck_at)) {
                c.background = true;
                let at = tok_start + at;
                c.background_at = Some(c.background_at.map_or(at, |b| b.min(at)));
            }
        }
        c.ordinal_event = ordinal_event(toks, &ordinals, &incident_nouns);
        c.new_incident |= c.ordinal_event;
        c.first_incident_noun = incident_nouns.iter().min().map(|&i| tok_start + i);
        c.foreign = toks
            .iter()
            .enumerate()
            .any(|(i, t)| t.capitalized && lex.foreign_places.match_at(toks, i).is_some());
        c.eventful |= c.happened;
        c.definite_event = nouns
            .iter()
            .any(|&n| definite_before(&doc.tokens, n, tok_start));
        c.recalls = recalls_known_event(doc, si, &known_ends, &nouns)
            || recalled_by_time(&nouns, &background_starts);
        let mut i = 0;
        while i < toks.len() {
            match lex.group_aliases.match_at(toks, i) {
                Some(m) => {
                    groups.push(GroupMention {
                        sentence: si,
                        tok_start: tok_start + i,
                        tok_end: tok_start + m.end(),
                        group: *m.value,
                    });
                    i = m.end();
                }
                None => i += 1,
            }
        }
        cues.push(c);
    }
    doc.cues = cues;
    doc.groups = groups;
}
