//! The analyst's review endpoints: correct a field, split a report out,
//! merge two incidents. Each stores an override through
//! [`Store::review`] and answers which incident the page should show next,
//! since a split or merge may change the incident's id.

use crate::api::{find, with_store_mut};
use crate::{ApiError, AppState};
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::Json;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::Arc;
use tally_model::Incident;
use tally_store::{IngestSummary, Review, Store};

type Answer = Result<Json<Value>, ApiError>;

/// Body of `POST /api/incidents/{id}/corrections`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetBody {
    field: String,
    /// Outer `None`: the key is missing, which is a mistake; inner `None`:
    /// `null` or an empty string, which clears the field.
    #[serde(default, deserialize_with = "present_scalar")]
    value: Option<Option<String>>,
    note: String,
}

/// Body of `POST /api/incidents/{id}/split`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitBody {
    article: String,
    note: String,
}

/// Body of `POST /api/incidents/{id}/merge`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    other: String,
    note: String,
}

/// A `value` that was given: text, a number or a boolean as text (so
/// `"value": 12` works as well as `"12"`), `null` or blank to clear.
fn present_scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    let text = match Value::deserialize(d)? {
        Value::Null => None,
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => {
            return Err(D::Error::custom(
                "value must be a string, a number, true/false or null",
            ))
        }
    };
    Ok(Some(text.filter(|t| !t.trim().is_empty())))
}

/// The incident id from the path, a 400 if it is not valid UTF-8.
fn path_id(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    path.map(|Path(id)| id)
        .map_err(|e| ApiError::bad_request(e.body_text()))
}

/// The JSON body; a missing, malformed or non-JSON body (including a
/// missing `Content-Type: application/json`) is our 400, never axum's
/// plain-text answer. Requiring JSON also keeps other web sites from
/// posting here with a plain HTML form.
fn body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(b)| b).map_err(|e| {
        ApiError::bad_request(format!(
            "the body must be a JSON object as documented: {}",
            e.body_text()
        ))
    })
}

/// `POST /api/incidents/{id}/corrections`: set or clear one field.
pub async fn correct(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    json: Result<Json<SetBody>, JsonRejection>,
) -> Answer {
    let id = path_id(path)?;
    let b = body(json)?;
    let value = b
        .value
        .ok_or_else(|| ApiError::bad_request("give \"value\" (null or \"\" clears the field)"))?;
    let review = Review::Set {
        field: b.field.trim().to_string(),
        value,
    };
    apply(state, id, review, b.note).await
}

/// `POST /api/incidents/{id}/split`: one article's report becomes an
/// incident of its own.
pub async fn split(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    json: Result<Json<SplitBody>, JsonRejection>,
) -> Answer {
    let id = path_id(path)?;
    let b = body(json)?;
    let review = Review::Split {
        article: b.article.trim().to_string(),
    };
    apply(state, id, review, b.note).await
}

/// `POST /api/incidents/{id}/merge`: another incident joins this one.
pub async fn merge(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    json: Result<Json<MergeBody>, JsonRejection>,
) -> Answer {
    let id = path_id(path)?;
    let b = body(json)?;
    let review = Review::Merge {
        other: b.other.trim().to_string(),
    };
    apply(state, id, review, b.note).await
}

/// Store the review and answer what changed and which incident to show.
async fn apply(state: Arc<AppState>, id: String, review: Review, note: String) -> Answer {
    with_store_mut(state, move |store| {
        let before = find(store, &id)?;
        let other = match &review {
            Review::Merge { other } => Some(find(store, other)?),
            _ => None,
        };
        let ids_before = live_ids(store)?;
        let summary = store.review(&before.id, &review, &note)?;
        let next = Next::after(store, &before, other.as_ref(), &review, &ids_before)?;
        Ok(Json(answer(&next, &summary)))
    })
    .await
}

fn answer(next: &Next, summary: &IngestSummary) -> Value {
    json!({
        "incident": next.incident,
        "split_off": next.split_off,
        "summary": {
            "new": summary.incidents_new,
            "updated": summary.incidents_updated,
            "removed": summary.incidents_removed,
        },
    })
}

/// Every incident id in the database (a few MB at 100,000 incidents).
fn live_ids(store: &Store) -> Result<HashSet<String>, ApiError> {
    // A limit no database reaches: all of them.
    Ok(store
        .ids_with_prefix("", i64::MAX as usize)?
        .into_iter()
        .collect())
}

/// Where the reviewed reports are after a review.
struct Next {
    /// The incident holding the reviewed incident's reports (all of them
    /// but the split article's, after a split); `None` if none does.
    incident: Option<String>,
    /// After a split: the incident the article's report went to.
    split_off: Option<String>,
}

impl Next {
    /// Ids follow the smallest member report, so the reports may now sit
    /// under a new id, or under the other incident's after a merge. A
    /// review only reshapes the incidents it names, so the candidates are
    /// those and the ids that did not exist before it; each is checked by
    /// its articles.
    fn after(
        store: &Store,
        before: &Incident,
        other: Option<&Incident>,
        review: &Review,
        ids_before: &HashSet<String>,
    ) -> Result<Next, ApiError> {
        let mut ids = vec![before.id.clone()];
        ids.extend(other.map(|o| o.id.clone()));
        ids.extend(
            live_ids(store)?
                .into_iter()
                .filter(|i| !ids_before.contains(i)),
        );
        let mut candidates = Vec::new();
        for id in &ids {
            candidates.extend(store.incident(id)?);
        }
        let holding = |articles: &[&str], except: Option<&str>| {
            candidates
                .iter()
                .filter(|c| Some(c.id.as_str()) != except)
                .find(|c| articles.iter().all(|a| c.articles.iter().any(|x| x == a)))
                .map(|c| c.id.clone())
        };
        let mut wanted: Vec<&str> = before.articles.iter().map(String::as_str).collect();
        if let Some(o) = other {
            wanted.extend(o.articles.iter().map(String::as_str));
        }
        let Review::Split { article } = review else {
            return Ok(Next {
                incident: holding(&wanted, None),
                split_off: None,
            });
        };
        wanted.retain(|a| a != article);
        let incident = holding(&wanted, None);
        let split_off = holding(&[article.as_str()], incident.as_deref());
        Ok(Next {
            incident,
            split_off,
        })
    }
}
