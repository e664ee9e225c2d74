//! End-to-end: releases (CHANGES lists exactly the incidents whose exported
//! lines differ, a release is written again byte for byte) and the authors
//! of corrections.

mod common;

use common::{examples, ok, s, tally};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// A folder with some of the example articles and their manifest.
fn subset(dir: &Path, names: &[&str]) -> std::path::PathBuf {
    let into = dir.join("subset");
    std::fs::create_dir_all(&into).unwrap();
    for name in names.iter().chain(&["manifest.jsonl"]) {
        std::fs::copy(examples().join(name), into.join(name)).unwrap();
    }
    into
}

/// Incident id -> exported line of a release's `incidents.jsonl`.
fn lines(release: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(release.join("incidents.jsonl")).unwrap();
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["id"].as_str().unwrap().to_string(), l.to_string())
        })
        .collect()
}

/// The ids CHANGES lists under a section ("Added", "Removed", "Revised").
fn listed(changes: &str, section: &str) -> BTreeSet<String> {
    let start = changes
        .lines()
        .position(|l| l.starts_with(&format!("{section} (")))
        .unwrap_or_else(|| panic!("no {section} in\n{changes}"));
    changes
        .lines()
        .skip(start + 1)
        .take_while(|l| l.starts_with("inc-"))
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect()
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

#[test]
fn changes_list_exactly_the_incidents_whose_lines_differ_and_releases_recreate_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let first = subset(
        dir.path(),
        &[
            "ex_001.txt",
            "ex_002.txt",
            "ex_005.txt",
            "ex_007.txt",
            "ex_009.txt",
        ],
    );
    let (rel_a, rel_b) = (dir.path().join("A"), dir.path().join("B"));
    ok(&["ingest", s(&first), "--db", s(&db), "-q"]);
    ok(&["release", "--tag", "A", "--out", s(&rel_a), "--db", s(&db)]);
    let a = lines(&rel_a);
    assert!(!a.is_empty());
    let corrected = a.keys().next().unwrap().clone();
    ok(&[
        "correct",
        &corrected,
        "--set",
        "killed.civilians=7",
        "--note",
        "hospital list",
        "--user",
        "amna",
        "--db",
        s(&db),
    ]);
    ok(&["ingest", s(&examples()), "--db", s(&db), "-q"]);
    ok(&["release", "--tag", "B", "--out", s(&rel_b), "--db", s(&db)]);
    let b = lines(&rel_b);

    let added: BTreeSet<String> = b
        .keys()
        .filter(|id| !a.contains_key(*id))
        .cloned()
        .collect();
    let removed: BTreeSet<String> = a
        .keys()
        .filter(|id| !b.contains_key(*id))
        .cloned()
        .collect();
    let revised: BTreeSet<String> = b
        .iter()
        .filter(|(id, line)| a.get(*id).is_some_and(|old| old != *line))
        .map(|(id, _)| id.clone())
        .collect();
    let changes = std::fs::read_to_string(rel_b.join("CHANGES")).unwrap();
    assert_eq!(listed(&changes, "Added"), added, "{changes}");
    assert_eq!(listed(&changes, "Removed"), removed, "{changes}");
    assert_eq!(listed(&changes, "Revised"), revised, "{changes}");
    assert!(revised.contains(&corrected), "{changes}");
    assert!(
        revised.len() > 1,
        "new reports revise incidents too: {changes}"
    );
    let line_of = |id: &str| changes.lines().find(|l| l.starts_with(id)).unwrap();
    assert!(
        line_of(&corrected).contains("analyst correction"),
        "{changes}"
    );
    assert!(line_of(&corrected).contains("by amna"), "{changes}");
    assert!(changes.contains("[new reports] report ex_"), "{changes}");

    // Written again later, from the database alone: the same bytes.
    for (tag, made) in [("A", &rel_a), ("B", &rel_b)] {
        let again = dir.path().join(format!("{tag}-again"));
        ok(&[
            "release",
            "--tag",
            tag,
            "--recreate",
            "--out",
            s(&again),
            "--db",
            s(&db),
        ]);
        assert_eq!(files(&again), files(made), "release {tag}");
    }
    let made = files(&rel_a);
    let names: BTreeSet<&str> = made.keys().map(String::as_str).collect();
    let expected = [
        "CHANGES",
        "CODEBOOK.md",
        "SHA256SUMS",
        "articles.jsonl",
        "incidents.csv",
        "incidents.geojson",
        "incidents.jsonl",
    ];
    assert_eq!(names, BTreeSet::from(expected));
    let articles = String::from_utf8_lossy(&made["articles.jsonl"]).into_owned();
    assert!(articles.contains(r#""id":"ex_001""#), "{articles}");
    assert!(
        !articles.contains("ex_003"),
        "only the articles behind A: {articles}"
    );

    // A tag is made once; a recreation takes no filters.
    let again = tally(&["release", "--tag", "A", "--db", s(&db)]);
    assert!(!again.status.success());
    let filtered = tally(&[
        "release",
        "--tag",
        "A",
        "--recreate",
        "--since",
        "2024",
        "--db",
        s(&db),
    ]);
    assert!(!filtered.status.success());
}

#[test]
fn a_filtered_release_names_its_filters_and_holds_only_what_they_match() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let (all, out) = (dir.path().join("all"), dir.path().join("kp"));
    ok(&["ingest", s(&examples()), "--db", s(&db), "-q"]);
    ok(&["release", "--tag", "all", "--out", s(&all), "--db", s(&db)]);
    ok(&[
        "release",
        "--tag",
        "kp",
        "--province",
        "Khyber Pakhtunkhwa",
        "--out",
        s(&out),
        "--db",
        s(&db),
    ]);
    let released = lines(&out);
    assert!(!released.is_empty());
    assert!(released
        .values()
        .all(|l| l.contains(r#""admin1":"Khyber Pakhtunkhwa""#)));
    // Nothing happened between the two: what the filter left out is
    // removed, and says so; the rest is unchanged.
    let everything = lines(&all);
    let changes = std::fs::read_to_string(out.join("CHANGES")).unwrap();
    let left_out: BTreeSet<String> = everything
        .keys()
        .filter(|id| !released.contains_key(*id))
        .cloned()
        .collect();
    assert_eq!(listed(&changes, "Removed"), left_out, "{changes}");
    assert!(listed(&changes, "Added").is_empty() && listed(&changes, "Revised").is_empty());
    let removed_lines = changes.lines().filter(|l| l.starts_with("inc-"));
    assert!(removed_lines.clone().count() > 0);
    assert!(
        removed_lines.into_iter().all(|l| l.contains("[export]")),
        "{changes}"
    );
    let book = std::fs::read_to_string(out.join("CODEBOOK.md")).unwrap();
    assert!(
        book.contains(r#"Filters: --province "Khyber Pakhtunkhwa"."#),
        "{book}"
    );
}

fn tally_as(user_env: Option<&str>, args: &[&str]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tally"));
    cmd.args(args)
        .env_remove("TALLY_DB")
        .env_remove("TALLY_USER");
    if let Some(u) = user_env {
        cmd.env("TALLY_USER", u);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn corrections_carry_their_author_in_show_history_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    ok(&["ingest", s(&examples()), "--db", s(&db), "-q"]);
    let jsonl = ok(&["export", "--format", "jsonl", "--db", s(&db)]);
    let ids: Vec<String> = jsonl
        .lines()
        .take(3)
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .into()
        })
        .collect();
    let correct = |id: &str, extra: &[&str], env: Option<&str>| {
        let mut args = vec![
            "correct",
            id,
            "--reviewed",
            "--note",
            "checked",
            "--db",
            s(&db),
        ];
        args.extend_from_slice(extra);
        tally_as(env, &args);
    };
    correct(&ids[0], &["--user", "amna"], Some("bilal"));
    correct(&ids[1], &[], Some("bilal"));
    correct(&ids[2], &[], None);

    let show = ok(&["show", &ids[0], "--db", s(&db)]);
    assert!(show.contains("(checked) by amna"), "the flag wins: {show}");
    let history = ok(&["history", &ids[1], "--db", s(&db)]);
    assert!(history.contains("(checked) by bilal"), "{history}");
    let history = ok(&["history", &ids[2], "--db", s(&db)]);
    assert!(!history.contains(" by "), "nobody named: {history}");

    let jsonl = ok(&["export", "--format", "jsonl", "--db", s(&db)]);
    let by: BTreeMap<String, Option<String>> = jsonl
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["corrections"].is_array())
        .map(|v| {
            let name = v["corrections"][0]["by"].as_str().map(String::from);
            (v["id"].as_str().unwrap().to_string(), name)
        })
        .collect();
    assert_eq!(by[&ids[0]].as_deref(), Some("amna"));
    assert_eq!(by[&ids[1]].as_deref(), Some("bilal"));
    assert_eq!(by[&ids[2]], None);
    let csv = ok(&["export", "--format", "csv", "--db", s(&db)]);
    assert!(csv.contains("(checked, by amna)"), "{csv}");
}

#[test]
fn users_add_prints_a_token_and_keeps_only_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.tsv");
    let token = ok(&["users", "add", "amna", "--file", s(&file)]);
    let token = token.trim();
    assert_eq!(token.len(), 64, "{token}");
    let kept = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        kept,
        format!("amna\t{}\n", tally_store::content_hash(token))
    );
    assert!(!kept.contains(token));
    let again = tally(&["users", "add", "amna", "--file", s(&file)]);
    assert!(!again.status.success(), "a name is added once");
    ok(&["users", "add", "bilal", "--file", s(&file)]);
    let users = tally_web::Users::parse(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(users.identify(token), Some("amna"));
}
