use super::*;
use tally_model::{ArticleMeta, Casualties, Count, EventType, Evidence, IncidentDate, Role};

fn incident(article: &str, day: u32, district: &str, killed: u32) -> Incident {
    Incident {
        id: format!("{article}-1"),
        articles: vec![article.to_string()],
        role: Role::Main,
        date: Some(IncidentDate::day(2023, 5, day)),
        country: "Pakistan".into(),
        admin1: Some("Khyber Pakhtunkhwa".into()),
        admin2: Some(district.into()),
        place: None,
        lat: Some(34.0),
        lon: Some(71.5),
        event_type: EventType::Bombing,
        group: Some("TTP".into()),
        claimed: false,
        targets: vec![],
        killed: Casualties {
            total: Some(Count::exact(killed)),
            ..Default::default()
        },
        injured: Casualties::default(),
        corrections: Vec::new(),
        evidence: vec![Evidence {
            article: article.into(),
            start: 0,
            end: 10,
            field: "killed.total".into(),
            value: Some(killed.to_string()),
            source: None,
        }],
    }
}

fn article(id: &str, text: &str, incidents: Vec<Incident>) -> (Article, ArticleReport) {
    let meta = ArticleMeta {
        id: id.into(),
        outlet: Some("Dawn".into()),
        url: None,
        published: Some(IncidentDate::day(2023, 5, 20)),
    };
    let report = ArticleReport {
        meta: meta.clone(),
        published: meta.published,
        incidents,
        diagnostics: vec![],
    };
    let article = Article {
        meta,
        text: text.into(),
    };
    (article, report)
}

fn corpus() -> Vec<(Article, ArticleReport)> {
    vec![
        article(
            "a",
            "Blast in Peshawar kills 9.",
            vec![incident("a", 10, "Peshawar", 9)],
        ),
        article("b", "Quetta attack.", vec![incident("b", 14, "Quetta", 3)]),
        article(
            "c",
            "Peshawar toll rises to 12.",
            vec![incident("c", 10, "Peshawar", 12)],
        ),
        article("d", "Bannu attack.", vec![incident("d", 2, "Bannu", 1)]),
    ]
}

fn ingest(store: &mut Store, batch: &[(Article, ArticleReport)]) -> IngestSummary {
    let mut ing = store.begin_ingest().unwrap();
    for (a, r) in batch {
        ing.add(a, r.clone()).unwrap();
    }
    ing.finish().unwrap()
}

fn temp_store(dir: &tempfile::TempDir, name: &str) -> Store {
    Store::open(&dir.path().join(name), OpenMode::Create).unwrap()
}

#[test]
fn creates_the_schema_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let store = temp_store(&dir, "t.db");
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    drop(store);
    let store = Store::open(&dir.path().join("t.db"), OpenMode::Existing).unwrap();
    assert_eq!(store.check().unwrap().integrity, "ok");
}

#[test]
fn refuses_a_missing_database_for_queries() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open(&dir.path().join("none.db"), OpenMode::Existing).err();
    assert!(matches!(err, Some(StoreError::Missing { .. })));
}

#[test]
fn refuses_a_newer_database_without_touching_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path, OpenMode::Create).err().unwrap();
    assert!(matches!(err, StoreError::NewerSchema { .. }));
    assert!(err.to_string().contains("newer tally"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(!dir.path().join("new.db-wal").exists());
}

#[test]
fn incremental_ingest_equals_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let all = corpus();
    let mut one = temp_store(&dir, "one.db");
    ingest(&mut one, &all);
    let mut two = temp_store(&dir, "two.db");
    ingest(&mut two, &all[..2]);
    let s = ingest(&mut two, &all[2..]);
    assert_eq!(s.articles_added, 2);
    assert_eq!(one.incidents_json().unwrap(), two.incidents_json().unwrap());
    // The Peshawar reports are one incident.
    assert_eq!(one.counts().unwrap(), (4, 3));
}

/// A database as tally with schema version 1 wrote it: articles, reports
/// and incidents with their JSON inline, no sketches.
fn version_1_database(path: &std::path::Path, batch: &[(Article, ArticleReport)]) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(schema::V1).unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    for (a, r) in batch {
        conn.execute(
            "INSERT INTO articles (id, hash, text, ingested_at) VALUES (?1, ?2, ?3, 'then')",
            rusqlite::params![a.meta.id, content_hash(&a.text), a.text],
        )
        .unwrap();
        let json = serde_json::to_string(r).unwrap();
        conn.execute(
            "INSERT INTO reports (article, json) VALUES (?1, ?2)",
            rusqlite::params![a.meta.id, json],
        )
        .unwrap();
    }
    let reports: Vec<ArticleReport> = batch.iter().map(|(_, r)| r.clone()).collect();
    for inc in tally_merge::merge(&reports) {
        let json = serde_json::to_string(&inc).unwrap();
        conn.execute(
            "INSERT INTO incidents (id, role, event_type, claimed, articles, hash, json)
             VALUES (?1, 'main', 'bombing', 0, 1, ?2, ?3)",
            rusqlite::params![inc.id, content_hash(&json), json],
        )
        .unwrap();
    }
}

