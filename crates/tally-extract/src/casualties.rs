//! Stage: casualty statements. Binds figures ("two policemen", "a civilian",
//! "the deaths of driver Naqeeb and Adnan") to the words that say they were
//! killed or injured, in passive ("were martyred"), active ("killing six
//! militants"), toll ("the death toll rose to 12") and list forms ("two
//! policemen, one soldier and a civilian were killed"), marks parts of a
//! larger figure ("four people, three of them Chinese"), and drops the
//! figures a group claims for itself.

use crate::document::{CasualtyStatement, Document, NumberSpan};
use tally_lexicon::{CasualtyVerb, Lexicon, Marker, Token, TokenKind, VerbPosition, VictimClass};
use tally_model::{Category, Count, Outcome, Target};

/// Words that may stand between a figure and its verb.
const SKIP_RIGHT: &[&str] = &[
    "were",
    "was",
    "is",
    "are",
    "have",
    "has",
    "had",
    "been",
    "being",
    "be",
    "reportedly",
    "also",
    "all",
    "later",
    "subsequently",
    "allegedly",
    "got",
    // "eight militants were engaged and neutralised" (press-release wording)
    "engaged",
    "both",
    "each",
    "initially",
    "critically",
    "seriously",
    "badly",
    "fatally",
    "mortally",
    "severely",
    "instantly",
    "immediately",
    ",",
    "and",
    "so",
    "far",
    "now",
    "confirmed",
    "officially",
    "were",
    "reported",
    "reportedly",
    "since",
    "then",
    "still",
    "who",
    "while",
    "subsequently",
    "eventually",
    "have",
    "either",
    "or",
    "including",
    "among",
    "them",
    "whom",
    "—",
    "-",
    "(",
    ")",
    // "eight khawarij were \u{201c}sent to hell\u{201d}": quotes inside the figure's clause
    "\"",
    "\u{201c}",
    "\u{201d}",
    "'",
    "\u{2018}",
    "\u{2019}",
];
const SKIP_LEFT: &[&str] = &[
    "the",
    "all",
    ",",
    "and",
    "as",
    "well",
    "also",
    "including",
    "some",
    // `figure.quoted_verb`: troops \u{201c}successfully neutralised\u{201d} three more
    // terrorists: the quotes a press release closes after its verb are no word.
    "\"",
    "\u{201d}",
    "\u{2019}",
    "'",
];
const SUBSET_BEFORE: &[&str] = &["including", "incl", "among"];

#[derive(Debug, Clone, Copy)]
struct Verb {
    start: usize,
    end: usize,
    verb: CasualtyVerb,
}

#[derive(Debug, Clone, Copy)]
struct Phrase {
    start: usize,
    end: usize,
    count: Count,
    class: VictimClass,
    target: Option<Target>,
    subset: bool,
    /// "N of them" with no noun: category comes from an earlier noun.
    anaphoric: bool,
    /// Head noun carries its own outcome ("26 dead", "extremist bodies").
    intrinsic: Option<Outcome>,
    /// No noun at all: "killing 59".
    bare: bool,
}

impl Phrase {
    /// `count` people (no category) over tokens `start..end`.
    fn people(start: usize, end: usize, count: Count) -> Phrase {
        Phrase {
            start,
            end,
            count,
            class: VictimClass::People,
            target: None,
            subset: false,
            anaphoric: false,
            intrinsic: None,
            bare: false,
        }
    }
}

pub fn run(doc: &mut Document, lex: &Lexicon) {
    let mut out = Vec::new();
    let mut antecedent: Option<VictimClass> = None;
    for si in 0..doc.sentences.len() {
        let s = &doc.sentences[si];
        let base = s.tok_start;
        let toks = &doc.tokens[s.tok_start..s.tok_end];
        let first = doc.numbers.partition_point(|n| n.tok_start < s.tok_start);
        let numbers: Vec<NumberSpan> = doc.numbers[first..]
            .iter()
            .take_while(|n| n.tok_end <= s.tok_end)
            .map(|n| NumberSpan {
                tok_start: n.tok_start - base,
                tok_end: n.tok_end - base,
                ..*n
            })
            .collect();
        let verbs = find_verbs(toks, lex);
        let phrases = find_phrases(toks, &numbers, &verbs, lex);
        let group_speaks = !doc.groups_in(si).is_empty()
            && toks.iter().any(|t| {
                matches!(
                    t.lower.as_str(),
                    "said" | "says" | "statement" | "claimed" | "claiming"
                )
            });
        let mut prev_class: Option<VictimClass> = None;
        let mut classes_seen: Vec<VictimClass> = Vec::new();
        for (pi, p) in phrases.iter().enumerate() {
            if is_age(p, toks) || is_source(p, toks, &verbs, lex) {
                continue;
            }
            let bound = if other_fate_follows(p, toks, lex) {
                None
            } else {
                bind(p, &phrases, &verbs, toks)
            };
            let last_here = out
                .last()
                .filter(|c: &&CasualtyStatement| c.sentence == si)
                .map(|c| (c.outcome, c.category));
            let gapped = last_here.filter(|_| bound.is_none() && is_gapped(p, toks));
            // "... and three in Lakki Marwat were injured": the figure's own
            // verb after its place decides; "two in Panjgur were arrested" is
            // no casualty.
            let own = own_verb_after_place(p, toks, &verbs, lex);
            let gapped = match (gapped, own) {
                (Some(_), Some(OwnVerb::OtherFate)) => None,
                (Some((_, category)), Some(OwnVerb::Casualty(o))) => Some((o, category)),
                (g, _) => g,
            };
            if let Some((outcome, category)) = gapped {
                let category = match concrete(p.class) {
                    Some(c) => category_of(c),
                    None => category,
                };
                out.push(CasualtyStatement {
                    sentence: si,
                    tok_start: base + p.start,
                    tok_end: base + p.end,
                    outcome,
                    category,
                    count: p.count,
                    subset: false,
                    update: false,
                    additional: false,
                    target: p.target,
                });
                continue;
            }
            // `figure.including_after_verb`: "Four people were injured,
            // including two policemen": a subset after its head's verb shares
            // the head's outcome.
            let bound = bound.or_else(|| {
                let head = last_here.filter(|_| p.subset && p.count.best > 0)?;
                Some((head.0, None))
            });
            let Some((outcome, via)) = bound else {
                if let Some(c) = concrete(p.class) {
                    prev_class = Some(c);
                }
                continue;
            };
            if is_claimed_figure(toks, via, group_speaks) {
                continue;
            }
            // `figure.died_of_wounds`: "three of the wounded later died" are
            // not injured, and are counted among the dead of no category:
            // how they add to the dead told before is left to the toll.
            let died_of_wounds =
                p.intrinsic == Some(Outcome::Injured) && outcome == Outcome::Killed;
            let class = match p.class {
                _ if died_of_wounds => VictimClass::People,
                _ if p.anaphoric => last_plural_class(&toks[..p.start], lex)
                    .or(antecedent)
                    .unwrap_or(VictimClass::People),
                VictimClass::Others => inherit(prev_class, &classes_seen),
                VictimClass::People if is_elided(p, toks) => inherit(prev_class, &classes_seen),
                VictimClass::People if civilians_named_before(toks, p, &phrases, lex) => {
                    VictimClass::Civilians
                }
                c => c,
            };
            let subset = p.subset || via.is_some_and(|v| v.verb.position == VerbPosition::Among);
            let subset = subset || (p.anaphoric && pi > 0) || died_of_wounds;
            let additional = !subset
                && class == VictimClass::People
                && concrete_seen(&classes_seen)
                && opens_with_one_more(toks, p.start);
            out.push(CasualtyStatement {
                sentence: si,
                tok_start: base + p.start,
                tok_end: base + p.end,
                outcome,
                category: category_of(class),
                count: p.count,
                subset,
                update: false,
                additional,
                target: p.target,
            });
            if let Some(c) = concrete(class) {
                prev_class = Some(c);
                classes_seen.push(c);
            } else {
                classes_seen.push(VictimClass::People);
            }
        }
        out.extend(tolls(toks, &numbers, &verbs, si, base));
        nobody_hurt(toks, &verbs, lex, si, base, &mut out);
        if let Some(c) = last_plural_class(toks, lex) {
            antecedent = Some(c);
        }
    }
    doc.casualties = out;
}

