//! Access: a token (`Authorization: Bearer T` or `?token=T`) when one is
//! configured, the anonymous `--token` or a user's own (`--users`, which
//! names the reviewer); without any, loopback host names only, and writes
//! only from this dashboard's own origin.

use crate::users::Reviewer;
use crate::{ApiError, AppState};
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Let the request through when no token is configured or it carries one,
/// and tell the handlers who sent it ([`Reviewer`]).
pub async fn require_token(
    State(state): State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Response {
    let guarded = state.token.is_some() || !state.users.is_empty();
    if guarded && is_public_file(&req) {
        return next.run(req).await;
    }
    if guarded {
        let Some(reviewer) = reviewer(&req, &state) else {
            return ApiError {
                status: StatusCode::UNAUTHORIZED,
                message: "missing or wrong token (send `Authorization: Bearer T` or `?token=T`)"
                    .into(),
            }
            .into_response();
        };
        req.extensions_mut().insert(reviewer);
        return next.run(req).await;
    }
    match &state.token {
        // Without a token the server is bound to loopback; a page elsewhere
        // that rebinds its own name to 127.0.0.1 still sends its own Host.
        None if !loopback_host(&req) => ApiError {
            status: StatusCode::FORBIDDEN,
            message: "without --token, only requests to localhost or 127.0.0.1 are served".into(),
        }
        .into_response(),
        // Browsers name the page that sent a request in `Origin`: another
        // site's page must not write, whatever content type it manages.
        None if is_write(&req) && !same_origin(&req) => ApiError {
            status: StatusCode::FORBIDDEN,
            message:
                "a review must come from the dashboard's own pages (Origin names another site)"
                    .into(),
        }
        .into_response(),
        _ => next.run(req).await,
    }
}

/// The Host header names this machine's loopback (any port), or is absent.
fn loopback_host(req: &Request) -> bool {
    let Some(host) = req.headers().get(header::HOST) else {
        return true;
    };
    let Ok(host) = host.to_str() else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(n, _)| n),
    };
    matches!(name, "localhost" | "127.0.0.1" | "::1") || name.starts_with("127.")
}

/// The pages' scripts, style sheet and map outline: the same in every
/// tally, no data in them, and loaded by `<script src>` and `fetch` calls
/// that cannot carry the page's `?token=`.
fn is_public_file(req: &Request) -> bool {
    let path = req.uri().path();
    let read = matches!(*req.method(), Method::GET | Method::HEAD);
    read && (path.starts_with("/assets/") || path == "/map/pakistan.geojson")
}

fn is_write(req: &Request) -> bool {
    !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
}

/// No `Origin` (not a browser, or a same-origin GET), or the origin of the
/// address the request was sent to (`http://` + its `Host`).
fn same_origin(req: &Request) -> bool {
    let Some(origin) = req.headers().get(header::ORIGIN) else {
        return true;
    };
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    match (origin.to_str(), host) {
        (Ok(origin), Some(host)) => origin
            .strip_prefix("http://")
            .is_some_and(|o| o.eq_ignore_ascii_case(host)),
        _ => false,
    }
}

/// Who the request's token names: the anonymous `--token` holder or a
/// user of `--users`; `None` when it carries no known token.
fn reviewer(req: &Request, state: &AppState) -> Option<Reviewer> {
    carried(req).into_iter().find_map(|t| {
        if state.token.as_deref().is_some_and(|mine| same(&t, mine)) {
            return Some(Reviewer(None));
        }
        state
            .users
            .identify(&t)
            .map(|name| Reviewer(Some(name.to_string())))
    })
}

/// The tokens a request carries: its bearer token, then `?token=` values.
fn carried(req: &Request) -> Vec<String> {
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|b| b.trim().to_string());
    let query = req.uri().query().unwrap_or("");
    let in_query = query
        .split('&')
        .filter_map(|kv| kv.strip_prefix("token="))
        .map(percent_decode);
    bearer.into_iter().chain(in_query).collect()
}

/// Comparison whose time does not depend on where the strings differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Decode `%XX` escapes and `+` (invalid escapes are kept as they are).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| {
            std::str::from_utf8(h)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        });
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
