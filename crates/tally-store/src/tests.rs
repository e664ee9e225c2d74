use super::*;
use std::path::PathBuf;
use tally_model::{ArticleMeta, Casualties, Count, EventType, Evidence, IncidentDate, Role};

pub(crate) fn incident(article: &str, day: u32, district: &str, killed: u32) -> Incident {
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
        foiled: false,
        targets: vec![],
        killed: Casualties {
            total: Some(Count::exact(killed)),
            ..Default::default()
        },
        injured: Casualties::default(),
        corrections: Vec::new(),
        doubts: Vec::new(),
        confidence: None,
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

pub(crate) fn article(id: &str, text: &str, incidents: Vec<Incident>) -> (Article, ArticleReport) {
    let meta = ArticleMeta {
        id: id.into(),
        outlet: Some("Dawn".into()),
        url: None,
        published: Some(IncidentDate::day(2023, 5, 20)),
        title: None,
    };
    let report = ArticleReport {
        meta: meta.clone(),
        published: meta.published,
        incidents,
        diagnostics: vec![],
        relevance: Default::default(),
    };
    let article = Article {
        meta,
        text: text.into(),
    };
    (article, report)
}

pub(crate) fn corpus() -> Vec<(Article, ArticleReport)> {
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

pub(crate) fn temp_store(dir: &tempfile::TempDir, name: &str) -> Store {
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

/// The `-wal` and `-shm` files beside `path` that exist.
fn sidecars(path: &std::path::Path) -> Vec<PathBuf> {
    ["-wal", "-shm"]
        .iter()
        .map(|s| sidecar(path, s))
        .filter(|p| p.exists())
        .collect()
}

#[test]
fn read_only_opening_writes_nothing_and_leaves_no_wal_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut store = temp_store(&dir, "t.db");
    ingest(&mut store, &corpus());
    let written = store.incidents_json().unwrap();
    drop(store);
    assert!(sidecars(&path).is_empty());
    let before = std::fs::read(&path).unwrap();

    let reader = Store::open(&path, OpenMode::ReadOnly).unwrap();
    assert!(reader
        .conn
        .is_readonly(rusqlite::DatabaseName::Main)
        .unwrap());
    assert_eq!(reader.incidents_json().unwrap(), written);
    assert!(sidecars(&path).is_empty(), "{:?}", sidecars(&path));
    let write = reader.conn.execute("DELETE FROM incidents", []);
    assert!(write.is_err());
    drop(reader);
    assert!(sidecars(&path).is_empty());
    assert_eq!(std::fs::read(&path).unwrap(), before);

    let writer = Store::open(&path, OpenMode::Existing).unwrap();
    assert!(!writer
        .conn
        .is_readonly(rusqlite::DatabaseName::Main)
        .unwrap());
}

#[test]
fn read_only_opening_reads_what_a_running_writer_committed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut writer = temp_store(&dir, "t.db");
    let all = corpus();
    // A first ingest is a bulk load, written without the log; the second
    // goes through it.
    ingest(&mut writer, &all[..1]);
    ingest(&mut writer, &all[1..]);
    // The writer stays open, so its commit is still in the -wal file.
    assert!(sidecar(&path, "-wal").exists());
    let reader = Store::open(&path, OpenMode::ReadOnly).unwrap();
    assert_eq!(
        reader.incidents_json().unwrap(),
        writer.incidents_json().unwrap()
    );
}

#[test]
fn read_only_opening_of_a_file_without_write_permission() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut store = temp_store(&dir, "t.db");
    ingest(&mut store, &corpus());
    let counts = store.counts().unwrap();
    drop(store);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let read = Store::open(&path, OpenMode::ReadOnly).map(|s| s.counts());
    let sidecars_left = sidecars(&path);
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(read.unwrap().unwrap(), counts);
    assert!(sidecars_left.is_empty(), "{sidecars_left:?}");
}

#[test]
fn read_only_opening_refuses_an_older_schema_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    version_1_database(&path, &corpus()[..1]);
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path, OpenMode::ReadOnly).err().unwrap();
    assert!(
        matches!(err, StoreError::OlderSchema { found: 1, .. }),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let err = Store::open(&dir.path().join("none.db"), OpenMode::ReadOnly).err();
    assert!(matches!(err, Some(StoreError::Missing { .. })));
}