fn concrete(c: VictimClass) -> Option<VictimClass> {
    matches!(
        c,
        VictimClass::SecurityForces | VictimClass::Civilians | VictimClass::Militants
    )
    .then_some(c)
}

/// `figure.elided_noun`: "two soldiers were martyred and three injured",
/// "killing four policemen and wounding six": a figure with no noun, or with
/// only an outcome for a noun ("three injured", "two dead"), is of the noun
/// before it, as "others" is (`inherit`).
fn is_elided(p: &Phrase, toks: &[Token]) -> bool {
    let outcome_noun = p.intrinsic.is_some()
        && p.end == p.start + 2
        && toks
            .get(p.start + 1)
            .is_some_and(|t| outcome_word(&t.lower));
    p.bare || outcome_noun
}

/// "others" takes the category of the figure before it when the sentence so
/// far speaks of one category only.
fn inherit(prev: Option<VictimClass>, seen: &[VictimClass]) -> VictimClass {
    match prev {
        Some(p) if seen.iter().all(|c| *c == p) => p,
        _ => VictimClass::People,
    }
}

fn category_of(c: VictimClass) -> Category {
    match c {
        VictimClass::SecurityForces => Category::SecurityForces,
        VictimClass::Civilians => Category::Civilians,
        VictimClass::Militants => Category::Militants,
        VictimClass::People | VictimClass::Others => Category::Total,
    }
}

/// `figure.people_named_before`: "made the passengers get off and shot
/// dead 23 people": a figure of people after a civilian noun that is no
/// figure of its own, in a sentence naming no security forces (the
/// gunmen who did it may be named), counts those civilians.
fn civilians_named_before(toks: &[Token], p: &Phrase, phrases: &[Phrase], lex: &Lexicon) -> bool {
    let in_phrase = |k: usize| phrases.iter().any(|q| q.start <= k && k < q.end);
    let mut civilians = false;
    for k in 0..toks.len() {
        let Some(m) = lex.victims.match_at(toks, k) else {
            continue;
        };
        match m.value.class {
            VictimClass::SecurityForces => return false,
            VictimClass::Civilians => civilians |= k < p.start && !in_phrase(k),
            VictimClass::Militants | VictimClass::People | VictimClass::Others => {}
        }
    }
    civilians
}

/// Has the sentence bound a victim of some category before?
fn concrete_seen(classes_seen: &[VictimClass]) -> bool {
    classes_seen.iter().any(|&c| concrete(c).is_some())
}

/// `figure.one_more_person`: "a party leader and another person were shot
/// dead", "... along with a second man": one more victim, beside the
/// ones named before it.
fn opens_with_one_more(toks: &[Token], start: usize) -> bool {
    let w = |k: usize| toks.get(k).map(|t| t.lower.as_str()).unwrap_or("");
    w(start) == "another"
        || (matches!(w(start), "a" | "one")
            && matches!(w(start + 1), "second" | "third" | "more" | "other"))
}

fn find_verbs(toks: &[Token], lex: &Lexicon) -> Vec<Verb> {
    lex.casualty_verbs
        .scan(toks)
        .into_iter()
        .map(|m| Verb {
            start: m.start,
            end: m.end(),
            verb: *m.value,
        })
        .filter(|v| !is_gerund_noun(toks, v))
        .collect()
}

/// `figure.gerund_noun`: "Soon after the killing, dozens of workers
/// gathered": a determiner before the verb and a comma after it make it
/// a noun naming the event, which takes no victims after it.
fn is_gerund_noun(toks: &[Token], v: &Verb) -> bool {
    let word = |k: Option<usize>| k.and_then(|k| toks.get(k)).map(|t| t.lower.as_str());
    v.verb.position == VerbPosition::Pre
        && matches!(
            word(v.start.checked_sub(1)),
            Some("the" | "this" | "that" | "his" | "her" | "their" | "its")
        )
        && matches!(word(Some(v.end)), Some("," | ";" | "." | ":"))
}

/// The victim noun at `k` (longest lexicon match), preferring the last noun
/// of a run ("injured personnel" -> "personnel").
///
/// `figure.noun_run`: a run of victim nouns is read to its head: "three
/// more injured policemen" are policemen, "eight other people" are people
/// (of no stated category, unlike "eight others", who are of the figure's
/// before them); a category's noun keeps its category before a noun of no
/// category ("Levies officials", "FC members").
fn noun_at(
    toks: &[Token],
    k: usize,
    lex: &Lexicon,
) -> Option<(usize, VictimClass, Option<Target>)> {
    const MAX_RUN: usize = 3;
    let m = lex.victims.match_at(toks, k)?;
    let mut best = (m.end(), m.value.class, m.value.target);
    for _ in 1..MAX_RUN {
        let Some(next) = lex.victims.match_at(toks, best.0) else {
            break;
        };
        let (class, target) = (next.value.class, next.value.target);
        best = match best.1 {
            // "injured personnel", "people dead": the second word decides.
            VictimClass::People if class != VictimClass::Others => (next.end(), class, target),
            VictimClass::Others if concrete(class).is_some() => (next.end(), class, target),
            // "others injured": the outcome is the verb's; "more injured
            // policemen": an adjective before the head.
            VictimClass::Others if class == VictimClass::People => {
                let head = lex
                    .victims
                    .match_at(toks, next.end())
                    .filter(|h| concrete(h.value.class).is_some());
                match head {
                    Some(h) if outcome_word(&toks[next.end() - 1].lower) => {
                        (h.end(), h.value.class, h.value.target)
                    }
                    _ if outcome_word(&toks[next.end() - 1].lower) => break,
                    _ => (next.end(), class, target),
                }
            }
            // "police constables", "army soldiers": the second noun is the head.
            c if concrete(c).is_some() && class == c => (next.end(), class, target),
            c if concrete(c).is_some()
                && class == VictimClass::People
                && !outcome_word(&toks[next.end() - 1].lower) =>
            {
                (next.end(), best.1, best.2)
            }
            _ => break,
        };
    }
    Some(member_of(toks, best, lex).unwrap_or(best))
}

/// `figure.member_of`: "a member of the Shia Hazara community", "two
/// members of the Levies force": a member is of the class of the group
/// named after "of" (read up to its noun, past a few names).
fn member_of(
    toks: &[Token],
    (end, class, _): (usize, VictimClass, Option<Target>),
    lex: &Lexicon,
) -> Option<(usize, VictimClass, Option<Target>)> {
    const NAMES: usize = 3;
    let head = toks.get(end.checked_sub(1)?)?.lower.as_str();
    if class != VictimClass::People || !matches!(head, "member" | "members") {
        return None;
    }
    if toks.get(end)?.lower != "of" {
        return None;
    }
    let from = end + 1 + usize::from(toks.get(end + 1).is_some_and(|t| t.lower == "the"));
    let (noun_end, class, target) = (from..from + NAMES).find_map(|k| {
        let m = lex.victims.match_at(toks, k)?;
        concrete(m.value.class).map(|c| (m.end(), c, m.value.target))
    })?;
    // "of the Levies force were martyred": the group's own noun ends it.
    let group_noun = toks.get(noun_end).is_some_and(|t| {
        matches!(
            t.lower.as_str(),
            "force" | "forces" | "community" | "party" | "family" | "tribe" | "department"
        )
    });
    Some((noun_end + usize::from(group_noun), class, target))
}

