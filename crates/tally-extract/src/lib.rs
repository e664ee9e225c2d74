//! tally's extractor: reads one article and codes every incident in it.
//!
//! Like a spaCy pipeline, one [`Document`] carries the text and the
//! annotation layers; each stage adds a layer and later stages read them:
//!
//! 1. `clean`: publication-date line, boilerplate, datelines, sentences, tokens
//! 2. `numbers`: figures with qualifiers and ranges
//! 3. `dates`: date expressions resolved against the publication date
//! 4. `places`: gazetteer places
//! 5. `cues`: event and target cues, discourse markers, armed groups
//! 6. `casualties`: figures bound to killed / injured, by category
//! 7. `relevance`: is the article news of militant violence in Pakistan
//!    (a trained classifier)? Then, after `segment`, each passage by scope rules
//! 8. `segment`: sentences grouped into incidents (main, mentioned)
//! 9. `assemble`: one coded incident per kept segment, with evidence
//!
//! Extraction never fails: any input gives a report, possibly empty, with
//! diagnostics. This crate knows nothing about files, JSON or storage.

mod assemble;
mod casualties;
mod clean;
mod cues;
mod dates;
pub mod document;
mod numbers;
mod places;
pub mod relevance;
mod segment;

pub use document::Document;

use tally_lexicon::Lexicon;
use tally_model::{Article, ArticleReport, Diagnostic, Incident, Relevance};

/// Articles longer than this are cut for extraction (no news story is this
/// long; a huge file is a scrape gone wrong) and a diagnostic says so.
pub const MAX_EXTRACT_BYTES: usize = 1 << 20;

/// Run the pipeline over one article.
pub fn extract(article: &Article, lex: &Lexicon) -> ArticleReport {
    let mut diagnostics = Vec::new();
    let mut text = article.text.as_str();
    if text.len() > MAX_EXTRACT_BYTES {
        let mut cut = MAX_EXTRACT_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text = &text[..cut];
        diagnostics.push(Diagnostic {
            article: article.meta.id.clone(),
            message: format!(
                "article is {} bytes; only the first {} were read for incidents",
                article.text.len(),
                MAX_EXTRACT_BYTES
            ),
        });
    }
    let mut doc = Document {
        id: article.meta.id.clone(),
        text,
        published: article.meta.published,
        ..Default::default()
    };
    annotate(&mut doc, lex);
    let (segments, roles) = segment::run(&doc, lex);
    // An article that tells no incident at all needs no classifier score.
    let mut relevance = if segments.is_empty() {
        relevance::article_without_incidents(&doc, lex)
    } else {
        relevance::article(&doc, lex)
    };
    let segments = assemble::fold(&doc, lex, &segments);
    let verdicts = relevance::passages(&doc, lex, &segments, &roles, &mut relevance);
    let mut incidents = assemble::build_all(&doc, lex, &segments, &roles, &verdicts);
    to_code_points(text, &mut incidents, &mut relevance);
    for (i, inc) in incidents.iter_mut().enumerate() {
        inc.id = format!("{}#{}", article.meta.id, i + 1);
    }
    if doc.sentences.is_empty() {
        diagnostics.push(Diagnostic {
            article: article.meta.id.clone(),
            message: "no article text found (empty or only boilerplate)".into(),
        });
    }
    diagnostics.extend(doc.diagnostics.iter().map(|m| Diagnostic {
        article: article.meta.id.clone(),
        message: m.clone(),
    }));
    ArticleReport {
        meta: article.meta.clone(),
        published: doc.published,
        incidents,
        diagnostics,
        relevance,
    }
}

/// The relevance classifier's features of one article, by name (for
/// training and for explaining a score).
pub fn relevance_features(article: &Article, lex: &Lexicon) -> Vec<(String, f32)> {
    let mut doc = Document {
        id: article.meta.id.clone(),
        text: &article.text,
        published: article.meta.published,
        ..Default::default()
    };
    annotate(&mut doc, lex);
    let mut sink = relevance::features::NameSink::default();
    relevance::features::visit(&doc, lex, &mut sink);
    sink.dedup();
    sink.features
}

