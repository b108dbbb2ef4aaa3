//! The editing surface: the save bar, the rule cards, and beside them the
//! live preview and the inspector.

use leptos::prelude::*;
use notify_core::MerchantName;

use crate::components::hydrated_marker;

use super::draft::Draft;
use super::inspector::Inspector;
use super::preview_matrix::PreviewMatrixView;
use super::rule_list::RuleList;
use super::save_bar::{Baseline, SaveBar};
use super::server_fns::StoredSettings;
use super::what_if::WhatIf;

/// An island: this and what it uses are the page's WASM; the saved rules
/// come with the page as its props.
#[island]
pub fn Editor(stored: StoredSettings) -> impl IntoView {
    let StoredSettings {
        version,
        settings,
        store_name,
    } = stored;
    let baseline = RwSignal::new(Baseline {
        version,
        settings: settings.clone(),
    });
    let draft = Draft::new(settings);
    let dirty = Memo::new(move |_| baseline.with(|b| draft.rules.with(|d| &b.settings != d)));
    // Every change re-runs the preview in the browser, with no request.
    let matrix = Memo::new(move |_| draft.rules.with(notify_core::preview));
    let merchant: StoredValue<MerchantName> = StoredValue::new(store_name);

    // Effects run only in the browser: this marks the page as interactive,
    // and from then on leaving with unsaved changes asks first.
    let hydrated = hydrated_marker();
    Effect::new(move |_| warn_before_leaving(dirty));

    view! {
        <div class="editor" data-hydrated=hydrated>
            <header class="page-header">
                <div>
                    <p class="breadcrumb">"Settings"</p>
                    <h1>"Customer Notifications"</h1>
                    <p class="lede">
                        "Choose which order and invoice events send your customers an automatic email or text message. "
                        "The preview shows exactly what will be sent, before you save."
                    </p>
                </div>
            </header>
            <SaveBar baseline draft dirty />
            <div class="layout-two-column">
                <div class="column">
                    <RuleList draft />
                </div>
                <div class="column column-side">
                    <WhatIf baseline draft />
                    <PreviewMatrixView matrix draft />
                    <Inspector draft merchant />
                </div>
            </div>
        </div>
    }
}

/// The browser's own "Leave site? Changes you made may not be saved."
fn warn_before_leaving(dirty: Memo<bool>) {
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::beforeunload, move |event| {
            if dirty.get_untracked() {
                event.prevent_default();
                event.set_return_value("");
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = dirty;
}
