//! tally's local web dashboard.
//!
//! An axum [`Router`] over an open [`Store`]: a JSON API to read
//! (`/api/incidents`, `/api/incidents/{id}`, `/api/stats`, `/api/options`,
//! `/api/export.jsonl`; its OpenAPI document at `/api/openapi.json`,
//! generated from the handlers) and to review incidents (`POST
//! /api/incidents/{id}/corrections|split|merge`, the only writes), and two
//! pages (overview `/`, incident `/incident/{id}`) whose HTML, CSS,
//! JavaScript and map outline are embedded in the binary: the dashboard
//! works offline. This crate knows nothing about extraction and prints nothing; the
//! `tally serve` command builds the router and binds it.
//!
//! Access: when a token is configured every request but those of the
//! embedded scripts, style sheet and map outline (no data in them) must
//! carry it, as `Authorization: Bearer T` or `?token=T`, else 401.
//! [`check_bind`] refuses a non-loopback address without a token. Without
//! a token only requests naming a loopback host are served, and a write
//! whose `Origin` is another site's is refused (403).

mod api;
mod assets;
mod auth;
mod error;
mod openapi;
mod params;
mod review;
mod shapes;
mod users;

pub use error::ApiError;
pub use openapi::openapi;
pub use users::{users_line, Reviewer, Users, UsersError};

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
    /// Users with tokens of their own, whose names reviews carry.
    users: Users,
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
    check_bind_with_users(addr, token, &Users::default())
}

/// [`check_bind`] when users with tokens of their own may stand in for
/// the token.
pub fn check_bind_with_users(
    addr: SocketAddr,
    token: Option<&str>,
    users: &Users,
) -> Result<(), BindError> {
    match token {
        Some("") => Err(BindError::EmptyToken),
        None if users.is_empty() && !addr.ip().is_loopback() => Err(BindError::TokenRequired(addr)),
        _ => Ok(()),
    }
}

/// The dashboard's routes over `store`; with a token, every route requires it.
pub fn router(store: Store, token: Option<String>) -> Router {
    router_with_users(store, token, Users::default())
}

/// The dashboard's routes over `store`; with a token or users, every route
/// requires one of their tokens, and reviews carry the user's name.
pub fn router_with_users(store: Store, token: Option<String>, users: Users) -> Router {
    let state = Arc::new(AppState {
        path: store.path().to_path_buf(),
        store: Mutex::new(store),
        writer: Mutex::new(None),
        token,
        users,
        stats: Mutex::new(None),
    });
    let (routes, _) = openapi::routes().split_for_parts();
    routes
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

/// Serve `router` until `shutdown` completes, then stop accepting, let the
/// requests under way finish and return. Once the router's last clone is
/// dropped the store closes, so SQLite checkpoints and removes its
/// `-wal`/`-shm` files.
pub async fn serve_until<F>(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: F,
) -> std::io::Result<()>
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

#[cfg(test)]
mod tests;
