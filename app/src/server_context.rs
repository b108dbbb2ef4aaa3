//! What server functions share: the store and the signed-in merchant
//! (server side only).

use leptos::prelude::*;
use notify_store::{Principal, RequestAuth, Store};

/// The store and the signed-in merchant, or an error for a caller who
/// is not signed in.
pub async fn caller() -> Result<(Store, Principal), ServerFnError> {
    let store = use_context::<Store>().ok_or_else(|| ServerFnError::new("store unavailable"))?;
    let axum::Extension(RequestAuth(principal)) =
        leptos_axum::extract::<axum::Extension<RequestAuth>>().await?;
    let principal = principal.ok_or_else(|| {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::UNAUTHORIZED);
        }
        ServerFnError::new("sign in first")
    })?;
    Ok((store, principal))
}

pub fn internal(e: impl std::fmt::Display) -> ServerFnError {
    tracing_error(&e);
    ServerFnError::new("something went wrong on our side")
}

fn tracing_error(e: &dyn std::fmt::Display) {
    leptos::logging::error!("server function failed: {e}");
}
