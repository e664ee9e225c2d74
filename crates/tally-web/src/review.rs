//! The analyst's review endpoints: correct a field, split a report out,
//! merge two incidents. Each stores an override through
//! [`Store::review`] and answers which incident the page should show next,
//! since a split or merge may change the incident's id.

use crate::api::with_store_mut;
use crate::shapes::{review_answer, ErrorBody, ReviewAnswer};
use crate::users::Reviewer;
use crate::{ApiError, AppState};
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::{Extension, Json};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::sync::Arc;
use tally_store::Review;
use utoipa::ToSchema;

type Answer = Result<Json<ReviewAnswer>, ApiError>;

/// Body of `POST /api/incidents/{id}/corrections`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetBody {
    /// A correctable field (`/api/options` lists them).
    field: String,
    /// The new value: text, a number or true/false; `null` or `""` clears
    /// the field. The key must be present. `targets` takes target classes
    /// separated by commas (`"police,civilians"`).
    // Outer `None`: the key is missing, which is a mistake; inner `None`:
    // `null` or an empty string, which clears the field.
    #[serde(default, deserialize_with = "present_scalar")]
    #[schema(required = true, value_type = Option<ScalarValue>)]
    value: Option<Option<String>>,
    /// Why (required, not blank).
    #[schema(min_length = 1, pattern = r"\S")]
    note: String,
}

/// A correction's value as JSON: a string, a number or a boolean.
#[derive(serde::Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)] // a schema only: `present_scalar` reads the value
enum ScalarValue {
    Text(String),
    Number(f64),
    Flag(bool),
}

/// Body of `POST /api/incidents/{id}/split`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitBody {
    /// The id of the article whose report becomes an incident of its own.
    article: String,
    /// Why (required, not blank).
    #[schema(min_length = 1, pattern = r"\S")]
    note: String,
}

/// Body of `POST /api/incidents/{id}/merge`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    /// The incident that joins this one (an id or a unique prefix).
    other: String,
    /// Why (required, not blank).
    #[schema(min_length = 1, pattern = r"\S")]
    note: String,
}

/// Body of `POST /api/incidents/{id}/reviewed`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewedBody {
    /// What was checked (required, not blank).
    #[schema(min_length = 1, pattern = r"\S")]
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
#[utoipa::path(post, path = "/api/incidents/{id}/corrections", tag = "review",
    params(("id" = String, Path, description = "An incident id or a unique prefix of one")),
    request_body(content = SetBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Stored; the incident to show next", body = ReviewAnswer),
        (status = 400, description = "A bad body, id or value, or a review the store refuses", body = ErrorBody),
        (status = 404, description = "No such incident (or other incident)", body = ErrorBody),
    ))]
pub async fn correct(
    State(state): State<Arc<AppState>>,
    reviewer: Option<Extension<Reviewer>>,
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
    apply(state, id, review, b.note, reviewer).await
}

/// `POST /api/incidents/{id}/split`: one article's report becomes an
/// incident of its own.
#[utoipa::path(post, path = "/api/incidents/{id}/split", tag = "review",
    params(("id" = String, Path, description = "An incident id or a unique prefix of one")),
    request_body(content = SplitBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Stored; the incident to show next", body = ReviewAnswer),
        (status = 400, description = "A bad body, id or value, or a review the store refuses", body = ErrorBody),
        (status = 404, description = "No such incident (or other incident)", body = ErrorBody),
    ))]
pub async fn split(
    State(state): State<Arc<AppState>>,
    reviewer: Option<Extension<Reviewer>>,
    path: Result<Path<String>, PathRejection>,
    json: Result<Json<SplitBody>, JsonRejection>,
) -> Answer {
    let id = path_id(path)?;
    let b = body(json)?;
    let review = Review::Split {
        article: b.article.trim().to_string(),
    };
    apply(state, id, review, b.note, reviewer).await
}

/// `POST /api/incidents/{id}/merge`: another incident joins this one.
#[utoipa::path(post, path = "/api/incidents/{id}/merge", tag = "review",
    params(("id" = String, Path, description = "An incident id or a unique prefix of one")),
    request_body(content = MergeBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Stored; the incident to show next", body = ReviewAnswer),
        (status = 400, description = "A bad body, id or value, or a review the store refuses", body = ErrorBody),
        (status = 404, description = "No such incident (or other incident)", body = ErrorBody),
    ))]
pub async fn merge(
    State(state): State<Arc<AppState>>,
    reviewer: Option<Extension<Reviewer>>,
    path: Result<Path<String>, PathRejection>,
    json: Result<Json<MergeBody>, JsonRejection>,
) -> Answer {
    let id = path_id(path)?;
    let b = body(json)?;
    let review = Review::Merge {
        other: b.other.trim().to_string(),
    };
    apply(state, id, review, b.note, reviewer).await
}

/// `POST /api/incidents/{id}/reviewed`: mark the incident checked; it
/// leaves the review queue until a new report joins it.
#[utoipa::path(post, path = "/api/incidents/{id}/reviewed", tag = "review",
    params(("id" = String, Path, description = "An incident id or a unique prefix of one")),
    request_body(content = ReviewedBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Stored; the incident to show next", body = ReviewAnswer),
        (status = 400, description = "A bad body or id", body = ErrorBody),
        (status = 404, description = "No such incident", body = ErrorBody),
    ))]
pub async fn reviewed(
    State(state): State<Arc<AppState>>,
    reviewer: Option<Extension<Reviewer>>,
    path: Result<Path<String>, PathRejection>,
    json: Result<Json<ReviewedBody>, JsonRejection>,
) -> Answer {
    let id = path_id(path)?;
    let b = body(json)?;
    apply(state, id, Review::Reviewed, b.note, reviewer).await
}

/// Store the review, with the name of the user whose token the request
/// carried, and answer what changed and which incident to show.
async fn apply(
    state: Arc<AppState>,
    id: String,
    review: Review,
    note: String,
    reviewer: Option<Extension<Reviewer>>,
) -> Answer {
    let by = reviewer.and_then(|Extension(Reviewer(name))| name);
    with_store_mut(state, move |store| {
        let outcome = store.review_by(&id, &review, &note, by.as_deref())?;
        Ok(Json(review_answer(&outcome)))
    })
    .await
}
