//! Record linkage in the Fellegi-Sunter way, as Splink does it: two reports
//! are compared field by field; each comparison falls in one level; each
//! level has an m probability (how often reports of one incident fall there)
//! and a u probability (how often reports of different incidents do); the
//! evidence for a match is the prior log-odds plus the sum of log2(m/u).
//!
//! The levels are computed here, in code (`Levels::of`); what each level
//! counts for is data (`data/linkage/levels.tsv`), estimated from labelled
//! corpora by `scripts/estimate_linkage.py`, never edited by hand. The
//! loader refuses a comparison or level it does not know, a probability
//! outside (0, 1), and a comparison with no `else` level.

use crate::similarity::{same_place, Profile};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;
use tally_model::{EventType, Role};

/// A weights file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkageError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for LinkageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "linkage/levels.tsv:{}: {}", self.line, self.message)
    }
}

impl std::error::Error for LinkageError {}

/// The comparisons, in evaluation order, with their levels. The last level
/// of each is its `else`.
pub const COMPARISONS: &[(&str, &[&str])] = &[
    ("district", &["null", "same", "adjacent", "else"]),
    (
        "day",
        &[
            "null",
            "same",
            "one",
            "two_three",
            "assumed_fits",
            "same_month",
            "else",
        ],
    ),
    ("place", &["null", "same", "else"]),
    (
        "type",
        &["null", "same", "compatible", "operation_vs_attack", "else"],
    ),
    ("group", &["null", "same", "else"]),
    ("figures", &["null", "equal", "close", "fits", "else"]),
    ("role", &["both_main", "mention", "else"]),
];

/// One comparison's level for a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Level {
    pub comparison: &'static str,
    pub level: &'static str,
}

/// The levels of one pair, one per comparison in `COMPARISONS` order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Levels(pub Vec<Level>);

/// Districts that may stand for one another.
#[derive(Debug, Default, Clone)]
pub struct Neighbours {
    /// district -> other district -> `same` or `adjacent`, both ways round,
    /// so a lookup borrows and never allocates (merging asks for every pair).
    pairs: HashMap<String, HashMap<String, &'static str>>,
}

impl Neighbours {
    pub fn parse(text: &str) -> Result<Neighbours, LinkageError> {
        let mut pairs: HashMap<String, HashMap<String, &'static str>> = HashMap::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let c: Vec<&str> = line.split('\t').collect();
            let relation = match c.get(2).copied() {
                Some("same") => "same",
                Some("adjacent") => "adjacent",
                _ => {
                    return Err(LinkageError {
                        line: n + 1,
                        message: "expected district<TAB>other<TAB>same|adjacent".into(),
                    })
                }
            };
            for (a, b) in [(c[0], c[1]), (c[1], c[0])] {
                pairs
                    .entry(a.to_string())
                    .or_default()
                    .insert(b.to_string(), relation);
            }
        }
        Ok(Neighbours { pairs })
    }

    /// `same`, `adjacent` or None.
    pub fn relation(&self, a: &str, b: &str) -> Option<&'static str> {
        self.pairs.get(a)?.get(b).copied()
    }
}

impl Levels {
    /// Compare two profiles (a report and a report, or a report and the
    /// profile of an incident built so far).
    pub fn of(a: &Profile, b: &Profile, neighbours: &Neighbours) -> Levels {
        let level = |comparison: &'static str, level: &'static str| Level { comparison, level };
        Levels(vec![
            level("district", district(a, b, neighbours)),
            level("day", day(a, b)),
            level("place", place(a, b)),
            level("type", event_type(a, b)),
            level("group", group(a, b)),
            level("figures", figures(a, b)),
            level("role", role(a, b)),
        ])
    }
}

fn district(a: &Profile, b: &Profile, n: &Neighbours) -> &'static str {
    match (&a.admin2, &b.admin2) {
        (Some(x), Some(y)) if x == y => "same",
        (Some(x), Some(y)) => match n.relation(x, y) {
            Some("same") => "same",
            Some(_) => "adjacent",
            None => "else",
        },
        _ => "null",
    }
}

