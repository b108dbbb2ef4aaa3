//! Sign-up and login.

mod log_in;
pub mod server_fns;
mod sign_up;

pub use log_in::LogInPage;
pub use sign_up::SignUpPage;

use leptos::prelude::*;
use notify_core::FieldError;

use server_fns::AccountResult;

/// Field errors and the whole-form message from an account action's answer.
fn outcome(
    value: Option<Result<AccountResult, ServerFnError>>,
) -> (Vec<FieldError>, Option<String>) {
    match value {
        Some(Ok(AccountResult::Invalid { fields })) => (fields, None),
        Some(Ok(AccountResult::Refused { message })) => (
            Vec::new(),
            Some(crate::components::field::capitalise(&message)),
        ),
        Some(Err(e)) => (Vec::new(), Some(crate::errors::describe(&e))),
        Some(Ok(AccountResult::SignedIn)) | None => (Vec::new(), None),
    }
}