const STOP: &[&str] = &[
    "were", "was", "is", "are", "have", "has", "had", "in", "on", "at", "when", "who", "which",
    "that", "and", "or", "from", "to", "for", "with", "by", "after", "before", "while", "as",
    "the", "a", "an", "of", "into",
];

/// Find a victim noun within a few modifier words after `from`.
fn noun_after(
    toks: &[Token],
    from: usize,
    max_mods: usize,
    lex: &Lexicon,
) -> Option<(usize, VictimClass, Option<Target>)> {
    let mut mods = 0;
    for k in from..toks.len() {
        if let Some(n) = noun_at(toks, k, lex) {
            return Some(n);
        }
        let t = &toks[k];
        // `figure.quoted_modifier`: two "Indian-sponsored" terrorists: the
        // quotes a press release puts around a modifier are no word.
        if t.lower == "\"" {
            continue;
        }
        if t.kind != TokenKind::Word && t.lower != "-" || STOP.contains(&t.lower.as_str()) {
            return None;
        }
        mods += 1;
        if mods > max_mods {
            return None;
        }
    }
    None
}

fn intrinsic_outcome(toks: &[Token], noun_end: usize) -> Option<Outcome> {
    match toks.get(noun_end.checked_sub(1)?)?.lower.as_str() {
        "dead" | "bodies" | "fatalities" | "deaths" => Some(Outcome::Killed),
        "injured" | "wounded" => Some(Outcome::Injured),
        _ => None,
    }
}

fn find_phrases(
    toks: &[Token],
    numbers: &[NumberSpan],
    verbs: &[Verb],
    lex: &Lexicon,
) -> Vec<Phrase> {
    let mut out = Vec::new();
    for n in numbers {
        out.push(phrase_from_number(toks, n, lex));
    }
    let singles = singular_phrases(toks, numbers, verbs, lex);
    // An age inside a singular victim ("a 40-year-old shopkeeper") leaves it whole.
    let inside = |q: &Phrase, out: &[Phrase]| {
        out.iter()
            .any(|p| q.start < p.end && p.start < q.end && !is_age(p, toks))
    };
    let singles: Vec<Phrase> = singles.into_iter().filter(|q| !inside(q, &out)).collect();
    out.extend(singles);
    out.extend(ranked_names(toks, &out, lex));
    out.extend(pronoun_victims(toks, verbs));
    out.extend(named_victims(toks, verbs, &out));
    let subjects = named_subjects(toks, verbs, &out, lex);
    out.extend(subjects);
    out.sort_by_key(|p| p.start);
    mark_subsets(toks, &mut out);
    out
}

/// `figure.named_apposition`: "two soldiers, Sepoy Zia Akram (25) and
/// Sepoy Musawwar Khan (20), were martyred": victims named right after a
/// figure of several, set off by a comma, are its parts; so is the next
/// name of that list (past a bracketed age).
fn names_figure(toks: &[Token], before: &Phrase, p: &Phrase) -> bool {
    let named = toks.get(p.start).is_some_and(|t| t.capitalized);
    let opens = before.count.best >= 2
        && !before.bare
        && named
        && closed_by_comma(toks, p.start)
        && p.count.best == 1
        && p.start == before.end + 1
        && toks.get(before.end).is_some_and(|t| t.lower == ",");
    let continues = before.subset
        && named
        && before.count.best == 1
        && p.count.best == 1
        && p.start > before.end
        && toks[before.end..p.start].iter().any(|t| t.lower == "and")
        && toks[before.end..p.start].iter().all(|t| {
            matches!(t.lower.as_str(), "," | "and" | "(" | ")") || t.kind == TokenKind::Number
        });
    opens || continues
}

/// Does the run of names (ages, "and", commas) from `k` end at a comma, as
/// an apposition does ("Sepoy A (25) and Sepoy B (20), were")? A list
/// goes on to a common noun ("Constable Ali and a driver were").
fn closed_by_comma(toks: &[Token], k: usize) -> bool {
    let in_run = |t: &Token| {
        (t.capitalized && t.is_word())
            || t.kind == TokenKind::Number
            || matches!(t.lower.as_str(), "," | "and" | "(" | ")" | "-")
    };
    let end = toks[k..]
        .iter()
        .position(|t| !in_run(t))
        .map_or(toks.len(), |n| k + n);
    end > k && toks[end - 1].lower == ","
}

/// "including five policemen and two civilians", "five schoolchildren and a
/// policeman among them": parts of the figure before them. The mark spreads
/// along a list joined by commas and "and".
fn mark_subsets(toks: &[Token], out: &mut [Phrase]) {
    let joined = |a: &Phrase, b: &Phrase| {
        b.start >= a.end
            && toks[a.end..b.start]
                .iter()
                .all(|t| matches!(t.lower.as_str(), "," | "and"))
    };
    for i in 1..out.len() {
        let p = out[i];
        let before = |k: usize| {
            p.start
                .checked_sub(k)
                .and_then(|x| toks.get(x))
                .map(|t| t.lower.as_str())
        };
        let after = |k: usize| toks.get(p.end + k).map(|t| t.lower.as_str());
        // `figure.among_whole`: "a boy was among three people injured": after
        // a copula, "among" names the whole the subject is part of.
        let part_before = (1..=3).any(|k| {
            before(k).is_some_and(|w| SUBSET_BEFORE.contains(&w))
                && !(before(k) == Some("among")
                    && before(k + 1).is_some_and(|w| PASSIVE_AUX.contains(&w)))
        });
        if part_before
            || (joined(&out[i - 1], &p) && out[i - 1].subset)
            || (0..i)
                .rev()
                .find(|&j| !is_age(&out[j], toks))
                .is_some_and(|j| names_figure(toks, &out[j], &p))
        {
            out[i].subset = true;
        }
        if after(0) == Some("among") && matches!(after(1), Some("them" | "whom" | "those")) {
            out[i].subset = true;
            let mut k = i;
            while k > 1 && joined(&out[k - 1], &out[k]) {
                out[k - 1].subset = true;
                k -= 1;
            }
        }
    }
}

fn phrase_from_number(toks: &[Token], n: &NumberSpan, lex: &Lexicon) -> Phrase {
    let mut p = Phrase {
        bare: true,
        ..Phrase::people(n.tok_start, n.tok_end, n.count)
    };
    let w = |k: usize| toks.get(k).map(|t| t.lower.as_str()).unwrap_or("");
    let mut j = n.tok_end;
    if w(j) == "of" && matches!(w(j + 1), "them" | "whom" | "those" | "the") {
        // "six of those killed", "two of the wounded": part of a figure, with its outcome.
        let intrinsic = match w(j + 2) {
            "killed" | "dead" | "martyred" | "victims" | "deceased" => Some(Outcome::Killed),
            "injured" | "wounded" => Some(Outcome::Injured),
            _ => None,
        };
        if intrinsic.is_some()
            && toks
                .get(j + 3)
                .is_none_or(|t| !t.is_word() || lex.victims.match_at(toks, j + 3).is_none())
        {
            p.subset = true;
            p.intrinsic = intrinsic;
            p.anaphoric = true;
            p.bare = false;
            p.end = j + 3;
            return p;
        }
    }
    if w(j) == "of" && matches!(w(j + 1), "them" | "whom" | "those") {
        j += 2;
        // "one of them a Chinese teacher": the noun in apposition.
        let after_article = j + usize::from(matches!(w(j), "a" | "an"));
        match noun_after(toks, after_article, 2, lex) {
            Some((end, class, target)) => {
                p.subset = true;
                p.end = end;
                p.class = class;
                p.target = target;
                p.bare = false;
            }
            None => {
                p.end = j;
                p.anaphoric = true;
                p.bare = false;
            }
        }
        return p;
    }
    // `figure.of_possessive`: "two of the guards", "two of his colleagues".
    if w(j) == "of" && matches!(w(j + 1), "the" | "his" | "her" | "their" | "its") {
        j += 2;
    }
    if let Some(found) = noun_after(toks, j, 3, lex) {
        // `figure.more_modified`: "two more Indian sponsored khwarij": "more"
        // is no head when modifiers and a noun of its own follow it.
        let (end, class, target) = match found.1 {
            VictimClass::Others => noun_after(toks, found.0, 2, lex)
                .filter(|h| concrete(h.1).is_some())
                .unwrap_or(found),
            _ => found,
        };
        p.end = end;
        p.class = class;
        p.target = target;
        p.bare = false;
        p.intrinsic = intrinsic_outcome(toks, end);
    }
    p
}

