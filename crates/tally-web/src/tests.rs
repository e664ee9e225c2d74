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
        foiled: false,
        targets: vec![],
        killed: Casualties {
            total: Some(Count::exact(killed)),
            security_forces: Some(Count::exact(5)),
            ..Default::default()
        },
        injured: Casualties::default(),
        corrections: Vec::new(),
        doubts: Vec::new(),
        confidence: None,
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
        title: None,
    };
    let report = ArticleReport {
        meta: meta.clone(),
        published: meta.published,
        incidents: vec![inc],
        diagnostics: vec![],
        relevance: Default::default(),
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

// ------------------------------------------------------------------ review

async fn post(
    app: Router,
    uri: &str,
    body: &str,
    content_type: Option<&str>,
    auth: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method("POST").uri(uri);
    if let Some(t) = content_type {
        req = req.header("content-type", t);
    }
    if let Some(t) = auth {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = app
        .oneshot(req.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json)
}

async fn post_json(app: Router, uri: &str, body: Value) -> (StatusCode, Value) {
    post(app, uri, &body.to_string(), Some("application/json"), None).await
}

/// The id of the only incident in `district`.
async fn id_in(app: Router, district: &str) -> String {
    let (_, l) = get(app, &format!("/api/incidents?district={district}"), None).await;
    assert_eq!(l["total"], 1, "{district}: {l}");
    l["incidents"][0]["id"].as_str().unwrap().to_string()
}

async fn export_lines(app: Router, query: &str) -> Vec<Value> {
    let req = Request::builder()
        .uri(format!("/api/export.jsonl{query}"))
        .body(Body::empty())
        .unwrap();
    let res = app.oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let kind = res.headers()["content-type"].to_str().unwrap().to_string();
    assert!(kind.starts_with("application/x-ndjson"), "{kind}");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn a_correction_shows_in_the_incident_its_history_and_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let app = router(store(&dir), None);
    let id = id_in(app.clone(), "Peshawar").await;
    let body = serde_json::json!({"field": "group", "value": "Lashkar-e-Jhangvi", "note": "ISPR statement"});
    // A unique prefix is enough.
    let uri = format!("/api/incidents/{}/corrections", &id[..10]);
    let (status, answer) = post_json(app.clone(), &uri, body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["incident"], id.as_str());
    assert_eq!(answer["split_off"], Value::Null);
    assert_eq!(answer["summary"]["updated"], 1);

    let (_, d) = get(app.clone(), &format!("/api/incidents/{id}"), None).await;
    assert_eq!(d["incident"]["group"], "Lashkar-e-Jhangvi");
    let c = &d["incident"]["corrections"][0];
    assert_eq!(
        (&c["field"], &c["value"], &c["note"]),
        (
            &"group".into(),
            &"Lashkar-e-Jhangvi".into(),
            &"ISPR statement".into()
        )
    );
    let history = d["history"].as_array().unwrap();
    let last = history.last().unwrap()["reason"].as_str().unwrap();
    assert!(
        last.starts_with("analyst correction: group set to"),
        "{last}"
    );

    let lines = export_lines(app.clone(), "?group=lashkar-e-jhangvi").await;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["corrections"][0]["note"], "ISPR statement");
    // Clearing with null, a count given as a number.
    let clear = serde_json::json!({"field": "group", "value": null, "note": "no claim"});
    let (status, _) = post_json(app.clone(), &uri, clear).await;
    assert_eq!(status, StatusCode::OK);
    let count = serde_json::json!({"field": "killed.civilians", "value": 4, "note": "hospital"});
    let (status, _) = post_json(app.clone(), &uri, count).await;
    assert_eq!(status, StatusCode::OK);
    let (_, d) = get(app.clone(), &format!("/api/incidents/{id}"), None).await;
    assert_eq!(d["incident"]["group"], Value::Null);
    assert_eq!(d["incident"]["killed"]["civilians"]["best"], 4);
    assert_eq!(d["incident"]["corrections"].as_array().unwrap().len(), 3);
    // Targets as `tally correct --set targets=...` takes them.
    let targets =
        serde_json::json!({"field": "targets", "value": "police,civilians", "note": "bus"});
    let (status, _) = post_json(app.clone(), &uri, targets).await;
    assert_eq!(status, StatusCode::OK);
    let bad = serde_json::json!({"field": "targets", "value": "soldiers", "note": "x"});
    let (status, body) = post_json(app.clone(), &uri, bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.to_string().contains("paramilitary"), "{body}");
    let (_, d) = get(app, &format!("/api/incidents/{id}"), None).await;
    assert_eq!(
        d["incident"]["targets"],
        serde_json::json!(["police", "civilians"])
    );
}

#[tokio::test]
async fn bad_reviews_are_400_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let app = router(store(&dir), None);
    let id = id_in(app.clone(), "Peshawar").await;
    let other = id_in(app.clone(), "Quetta").await;
    let set = format!("/api/incidents/{id}/corrections");
    let split = format!("/api/incidents/{id}/split");
    let merge = format!("/api/incidents/{id}/merge");
    let json = Some("application/json");
    let cases: Vec<(&str, String, Option<&str>)> = vec![
        (&set, "".into(), json),
        (&set, "{not json".into(), json),
        (&set, "[1, 2]".into(), json),
        (
            &set,
            r#"{"field":"group","value":"TTP","note":"x"}"#.into(),
            None,
        ),
        (
            &set,
            r#"{"field":"group","value":"TTP","note":"x"}"#.into(),
            Some("text/plain"),
        ),
        (&set, r#"{"field":"group","value":"TTP"}"#.into(), json),
        (&set, r#"{"field":"group","note":"x"}"#.into(), json),
        (
            &set,
            r#"{"field":"group","value":"TTP","note":"  "}"#.into(),
            json,
        ),
        (
            &set,
            r#"{"field":"group","value":"TTP","note":"x","by":"me"}"#.into(),
            json,
        ),
        (
            &set,
            r#"{"field":"group","value":["TTP"],"note":"x"}"#.into(),
            json,
        ),
        (
            &set,
            r#"{"field":"colour","value":"red","note":"x"}"#.into(),
            json,
        ),
        (
            &set,
            r#"{"field":"killed.total","value":"many","note":"x"}"#.into(),
            json,
        ),
        (
            &set,
            r#"{"field":"date","value":"last week","note":"x"}"#.into(),
            json,
        ),
        (&split, r#"{"article":"a","note":"x"}"#.into(), json),
        (&split, r#"{"article":"zzz","note":"x"}"#.into(), json),
        (&split, r#"{"note":"x"}"#.into(), json),
        (&merge, format!(r#"{{"other":"{id}","note":"x"}}"#), json),
        (&merge, format!(r#"{{"other":"{other}","note":""}}"#), json),
        (&merge, r#"{"other":"inc-","note":"x"}"#.into(), json),
    ];
    for (uri, body, kind) in cases {
        let (status, answer) = post(app.clone(), uri, &body, kind, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri} {body}: {answer}");
        let message = answer["error"].as_str().unwrap_or("");
        assert!(!message.is_empty(), "{uri} {body}");
    }
    // Nothing was stored.
    let (_, d) = get(app, &format!("/api/incidents/{id}"), None).await;
    assert_eq!(d["incident"]["corrections"], Value::Null);
    assert_eq!(d["history"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn reviews_of_unknown_incidents_are_404() {
    let dir = tempfile::tempdir().unwrap();
    let app = router(store(&dir), None);
    let id = id_in(app.clone(), "Peshawar").await;
    let cases = [
        (
            "/api/incidents/inc-nope/corrections",
            serde_json::json!({"field": "group", "value": "TTP", "note": "x"}),
        ),
        (
            "/api/incidents/inc-nope/split",
            serde_json::json!({"article": "a", "note": "x"}),
        ),
        (
            "/api/incidents/inc-nope/merge",
            serde_json::json!({"other": id, "note": "x"}),
        ),
    ];
    for (uri, body) in cases {
        let (status, answer) = post_json(app.clone(), uri, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {answer}");
        assert!(answer["error"].is_string());
    }
    let uri = format!("/api/incidents/{id}/merge");
    let (status, _) = post_json(
        app.clone(),
        &uri,
        serde_json::json!({"other": "inc-nope", "note": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // GET on a review endpoint is not a route.
    let (status, _) = get(app, &uri, None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn reviews_need_the_token_when_configured() {
    let dir = tempfile::tempdir().unwrap();
    let app = router(store(&dir), Some("s3cret".into()));
    let (_, l) = get(
        app.clone(),
        "/api/incidents?district=Peshawar",
        Some("s3cret"),
    )
    .await;
    let id = l["incidents"][0]["id"].as_str().unwrap().to_string();
    let uri = format!("/api/incidents/{id}/corrections");
    let body = r#"{"field":"group","value":"TTP-JA","note":"x"}"#;
    let json = Some("application/json");
    let (status, _) = post(app.clone(), &uri, body, json, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = post(app.clone(), &uri, body, json, Some("wrong")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = get(app.clone(), "/api/export.jsonl", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, d) = get(app.clone(), &format!("/api/incidents/{id}"), Some("s3cret")).await;
    assert_eq!(
        d["incident"]["corrections"],
        Value::Null,
        "refused requests change nothing"
    );
    let (status, _) = post(app.clone(), &uri, body, json, Some("s3cret")).await;
    assert_eq!(status, StatusCode::OK);
    let with_query = format!("{uri}?token=s3cret");
    let (status, _) = post(app, &with_query, body, json, None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_users_token_names_the_reviewer_and_the_plain_token_stays_anonymous() {
    let dir = tempfile::tempdir().unwrap();
    let users =
        Users::parse(&(users_line("amna", "tok-amna") + &users_line("bilal", "tok-b"))).unwrap();
    let app = router_with_users(store(&dir), Some("s3cret".into()), users);
    let (_, l) = get(app.clone(), "/api/incidents", Some("tok-b")).await;
    let ids: Vec<String> = l["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    let json = Some("application/json");
    let body = r#"{"note":"checked"}"#;
    for (id, token) in ids.iter().zip(["tok-amna", "s3cret"]) {
        let uri = format!("/api/incidents/{id}/reviewed");
        let (status, _) = post(app.clone(), &uri, body, json, Some(token)).await;
        assert_eq!(status, StatusCode::OK, "{token}");
    }
    let (status, _) = post(
        app.clone(),
        &format!("/api/incidents/{}/reviewed", ids[0]),
        body,
        json,
        Some("tok-nobody"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let detail = |id: String| {
        let app = app.clone();
        async move {
            get(app, &format!("/api/incidents/{id}"), Some("tok-b"))
                .await
                .1
        }
    };
    let amna = detail(ids[0].clone()).await;
    assert_eq!(amna["incident"]["corrections"][0]["by"], "amna");
    let history = amna["history"].to_string();
    assert!(history.contains("(checked) by amna"), "{history}");
    let anonymous = detail(ids[1].clone()).await;
    assert_eq!(anonymous["incident"]["corrections"][0]["by"], Value::Null);
}

#[test]
fn users_stand_in_for_the_token_on_a_public_address() {
    let public: SocketAddr = "0.0.0.0:8080".parse().unwrap();
    let users = Users::parse(&users_line("amna", "t")).unwrap();
    assert!(check_bind_with_users(public, None, &users).is_ok());
    assert!(check_bind_with_users(public, None, &Users::default()).is_err());
}

/// Two reports of one bombing in Peshawar (merged) and one in Quetta.
fn two_reports(dir: &tempfile::TempDir) -> Router {
    let mut store = Store::open(&dir.path().join("two.db"), OpenMode::Create).unwrap();
    let mut ing = store.begin_ingest().unwrap();
    for (id, district, province) in [
        ("a", "Peshawar", "Khyber Pakhtunkhwa"),
        ("c", "Peshawar", "Khyber Pakhtunkhwa"),
        ("b", "Quetta", "Balochistan"),
    ] {
        let (a, r) = report(id, incident(id, district, province, 9));
        ing.add(&a, r).unwrap();
    }
    ing.finish().unwrap();
    router(store, None)
}

#[tokio::test]
async fn split_and_merge_answer_the_incident_to_show() {
    let dir = tempfile::tempdir().unwrap();
    let app = two_reports(&dir);
    let id = id_in(app.clone(), "Peshawar").await;
    let (_, d) = get(app.clone(), &format!("/api/incidents/{id}"), None).await;
    assert_eq!(d["incident"]["articles"], serde_json::json!(["a", "c"]));

    // Splitting out the earliest report: the rest gets another id.
    let body = serde_json::json!({"article": "a", "note": "different blast"});
    let (status, s) = post_json(app.clone(), &format!("/api/incidents/{id}/split"), body).await;
    assert_eq!(status, StatusCode::OK, "{s}");
    let (kept, off) = (
        s["incident"].as_str().unwrap(),
        s["split_off"].as_str().unwrap(),
    );
    assert_ne!(kept, off);
    let (_, k) = get(app.clone(), &format!("/api/incidents/{kept}"), None).await;
    assert_eq!(k["incident"]["articles"], serde_json::json!(["c"]));
    assert_eq!(k["incident"]["corrections"][0]["field"], "members");
    let (_, o) = get(app.clone(), &format!("/api/incidents/{off}"), None).await;
    assert_eq!(o["incident"]["articles"], serde_json::json!(["a"]));

    // Merging them back: one incident with both reports, the other gone.
    let body = serde_json::json!({"other": off, "note": "same blast after all"});
    let (status, m) = post_json(app.clone(), &format!("/api/incidents/{kept}/merge"), body).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    let merged = m["incident"].as_str().unwrap();
    assert_eq!(m["summary"]["removed"], 1);
    let (_, d) = get(app.clone(), &format!("/api/incidents/{merged}"), None).await;
    assert_eq!(d["incident"]["articles"], serde_json::json!(["a", "c"]));
    let gone = if merged == kept { off } else { kept };
    let (status, _) = get(app.clone(), &format!("/api/incidents/{gone}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let reviewed: Vec<Value> = export_lines(app, "")
        .await
        .into_iter()
        .filter(|l| l["corrections"].is_array())
        .collect();
    assert_eq!(reviewed.len(), 1);
    assert_eq!(reviewed[0]["corrections"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn export_follows_the_filters_and_options_list_correctable_fields() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(export_lines(app(&dir, None), "").await.len(), 2);
    let lines = export_lines(app(&dir, None), "?province=balochistan").await;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["admin2"], "Quetta");
    let (status, body) = get(app(&dir, None), "/api/export.jsonl?limit=5", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].is_string());
    let (_, opts) = get(app(&dir, None), "/api/options", None).await;
    let fields = opts["correctable"].as_array().unwrap();
    assert!(fields.contains(&"group".into()) && fields.contains(&"killed.civilians".into()));
}

#[tokio::test]
async fn without_a_token_only_loopback_host_names_are_served() {
    let dir = tempfile::tempdir().unwrap();
    for (host, ok) in [
        ("127.0.0.1:8080", true),
        ("localhost:8080", true),
        ("[::1]:8080", true),
        ("evil.example:8080", false),
        ("evil.example", false),
    ] {
        let req = Request::builder()
            .uri("/api/options")
            .header("host", host)
            .body(Body::empty())
            .unwrap();
        let res = app(&dir, None).oneshot(req).await.unwrap();
        assert_eq!(res.status() == StatusCode::OK, ok, "{host}");
    }
}

// ------------------------------------------------------------ openapi

/// Every route the dashboard serves, as `METHOD path`.
const ROUTES: [&str; 16] = [
    "GET /",
    "GET /incident/{id}",
    "GET /assets/{name}",
    "GET /map/pakistan.geojson",
    "GET /api/incidents",
    "GET /api/incidents/{id}",
    "POST /api/incidents/{id}/corrections",
    "POST /api/incidents/{id}/split",
    "POST /api/incidents/{id}/merge",
    "POST /api/incidents/{id}/reviewed",
    "GET /api/review",
    "GET /review",
    "GET /api/export.jsonl",
    "GET /api/stats",
    "GET /api/options",
    "GET /api/openapi.json",
];

fn documented_routes(doc: &Value) -> Vec<String> {
    let mut routes = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            routes.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    routes.sort();
    routes
}

#[tokio::test]
async fn the_served_document_lists_every_route() {
    let dir = tempfile::tempdir().unwrap();
    let (status, doc) = get(app(&dir, None), "/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with('3'), "{doc}");
    let mut expected: Vec<String> = ROUTES.iter().map(|r| r.to_string()).collect();
    expected.sort();
    assert_eq!(documented_routes(&doc), expected);
    // The router is built from the annotated handlers alone (`openapi::routes`).
    assert!(!include_str!("lib.rs").contains(".route("));
}

#[tokio::test]
async fn every_documented_route_is_served() {
    let dir = tempfile::tempdir().unwrap();
    for route in ROUTES {
        let (method, path) = route.split_once(' ').unwrap();
        let uri = path.replace("{id}", "nope").replace("{name}", "app.css");
        let req = Request::builder().method(method).uri(&uri);
        let req = if method == "POST" {
            req.header("content-type", "application/json")
                .body(Body::from("{}"))
        } else {
            req.body(Body::empty())
        };
        let res = app(&dir, None).oneshot(req.unwrap()).await.unwrap();
        assert_ne!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "{route}");
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        assert_ne!(body["error"], "no such page or API endpoint", "{route}");
    }
}

#[tokio::test]
async fn every_operation_documents_its_refusals_and_error_bodies() {
    let doc = serde_json::to_value(openapi()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            for status in ["200", "401", "403"] {
                assert!(responses.contains_key(status), "{method} {path} {status}");
            }
            for (status, response) in responses {
                let content = response["content"].as_object();
                assert!(content.is_some(), "{method} {path} {status} has no body");
                if status != "200" {
                    let schema = &response["content"]["application/json"]["schema"]["$ref"];
                    assert_eq!(schema, "#/components/schemas/ErrorBody", "{method} {path}");
                }
            }
        }
    }
}

#[test]
fn documented_parameters_are_the_parsed_ones() {
    let doc = serde_json::to_value(openapi()).unwrap();
    let names = |path: &str| -> Vec<String> {
        let mut n: Vec<String> = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        n.sort();
        n
    };
    // `token` is documented as a security scheme, not a parameter.
    let filters = params::FILTER_KEYS.iter().filter(|k| **k != "token");
    let mut expected: Vec<String> = filters.clone().map(|k| k.to_string()).collect();
    expected.sort();
    assert_eq!(names("/api/stats"), expected);
    assert_eq!(names("/api/export.jsonl"), expected);
    expected.extend(params::PAGE_KEYS.iter().map(|k| k.to_string()));
    expected.sort();
    assert_eq!(names("/api/incidents"), expected);
}

// ------------------------------------------------------------ origin

#[tokio::test]
async fn without_a_token_writes_from_another_origin_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let app = router(store(&dir), None);
    let id = id_in(app.clone(), "Peshawar").await;
    let uri = format!("/api/incidents/{id}/corrections");
    let body = r#"{"field":"group","value":"TTP-JA","note":"x"}"#;
    let send = |origin: Option<&'static str>| {
        let mut req = Request::builder()
            .method("POST")
            .uri(&uri)
            .header("host", "127.0.0.1:8080")
            .header("content-type", "application/json");
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        let app = app.clone();
        let req = req.body(Body::from(body)).unwrap();
        async move { app.oneshot(req).await.unwrap().status() }
    };
    for foreign in [
        "http://evil.example",
        "http://localhost:8080",
        "http://127.0.0.1:9999",
        "https://127.0.0.1:8080",
        "null",
    ] {
        assert_eq!(
            send(Some(foreign)).await,
            StatusCode::FORBIDDEN,
            "{foreign}"
        );
    }
    let (_, d) = get(app.clone(), &format!("/api/incidents/{id}"), None).await;
    assert_eq!(d["incident"]["corrections"], Value::Null, "nothing stored");
    assert_eq!(send(Some("http://127.0.0.1:8080")).await, StatusCode::OK);
    assert_eq!(send(None).await, StatusCode::OK, "curl sends no Origin");
    // Reads from anywhere stay readable only by the browser's same-origin rule.
    let req = Request::builder()
        .uri("/api/options")
        .header("origin", "http://evil.example")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.oneshot(req).await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn malformed_page_and_asset_names_are_json_400s() {
    let dir = tempfile::tempdir().unwrap();
    for uri in ["/incident/%FF", "/assets/%FF"] {
        let res = app(&dir, None)
            .oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{uri}");
        let kind = res.headers()["content-type"].to_str().unwrap();
        assert_eq!(kind, "application/json", "{uri}");
    }
}

#[tokio::test]
async fn with_a_token_the_pages_files_load_without_it() {
    // The page is opened as `/?token=T`; its `<script src>` cannot carry T.
    let dir = tempfile::tempdir().unwrap();
    for (uri, status) in [
        ("/assets/common.js", StatusCode::OK),
        ("/assets/app.css", StatusCode::OK),
        ("/map/pakistan.geojson", StatusCode::OK),
        ("/", StatusCode::UNAUTHORIZED),
        ("/incident/x", StatusCode::UNAUTHORIZED),
        ("/api/options", StatusCode::UNAUTHORIZED),
        ("/api/openapi.json", StatusCode::UNAUTHORIZED),
    ] {
        let req = Request::builder().uri(uri).body(Body::empty()).unwrap();
        let res = app(&dir, Some("s3cret")).oneshot(req).await.unwrap();
        assert_eq!(res.status(), status, "{uri}");
    }
}

#[tokio::test]
async fn reads_go_on_while_a_review_waits_for_the_write_lock() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&dir, None);
    let id = id_in(app.clone(), "Peshawar").await;
    // Another process's write transaction: an ingest committing.
    let ingest = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
    ingest.execute_batch("BEGIN IMMEDIATE").unwrap();
    let uri = format!("/api/incidents/{id}/corrections");
    let body = serde_json::json!({"field": "group", "value": "Lashkar-e-Jhangvi", "note": "seen"});
    let poster = app.clone();
    let review = tokio::spawn(async move { post_json(poster, &uri, body).await });
    tokio::task::spawn_blocking(|| std::thread::sleep(std::time::Duration::from_millis(300)))
        .await
        .unwrap();
    let (status, _) = get(app.clone(), "/api/stats", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!review.is_finished(), "the review should still be waiting");
    ingest.execute_batch("COMMIT").unwrap();
    let (status, answer) = review.await.unwrap();
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, shown) = get(app, &format!("/api/incidents/{id}"), None).await;
    assert_eq!(shown["incident"]["group"], "Lashkar-e-Jhangvi", "{shown}");
}

// ------------------------------------------------------------ review queue

#[tokio::test]
async fn the_review_queue_lists_doubts_and_a_reviewed_incident_leaves_it() {
    let dir = tempfile::tempdir().unwrap();
    let (status, q) = get(app(&dir, None), "/api/review", None).await;
    assert_eq!(status, StatusCode::OK, "{q}");
    let total = q["total"].as_u64().unwrap();
    assert_eq!(total as usize, q["incidents"].as_array().unwrap().len());
    let (_, all) = get(app(&dir, None), "/api/incidents", None).await;
    let id = all["incidents"][0]["id"].as_str().unwrap().to_string();
    let uri = format!("/api/incidents/{id}/reviewed");
    let (status, err) = post_json(app(&dir, None), &uri, serde_json::json!({"note": " "})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a blank note: {err}");
    let (status, answer) = post_json(
        app(&dir, None),
        &uri,
        serde_json::json!({"note": "checked the statement"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, after) = get(app(&dir, None), "/api/review?limit=500", None).await;
    let ids: Vec<&str> = after["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["id"].as_str())
        .collect();
    assert!(!ids.contains(&id.as_str()), "{id} is reviewed: {after}");
    let (_, detail) = get(app(&dir, None), &format!("/api/incidents/{id}"), None).await;
    assert!(
        detail["incident"]["confidence"]["incident"].is_number(),
        "{detail}"
    );
}
