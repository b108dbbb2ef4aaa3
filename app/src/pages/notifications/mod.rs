//! Settings → Customer Notifications.

mod preview_matrix;
mod rule_list;
pub mod server_fns;

use leptos::prelude::*;
use notify_core::Settings;
use notify_core::sample::starter_settings;

use preview_matrix::PreviewMatrixView;
use rule_list::RuleList;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    // The merchant's draft rules; every change re-runs the preview locally.
    let settings = RwSignal::new(initial_settings());
    let matrix = Memo::new(move |_| settings.with(notify_core::preview));

    // Effects run only in the browser: this marks the page as interactive.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    view! {
        <div class="page" data-hydrated=move || hydrated.get().to_string()>
            <header class="page-header">
                <p class="breadcrumb">"Settings"</p>
                <h1>"Customer Notifications"</h1>
                <p class="lede">
                    "Choose which order and invoice events send your customers an automatic email or text message. "
                    "The preview shows what will be sent before you save."
                </p>
            </header>
            <div class="layout-two-column">
                <RuleList settings />
                <PreviewMatrixView matrix />
            </div>
        </div>
    }
}

fn initial_settings() -> Settings {
    starter_settings()
}
