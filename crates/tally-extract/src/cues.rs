//! Stage: cues and actors. For every sentence: event-type cues, target cues,
//! discourse markers (new incident, background, summary, claims, scope), and
//! mentions of armed groups.

use crate::document::{Document, GroupMention, SentenceCues};
use tally_lexicon::{Lexicon, Marker};

/// Words that report violence happening (beyond the casualty verbs).
fn is_eventful_word(w: &str) -> bool {
    matches!(
        w,
        "attack"
            | "attacked"
            | "attacks"
            | "blast"
            | "explosion"
            | "bombing"
            | "bomb"
            | "stormed"
            | "ambushed"
            | "ambush"
            | "opened"
            | "fired"
            | "operation"
            | "ibo"
            | "clash"
            | "clashes"
            | "shootout"
            | "firefight"
            | "gunbattle"
            | "raid"
            | "raids"
            | "struck"
            | "exploded"
            | "detonated"
            | "kidnapped"
            | "abducted"
            | "targeted"
            | "assault"
            | "encounter"
            | "martyred"
            | "killed"
            | "shot"
            | "gunned"
            | "neutralised"
            | "neutralized"
            | "injured"
            | "wounded"
            | "dead"
            | "died"
            | "blew"
            | "exchange"
            | "storm"
            | "foiled"
            | "repulsed"
            | "repelled"
            | "beaten"
    )
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
            if !c.targets.contains(m.value) {
                c.targets.push(*m.value);
            }
        }
        for i in 0..toks.len() {
            for m in lex.markers.matches_at(toks, i) {
                match m.value {
                    Marker::NewIncident => c.new_incident |= i < 4 || m.len > 1,
                    Marker::Shift => c.shift |= i < 4 || m.len > 1,
                    Marker::Background => {
                        c.background = true;
                        c.background_at.get_or_insert(tok_start + i);
                    }
                    Marker::Summary => c.summary = true,
                    Marker::Claim => c.claim = true,
                    Marker::ClaimNegation => c.claim_negated = true,
                    Marker::Attribution => c.attribution = true,
                    Marker::OutOfScope => c.out_of_scope = true,
                    Marker::InScope => c.in_scope = true,
                    Marker::Report => {}
                }
            }
        }
        c.foreign = toks
            .iter()
            .enumerate()
            .any(|(i, t)| t.capitalized && lex.foreign_places.match_at(toks, i).is_some());
        c.eventful = toks.iter().any(|t| is_eventful_word(&t.lower));
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
