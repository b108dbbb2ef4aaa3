use leptos::prelude::*;

use crate::errors::{describe, is_signed_out};
use crate::routes::LOG_IN;

/// What a page shows when its data could not be loaded.
#[component]
pub fn LoadError(error: ServerFnError) -> impl IntoView {
    let signed_out = is_signed_out(&error);
    view! {
        <div class="callout danger" role="alert">
            <p>{describe(&error)}</p>
            {signed_out.then(|| view! { <a class="button primary" href=LOG_IN rel="external">"Sign in"</a> })}
        </div>
    }
}

/// Rendered on the server for a page whose subject does not exist (or is
/// another merchant's): the page answers 404, like the API.
pub fn not_found_status() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
}