#[test]
fn opening_something_else_says_so_without_sqlite_codes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(
        &path,
        "these are notes, not a database, but long enough to have a header",
    )
    .unwrap();
    for mode in [OpenMode::ReadOnly, OpenMode::Existing] {
        let err = Store::open(&path, mode).err().unwrap().to_string();
        assert!(
            err.ends_with("is not a tally database (not an SQLite file)"),
            "{err}"
        );
        assert!(!err.contains("code"), "{err}");
    }
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

#[test]
fn a_large_store_reclusters_only_what_new_reports_reach() {
    let dir = tempfile::tempdir().unwrap();
    let all = corpus();
    let mut one = temp_store(&dir, "one.db");
    ingest(&mut one, &all);
    let mut two = temp_store(&dir, "two.db");
    let first = [all[0].clone(), all[1].clone(), all[3].clone()];
    ingest(&mut two, &first);
    // The Peshawar toll update reaches the Peshawar blast only: the Quetta
    // and Bannu incidents are left as they were, not re-clustered.
    let mut ing = two.begin_ingest().unwrap().with_local_min(0);
    ing.add(&all[2].0, all[2].1.clone()).unwrap();
    let s = ing.finish().unwrap();
    assert_eq!(
        (s.incidents_updated, s.incidents_unchanged),
        (1, 2),
        "{s:?}"
    );
    assert_eq!(s.reports_reclustered, 2, "{s:?}");
    assert_eq!(one.incidents_json().unwrap(), two.incidents_json().unwrap());
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
    let Ok(linkage) = tally_merge::Linkage::try_embedded() else {
        panic!("embedded linkage data broken")
    };
    for mut inc in tally_merge::merge(&reports, linkage) {
        // Named as tally named incidents then.
        inc.id = keyed_id(&inc, tally_merge::IdHash::Fnv1a);
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
    // Reports stored before schema 12 have no known coder.
    assert_eq!(upgraded.coder_counts().unwrap(), [(None, 2)]);
    ingest(&mut upgraded, &all[2..]);
    // The same incidents as a fresh database, under the ids it already had.
    assert_eq!(
        renamed(&one, tally_merge::IdHash::Fnv1a),
        renamed(&upgraded, tally_merge::IdHash::Fnv1a)
    );
    assert_eq!(
        renamed(&upgraded, tally_merge::IdHash::Fnv1a),
        upgraded.incidents_json().unwrap()
    );
    assert_eq!(upgraded.check().unwrap().integrity, "ok");
}

/// The id `hash` gives an incident of [`corpus`] (one report per article,
/// keyed `{article}-1`).
fn keyed_id(inc: &Incident, hash: tally_merge::IdHash) -> String {
    let keys: Vec<String> = inc.articles.iter().map(|a| format!("{a}-1")).collect();
    hash.id(keys.iter().map(String::as_str))
}

/// A store's incidents as JSON, each named with `hash`, in id order.
fn renamed(store: &Store, hash: tally_merge::IdHash) -> Vec<String> {
    let mut out: Vec<String> = store
        .incidents_json()
        .unwrap()
        .iter()
        .map(|json| {
            let mut inc: Incident = serde_json::from_str(json).unwrap();
            inc.id = keyed_id(&inc, hash);
            serde_json::to_string(&inc).unwrap()
        })
        .collect();
    out.sort_by_key(|json| serde_json::from_str::<Incident>(json).unwrap().id);
    out
}

#[test]
fn a_new_database_names_incidents_with_sha256_and_an_old_one_keeps_its_ids() {
    let dir = tempfile::tempdir().unwrap();
    let all = corpus();
    let mut fresh = temp_store(&dir, "fresh.db");
    ingest(&mut fresh, &all);
    let sha = renamed(&fresh, tally_merge::IdHash::Sha256);
    assert_eq!(fresh.incidents_json().unwrap(), sha);
    assert!(sha.iter().all(|j| j.starts_with(r#"{"id":"inc-"#)));

    // A version 8 database (before ids were SHA-256) that holds incidents.
    let path = dir.path().join("v8.db");
    version_1_database(&path, &all[..2]);
    {
        let mut v8 = Store::open(&path, OpenMode::Create).unwrap();
        v8.conn
            .execute("DELETE FROM settings WHERE key = 'incident_ids'", [])
            .unwrap();
        // Undo versions 10 (the review queue's columns), 11, 12 (the
        // reports' coder), 13 and 14 as well.
        v8.conn
            .execute_batch(
                "DROP INDEX reports_coder;
                 DROP TABLE release_incidents;
                 DROP TABLE release_lines;
                 DROP TABLE releases;
                 ALTER TABLE overrides DROP COLUMN author;
                 CREATE TABLE evidence (incident TEXT);
                 ALTER TABLE reports DROP COLUMN coder_version;
                 ALTER TABLE reports DROP COLUMN coder_data;
                 DROP INDEX incidents_review;
                 ALTER TABLE incidents DROP COLUMN doubt;
                 ALTER TABLE incidents DROP COLUMN review_priority;
                 ALTER TABLE incidents DROP COLUMN needs_review;",
            )
            .unwrap();
        v8.conn.pragma_update(None, "user_version", 8).unwrap();
        ingest(&mut v8, &[]);
    }
    let mut old = Store::open(&path, OpenMode::Existing).unwrap();
    let before = old.incidents_json().unwrap();
    ingest(&mut old, &all[2..]);
    let after = old.incidents_json().unwrap();
    assert_eq!(after, renamed(&old, tally_merge::IdHash::Fnv1a));
    let quetta = before.iter().find(|j| j.contains("Quetta")).unwrap();
    assert!(
        after.contains(quetta),
        "an incident the ingest left alone keeps its id"
    );
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
fn a_first_ingest_is_a_bulk_load_and_returns_to_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut store = temp_store(&dir, "t.db");
    ingest(&mut store, &corpus());
    assert!(!sidecar(&path, "-wal").exists());
    let mode: String = store
        .conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
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
    // Each version's record reads back; the current one is stored once.
    let killed = |e: &HistoryEntry| e.incident.as_ref().and_then(|i| i.killed.total);
    assert_eq!(killed(&h[0]).map(|c| c.best), Some(9));
    assert_eq!(killed(&h[1]).map(|c| c.best), Some(12));
    let stored_twice: i64 = store
        .conn
        .query_row(
            "SELECT COUNT(*) FROM history WHERE json IS NOT NULL AND version =
               (SELECT MAX(version) FROM history h2 WHERE h2.incident = history.incident)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored_twice, 0);
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
    let all = store.incidents(&Filter::default(), None).unwrap();
    let ledger: usize = all.iter().map(|i| i.evidence.len()).sum();
    assert_eq!(ledger, 4, "the ledger is in the incidents' JSON");
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

/// A store where reviews and ingests beyond the first re-cluster only what
/// they reach (as a store of 20,000+ reports does), or everything.
fn reviewed_store(dir: &tempfile::TempDir, name: &str, local: bool) -> Store {
    let min = if local { 0 } else { usize::MAX };
    crate::ingest::TEST_LOCAL_MIN.with(|m| m.set(min));
    let all = corpus();
    let mut store = temp_store(dir, name);
    ingest(&mut store, &all[..3]);
    let peshawar = id_in(&store, "Peshawar");
    let split = Review::Split {
        article: "c".into(),
    };
    store
        .review(&peshawar, &split, "a different blast")
        .unwrap();
    let quetta = id_in(&store, "Quetta");
    store
        .review(&quetta, &set("group", "BLA"), "claimed later")
        .unwrap();
    let merge = Review::Merge { other: peshawar };
    store.review(&quetta, &merge, "one attack").unwrap();
    ingest(&mut store, &all[3..]);
    crate::ingest::TEST_LOCAL_MIN.with(|m| m.set(crate::ingest::LOCAL_RECLUSTER_MIN));
    store
}

#[test]
fn reviews_in_a_large_store_equal_a_full_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let full = reviewed_store(&dir, "full.db", false);
    let local = reviewed_store(&dir, "local.db", true);
    // The two stores were reviewed a moment apart: compare without the times.
    let timeless = |store: &Store| -> Vec<serde_json::Value> {
        let mut all: Vec<serde_json::Value> = store
            .incidents_json()
            .unwrap()
            .iter()
            .map(|j| serde_json::from_str(j).unwrap())
            .collect();
        for inc in &mut all {
            for c in inc["corrections"].as_array_mut().into_iter().flatten() {
                c["at"] = serde_json::Value::Null;
            }
        }
        all
    };
    assert_eq!(timeless(&full), timeless(&local));
    assert_eq!(local.counts().unwrap(), (4, 3));
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
    let err = |r: Result<ReviewOutcome>| r.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err(store.review(&id, &set("group", "X"), " ")).contains("needs a note"));
    assert!(err(store.review("inc-none", &set("group", "X"), "n")).contains("no incident"));
    assert!(err(store.review(&id, &set("date", "soon"), "n")).contains("not a date"));
    let split = Review::Split {
        article: "b".into(),
    };
    assert!(err(store.review(&id, &split, "n")).contains("nothing to split"));
    assert_eq!(store.history(&id).unwrap().len(), 1);
}

// ------------------------------------------------------------ dashboard queries

/// Varied incidents written straight into the table (no merging), with
/// missing dates, figures, places and coordinates, and names differing only
/// in case, so every sort has ties and missing values.
fn varied_store(dir: &tempfile::TempDir) -> Store {
    let store = temp_store(dir, "varied.db");
    let districts = [
        Some("Bannu"),
        Some("bannu"),
        Some("Quetta"),
        None,
        Some("Kech"),
    ];
    let groups = [Some("TTP"), None, Some("BLA"), Some("ttp")];
    let mut seed = 7u64;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    for i in 0..41 {
        let mut inc = incident(&format!("x{i:02}"), 1, "", 0);
        inc.date = match next(4) {
            0 => None,
            1 => Some(IncidentDate::month(2023, 1 + next(12) as u32)),
            _ => Some(IncidentDate::day(
                2023,
                1 + next(12) as u32,
                1 + next(28) as u32,
            )),
        };
        inc.admin2 = districts[next(5) as usize].map(String::from);
        inc.admin1 = inc
            .admin2
            .as_ref()
            .map(|_| "Khyber Pakhtunkhwa".to_string());
        inc.group = groups[next(4) as usize].map(String::from);
        inc.event_type = EventType::ALL[next(7) as usize];
        inc.articles = (0..=next(3)).map(|a| format!("x{i:02}-{a}")).collect();
        inc.killed = match next(3) {
            0 => Casualties::default(),
            1 => Casualties {
                total: Some(Count::exact(next(6) as u32)),
                ..Default::default()
            },
            _ => Casualties {
                civilians: Some(Count::exact(next(4) as u32)),
                militants: Some(Count::exact(next(4) as u32)),
                ..Default::default()
            },
        };
        if next(3) == 0 {
            inc.injured.total = Some(Count::exact(next(5) as u32));
        }
        if next(4) == 0 {
            (inc.lat, inc.lon) = (None, None);
        } else {
            inc.lat = Some(30.0 + next(5) as f64);
        }
        let json = serde_json::to_string(&inc).unwrap();
        crate::query::upsert_incident(&store.conn, &inc, &json, "h").unwrap();
    }
    store
}

/// The order `/api/incidents` promises, computed in Rust: by the key
/// (names without ASCII case), missing values last either way, ties by id.
fn reference_order(incidents: &[Incident], sort: Sort) -> Vec<String> {
    #[derive(PartialEq, PartialOrd)]
    enum V {
        N(i64),
        T(String),
    }
    let text = |s: &Option<String>| s.as_ref().map(|s| V::T(s.to_ascii_lowercase()));
    let key = |i: &Incident| match sort.key {
        SortKey::Date => i.date.map(|d| V::N(d.ordinal())),
        SortKey::Killed => best_total(&i.killed).map(|n| V::N(n.into())),
        SortKey::Injured => best_total(&i.injured).map(|n| V::N(n.into())),
        SortKey::Province => text(&i.admin1),
        SortKey::District => text(&i.admin2),
        SortKey::Group => text(&i.group),
        SortKey::Type => Some(V::T(i.event_type.as_str().into())),
        SortKey::Articles => Some(V::N(i.articles.len() as i64)),
        SortKey::Id => Some(V::T(i.id.clone())),
    };
    let mut v: Vec<&Incident> = incidents.iter().collect();
    v.sort_by(|a, b| {
        let by_key = match (key(a), key(b)) {
            (Some(x), Some(y)) if sort.descending => y.partial_cmp(&x),
            (Some(x), Some(y)) => x.partial_cmp(&y),
            (x, y) => Some(x.is_none().cmp(&y.is_none())),
        };
        by_key
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.id.cmp(&b.id))
    });
    v.iter().map(|i| i.id.clone()).collect()
}

fn page_ids(
    store: &Store,
    filter: &Filter,
    sort: Sort,
    limit: usize,
    offset: usize,
) -> Vec<String> {
    let page = store.page(filter, sort, limit, offset).unwrap();
    page.rows.into_iter().map(|r| r.id).collect()
}

#[test]
fn pages_follow_every_sort_with_missing_values_last() {
    let dir = tempfile::tempdir().unwrap();
    let store = varied_store(&dir);
    let all = store.incidents(&Filter::default(), None).unwrap();
    for key in SortKey::ALL {
        for descending in [false, true] {
            let sort = Sort { key, descending };
            let want = reference_order(&all, sort);
            let got = page_ids(&store, &Filter::default(), sort, 100, 0);
            assert_eq!(got, want, "{sort:?}");
            // Pages of 6, including those read from the far end, add up to
            // the same list.
            let paged: Vec<String> = (0..8)
                .flat_map(|p| page_ids(&store, &Filter::default(), sort, 6, p * 6))
                .collect();
            assert_eq!(paged, want, "{sort:?} in pages");
        }
    }
}

#[test]
fn a_page_counts_all_matches_and_may_be_short_or_empty() {
    let dir = tempfile::tempdir().unwrap();
    let store = varied_store(&dir);
    let f = Filter {
        admin2: Some("BANNU".into()),
        ..Default::default()
    };
    let matching = store.list(&f, None).unwrap().len();
    assert!(
        matching > 3,
        "the fixture has Bannu incidents in both cases"
    );
    let sort = Sort::default();
    let page = store.page(&f, sort, 2, 0).unwrap();
    assert_eq!((page.total, page.rows.len()), (matching as u64, 2));
    let tail = store.page(&f, sort, 10, matching - 1).unwrap();
    assert_eq!(tail.rows.len(), 1);
    assert!(store.page(&f, sort, 10, matching).unwrap().rows.is_empty());
    assert!(store
        .page(&f, sort, 10, usize::MAX)
        .unwrap()
        .rows
        .is_empty());
    assert!(store.page(&f, sort, 0, 0).unwrap().rows.is_empty());
    let row = &page.rows[0];
    let inc = store.incident(&row.id).unwrap().unwrap();
    assert_eq!(row.killed, best_total(&inc.killed));
    assert_eq!(row.killed_civilians, inc.killed.civilians.map(|c| c.best));
    assert_eq!(row.articles as usize, inc.articles.len());
    assert_eq!((row.lat, row.lon), (inc.lat, inc.lon));
}

#[test]
fn map_points_aggregate_districts_and_count_the_unlocated() {
    let dir = tempfile::tempdir().unwrap();
    let store = varied_store(&dir);
    let all = store.incidents(&Filter::default(), None).unwrap();
    let map = store.map_points(&Filter::default()).unwrap();
    let names: Vec<&str> = map.districts.iter().map(|d| d.district.as_str()).collect();
    // One point per stored name, in byte order.
    assert_eq!(names, ["Bannu", "Kech", "Quetta", "bannu"]);
    let unlocated = all.iter().filter(|i| i.lat.is_none()).count();
    assert_eq!(map.unlocated, unlocated as u64);
    for point in &map.districts {
        let of: Vec<&Incident> = all
            .iter()
            .filter(|i| i.admin2.as_deref() == Some(point.district.as_str()))
            .collect();
        let located: Vec<f64> = of.iter().filter_map(|i| i.lat).collect();
        let killed: u64 = of
            .iter()
            .map(|i| u64::from(best_total(&i.killed).unwrap_or(0)))
            .sum();
        assert_eq!(point.incidents, of.len() as u64);
        assert_eq!(point.killed, killed);
        assert_eq!(point.province.as_deref(), Some("Khyber Pakhtunkhwa"));
        let mean =
            (!located.is_empty()).then(|| located.iter().sum::<f64>() / located.len() as f64);
        assert_eq!(
            point.lat.map(|v| (v * 1e9).round()),
            mean.map(|v| (v * 1e9).round())
        );
    }
    let f = Filter {
        admin2: Some("quetta".into()),
        ..Default::default()
    };
    let quetta = store.map_points(&f).unwrap();
    assert_eq!(quetta.districts.len(), 1);
    assert_eq!(quetta.districts[0].district, "Quetta");
}

#[test]
fn stored_value_matches_without_case() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = temp_store(&dir, "t.db");
    ingest(&mut store, &corpus());
    let found = store.stored_value(Column::Admin2, "PESHAWAR").unwrap();
    assert_eq!(found.as_deref(), Some("Peshawar"));
    assert_eq!(store.stored_value(Column::Group, "Atlantis").unwrap(), None);
    let varied = varied_store(&dir);
    let districts = varied.choices(Column::Admin2).unwrap();
    assert_eq!(
        districts,
        ["Bannu", "Kech", "Quetta"],
        "one spelling per value"
    );
    assert_eq!(varied.choices(Column::Group).unwrap(), ["BLA", "TTP"]);
    assert!(store.map_into_memory(1 << 20).is_ok());
}

#[test]
fn the_stats_index_answers_as_sql_does() {
    let dir = tempfile::tempdir().unwrap();
    let store = varied_store(&dir);
    let index = store.stats_index().unwrap();
    assert_eq!(index.len() as u64, store.counts().unwrap().1);
    let filters = [
        Filter::default(),
        Filter {
            admin2: Some("BANNU".into()),
            ..Default::default()
        },
        Filter {
            group: Some("ttp".into()),
            min_killed: Some(2),
            ..Default::default()
        },
        Filter {
            since: Some(IncidentDate::month(2023, 3)),
            until: Some(IncidentDate::year(2023)),
            event_type: Some(EventType::Bombing),
            ..Default::default()
        },
        Filter {
            admin1: Some("nowhere".into()),
            ..Default::default()
        },
    ];
    for f in &filters {
        for by in [None, Some(GroupBy::Month)] {
            assert_eq!(
                index.stats(f, by),
                Some(store.stats(f, by).unwrap()),
                "{f:?} {by:?}"
            );
        }
        let (mine, sql) = (index.map_points(f), store.map_points(f).unwrap());
        assert_eq!(mine.unlocated, sql.unlocated, "{f:?}");
        assert_eq!(mine.districts.len(), sql.districts.len(), "{f:?}");
        for (a, b) in mine.districts.iter().zip(&sql.districts) {
            let close = |x: Option<f64>, y: Option<f64>| match (x, y) {
                (Some(x), Some(y)) => (x - y).abs() < 1e-9,
                (x, y) => x == y,
            };
            assert!(close(a.lat, b.lat) && close(a.lon, b.lon), "{a:?} {b:?}");
            assert_eq!(
                (&a.district, &a.province, a.incidents, a.killed),
                (&b.district, &b.province, b.incidents, b.killed)
            );
        }
    }
    assert_eq!(
        index.stats(&Filter::default(), Some(GroupBy::District)),
        None
    );
}

#[test]
fn index_pages_equal_sql_pages() {
    let dir = tempfile::tempdir().unwrap();
    let store = varied_store(&dir);
    let index = store.stats_index().unwrap();
    let filters = [
        Filter::default(),
        Filter {
            group: Some("TTP".into()),
            ..Default::default()
        },
    ];
    for f in &filters {
        for key in SortKey::ALL {
            for descending in [false, true] {
                let sort = Sort { key, descending };
                for (limit, offset) in [(100, 0), (6, 0), (6, 6), (5, 13), (7, 20), (3, 99)] {
                    let sql = store.page(f, sort, limit, offset).unwrap();
                    let (total, ids) = index.page_ids(f, sort, limit, offset);
                    let want: Vec<String> = sql.rows.iter().map(|r| r.id.clone()).collect();
                    assert_eq!((total, &ids), (sql.total, &want), "{f:?} {sort:?} {offset}");
                    assert_eq!(store.summaries(&ids).unwrap(), sql.rows);
                }
            }
        }
    }
}

/// Stored incidents without the analysts' timestamps, for comparing stores
/// built at different times.
fn incidents_untimed(store: &Store) -> Vec<String> {
    let mut out = store.incidents_json().unwrap();
    for json in &mut out {
        let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
        if let Some(list) = value["corrections"].as_array_mut() {
            for c in list {
                c["at"] = serde_json::Value::Null;
            }
        }
        *json = value.to_string();
    }
    out
}

#[test]
fn an_ingest_in_progress_leaves_the_database_free_for_corrections() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let all = corpus();
    let mut store = temp_store(&dir, "t.db");
    ingest(&mut store, &all[..1]);
    let mut analyst = Store::open(&path, OpenMode::Existing).unwrap();
    // No lock for a second: a correction waiting on the ingest fails fast.
    analyst
        .conn
        .busy_timeout(std::time::Duration::from_secs(1))
        .unwrap();
    let id = id_in(&analyst, "Peshawar");

    let mut ing = store.begin_ingest().unwrap();
    for (a, r) in &all[1..] {
        ing.add(a, r.clone()).unwrap();
    }
    // While the ingest is staged: a correction, and another ingest that
    // stores one of its articles first.
    analyst
        .review(&id, &set("group", "Lashkar-e-Jhangvi"), "claim video seen")
        .unwrap();
    ingest(&mut analyst, &all[2..3]);
    let summary = ing.finish().unwrap();
    assert_eq!(
        summary.articles_added, 2,
        "c was stored by the other ingest"
    );

    let mut clean = temp_store(&dir, "clean.db");
    ingest(&mut clean, &all[..1]);
    clean
        .review(&id, &set("group", "Lashkar-e-Jhangvi"), "claim video seen")
        .unwrap();
    ingest(&mut clean, &all[1..]);
    assert_eq!(incidents_untimed(&store), incidents_untimed(&clean));
    assert_eq!(store.check().unwrap().integrity, "ok");
}

