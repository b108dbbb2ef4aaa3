//! One error type for the JSON API, mapped to status codes. Internal details
//! are logged, never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use notify_core::FieldError;
use serde_json::{Value, json};

#[derive(Debug)]
pub enum ApiError {
    BadRequest(String),
    Unauthorized,
    /// Wrong email or password: one message for both.
    InvalidCredentials,
    Forbidden(String),
    NotFound,
    Conflict {
        message: String,
        details: Value,
    },
    Validation(Vec<FieldError>),
    TooManyRequests(String),
    /// A body over the limit for its kind of route (in bytes).
    PayloadTooLarge(usize),
    Internal(String),
}

impl ApiError {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl From<notify_store::StoreError> for ApiError {
    fn from(e: notify_store::StoreError) -> Self {
        match e {
            notify_store::StoreError::NotFound => ApiError::NotFound,
            other => ApiError::internal(other),
        }
    }
}

impl From<notify_service::ServiceError> for ApiError {
    fn from(e: notify_service::ServiceError) -> Self {
        use notify_service::ServiceError;
        match e {
            ServiceError::Invalid(fields) => ApiError::Validation(fields),
            ServiceError::BadRequest(message) => ApiError::BadRequest(message),
            ServiceError::TooManyRequests(message) => ApiError::TooManyRequests(message),
            ServiceError::Store(e) => e.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            ApiError::BadRequest(message) => (
                StatusCode::BAD_REQUEST,
                json!({"code": "bad_request", "message": message}),
            ),
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                json!({"code": "unauthorized", "message": "sign in, or send Authorization: Bearer <api key>"}),
            ),
            ApiError::InvalidCredentials => (
                StatusCode::UNAUTHORIZED,
                json!({"code": "invalid_credentials", "message": "wrong email or password"}),
            ),
            ApiError::Forbidden(message) => (
                StatusCode::FORBIDDEN,
                json!({"code": "forbidden", "message": message}),
            ),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                json!({"code": "not_found", "message": "not found"}),
            ),
            ApiError::Conflict { message, details } => {
                let mut body = json!({"code": "conflict", "message": message});
                if let (Some(obj), Value::Object(extra)) = (body.as_object_mut(), details) {
                    obj.extend(extra);
                }
                (StatusCode::CONFLICT, body)
            }
            ApiError::Validation(fields) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"code": "validation", "message": "some fields are invalid", "fields": fields}),
            ),
            ApiError::TooManyRequests(message) => (
                StatusCode::TOO_MANY_REQUESTS,
                json!({"code": "too_many_requests", "message": message}),
            ),
            ApiError::PayloadTooLarge(limit) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                json!({"code": "too_large", "message": format!("the body is over {limit} bytes")}),
            ),
            ApiError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({"code": "internal", "message": "something went wrong on our side"}),
                )
            }
        };
        (status, Json(json!({ "error": body }))).into_response()
    }
}