fn day(a: &Profile, b: &Profile) -> &'static str {
    let (Some(x), Some(y)) = (a.day(), b.day()) else {
        // "Last month's attack": a month (or year) against a day or month.
        let month = |p: &Profile| {
            p.dates
                .iter()
                .map(|d| (d.year, d.month))
                .collect::<Vec<_>>()
        };
        let (ma, mb) = (month(a), month(b));
        if ma.is_empty() || mb.is_empty() {
            return "null";
        }
        let agree = ma.iter().any(|(y, m)| {
            mb.iter()
                .any(|(y2, m2)| y == y2 && (m.is_none() || m2.is_none() || m == m2))
        });
        return if agree { "same_month" } else { "else" };
    };
    if a.date_assumed || b.date_assumed {
        // A publication day: the event was that day or up to a week before.
        let (assumed, stated) = if a.date_assumed { (x, y) } else { (y, x) };
        return if (0..=7).contains(&(assumed - stated)) {
            "assumed_fits"
        } else {
            "else"
        };
    }
    match (x - y).abs() {
        0 => "same",
        1 => "one",
        2 | 3 => "two_three",
        _ => "else",
    }
}

fn place(a: &Profile, b: &Profile) -> &'static str {
    match (&a.place, &b.place) {
        (Some(x), Some(y)) if same_place(x, y) => "same",
        (Some(_), Some(_)) => "else",
        _ => "null",
    }
}

fn event_type(a: &Profile, b: &Profile) -> &'static str {
    let known = |t: &&EventType| **t != EventType::Other;
    let (ta, tb): (Vec<_>, Vec<_>) = (
        a.types.iter().filter(known).collect(),
        b.types.iter().filter(known).collect(),
    );
    if ta.is_empty() || tb.is_empty() {
        return "null";
    }
    if ta.iter().any(|t| tb.contains(t)) {
        return "same";
    }
    let op = |v: &[&EventType]| v.contains(&&EventType::SecurityOperation);
    if op(&ta) != op(&tb) {
        return "operation_vs_attack";
    }
    if ta.iter().any(|x| {
        tb.iter()
            .any(|y| crate::similarity::compatible_types(**x, **y))
    }) {
        "compatible"
    } else {
        "else"
    }
}

fn group(a: &Profile, b: &Profile) -> &'static str {
    if a.groups.is_empty() || b.groups.is_empty() {
        "null"
    } else if a.groups.iter().any(|g| b.groups.contains(g)) {
        "same"
    } else {
        "else"
    }
}

/// The death tolls: equal; close (a toll that rose by a few as the wounded
/// died, or a rounded figure); within reach of each other (first reports
/// run low); or too far apart for one event.
fn figures(a: &Profile, b: &Profile) -> &'static str {
    if a.killed.is_empty() || b.killed.is_empty() {
        return "null";
    }
    if a.killed.iter().any(|k| b.killed.contains(k)) {
        return "equal";
    }
    let pairs = || {
        a.killed
            .iter()
            .flat_map(|&x| b.killed.iter().map(move |&y| (x.min(y), x.max(y))))
    };
    if pairs().any(|(lo, hi)| hi - lo <= (lo / 4).max(2)) {
        "close"
    } else if pairs().any(|(lo, hi)| hi <= lo * 2 + 3) {
        "fits"
    } else {
        "else"
    }
}

fn role(a: &Profile, b: &Profile) -> &'static str {
    match (a.role, b.role) {
        (Role::Main, Role::Main) => "both_main",
        (Role::Mentioned, Role::Mentioned) => "else",
        _ => "mention",
    }
}

/// The static names of a comparison and one of its levels, if known.
fn known_level(comparison: &str, level: &str) -> Result<(&'static str, &'static str), String> {
    let Some((cmp, levels)) = COMPARISONS.iter().find(|(k, _)| *k == comparison) else {
        return Err(format!("unknown comparison {comparison:?}"));
    };
    let Some(lvl) = levels.iter().find(|l| **l == level) else {
        return Err(format!("unknown level {level:?} of {comparison}"));
    };
    Ok((cmp, lvl))
}

/// The most a corpus's prior may rise above the file's, in log2-odds: a
/// handful of reports says little about how densely incidents crowd, and
/// counting matches per report overstates the prior where few reports
/// meet at all.
pub const MAX_PRIOR_RISE: f64 = 4.0;

