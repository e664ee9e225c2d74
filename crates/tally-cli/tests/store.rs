//! End-to-end tests of the database commands: ingest (incremental, idempotent,
//! crash-safe), list, stats, show, history, export, and the errors a user
//! can act on.

mod common;
use common::{examples, ok, s, tally};

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tally_store::{OpenMode, Store};
use tally_synth::SynthConfig;

fn err(args: &[&str]) -> String {
    let out = tally(args);
    assert!(!out.status.success(), "tally {args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn incidents_json(db: &Path) -> Vec<String> {
    let store = Store::open(db, OpenMode::Existing).expect("the database opens");
    store.incidents_json().expect("incidents read")
}

/// A synthetic corpus under `dir/articles`.
fn synth(dir: &Path, incidents: usize) -> PathBuf {
    let cfg = SynthConfig {
        incidents,
        seed: 11,
        ..Default::default()
    };
    tally_synth::generate(&cfg, dir).expect("synthetic corpus written");
    dir.join("articles")
}

/// Split a corpus folder into two, each with the whole manifest.
fn split(articles: &Path, a: &Path, b: &Path) {
    let mut files: Vec<PathBuf> = fs::read_dir(articles)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    for dir in [a, b] {
        fs::create_dir_all(dir).unwrap();
        fs::copy(articles.join("manifest.jsonl"), dir.join("manifest.jsonl")).unwrap();
    }
    for (i, f) in files.iter().enumerate() {
        let to = if i % 3 == 0 { b } else { a };
        fs::copy(f, to.join(f.file_name().unwrap())).unwrap();
    }
}

#[test]
fn ingest_in_two_steps_equals_one_run_and_reingest_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let articles = synth(&dir.path().join("syn"), 60);
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    split(&articles, &a, &b);
    let one = dir.path().join("one.db");
    let two = dir.path().join("two.db");
    ok(&["ingest", s(&a), s(&b), "--db", s(&one), "-q"]);
    ok(&["ingest", s(&a), "--db", s(&two), "-q"]);
    let second = ok(&["ingest", s(&b), "--db", s(&two), "-q"]);
    assert!(second.contains("already in the database"), "{second}");
    assert_eq!(incidents_json(&one), incidents_json(&two));
    let again = ok(&["ingest", s(&a), s(&b), "--db", s(&two), "-q"]);
    assert!(again.contains("articles: 0 read"), "{again}");
    assert!(
        again.contains("0 new, 0 updated") && again.contains("0 removed"),
        "{again}"
    );
    assert_eq!(incidents_json(&one), incidents_json(&two));
    // The incidents equal what `tally extract` codes from the same corpus.
    let extracted = ok(&["extract", s(&a), s(&b), "-q"]);
    assert_eq!(extracted.lines().count(), incidents_json(&one).len());
}

fn examples_db(dir: &Path) -> PathBuf {
    let db = dir.join("ex.db");
    let out = ok(&["ingest", s(&examples()), "--db", s(&db)]);
    assert!(out.contains("articles: 22 read"), "{out}");
    db
}