#[test]
fn a_version_1_database_is_upgraded_and_sketched() {
    let dir = tempfile::tempdir().unwrap();
    let all = corpus();
    let mut one = temp_store(&dir, "one.db");
    ingest(&mut one, &all);
    let path = dir.path().join("old.db");
    version_1_database(&path, &all[..2]);
    let mut upgraded = Store::open(&path, OpenMode::Create).unwrap();
    assert_eq!(upgraded.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(upgraded.counts().unwrap(), (2, 2));
    ingest(&mut upgraded, &all[2..]);
    assert_eq!(
        one.incidents_json().unwrap(),
        upgraded.incidents_json().unwrap()
    );
    assert_eq!(upgraded.check().unwrap().integrity, "ok");
}

#[test]
fn known_texts_are_skipped_and_taken_ids_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = temp_store(&dir, "t.db");
    let all = corpus();
    ingest(&mut store, &all);
    let mut ing = store.begin_ingest().unwrap();
    let (a, r) = &all[0];
    let out = ing.add(a, r.clone()).unwrap();
    assert_eq!(out, AddOutcome::AlreadyKnown { id: "a".into() });
    let (mut a2, r2) = all[0].clone();
    a2.text.push_str(" Updated.");
    assert!(matches!(
        ing.add(&a2, r2).unwrap(),
        AddOutcome::Rejected { .. }
    ));
    let s = ing.finish().unwrap();
    assert_eq!(
        s.incidents_new + s.incidents_updated + s.incidents_removed,
        0
    );
    assert_eq!(s.incidents_unchanged, 3);
}

#[test]
fn dropping_an_ingest_rolls_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = temp_store(&dir, "t.db");
    {
        let mut ing = store.begin_ingest().unwrap();
        let (a, r) = &corpus()[0];
        ing.add(a, r.clone()).unwrap();
    }
    assert_eq!(store.counts().unwrap(), (0, 0));
}

#[test]
fn history_records_why() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = temp_store(&dir, "t.db");
    let all = corpus();
    ingest(&mut store, &all[..1]);
    ingest(&mut store, &all[2..3]);
    let id = store.list(&Filter::default(), None).unwrap()[0].id.clone();
    let h = store.history(&id).unwrap();
    assert_eq!(h.len(), 2, "{h:?}");
    assert_eq!(h[0].reason, "new incident from a");
    assert!(
        h[1].reason.contains("report c merged in"),
        "{}",
        h[1].reason
    );
    assert!(
        h[1].reason.contains("killed.total best 9 -> 12"),
        "{}",
        h[1].reason
    );
}

#[test]
fn a_new_earliest_report_replaces_an_incident() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = temp_store(&dir, "t.db");
    // "c" alone first; then "a" (whose id sorts first) joins it.
    let all = corpus();
    ingest(&mut store, &all[2..3]);
    let before = store.list(&Filter::default(), None).unwrap()[0].id.clone();
    let s = ingest(&mut store, &all[..1]);
    let after = store.list(&Filter::default(), None).unwrap()[0].id.clone();
    if before != after {
        assert_eq!(s.incidents_removed, 1);
        let h = store.history(&before).unwrap();
        assert_eq!(
            h.last().unwrap().reason,
            format!("removed: merged into {after}")
        );
    } else {
        assert_eq!(s.incidents_updated, 1);
    }
}

#[test]
fn filters_and_stats() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = temp_store(&dir, "t.db");
    ingest(&mut store, &corpus());
    let f = Filter {
        admin2: Some("peshawar".into()),
        ..Default::default()
    };
    let rows = store.list(&f, None).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].killed, Some(12));
    assert_eq!(rows[0].articles, 2);
    let f = Filter {
        since: IncidentDate::parse("2023-05-03"),
        until: IncidentDate::parse("2023-05"),
        ..Default::default()
    };
    assert_eq!(store.list(&f, None).unwrap().len(), 2);
    let f = Filter {
        min_killed: Some(4),
        ..Default::default()
    };
    assert_eq!(store.list(&f, None).unwrap().len(), 1);
    let all = store.stats(&Filter::default(), None).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].incidents, 3);
    assert_eq!(all[0].killed.total, 16);
    let by = store
        .stats(&Filter::default(), Some(GroupBy::District))
        .unwrap();
    let keys: Vec<_> = by
        .iter()
        .map(|r| r.key.clone().unwrap_or_default())
        .collect();
    assert_eq!(keys, ["Bannu", "Peshawar", "Quetta"]);
    assert_eq!(store.distinct(Column::Group).unwrap(), ["TTP"]);
}

