//! Doubts: what a reviewer should check about a folded incident, and why.
//!
//! Each doubt is a named class with a reason written for a person and the
//! articles behind it. Classes (the `kind`s; `confidence.rs` weighs them):
//!
//! | kind                    | field        | fires when                                               |
//! |-------------------------|--------------|----------------------------------------------------------|
//! | `figures_disagree`      | the count    | reports' figures span more than the margin               |
//! | `figures_inconsistent`  | `*.total`    | the categories add up to more than the total             |
//! | `figures_unexplained`   | `*.total`    | the categories account for less than the total           |
//! | `figures_unsplit`       | `*.total`    | a toll with no split into forces, civilians, militants   |
//! | `place_province_only`   | `admin2`     | no district: placed in a province only                   |
//! | `place_disputed`        | `admin2`     | reports name different districts                         |
//! | `group_unclaimed`       | `group`      | a group is named but no report carries its claim (not for operations) |
//! | `group_contested`       | `group`      | reports name, or claims come from, different groups      |
//! | `date_from_publication` | `date`       | no report dates it: the publication day stands in        |
//! | `date_disputed`         | `date`       | reports give different dates                             |
//! | `type_disputed`         | `event_type` | reports code different event types                       |
//! | `single_source`         | —            | one article only                                         |
//! | `large_toll_one_report` | `killed.total` | ten or more killed, from one article only              |
//! | `relevance_borderline`  | —            | the relevance classifier was unsure of its articles      |
//! | `crowded_article`       | —            | its article reports several incidents as news            |
//! | `merge_near_threshold`  | —            | a report joined with a match score near the threshold    |
//! | `recent_background`     | —            | a background incident dated within a week of its article |

use crate::{Linkage, Member, Profile};
use std::collections::{BTreeMap, BTreeSet};
use tally_model::{Category, Count, Doubt, EventType, Incident, Outcome, Precision, Role};

/// Figures disagree when their range is wider than this share of the best
/// figure (and than one person): "3 or 4 killed" is not worth a look.
const FIGURE_MARGIN: f64 = 0.2;
/// Relevance scores below this are borderline (the decision threshold is far lower).
const BORDERLINE_RELEVANCE: f32 = 0.5;
/// A link this close (log2-odds) above the match threshold is a near call.
const NEAR_THRESHOLD: f64 = 2.0;
/// A background incident dated this close to its article's publication may be news.
const RECENT_DAYS: i64 = 7;
/// A toll this large from one report alone is worth a second look.
const LARGE_TOLL: u32 = 10;
/// Clusters larger than this skip the pairwise near-call check (its cost is quadratic).
const MAX_PAIRWISE: usize = 40;

/// Every doubt about `inc`, folded from `members`, in a stable order.
pub fn doubts(inc: &Incident, members: &[&Member]) -> Vec<Doubt> {
    let mut out = Vec::new();
    for outcome in [Outcome::Killed, Outcome::Injured] {
        figures(inc, outcome, &mut out);
    }
    place(inc, members, &mut out);
    group(inc, members, &mut out);
    date(inc, members, &mut out);
    event_type(members, &mut out);
    sources(inc, members, &mut out);
    recent_background(inc, members, &mut out);
    out
}

/// A background incident its article dates within a week of publishing:
/// articles recall last year's attacks, but rarely last Tuesday's as mere
/// background, so the relevance or role decision may be wrong.
fn recent_background(inc: &Incident, members: &[&Member], out: &mut Vec<Doubt>) {
    let Some(date) = inc.date.filter(|d| d.precision() == Precision::Day) else {
        return;
    };
    if inc.role != Role::Mentioned {
        return;
    }
    let close = members.iter().find_map(|m| {
        let published = m.published.filter(|p| p.precision() == Precision::Day)?;
        let days = published.ordinal() - date.ordinal();
        (0..=RECENT_DAYS)
            .contains(&days)
            .then_some((days, m.article))
    });
    if let Some((days, article)) = close {
        let reason = format!(
            "only recalled as background, yet {article} dates it {days} day(s) before it was \
             published: it may be news"
        );
        out.push(doubt(
            "recent_background",
            None,
            reason,
            vec![article.to_string()],
        ));
    }
}

fn doubt(kind: &str, field: Option<&str>, reason: String, articles: Vec<String>) -> Doubt {
    Doubt {
        kind: kind.to_string(),
        field: field.map(str::to_string),
        reason,
        articles,
    }
}

