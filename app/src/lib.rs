#![recursion_limit = "256"]
//! The merchant-facing pages, rendered on the server (SSR). Only the
//! interactive parts are islands (`#[island]`), hydrated in the browser,
//! where the live preview runs `notify_core` compiled to WASM; the rest of
//! each page is plain HTML with plain links and forms, and none of its code
//! is in the WASM.

pub mod components;
pub mod errors;
pub mod json_text;
pub mod pages;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod server_context;
#[cfg(feature = "ssr")]
pub mod session_cookie;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, provide_meta_context};
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use pages::account::{LogInPage, SignUpPage};
use pages::activity::ActivityPage;
use pages::deliveries::{DeliveriesPage, DeliveryPage};
use pages::integrations::IntegrationsPage;
use pages::notifications::NotificationsPage;
use pages::orders::{OrderTimelinePage, OrdersPage};

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
                // The CSS, JS and WASM by their content-hashed names when
                // `cargo leptos build` hashed them (LEPTOS_HASH_FILES).
                <HashedStylesheet id="leptos" options=options.clone() />
                <HydrationScripts options islands=true />
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
    // Pages with data render in full on the server before the first byte
    // (SsrMode::Async): the saved state is on screen without the WASM.
    view! {
        <Router>
            <Routes fallback=|| view! { <p class="not-found">"Page not found."</p> }>
                <Route path=path!("/") view=|| view! { <Redirect path=routes::HOME /> } />
                <Route path=path!("/login") view=LogInPage />
                <Route path=path!("/signup") view=SignUpPage />
                <Route path=path!("/settings/customer-notifications") view=NotificationsPage ssr=SsrMode::Async />
                <Route path=path!("/deliveries") view=DeliveriesPage ssr=SsrMode::Async />
                <Route path=path!("/deliveries/:id") view=DeliveryPage ssr=SsrMode::Async />
                <Route path=path!("/orders") view=OrdersPage ssr=SsrMode::Async />
                // The id is the rest of the path: a platform id may hold a `/`.
                <Route path=path!("/orders/:source/*id") view=OrderTimelinePage ssr=SsrMode::Async />
                <Route path=path!("/integrations") view=IntegrationsPage ssr=SsrMode::Async />
                <Route path=path!("/activity") view=ActivityPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}
