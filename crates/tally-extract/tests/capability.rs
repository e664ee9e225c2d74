//! The capability suite: every `data/rules/*/*.cases.jsonl` file, one case
//! per line, run through the extractor (CheckList-style; Duckling's corpus
//! and negative corpus). Prints the pass rate per class; fails on any case
//! that fails unless it is marked `"status":"fails"`, and on any marked case
//! that now passes (remove the mark).
//!
//! A case: `{"id":"<class>/<n>","kind":"pos|neg|inv|dir","published":"YYYY-MM-DD",
//! "text":"...","expect":{...}}`. `expect` is partial:
//! - `"main": [{...}, ...]`, `"mentioned": [...]`: exactly that many incidents
//!   of that role, each partial matching a different one. Keys: `admin1`,
//!   `admin2`, `place`, `date`, `event_type`, `group`, `claimed`, `foiled`,
//!   `targets` (a set), and counts `killed.total`, `injured.civilians`, ...
//!   as a number (best equals it), `[low, high]` (best within; high may be
//!   null) or null (no figure).
//! - `"fired": [...]`, `"not_fired": [...]`: scope classes in the report.
//! - `"news": true|false`: the article-level decision.
//!
//! Marks: a `pos` case of a `scope.*` class passes only if its class fired;
//! a `neg` case only if it did not.
//!
//! `inv` cases take `base` (an id) and `change`; the changed text must give
//! the same incidents by role, event type, province and foiled flag. `dir`
//! cases also take `expect` with deltas on the first main incident
//! (`{"killed.militants": "+1"}`) or on counts (`{"main": "+1"}`).
//! Changes: `add_boilerplate_lines`, `append:TEXT`, `prepend:TEXT`,
//! `replace:OLD=>NEW`.
//!
//! `TALLY_CASES=scope.` runs only the cases whose id starts with that prefix.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tally_lexicon::Lexicon;
use tally_model::{
    Article, ArticleMeta, ArticleReport, Category, Count, Incident, IncidentDate, Role,
};

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/rules")
}

fn case_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(langs) = std::fs::read_dir(rules_dir()) else {
        return files;
    };
    for lang in langs.flatten() {
        let Ok(entries) = std::fs::read_dir(lang.path()) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.to_string_lossy().ends_with(".cases.jsonl") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

struct Case {
    id: String,
    kind: String,
    value: Value,
    origin: String,
}

fn load_cases() -> Vec<Case> {
    let mut out = Vec::new();
    for f in case_files() {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with("//") {
                continue;
            }
            let origin = format!("{}:{}", f.display(), n + 1);
            let value: Value = match serde_json::from_str(line) {
                Ok(v) => v,
                Err(e) => panic!("{origin}: not JSON: {e}"),
            };
            let id = value["id"].as_str().unwrap_or_default().to_string();
            let kind = value["kind"].as_str().unwrap_or_default().to_string();
            assert!(!id.is_empty(), "{origin}: a case needs an id");
            assert!(
                matches!(kind.as_str(), "pos" | "neg" | "inv" | "dir"),
                "{origin}: kind must be pos, neg, inv or dir"
            );
            out.push(Case {
                id,
                kind,
                value,
                origin,
            });
        }
    }
    out
}

fn class_of(id: &str) -> &str {
    id.split('/').next().unwrap_or(id)
}

fn run_text(text: &str, published: Option<IncidentDate>, lex: &Lexicon) -> ArticleReport {
    let a = Article {
        meta: ArticleMeta {
            id: "case".into(),
            published,
            ..Default::default()
        },
        text: text.into(),
    };
    tally_extract::extract(&a, lex)
}

fn published(v: &Value) -> Option<IncidentDate> {
    v["published"].as_str().and_then(IncidentDate::parse)
}

fn change_text(text: &str, change: &str) -> Result<String, String> {
    if change == "add_boilerplate_lines" {
        return Ok(format!(
            "Share.\n{text}\n\nLeave a Reply\nRelated Articles\nComments are closed."
        ));
    }
    if let Some(t) = change.strip_prefix("append:") {
        return Ok(format!("{text} {t}"));
    }
    if let Some(t) = change.strip_prefix("prepend:") {
        return Ok(format!("{t} {text}"));
    }
    if let Some(rest) = change.strip_prefix("replace:") {
        let Some((old, new)) = rest.split_once("=>") else {
            return Err(format!("bad change {change:?}"));
        };
        if !text.contains(old) {
            return Err(format!("{old:?} is not in the base text"));
        }
        return Ok(text.replace(old, new));
    }
    Err(format!("unknown change {change:?}"))
}

