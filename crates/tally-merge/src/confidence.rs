//! Confidence: how likely an incident, and each field of it, is right.
//!
//! One logistic model per field over the incident's doubts, fitted on the
//! benchmark sets by `scripts/calibrate.py` and kept as data
//! (`data/confidence/weights.tsv`: `field<TAB>feature<TAB>weight`). The
//! features of field `f` are `bias`, `kind:K` for each doubt kind the
//! incident has, `on_field` when a doubt is about `f` itself, and `null`
//! when `f` is not coded (no date, no group, no count, no targets, not
//! claimed, type `other`). The `incident` model reads `mentioned` instead of
//! `null`. Features the file does not weigh count zero. Two rows rescale and
//! set the queue: `@platt scale|shift` (one affine map of every field
//! model's log-odds, fitted after them) and `@review threshold` (the doubt
//! score from which an incident needs review).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;
use tally_model::{Category, Confidence, EventType, Incident, Outcome, Role};

const EMBEDDED_WEIGHTS: &str = include_str!("../../../data/confidence/weights.tsv");

/// The confidence weights compiled in, named as under `data/`.
pub fn embedded_confidence_file() -> (&'static str, &'static str) {
    ("confidence/weights.tsv", EMBEDDED_WEIGHTS)
}

/// The fields given a confidence, in the benchmark's order.
pub const FIELDS: [&str; 16] = [
    "date",
    "admin1",
    "admin2",
    "event_type",
    "group",
    "claimed",
    "targets",
    "foiled",
    "killed.total",
    "killed.security_forces",
    "killed.civilians",
    "killed.militants",
    "injured.total",
    "injured.security_forces",
    "injured.civilians",
    "injured.militants",
];

/// Weights of each field's model: field -> feature -> weight.
#[derive(Debug, Default, Clone)]
pub struct ConfidenceModel {
    weights: HashMap<String, HashMap<String, f64>>,
}

impl ConfidenceModel {
    /// Read `field<TAB>feature<TAB>weight` lines (`#` comments); a bad line is an error naming it.
    pub fn parse(text: &str) -> Result<ConfidenceModel, String> {
        let mut model = ConfidenceModel::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let weight = match cols.as_slice() {
                [_, _, w] => w.trim().parse::<f64>().ok(),
                _ => None,
            };
            let Some(weight) = weight else {
                return Err(format!("confidence weights line {}: {line:?}", n + 1));
            };
            model
                .weights
                .entry(cols[0].to_string())
                .or_default()
                .insert(cols[1].to_string(), weight);
        }
        Ok(model)
    }

    /// The model shipped in the binary (empty, hence 0.5 everywhere, if its file were broken).
    pub fn embedded() -> &'static ConfidenceModel {
        static MODEL: OnceLock<ConfidenceModel> = OnceLock::new();
        MODEL.get_or_init(|| ConfidenceModel::parse(EMBEDDED_WEIGHTS).unwrap_or_default())
    }

    fn setting(&self, group: &str, name: &str, default: f64) -> f64 {
        self.weights
            .get(group)
            .and_then(|w| w.get(name))
            .copied()
            .unwrap_or(default)
    }

    /// The doubt score from which an incident needs review.
    pub fn review_threshold(&self) -> f64 {
        self.setting("@review", "threshold", 1.0)
    }

    fn probability<'f>(&self, field: &str, features: impl Iterator<Item = &'f str>) -> f64 {
        let Some(w) = self.weights.get(field) else {
            return 0.5;
        };
        let mut z: f64 = features.filter_map(|f| w.get(f)).sum();
        if field != "incident" {
            z = self.setting("@platt", "scale", 1.0) * z + self.setting("@platt", "shift", 0.0);
        }
        let p = 1.0 / (1.0 + (-z).exp());
        (p * 1000.0).round() / 1000.0
    }

    /// The confidence of an incident whose `doubts` are already set.
    pub fn estimate(&self, inc: &Incident) -> Confidence {
        let kinds: BTreeSet<&str> = inc.doubts.iter().map(|d| d.kind.as_str()).collect();
        let common: Vec<String> = std::iter::once("bias".to_string())
            .chain(kinds.iter().map(|k| format!("kind:{k}")))
            .collect();
        let common = || common.iter().map(String::as_str);
        let mut fields = BTreeMap::new();
        for field in FIELDS {
            let on_field = inc.doubts.iter().any(|d| d.field.as_deref() == Some(field));
            let extra = [
                on_field.then_some("on_field"),
                (!is_coded(inc, field)).then_some("null"),
            ];
            let p = self.probability(field, common().chain(extra.into_iter().flatten()));
            fields.insert(field.to_string(), p);
        }
        let mentioned = (inc.role == Role::Mentioned).then_some("mentioned");
        Confidence {
            incident: self.probability("incident", common().chain(mentioned)),
            fields,
        }
    }
}

