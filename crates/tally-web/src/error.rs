//! API errors: a status and a message, sent as `{"error": "..."}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// An error answer of the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: message.into(),
        }
    }
}

impl From<tally_store::StoreError> for ApiError {
    /// What the client asked for is missing (404) or cannot be done (400,
    /// e.g. a bad correction); anything else is the server's fault.
    fn from(e: tally_store::StoreError) -> ApiError {
        use tally_store::StoreError::{Invalid, NotFound};
        match e {
            NotFound { .. } => ApiError::not_found(e.to_string()),
            Invalid { message } => ApiError::bad_request(message),
            _ => ApiError::internal(e.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = crate::shapes::ErrorBody {
            error: self.message,
        };
        (self.status, Json(body)).into_response()
    }
}
