//! Would a human coder call these the same incident? Hard vetoes (different
//! districts, dates too far apart, an operation versus an attack, two named
//! localities) and soft evidence (same day, locality, type, group, figures
//! that fit) scored against a threshold.

use crate::DATE_WINDOW_DAYS;
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

fn compatible_types(a: EventType, b: EventType) -> bool {
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

/// How well two dates agree: None = incompatible.
fn date_score(a: &[IncidentDate], b: &[IncidentDate]) -> Option<i32> {
    if a.is_empty() || b.is_empty() {
        return Some(0);
    }
    let mut best = None;
    for x in a {
        for y in b {
            let s = match (x.precision(), y.precision()) {
                (Precision::Day, Precision::Day) => match (x.ordinal() - y.ordinal()).abs() {
                    0 => Some(2),
                    1 => Some(1),
                    // Two stated days apart: usually two incidents, unless
                    // the rest agrees (figures, locality, group).
                    d if d <= DATE_WINDOW_DAYS => Some(-1),
                    _ => None,
                },
                (Precision::Year, _) | (_, Precision::Year) => (x.year == y.year).then_some(0),
                _ => (x.year == y.year && x.month == y.month).then_some(0),
            };
            best = best.max(s);
        }
    }
    best
}

fn assumed_date_score(p: &Profile, c: &Profile) -> Option<i32> {
    let (Some(a), Some(b)) = (p.day(), c.day()) else {
        return Some(0);
    };
    let (assumed, stated) = if p.date_assumed { (a, b) } else { (b, a) };
    (0..=7).contains(&(assumed - stated)).then_some(0)
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

/// Similarity of a report to an incident; None when they cannot be the same.
pub fn score(p: &Profile, c: &Profile) -> Option<i32> {
    let mut s = 0;
    match (&p.admin2, &c.admin2) {
        (Some(a), Some(b)) if a != b => return None,
        (Some(_), Some(_)) => s += 2,
        _ => match (&p.admin1, &c.admin1) {
            (Some(a), Some(b)) if a != b => return None,
            (Some(_), Some(_)) => s += 0,
            _ => s -= 1,
        },
    }
    if let (Some(a), Some(b)) = (&p.place, &c.place) {
        {
            if same_place(a, b) {
                s += 2;
            } else {
                // Two named localities: usually two incidents ("Mir Ali" and
                // "Spinwam"), but outlets also name a place differently.
                s -= 4;
            }
        }
    }
    s += if p.date_assumed || c.date_assumed {
        // A publication day: the event was that day or up to a week before.
        assumed_date_score(p, c)?
    } else {
        date_score(&p.dates, &c.dates)?
    };
    let op = |t: &[EventType]| t.contains(&EventType::SecurityOperation);
    if op(&p.types) != op(&c.types)
        && !(p.types.contains(&EventType::Other) || c.types.contains(&EventType::Other))
    {
        return None;
    }
    if p.types.iter().any(|a| c.types.contains(a)) {
        s += 1;
    } else if p
        .types
        .iter()
        .any(|a| c.types.iter().any(|b| compatible_types(*a, *b)))
    {
        // Outlets do call one blast a bombing and a suicide attack, but two
        // different types on the same day are more often two incidents.
        s -= 1;
    } else {
        s -= 3;
    }
    if !p.groups.is_empty() && p.groups.iter().any(|g| c.groups.contains(g)) {
        s += 1;
    }
    if let (Some(&k), false) = (p.killed.first(), c.killed.is_empty()) {
        let fits = c.killed.iter().any(|&x| {
            let (lo, hi) = (k.min(x), k.max(x));
            hi <= lo * 2 + 3
        });
        s += if fits { 1 } else { -2 };
    }
    if p.dates.is_empty() || c.dates.is_empty() {
        // Without a date, a district alone is too weak: want type or figures too.
        s -= 1;
    }
    // "Last year's attack in Bajaur" fits every Bajaur attack of that year:
    // without a day on both sides, only a shared locality or matching
    // figures tie two reports together.
    let vague = (p.day().is_none() && p.role == Role::Mentioned)
        || (c.day().is_none() && c.role == Role::Mentioned);
    let figures_fit = !p.killed.is_empty() && p.killed.iter().any(|k| c.killed.contains(k));
    let same_place = p.place.is_some() && p.place == c.place;
    if vague && !(figures_fit || same_place) {
        return None;
    }
    Some(s)
}
