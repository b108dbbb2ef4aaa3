//! What every handler can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use notify_store::Store;
use notify_store::auth::AuthPolicy;

use crate::config::Config;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub auth_policy: AuthPolicy,
    /// Wakes the processor when a webhook has been stored.
    pub processor_wake: Arc<tokio::sync::Notify>,
    /// Webhooks being received now (the background work gives way to a burst).
    pub ingest_load: Arc<crate::ingest_load::IngestLoad>,
    /// Stores verified webhooks, many per transaction under load.
    pub ingest: crate::webhooks::IngestWriter,
    /// The channels, for test sends (the worker has the same ones).
    pub email: Arc<crate::delivery::EmailTransport>,
    pub sms: Arc<crate::delivery::SmsTransport>,
    /// Counters and histograms for `/metrics`.
    pub metrics: crate::metrics::Metrics,
    /// Per-endpoint webhook admission.
    pub webhook_limiter: Arc<crate::webhooks::RateLimiter>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.config.leptos.clone()
    }
}