#[test]
fn list_stats_show_history_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let db = examples_db(dir.path());
    let db = s(&db);
    let table = ok(&["list", "--db", db]);
    let header = table.lines().next().unwrap();
    for col in [
        "id", "date", "province", "district", "type", "group", "killed",
    ] {
        assert!(header.contains(col), "{header}");
    }
    let kp = ok(&["list", "--db", db, "--province", "KP", "--format", "jsonl"]);
    assert!(kp.lines().count() >= 5);
    for l in kp.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["admin1"], "Khyber Pakhtunkhwa");
    }
    let limited = ok(&["list", "--db", db, "--limit", "2", "--format", "csv"]);
    assert_eq!(limited.lines().count(), 3);
    let big = ok(&[
        "list",
        "--db",
        db,
        "--min-killed",
        "10",
        "--format",
        "jsonl",
    ]);
    assert!(big.lines().count() >= 1);

    let stats = ok(&["stats", "--db", db, "--by", "province", "--format", "csv"]);
    assert!(
        stats.starts_with("province,incidents,killed_total"),
        "{stats}"
    );
    assert!(stats.contains("Balochistan"));

    let id = table
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    let show = ok(&["show", &id[..10], "--db", db]);
    assert!(show.contains(id) && show.contains("history") && show.contains("new incident from"));
    assert!(show.contains('"'), "sentences are quoted: {show}");
    let hist = ok(&["history", id, "--db", db]);
    assert!(hist.contains("v1"), "{hist}");

    let csv = ok(&["export", "--format", "csv", "--db", db]);
    let head = csv.lines().next().unwrap();
    assert!(head.starts_with("event_id_cnty,event_date,year,time_precision,event_type"));
    assert!(head.contains("killed_security_forces_best") && head.contains("claimed"));
    assert_eq!(csv.lines().count(), table.lines().count());
    let geo = ok(&["export", "--format", "geojson", "--db", db]);
    let geo: serde_json::Value = serde_json::from_str(&geo).unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    let first = &geo["features"][0];
    assert_eq!(first["geometry"]["type"], "Point");
    let out = dir.path().join("x.jsonl");
    ok(&["export", "--format", "jsonl", "--db", db, "-o", s(&out)]);
    let jsonl = fs::read_to_string(&out).unwrap();
    assert_eq!(jsonl.lines().count(), table.lines().count() - 1);
}

#[test]
fn a_correction_shows_in_show_history_and_exports_and_survives_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ex.db");
    let db = s(&db);
    // Half the examples first, so the correction meets a later ingest.
    let (early, late) = (dir.path().join("early"), dir.path().join("late"));
    split(&examples(), &early, &late);
    ok(&["ingest", s(&early), "--db", db]);
    let id = ok(&["list", "--db", db, "--format", "csv"])
        .lines()
        .nth(1)
        .and_then(|l| l.split(',').next())
        .map(str::to_string)
        .unwrap();
    let set = "killed.civilians=2/3/";
    ok(&[
        "correct",
        &id,
        "--set",
        set,
        "--note",
        "district hospital list",
        "--db",
        db,
    ]);
    ok(&["ingest", s(&late), "--db", db]);
    let show = ok(&["show", &id, "--db", db]);
    assert!(show.contains("analyst corrections"), "{show}");
    assert!(show.contains("district hospital list"), "{show}");
    let hist = ok(&["history", &id, "--db", db]);
    assert!(
        hist.contains("analyst correction: killed.civilians set to 2/3/"),
        "{hist}"
    );
    let csv = ok(&["export", "--format", "csv", "--db", db]);
    let row = csv.lines().find(|l| l.starts_with(&id)).unwrap();
    assert!(
        row.contains("true,killed.civilians=2/3/ (district hospital list)"),
        "{row}"
    );
    let jsonl = ok(&["export", "--format", "jsonl", "--db", db]);
    let line = jsonl.lines().find(|l| l.contains(&id)).unwrap();
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(v["killed"]["civilians"]["best"], 3);
    assert_eq!(v["corrections"][0]["note"], "district hospital list");

    let e = err(&[
        "correct",
        &id,
        "--set",
        "colour=red",
        "--note",
        "x",
        "--db",
        db,
    ]);
    assert!(e.contains("correctable fields are"), "{e}");
    let e = err(&["correct", &id, "--split", "nope", "--note", "x", "--db", db]);
    assert!(e.contains("not a report of"), "{e}");
}

