use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use super::server_fns::LogIn;
use crate::components::form_answer;
use crate::components::{AuthLayout, TextField};
use crate::routes::{LOG_IN, SIGN_UP};

/// Server-rendered only: the form is a plain post, and a refusal comes
/// back to this page with its answer (see `form_answer`).
#[component]
pub fn LogInPage() -> impl IntoView {
    let next = use_query_map()
        .with_untracked(|q| q.get("next"))
        .unwrap_or_default();
    let answer = form_answer::take(LOG_IN);
    view! {
        <AuthLayout title="Sign in" lede="Manage the messages your customers receive.">
            <form method="post" action=LogIn::PATH class="form" novalidate>
                <input type="hidden" name="next" value=next />
                <TextField
                    label="Email"
                    name="email"
                    kind="email"
                    autocomplete="username"
                    value=answer.value("email")
                    error=answer.error("email")
                />
                <TextField
                    label="Password"
                    name="password"
                    kind="password"
                    autocomplete="current-password"
                    error=answer.error("password")
                />
                <p class="form-error" role="alert">{answer.message()}</p>
                <button type="submit" class="button primary wide">"Sign in"</button>
            </form>
            <p class="auth-switch">"New here? " <a href=SIGN_UP>"Create an account"</a></p>
        </AuthLayout>
    }
}