#[test]
fn a_dropped_ingest_leaves_nothing_staged_for_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = temp_store(&dir, "t.db");
    let all = corpus();
    {
        let mut ing = store.begin_ingest().unwrap();
        ing.add(&all[0].0, all[0].1.clone()).unwrap();
    }
    let summary = ingest(&mut store, &all[1..2]);
    assert_eq!(summary.articles_added, 1);
    assert_eq!(store.counts().unwrap().0, 1);
}

#[test]
fn reviewed_takes_an_incident_off_the_queue_until_a_new_report_joins() {
    let dir = tempfile::tempdir().unwrap();
    let all = corpus();
    let mut store = temp_store(&dir, "t.db");
    ingest(&mut store, &all[..2]);
    let id = id_in(&store, "Peshawar");
    store
        .review(&id, &Review::Reviewed, "checked the police statement")
        .unwrap();
    let inc = store.incident(&id).unwrap().unwrap();
    assert!(tally_merge::reviewed(&inc));
    assert!(!tally_merge::ReviewStanding::of(&inc).queued);
    let (_, queue) = store
        .review_queue(&Filter::default(), 100, 800_000)
        .unwrap();
    assert!(queue.iter().all(|q| q.id != id));
    let reasons: Vec<String> = store
        .history(&id)
        .unwrap()
        .into_iter()
        .map(|h| h.reason)
        .collect();
    assert!(
        reasons.iter().any(|r| r.starts_with("analyst reviewed")),
        "{reasons:?}"
    );
    // A new report of the same incident: the analyst has not seen it.
    ingest(&mut store, &all[2..]);
    let inc = store.incident(&id).unwrap().unwrap();
    assert_eq!(inc.articles, ["a", "c"]);
    assert!(!tally_merge::reviewed(&inc));
}