/// The doubt that a background incident may be news: it makes one queueable.
const RECENT_BACKGROUND: &str = "recent_background";

/// How much a reviewer would find wrong: the expected number of wrong fields
/// among the plain fields, the totals and the counts it codes (an uncoded
/// split is not a claim). Background (`mentioned`) incidents score zero (they
/// are not queued) unless dated within a week of their article.
pub fn doubt_score(inc: &Incident) -> f64 {
    let queueable =
        inc.role == Role::Main || inc.doubts.iter().any(|d| d.kind == RECENT_BACKGROUND);
    let Some(conf) = inc.confidence.as_ref().filter(|_| queueable) else {
        return 0.0;
    };
    conf.fields
        .iter()
        .filter(|(f, _)| !f.contains('.') || f.ends_with(".total") || is_coded(inc, f))
        .map(|(_, p)| 1.0 - p)
        .sum()
}

/// Where an incident stands in the review queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReviewStanding {
    /// [`doubt_score`].
    pub doubt: f64,
    /// Doubt times the toll's weight, `1 + log2(1 + killed + injured / 2)`:
    /// of two equally doubtful incidents the deadlier is checked first.
    pub priority: f64,
    /// On the queue: doubt at or over the threshold, and not reviewed since
    /// its last new report.
    pub queued: bool,
}

impl ReviewStanding {
    pub fn of(inc: &Incident) -> ReviewStanding {
        let doubt = doubt_score(inc);
        let toll = |c: &tally_model::Casualties| c.best_total().unwrap_or(0);
        let weight =
            1.0 + (1.0 + f64::from(toll(&inc.killed)) + f64::from(toll(&inc.injured)) / 2.0).log2();
        let threshold = ConfidenceModel::embedded().review_threshold();
        ReviewStanding {
            doubt,
            priority: doubt * weight,
            queued: doubt > 0.0 && doubt >= threshold && !reviewed(inc),
        }
    }
}

/// Whether an analyst marked the incident reviewed with at least the
/// reports it has now (a new report puts it back on the queue).
pub fn reviewed(inc: &Incident) -> bool {
    inc.corrections.iter().any(|c| {
        c.field == REVIEWED
            && c.value
                .as_deref()
                .and_then(|v| v.parse::<usize>().ok())
                .is_some_and(|n| n >= inc.articles.len())
    })
}

/// The correction field that marks an incident reviewed; its value is the
/// number of reports the analyst saw.
pub const REVIEWED: &str = "reviewed";

/// An analyst set `field`: it is now known, so its confidence is 1 and its doubts go.
pub fn settle(inc: &mut Incident, field: &str) {
    if field == REVIEWED {
        return;
    }
    inc.doubts.retain(|d| d.field.as_deref() != Some(field));
    if let Some(conf) = inc.confidence.as_mut() {
        if let Some(p) = conf.fields.get_mut(field) {
            *p = 1.0;
        }
    }
}

/// Whether the incident codes a value for `field` (see the module docs).
pub fn is_coded(inc: &Incident, field: &str) -> bool {
    match field {
        "date" => inc.date.is_some(),
        "admin1" => inc.admin1.is_some(),
        "admin2" => inc.admin2.is_some(),
        "event_type" => inc.event_type != EventType::Other,
        "group" => inc.group.is_some(),
        "claimed" => inc.claimed,
        "targets" => !inc.targets.is_empty(),
        "foiled" => inc.foiled,
        _ => count_of(inc, field).is_some(),
    }
}

fn count_of(inc: &Incident, field: &str) -> Option<tally_model::Count> {
    let (outcome, category) = field.split_once('.')?;
    let outcome = match outcome {
        "killed" => Outcome::Killed,
        "injured" => Outcome::Injured,
        _ => return None,
    };
    let category = Category::ALL.into_iter().find(|c| c.as_str() == category)?;
    inc.casualties(outcome).get(category)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_parse_and_unknown_features_count_zero() {
        let m = ConfidenceModel::parse("# c\ndate\tbias\t2\ndate\tnull\t-4\n").unwrap();
        let p = m.probability("date", ["bias", "kind:x"].into_iter());
        assert!((p - 0.881).abs() < 1e-9);
        assert_eq!(m.probability("date", ["bias", "null"].into_iter()), 0.119);
        assert_eq!(m.probability("group", ["bias"].into_iter()), 0.5);
        assert!(ConfidenceModel::parse("date\tbias\n").is_err());
        assert!(ConfidenceModel::parse("date\tbias\tx\n").is_err());
    }

    #[test]
    fn the_embedded_weights_parse() {
        assert!(ConfidenceModel::parse(EMBEDDED_WEIGHTS).is_ok());
    }
}
