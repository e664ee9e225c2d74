//! The article classifier's features, named so that a data file can carry
//! their weights: word presence in the article (`w:`) and in its lead
//! (`l:`, headline and first two sentences), adjacent word pairs (`b:`),
//! counts of scope cues (`k:`) and a few counts read off earlier layers
//! (`s:`). Counts enter as ln(1 + n) so that a long article does not
//! outvote a short one.
//!
//! One function names every feature; a [`Sink`] decides what to do with the
//! name: hash it for scoring, or spell it out for training.

use crate::document::{DateKind, Document};
use tally_lexicon::{FeatureHash, Lexicon, LinearModel, PlaceKind, ScopeClass, TokenKind};

/// Receives features as name parts ("b:", "security", " ", "forces") and a value.
pub trait Sink {
    fn add(&mut self, parts: &[&str], value: f32);
}

/// Sentences of the lead: headlines plus the first two body sentences.
const LEAD_BODY_SENTENCES: usize = 2;
/// Days before publication within which a dated event is fresh news.
pub const FRESH_DAYS: i64 = 3;
/// Days before publication beyond which a dated event is background.
pub const OLD_DAYS: i64 = 14;

pub fn visit(doc: &Document, lex: &Lexicon, sink: &mut impl Sink) {
    words(doc, sink);
    scope_counts(doc, sink);
    structure(doc, lex, sink);
}

fn is_feature_word(lower: &str) -> bool {
    lower.len() >= 2 && lower.chars().all(|c| c.is_alphabetic() || c == '-')
}

fn words(doc: &Document, sink: &mut impl Sink) {
    let mut body_seen = 0;
    for (si, s) in doc.sentences.iter().enumerate() {
        let lead = s.headline || body_seen < LEAD_BODY_SENTENCES;
        if !s.headline {
            body_seen += 1;
        }
        let toks = doc.sentence_tokens(si);
        let mut prev: Option<&str> = None;
        for t in toks {
            if t.kind != TokenKind::Word || !is_feature_word(&t.lower) {
                prev = if t.kind == TokenKind::Number {
                    Some("#")
                } else {
                    None
                };
                continue;
            }
            sink.add(&["w:", &t.lower], 1.0);
            if lead {
                sink.add(&["l:", &t.lower], 1.0);
            }
            if let Some(p) = prev {
                sink.add(&["b:", p, " ", &t.lower], 1.0);
            }
            prev = Some(&t.lower);
        }
    }
}

fn ln1p(n: usize) -> f32 {
    (n as f32).ln_1p()
}

fn scope_counts(doc: &Document, sink: &mut impl Sink) {
    let mut counts = [0usize; ScopeClass::ALL.len()];
    let (mut militancy, mut violence, mut happened) = (0, 0, 0);
    for c in &doc.cues {
        for class in &c.scope {
            if let Some(i) = ScopeClass::ALL.iter().position(|x| x == class) {
                counts[i] += 1;
            }
        }
        militancy += usize::from(c.in_scope);
        violence += usize::from(c.violence);
        happened += usize::from(c.happened);
    }
    for (class, n) in ScopeClass::ALL.iter().zip(counts) {
        if n > 0 {
            sink.add(&["k:", class.id()], ln1p(n));
        }
    }
    for (name, n) in [
        ("k:militancy", militancy),
        ("k:violence", violence),
        ("k:happened", happened),
    ] {
        if n > 0 {
            sink.add(&[name], ln1p(n));
        }
    }
}

fn structure(doc: &Document, lex: &Lexicon, sink: &mut impl Sink) {
    let lead_end = lead_end(doc);
    let casualties = doc.casualties.len();
    let lead_casualties = doc.casualties.iter().any(|c| c.sentence < lead_end);
    let places = doc
        .places
        .iter()
        .filter(|p| !p.weak)
        .filter(|p| {
            lex.gazetteer
                .places
                .get(p.place)
                .is_some_and(|pl| pl.kind >= PlaceKind::District)
        })
        .count();
    let foreign = doc.cues.iter().filter(|c| c.foreign).count();
    let lead_foreign = doc.cues.iter().take(lead_end).any(|c| c.foreign);
    let (mut fresh, mut old) = (0, 0);
    if let Some(p) = doc.published {
        for d in doc.dates.iter().filter(|d| !d.reporting) {
            let Some(date) = d.date else { continue };
            let age = p.ordinal() - date.ordinal();
            if d.kind != DateKind::Vague && (0..=FRESH_DAYS).contains(&age) {
                fresh += 1;
            } else if age > OLD_DAYS {
                old += 1;
            }
        }
    }
    for (name, v) in [
        ("s:casualties", ln1p(casualties)),
        ("s:lead_casualties", f32::from(u8::from(lead_casualties))),
        ("s:places", ln1p(places)),
        ("s:foreign", ln1p(foreign)),
        ("s:lead_foreign", f32::from(u8::from(lead_foreign))),
        ("s:groups", ln1p(doc.groups.len())),
        ("s:fresh_dates", ln1p(fresh)),
        ("s:old_dates", ln1p(old)),
        ("s:sentences", ln1p(doc.sentences.len())),
    ] {
        if v > 0.0 {
            sink.add(&[name], v);
        }
    }
}

/// Index of the first sentence after the lead.
pub fn lead_end(doc: &Document) -> usize {
    let mut body = 0;
    for (si, s) in doc.sentences.iter().enumerate() {
        if !s.headline {
            body += 1;
            if body == LEAD_BODY_SENTENCES {
                return si + 1;
            }
        }
    }
    doc.sentences.len()
}

/// Scores as it goes: hashes each feature and keeps those the model
/// weighs (a feature it does not weigh adds nothing to the score: most of
/// an article's words).
pub struct WeightSink<'m> {
    model: &'m LinearModel,
    /// (feature hash, value, weight).
    features: Vec<(u64, f32, f32)>,
}

impl<'m> WeightSink<'m> {
    pub fn new(model: &'m LinearModel) -> Self {
        WeightSink {
            model,
            features: Vec::new(),
        }
    }

    /// The features' weighted sum, each feature once: repeated words are
    /// presence, not counts (a repeated feature counts with its largest
    /// value), added in the order of their hashes.
    pub fn dot(mut self) -> f32 {
        self.features
            .sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        self.features.dedup_by_key(|f| f.0);
        self.features.iter().map(|&(_, v, w)| w * v).sum()
    }
}

impl Sink for WeightSink<'_> {
    fn add(&mut self, parts: &[&str], value: f32) {
        let h = parts
            .iter()
            .fold(FeatureHash::new(), |h, p| h.str(p))
            .finish();
        let w = self.model.weight(h);
        if w != 0.0 {
            self.features.push((h, value, w));
        }
    }
}

/// Spells features out, for training and for `explain`.
#[derive(Default)]
pub struct NameSink {
    pub features: Vec<(String, f32)>,
}

impl Sink for NameSink {
    fn add(&mut self, parts: &[&str], value: f32) {
        self.features.push((parts.concat(), value));
    }
}

impl NameSink {
    pub fn dedup(&mut self) {
        self.features
            .sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        self.features.dedup_by(|a, b| a.0 == b.0);
    }
}