fn figures(inc: &Incident, outcome: Outcome, out: &mut Vec<Doubt>) {
    let c = inc.casualties(outcome);
    let word = outcome.as_str();
    for cat in Category::ALL {
        let Some(count) = c.get(cat) else { continue };
        if disagree(&count) {
            let field = format!("{word}.{}", cat.as_str());
            let high = count.high.map_or("more".to_string(), |h| h.to_string());
            let reason = format!(
                "the figures range from {} to {high} {word} ({}); {} taken as best",
                count.low,
                cat.as_str().replace('_', " "),
                count.best
            );
            out.push(doubt("figures_disagree", Some(&field), reason, Vec::new()));
        }
    }
    let Some(total) = c.total else { return };
    let field = format!("{word}.total");
    let split = c.split_sum().unwrap_or(0);
    if split > total.best {
        let reason = format!(
            "the {word} categories add up to {split}, more than the total of {}",
            total.best
        );
        out.push(doubt(
            "figures_inconsistent",
            Some(&field),
            reason,
            Vec::new(),
        ));
    } else if split > 0 && split < total.best {
        let reason = format!(
            "the {word} categories account for {split} of the {} in the total",
            total.best
        );
        out.push(doubt(
            "figures_unexplained",
            Some(&field),
            reason,
            Vec::new(),
        ));
    } else if split == 0 && total.best > 0 {
        let reason = format!(
            "{} {word}, but no report says whether they were security forces, civilians or militants",
            total.best
        );
        out.push(doubt("figures_unsplit", Some(&field), reason, Vec::new()));
    }
}

fn disagree(c: &Count) -> bool {
    let Some(high) = c.high else {
        return true;
    };
    let spread = f64::from(high.saturating_sub(c.low));
    spread > 1.0 && spread > FIGURE_MARGIN * f64::from(c.best)
}

/// Distinct values of one field across members, with the articles giving each.
fn votes<T: Ord + Clone>(
    members: &[&Member],
    value: impl Fn(&Member) -> Option<T>,
) -> BTreeMap<T, BTreeSet<String>> {
    let mut out: BTreeMap<T, BTreeSet<String>> = BTreeMap::new();
    for m in members {
        if let Some(v) = value(m) {
            out.entry(v).or_default().insert(m.article.to_string());
        }
    }
    out
}

fn main_members<'m>(members: &[&'m Member<'m>]) -> Vec<&'m Member<'m>> {
    let main: Vec<&Member> = members
        .iter()
        .copied()
        .filter(|m| m.incident.role == Role::Main)
        .collect();
    if main.is_empty() {
        members.to_vec()
    } else {
        main
    }
}

fn articles_of(sets: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let all: BTreeSet<&String> = sets.values().flatten().collect();
    all.into_iter().cloned().collect()
}

fn listed(sets: &BTreeMap<String, BTreeSet<String>>) -> String {
    let parts: Vec<String> = sets
        .iter()
        .map(|(v, arts)| {
            let arts: Vec<&str> = arts.iter().map(String::as_str).collect();
            format!("{v} ({})", arts.join(", "))
        })
        .collect();
    parts.join(" vs ")
}

fn place(inc: &Incident, members: &[&Member], out: &mut Vec<Doubt>) {
    let voters = main_members(members);
    let districts = votes(&voters, |m| m.incident.admin2.clone());
    if districts.len() > 1 {
        let reason = format!(
            "reports place it in different districts: {}",
            listed(&districts)
        );
        let articles = articles_of(&districts);
        out.push(doubt("place_disputed", Some("admin2"), reason, articles));
    } else if inc.admin2.is_none() {
        let reason = match &inc.admin1 {
            Some(p) => format!("placed only in {p}: no report names a district"),
            None => "no report names a district or province".to_string(),
        };
        out.push(doubt(
            "place_province_only",
            Some("admin2"),
            reason,
            Vec::new(),
        ));
    }
}

fn group(inc: &Incident, members: &[&Member], out: &mut Vec<Doubt>) {
    let claims = votes(members, |m| {
        m.incident.group.clone().filter(|_| m.incident.claimed)
    });
    let named = votes(&main_members(members), |m| m.incident.group.clone());
    if claims.len() > 1 {
        let reason = format!("claimed by more than one group: {}", listed(&claims));
        let articles = articles_of(&claims);
        out.push(doubt("group_contested", Some("group"), reason, articles));
    } else if claims.is_empty() && named.len() > 1 {
        let reason = format!("reports blame different groups: {}", listed(&named));
        let articles = articles_of(&named);
        out.push(doubt("group_contested", Some("group"), reason, articles));
    } else if let (Some(g), false, false) = (
        &inc.group,
        inc.claimed,
        // An operation's group is its target: nobody claims being raided.
        inc.event_type == EventType::SecurityOperation,
    ) {
        let reason = format!("{g} is named (blamed or suspected) but no report carries a claim");
        out.push(doubt("group_unclaimed", Some("group"), reason, Vec::new()));
    }
}

