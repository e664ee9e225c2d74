//! tally's local web dashboard.
//!
//! An axum [`Router`] over an open [`Store`]: a JSON API to read
//! (`/api/incidents`, `/api/incidents/{id}`, `/api/stats`, `/api/options`,
//! `/api/export.jsonl`) and to review incidents (`POST
//! /api/incidents/{id}/corrections|split|merge`, the only writes), and two
//! pages (overview `/`, incident `/incident/{id}`) whose HTML, CSS,
//! JavaScript and map outline are embedded in the binary: the dashboard
//! works offline. This crate knows nothing about extraction and prints nothing; the
//! `tally serve` command builds the router and binds it.
//!
//! Access: when a token is configured every request must carry it, as
//! `Authorization: Bearer T` or `?token=T`, else 401. [`check_bind`] refuses
//! a non-loopback address without a token.

mod api;
mod assets;
mod auth;
mod error;
mod params;
mod review;
mod shapes;

pub use error::ApiError;

use axum::routing::{get, post};
use axum::Router;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tally_store::{StatsIndex, Store};

/// What every handler shares: the database and the access token.
pub struct AppState {
    /// The connection the dashboard reads through.
    store: Mutex<Store>,
    /// The reviews' own connection to the same file, opened by the first
    /// review: a review waiting for the write lock (while an ingest
    /// commits) must not hold up the dashboard's reads.
    writer: Mutex<Option<Store>>,
    path: PathBuf,
    token: Option<String>,
    /// Statistics columns of every incident, reloaded when the data stamp moves.
    stats: Mutex<Option<Arc<StatsIndex>>>,
}

impl AppState {
    /// The statistics index, read again if an ingest or a correction has
    /// changed any incident since it was read.
    fn stats_index(&self, store: &Store) -> Result<Arc<StatsIndex>, tally_store::StoreError> {
        let stamp = store.data_stamp()?;
        let mut cached = self.stats.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(index) = cached.as_ref().filter(|i| i.stamp() == stamp) {
            return Ok(index.clone());
        }
        let index = Arc::new(store.stats_index()?);
        *cached = Some(index.clone());
        Ok(index)
    }
}

/// Why `tally serve` refuses to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindError {
    /// A non-loopback address needs a token.
    TokenRequired(SocketAddr),
    /// An empty token would let anyone in.
    EmptyToken,
}

impl std::fmt::Display for BindError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BindError::TokenRequired(a) => write!(
                f,
                "{a} is reachable from other machines: give --token to require a token"
            ),
            BindError::EmptyToken => f.write_str("--token must not be empty"),
        }
    }
}

impl std::error::Error for BindError {}

/// Check that `addr` may be bound with this token: loopback addresses need
/// none; any other address needs a non-empty one.
pub fn check_bind(addr: SocketAddr, token: Option<&str>) -> Result<(), BindError> {
    match token {
        Some("") => Err(BindError::EmptyToken),
        None if !addr.ip().is_loopback() => Err(BindError::TokenRequired(addr)),
        _ => Ok(()),
    }
}

/// The dashboard's routes over `store`; with a token, every route requires it.
pub fn router(store: Store, token: Option<String>) -> Router {
    let state = Arc::new(AppState {
        path: store.path().to_path_buf(),
        store: Mutex::new(store),
        writer: Mutex::new(None),
        token,
        stats: Mutex::new(None),
    });
    Router::new()
        .route("/", get(assets::overview))
        .route("/incident/{id}", get(assets::incident_page))
        .route("/assets/{name}", get(assets::asset))
        .route("/map/pakistan.geojson", get(assets::outline))
        .route("/api/incidents", get(api::incidents))
        .route("/api/incidents/{id}", get(api::incident))
        .route("/api/incidents/{id}/corrections", post(review::correct))
        .route("/api/incidents/{id}/split", post(review::split))
        .route("/api/incidents/{id}/merge", post(review::merge))
        .route("/api/export.jsonl", get(api::export_jsonl))
        .route("/api/stats", get(api::stats))
        .route("/api/options", get(api::options))
        .fallback(api::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::require_token,
        ))
        .with_state(state)
}

/// Serve `router` on a bound listener until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    axum::serve(listener, router).await
}

#[cfg(test)]
mod tests;
