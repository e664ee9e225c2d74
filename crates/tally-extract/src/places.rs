//! Stage: places. Gazetteer names in the text, with names that are also
//! common words ("Tank") accepted only capitalised and in context, and names
//! shared by several places resolved towards the districts the article names.

use crate::document::{Document, PlaceMention};
use std::collections::HashMap;
use tally_lexicon::{Lexicon, PlaceKind, Token};

const PLACE_NOUNS: &[&str] = &[
    "district",
    "districts",
    "tehsil",
    "city",
    "town",
    "village",
    "area",
    "police",
    "agency",
    "division",
    "region",
    "valley",
    "province",
    "sub-division",
    "subdivision",
    "bazaar",
    "road",
    "highway",
    "cantonment",
];
const PREPOSITIONS: &[&str] = &[
    "in", "of", "at", "near", "from", "to", "outside", "around", "across", "and", ",",
];

pub fn run(doc: &mut Document, lex: &Lexicon) {
    let mut found: Vec<(PlaceMention, Vec<usize>)> = Vec::new();
    for (si, s) in doc.sentences.iter().enumerate() {
        let toks = &doc.tokens[s.tok_start..s.tok_end];
        let mut i = 0;
        while i < toks.len() {
            let ms = lex.gazetteer.matches_at(toks, i);
            let Some(first) = ms.first() else {
                i += 1;
                continue;
            };
            let len = first.len;
            // "Pakistan Taliban", "Baloch Liberation Army": a group's name, not a place.
            if lex
                .group_aliases
                .match_at(toks, i)
                .is_some_and(|g| g.len >= len)
            {
                i += len;
                continue;
            }
            if aged_origin(toks, i) {
                i += len;
                continue;
            }
            let candidates: Vec<usize> = ms.iter().map(|m| *m.value).collect();
            if accept(toks, i, len, &candidates, lex) {
                let district_word = toks.get(i + len).is_some_and(|t| t.lower == "district")
                    || (i >= 2 && toks[i - 1].lower == "of" && toks[i - 2].lower == "district");
                found.push((
                    PlaceMention {
                        sentence: si,
                        tok_start: s.tok_start + i,
                        tok_end: s.tok_start + i + len,
                        place: candidates[0],
                        district_word,
                        weak: is_weak(toks, i, len) || is_home_of(toks, i + len, lex),
                    },
                    candidates,
                ));
            }
            i += len;
        }
    }
    let votes = district_votes(&found, lex);
    doc.places = found
        .into_iter()
        .map(|(mut m, cands)| {
            m.place = choose(&cands, m.district_word, &votes, lex);
            m
        })
        .collect();
    weak_appositions(doc);
    dateline_roads(doc, lex);
}

/// `place.dateline_road`: "BANNU: ... an IED planted on the
/// Bannu-Miranshah road": a road named after the town the report is filed
/// from runs by that town; in a sentence with no other scene, that is
/// where the event was.
fn dateline_roads(doc: &mut Document, lex: &Lexicon) {
    let Some(dl) = doc.dateline_place.and_then(|i| lex.gazetteer.places.get(i)) else {
        return;
    };
    let road = |t: &Token| matches!(t.lower.as_str(), "road" | "highway" | "motorway");
    for k in 0..doc.places.len() {
        let m = &doc.places[k];
        let same_town = lex
            .gazetteer
            .places
            .get(m.place)
            .is_some_and(|pl| pl.name == dl.name);
        let on_road = doc.tokens[m.tok_end..].iter().take(4).any(road);
        let scene_elsewhere = doc
            .places
            .iter()
            .any(|o| o.sentence == m.sentence && !o.weak);
        if m.weak && same_town && on_road && !scene_elsewhere {
            doc.places[k].weak = false;
        }
    }
}

/// `place.apposition`: "two men from Mir Ali, North Waziristan, in Bannu":
/// the district set after a weak place by a comma names where that place
/// is, so it is no scene either.
fn weak_appositions(doc: &mut Document) {
    for k in 1..doc.places.len() {
        let (prev, cur) = (&doc.places[k - 1], &doc.places[k]);
        let apposed = prev.weak
            && prev.sentence == cur.sentence
            && cur.tok_start == prev.tok_end + 1
            && doc.tokens.get(prev.tok_end).is_some_and(|t| t.lower == ",");
        if apposed {
            doc.places[k].weak = true;
        }
    }
}

