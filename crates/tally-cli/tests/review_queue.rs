//! End to end: the review queue over the bundled examples. `tally review`
//! lists queued incidents with their reasons, `correct --reviewed` takes
//! one off, `show` prints doubts, exports carry confidence and doubts.

mod common;
use common::{examples, ok, s};

fn first_queued(listing: &str) -> String {
    listing
        .lines()
        .find_map(|l| {
            l.split_whitespace()
                .nth(1)
                .filter(|w| w.starts_with("inc-"))
        })
        .expect("the examples put an incident on the queue")
        .to_string()
}

/// `tally review` on `db`, ranked as on 1 March 2026.
fn queue_of(db: &std::path::Path) -> String {
    ok(&[
        "review",
        "--db",
        s(db),
        "--limit",
        "50",
        "--today",
        "2026-03-01",
    ])
}

#[test]
fn the_queue_lists_reasons_and_reviewing_takes_an_incident_off() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    ok(&["ingest", s(&examples()), "--db", s(&db), "-q"]);
    let queue = queue_of(&db);
    let id = first_queued(&queue);
    assert!(queue.contains("expected wrong fields"), "{queue}");
    assert!(
        queue.contains("       - "),
        "each entry gives its reasons: {queue}"
    );

    let shown = ok(&["show", &id, "--db", s(&db)]);
    assert!(shown.contains("on the review queue"), "{shown}");
    assert!(shown.contains("doubts"), "{shown}");

    ok(&[
        "correct",
        &id,
        "--reviewed",
        "--note",
        "checked the police statement",
        "--db",
        s(&db),
    ]);
    let after = queue_of(&db);
    assert!(!after.contains(&id), "{id} left the queue: {after}");
    assert_eq!(
        after.matches("inc-").count() + 1,
        queue.matches("inc-").count()
    );
    let history = ok(&["history", &id, "--db", s(&db)]);
    assert!(history.contains("analyst reviewed"), "{history}");
    let queued = ok(&["list", "--needs-review", "--db", s(&db), "--format", "csv"]);
    assert!(!queued.contains(&id));
}

#[test]
fn exports_carry_confidence_and_doubts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    ok(&["ingest", s(&examples()), "--db", s(&db), "-q"]);
    let jsonl = ok(&["export", "--format", "jsonl", "--db", s(&db)]);
    let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert!(first["confidence"]["incident"].is_number(), "{first}");
    assert!(first["confidence"]["fields"]["killed.total"].is_number());
    assert!(jsonl.contains("\"doubts\""));
    let csv = ok(&["export", "--format", "csv", "--db", s(&db)]);
    let header = csv.lines().next().unwrap();
    for column in [
        "confidence",
        "expected_wrong_fields",
        "needs_review",
        "doubts",
    ] {
        assert!(
            header.split(',').any(|c| c == column),
            "{column} in {header}"
        );
    }
    let geo = ok(&["export", "--format", "geojson", "--db", s(&db)]);
    assert!(geo.contains("\"needs_review\"") && geo.contains("\"confidence\""));
}