#[test]
fn evidence_ledger_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = temp_store(&dir, "t.db");
    ingest(&mut store, &corpus());
    let id = store.ids_with_prefix("", 10).unwrap()[0].clone();
    let inc = store.incident(&id).unwrap().unwrap();
    let src = store.sources(&inc.articles).unwrap();
    assert_eq!(src.len(), inc.articles.len());
    let n: i64 = store
        .conn
        .query_row("SELECT COUNT(*) FROM evidence", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 4);
    assert!(store.incident("nope").unwrap().is_none());
    assert_eq!(store.check().unwrap().articles_without_report, 0);
}

#[test]
fn content_hash_is_stable_hex() {
    assert_eq!(
        content_hash("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

fn id_in(store: &Store, district: &str) -> String {
    let filter = Filter {
        admin2: Some(district.into()),
        ..Filter::default()
    };
    let rows = store.list(&filter, None).unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows[0].id.clone()
}

fn set(field: &str, value: &str) -> Review {
    Review::Set {
        field: field.into(),
        value: Some(value.into()),
    }
}

#[test]
fn a_correction_survives_later_ingests_and_shows_in_history() {
    let dir = tempfile::tempdir().unwrap();
    let all = corpus();
    let mut store = temp_store(&dir, "t.db");
    ingest(&mut store, &all[..2]);
    let id = id_in(&store, "Peshawar");
    store
        .review(&id, &set("group", "Lashkar-e-Jhangvi"), "claim video seen")
        .unwrap();
    // A later report of the same incident refolds it; the correction stays.
    ingest(&mut store, &all[2..]);
    let inc = store.incident(&id).unwrap().unwrap();
    assert_eq!(inc.articles, ["a", "c"]);
    assert_eq!(inc.group.as_deref(), Some("Lashkar-e-Jhangvi"));
    assert_eq!(inc.corrections.len(), 1);
    assert_eq!(inc.corrections[0].note, "claim video seen");
    let reasons: Vec<String> = store
        .history(&id)
        .unwrap()
        .into_iter()
        .map(|h| h.reason)
        .collect();
    assert!(
        reasons[1]
            .starts_with("analyst correction: group set to Lashkar-e-Jhangvi (claim video seen)"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].contains("group TTP -> Lashkar-e-Jhangvi"),
        "{reasons:?}"
    );
}

#[test]
fn corrections_apply_the_same_before_or_after_an_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let all = corpus();
    let mut early = temp_store(&dir, "early.db");
    ingest(&mut early, &all[..2]);
    let id = id_in(&early, "Peshawar");
    early
        .review(&id, &set("killed.civilians", "5"), "hospital list")
        .unwrap();
    ingest(&mut early, &all[2..]);
    let mut late = temp_store(&dir, "late.db");
    ingest(&mut late, &all);
    late.review(&id, &set("killed.civilians", "5"), "hospital list")
        .unwrap();
    let strip = |store: &Store| -> Vec<Incident> {
        let mut v = store.incidents(&Filter::default(), None).unwrap();
        v.iter_mut()
            .flat_map(|i| &mut i.corrections)
            .for_each(|c| c.at.clear());
        v
    };
    assert_eq!(strip(&early), strip(&late));
}

#[test]
fn split_and_merge_hold_across_ingests() {
    let dir = tempfile::tempdir().unwrap();
    let all = corpus();
    let mut store = temp_store(&dir, "t.db");
    ingest(&mut store, &all[..3]);
    let peshawar = id_in(&store, "Peshawar");
    let split = Review::Split {
        article: "c".into(),
    };
    store
        .review(&peshawar, &split, "a different blast")
        .unwrap();
    assert_eq!(store.counts().unwrap(), (3, 3));
    let quetta = id_in(&store, "Quetta");
    let merge = Review::Merge {
        other: peshawar.clone(),
    };
    store
        .review(&quetta, &merge, "one coordinated attack")
        .unwrap();
    assert_eq!(store.counts().unwrap(), (3, 2));
    ingest(&mut store, &all[3..]);
    assert_eq!(store.counts().unwrap(), (4, 3));
    let merged = store.incidents(&Filter::default(), None).unwrap();
    let groups: Vec<Vec<String>> = merged.iter().map(|i| i.articles.clone()).collect();
    assert!(
        groups.contains(&vec!["a".to_string(), "b".to_string()]),
        "{groups:?}"
    );
    assert!(groups.contains(&vec!["c".to_string()]), "{groups:?}");
}

#[test]
fn bad_reviews_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = temp_store(&dir, "t.db");
    ingest(&mut store, &corpus());
    let id = id_in(&store, "Quetta");
    let err = |r: Result<IngestSummary>| r.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err(store.review(&id, &set("group", "X"), " ")).contains("needs a note"));
    assert!(err(store.review("inc-none", &set("group", "X"), "n")).contains("no incident"));
    assert!(err(store.review(&id, &set("date", "soon"), "n")).contains("not a date"));
    let split = Review::Split {
        article: "b".into(),
    };
    assert!(err(store.review(&id, &split, "n")).contains("nothing to split"));
    assert_eq!(store.history(&id).unwrap().len(), 1);
}