/// A readable dump of the layers and the segmentation, for developers
/// tuning lexicons (`tally extract --debug`).
pub fn debug_dump(article: &Article, lex: &Lexicon) -> String {
    use std::fmt::Write;
    let mut doc = Document {
        id: article.meta.id.clone(),
        text: &article.text,
        published: article.meta.published,
        ..Default::default()
    };
    annotate(&mut doc, lex);
    let mut relevance = relevance::article(&doc, lex);
    let (segments, roles) = segment::run(&doc, lex);
    let folded = assemble::fold(&doc, lex, &segments);
    let verdicts = relevance::passages(&doc, lex, &folded, &roles, &mut relevance);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "== {} published {:?}",
        doc.id,
        doc.published.map(|d| d.to_string())
    );
    for (si, s) in doc.sentences.iter().enumerate() {
        let role = match roles[si] {
            segment::SentenceRole::Summary => "SUM".to_string(),
            segment::SentenceRole::Incident(k) => format!(
                "{}{}",
                if segments[k].role == tally_model::Role::Main {
                    "M"
                } else {
                    "m"
                },
                k
            ),
            segment::SentenceRole::Other => "-".to_string(),
        };
        let _ = writeln!(
            out,
            "[{si:2} {role:>4}{}] {}",
            if s.headline { " H" } else { "" },
            doc.sentence_text(si)
        );
        for c in doc.casualties_in(si) {
            let _ = writeln!(
                out,
                "        fig {:?} {:?} {:?}{}{}",
                c.outcome,
                c.category,
                (c.count.low, c.count.best, c.count.high),
                if c.subset { " subset" } else { "" },
                if c.update { " update" } else { "" }
            );
        }
        for p in doc.places_in(si) {
            let pl = &lex.gazetteer.places[p.place];
            let _ = writeln!(
                out,
                "        place {} ({:?}, {:?}){}",
                pl.name,
                pl.kind,
                pl.admin2,
                if p.weak { " weak" } else { "" }
            );
        }
        for d in doc.dates_in(si) {
            let _ = writeln!(
                out,
                "        date {:?} {:?}{}",
                d.date.map(|x| x.to_string()),
                d.kind,
                if d.reporting { " reporting" } else { "" }
            );
        }
        for g in doc.groups_in(si) {
            let _ = writeln!(out, "        group {}", lex.groups[g.group].name);
        }
        let c = &doc.cues[si];
        let _ = writeln!(
            out,
            "        cues {:?} new={} bg={} sum={} claim={} neg={} attr={} in={} scope={:?} ev={} flags={}{}{}{}{} targets={:?}",
            c.event_scores,
            c.new_incident,
            c.background,
            c.summary,
            c.claim,
            c.claim_negated,
            c.attribution,
            c.in_scope,
            c.scope.iter().map(|x| x.id()).collect::<Vec<_>>(),
            c.eventful,
            if c.violence { "V" } else { "" },
            if c.happened { "H" } else { "" },
            if c.clash { "C" } else { "" },
            if c.protected { "P" } else { "" },
            if c.shooting { "S" } else { "" },
            c.targets
        );
    }
    let _ = writeln!(
        out,
        "relevance score {:.3} news {} fired {:?}",
        relevance.score, relevance.news, relevance.fired
    );
    for (seg, v) in folded.iter().zip(&verdicts) {
        let _ = writeln!(
            out,
            "segment {:?} anchor {} sentences {:?} district {:?} date {:?}: {:?}",
            seg.role,
            seg.anchor,
            seg.sentences,
            seg.district,
            seg.date.map(|d| d.to_string()),
            v
        );
    }
    out
}

/// Run every annotation stage (exposed for tools that inspect the layers).
pub fn annotate(doc: &mut Document, lex: &Lexicon) {
    clean::run(doc, lex);
    numbers::run(doc, lex);
    dates::run(doc, lex);
    places::run(doc, lex);
    cues::run(doc, lex);
    casualties::run(doc, lex);
}

