//! HTTP plumbing: the router, authentication, the cross-site check, errors.

pub mod auth;
pub mod body_limit;
pub mod client_ip;
pub mod csrf;
pub mod error;
pub mod health;
pub mod security_headers;
pub mod server_fn_errors;
pub mod static_files;

use app::{App, shell};
use axum::Router;
use axum::middleware;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::trace::TraceLayer;

use crate::state::AppState;

/// Health and readiness, served by every replica; metrics too when they
/// have no listener of their own (`METRICS_ADDR`).
fn operations_routes(state: &AppState) -> Router<AppState> {
    let routes = Router::new()
        .route("/healthz", axum::routing::get(health::healthz))
        .route("/readyz", axum::routing::get(health::readyz));
    if state.config.metrics_addr.is_none() {
        routes.merge(metrics_routes())
    } else {
        routes
    }
}

fn metrics_routes() -> Router<AppState> {
    Router::new().route("/metrics", axum::routing::get(crate::metrics::scrape))
}

/// The `METRICS_ADDR` listener's app: only `/metrics`.
pub fn metrics_router(state: AppState) -> Router {
    metrics_routes()
        .layer(TraceLayer::new_for_http())
        // A store webhook's 404 and 429, before any other work.
        .layer(crate::webhooks::GateLayer::new(&state))
        .with_state(state)
}

/// For a replica without the `web` role: only health, readiness and metrics.
pub fn operations_router(state: AppState) -> Router {
    operations_routes(&state)
        .layer(TraceLayer::new_for_http())
        // A store webhook's 404 and 429, before any other work.
        .layer(crate::webhooks::GateLayer::new(&state))
        .with_state(state)
}

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context = app::server_context::ServerContext {
        store: state.store.clone(),
        auth_policy: state.auth_policy,
        public_origin: state.config.public_origin(),
    };
    let leptos_options = state.config.leptos.clone();
    operations_routes(&state)
        .merge(crate::api::router())
        .merge(crate::webhooks::router())
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(context.clone());
                security_headers::set_page_policy();
            },
            move || shell(leptos_options.clone()),
        )
        // The site's files, precompressed and cached by name; else the 404 page.
        .fallback(static_files::serve)
        // Outermost last: webhook gate → trace → security headers → body limit →
        // cross-site check → client address → who is asking → pages that need a signed-in
        // merchant → server functions' decoding errors as 400.
        .layer(middleware::from_fn(
            server_fn_errors::decoding_errors_are_bad_requests,
        ))
        .layer(middleware::from_fn(auth::pages_need_sign_in))
        .layer(middleware::from_fn_with_state(state.clone(), auth::resolve))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            client_ip::resolve,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            csrf::reject_cross_site,
        ))
        .layer(middleware::from_fn(body_limit::limit_bodies))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers::add,
        ))
        .layer(TraceLayer::new_for_http())
        // A store webhook's 404 and 429, before any other work.
        .layer(crate::webhooks::GateLayer::new(&state))
        .with_state(state)
}
