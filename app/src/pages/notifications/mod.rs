//! Settings → Customer Notifications: the rules, the live preview and the
//! message inspector, all computed in the browser by `notify_core`.

mod add_rule;
mod draft;
mod editor;
mod inspector;
mod preview_matrix;
mod rule_list;
mod save_bar;
pub mod server_fns;
mod what_if;

use leptos::prelude::*;

use crate::components::{AppLayout, LoadError};
use editor::Editor;
use server_fns::load_settings;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let stored = Resource::new(|| (), |_| load_settings());
    view! {
        <AppLayout title="Customer Notifications">
            <Suspense fallback=|| view! { <p class="loading">"Loading your rules…"</p> }>
                {move || Suspend::new(async move {
                    match stored.await {
                        Ok(stored) => view! { <Editor stored /> }.into_any(),
                        Err(error) => view! { <LoadError error /> }.into_any(),
                    }
                })}
            </Suspense>
        </AppLayout>
    }
}
