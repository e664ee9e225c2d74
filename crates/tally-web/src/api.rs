//! The JSON API handlers. Each carries its `#[utoipa::path]`: the router
//! is built from these (see `crate::openapi`), so the OpenAPI document
//! lists exactly the routes served, with every status a handler can give.

use crate::params::{Filters, Paging, Params};
use crate::shapes::{ErrorBody, IncidentDetail, IncidentPage, Options, ReviewQueue, StatsAnswer};
use crate::{shapes, ApiError, AppState};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::sync::Arc;
use tally_model::{EventType, Incident};
use tally_store::{Column, GroupBy, OpenMode, Store, CORRECTABLE};

type Answer<T> = Result<Json<T>, ApiError>;

/// Run `f` with the store on a blocking thread.
async fn with_store<T: Send + 'static>(
    state: Arc<AppState>,
    f: impl FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(move || {
        let store = state
            .store
            .lock()
            .map_err(|_| ApiError::internal("the database lock is poisoned"))?;
        f(&store)
    })
    .await
    .map_err(|e| ApiError::internal(format!("database task failed: {e}")))?
}

/// Run `f` on a blocking thread with the reviews' own connection, allowed
/// to write (a review); reads go on through the other one meanwhile. The
/// lock makes a write and the reads around it one unit.
pub(crate) async fn with_store_mut<T: Send + 'static>(
    state: Arc<AppState>,
    f: impl FnOnce(&mut Store) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(move || {
        let mut writer = state
            .writer
            .lock()
            .map_err(|_| ApiError::internal("the database lock is poisoned"))?;
        let store = match writer.as_mut() {
            Some(store) => store,
            None => writer.insert(Store::open(&state.path, OpenMode::Existing)?),
        };
        f(store)
    })
    .await
    .map_err(|e| ApiError::internal(format!("database task failed: {e}")))?
}

/// `GET /api/incidents`: filtered, sorted, paged incident rows.
#[utoipa::path(get, path = "/api/incidents", tag = "read", params(Filters, Paging),
    responses(
        (status = 200, description = "One page of the matching incidents", body = IncidentPage),
        (status = 400, description = "A bad parameter", body = ErrorBody),
    ))]
pub async fn incidents(
    State(state): State<Arc<AppState>>,
    RawQuery(q): RawQuery,
) -> Answer<IncidentPage> {
    let params = Params::parse(q.as_deref())?;
    params.only(true)?;
    let page = params.page()?;
    let shared = state.clone();
    with_store(state, move |store| {
        let filter = params.filter(store)?;
        // Matching and ordering in memory, then only the page read from SQL:
        // deep pages of 100,000 incidents cost SQLite a sort of half of them.
        let index = shared.stats_index(store)?;
        let (total, ids) = index.page_ids(&filter, page.sort, page.limit, page.offset);
        let found = store.summaries(&ids)?;
        Ok(Json(IncidentPage {
            total,
            offset: page.offset,
            limit: page.limit,
            incidents: found.iter().map(shapes::incident_row).collect(),
        }))
    })
    .await
}

/// `GET /api/review`: the review queue, most urgent first, with the doubts
/// behind each incident (same ranking as `tally review`).
#[utoipa::path(get, path = "/api/review", tag = "review", params(Filters, Paging),
    responses(
        (status = 200, description = "The queued incidents matching the filters, most urgent first (`offset` and `sort` are ignored)", body = ReviewQueue),
        (status = 400, description = "A bad parameter", body = ErrorBody),
    ))]
pub async fn review_queue(
    State(state): State<Arc<AppState>>,
    RawQuery(q): RawQuery,
) -> Answer<ReviewQueue> {
    let params = Params::parse(q.as_deref())?;
    params.only(true)?;
    let page = params.page()?;
    with_store(state, move |store| {
        let filter = params.filter(store)?;
        let today = tally_model::IncidentDate::today().ordinal();
        let (total, queue) = store.review_queue(&filter, page.limit, today)?;
        Ok(Json(ReviewQueue {
            total,
            incidents: queue.iter().map(shapes::queued_incident).collect(),
        }))
    })
    .await
}

/// `GET /api/stats`: counters, monthly series, district points.
#[utoipa::path(get, path = "/api/stats", tag = "read", params(Filters),
    responses(
        (status = 200, description = "Counters, months and district points", body = StatsAnswer),
        (status = 400, description = "A bad parameter", body = ErrorBody),
    ))]