/// Evidence is computed in byte offsets; SCHEMA wants code points.
fn to_code_points(text: &str, incidents: &mut [Incident], relevance: &mut Relevance) {
    if text.is_ascii() {
        return;
    }
    let mut offsets: Vec<(usize, usize)> = Vec::new();
    for inc in incidents.iter() {
        for e in &inc.evidence {
            offsets.push((e.start, 0));
            offsets.push((e.end, 0));
        }
    }
    for d in &relevance.dropped {
        offsets.push((d.start, 0));
        offsets.push((d.end, 0));
    }
    offsets.sort_unstable();
    offsets.dedup();
    let mut chars = 0;
    let mut byte = 0;
    for o in offsets.iter_mut() {
        chars += text.get(byte..o.0).map(|s| s.chars().count()).unwrap_or(0);
        byte = o.0;
        o.1 = chars;
    }
    let lookup = |b: usize| {
        offsets
            .binary_search_by_key(&b, |o| o.0)
            .map(|i| offsets[i].1)
            .unwrap_or(b)
    };
    for inc in incidents.iter_mut() {
        for e in inc.evidence.iter_mut() {
            e.start = lookup(e.start);
            e.end = lookup(e.end);
        }
    }
    for d in relevance.dropped.iter_mut() {
        d.start = lookup(d.start);
        d.end = lookup(d.end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tally_model::{ArticleMeta, IncidentDate};

    #[test]
    fn empty_and_odd_input_gives_an_empty_report() {
        let Ok(lex) = Lexicon::try_embedded() else {
            panic!("embedded data broken")
        };
        for text in ["", "   \n\n", "\u{0}\u{1}binary", "Share.\nLeave a Reply"] {
            let a = Article {
                meta: ArticleMeta {
                    id: "x".into(),
                    ..Default::default()
                },
                text: text.into(),
            };
            let r = extract(&a, lex);
            assert!(r.incidents.is_empty());
        }
    }

    fn coded(text: &str, published: IncidentDate) -> Vec<tally_model::Incident> {
        let Ok(lex) = Lexicon::try_embedded() else {
            panic!("embedded data broken")
        };
        let a = Article {
            meta: ArticleMeta {
                id: "x".into(),
                published: Some(published),
                ..Default::default()
            },
            text: text.into(),
        };
        extract(&a, lex).incidents
    }

    #[test]
    fn a_follow_up_story_reports_the_attack_it_recalls() {
        // Written for this test: an arrests story weeks after a bombing.
        let text = "Police on Friday arrested three men suspected of helping the bomber in \
            the Kohat attack, officials said.\n\nOn May 2, a suicide bomber blew himself up \
            outside a police station in Kohat, killing seven policemen and wounding 11 people.";
        let incidents = coded(text, IncidentDate::day(2025, 5, 24));
        assert_eq!(incidents.len(), 1, "{incidents:?}");
        let inc = &incidents[0];
        assert_eq!(inc.role, tally_model::Role::Main);
        assert_eq!(inc.date, Some(IncidentDate::day(2025, 5, 2)));
        assert_eq!(inc.admin2.as_deref(), Some("Kohat"));
    }

    #[test]
    fn a_fresh_report_keeps_its_own_day_beside_an_older_attack() {
        // Written for this test: no reference back, so two incidents.
        let text = "A roadside bomb killed two soldiers in Kohat on Friday, the military said.\n\n\
            On May 2, a suicide bomber blew himself up outside a police station in Kohat, \
            killing seven policemen.";
        let incidents = coded(text, IncidentDate::day(2025, 5, 24));
        let main: Vec<_> = incidents
            .iter()
            .filter(|i| i.role == tally_model::Role::Main)
            .collect();
        assert_eq!(main.len(), 1, "{incidents:?}");
        assert_eq!(main[0].date, Some(IncidentDate::day(2025, 5, 23)));
    }

    #[test]
    fn evidence_offsets_are_code_points() {
        let Ok(lex) = Lexicon::try_embedded() else {
            panic!("embedded data broken")
        };
        let text = "Militants’ attack: “Two policemen were killed” when militants attacked a police post in Karak, police said.";
        let a = Article {
            meta: ArticleMeta {
                id: "x".into(),
                ..Default::default()
            },
            text: text.into(),
        };
        let r = extract(&a, lex);
        let chars: Vec<char> = text.chars().collect();
        for inc in &r.incidents {
            for e in &inc.evidence {
                assert!(e.end <= chars.len());
            }
        }
    }
}