/// "opened fire on Dr Asif Dawar ..., killing him": one victim.
fn pronoun_victims(toks: &[Token], verbs: &[Verb]) -> Vec<Phrase> {
    verbs
        .iter()
        .filter(|v| matches!(v.verb.position, VerbPosition::Pre | VerbPosition::Both))
        .filter(|v| {
            toks.get(v.end)
                .is_some_and(|t| matches!(t.lower.as_str(), "him" | "her"))
        })
        .map(|v| Phrase::people(v.end, v.end + 1, Count::exact(1)))
        .collect()
}

/// "Constable Ihsanullah", "Sepoy Naveed Akhtar": a title and a name are
/// one victim of the title's category.
///
/// `figure.titled_civilian`: "Sikh hakeem Satnam Singh", "Trader Gul
/// Nawaz": a civilian's community or trade before a name, with at most
/// one word of trade the lexicon does not know between them.
fn ranked_names(toks: &[Token], found: &[Phrase], lex: &Lexicon) -> Vec<Phrase> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let covered = found.iter().any(|p| p.start <= i && i < p.end);
        let rank = (!covered && toks[i].capitalized)
            .then(|| lex.victims.match_at(toks, i))
            .flatten()
            .filter(|m| {
                matches!(
                    m.value.class,
                    VictimClass::SecurityForces | VictimClass::Civilians
                )
            });
        let Some(m) = rank else {
            i += 1;
            continue;
        };
        let mut end = m.end();
        let trade_word = m.value.class == VictimClass::Civilians
            && toks.get(end).is_some_and(|t| {
                !t.capitalized && t.is_word() && toks.get(end + 1).is_some_and(|n| n.capitalized)
            });
        if trade_word {
            end += 1;
        }
        let named_from = end;
        while toks.get(end).is_some_and(|t| {
            t.capitalized && t.is_word() && lex.victims.match_at(toks, end).is_none()
        }) {
            end += 1;
        }
        if end > named_from {
            out.push(Phrase {
                start: i,
                end,
                count: Count::exact(1),
                class: m.value.class,
                target: m.value.target,
                subset: false,
                anaphoric: false,
                intrinsic: None,
                bare: false,
            });
        }
        i = end.max(i + 1);
    }
    out
}

/// "a civilian", "an officer", "a police official", "a person": one victim.
///
/// `figure.definite_victim`: "killing the attacker", "the driver was
/// wounded": a singular victim noun after "the" is one victim too (a later
/// sentence naming them again gives the same figure, which does not add
/// up); "the other <noun>" only as a verb's object or a part of a figure.
///
/// `figure.another_one`: "a soldier was martyred and another wounded",
/// "killing one and wounding the other", "two men were killed and a third
/// was wounded": "another", "the other", "a second" ... with no noun of
/// their own are one more victim of the category before them.
fn singular_phrases(
    toks: &[Token],
    numbers: &[NumberSpan],
    verbs: &[Verb],
    lex: &Lexicon,
) -> Vec<Phrase> {
    let w = |k: usize| toks.get(k).map(|t| t.lower.as_str()).unwrap_or("");
    // "the other suicide bomber killed in the attack" recalls one of a
    // figure told elsewhere; "killing the other guard" is one victim.
    let object_or_part = |i: usize| {
        let after_verb = verbs.iter().any(|v| {
            v.end == i && matches!(v.verb.position, VerbPosition::Pre | VerbPosition::Both)
        });
        let part = (1..=2).any(|k| {
            i.checked_sub(k)
                .is_some_and(|j| SUBSET_BEFORE.contains(&w(j)))
        });
        after_verb || part
    };
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let (noun_from, pronoun_end) = match t.lower.as_str() {
            "a" | "an" if ORDINALS.contains(&w(i + 1)) => (i + 1, Some(i + 2)),
            "another" => (i + 1, Some(i + 1)),
            "the" if w(i + 1) == "other" => (i + 1, Some(i + 2)),
            "a" | "an" | "their" | "his" | "her" | "the" => (i + 1, None),
            _ => continue,
        };
        // `figure.age`: "a 40-year-old shopkeeper": the noun after the age;
        // `figure.named_modifier`: "an Awami National Party (ANP) leader".
        let noun_from = match t.lower.as_str() {
            "a" | "an" => age_span(toks, noun_from)
                .or_else(|| after_name_modifier(toks, noun_from, lex))
                .unwrap_or(noun_from),
            _ => noun_from,
        };
        // Most "the" and "a" start no victim: three table probes tell.
        let noun_near = (noun_from..noun_from + 3).any(|k| lex.victims.match_at(toks, k).is_some());
        if !noun_near && pronoun_end.is_none() {
            continue;
        }
        if numbers.iter().any(|n| n.tok_start <= i && i < n.tok_end) {
            continue;
        }
        // "... and his nephew", "along with his driver": a possessive opens
        // a victim only as one more of a list.
        let possessive = matches!(t.lower.as_str(), "their" | "his" | "her");
        if possessive && !(i > 0 && toks[i - 1].lower == "and") && !along_with_before(toks, i) {
            continue;
        }
        let one = |end, class, target| Phrase {
            start: i,
            end,
            count: Count::exact(1),
            class,
            target,
            subset: false,
            anaphoric: false,
            intrinsic: None,
            bare: false,
        };
        let noun = noun_after(toks, noun_from, 2, lex).filter(|&(end, class, _)| {
            // "another wounded", "the other": no noun of their own.
            pronoun_end.is_none()
                || !(class == VictimClass::Others || outcome_word(&toks[end - 1].lower))
        });
        let recalled = t.lower == "the" && pronoun_end.is_some();
        if recalled && noun.is_some() && !object_or_part(i) {
            continue;
        }
        let Some((end, class, target)) = noun else {
            // "another wounded", "the other was hurt", "a third, X, died".
            if let Some(end) = pronoun_end {
                let next = w(end);
                let verb_next = verbs.iter().any(|v| v.start == end);
                let ends = next.is_empty() || matches!(next, "." | ";" | "in" | "on");
                if verb_next || ends || (SKIP_RIGHT.contains(&next) && next != "and") {
                    out.push(one(end, VictimClass::Others, None));
                }
            }
            continue;
        };
        if is_plural(&toks[end - 1].lower) || class == VictimClass::Others {
            continue;
        }
        out.push(one(end, class, target));
    }
    out
}

/// `figure.named_modifier`: "an Awami National Party (ANP) leader", "a
/// Jamiat Ulema-e-Islam activist": a name (with its acronym in brackets)
/// before a victim noun. Returns where the noun starts.
fn after_name_modifier(toks: &[Token], from: usize, lex: &Lexicon) -> Option<usize> {
    const MAX_NAME: usize = 7;
    let mut k = from;
    while k < from + MAX_NAME {
        let t = toks.get(k)?;
        // "a Levies official": the noun run starts right away.
        if lex.victims.match_at(toks, k).is_some() {
            return (k > from).then_some(k);
        }
        // "Ulema-e-Islam": a short joiner between hyphens is part of the name.
        let joiner = k > from && toks[k - 1].lower == "-" && t.lower.len() <= 3;
        let name_part = (t.capitalized && t.is_word())
            || joiner
            || (k > from && matches!(t.lower.as_str(), "-" | "(" | ")"));
        if !name_part {
            return None;
        }
        k += 1;
    }
    None
}