/// m and u of every level, the prior and the match threshold.
#[derive(Debug, Clone, Default)]
pub struct Weights {
    /// Probability that two compared reports tell one incident.
    pub prior: f64,
    /// Match when the posterior log2-odds reach this.
    pub threshold: f64,
    /// Pairs of reports of one incident per report in the labelled corpora
    /// (`@matches_per_report`): with the number of pairs blocking compares,
    /// it gives the prior of the corpus at hand, so a dense database (many
    /// incidents per district and week) asks for more evidence than a
    /// handful of stories. `None`: the fixed `prior`.
    pub matches_per_report: Option<f64>,
    levels: HashMap<(&'static str, &'static str), (f64, f64)>,
    /// log2(m / u) of each level, computed once, indexed like
    /// `COMPARISONS` (a vetoed level holds minus infinity): merging scores
    /// millions of pairs, and a hash lookup per level dominated.
    logs: Vec<Vec<f64>>,
    /// `prior_log_odds()`, computed once.
    prior_logit: f64,
    /// Levels that forbid a link whatever the rest says (`@veto` rows):
    /// the weights assume independent comparisons, and a same-day attack
    /// of the same kind in another district outvotes one strong `else`.
    vetoes: Vec<(&'static str, &'static str)>,
}

impl Weights {
    pub fn parse(text: &str) -> Result<Weights, LinkageError> {
        let bad = |line: usize, message: String| LinkageError { line, message };
        let mut w = Weights {
            prior: 0.0,
            threshold: 0.0,
            matches_per_report: None,
            levels: HashMap::new(),
            logs: Vec::new(),
            prior_logit: 0.0,
            vetoes: Vec::new(),
        };
        for (n, line) in text.lines().enumerate() {
            let n = n + 1;
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let c: Vec<&str> = line.split('\t').map(str::trim).collect();
            let num = |s: Option<&&str>| -> Result<f64, LinkageError> {
                s.and_then(|x| x.parse::<f64>().ok())
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| bad(n, format!("bad number in {line:?}")))
            };
            match c[0] {
                "@prior" => w.prior = num(c.get(1))?,
                "@threshold" => w.threshold = num(c.get(1))?,
                "@matches_per_report" => w.matches_per_report = Some(num(c.get(1))?),
                "@veto" => {
                    let comparison = c.get(1).copied().unwrap_or_default();
                    let level = c.get(2).copied().unwrap_or_default();
                    let key = known_level(comparison, level).map_err(|m| bad(n, m))?;
                    w.vetoes.push(key);
                }
                comparison => {
                    let level = c.get(1).copied().unwrap_or_default();
                    let (cmp, lvl) = known_level(comparison, level).map_err(|m| bad(n, m))?;
                    let (m, u) = (num(c.get(2))?, num(c.get(3))?);
                    for p in [m, u] {
                        if !(p > 0.0 && p < 1.0) {
                            return Err(bad(n, format!("probability {p} outside (0, 1)")));
                        }
                    }
                    w.levels.insert((cmp, lvl), (m, u));
                }
            }
        }
        if !(w.prior > 0.0 && w.prior < 1.0) {
            return Err(bad(0, "@prior must be in (0, 1)".into()));
        }
        for (cmp, levels) in COMPARISONS {
            let mut row = Vec::with_capacity(levels.len());
            for lvl in levels.iter() {
                let Some((m, u)) = w.levels.get(&(*cmp, *lvl)) else {
                    return Err(bad(0, format!("no row for {cmp} {lvl}")));
                };
                row.push(if w.vetoes.contains(&(*cmp, *lvl)) {
                    f64::NEG_INFINITY
                } else {
                    (m / u).log2()
                });
            }
            w.logs.push(row);
        }
        w.prior_logit = (w.prior / (1.0 - w.prior)).log2();
        Ok(w)
    }

    /// log2(m / u) of a level.
    pub fn weight(&self, l: Level) -> f64 {
        self.weight_of(l.comparison, l.level)
    }

    fn weight_of(&self, comparison: &'static str, level: &'static str) -> f64 {
        COMPARISONS
            .iter()
            .position(|(c, _)| *c == comparison)
            .map_or(0.0, |i| self.weight_at(i, level))
    }

    /// The weight of `level` of the `i`th comparison in `COMPARISONS`.
    fn weight_at(&self, i: usize, level: &str) -> f64 {
        let Some(row) = self.logs.get(i) else {
            return 0.0;
        };
        COMPARISONS[i]
            .1
            .iter()
            .position(|l| *l == level)
            .and_then(|j| row.get(j))
            .copied()
            .unwrap_or(0.0)
    }

    pub fn prior_log_odds(&self) -> f64 {
        self.prior_logit
    }

    /// How much the prior log2-odds of a corpus of `reports` reports, in
    /// which blocking compares `pairs` pairs, differ from the file's prior
    /// (0 without `@matches_per_report` or without pairs).
    pub fn prior_shift(&self, reports: usize, pairs: usize) -> f64 {
        let Some(k) = self.matches_per_report else {
            return 0.0;
        };
        let expected = (k * reports as f64).min(pairs as f64 * 0.5);
        if pairs == 0 || expected <= 0.0 {
            return 0.0;
        }
        let prior = expected / pairs as f64;
        ((prior / (1.0 - prior)).log2() - self.prior_log_odds()).min(MAX_PRIOR_RISE)
    }

    /// The posterior log2-odds that the pair tells one incident.
    pub fn score(&self, levels: &Levels) -> f64 {
        self.prior_log_odds() + levels.0.iter().map(|l| self.weight(*l)).sum::<f64>()
    }

    /// The waterfall of one pair: prior, each level with m, u, weight and
    /// running total, the threshold (for `tally explain`).
    pub fn explain(&self, levels: &Levels) -> String {
        let mut out = String::new();
        let mut total = self.prior_log_odds();
        let _ = writeln!(out, "    prior                      {total:+.2}");
        for l in &levels.0 {
            let (m, u) = self
                .levels
                .get(&(l.comparison, l.level))
                .copied()
                .unwrap_or((1.0, 1.0));
            let w = self.weight(*l);
            total += w;
            let _ = writeln!(
                out,
                "    {:9} {:20} m {m:.3} u {u:.3}  {w:+.2}  = {total:+.2}",
                l.comparison, l.level
            );
        }
        let _ = writeln!(out, "    threshold                  {:+.2}", self.threshold);
        out
    }
}

