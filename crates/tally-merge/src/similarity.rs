//! What merging reads of a report: its `Profile` (district, locality, days,
//! types, groups, toll, role), and whether two locality names are one
//! place. `linkage.rs` compares profiles.

use serde::{Deserialize, Serialize};
use tally_model::{EventType, Incident, IncidentDate, Precision, Role};

/// What a report, or an incident built so far, says that matters for matching.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    /// The place (or landmark), lowercased without punctuation.
    pub place: Option<String>,
    pub dates: Vec<IncidentDate>,
    pub types: Vec<EventType>,
    pub groups: Vec<String>,
    pub killed: Vec<u32>,
    pub role: Role,
    /// The date is the publication day, not a date the text gives.
    pub date_assumed: bool,
}

impl Profile {
    /// The profile of one report; `published` is its article's publication day.
    pub fn of(i: &Incident, published: Option<IncidentDate>) -> Profile {
        // An undated main report happened on, or shortly before, the day it
        // was published: that bounds which incidents it may join.
        let assumed_day = published.filter(|p| {
            i.date.is_none() && i.role == Role::Main && p.precision() == Precision::Day
        });
        let stated_by_text = i.evidence.iter().any(|e| e.field == "date");
        Profile {
            admin1: i.admin1.clone(),
            admin2: i.admin2.clone(),
            // A landmark the extractor kept out of `place` still tells reports apart.
            place: i
                .place
                .as_deref()
                .or_else(|| {
                    i.evidence
                        .iter()
                        .find(|e| e.field == "place")
                        .and_then(|e| e.value.as_deref())
                })
                .map(squash),
            dates: i.date.or(assumed_day).into_iter().collect(),
            types: vec![i.event_type],
            groups: i.group.iter().cloned().collect(),
            killed: i.killed.total.map(|c| c.best).into_iter().collect(),
            role: i.role,
            date_assumed: (i.date.is_some() && !stated_by_text) || assumed_day.is_some(),
        }
    }

    /// The first day-precise date, as an ordinal.
    pub fn day(&self) -> Option<i64> {
        self.dates
            .iter()
            .find(|d| d.precision() == Precision::Day)
            .map(|d| d.ordinal())
    }

    pub fn absorb(&mut self, o: &Profile) {
        if self.admin2.is_none() {
            self.admin2.clone_from(&o.admin2);
        }
        if self.admin1.is_none() {
            self.admin1.clone_from(&o.admin1);
        }
        if self.place.is_none() {
            self.place.clone_from(&o.place);
        }
        // An incident keeps the day it was first dated: absorbing every
        // report's day would let a chain of reports drift across the calendar.
        if self.day().is_none() {
            for d in &o.dates {
                if !self.dates.contains(d) {
                    self.dates.push(*d);
                }
            }
        }
        for t in &o.types {
            if !self.types.contains(t) {
                self.types.push(*t);
            }
        }
        for g in &o.groups {
            if !self.groups.contains(g) {
                self.groups.push(g.clone());
            }
        }
        self.killed.extend(&o.killed);
        if o.role == Role::Main {
            self.role = Role::Main;
        }
        self.date_assumed &= o.date_assumed;
    }
}

pub(crate) fn compatible_types(a: EventType, b: EventType) -> bool {
    use EventType::*;
    a == b
        || matches!(
            (a.min(b), a.max(b)),
            (SuicideBombing, Bombing)
                | (SuicideBombing, ArmedAssault)
                | (ArmedAssault, TargetedKilling)
                | (Bombing, ArmedAssault)
        )
        || a == Other
        || b == Other
}

/// One name in two spellings: "Mir Ali"/"Mirali", "Bisham"/"Besham"
/// (transliterations differ mostly in vowels and doubled letters).
pub(crate) fn same_place(a: &str, b: &str) -> bool {
    if a.contains(b) || b.contains(a) {
        return true;
    }
    let (sa, sb) = (skeleton(a), skeleton(b));
    sa.len() >= 3 && sa == sb
}

/// Consonants only, doubled letters once.
fn skeleton(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().filter(|c| !"aeiouy".contains(*c)) {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}