/// Is a victim noun's head plural ("policemen", "personnel", "khawarij")?
fn is_plural(head: &str) -> bool {
    head.ends_with('s')
        || head.ends_with("men")
        || matches!(
            head,
            "police"
                | "personnel"
                | "people"
                | "troops"
                | "levies"
                | "children"
                | "men"
                | "women"
                | "dead"
                | "injured"
                | "wounded"
                | "khawarij"
                | "khwarij"
                | "militia"
        )
}

/// A victim noun that only names an outcome ("three injured", "26 dead").
fn outcome_word(w: &str) -> bool {
    matches!(w, "injured" | "wounded" | "dead")
}

/// Ordinals that stand for one more victim: "a third was wounded".
const ORDINALS: &[&str] = &["second", "third", "fourth", "fifth", "sixth"];

/// "the deaths of driver Naqeeb and Adnan": named people after a verb that
/// takes its victims after it, when no figure is given.
/// `figure.named_subject`: "Malik Nawab Khan was shot dead", "Ali Khan and
/// Zahid Shah were injured": a name of two or more capitalised words right
/// before the verb (auxiliaries aside) is one victim each. A single word,
/// a pronoun, a place or a group is no name.
fn named_subjects(
    toks: &[Token],
    verbs: &[Verb],
    phrases: &[Phrase],
    lex: &Lexicon,
) -> Vec<Phrase> {
    const AUX: &[&str] = &[
        "was",
        "were",
        "has",
        "have",
        "had",
        "been",
        "also",
        "later",
        "reportedly",
        "allegedly",
        "critically",
        "seriously",
        "badly",
        "fatally",
        "mortally",
    ];
    let mut out = Vec::new();
    for v in verbs
        .iter()
        .filter(|v| matches!(v.verb.position, VerbPosition::Post | VerbPosition::Both))
    {
        let mut k = v.start;
        while k > 0 && AUX.contains(&toks[k - 1].lower.as_str()) {
            k -= 1;
        }
        // `figure.age`: "Gul Khan, 80, was killed", "Gul Khan (80) was killed".
        let end = k - age_after_name(toks, k);
        if phrases
            .iter()
            .any(|p| p.end == end || (p.start < end && end <= p.end))
        {
            continue;
        }
        let mut names = 0u32;
        let mut start = end;
        loop {
            let mut j = start;
            while j > 0 && toks[j - 1].capitalized && toks[j - 1].is_word() {
                j -= 1;
            }
            let words = start - j;
            let is_name = words >= 2
                && lex.gazetteer.matches_at(toks, j).is_empty()
                && lex.group_aliases.match_at(toks, j).is_none()
                && !matches!(
                    toks[j].lower.as_str(),
                    "he" | "she" | "they" | "it" | "police"
                );
            if !is_name {
                break;
            }
            names += 1;
            start = j;
            if start >= 2 && toks[start - 1].lower == "and" && toks[start - 2].capitalized {
                start -= 1;
            } else {
                break;
            }
        }
        if names > 0 {
            out.push(Phrase::people(start, end, Count::exact(names)));
        }
    }
    out
}

fn named_victims(toks: &[Token], verbs: &[Verb], phrases: &[Phrase]) -> Vec<Phrase> {
    let mut out = Vec::new();
    for v in verbs
        .iter()
        .filter(|v| matches!(v.verb.position, VerbPosition::Pre))
    {
        if phrases
            .iter()
            .any(|p| p.start >= v.end && p.start <= v.end + 2)
        {
            continue;
        }
        let mut k = v.end;
        // An optional lowercase role word: "driver", "constable".
        if toks.get(k).is_some_and(|t| t.is_word() && !t.capitalized)
            && toks.get(k + 1).is_some_and(|t| t.capitalized)
        {
            k += 1;
        }
        let mut names = 0;
        let start = k;
        while toks.get(k).is_some_and(|t| t.capitalized && t.is_word()) {
            names += 1;
            while toks.get(k).is_some_and(|t| t.capitalized && t.is_word()) {
                k += 1;
            }
            if toks
                .get(k)
                .is_some_and(|t| t.lower == "and" || t.lower == ",")
                && toks.get(k + 1).is_some_and(|t| t.capitalized)
            {
                k += 1;
            } else {
                break;
            }
        }
        if names >= 1 && k > start {
            out.push(Phrase::people(v.end, k, Count::exact(names)));
        }
    }
    out
}

/// The outcome a figure is bound to, and the verb that says so: the nearer
/// of the verb after it ("four people were killed") and the verb before it
/// ("killing four people"); "killed two people and wounded eight" binds the
/// two to "killed".
fn bind(
    p: &Phrase,
    all: &[Phrase],
    verbs: &[Verb],
    toks: &[Token],
) -> Option<(Outcome, Option<Verb>)> {
    let right = scan_right(p, all, verbs, toks);
    if let Some(o) = p.intrinsic {
        // `figure.died_of_wounds`: the wounded who died are killed.
        let died = right.is_some_and(|(v, _)| v.verb.outcome == Outcome::Killed);
        return Some((if died { Outcome::Killed } else { o }, None));
    }
    let left = scan_left(p, all, verbs, toks);
    let v = match (right, left) {
        (Some((r, rg)), Some((l, lg))) => {
            if lg < rg {
                l
            } else {
                r
            }
        }
        (Some((r, _)), None) => r,
        (None, Some((l, _))) => l,
        (None, None) => return None,
    };
    Some((v.verb.outcome, Some(v)))
}

/// `figure.nobody_hurt`: "no one was hurt", "nobody was killed", "no loss of
/// life", "no casualties were reported": a figure of zero. "No one" is not
/// one person: a statement read off its "one" is replaced. Nobody hurt is
/// also nobody killed (SCHEMA: counts [0, 0]); nobody killed says nothing
/// about the injured. Zeros only count where the incident has no other
/// figure (`assemble`).
///
/// `figure.nobody_of_category`: "no policeman was hurt", "none of the
/// security personnel were injured", "no soldier was martyred": the zero
/// also holds for the category of the noun, which keeps it beside other
/// categories' figures ("eight attackers were killed; no policeman was hurt"
/// is security forces 0, militants 8).
fn nobody_hurt(
    toks: &[Token],
    verbs: &[Verb],
    lex: &Lexicon,
    si: usize,
    base: usize,
    out: &mut Vec<CasualtyStatement>,
) {
    const REACH: usize = 5;
    let zero = |outcome, category, start: usize, end: usize| CasualtyStatement {
        sentence: si,
        tok_start: base + start,
        tok_end: base + end,
        outcome,
        category,
        count: Count::exact(0),
        subset: false,
        update: false,
        additional: false,
        target: None,
    };
    let mut i = 0;
    while i < toks.len() {
        // "no policeman", "none of the soldiers": a nobody of one category.
        let generic = nobody_of_category(toks, i, lex);
        let found: Option<(usize, Marker, Option<Category>)> = match generic {
            Some((end, c)) => Some((end, Marker::Nobody, Some(c))),
            None => lex
                .markers
                .matches_at(toks, i)
                .filter(|m| matches!(m.value, Marker::Nobody | Marker::NoCasualties))
                .max_by_key(|m| m.len)
                .map(|m| (i + m.len, *m.value, None)),
        };
        let Some((end, marker, category)) = found else {
            i += 1;
            continue;
        };
        let start = i;
        let outcomes: Vec<Outcome> = match marker {
            Marker::NoCasualties => vec![Outcome::Killed, Outcome::Injured],
            _ => {
                let Some(o) = nobody_outcome(toks, verbs, end, REACH) else {
                    i += 1;
                    continue;
                };
                match o {
                    Outcome::Injured => vec![Outcome::Killed, Outcome::Injured],
                    Outcome::Killed => vec![Outcome::Killed],
                }
            }
        };
        // "no one" read as "one ... injured": not a figure.
        out.retain(|c| c.sentence != si || c.tok_end <= base + start || c.tok_start >= base + end);
        for o in outcomes {
            out.push(zero(o, Category::Total, start, end));
            if let Some(c) = category {
                out.push(zero(o, c, start, end));
            }
        }
        i = end;
    }
}