fn date(inc: &Incident, members: &[&Member], out: &mut Vec<Doubt>) {
    let voters = main_members(members);
    let dated = votes(&voters, |m| m.incident.date.map(|d| d.to_string()));
    if dated.len() > 1 {
        let reason = format!("reports give different dates: {}", listed(&dated));
        let articles = articles_of(&dated);
        out.push(doubt("date_disputed", Some("date"), reason, articles));
        return;
    }
    let stated = inc.evidence.iter().any(|e| e.field == "date");
    if inc.role == Role::Main && !stated {
        let reason = match inc.date {
            Some(d) => format!("no report gives a date: {d} is taken from the publication day"),
            None => "no report gives a date, and no publication date is known".to_string(),
        };
        out.push(doubt(
            "date_from_publication",
            Some("date"),
            reason,
            Vec::new(),
        ));
    }
}

fn event_type(members: &[&Member], out: &mut Vec<Doubt>) {
    let types = votes(&main_members(members), |m| {
        Some(m.incident.event_type.as_str().to_string())
    });
    if types.len() > 1 {
        let reason = format!("reports code it differently: {}", listed(&types));
        let articles = articles_of(&types);
        out.push(doubt("type_disputed", Some("event_type"), reason, articles));
    }
}

fn sources(inc: &Incident, members: &[&Member], out: &mut Vec<Doubt>) {
    if let [only] = inc.articles.as_slice() {
        let reason = format!("one report only ({only}): no other article confirms it");
        out.push(doubt("single_source", None, reason, vec![only.clone()]));
        let toll = inc.killed.total.map_or(0, |c| c.best);
        if toll >= LARGE_TOLL {
            let reason = format!(
                "a toll of {toll} killed rests on one report: check it is this incident's, \
                 not a cumulative or background figure"
            );
            out.push(doubt(
                "large_toll_one_report",
                Some("killed.total"),
                reason,
                vec![only.clone()],
            ));
        }
    }
    let main = inc.role == Role::Main;
    let best = members.iter().map(|m| m.relevance).fold(0.0f32, f32::max);
    if main && best < BORDERLINE_RELEVANCE {
        let reason = format!(
            "the relevance classifier gives its articles at most {best:.2}: \
             it may be crime, an accident or background rather than militant violence news"
        );
        out.push(doubt("relevance_borderline", None, reason, Vec::new()));
    }
    let crowded: BTreeSet<String> = members
        .iter()
        .filter(|m| m.news_in_article > 1 && m.incident.role == Role::Main)
        .map(|m| m.article.to_string())
        .collect();
    if main && !crowded.is_empty() {
        let reason = "its article reports several incidents: a figure, place or group \
                      may belong to another of them"
            .to_string();
        out.push(doubt(
            "crowded_article",
            None,
            reason,
            crowded.into_iter().collect(),
        ));
    }
    if let Some((score, a, b)) = weakest_link(members) {
        let reason = format!(
            "{a} and {b} were judged one incident with a match score of {score:+.1}, \
             close to the threshold"
        );
        out.push(doubt("merge_near_threshold", None, reason, vec![a, b]));
    }
}

/// The report whose best link to another article's report is weakest, when
/// that link is a near call.
fn weakest_link(members: &[&Member]) -> Option<(f64, String, String)> {
    if members.len() < 2 || members.len() > MAX_PAIRWISE {
        return None;
    }
    let linkage = Linkage::try_embedded().ok()?;
    let threshold = linkage.weights.threshold;
    let profiles: Vec<Profile> = members
        .iter()
        .map(|m| Profile::of(m.incident, m.published))
        .collect();
    let mut weakest: Option<(f64, usize, usize)> = None;
    for (i, a) in members.iter().enumerate() {
        let best = members
            .iter()
            .enumerate()
            .filter(|(_, b)| b.article != a.article)
            .map(|(j, _)| (linkage.score(&profiles[i], &profiles[j]), j))
            .max_by(|x, y| x.0.total_cmp(&y.0));
        if let Some((s, j)) = best {
            if weakest.is_none_or(|w| s < w.0) {
                weakest = Some((s, i, j));
            }
        }
    }
    let (s, i, j) = weakest?;
    (s < threshold + NEAR_THRESHOLD).then(|| {
        (
            s - threshold,
            members[i].article.to_string(),
            members[j].article.to_string(),
        )
    })
}
