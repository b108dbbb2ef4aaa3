use leptos::prelude::*;

use leptos::server_fn::ServerFn;

use super::server_fns::SignUp;
use crate::components::form_answer;
use crate::components::{AuthLayout, TextField};
use crate::routes::{LOG_IN, SIGN_UP};

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

/// Server-rendered only: the form is a plain post, and a refusal comes
/// back to this page with its answer (see `form_answer`).
#[component]
pub fn SignUpPage() -> impl IntoView {
    let answer = form_answer::take(SIGN_UP);
    let chosen_zone = answer.value("time_zone");
    let zone_error = answer.error("time_zone");
    let zone_invalid = zone_error.is_some();
    view! {
        <AuthLayout
            title="Create your account"
            lede="Set up automatic order and invoice messages for your customers."
        >
            <form method="post" action=SignUp::PATH class="form" novalidate>
                <TextField
                    label="Store name"
                    name="store_name"
                    autocomplete="organization"
                    value=answer.value("store_name")
                    error=answer.error("store_name")
                />
                <TextField
                    label="Work email"
                    name="email"
                    kind="email"
                    autocomplete="email"
                    value=answer.value("email")
                    error=answer.error("email")
                />
                <TextField
                    label="Password"
                    name="password"
                    kind="password"
                    autocomplete="new-password"
                    hint="At least 10 characters."
                    error=answer.error("password")
                />
                <div class="field" class:has-error=zone_invalid>
                    <label for="field-time_zone">"Time zone"</label>
                    <select id="field-time_zone" name="time_zone">
                        {TIME_ZONES
                            .into_iter()
                            .map(|tz| {
                                let selected = chosen_zone.as_deref() == Some(tz);
                                view! { <option value=tz selected=selected>{tz.replace('_', " ")}</option> }
                            })
                            .collect_view()}
                    </select>
                    <p class="field-message">
                        {zone_error.unwrap_or_else(|| "Texts wait for your daytime in this zone.".to_owned())}
                    </p>
                </div>
                <p class="form-error" role="alert">{answer.message()}</p>
                <button type="submit" class="button primary wide">"Create account"</button>
            </form>
            <p class="auth-switch">"Already have an account? " <a href=LOG_IN>"Sign in"</a></p>
        </AuthLayout>
    }
}