/// The outcome a nobody's verb denies. `figure.nobody_coordinated`:
/// "nobody was killed or hurt", "no one was killed or injured": verbs joined
/// by "or"/"nor"/"and" share the nobody, so a denied injury among them also
/// denies deaths and injuries (the first verb alone would say only killed).
fn nobody_outcome(toks: &[Token], verbs: &[Verb], end: usize, reach: usize) -> Option<Outcome> {
    // `figure.nobody_clause`: "No one claimed responsibility, and the
    // killing ...": the nobody's verb is in its own clause.
    let same_clause = |v: &Verb| {
        toks.get(end..v.start).is_some_and(|between| {
            !between
                .iter()
                .any(|t| matches!(t.lower.as_str(), "," | ";"))
        })
    };
    let mut near = verbs
        .iter()
        .filter(|v| v.start >= end && v.start <= end + reach && same_clause(v));
    let first = near.next()?;
    let coordinated = near.filter(|v| {
        v.start
            .checked_sub(1)
            .and_then(|k| toks.get(k))
            .is_some_and(|t| matches!(t.lower.as_str(), "or" | "nor" | "and"))
    });
    let injured = std::iter::once(first)
        .chain(coordinated)
        .any(|v| v.verb.outcome == Outcome::Injured);
    Some(if injured {
        Outcome::Injured
    } else {
        first.verb.outcome
    })
}

/// "no policeman", "no security personnel", "none of the soldiers", "not a
/// single soldier": the end of the phrase and the category its noun names.
fn nobody_of_category(toks: &[Token], i: usize, lex: &Lexicon) -> Option<(usize, Category)> {
    let w = |k: usize| toks.get(k).map(|t| t.lower.as_str()).unwrap_or("");
    let from = match w(i) {
        "no" => i + 1,
        "none" if w(i + 1) == "of" && w(i + 2) == "the" => i + 3,
        "not" if w(i + 1) == "a" && w(i + 2) == "single" => i + 3,
        _ => return None,
    };
    let (end, class, _) = noun_after(toks, from, 1, lex)?;
    concrete(class).map(|c| (end, category_of(c)))
}

/// Oldest age a bare figure after a name can be.
const MAX_AGE: u32 = 110;

/// `figure.age`: "Gul Khan, 80, died", "he was 72 and died", "aged 35", "a
/// 40-year-old man", "two shopkeepers, aged 40 and 52": an age, not a count
/// of victims.
fn is_age(p: &Phrase, toks: &[Token]) -> bool {
    if !p.bare || p.count.best > MAX_AGE {
        return false;
    }
    let w = |k: Option<usize>| k.and_then(|k| toks.get(k)).map(|t| t.lower.as_str());
    let before = |n: usize| w(p.start.checked_sub(n));
    let name_before = p
        .start
        .checked_sub(2)
        .and_then(|k| toks.get(k))
        .is_some_and(|t| t.capitalized && t.is_word());
    let apposition = before(1) == Some(",")
        && name_before
        && matches!(w(Some(p.end)), Some("," | ")" | "and" | "."));
    let was =
        matches!(before(1), Some("was" | "is")) && matches!(before(2), Some("he" | "she" | "who"));
    // "Sepoy Usman Akhtar (30)"
    let bracketed = before(1) == Some("(") && name_before && w(Some(p.end)) == Some(")");
    // "between 10 and 13 years": a range's last figure carries the years.
    apposition
        || was
        || bracketed
        || in_age_span(p.start, toks)
        || in_age_span(p.end.saturating_sub(1), toks)
}

/// Is the figure at `k` inside an age ("aged 40 and 52", "a 12-year-old")?
/// Walks back over the list of ages to the word that opens it.
fn in_age_span(k: usize, toks: &[Token]) -> bool {
    let mut open = k;
    while open > 0
        && (toks[open - 1].kind == TokenKind::Number
            || matches!(toks[open - 1].lower.as_str(), "," | "and"))
    {
        open -= 1;
    }
    [open.checked_sub(1), Some(k)]
        .into_iter()
        .flatten()
        .any(|o| age_span(toks, o).is_some_and(|end| end > k))
}

/// `figure.age`: the end of an age that starts at `k`: "aged 35", "aged 40
/// and 52", "ages 20, 25 and 31", "40-year-old", "35 years old", "12-year".
/// An age stands beside its victim ("a 12-year-old boy", "a constable,
/// aged 35, was martyred") and neither counts nor parts them from the verb.
fn age_span(toks: &[Token], k: usize) -> Option<usize> {
    let w = |j: usize| toks.get(j).map(|t| t.lower.as_str()).unwrap_or("");
    let digits = |j: usize| toks.get(j).is_some_and(|t| t.kind == TokenKind::Number);
    if matches!(w(k), "aged" | "age" | "ages") && digits(k + 1) {
        let mut end = k + 2;
        while matches!(w(end), "," | "and") && digits(end + 1) {
            end += 2;
        }
        return Some(end);
    }
    // "twelve-year-old" as well as "12-year-old".
    let figure = digits(k) || (w(k + 1) == "-" && toks.get(k).is_some_and(|t| t.is_word()));
    if !figure {
        return None;
    }
    let mut j = k + 1 + usize::from(w(k + 1) == "-");
    if !matches!(w(j), "year" | "years" | "-year") {
        return None;
    }
    j += 1;
    if w(j) == "-" && w(j + 1) == "old" {
        j += 2;
    } else if w(j) == "old" {
        j += 1;
    }
    Some(j)
}

/// `figure.source_subject`: "killing 23 people, an official said", "two
/// witnesses told reporters": a figure right before a reporting verb is who
/// speaks, not a victim ("three were reported killed" is).
fn is_source(p: &Phrase, toks: &[Token], verbs: &[Verb], lex: &Lexicon) -> bool {
    const REACH: usize = 2;
    // "two witnesses said": a bare figure's own noun may stand between.
    let noun = usize::from(p.bare && toks.get(p.end).is_some_and(|t| t.is_word()));
    let reports = lex
        .markers
        .matches_at(toks, p.end + noun)
        .any(|m| *m.value == Marker::Report);
    let casualty_after = verbs
        .iter()
        .any(|v| v.start > p.end && v.start <= p.end + REACH);
    reports && !casualty_after
}

/// What a gapped figure's own verb, after its place, says.
enum OwnVerb {
    Casualty(Outcome),
    OtherFate,
}

/// The verb of "three in Lakki Marwat were injured": after "in <Place>",
/// a few words on.
fn own_verb_after_place(
    p: &Phrase,
    toks: &[Token],
    verbs: &[Verb],
    lex: &Lexicon,
) -> Option<OwnVerb> {
    const REACH: usize = 6;
    let from = p.end + 2;
    for k in from..(from + REACH).min(toks.len()) {
        if let Some(v) = verbs.iter().find(|v| v.start == k) {
            return Some(OwnVerb::Casualty(v.verb.outcome));
        }
        if lex
            .markers
            .matches_at(toks, k)
            .any(|m| *m.value == Marker::OtherFate)
        {
            return Some(OwnVerb::OtherFate);
        }
        if matches!(toks[k].lower.as_str(), "," | "and" | ";" | ".") {
            return None;
        }
    }
    None
}

/// `figure.gapped_list`: "four were killed in North Waziristan, three in
/// Bannu and two in Lakki Marwat": a figure after a comma or "and", with no
/// verb of its own and a place right after it, repeats the verb of the
/// figure before it.
fn is_gapped(p: &Phrase, toks: &[Token]) -> bool {
    let before = p.start.checked_sub(1).map(|k| toks[k].lower.as_str());
    let joined = matches!(before, Some("," | "and" | "while" | "whereas"));
    let at_place = toks
        .get(p.end)
        .is_some_and(|t| matches!(t.lower.as_str(), "in" | "at" | "near" | "from"))
        && toks.get(p.end + 1).is_some_and(|t| t.capitalized);
    joined && at_place
}

