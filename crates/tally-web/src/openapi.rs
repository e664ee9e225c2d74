//! The OpenAPI 3 document of the HTTP API, served at `/api/openapi.json`.
//!
//! The router is built from the handlers' `#[utoipa::path]` annotations
//! ([`routes`]), so the document lists exactly the routes served. Statuses
//! every route can give (401 without the token, 403 for a foreign host or
//! origin) come from the access layer and are added here to every operation.

use crate::shapes::ErrorBody;
use crate::{api, assets, review, ApiError, AppState};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::sync::{Arc, LazyLock};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, OpenApi as Document, Ref, ResponseBuilder, SecurityRequirement,
};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "tally",
        description = "tally's local dashboard: read coded incidents, review them."
    ),
    tags(
        (name = "pages", description = "The dashboard's embedded pages and files"),
        (name = "read", description = "Incidents, statistics, filter values, export"),
        (name = "review", description = "Analysts' corrections, splits and merges (the only writes)"),
        (name = "meta", description = "This document"),
    )
)]
struct ApiDoc;

/// Every route of the dashboard, each with its place in the document.
pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(assets::overview))
        .routes(routes!(assets::incident_page))
        .routes(routes!(assets::asset))
        .routes(routes!(assets::outline))
        .routes(routes!(api::incidents))
        .routes(routes!(api::incident))
        .routes(routes!(review::correct))
        .routes(routes!(review::split))
        .routes(routes!(review::merge))
        .routes(routes!(review::reviewed))
        .routes(routes!(api::review_queue))
        .routes(routes!(assets::review_page))
        .routes(routes!(api::export_jsonl))
        .routes(routes!(api::stats))
        .routes(routes!(api::options))
        .routes(routes!(document))
}

/// The document: the routes' own parts plus what the access layer adds.
pub fn openapi() -> Document {
    let (_, mut doc) = routes().split_for_parts();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    add_access(&mut doc);
    doc
}

/// The token schemes (optional: without `--token` or `--users` only
/// loopback is served; a user's token also names who made a review), and
/// the 401 and 403 every operation can answer.
fn add_access(doc: &mut Document) {
    let components = doc.components.get_or_insert_with(Default::default);
    components
        .schemas
        .entry("ErrorBody".into())
        .or_insert_with(|| {
            use utoipa::PartialSchema;
            ErrorBody::schema()
        });
    let bearer = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build();
    components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
    let query = ApiKey::Query(ApiKeyValue::new("token"));
    components.add_security_scheme("token_query", SecurityScheme::ApiKey(query));
    doc.security = Some(vec![
        SecurityRequirement::default(),
        SecurityRequirement::new("bearer", Vec::<String>::new()),
        SecurityRequirement::new("token_query", Vec::<String>::new()),
    ]);
    let refusals = [
        (
            "401",
            "`--token` or `--users` is set and the request carries none of their tokens",
        ),
        (
            "403",
            "Without `--token`: a Host that is not this machine's loopback, or a write from another site's Origin",
        ),
    ];
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            for (status, why) in refusals {
                op.responses
                    .responses
                    .entry(status.into())
                    .or_insert_with(|| error_response(why).into());
            }
        }
    }
}

fn error_response(description: &str) -> utoipa::openapi::Response {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("ErrorBody")))
        .build();
    ResponseBuilder::new()
        .description(description)
        .content("application/json", content)
        .build()
}

static DOCUMENT: LazyLock<Result<String, String>> =
    LazyLock::new(|| openapi().to_pretty_json().map_err(|e| e.to_string()));

/// `GET /api/openapi.json`: this document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI 3 document of this API", body = Object)))]
pub async fn document() -> Response {
    match DOCUMENT.as_ref() {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json.as_str()).into_response(),
        Err(e) => ApiError::internal(format!("encoding the OpenAPI document: {e}")).into_response(),
    }
}
