use leptos::prelude::*;

use super::FormOutcome;
use super::server_fns::SignUp;
use crate::components::{AuthLayout, TextField, hydrated_marker};
use crate::routes::LOG_IN;

/// Time zones offered at sign-up (quiet hours and dates use it).
const TIME_ZONES: [&str; 16] = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Phoenix",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Toronto",
    "America/Vancouver",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Berlin",
    "Europe/Paris",
    "Australia/Sydney",
    "Asia/Kolkata",
    "UTC",
];

#[component]
pub fn SignUpPage() -> impl IntoView {
    view! {
        <AuthLayout
            title="Create your account"
            lede="Set up automatic order and invoice messages for your customers."
        >
            <SignUpForm />
            <p class="auth-switch">"Already have an account? " <a href=LOG_IN>"Sign in"</a></p>
        </AuthLayout>
    }
}

/// An island: the errors show at their fields without reloading the page
/// (without WASM the form still posts, and a success still signs in).
#[island]
fn SignUpForm() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let outcome = FormOutcome::of(move || action.value().get());
    let error = move |name: &'static str| outcome.field(name);
    let hydrated = hydrated_marker();
    view! {
            <ActionForm action attr:class="form" attr:novalidate=true attr:data-hydrated=hydrated>
                <TextField label="Store name" name="store_name" autocomplete="organization" error=error("store_name") />
                <TextField label="Work email" name="email" kind="email" autocomplete="email" error=error("email") />
                <TextField
                    label="Password"
                    name="password"
                    kind="password"
                    autocomplete="new-password"
                    hint="At least 10 characters."
                    error=error("password")
                />
                <div class="field" class:has-error=move || error("time_zone").get().is_some()>
                    <label for="field-time_zone">"Time zone"</label>
                    <select id="field-time_zone" name="time_zone">
                        {TIME_ZONES
                            .into_iter()
                            .map(|tz| view! { <option value=tz>{tz.replace('_', " ")}</option> })
                            .collect_view()}
                    </select>
                    <p class="field-message">
                        {move || error("time_zone").get().unwrap_or_else(|| "Texts wait for your daytime in this zone.".to_owned())}
                    </p>
                </div>
                <p class="form-error" role="alert">{move || outcome.message()}</p>
                <button type="submit" class="button primary wide" disabled=move || action.pending().get()>
                    "Create account"
                </button>
            </ActionForm>
    }
}