/// "two others arrested", "three were rescued": the figure's own verb tells
/// a fate that is not a casualty (`other_fate` in markers.tsv), so a
/// casualty verb before it is not theirs.
fn other_fate_follows(p: &Phrase, toks: &[Token], lex: &Lexicon) -> bool {
    const REACH: usize = 4;
    let mut k = p.end;
    while k < toks.len() && k < p.end + REACH {
        if lex
            .markers
            .matches_at(toks, k)
            .any(|m| *m.value == Marker::OtherFate)
        {
            return true;
        }
        let w = toks[k].lower.as_str();
        if w == "," || !SKIP_RIGHT.contains(&w) {
            return false;
        }
        k += 1;
    }
    false
}

/// Tokens skipped between a figure and its verb, not counting other figures.
type Gap = usize;

/// Auxiliaries of a passive: "were killed" takes its victims before it.
const PASSIVE_AUX: &[&str] = &["was", "were", "been", "being", "be", "is", "are"];

/// `figure.agent_subject`: a verb that takes its victims either side
/// ("killed") and has a figure right after it is active: the figure before
/// it is the attacker ("a suicide bomber killed two policemen") or belongs
/// to an earlier verb ("killed two policemen and three civilians and
/// injured 15"), unless an auxiliary makes it passive.
/// How many words the names after "including" may take before the verb.
const INCLUDED_NAMES_REACH: usize = 12;

fn scan_right(p: &Phrase, all: &[Phrase], verbs: &[Verb], toks: &[Token]) -> Option<(Verb, Gap)> {
    let mut k = p.end;
    let mut steps = 0;
    let mut gap = 0;
    // After "including"/"among them" names may follow; after "who"/"which"
    // a short relative clause may stand before the verb.
    let mut names_ok = false;
    let mut clause_budget = 0;
    while k < toks.len() && steps < 20 {
        if let Some(v) = verbs.iter().find(|v| v.start == k) {
            let fits = matches!(
                v.verb.position,
                VerbPosition::Post | VerbPosition::Both | VerbPosition::Among
            );
            let active = v.verb.position == VerbPosition::Both
                && all.iter().any(|q| q.start == v.end)
                && !toks[p.end..v.start]
                    .iter()
                    .any(|t| PASSIVE_AUX.contains(&t.lower.as_str()));
            return (fits && !active).then_some((*v, gap));
        }
        if let Some(q) = all.iter().find(|q| q.start == k) {
            k = q.end;
            steps += 1;
            continue;
        }
        // `figure.of_name`: "a local activist of the Jamiat Ulema-e-Islam
        // (JUI-F), was shot dead", "two policemen of the Elite Force were
        // martyred": a name the victim belongs to stands before the verb.
        if let Some(end) = of_name_span(toks, k).filter(|_| !p.bare && k == p.end) {
            k = end;
            steps += 1;
            continue;
        }
        // "a police constable, Rahim Shah, aged 35, was martyred"
        if let Some(end) = age_span(toks, k).filter(|_| names_ok) {
            k = end;
            steps += 1;
            continue;
        }
        let t = &toks[k];
        let w = t.lower.as_str();
        // `figure.including_names`: "five khwarij including Kharji ring
        // leader Abidullah @ Turab were sent to hell": the names a list
        // gives after "including" (titles, aliases, signs) stand before the
        // verb as one apposition.
        if matches!(w, "including" | "incl") {
            clause_budget = INCLUDED_NAMES_REACH;
        }
        names_ok |= matches!(w, "including" | "among" | "incl");
        // "two policemen, head constable Gul Nawaz and constable Irfan Khan, were injured"
        if w == "," && k == p.end {
            names_ok = true;
        }
        if matches!(w, "who" | "which" | "that") && !p.bare {
            clause_budget = 5;
        }
        // `figure.unnumbered_subset`: "15 people, including security
        // personnel, were wounded": a subset without a figure of its own.
        if w == "including" && !p.bare {
            clause_budget = clause_budget.max(4);
        }
        let adverb = w.len() > 4 && w.ends_with("ly");
        let name = names_ok && t.capitalized;
        if !(SKIP_RIGHT.contains(&w) || adverb || name) {
            if clause_budget == 0 || matches!(w, "," | ";" | "." | "when" | "after") {
                return None;
            }
            clause_budget -= 1;
        }
        // A bare figure must touch its verb: "59 killed", not "59, and ...".
        if p.bare && steps >= 2 {
            return None;
        }
        k += 1;
        steps += 1;
        // Names and commas in apposition are the figure's own: "another,
        // Hassan Bacha, was wounded" is as near its verb as "another was".
        if !(name || w == ",") {
            gap += 1;
        }
    }
    None
}

fn scan_left(p: &Phrase, all: &[Phrase], verbs: &[Verb], toks: &[Token]) -> Option<(Verb, Gap)> {
    let mut k = p.start;
    let mut steps = 0;
    let mut gap = 0;
    while k > 0 && steps < 10 {
        if let Some(v) = verbs.iter().find(|v| v.end == k) {
            let fits = matches!(
                v.verb.position,
                VerbPosition::Pre | VerbPosition::Both | VerbPosition::Among
            );
            return fits.then_some((*v, gap));
        }
        if let Some(q) = all.iter().find(|q| q.end == k) {
            k = q.start;
            steps += 1;
            continue;
        }
        if let Some(open) = apposition_before(toks, k) {
            k = open;
            steps += 1;
            continue;
        }
        // `figure.along_with`: "was wounded along with his driver and a
        // party worker": the companions share the verb before them.
        if along_with_before(toks, k) {
            k -= 2;
            steps += 1;
            continue;
        }
        let w = toks[k - 1].lower.as_str();
        if !SKIP_LEFT.contains(&w) {
            return None;
        }
        k -= 1;
        steps += 1;
        gap += 1;
    }
    None
}

/// The end of "of [the] <Name ...>" at `k`: capitalised words, hyphen
/// joiners ("Ulema-e-Islam") and a bracketed acronym.
///
/// `figure.community_of`: "two men from the Hazara community were killed",
/// "three labourers of the Marri tribe were shot dead": "from" reads as
/// "of", and the common noun that closes the name (community, tribe, ...)
/// belongs to it.
fn of_name_span(toks: &[Token], k: usize) -> Option<usize> {
    if !matches!(toks.get(k)?.lower.as_str(), "of" | "from") {
        return None;
    }
    let from = k + 1 + usize::from(toks.get(k + 1).is_some_and(|t| t.lower == "the"));
    let mut j = from;
    while let Some(t) = toks.get(j) {
        let joiner = j > from && toks[j - 1].lower == "-" && t.lower.len() <= 3;
        let part = (t.capitalized && t.is_word())
            || joiner
            || (j > from && matches!(t.lower.as_str(), "-" | "(" | ")"));
        if !part {
            break;
        }
        j += 1;
    }
    let closes = toks.get(j).is_some_and(|t| {
        matches!(
            t.lower.as_str(),
            "community" | "tribe" | "clan" | "sect" | "family" | "party"
        )
    });
    (j > from).then_some(j + usize::from(closes))
}

/// Do "along with" / "together with" end right before `k`?
fn along_with_before(toks: &[Token], k: usize) -> bool {
    k >= 2
        && toks[k - 1].lower == "with"
        && matches!(toks[k - 2].lower.as_str(), "along" | "together")
}

