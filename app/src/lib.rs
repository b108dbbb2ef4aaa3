#![recursion_limit = "256"]
//! The merchant-facing pages, rendered on the server (SSR) and hydrated in
//! the browser, where the live preview runs `notify_core` compiled to WASM.

pub mod components;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server_context;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;

use pages::notifications::NotificationsPage;

/// The HTML document around the app (server side only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="data:," />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/customer-notifications.css" />
        <Title text="Customer Notifications" />
        <Router>
            <Routes fallback=|| view! { <p class="not-found">"Page not found."</p> }>
                <Route path=path!("/") view=|| view! { <Redirect path="/settings/customer-notifications" /> } />
                <Route path=path!("/settings/customer-notifications") view=NotificationsPage />
            </Routes>
        </Router>
    }
}
