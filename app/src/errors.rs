//! How server-function failures read on the page.

use leptos::prelude::ServerFnError;

/// The server's answer to a caller who is not (or no longer) signed in.
pub const SIGNED_OUT: &str = "Your session has ended. Sign in again to continue.";

/// One sentence for the merchant.
pub fn describe(e: &ServerFnError) -> String {
    match e {
        ServerFnError::ServerError(message) => message.clone(),
        ServerFnError::Request(_) => {
            "Could not reach the server. Check your connection and try again.".to_owned()
        }
        other => format!("Something went wrong: {other}"),
    }
}

pub fn is_signed_out(e: &ServerFnError) -> bool {
    matches!(e, ServerFnError::ServerError(m) if m == SIGNED_OUT)
}