const TRAVEL_BEFORE: &[&str] = &[
    "bound",
    "heading",
    "headed",
    "travelling",
    "traveling",
    "route",
    "way",
    "towards",
    "toward",
    "back",
    // "fired from the direction of Khyber Agency"
    "direction",
];
const OFFICIAL_BEFORE: &[&str] = &[
    "dig",
    "dpo",
    "ssp",
    "sp",
    "ig",
    "igp",
    "cpo",
    "ccpo",
    "dc",
    "ac",
    "sho",
    "commissioner",
    "deputy",
];
const OFFICIAL_AFTER: &[&str] = &["division", "commissioner", "dpo", "sp", "ssp", "dig", "ig"];
const ASIDE_BEFORE: &[&str] = &[
    "arrested",
    "detained",
    "apprehended",
    "nabbed",
    "held",
    "arrest",
    "trained",
    "resident",
    "native",
    "born",
    "belonged",
    "hailed",
    "hails",
    "belonging",
    "shifted",
    "moved",
    "transported",
    "airlifted",
    "referred",
    "flown",
];

/// A place that is not where the event happened: a journey's other end, an
/// official's title, where a suspect was arrested or a victim came from.
fn is_weak(toks: &[Token], i: usize, len: usize) -> bool {
    let before = |k: usize| {
        i.checked_sub(k)
            .map(|x| toks[x].lower.as_str())
            .unwrap_or("")
    };
    let after = |k: usize| {
        toks.get(i + len + k)
            .map(|t| t.lower.as_str())
            .unwrap_or("")
    };
    // "kidnapped from Tank", "abducted from the ... locality of Tank": where
    // someone was taken is the scene.
    let taken_from = (2..=7).any(|k| matches!(before(k), "kidnapped" | "abducted" | "picked"));
    let travel = (matches!(before(1), "from") && !taken_from)
        || matches!(before(1), "to" | "towards" | "toward" | "for")
        || (before(1) == "of"
            && matches!(before(2), "city" | "town")
            && (3..=6).any(|k| TRAVEL_BEFORE.contains(&before(k)))
            && !taken_from)
        || (1..=4).any(|k| TRAVEL_BEFORE.contains(&before(k)))
        || (after(0) == "-" && matches!(after(1), "bound" | "based"));
    // "a police spokesman in Dera Ismail Khan said": where a source sits
    // ("two officials in Quetta were injured" is a scene).
    let source_base = matches!(before(1), "in" | "at" | "from")
        && matches!(
            before(2),
            "spokesman"
                | "spokesperson"
                | "spokesmen"
                | "official"
                | "officials"
                | "sources"
                | "embassy"
                | "consulate"
                | "ministry"
                | "office"
                | "authorities"
                | "headquarters"
        )
        && matches!(after(0), "said" | "says" | "told" | "confirmed" | "added");
    let official =
        OFFICIAL_BEFORE.contains(&before(1)) || OFFICIAL_AFTER.contains(&after(0)) || source_base;
    let aside = (1..=4).any(|k| ASIDE_BEFORE.contains(&before(k)));
    // "shifted to the district headquarters hospital in Khar": where the
    // wounded were taken, not where they were hurt.
    let hospital = (1..=4).any(|k| matches!(before(k), "hospital" | "hospitals"))
        && (2..=9).any(|k| {
            matches!(
                before(k),
                "shifted"
                    | "moved"
                    | "taken"
                    | "rushed"
                    | "brought"
                    | "referred"
                    | "transported"
                    | "airlifted"
                    | "evacuated"
                    | "flown"
                    | "admitted"
            )
        });
    // "funeral prayers were offered in Kohat", "laid to rest in his
    // hometown": where the dead were mourned or buried, not where they died.
    let funeral = (1..=6).any(|k| {
        matches!(
            before(k),
            "funeral"
                | "funerals"
                | "buried"
                | "burial"
                | "hometown"
                | "hometowns"
                | "ancestral"
                | "graveyard"
                | "namaz-e-janaza"
                | "janaza"
        )
    }) || (before(1) == "in" && before(2) == "rest" && before(3) == "to");
    // "the Mohmand-Peshawar Road", "Jamrud Road": a road named after a place
    // runs through other districts; "the Hyderabad-Mirpur Khas road": the
    // place after the hyphen may be two or three words.
    let road_word = |w: &str| matches!(w, "road" | "highway" | "motorway" | "expressway");
    let road = road_word(after(0))
        || (after(0) == "-" && (2..=4).any(|k| road_word(after(k))))
        || (before(1) == "-" && matches!(after(0), "road" | "highway" | "motorway"));
    // `place.base`: "a network based in the neighbouring North Waziristan
    // district", "headquartered in Kabul": where a group lives, not where
    // it struck. Not "an intelligence-based operation in Tank", nor one
    // written "intelligence based operation", without the hyphen.
    let base = (1..=5).any(|k| {
        matches!(before(k), "based" | "headquartered" | "entrenched")
            && before(k + 1) != "-"
            && !matches!(before(k - 1), "operation" | "operations" | "op" | "ops")
            && (1..k).any(|j| matches!(before(j), "in" | "at"))
    });
    travel || official || aside || hospital || road || funeral || base
}

