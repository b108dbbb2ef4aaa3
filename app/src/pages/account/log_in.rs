use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::FormOutcome;
use super::server_fns::LogIn;
use crate::components::{AuthLayout, TextField, hydrated_marker};
use crate::routes::SIGN_UP;

#[component]
pub fn LogInPage() -> impl IntoView {
    let next = use_query_map()
        .with_untracked(|q| q.get("next"))
        .unwrap_or_default();
    view! {
        <AuthLayout title="Sign in" lede="Manage the messages your customers receive.">
            <LogInForm next />
            <p class="auth-switch">"New here? " <a href=SIGN_UP>"Create an account"</a></p>
        </AuthLayout>
    }
}

/// An island: a refusal shows without reloading the page (without WASM the
/// form still posts, and a success still signs in).
#[island]
fn LogInForm(next: String) -> impl IntoView {
    let action = ServerAction::<LogIn>::new();
    let outcome = FormOutcome::of(move || action.value().get());
    let error = move |name: &'static str| outcome.field(name);
    let hydrated = hydrated_marker();
    view! {
            <ActionForm action attr:class="form" attr:novalidate=true attr:data-hydrated=hydrated>
                <input type="hidden" name="next" value=next />
                <TextField label="Email" name="email" kind="email" autocomplete="username" error=error("email") />
                <TextField
                    label="Password"
                    name="password"
                    kind="password"
                    autocomplete="current-password"
                    error=error("password")
                />
                <p class="form-error" role="alert">{move || outcome.message()}</p>
                <button type="submit" class="button primary wide" disabled=move || action.pending().get()>
                    "Sign in"
                </button>
            </ActionForm>
    }
}