pub async fn stats(
    State(state): State<Arc<AppState>>,
    RawQuery(q): RawQuery,
) -> Answer<StatsAnswer> {
    let params = Params::parse(q.as_deref())?;
    params.only(false)?;
    let shared = state.clone();
    with_store(state, move |store| {
        let filter = params.filter(store)?;
        // In memory: three SQL scans of 100,000 incidents take ~300 ms.
        let index = shared.stats_index(store)?;
        let overall = index.stats(&filter, None).unwrap_or_default();
        let months = index
            .stats(&filter, Some(GroupBy::Month))
            .unwrap_or_default();
        let map = index.map_points(&filter);
        Ok(Json(StatsAnswer {
            counters: shapes::counters(&overall),
            monthly: shapes::monthly(&months),
            districts: shapes::districts(&map.districts),
            unlocated: map.unlocated,
        }))
    })
    .await
}

/// `GET /api/options`: the values the filters can take, and the fields an
/// analyst may correct.
#[utoipa::path(get, path = "/api/options", tag = "read",
    responses((status = 200, description = "Filter values and correctable fields", body = Options)))]
pub async fn options(State(state): State<Arc<AppState>>) -> Answer<Options> {
    with_store(state, |store| {
        Ok(Json(Options {
            provinces: store.choices(Column::Admin1)?,
            districts: store.choices(Column::Admin2)?,
            groups: store.choices(Column::Group)?,
            types: EventType::ALL.iter().map(|t| t.as_str().into()).collect(),
            correctable: CORRECTABLE.iter().map(|f| f.to_string()).collect(),
        }))
    })
    .await
}

/// `GET /api/export.jsonl`: the filtered incidents, one JSON object a line,
/// as `tally export --format jsonl` writes them (with analysts'
/// `corrections`), offered as a file download.
#[utoipa::path(get, path = "/api/export.jsonl", tag = "read", params(Filters),
    responses(
        (status = 200, description = "The matching incidents, one JSON object a line",
            body = String, content_type = "application/x-ndjson"),
        (status = 400, description = "A bad parameter", body = ErrorBody),
    ))]
pub async fn export_jsonl(
    State(state): State<Arc<AppState>>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(q.as_deref())?;
    params.only(false)?;
    let body = with_store(state, move |store| {
        let filter = params.filter(store)?;
        jsonl(&store.incidents(&filter, None)?)
    })
    .await?;
    let headers = [
        (header::CONTENT_TYPE, "application/x-ndjson; charset=utf-8"),
        (
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"tally-incidents.jsonl\"",
        ),
    ];
    Ok((headers, body).into_response())
}

fn jsonl(incidents: &[Incident]) -> Result<String, ApiError> {
    let mut out = String::new();
    for inc in incidents {
        let line = serde_json::to_string(inc)
            .map_err(|e| ApiError::internal(format!("encoding incident {}: {e}", inc.id)))?;
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

/// `GET /api/incidents/{id}`: one incident with ledger, articles and history.
#[utoipa::path(get, path = "/api/incidents/{id}", tag = "read",
    params(("id" = String, Path, description = "An incident id or a unique prefix of one")),
    responses(
        (status = 200, description = "The incident, its ledger, articles and history", body = IncidentDetail),
        (status = 400, description = "A malformed id, or a prefix of several ids", body = ErrorBody),
        (status = 404, description = "No such incident", body = ErrorBody),
    ))]
pub async fn incident(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
) -> Answer<IncidentDetail> {
    let Path(id) = path.map_err(|e| ApiError::bad_request(e.body_text()))?;
    with_store(state, move |store| {
        let inc = find(store, &id)?;
        let sources = store.sources(&inc.articles)?;
        let history = store.history(&inc.id)?;
        Ok(Json(IncidentDetail {
            killed_best: tally_store::best_total(&inc.killed),
            injured_best: tally_store::best_total(&inc.injured),
            ledger: shapes::ledger(&inc.evidence, &sources),
            disagreements: shapes::disagreements(&inc.evidence),
            articles: shapes::articles(&sources),
            history: shapes::history(&history),
            incident: inc,
        }))
    })
    .await
}

/// The incident with this id, or the only one whose id starts with it.
fn find(store: &Store, id: &str) -> Result<Incident, ApiError> {
    if let Some(inc) = store.incident(id)? {
        return Ok(inc);
    }
    match store.ids_with_prefix(id, 2)?.as_slice() {
        [one] => store
            .incident(one)?
            .ok_or_else(|| ApiError::not_found(format!("no incident {id}"))),
        [] => Err(ApiError::not_found(format!("no incident {id}"))),
        _ => Err(ApiError::bad_request(format!(
            "several incidents start with {id}: give more of the id"
        ))),
    }
}

/// Anything else: a JSON 404.
pub async fn not_found() -> ApiError {
    ApiError::not_found("no such page or API endpoint")
}
