//! End to end: a database coded with older data, corrected by an analyst,
//! recoded with the data built into this tally: the corrections kept, the
//! difference printed (the same by `--dry-run`), history telling the story
//! and every report saying which tally coded it.

mod common;

use common::{examples, ok, s};
use std::path::{Path, PathBuf};

/// The project's `data/` copied to `dir/old` without the Hafiz Gul Bahadur
/// group, so that its attacks code as another group's.
fn older_data(dir: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let old = dir.join("old");
    copy_dir(&src, &old);
    let groups = old.join("groups.tsv");
    let text = std::fs::read_to_string(&groups).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.contains("Bahadur")).collect();
    std::fs::write(&groups, kept.join("\n") + "\n").unwrap();
    old
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The exported incident holding article `article`.
fn exported_with(db: &str, article: &str) -> serde_json::Value {
    ok(&["export", "--format", "jsonl", "--db", db])
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| {
            v["articles"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a == article)
        })
        .unwrap()
}

/// The coder line `stats` prints for the single coder of the database.
fn single_coder(db: &str) -> String {
    let stats = ok(&["stats", "--db", db]);
    let tail = stats.split("reports by coder\n").nth(1).unwrap();
    let lines: Vec<&str> = tail.lines().collect();
    assert_eq!(lines.len(), 1, "{stats}");
    lines[0].trim().to_string()
}

#[test]
fn recode_keeps_corrections_prints_the_difference_and_tells_history() {
    let dir = tempfile::tempdir().unwrap();
    let old = older_data(dir.path());
    let db_path = dir.path().join("t.db");
    let db = s(&db_path);
    let ex = examples();
    ok(&["--data", s(&old), "ingest", s(&ex), "--db", db, "-q"]);
    let old_coder = single_coder(db);
    assert!(old_coder.starts_with("22  tally "), "{old_coder}");

    let bannu = exported_with(db, "ex_001");
    assert_eq!(bannu["group"], "Tehrik-i-Taliban Pakistan");
    let id = bannu["id"].as_str().unwrap().to_string();
    ok(&[
        "correct",
        &id,
        "--set",
        "killed.civilians=4",
        "--note",
        "hospital list",
        "--db",
        db,
    ]);

    let dry = ok(&["recode", "--dry-run", "-q", "--db", db]);
    assert_eq!(single_coder(db), old_coder, "a dry run writes nothing");
    let real = ok(&["recode", "-q", "--db", db]);
    let undry: String = dry
        .lines()
        .filter(|l| *l != "dry run: nothing was written")
        .map(|l| l.strip_prefix("dry run: ").unwrap_or(l).to_string() + "\n")
        .collect();
    assert_eq!(undry, real, "--dry-run and recode agree");
    assert!(
        real.contains("group: Tehrik-i-Taliban Pakistan -> Hafiz Gul Bahadur group in 2 incidents"),
        "{real}"
    );
    assert!(real.contains("0 new, 0 removed, 2 changed"), "{real}");

    let new_coder = single_coder(db);
    assert_ne!(new_coder, old_coder);
    let after = exported_with(db, "ex_001");
    assert_eq!(after["id"], id.as_str(), "the incident keeps its id");
    assert_eq!(after["group"], "Hafiz Gul Bahadur group");
    assert_eq!(after["killed"]["civilians"]["best"], 4, "correction kept");
    let coded_by = after["coded_by"].as_str().unwrap();
    assert!(new_coder.ends_with(coded_by), "{new_coder} / {coded_by}");

    let show = ok(&["show", &id, "--db", db]);
    assert!(
        show.contains("killed.civilians = 4  (hospital list)"),
        "{show}"
    );
    assert!(show.contains(&format!("coded by                   {coded_by}: ex_001")));
    let history: Vec<&str> = show.split("\nhistory\n").nth(1).unwrap().lines().collect();
    assert!(history[0].contains("new incident from ex_001"), "{show}");
    assert!(history[1].contains("analyst correction: killed.civilians set to 4"));
    assert!(
        history[2].contains(&format!(
            "recoded by {coded_by}: group Tehrik-i-Taliban Pakistan -> Hafiz Gul Bahadur group"
        )),
        "{show}"
    );
    let explain = ok(&["explain", &id, "--db", db]);
    assert!(explain.contains(&format!("coded by\n  {coded_by}: ex_001")));

    let again = ok(&["recode", "-q", "--db", db]);
    assert!(again.contains("0 with a different report"), "{again}");
    assert!(again.contains("0 changed"), "{again}");
}

#[test]
fn a_filtered_recode_codes_only_the_matching_incidents_articles() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("t.db");
    let db = s(&db_path);
    ok(&["ingest", s(&examples()), "--db", db, "-q"]);
    let out = ok(&[
        "recode",
        "--dry-run",
        "--district",
        "Bannu",
        "-q",
        "--db",
        db,
    ]);
    assert!(
        out.contains(": 4 articles coded again, 0 with a different report"),
        "{out}"
    );
}
