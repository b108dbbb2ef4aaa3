//! The JSON API under `/api/v1`, for merchants who automate. Session cookie
//! or `Authorization: Bearer <api key>`. Its OpenAPI document
//! (`GET /api/v1/openapi.json`) is generated from the same list of handlers
//! the router is built from.

mod accounts;
mod api_keys;
mod audit;
mod deliveries;
mod events;
mod extract;
mod integrations;
pub mod openapi;
mod orders;
mod quiet_hours;
mod settings;
mod test_send;

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::{any, get};
use bytes::Bytes;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::ApiError;
use crate::state::AppState;

pub use audit::AuditEntryView;
pub use extract::{ApiJson, ApiPath, ApiQuery};

/// Where the API lives.
pub const PREFIX: &str = "/api/v1";

/// Every operation, documented and routed from one list.
fn operations() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(accounts::sign_up))
        .routes(routes!(accounts::log_in, accounts::log_out))
        .routes(routes!(settings::get_settings, settings::put_settings))
        .routes(routes!(api_keys::list, api_keys::create))
        .routes(routes!(api_keys::revoke))
        .routes(routes!(audit::list))
        .routes(routes!(events::list))
        .routes(routes!(deliveries::list))
        .routes(routes!(deliveries::attempts))
        .routes(routes!(orders::resend))
        .routes(routes!(orders::search))
        .routes(routes!(orders::timeline))
        .routes(routes!(quiet_hours::get, quiet_hours::put))
        .routes(routes!(test_send::send))
        .routes(routes!(integrations::list))
        .routes(routes!(integrations::put))
}

/// The API's routes, its document at `/api/v1/openapi.json` (serialised
/// once, here), and JSON errors for anything else under `/api/` (404) or a
/// method a path does not have (405).
pub fn router() -> Router<AppState> {
    let (routes, document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .nest(PREFIX, operations())
        .split_for_parts();
    let document = Bytes::from(
        document
            .to_pretty_json()
            .expect("the OpenAPI document serialises"),
    );
    routes
        .route(
            &format!("{PREFIX}/openapi.json"),
            get(move || {
                let document = document.clone();
                async move { ([(CONTENT_TYPE, "application/json")], document) }
            }),
        )
        .route("/api", any(not_found))
        .route("/api/{*rest}", any(not_found))
        .method_not_allowed_fallback(method_not_allowed)
}

async fn not_found() -> impl IntoResponse {
    ApiError::NotFound
}

async fn method_not_allowed() -> impl IntoResponse {
    ApiError::MethodNotAllowed
}