#[test]
fn correct_sets_targets_from_the_schema_vocabulary() {
    let dir = tempfile::tempdir().unwrap();
    let db = examples_db(dir.path());
    let db = s(&db);
    let first = ok(&["list", "--db", db, "--format", "jsonl"]);
    let v: serde_json::Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    let id = v["id"].as_str().unwrap().to_string();
    let set = ["correct", &id, "--set", "targets=police,civilians"];
    ok(&[&set[..], &["--note", "two buses hit", "--db", db]].concat());
    let line = ok(&["export", "--format", "jsonl", "--db", db])
        .lines()
        .find(|l| l.contains(&id))
        .map(str::to_string)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["targets"], serde_json::json!(["police", "civilians"]));
    let hist = ok(&["history", &id, "--db", db]);
    assert!(hist.contains("targets set to police,civilians"), "{hist}");

    let bad = ["correct", &id, "--set", "targets=police,soldiers"];
    let e = err(&[&bad[..], &["--note", "x", "--db", db]].concat());
    assert!(e.contains("\"soldiers\" is not a target"), "{e}");
    assert!(
        e.contains("police, military, paramilitary, civilians"),
        "{e}"
    );
}

#[test]
fn errors_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db");
    assert!(err(&["list", "--db", s(&missing)]).contains("tally ingest"));
    let db = examples_db(dir.path());
    let db = s(&db);
    let e = err(&["list", "--db", db, "--province", "Balochstan"]);
    assert!(e.contains("did you mean Balochistan"), "{e}");
    let e = err(&["stats", "--db", db, "--group", "Tehrik-i-Talban Pakistan"]);
    assert!(e.contains("did you mean Tehrik-i-Taliban Pakistan"), "{e}");
    let e = err(&["list", "--db", db, "--since", "last week"]);
    assert!(e.contains("YYYY-MM-DD"), "{e}");
    let e = err(&["show", "inc-nope", "--db", db]);
    assert!(e.contains("no incident inc-nope"), "{e}");
}

#[test]
fn an_ambiguous_prefix_says_how_many_it_did_not_list() {
    let dir = tempfile::tempdir().unwrap();
    let db = examples_db(dir.path());
    let db = s(&db);
    let all = ok(&["list", "--db", db, "--format", "jsonl"])
        .lines()
        .count();
    assert!(all > 6, "the examples give more incidents than are listed");
    let e = err(&["show", "inc-", "--db", db]);
    assert!(
        e.contains(&format!("{all} incidents start with inc-")),
        "{e}"
    );
    assert!(e.contains(&format!("and {} more", all - 6)), "{e}");
    let shown = e.matches("inc-").count() - 1;
    assert_eq!(shown, 6, "{e}");
}

#[test]
fn a_database_from_a_newer_tally_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = examples_db(dir.path());
    // PRAGMA user_version lives at offset 60 of the header (big-endian).
    let mut bytes = fs::read(&db).unwrap();
    bytes[60..64].copy_from_slice(&99u32.to_be_bytes());
    fs::write(&db, &bytes).unwrap();
    let e = err(&["ingest", s(&examples()), "--db", s(&db)]);
    assert!(
        e.contains("newer tally") && e.contains("not modified"),
        "{e}"
    );
    let e = err(&["list", "--db", s(&db)]);
    assert!(e.contains("newer tally"), "{e}");
    assert_eq!(fs::read(&db).unwrap(), bytes);
}

/// A pseudo-random fraction in [0, 1) from the clock.
fn jitter() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    f64::from(nanos % 1000) / 1000.0
}

#[test]
fn sigkill_mid_ingest_leaves_the_database_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let articles = synth(&dir.path().join("syn"), 800);
    let reference = dir.path().join("ref.db");
    let start = Instant::now();
    ok(&["ingest", s(&articles), "--db", s(&reference), "-q"]);
    let full = start.elapsed();

    let db = dir.path().join("killed.db");
    // A small first ingest, so the kill interrupts an update of a non-empty DB.
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    split(&articles, &a, &b);
    ok(&["ingest", s(&b), "--db", s(&db), "-q"]);
    let before = incidents_json(&db);
    let delay = full.mul_f64(0.3 + 0.7 * jitter());
    let mut child = Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(["ingest", s(&articles), "--db", s(&db), "-q"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay.max(Duration::from_millis(50)));
    let finished = child.try_wait().unwrap().is_some();
    child.kill().ok(); // SIGKILL on Unix
    child.wait().unwrap();

    let store = Store::open(&db, OpenMode::Existing).unwrap();
    let health = store.check().unwrap();
    assert_eq!(health.integrity, "ok");
    assert_eq!(health.articles_without_report, 0);
    if !finished {
        // Killed between its commit and its exit, the ingest is whole;
        // otherwise nothing of it may show. Never anything in between.
        let after = store.incidents_json().unwrap();
        assert!(
            after == before || after == incidents_json(&reference),
            "killed after {delay:?}: a half-ingested database"
        );
    }
    drop(store);
    ok(&["ingest", s(&articles), "--db", s(&db), "-q"]);
    assert_eq!(incidents_json(&db), incidents_json(&reference));
}

