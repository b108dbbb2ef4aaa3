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