/// `place.home_of_victim`: "Sepoy Usman Akhtar (30) of Rawalpindi": a
/// place after a bracketed age is where a person is from, no place of the
/// story at all.
fn aged_origin(toks: &[Token], i: usize) -> bool {
    i >= 3
        && toks[i - 1].lower == "of"
        && toks[i - 2].lower == ")"
        && toks[i - 3].kind == tally_lexicon::TokenKind::Number
}

/// `place.home_of_victim`: "Badin district's Naik Abdul Raheem", "Swat's
/// constable Ali": a possessive place before a person names where the
/// person is from, not where the event happened ("Quetta's Margate area"
/// stays a scene: "area" is no person).
fn is_home_of(toks: &[Token], after: usize, lex: &Lexicon) -> bool {
    let mut k = after;
    if toks
        .get(k)
        .is_some_and(|t| matches!(t.lower.as_str(), "district" | "city" | "town"))
    {
        k += 1;
    }
    if toks
        .get(k)
        .is_none_or(|t| t.lower != "'s" && t.lower != "’s")
    {
        return false;
    }
    lex.victims.match_at(toks, k + 1).is_some()
}

/// Should a gazetteer match count as a place mention?
fn accept(toks: &[Token], i: usize, len: usize, candidates: &[usize], lex: &Lexicon) -> bool {
    let first = &toks[i];
    if !first.capitalized {
        return false;
    }
    let next = toks.get(i + len).map(|t| t.lower.as_str()).unwrap_or("");
    // Trains, hospitals and people named after places are not the place.
    if matches!(
        next,
        "express"
            | "passenger"
            | "press"
            | "club"
            | "power"
            | "company"
            | "electric"
            | "co"
            | "ltd"
            | "limited"
    ) {
        return false;
    }
    let needs_context = candidates
        .iter()
        .all(|&c| lex.gazetteer.places[c].needs_context);
    if !needs_context {
        return true;
    }
    let prev = i
        .checked_sub(1)
        .map(|p| toks[p].lower.as_str())
        .unwrap_or("");
    PLACE_NOUNS.contains(&next) || PREPOSITIONS.contains(&prev) && next != "of"
}

/// How often each district is named (directly or through a place in it).
fn district_votes(found: &[(PlaceMention, Vec<usize>)], lex: &Lexicon) -> HashMap<String, usize> {
    let mut votes = HashMap::new();
    for (_, cands) in found {
        if let [only] = cands.as_slice() {
            if let Some(d) = &lex.gazetteer.places[*only].admin2 {
                *votes.entry(d.clone()).or_insert(0) += 1;
            }
        }
    }
    votes
}

fn choose(
    cands: &[usize],
    district_word: bool,
    votes: &HashMap<String, usize>,
    lex: &Lexicon,
) -> usize {
    let places = &lex.gazetteer.places;
    let score = |&c: &usize| {
        let p = &places[c];
        let vote = p
            .admin2
            .as_ref()
            .and_then(|d| votes.get(d))
            .copied()
            .unwrap_or(0);
        let kind_pref = match (district_word, p.kind) {
            (true, PlaceKind::District) => 10,
            (_, PlaceKind::Province) => 6,
            (_, PlaceKind::District) => 5,
            (_, PlaceKind::City) => 4,
            (_, PlaceKind::Tehsil) => 3,
            (_, PlaceKind::Town) => 2,
            _ => 1,
        };
        (vote, kind_pref)
    };
    cands.iter().copied().max_by_key(score).unwrap_or(cands[0])
}
