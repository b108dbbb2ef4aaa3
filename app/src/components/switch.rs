use leptos::prelude::*;

/// An accessible on/off switch: a real button with `role="switch"` and
/// `aria-checked`, operable with Tab and Space, labelled by visible text.
#[component]
pub fn Switch(
    /// The visible label.
    label: &'static str,
    /// What the switch controls, for screen readers ("Email for Shopify · Ready").
    #[prop(into)]
    accessible_name: String,
    #[prop(into)] checked: Signal<bool>,
    #[prop(into)] on_change: Callback<bool>,
    /// Test hook, e.g. `order.shopify.ready:email`.
    #[prop(into)]
    test_id: String,
) -> impl IntoView {
    view! {
        <button
            type="button"
            role="switch"
            class="switch"
            data-testid=test_id
            aria-checked=move || if checked.get() { "true" } else { "false" }
            aria-label=accessible_name
            on:click=move |_| on_change.run(!checked.get_untracked())
        >
            <span class="switch-track" aria-hidden="true">
                <span class="switch-thumb"></span>
            </span>
            <span class="switch-label">{label}</span>
        </button>
    }
}