fn count_field(inc: &Incident, key: &str) -> Option<Option<Count>> {
    let (outcome, cat) = key.split_once('.')?;
    let cas = match outcome {
        "killed" => &inc.killed,
        "injured" => &inc.injured,
        _ => return None,
    };
    let cat = Category::ALL.into_iter().find(|c| c.as_str() == cat)?;
    Some(cas.get(cat))
}

fn field_matches(inc: &Incident, key: &str, want: &Value) -> bool {
    let s = |o: &Option<String>| o.as_deref().map(|x| Value::String(x.into()));
    let got: Option<Value> = match key {
        "admin1" => s(&inc.admin1),
        "admin2" => s(&inc.admin2),
        "place" => s(&inc.place),
        "group" => s(&inc.group),
        "date" => inc.date.map(|d| Value::String(d.to_string())),
        "event_type" => Some(Value::String(inc.event_type.as_str().into())),
        "claimed" => Some(Value::Bool(inc.claimed)),
        "foiled" => Some(Value::Bool(inc.foiled)),
        "targets" => {
            let mut got: Vec<&str> = inc.targets.iter().map(|t| t.as_str()).collect();
            got.sort_unstable();
            let mut w: Vec<&str> = want
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            w.sort_unstable();
            return got == w;
        }
        _ => {
            let Some(count) = count_field(inc, key) else {
                return false;
            };
            return count_matches(count, want);
        }
    };
    match (got, want) {
        (None, Value::Null) => true,
        (Some(g), w) => &g == w,
        _ => false,
    }
}

fn count_matches(count: Option<Count>, want: &Value) -> bool {
    match (count, want) {
        (None, Value::Null) => true,
        (Some(c), Value::Number(n)) => n.as_u64() == Some(u64::from(c.best)),
        (Some(c), Value::Array(r)) if r.len() == 2 => {
            let lo = r[0].as_u64().unwrap_or(0);
            let best = u64::from(c.best);
            best >= lo && r[1].as_u64().is_none_or(|hi| best <= hi)
        }
        _ => false,
    }
}

/// Each partial matches a different incident, and the counts agree.
fn role_matches(incs: &[&Incident], partials: &[Value]) -> Result<(), String> {
    if incs.len() != partials.len() {
        return Err(format!(
            "{} incidents, expected {}",
            incs.len(),
            partials.len()
        ));
    }
    let mut used = vec![false; incs.len()];
    for p in partials {
        let Some(obj) = p.as_object() else {
            return Err("an expected incident must be an object".into());
        };
        let hit = (0..incs.len())
            .find(|&i| !used[i] && obj.iter().all(|(k, v)| field_matches(incs[i], k, v)));
        match hit {
            Some(i) => used[i] = true,
            None => return Err(format!("no incident matches {p}")),
        }
    }
    Ok(())
}

fn of_role(r: &ArticleReport, role: Role) -> Vec<&Incident> {
    r.incidents.iter().filter(|i| i.role == role).collect()
}

fn check_expect(r: &ArticleReport, expect: &Value) -> Result<(), String> {
    for (key, role) in [("main", Role::Main), ("mentioned", Role::Mentioned)] {
        if let Some(list) = expect.get(key).and_then(Value::as_array) {
            role_matches(&of_role(r, role), list).map_err(|e| format!("{key}: {e}"))?;
        }
    }
    for class in expect["fired"].as_array().into_iter().flatten() {
        let c = class.as_str().unwrap_or_default();
        if !r.relevance.fired.iter().any(|f| f == c) {
            return Err(format!("{c} did not fire"));
        }
    }
    for class in expect["not_fired"].as_array().into_iter().flatten() {
        let c = class.as_str().unwrap_or_default();
        if r.relevance.fired.iter().any(|f| f == c) {
            return Err(format!("{c} fired"));
        }
    }
    if let Some(news) = expect.get("news").and_then(Value::as_bool) {
        if r.relevance.news != news {
            return Err(format!(
                "news = {} (score {:.3})",
                r.relevance.news, r.relevance.score
            ));
        }
    }
    Ok(())
}

/// Class marks: a `scope.*` pos case must fire its class, a neg case must not.
fn check_mark(case: &Case, r: &ArticleReport) -> Result<(), String> {
    let class = class_of(&case.id);
    if !class.starts_with("scope.") {
        return Ok(());
    }
    let fired = r.relevance.fired.iter().any(|f| f == class);
    match (case.kind.as_str(), fired) {
        ("pos", false) => Err(format!("{class} did not fire")),
        ("neg", true) => Err(format!("{class} fired on a near-miss")),
        _ => Ok(()),
    }
}

