//! The frame around every page: the back office's top bar with the settings
//! navigation, and the centred card of the sign-in pages.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

use crate::pages::account::server_fns::LogOut;
use crate::routes::{ACTIVITY, DELIVERIES, HOME, INTEGRATIONS, ORDERS};

const NAV: [(&str, &str); 5] = [
    (HOME, "Notifications"),
    (DELIVERIES, "Delivery log"),
    (ORDERS, "Orders"),
    (INTEGRATIONS, "Integrations"),
    (ACTIVITY, "Activity"),
];

/// A signed-in page: top bar, section navigation and the page's content.
#[component]
pub fn AppLayout(
    /// The browser tab's title.
    title: &'static str,
    children: Children,
) -> impl IntoView {
    let location = use_location();
    let log_out = ServerAction::<LogOut>::new();
    view! {
        <Title text=format!("{title} · Back Office") />
        <div class="app">
            <header class="topbar">
                <a class="brand" href=HOME rel="external">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    "Back Office"
                </a>
                <nav class="nav" aria-label="Settings">
                    {NAV
                        .into_iter()
                        .map(|(href, label)| {
                            let current = move || {
                                let path = location.pathname.get();
                                (path == href || path.starts_with(&format!("{href}/")))
                                    .then_some("page")
                            };
                            // rel=external: a full page load, so the settings
                            // page's leave warning sees it.
                            view! {
                                <a href=href rel="external" aria-current=current>
                                    {label}
                                </a>
                            }
                        })
                        .collect_view()}
                </nav>
                <ActionForm action=log_out attr:class="log-out">
                    <button type="submit" class="button ghost small">"Sign out"</button>
                </ActionForm>
            </header>
            <main class="page">{children()}</main>
        </div>
    }
}

/// The login and sign-up pages: one card in the middle.
#[component]
pub fn AuthLayout(title: &'static str, lede: &'static str, children: Children) -> impl IntoView {
    view! {
        <Title text=format!("{title} · Back Office") />
        <main class="auth">
            <div class="auth-card card">
                <p class="brand">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    "Back Office"
                </p>
                <h1>{title}</h1>
                <p class="lede">{lede}</p>
                {children()}
            </div>
        </main>
    }
}
