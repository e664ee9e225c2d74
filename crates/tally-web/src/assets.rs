//! The embedded pages, scripts, styles and map outline.

use crate::ApiError;
use axum::extract::Path;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

const OVERVIEW: &str = include_str!("../assets/overview.html");
const INCIDENT: &str = include_str!("../assets/incident.html");
const OUTLINE: &str = include_str!("../../../data/map/pakistan.geojson");

/// Name, content type, content.
const FILES: [(&str, &str, &str); 4] = [
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
];

pub async fn overview() -> Html<&'static str> {
    Html(OVERVIEW)
}

/// The incident page; its script reads the id from the address.
pub async fn incident_page(Path(_id): Path<String>) -> Html<&'static str> {
    Html(INCIDENT)
}

pub async fn asset(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, kind, body)) => ([(header::CONTENT_TYPE, *kind)], *body).into_response(),
        None => ApiError::not_found(format!("no asset {name}")).into_response(),
    }
}

pub async fn outline() -> Response {
    ([(header::CONTENT_TYPE, "application/geo+json")], OUTLINE).into_response()
}