#[test]
fn csv_codes_operations_as_the_state_acting_on_the_group() {
    let dir = tempfile::tempdir().unwrap();
    let db = examples_db(dir.path());
    let db = s(&db);
    let groups: HashMap<String, serde_json::Value> =
        ok(&["export", "--format", "jsonl", "--db", db])
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .map(|v| (v["id"].as_str().unwrap().to_string(), v["group"].clone()))
            .collect();
    let csv = ok(&["export", "--format", "csv", "--db", db]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let head = reader.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let mut operations = 0;
    for row in reader.records().map(Result::unwrap) {
        let group = groups[&row[col("event_id_cnty")]].as_str().unwrap_or("");
        let (actor1, actor2) = (&row[col("actor1")], &row[col("actor2")]);
        let notes = &row[col("notes")];
        if &row[col("tally_event_type")] == "security_operation" {
            operations += 1;
            assert!(
                actor1.ends_with("Forces of Pakistan") || actor1 == "Security forces of Pakistan",
                "{actor1}"
            );
            assert_eq!(actor2, group);
            assert!(
                notes.contains(&format!("by {actor1} against {group}")),
                "{notes}"
            );
        } else {
            assert_eq!(actor1, group);
            assert!(!actor2.contains("Security forces"), "{actor2}");
        }
    }
    assert!(operations >= 2, "the examples hold security operations");
}

#[test]
fn explain_reads_a_stored_incident_without_the_articles() {
    let dir = tempfile::tempdir().unwrap();
    // A copy of the examples, removed once ingested: explain must need only the database.
    let copy = dir.path().join("articles");
    fs::create_dir_all(&copy).unwrap();
    for entry in fs::read_dir(examples()).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, copy.join(path.file_name().unwrap())).unwrap();
    }
    let db = dir.path().join("ex.db");
    let db = s(&db);
    ok(&["ingest", s(&copy), "--db", db]);
    fs::remove_dir_all(&copy).unwrap();
    let merged = ok(&["list", "--db", db, "--format", "jsonl"])
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["articles"].as_array().unwrap().len() > 1 && !v["killed"]["total"].is_null())
        .expect("a merged incident with a death toll");
    let id = merged["id"].as_str().unwrap();

    let out = ok(&["explain", &id[..10], "--db", db]);
    assert!(out.starts_with(&format!("incident {id}")), "{out}");
    assert!(out.contains("killed.total") && out.contains('"'), "{out}");
    for article in merged["articles"].as_array().unwrap() {
        assert!(out.contains(article.as_str().unwrap()), "{out}");
    }
    assert!(
        out.contains("\nrelevance\n") && out.contains("news"),
        "{out}"
    );
    assert!(out.contains("this database's prior"), "{out}");
    assert!(out.contains("   with "), "a partner report: {out}");

    let from_files = ok(&["explain", id, s(&examples())]);
    let fields = |text: &str| text.split("\nrelevance\n").next().unwrap().to_string();
    assert_eq!(
        fields(&out),
        fields(&from_files),
        "the same fields and sentences"
    );
    let e = err(&["explain", id, s(&examples()), "--db", db]);
    assert!(e.contains("cannot be used with"), "{e}");
}
