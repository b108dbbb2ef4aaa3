//! What a use case can refuse, for each transport to put in its own words
//! (a status code and JSON for the API, a result or `ServerFnError` for the
//! pages).

use notify_core::FieldError;
use notify_store::StoreError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ServiceError {
    /// What to fix, field by field.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// A request that cannot be understood (a cursor from elsewhere, ...).
    #[error("{0}")]
    BadRequest(String),
    /// A limit was reached; the message says which.
    #[error("{0}")]
    TooManyRequests(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// One field's problem.
pub fn field(field: &str, message: impl ToString) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.to_string(),
    }
}