/// How many tokens before `k` are an age set off after a name (", 80 ,"
/// or "( 80 )"), or 0.
fn age_after_name(toks: &[Token], k: usize) -> usize {
    const AGE: usize = 3;
    let Some(from) = k.checked_sub(AGE) else {
        return 0;
    };
    let w = |j: usize| toks[j].lower.as_str();
    let set_off = matches!((w(from), w(k - 1)), ("," | "(", "," | ")"));
    let age = toks[from + 1].kind == TokenKind::Number
        && toks[from + 1]
            .lower
            .parse::<u32>()
            .is_ok_and(|n| n <= MAX_AGE);
    let named = from > 0 && toks[from - 1].capitalized;
    if set_off && age && named {
        AGE
    } else {
        0
    }
}

/// `figure.named_apposition`: "killing the driver, Abdul Ghani, 41, and a
/// passenger", "two brothers, Ali Raza and Qasim Raza, and a policeman":
/// the names (and ages) set off by commas after a victim, ending right
/// before `k` at a comma, are that victim's; a later victim of the list
/// reads past them to the verb. Returns where the apposition opens (after
/// its first comma).
fn apposition_before(toks: &[Token], k: usize) -> Option<usize> {
    const MAX_LEN: usize = 10;
    if toks.get(k.checked_sub(1)?)?.lower != "," {
        return None;
    }
    let mut j = k - 1;
    let mut names = 0;
    while j > 0 && k - j <= MAX_LEN {
        let t = &toks[j - 1];
        match t.lower.as_str() {
            "," if names > 0 => return toks[j].capitalized.then_some(j),
            "," | "and" => {}
            _ if t.capitalized && t.is_word() => names += 1,
            _ if t.kind == TokenKind::Number => {}
            _ => return None,
        }
        j -= 1;
    }
    None
}

/// "claiming to have killed more than 100", "the group said its fighters had
/// killed": a group's own figure, which coders do not count.
fn is_claimed_figure(toks: &[Token], via: Option<Verb>, group_speaks: bool) -> bool {
    let Some(v) = via else { return false };
    let before = |k: usize| {
        v.start
            .checked_sub(k)
            .and_then(|x| toks.get(x))
            .map(|t| t.lower.as_str())
    };
    let to_have = before(1) == Some("have") && before(2) == Some("to");
    let had = matches!(before(1), Some("had" | "have"));
    let pre = v.verb.position != VerbPosition::Post;
    to_have || (group_speaks && pre && (had || own_fighters_before(toks, v.start)))
}

/// `figure.claimed_by_fighters`: "the BLF said its fighters attacked a camp
/// and killed 10 soldiers": the verb's subject, within its clause, is the
/// group's own fighters.
fn own_fighters_before(toks: &[Token], verb: usize) -> bool {
    const REACH: usize = 12;
    let from = verb.saturating_sub(REACH);
    let clause = toks.get(from..verb).unwrap_or_default();
    let start = clause
        .iter()
        .rposition(|t| matches!(t.lower.as_str(), ";" | "." | "officials" | "police"))
        .map_or(0, |k| k + 1);
    clause[start..].windows(2).any(|w| {
        matches!(w[0].lower.as_str(), "its" | "their")
            && matches!(
                w[1].lower.as_str(),
                "fighters"
                    | "men"
                    | "cadres"
                    | "commandos"
                    | "militants"
                    | "members"
                    | "operatives"
            )
    })
}

/// Tokens between a toll and its figure: "The death toll from Wednesday's
/// attack on a checkpoint in Paharpur, Dera Ismail Khan, rose to five" has
/// seventeen.
const TOLL_REACH: usize = 24;

/// "the death toll rose to 12", "toll climbs to 90", "lowered the death toll
/// of the January 30 bombing to 84".
///
/// `figure.toll_update`: the figure may stand after a phrase naming the
/// attack and its place ("the death toll from Wednesday's attack on a
/// checkpoint in Paharpur, Dera Ismail Khan, rose to five").
fn tolls(
    toks: &[Token],
    numbers: &[NumberSpan],
    verbs: &[Verb],
    si: usize,
    base: usize,
) -> Vec<CasualtyStatement> {
    let mut out = Vec::new();
    for v in verbs
        .iter()
        .filter(|v| v.verb.position == VerbPosition::Toll)
    {
        let window = v.end..(v.end + TOLL_REACH).min(toks.len());
        let hit = numbers.iter().find(|n| {
            window.contains(&n.tok_start)
                && n.tok_start > 0
                && matches!(
                    toks[n.tok_start - 1].lower.as_str(),
                    "to" | "at" | "reached" | "hit" | "of"
                )
        });
        if let Some(n) = hit {
            out.push(CasualtyStatement {
                sentence: si,
                tok_start: base + v.start,
                tok_end: base + n.tok_end,
                outcome: v.verb.outcome,
                category: Category::Total,
                count: n.count,
                subset: false,
                update: true,
                additional: false,
                target: None,
            });
        }
    }
    out
}

/// The category of the last plural victim noun in a sentence, for "four of
/// them" in the next one.
fn last_plural_class(toks: &[Token], lex: &Lexicon) -> Option<VictimClass> {
    let mut last = None;
    let mut i = 0;
    while i < toks.len() {
        match lex.victims.match_at(toks, i) {
            Some(m) => {
                // "police" names the force more often than its men ("the
                // police chief said"): no antecedent.
                let head = &toks[m.end() - 1].lower;
                if is_plural(head) && head != "police" {
                    if let Some(c) = concrete(m.value.class) {
                        last = Some(c);
                    }
                }
                i = m.end();
            }
            None => i += 1,
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn statements(text: &str) -> Vec<(Outcome, Category, u32, bool)> {
        let Ok(lex) = Lexicon::try_embedded() else {
            panic!("embedded data broken")
        };
        let mut doc = Document {
            text,
            ..Default::default()
        };
        crate::clean::run(&mut doc, lex);
        crate::numbers::run(&mut doc, lex);
        crate::cues::run(&mut doc, lex);
        run(&mut doc, lex);
        doc.casualties
            .iter()
            .map(|c| (c.outcome, c.category, c.count.best, c.subset))
            .collect()
    }

    use Category::*;
    use Outcome::*;

    #[test]
    fn passive_list_split_by_category() {
        let s = statements("Two policemen, one paramilitary soldier and a civilian were killed in the attack, while 14 others were injured.");
        assert_eq!(
            s,
            vec![
                (Killed, SecurityForces, 2, false),
                (Killed, SecurityForces, 1, false),
                (Killed, Civilians, 1, false),
                (Injured, Total, 14, false)
            ]
        );
    }

    #[test]
    fn active_voice_and_others() {
        let s = statements("The clash ended in the death of six militants and two army officers.");
        assert_eq!(
            s,
            vec![
                (Killed, Militants, 6, false),
                (Killed, SecurityForces, 2, false)
            ]
        );
        let s = statements("At least two police officers were killed and six others injured.");
        assert_eq!(
            s,
            vec![
                (Killed, SecurityForces, 2, false),
                (Injured, SecurityForces, 6, false)
            ]
        );
    }

    #[test]
    fn subsets_and_named_victims() {
        let s = statements("At least four people, three of them Chinese nationals, were killed.");
        assert_eq!(
            s,
            vec![(Killed, Total, 4, false), (Killed, Civilians, 3, true)]
        );
        let s =
            statements("Gunmen opened fire, resulting in the deaths of driver Naqeeb and Adnan.");
        assert_eq!(s, vec![(Killed, Total, 2, false)]);
    }

    #[test]
    fn tolls_and_claims() {
        let s = statements("The death toll rose to 12 on Monday.");
        assert_eq!(s, vec![(Killed, Total, 12, false)]);
        let s = statements("The group claimed to have killed more than 100 soldiers.");
        assert!(s.is_empty());
    }

    #[test]
    fn anaphora_takes_the_previous_noun() {
        let s = statements("Terrorists tried to storm the camp. Four of them were killed.");
        assert_eq!(s, vec![(Killed, Militants, 4, false)]);
    }
}
