//! End-to-end tests: run the `tally` binary on the project's own example
//! articles and on bad input.

mod common;
use common::{examples, tally};

use std::path::Path;
use std::process::Output;

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn codes_the_examples_into_schema_incidents() {
    let out = tally(&["extract", examples().to_str().unwrap(), "-q"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let incidents = lines(&out);
    assert!(incidents.len() >= 10, "only {} incidents", incidents.len());
    for inc in &incidents {
        for key in [
            "id",
            "articles",
            "role",
            "date",
            "country",
            "admin1",
            "admin2",
            "place",
            "lat",
            "lon",
            "event_type",
            "group",
            "claimed",
            "targets",
            "killed",
            "injured",
            "evidence",
        ] {
            assert!(inc.get(key).is_some(), "missing {key} in {inc}");
        }
    }
    // Several outlets reporting one attack become one incident.
    assert!(incidents
        .iter()
        .any(|i| i["articles"].as_array().is_some_and(|a| a.len() >= 2)));
}

#[test]
fn output_does_not_depend_on_argument_order() {
    let dir = examples();
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path().display().to_string())
        .filter(|p| p.ends_with(".txt"))
        .collect();
    files.sort();
    let manifest = dir.join("manifest.jsonl").display().to_string();
    let run = |files: &[String]| {
        let mut args = vec!["extract", "-q", "--manifest", manifest.as_str()];
        args.extend(files.iter().map(String::as_str));
        tally(&args).stdout
    };
    let forward = run(&files);
    files.reverse();
    assert_eq!(forward, run(&files));
}

#[test]
fn no_merge_keeps_one_article_per_incident() {
    let out = tally(&["extract", examples().to_str().unwrap(), "-q", "--no-merge"]);
    assert!(out.status.success());
    for inc in lines(&out) {
        assert_eq!(inc["articles"].as_array().map(|a| a.len()), Some(1));
    }
}

#[test]
fn bad_input_is_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.txt"), "").unwrap();
    std::fs::write(
        dir.path().join("binary.txt"),
        [0u8, 159, 146, 150, 0, 1, 2, 3],
    )
    .unwrap();
    let mut latin1 = b"PESHAWAR: Militants attacked a police post in Bannu, killing two policemen. Caf\xe9 owners fled.".to_vec();
    latin1.push(b'\n');
    std::fs::write(dir.path().join("latin1.txt"), latin1).unwrap();
    let out = tally(&["extract", dir.path().to_str().unwrap(), "-q"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("empty"), "{stderr}");
    assert!(stderr.contains("binary"), "{stderr}");
    assert!(stderr.contains("UTF-8"), "{stderr}");
    assert_eq!(lines(&out).len(), 1);
}

#[test]
fn nothing_readable_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = tally(&["extract", dir.path().to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no article could be read"));
    let out = tally(&["extract", "/no/such/path"]);
    assert!(!out.status.success());
}

#[test]
fn a_huge_file_does_not_break_anything() {
    let dir = tempfile::tempdir().unwrap();
    let para =
        "Militants attacked a police checkpost in Lakki Marwat on Monday, killing two policemen. ";
    let text = para.repeat(50_000_000 / para.len());
    std::fs::write(dir.path().join("huge.txt"), text).unwrap();
    let out = tally(&["extract", dir.path().to_str().unwrap(), "-q"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("only the first"));
}

#[test]
fn explain_prints_the_sentences_behind_an_incident() {
    let out = tally(&["extract", examples().to_str().unwrap(), "-q"]);
    let incidents = lines(&out);
    let with_figures = incidents
        .iter()
        .find(|i| !i["killed"]["total"].is_null())
        .expect("an incident with a death toll");
    let id = with_figures["id"].as_str().unwrap();
    let out = tally(&["explain", id, examples().to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("killed.total"));
    assert!(text.contains('"'), "quotes sentences: {text}");
}

/// Issue 11's classes of split: a funeral two days later, a toll update,
/// a digest item and a press release each join the incident they tell.
#[test]
fn merging_joins_follow_ups_digests_and_releases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/merging");
    let out = tally(&["extract", dir.to_str().unwrap(), "-q"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let incidents = lines(&out);
    let groups: Vec<Vec<String>> = incidents
        .iter()
        .map(|i| {
            let mut a: Vec<String> = i["articles"]
                .as_array()
                .map(|v| {
                    v.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            a.sort();
            a
        })
        .collect();
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert!(groups.contains(&vec![
        "funeral_follow_up".to_string(),
        "news_story".to_string(),
        "toll_update".to_string(),
        "weekly_digest".to_string(),
    ]));
    assert!(groups.contains(&vec![
        "press_release".to_string(),
        "weekly_digest".to_string(),
    ]));
}

/// The first ```json block of a document of the project.
fn json_example(doc: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(doc);
    let text = std::fs::read_to_string(&path).unwrap();
    let block = text
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_else(|| panic!("{doc} has no ```json example"));
    serde_json::from_str(block).unwrap_or_else(|e| panic!("{doc}'s example is not JSON: {e}"))
}

/// README and docs/FORMAT.md show a real line of `tally extract
/// examples/articles`; when coding changes it, paste the new line.
#[test]
fn the_documented_example_is_real_output() {
    let out = tally(&["extract", examples().to_str().unwrap(), "-q"]);
    let incidents = lines(&out);
    for doc in ["README.md", "docs/FORMAT.md"] {
        let shown = json_example(doc);
        let real = incidents.iter().find(|i| i["id"] == shown["id"]);
        assert_eq!(
            real,
            Some(&shown),
            "{doc}'s example differs from `tally extract examples/articles`"
        );
    }
}

#[test]
fn help_points_to_the_format_documentation() {
    for args in [&["--help"][..], &["extract", "--help"]] {
        let out = tally(args);
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(help.contains("docs/FORMAT.md"), "tally {args:?}: {help}");
    }
}
