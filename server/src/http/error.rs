//! One error type for the JSON API, mapped to status codes. Internal details
//! are logged, never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use notify_core::{FieldError, SettingsVersion};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::AuditEntryView;

#[derive(Debug)]
pub enum ApiError {
    BadRequest(String),
    Unauthorized,
    /// Wrong email or password: one message for both.
    InvalidCredentials,
    Forbidden(String),
    NotFound,
    MethodNotAllowed,
    /// Someone else saved first: the version now and what changed since.
    Conflict {
        message: String,
        current_version: SettingsVersion,
        changes_since: Vec<AuditEntryView>,
    },
    Validation(Vec<FieldError>),
    /// Understood, but not done in the state things are in (`409`).
    Refused(ErrorCode, String),
    TooManyRequests(String),
    /// A body over the limit for its kind of route (in bytes).
    PayloadTooLarge(usize),
    Internal(String),
}

/// Every error the JSON API answers: `{"error": {"code", "message", ...}}`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"error": {"code": "not_found", "message": "not found"}}))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// For a person: what went wrong and what to do.
    pub message: String,
    /// `validation`: every invalid field at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldError>>,
    /// `conflict`: the settings version now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<SettingsVersion>,
    /// `conflict`: the saves since the version the request was based on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes_since: Option<Vec<AuditEntryView>>,
}

/// The kind of error, for programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    Unauthorized,
    InvalidCredentials,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    /// A resend to a customer who replied STOP to the merchant's texts.
    OptedOut,
    /// A resend of a message still on its way (pending or retrying).
    NotResendable,
    /// A resend of a message whose contents were deleted after the retention period.
    Expired,
    Validation,
    TooManyRequests,
    TooLarge,
    Internal,
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
            ServiceError::NotFound => ApiError::NotFound,
            ServiceError::Refused(refusal, message) => {
                use notify_service::Refusal;
                let code = match refusal {
                    Refusal::OptedOut => ErrorCode::OptedOut,
                    Refusal::NotResendable => ErrorCode::NotResendable,
                    Refusal::Expired => ErrorCode::Expired,
                };
                ApiError::Refused(code, message)
            }
            ServiceError::Store(e) => e.into(),
        }
    }
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized | ApiError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } | ApiError::Refused(..) => StatusCode::CONFLICT,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The body this error answers with.
    pub fn body(self) -> ErrorBody {
        let plain = |code, message: &str| ErrorDetail {
            code,
            message: message.to_owned(),
            fields: None,
            current_version: None,
            changes_since: None,
        };
        let error = match self {
            ApiError::BadRequest(message) => plain(ErrorCode::BadRequest, &message),
            ApiError::Unauthorized => plain(
                ErrorCode::Unauthorized,
                "sign in, or send Authorization: Bearer <api key>",
            ),
            ApiError::InvalidCredentials => {
                plain(ErrorCode::InvalidCredentials, "wrong email or password")
            }
            ApiError::Forbidden(message) => plain(ErrorCode::Forbidden, &message),
            ApiError::NotFound => plain(ErrorCode::NotFound, "not found"),
            ApiError::MethodNotAllowed => plain(
                ErrorCode::MethodNotAllowed,
                "this method is not allowed here; the Allow header lists those that are",
            ),
            ApiError::Conflict {
                message,
                current_version,
                changes_since,
            } => ErrorDetail {
                current_version: Some(current_version),
                changes_since: Some(changes_since),
                ..plain(ErrorCode::Conflict, &message)
            },
            ApiError::Validation(fields) => ErrorDetail {
                fields: Some(fields),
                ..plain(ErrorCode::Validation, "some fields are invalid")
            },
            ApiError::Refused(code, message) => plain(code, &message),
            ApiError::TooManyRequests(message) => plain(ErrorCode::TooManyRequests, &message),
            ApiError::PayloadTooLarge(limit) => plain(
                ErrorCode::TooLarge,
                &format!("the body is over {limit} bytes"),
            ),
            ApiError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                plain(ErrorCode::Internal, "something went wrong on our side")
            }
        };
        ErrorBody { error }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status(), Json(self.body())).into_response()
    }
}
