//! The JSON API under `/api/v1`, for merchants who automate. Session cookie
//! or `Authorization: Bearer <api key>`.

mod accounts;
mod api_keys;
mod audit;
mod deliveries;
mod events;
mod integrations;
mod json;
mod quiet_hours;
mod settings;
mod test_send;

use axum::Router;
use axum::routing::{delete, get, post, put};

use crate::state::AppState;

pub use json::ApiJson;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/merchants", post(accounts::sign_up))
        .route("/session", post(accounts::log_in).delete(accounts::log_out))
        .route(
            "/settings",
            get(settings::get_settings).put(settings::put_settings),
        )
        .route("/api-keys", get(api_keys::list).post(api_keys::create))
        .route("/api-keys/{id}", delete(api_keys::revoke))
        .route("/audit", get(audit::list))
        .route("/events", get(events::list))
        .route("/deliveries", get(deliveries::list))
        .route("/quiet-hours", get(quiet_hours::get).put(quiet_hours::put))
        .route("/test-send", post(test_send::send))
        .route("/deliveries/{id}", get(deliveries::attempts))
        .route("/integrations", get(integrations::list))
        .route("/integrations/{platform}", put(integrations::put))
}
