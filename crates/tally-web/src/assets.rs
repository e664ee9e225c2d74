//! The embedded pages, scripts, styles and map outline.

use crate::shapes::ErrorBody;
use crate::ApiError;
use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

const OVERVIEW: &str = include_str!("../assets/overview.html");
const INCIDENT: &str = include_str!("../assets/incident.html");
const REVIEW: &str = include_str!("../assets/review.html");
const OUTLINE: &str = include_str!("../../../data/map/pakistan.geojson");

/// Name, content type, content.
const FILES: [(&str, &str, &str); 5] = [
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../assets/app.css"),
    ),
    (
        "common.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/common.js"),
    ),
    (
        "overview.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/overview.js"),
    ),
    (
        "incident.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/incident.js"),
    ),
    (
        "review.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/review.js"),
    ),
];

/// `GET /`: the overview page.
#[utoipa::path(get, path = "/", tag = "pages",
    responses((status = 200, description = "The overview page", body = String, content_type = "text/html")))]
pub async fn overview() -> Html<&'static str> {
    Html(OVERVIEW)
}

/// `GET /review`: the "Needs review" page (the review queue).
#[utoipa::path(get, path = "/review", tag = "pages",
    responses((status = 200, description = "The review queue page", body = String, content_type = "text/html")))]
pub async fn review_page() -> Html<&'static str> {
    Html(REVIEW)
}

/// The incident page; its script reads the id from the address.
#[utoipa::path(get, path = "/incident/{id}", tag = "pages",
    params(("id" = String, Path, description = "An incident id or a unique prefix of one")),
    responses(
        (status = 200, description = "The incident page", body = String, content_type = "text/html"),
        (status = 400, description = "A malformed id", body = ErrorBody),
    ))]
pub async fn incident_page(
    path: Result<Path<String>, PathRejection>,
) -> Result<Html<&'static str>, ApiError> {
    path.map_err(|e| ApiError::bad_request(e.body_text()))?;
    Ok(Html(INCIDENT))
}

/// `GET /assets/{name}`: a script or the style sheet.
#[utoipa::path(get, path = "/assets/{name}", tag = "pages",
    params(("name" = String, Path, description = "`app.css`, `common.js`, `overview.js`, `incident.js` or `review.js`")),
    responses(
        (status = 200, description = "The file", content(
            (String = "text/css"),
            (String = "text/javascript"),
        )),
        (status = 400, description = "A malformed name", body = ErrorBody),
        (status = 404, description = "No such file", body = ErrorBody),
    ))]
pub async fn asset(path: Result<Path<String>, PathRejection>) -> Result<Response, ApiError> {
    let Path(name) = path.map_err(|e| ApiError::bad_request(e.body_text()))?;
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, kind, body)) => Ok(([(header::CONTENT_TYPE, *kind)], *body).into_response()),
        None => Err(ApiError::not_found(format!("no asset {name}"))),
    }
}

/// `GET /map/pakistan.geojson`: the country outline the map draws.
#[utoipa::path(get, path = "/map/pakistan.geojson", tag = "pages",
    responses((status = 200, description = "Pakistan's outline (Natural Earth)",
        body = Object, content_type = "application/geo+json")))]
pub async fn outline() -> Response {
    ([(header::CONTENT_TYPE, "application/geo+json")], OUTLINE).into_response()
}
