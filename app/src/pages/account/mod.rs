//! Sign-up and login.

mod log_in;
pub mod server_fns;
mod sign_up;

pub use log_in::LogInPage;
pub use sign_up::SignUpPage;

use leptos::prelude::*;
use notify_core::FieldError;

use server_fns::AccountResult;

/// What an account form shows from its action's answer: errors at the
/// fields, or one message for the whole form.
#[derive(Clone, Copy)]
struct FormOutcome(Memo<(Vec<FieldError>, Option<String>)>);

impl FormOutcome {
    fn of(
        answer: impl Fn() -> Option<Result<AccountResult, ServerFnError>> + Send + Sync + 'static,
    ) -> Self {
        FormOutcome(Memo::new(move |_| match answer() {
            Some(Ok(AccountResult::Invalid { fields })) => (fields, None),
            Some(Ok(AccountResult::Refused { message })) => (
                Vec::new(),
                Some(crate::components::field::capitalise(&message)),
            ),
            Some(Err(e)) => (Vec::new(), Some(crate::errors::describe(&e))),
            Some(Ok(AccountResult::SignedIn)) | None => (Vec::new(), None),
        }))
    }

    fn field(self, name: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || {
            self.0
                .with(|(fields, _)| crate::components::field::error_for(fields, name))
        })
    }

    fn message(self) -> Option<String> {
        self.0.with(|(_, message)| message.clone())
    }
}
