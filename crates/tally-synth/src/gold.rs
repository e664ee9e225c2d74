//! Gold incidents: what the generated texts state, accumulated report by
//! report, and written in the benchmark's gold format.

use serde::Serialize;

/// Target classes, in the order of SCHEMA.md.
pub const TARGETS: [&str; 10] = [
    "police",
    "military",
    "paramilitary",
    "civilians",
    "government",
    "health_workers",
    "religious",
    "education",
    "infrastructure",
    "militants",
];

pub const EVENT_TYPES: [&str; 7] = [
    "armed_assault",
    "bombing",
    "suicide_bombing",
    "targeted_killing",
    "kidnapping",
    "security_operation",
    "other",
];

pub const ADMIN1: [&str; 7] = [
    "Khyber Pakhtunkhwa",
    "Balochistan",
    "Sindh",
    "Punjab",
    "Islamabad Capital Territory",
    "Gilgit-Baltistan",
    "Azad Kashmir",
];

/// Casualty categories, in the order of SCHEMA.md.
pub const TOTAL: usize = 0;
pub const SF: usize = 1;
pub const CIV: usize = 2;
pub const MIL: usize = 3;

/// A count range `[low, high]`; `high` is `None` when open-ended.
pub type Range = (u32, Option<u32>);

/// The figures stated for one category across reports.
#[derive(Debug, Clone, Copy, Default)]
pub struct Acc {
    low: Option<u32>,
    max_finite: Option<u32>,
    max_open_low: Option<u32>,
}

impl Acc {
    /// Records a statement: exact (`hi == Some(lo)`), a span, or open-ended.
    pub fn add(&mut self, lo: u32, hi: Option<u32>) {
        self.low = Some(self.low.map_or(lo, |l| l.min(lo)));
        match hi {
            Some(h) => self.max_finite = Some(self.max_finite.map_or(h, |m| m.max(h))),
            None => self.max_open_low = Some(self.max_open_low.map_or(lo, |m| m.max(lo))),
        }
    }

    pub fn exact(&mut self, n: u32) {
        self.add(n, Some(n));
    }

    /// Low is the smallest figure stated; high the largest, open only when
    /// every statement was open-ended.
    pub fn range(&self) -> Option<Range> {
        let low = self.low?;
        let high = self
            .max_finite
            .map(|h| h.max(self.max_open_low.unwrap_or(0)));
        Some((low, high))
    }
}

/// A gold incident being built.
#[derive(Debug, Clone)]
pub struct GoldAcc {
    pub articles: Vec<String>,
    pub main: bool,
    pub date: Option<String>,
    pub admin1: String,
    pub admin2: String,
    pub place: String,
    pub event_type: &'static str,
    pub group: Option<&'static str>,
    pub claimed: bool,
    pub targets: u16,
    pub killed: [Acc; 4],
    pub injured: [Acc; 4],
    pub notes: Vec<String>,
}

impl GoldAcc {
    pub fn new(main: bool, event_type: &'static str, place: &crate::data::Place) -> GoldAcc {
        GoldAcc {
            articles: Vec::new(),
            main,
            date: None,
            admin1: place.province.clone(),
            admin2: place.district.clone(),
            place: place.name.clone(),
            event_type,
            group: None,
            claimed: false,
            targets: 0,
            killed: [Acc::default(); 4],
            injured: [Acc::default(); 4],
            notes: Vec::new(),
        }
    }

    pub fn add_article(&mut self, id: &str) {
        if !self.articles.iter().any(|a| a == id) {
            self.articles.push(id.to_string());
        }
    }

    pub fn target(&mut self, name: &str) {
        if let Some(i) = TARGETS.iter().position(|t| *t == name) {
            self.targets |= 1 << i;
        }
    }

    pub fn note(&mut self, s: String) {
        if self.notes.len() < 12 {
            self.notes.push(s);
        }
    }

    pub fn finish(&self) -> GoldIncident {
        let counts = |a: &[Acc; 4]| GoldCounts {
            total: a[TOTAL].range(),
            security_forces: a[SF].range(),
            civilians: a[CIV].range(),
            militants: a[MIL].range(),
        };
        GoldIncident {
            articles: self.articles.clone(),
            role: if self.main { "main" } else { "mentioned" }.to_string(),
            date: self.date.clone(),
            country: "Pakistan".to_string(),
            admin1: Some(self.admin1.clone()),
            admin2: Some(self.admin2.clone()),
            place: Some(self.place.clone()),
            event_type: self.event_type.to_string(),
            group: self.group.map(str::to_string),
            claimed: self.claimed,
            targets: TARGETS
                .iter()
                .enumerate()
                .filter(|(i, _)| self.targets & (1 << i) != 0)
                .map(|(_, t)| t.to_string())
                .collect(),
            killed: counts(&self.killed),
            injured: counts(&self.injured),
            notes: self.notes.join(" | "),
        }
    }
}

/// Counts by category, each `[low, high]` or `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoldCounts {
    pub total: Option<Range>,
    pub security_forces: Option<Range>,
    pub civilians: Option<Range>,
    pub militants: Option<Range>,
}

impl GoldCounts {
    pub fn all(&self) -> [Option<Range>; 4] {
        [
            self.total,
            self.security_forces,
            self.civilians,
            self.militants,
        ]
    }
}

/// One line of `gold.jsonl`, in the format of SCHEMA.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoldIncident {
    pub articles: Vec<String>,
    pub role: String,
    pub date: Option<String>,
    pub country: String,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub place: Option<String>,
    pub event_type: String,
    pub group: Option<String>,
    pub claimed: bool,
    pub targets: Vec<String>,
    pub killed: GoldCounts,
    pub injured: GoldCounts,
    pub notes: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_span_statements() {
        let mut a = Acc::default();
        assert_eq!(a.range(), None);
        a.exact(3);
        a.add(3, Some(8));
        assert_eq!(a.range(), Some((3, Some(8))));
        let mut o = Acc::default();
        o.add(11, None);
        assert_eq!(o.range(), Some((11, None)));
        o.exact(9);
        assert_eq!(o.range(), Some((9, Some(11))));
    }
}