#[test]
fn the_queue_holds_only_queued_incidents_most_urgent_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = temp_store(&dir, "t.db");
    ingest(&mut store, &corpus());
    let (total, queue) = store
        .review_queue(&Filter::default(), 100, 800_000)
        .unwrap();
    assert_eq!(total as usize, queue.len());
    assert!(queue
        .iter()
        .all(|i| tally_merge::ReviewStanding::of(i).queued));
    let priorities: Vec<f64> = queue
        .iter()
        .map(|i| tally_merge::ReviewStanding::of(i).priority)
        .collect();
    assert!(
        priorities.windows(2).all(|w| w[0] >= w[1] - 1e-9),
        "{priorities:?}"
    );
    let all = store.incidents(&Filter::default(), None).unwrap();
    let queued = all
        .iter()
        .filter(|i| tally_merge::ReviewStanding::of(i).queued)
        .count();
    assert_eq!(queued, queue.len());
}

#[test]
fn a_corrected_field_is_certain_and_loses_its_doubts() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = temp_store(&dir, "t.db");
    ingest(&mut store, &corpus());
    let id = id_in(&store, "Peshawar");
    store
        .review(&id, &set("killed.total", "12"), "hospital list")
        .unwrap();
    let inc = store.incident(&id).unwrap().unwrap();
    let conf = inc.confidence.expect("a stored incident has a confidence");
    assert_eq!(conf.fields["killed.total"], 1.0);
    assert!(inc
        .doubts
        .iter()
        .all(|d| d.field.as_deref() != Some("killed.total")));
}

