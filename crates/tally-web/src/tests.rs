//! Handler tests over an in-memory router and a temporary database.

use super::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tally_model::{
    Article, ArticleMeta, ArticleReport, Casualties, Count, EventType, Evidence, Incident,
    IncidentDate, Role,
};
use tally_store::OpenMode;
use tower::ServiceExt;

const TEXT: &str = "Blast in Peshawar — 9 killed. Police said five were policemen.";

fn incident(article: &str, district: &str, province: &str, killed: u32) -> Incident {
    Incident {
        id: format!("{article}-1"),
        articles: vec![article.to_string()],
        role: Role::Main,
        date: Some(IncidentDate::day(2023, 5, 10)),
        country: "Pakistan".into(),
        admin1: Some(province.into()),
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
            security_forces: Some(Count::exact(5)),
            ..Default::default()
        },
        injured: Casualties::default(),
        corrections: Vec::new(),
        evidence: vec![Evidence {
            article: article.into(),
            start: 0,
            end: 29,
            field: "killed.total".into(),
            value: Some(killed.to_string()),
            source: None,
        }],
    }
}

fn report(id: &str, inc: Incident) -> (Article, ArticleReport) {
    let meta = ArticleMeta {
        id: id.into(),
        outlet: Some("Dawn".into()),
        url: None,
        published: Some(IncidentDate::day(2023, 5, 11)),
    };
    let report = ArticleReport {
        meta: meta.clone(),
        published: meta.published,
        incidents: vec![inc],
        diagnostics: vec![],
    };
    let text = format!("{TEXT} ({id})");
    (Article { meta, text }, report)
}

fn store(dir: &tempfile::TempDir) -> Store {
    let mut store = Store::open(&dir.path().join("t.db"), OpenMode::Create).unwrap();
    let mut ing = store.begin_ingest().unwrap();
    let batch = [
        report("a", incident("a", "Peshawar", "Khyber Pakhtunkhwa", 9)),
        report("b", incident("b", "Quetta", "Balochistan", 3)),
    ];
    for (a, r) in &batch {
        ing.add(a, r.clone()).unwrap();
    }
    ing.finish().unwrap();
    store
}

async fn get(app: Router, uri: &str, auth: Option<&str>) -> (StatusCode, Value) {
    let mut req = Request::builder().uri(uri);
    if let Some(t) = auth {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = app.oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json)
}

fn app(dir: &tempfile::TempDir, token: Option<&str>) -> Router {
    router(store(dir), token.map(String::from))
}

