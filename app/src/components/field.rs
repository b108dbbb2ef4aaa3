use leptos::prelude::*;
use notify_core::FieldError;

/// The message for `name` among field errors, if any.
pub fn error_for(errors: &[FieldError], name: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == name)
        .map(|e| capitalise(&e.message))
}

/// "wrong email or password" → "Wrong email or password".
pub fn capitalise(message: &str) -> String {
    let mut chars = message.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A labelled text input with its hint and, when there is one, its error
/// (tied to the input with `aria-describedby` and `aria-invalid`).
#[component]
pub fn TextField(
    label: &'static str,
    #[prop(into)] name: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional, into)] hint: Option<String>,
    /// What the field shows filled in (a refused form's typed value).
    #[prop(default = None)]
    value: Option<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let message_id = format!("{id}-message");
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                value=value
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=message_id.clone()
            />
            <p class="field-message" id=message_id>
                {move || error.get().or_else(|| hint.clone())}
            </p>
        </div>
    }
}