/// What an invariance change must leave alone.
fn signature(r: &ArticleReport) -> Vec<String> {
    let mut s: Vec<String> = r
        .incidents
        .iter()
        .map(|i| {
            format!(
                "{:?} {} {:?} {}",
                i.role,
                i.event_type.as_str(),
                i.admin1,
                i.foiled
            )
        })
        .collect();
    s.sort();
    s
}

fn apply_delta(base: i64, delta: &str) -> Option<i64> {
    let n: i64 = delta.trim_start_matches('+').parse().ok()?;
    Some(base + n)
}

fn first_main_count(r: &ArticleReport, key: &str) -> i64 {
    of_role(r, Role::Main)
        .first()
        .and_then(|i| count_field(i, key))
        .flatten()
        .map_or(0, |c| i64::from(c.best))
}

fn check_dir(base: &ArticleReport, changed: &ArticleReport, expect: &Value) -> Result<(), String> {
    let Some(obj) = expect.as_object() else {
        return Err("dir expect must be an object".into());
    };
    for (key, delta) in obj {
        let d = delta.as_str().unwrap_or_default();
        let (b, c) = match key.as_str() {
            "main" => (
                of_role(base, Role::Main).len() as i64,
                of_role(changed, Role::Main).len() as i64,
            ),
            "mentioned" => (
                of_role(base, Role::Mentioned).len() as i64,
                of_role(changed, Role::Mentioned).len() as i64,
            ),
            k => (first_main_count(base, k), first_main_count(changed, k)),
        };
        if apply_delta(b, d) != Some(c) {
            return Err(format!("{key}: {b} -> {c}, expected {d}"));
        }
    }
    Ok(())
}

fn run_case(case: &Case, by_id: &BTreeMap<&str, &Case>, lex: &Lexicon) -> Result<(), String> {
    let v = &case.value;
    match case.kind.as_str() {
        "pos" | "neg" => {
            let text = v["text"].as_str().ok_or("a pos or neg case needs text")?;
            let r = run_text(text, published(v), lex);
            check_mark(case, &r)?;
            check_expect(&r, &v["expect"])
        }
        _ => {
            let base_id = v["base"].as_str().ok_or("inv and dir cases need a base")?;
            let base = by_id
                .get(base_id)
                .ok_or_else(|| format!("no base case {base_id}"))?;
            let text = base.value["text"].as_str().ok_or("the base has no text")?;
            let changed = change_text(text, v["change"].as_str().unwrap_or_default())?;
            let pubd = published(&base.value);
            let (rb, rc) = (run_text(text, pubd, lex), run_text(&changed, pubd, lex));
            if case.kind == "inv" {
                if signature(&rb) != signature(&rc) {
                    return Err(format!("{:?} became {:?}", signature(&rb), signature(&rc)));
                }
                if v.get("expect").is_some() {
                    check_expect(&rc, &v["expect"])?;
                }
                Ok(())
            } else {
                check_dir(&rb, &rc, &v["expect"])
            }
        }
    }
}

#[test]
fn capability_suite() {
    let Ok(lex) = Lexicon::try_embedded() else {
        panic!("embedded data broken")
    };
    let filter = std::env::var("TALLY_CASES").unwrap_or_default();
    let cases = load_cases();
    let by_id: BTreeMap<&str, &Case> = cases.iter().map(|c| (c.id.as_str(), c)).collect();
    assert_eq!(by_id.len(), cases.len(), "case ids must be unique");
    let mut per_class: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut problems = Vec::new();
    for case in cases.iter().filter(|c| c.id.starts_with(&filter)) {
        let outcome = run_case(case, &by_id, lex);
        let marked_failing = case.value["status"].as_str() == Some("fails");
        let e = per_class.entry(class_of(&case.id)).or_insert((0, 0));
        e.1 += 1;
        match (outcome, marked_failing) {
            (Ok(()), false) => e.0 += 1,
            (Ok(()), true) => problems.push(format!(
                "{} ({}): passes now; remove \"status\":\"fails\"",
                case.id, case.origin
            )),
            (Err(_), true) => {}
            (Err(why), false) => problems.push(format!("{} ({}): {why}", case.id, case.origin)),
        }
    }
    let (pass, total) = per_class
        .values()
        .fold((0, 0), |(p, t), (a, b)| (p + a, t + b));
    println!("capability suite: {pass}/{total} cases pass");
    for (class, (p, t)) in &per_class {
        println!("  {class:40} {p:3}/{t:<3}");
    }
    assert!(
        problems.is_empty(),
        "{} case(s) need attention:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