fn release_texts(draft: &crate::ReleaseDraft) -> crate::ReleaseTexts {
    let ids = |l: &[crate::IncidentChange]| l.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    crate::ReleaseTexts {
        codebook: String::new(),
        changes: format!(
            "{:?} {:?} {:?}",
            ids(&draft.diff.added),
            ids(&draft.diff.removed),
            ids(&draft.diff.revised)
        ),
    }
}

fn spec(tag: &str) -> crate::ReleaseSpec {
    crate::ReleaseSpec {
        tag: tag.into(),
        filters: "none".into(),
        tally: "test".into(),
    }
}

#[test]
fn a_release_diffs_by_exported_line_with_the_history_reasons_between() {
    let dir = tempfile::tempdir().unwrap();
    let all = corpus();
    let mut store = temp_store(&dir, "t.db");
    ingest(&mut store, &all[..2]);
    let first = store
        .make_release(&spec("A"), &Filter::default(), release_texts)
        .unwrap();
    assert!(first.changes.starts_with("[\"inc-"), "{}", first.changes);
    let id = id_in(&store, "Peshawar");
    store
        .review_by(&id, &set("group", "BLA"), "claim video", Some("amna"))
        .unwrap();
    let mut seen = None;
    let second = store
        .make_release(&spec("B"), &Filter::default(), |draft| {
            seen = Some(draft.diff.clone());
            release_texts(draft)
        })
        .unwrap();
    let diff = seen.unwrap();
    assert_eq!(diff.previous.as_ref().map(|p| p.0.as_str()), Some("A"));
    assert!(diff.added.is_empty() && diff.removed.is_empty());
    assert_eq!(diff.revised.len(), 1);
    assert_eq!(diff.revised[0].id, id);
    let reasons = diff.revised[0].reasons.join("; ");
    assert!(reasons.starts_with("analyst correction: group set to BLA (claim video) by amna"));
    assert_eq!(diff.unchanged, first.lines.len() - 1);
    let inc = store.incident(&id).unwrap().unwrap();
    assert_eq!(inc.corrections[0].by.as_deref(), Some("amna"));
    assert_eq!(store.stored_release("B").unwrap(), Some(second));
    store.record_release_checksums("B", "sums").unwrap();
    let kept = store.stored_release("B").unwrap().unwrap();
    assert_eq!(kept.checksums.as_deref(), Some("sums"));
    assert_eq!(store.release_tags().unwrap(), ["A", "B"]);
    let kept: i64 = store
        .conn
        .query_row("SELECT COUNT(*) FROM release_lines", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        kept as usize,
        first.lines.len() + 1,
        "unchanged lines are kept once"
    );
    let again = store.make_release(&spec("A"), &Filter::default(), release_texts);
    assert!(matches!(again, Err(StoreError::Invalid { .. })));
}
