//! The data tally produces: articles' metadata, coded incidents, casualty
//! counts with low/best/high, partial dates and the evidence behind every
//! field. These are plain types shared by every stage (extract, merge, store,
//! CLI); they carry serde derives so that any format can be written at the
//! edges, but nothing here reads or writes files.

use serde::{Deserialize, Serialize};
use std::fmt;

mod date;
pub use date::{days_in_month, IncidentDate, Precision};

/// What the reader knows about one article before extraction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleMeta {
    /// File stem, or the manifest's `article` key.
    pub id: String,
    pub outlet: Option<String>,
    pub url: Option<String>,
    /// Publication date from the manifest (the text's own ` date` line is
    /// read by the extractor and wins only when the manifest has none).
    pub published: Option<IncidentDate>,
    /// Headline, when the source gives one (a saved page, a feed item).
    /// Absent in data written before pages were read, and left out of the
    /// output when unknown so plain-text articles serialise as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// One article to code: metadata plus the text exactly as read from disk.
#[derive(Debug, Clone, Default)]
pub struct Article {
    pub meta: ArticleMeta,
    pub text: String,
}

/// `main` when an article reports the incident as news, `mentioned` when it
/// only recalls it as background.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Main,
    Mentioned,
}

/// Event types of SCHEMA.md, in order of specificity used when reports disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    SuicideBombing,
    Bombing,
    ArmedAssault,
    TargetedKilling,
    Kidnapping,
    SecurityOperation,
    Other,
}

impl EventType {
    pub const ALL: [EventType; 7] = [
        EventType::SuicideBombing,
        EventType::Bombing,
        EventType::ArmedAssault,
        EventType::TargetedKilling,
        EventType::Kidnapping,
        EventType::SecurityOperation,
        EventType::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::SuicideBombing => "suicide_bombing",
            EventType::Bombing => "bombing",
            EventType::ArmedAssault => "armed_assault",
            EventType::TargetedKilling => "targeted_killing",
            EventType::Kidnapping => "kidnapping",
            EventType::SecurityOperation => "security_operation",
            EventType::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Target classes of SCHEMA.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Police,
    Military,
    Paramilitary,
    Civilians,
    Government,
    HealthWorkers,
    Religious,
    Education,
    Infrastructure,
    Militants,
}

impl Target {
    pub const ALL: [Target; 10] = [
        Target::Police,
        Target::Military,
        Target::Paramilitary,
        Target::Civilians,
        Target::Government,
        Target::HealthWorkers,
        Target::Religious,
        Target::Education,
        Target::Infrastructure,
        Target::Militants,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Target::Police => "police",
            Target::Military => "military",
            Target::Paramilitary => "paramilitary",
            Target::Civilians => "civilians",
            Target::Government => "government",
            Target::HealthWorkers => "health_workers",
            Target::Religious => "religious",
            Target::Education => "education",
            Target::Infrastructure => "infrastructure",
            Target::Militants => "militants",
        }
    }

    pub fn parse(s: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Who a casualty figure is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Everyone, attackers included (or a figure whose victims are unspecified).
    Total,
    SecurityForces,
    Civilians,
    Militants,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Total,
        Category::SecurityForces,
        Category::Civilians,
        Category::Militants,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Total => "total",
            Category::SecurityForces => "security_forces",
            Category::Civilians => "civilians",
            Category::Militants => "militants",
        }
    }
}

/// Killed or injured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Killed,
    Injured,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Killed => "killed",
            Outcome::Injured => "injured",
        }
    }
}

/// A count as UCDP codes it: the lowest and highest figure any report
/// supports and the best estimate. `high` is `None` for open-ended figures
/// ("more than 80").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Count {
    pub low: u32,
    pub best: u32,
    pub high: Option<u32>,
}

impl Count {
    pub fn exact(n: u32) -> Count {
        Count {
            low: n,
            best: n,
            high: Some(n),
        }
    }

    /// Widen this count so that it also covers `other`; `best` is left alone.
    pub fn widen(&mut self, other: &Count) {
        self.low = self.low.min(other.low);
        self.high = match (self.high, other.high) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
    }
}

/// Casualties of one outcome (killed or injured) split by category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Casualties {
    pub total: Option<Count>,
    pub security_forces: Option<Count>,
    pub civilians: Option<Count>,
    pub militants: Option<Count>,
}

impl Casualties {
    pub fn get(&self, c: Category) -> Option<Count> {
        match c {
            Category::Total => self.total,
            Category::SecurityForces => self.security_forces,
            Category::Civilians => self.civilians,
            Category::Militants => self.militants,
        }
    }

    pub fn set(&mut self, c: Category, v: Option<Count>) {
        match c {
            Category::Total => self.total = v,
            Category::SecurityForces => self.security_forces = v,
            Category::Civilians => self.civilians = v,
            Category::Militants => self.militants = v,
        }
    }

    pub fn is_empty(&self) -> bool {
        Category::ALL.iter().all(|c| self.get(*c).is_none())
    }

    /// Sum of the best figures of the categories given (security forces,
    /// civilians, militants); `None` when no category is given.
    pub fn split_sum(&self) -> Option<u32> {
        let parts = [
            Category::SecurityForces,
            Category::Civilians,
            Category::Militants,
        ]
        .map(|k| self.get(k).map(|c| c.best));
        parts
            .iter()
            .flatten()
            .copied()
            .reduce(|a, b| a.saturating_add(b))
    }

