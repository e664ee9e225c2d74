//! End-to-end: values that would be spreadsheet formulas (here an analyst's
//! correction; equally an article's outlet or a group name) leave every CSV
//! tally writes as text, while numbers stay numbers.

mod common;
use common::ok;

use std::path::Path;

const FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"click\")";

#[test]
fn csv_cells_that_look_like_formulas_are_quoted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let db = db.to_str().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/articles");
    ok(&["ingest", examples.to_str().unwrap(), "--db", db, "-q"]);
    let list = ok(&["list", "--db", db, "--format", "csv"]);
    let id = list.lines().nth(1).unwrap().split(',').next().unwrap();
    let set = format!("group={FORMULA}");
    ok(&[
        "correct",
        id,
        "--set",
        &set,
        "--note",
        "@SUM(1+1)",
        "--db",
        db,
    ]);
    let set = "lon=-71.5";
    ok(&["correct", id, "--set", set, "--note", "test", "--db", db]);

    let list = ok(&["list", "--db", db, "--format", "csv"]);
    let row = list.lines().find(|l| l.starts_with(id)).unwrap();
    assert!(row.contains(",\"'=HYPERLINK("), "{row}");

    let export = ok(&["export", "--format", "csv", "--db", db]);
    let row = export.lines().find(|l| l.starts_with(id)).unwrap();
    assert!(row.contains(",\"'=HYPERLINK("), "{row}");
    assert!(
        row.contains(",-71.5,"),
        "a negative longitude stays a number: {row}"
    );
    assert!(!row.contains(",=") && !row.contains(",\"="), "{row}");
}
