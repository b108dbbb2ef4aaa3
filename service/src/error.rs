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
    /// This merchant has no such thing (another merchant's ids included).
    #[error("not found")]
    NotFound,
    /// Understood, but not done in the state things are in; the message
    /// says why.
    #[error("{1}")]
    Refused(Refusal, String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a request that was understood is not done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The customer replied STOP: no text is sent to them again.
    OptedOut,
    /// A message still on its way (pending or retrying) cannot be resent.
    NotResendable,
    /// The message's contents were emptied after the retention period.
    Expired,
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// One field's problem.
pub fn field(field: &str, message: impl ToString) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.to_string(),
    }
}