    /// Best estimate of the whole: the total, else the sum of the categories.
    pub fn best_total(&self) -> Option<u32> {
        self.total.map(|t| t.best).or_else(|| self.split_sum())
    }
}

/// One piece of provenance: a span of an article that supports a field,
/// with the value it states and, when the text says, who said it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Evidence {
    pub article: String,
    /// Offsets in Unicode code points into the article text as read.
    pub start: usize,
    pub end: usize,
    /// `date`, `admin2`, `group`, `killed.security_forces`, ...
    pub field: String,
    /// The value this span states, rendered as text ("2", "81+", "2023-02-17").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Who the text says gave the figure: police, ISPR, hospital, the group...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A coded incident in the format of SCHEMA.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: String,
    pub articles: Vec<String>,
    pub role: Role,
    pub date: Option<IncidentDate>,
    pub country: String,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub place: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub event_type: EventType,
    pub group: Option<String>,
    pub claimed: bool,
    /// A bomb found and defused, or an attack stopped before it began
    /// (SCHEMA: `foiled`, left out of the JSON when false).
    #[serde(default, skip_serializing_if = "is_false")]
    pub foiled: bool,
    pub targets: Vec<Target>,
    pub killed: Casualties,
    pub injured: Casualties,
    pub evidence: Vec<Evidence>,
    /// Analysts' corrections applied on top of what the articles say
    /// (empty for machine-coded incidents, and then left out of the JSON).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<Correction>,
    /// What a reviewer should check, and why (left out of the JSON when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
    /// How likely the incident, and each coded field, is right (calibrated
    /// on the benchmark sets; absent in records coded before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
}

/// One reason to check an incident: a kind (`figures_disagree`,
/// `single_source`, ...), the field it is about (none: the whole incident),
/// a sentence a person understands, and the articles behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Doubt {
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub articles: Vec<String>,
}

/// Probabilities that the incident is a real one (`incident`) and that each
/// scored field (`date`, `group`, `killed.total`, ...) is right.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Confidence {
    pub incident: f64,
    pub fields: std::collections::BTreeMap<String, f64>,
}

impl Confidence {
    /// The expected number of wrong fields: what the review queue ranks by.
    pub fn expected_wrong(&self) -> f64 {
        self.fields.values().map(|p| 1.0 - p).sum()
    }
}

/// One analyst correction: the field set (`group`, `killed.civilians`, ...,
/// or `members` for a split or merge), the value it now has, why, when and
/// who made it (absent when nobody was named, and in records made before
/// corrections carried their author).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub field: String,
    pub value: Option<String>,
    pub note: String,
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

impl Incident {
    pub fn casualties(&self, o: Outcome) -> &Casualties {
        match o {
            Outcome::Killed => &self.killed,
            Outcome::Injured => &self.injured,
        }
    }

    pub fn casualties_mut(&mut self, o: Outcome) -> &mut Casualties {
        match o {
            Outcome::Killed => &mut self.killed,
            Outcome::Injured => &mut self.injured,
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The relevance stage's verdict on one article: is it news of militant
/// violence in Pakistan, how sure the classifier is, and which scope
/// classes fired (`scope.abroad`, `scope.accident`, ...) on the article or
/// on passages that were then not coded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Relevance {
    /// The classifier's probability that the article reports an incident as news.
    pub score: f32,
    /// The decision: incidents are coded as `main` only when true.
    pub news: bool,
    /// Scope classes that fired, in text order, each once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fired: Vec<String>,
    /// Passages that reported violence but were left out, with the class that left them out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped: Vec<DroppedPassage>,
}

/// A passage the relevance stage kept out of the incidents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DroppedPassage {
    /// Code-point offsets of the passage's first sentence.
    pub start: usize,
    pub end: usize,
    /// The scope class that dropped it (`scope.crime`, ...).
    pub class: String,
}

/// A note about something the extractor could not read cleanly. Extraction
/// never fails; it reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub article: String,
    pub message: String,
}

/// Everything tally learned from one article on its own: the input of merging.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleReport {
    pub meta: ArticleMeta,
    /// Publication date used (manifest, else the text's date line).
    pub published: Option<IncidentDate>,
    pub incidents: Vec<Incident>,
    pub diagnostics: Vec<Diagnostic>,
    /// Why the article's incidents are (not) coded (absent in reports stored
    /// before the relevance stage existed).
    #[serde(default)]
    pub relevance: Relevance,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_widen_keeps_open_ends() {
        let mut c = Count::exact(2);
        c.widen(&Count {
            low: 3,
            best: 3,
            high: None,
        });
        assert_eq!(c.low, 2);
        assert_eq!(c.high, None);
        assert_eq!(c.best, 2);
    }

    #[test]
    fn enums_round_trip_their_names() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(t));
        }
        for t in Target::ALL {
            assert_eq!(Target::parse(t.as_str()), Some(t));
        }
        let json = serde_json::to_string(&EventType::SuicideBombing).unwrap();
        assert_eq!(json, "\"suicide_bombing\"");
    }
}