/// Weights and district neighbours, as merging uses them.
#[derive(Debug, Clone)]
pub struct Linkage {
    pub weights: Weights,
    pub neighbours: Neighbours,
}

const EMBEDDED_LEVELS: &str = include_str!("../../../data/linkage/levels.tsv");
const EMBEDDED_ADJACENCY: &str = include_str!("../../../data/gazetteer/adjacency.tsv");

/// The merging files compiled in, named as under `data/`: linkage levels
/// and district adjacency.
pub fn embedded_linkage_files() -> [(&'static str, &'static str); 2] {
    [
        ("linkage/levels.tsv", EMBEDDED_LEVELS),
        ("gazetteer/adjacency.tsv", EMBEDDED_ADJACENCY),
    ]
}

impl Linkage {
    pub fn parse(levels: &str, adjacency: &str) -> Result<Linkage, LinkageError> {
        Ok(Linkage {
            weights: Weights::parse(levels)?,
            neighbours: Neighbours::parse(adjacency)?,
        })
    }

    /// The files compiled in (checked by tests: a failure is a build defect,
    /// reported once by the caller).
    pub fn try_embedded() -> Result<&'static Linkage, &'static LinkageError> {
        static CELL: OnceLock<Result<Linkage, LinkageError>> = OnceLock::new();
        CELL.get_or_init(|| Linkage::parse(EMBEDDED_LEVELS, EMBEDDED_ADJACENCY))
            .as_ref()
    }

    pub fn levels(&self, a: &Profile, b: &Profile) -> Levels {
        Levels::of(a, b, &self.neighbours)
    }

    pub fn score(&self, a: &Profile, b: &Profile) -> f64 {
        let n = &self.neighbours;
        let w = &self.weights;
        // In `COMPARISONS` order, summed in the order `Levels::of` gives.
        w.prior_log_odds()
            + w.weight_at(0, district(a, b, n))
            + w.weight_at(1, day(a, b))
            + w.weight_at(2, place(a, b))
            + w.weight_at(3, event_type(a, b))
            + w.weight_at(4, group(a, b))
            + w.weight_at(5, figures(a, b))
            + w.weight_at(6, role(a, b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_weights_load() {
        match Linkage::try_embedded() {
            Ok(l) => assert!(l.weights.prior > 0.0),
            Err(e) => panic!("embedded linkage data broken: {e}"),
        }
    }

    #[test]
    fn refuses_unknown_levels_and_bad_probabilities() {
        let mut good = String::from("@prior\t0.01\n@threshold\t0\n");
        for (c, ls) in COMPARISONS {
            for l in ls.iter() {
                good.push_str(&format!("{c}\t{l}\t0.5\t0.5\n"));
            }
        }
        assert!(Weights::parse(&good).is_ok());
        assert!(Weights::parse(&format!("{good}district\tnearby\t0.5\t0.5\n")).is_err());
        assert!(Weights::parse(&format!("{good}weather\tsame\t0.5\t0.5\n")).is_err());
        assert!(
            Weights::parse(&good.replace("district\tsame\t0.5", "district\tsame\t1.5")).is_err()
        );
        assert!(Weights::parse(&good.replace("role\telse\t0.5\t0.5\n", "")).is_err());
    }
}