#[tokio::test]
async fn bad_parameters_are_400_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    for uri in [
        "/api/incidents?since=yesterday",
        "/api/incidents?min_killed=-1",
        "/api/incidents?limit=0",
        "/api/incidents?limit=abc",
        "/api/incidents?sort=colour",
        "/api/incidents?type=riot",
        "/api/incidents?province=Atlantis",
        "/api/incidents?bogus=1",
        "/api/incidents?since=2023&since=2024",
        "/api/stats?until=2023-13",
        "/api/stats?limit=5",
        "/api/stats?district=%FF%FE",
        "/api/incidents/%FF",
    ] {
        let (status, body) = get(app(&dir, None), uri, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(
            body["error"].as_str().is_some_and(|m| !m.is_empty()),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn unknown_incident_is_404_json() {
    let dir = tempfile::tempdir().unwrap();
    let (status, body) = get(app(&dir, None), "/api/incidents/nope", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["error"].is_string());
}

#[tokio::test]
async fn token_is_required_when_configured() {
    let dir = tempfile::tempdir().unwrap();
    let (status, _) = get(app(&dir, Some("s3cret")), "/api/stats", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = get(app(&dir, Some("s3cret")), "/", Some("wrong")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = get(app(&dir, Some("s3cret")), "/api/stats", Some("s3cret")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = get(app(&dir, Some("s3cret")), "/api/stats?token=s3cret", None).await;
    assert_eq!(status, StatusCode::OK);
}

#[test]
fn non_loopback_needs_a_token() {
    let public: SocketAddr = "0.0.0.0:8080".parse().unwrap();
    let local: SocketAddr = "127.0.0.1:8080".parse().unwrap();
    assert_eq!(
        check_bind(public, None),
        Err(BindError::TokenRequired(public))
    );
    assert_eq!(check_bind(public, Some("")), Err(BindError::EmptyToken));
    assert!(check_bind(public, Some("t")).is_ok());
    assert!(check_bind(local, None).is_ok());
}

#[tokio::test]
async fn stats_have_counters_months_and_districts() {
    let dir = tempfile::tempdir().unwrap();
    let (status, s) = get(app(&dir, None), "/api/stats", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(s["counters"]["incidents"], 2);
    assert_eq!(s["counters"]["killed"]["total"], 12);
    assert_eq!(s["counters"]["killed"]["security_forces"], 10);
    assert_eq!(s["counters"]["killed"]["unspecified"], 2);
    assert_eq!(s["monthly"][0]["month"], "2023-05");
    assert_eq!(s["monthly"][0]["killed"]["total"], 12);
    let districts = s["districts"].as_array().unwrap();
    assert_eq!(districts.len(), 2);
    assert_eq!(districts[0]["district"], "Peshawar");
    assert_eq!(districts[0]["lat"], 34.0);
    assert_eq!(districts[0]["killed"], 9);
    let (_, s) = get(app(&dir, None), "/api/stats?province=balochistan", None).await;
    assert_eq!(s["counters"]["incidents"], 1);
}

#[tokio::test]
async fn incidents_sort_page_and_filter() {
    let dir = tempfile::tempdir().unwrap();
    let (_, l) = get(app(&dir, None), "/api/incidents?sort=-killed&limit=1", None).await;
    assert_eq!(l["total"], 2);
    assert_eq!(l["incidents"].as_array().unwrap().len(), 1);
    assert_eq!(l["incidents"][0]["district"], "Peshawar");
    let (_, l) = get(app(&dir, None), "/api/incidents?sort=killed&offset=1", None).await;
    assert_eq!(l["incidents"][0]["district"], "Peshawar");
    let (_, l) = get(app(&dir, None), "/api/incidents?min_killed=5", None).await;
    assert_eq!(l["total"], 1);
}

#[tokio::test]
async fn incident_has_ledger_sentences_articles_and_history() {
    let dir = tempfile::tempdir().unwrap();
    let (_, l) = get(app(&dir, None), "/api/incidents?district=Peshawar", None).await;
    let id = l["incidents"][0]["id"].as_str().unwrap().to_string();
    let (status, d) = get(app(&dir, None), &format!("/api/incidents/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(d["incident"]["id"], id.as_str());
    // Offsets count code points: the em dash is one.
    assert_eq!(d["ledger"][0]["sentence"], "Blast in Peshawar — 9 killed.");
    assert!(d["articles"][0]["text"].as_str().unwrap().starts_with(TEXT));
    assert_eq!(d["history"][0]["version"], 1);
}

#[tokio::test]
async fn pages_and_assets_are_embedded() {
    let dir = tempfile::tempdir().unwrap();
    for uri in [
        "/",
        "/incident/x",
        "/assets/overview.js",
        "/map/pakistan.geojson",
    ] {
        let res = app(&dir, None)
            .oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{uri}");
    }
    let (status, _) = get(app(&dir, None), "/assets/nope.js", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Twelve incidents in different districts (so none merge), with repeated
/// death tolls (ties) and two without coordinates.
fn many(dir: &tempfile::TempDir) -> Router {
    let mut store = Store::open(&dir.path().join("many.db"), OpenMode::Create).unwrap();
    let mut ing = store.begin_ingest().unwrap();
    for i in 0..12u32 {
        let id = format!("m{i:02}");
        let mut inc = incident(&id, &format!("District {i:02}"), "Punjab", i * 7 % 5);
        inc.date = Some(IncidentDate::day(2023, 1 + i % 6, 1 + i));
        if i % 5 == 0 {
            (inc.lat, inc.lon) = (None, None);
        }
        let (a, r) = report(&id, inc);
        ing.add(&a, r).unwrap();
    }
    ing.finish().unwrap();
    router(store, None)
}

fn ids(list: &Value) -> Vec<String> {
    let rows = list["incidents"].as_array().unwrap();
    rows.iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn incident_pages_are_slices_of_one_sorted_list() {
    let dir = tempfile::tempdir().unwrap();
    for sort in [
        "killed",
        "-killed",
        "date",
        "-date",
        "-district",
        "type",
        "-id",
    ] {
        let (_, whole) = get(many(&dir), &format!("/api/incidents?sort={sort}"), None).await;
        assert_eq!(whole["total"], 12);
        let all = ids(&whole);
        assert_eq!(all.len(), 12);
        let mut paged = Vec::new();
        for offset in [0, 5, 10] {
            let uri = format!("/api/incidents?sort={sort}&limit=5&offset={offset}");
            let (status, page) = get(many(&dir), &uri, None).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(
                (page["offset"].clone(), page["limit"].clone()),
                (offset.into(), 5.into())
            );
            assert_eq!(page["total"], 12);
            paged.extend(ids(&page));
        }
        assert_eq!(paged, all, "sort={sort}");
    }
    let (_, by_killed) = get(many(&dir), "/api/incidents?sort=-killed", None).await;
    let killed: Vec<u64> = by_killed["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["killed"].as_u64().unwrap())
        .collect();
    assert!(killed.windows(2).all(|w| w[0] >= w[1]), "{killed:?}");
    let (_, past) = get(many(&dir), "/api/incidents?offset=99", None).await;
    assert_eq!((past["total"].clone(), ids(&past).len()), (12.into(), 0));
}

#[tokio::test]
async fn incident_rows_keep_their_shape() {
    let dir = tempfile::tempdir().unwrap();
    let (_, l) = get(app(&dir, None), "/api/incidents?district=peshawar", None).await;
    let row = &l["incidents"][0];
    assert_eq!(row["date"], "2023-05-10");
    assert_eq!(row["province"], "Khyber Pakhtunkhwa");
    assert_eq!(row["district"], "Peshawar");
    assert_eq!(row["type"], "bombing");
    assert_eq!(row["group"], "TTP");
    assert_eq!(row["claimed"], false);
    assert_eq!(row["killed"], 9);
    assert_eq!(row["killed_by"]["security_forces"], 5);
    assert_eq!(row["killed_by"]["civilians"], Value::Null);
    assert_eq!(row["injured"], Value::Null);
    assert_eq!(row["articles"], 1);
    assert_eq!(
        (row["lat"].clone(), row["lon"].clone()),
        (34.0.into(), 71.5.into())
    );
}

#[tokio::test]
async fn stats_count_incidents_without_coordinates() {
    let dir = tempfile::tempdir().unwrap();
    let (_, s) = get(many(&dir), "/api/stats", None).await;
    assert_eq!(s["unlocated"], 3);
    let districts = s["districts"].as_array().unwrap();
    assert_eq!(districts.len(), 12);
    assert_eq!(districts[0]["district"], "District 00");
    assert_eq!(districts[0]["lat"], Value::Null);
    assert_eq!(districts[1]["lat"], 34.0);
    assert_eq!(districts[1]["province"], "Punjab");
    let (_, s) = get(many(&dir), "/api/stats?district=district%2001", None).await;
    assert_eq!(s["districts"].as_array().unwrap().len(), 1);
    assert_eq!(s["unlocated"], 0);
}
