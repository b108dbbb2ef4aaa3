//! `POST /webhooks/{platform}/{endpoint-id}`: verify over the raw body,
//! check the shape, store durably, answer. Nothing is stored for a rejected
//! request; normalising, fetching and deciding happen after the answer.

mod gate;
mod rate_limit;
pub mod sms;
mod writer;

pub use gate::GateLayer;
pub use rate_limit::{RateLimit, RateLimiter};
pub use writer::IngestWriter;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::Utc;
use notify_ingest::platform::{Received, Refused, Request as Signed};
use notify_store::ids::EndpointId;
use notify_store::inbound::{Inserted, NewInboundEvent};
use notify_store::integrations::Platform;
use serde_json::json;

use crate::state::AppState;

/// Bodies above this are refused with 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks/sms/inbound", post(sms::inbound))
        .route("/webhooks/sms/status", post(sms::status))
        .route("/webhooks/{platform}/{endpoint_id}", post(receive))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// Why a webhook was refused; each maps to one status code.
#[derive(Debug)]
pub enum Rejection {
    UnknownEndpoint,
    Unauthorized(String),
    Malformed(String),
    TooLarge,
    Unavailable,
}

impl Rejection {
    /// The `reason` label in the metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            Rejection::UnknownEndpoint => "unknown_endpoint",
            Rejection::Unauthorized(_) => "unauthorized",
            Rejection::Malformed(_) => "malformed",
            Rejection::TooLarge => "too_large",
            Rejection::Unavailable => "unavailable",
        }
    }
}

impl From<Refused> for Rejection {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::Unauthorized(m) => Rejection::Unauthorized(m),
            Refused::Malformed(m) => Rejection::Malformed(m),
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            Rejection::UnknownEndpoint => {
                (StatusCode::NOT_FOUND, "unknown webhook endpoint".to_owned())
            }
            Rejection::Unauthorized(m) => (StatusCode::UNAUTHORIZED, m),
            Rejection::Malformed(m) => (StatusCode::BAD_REQUEST, m),
            Rejection::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("body over {MAX_BODY_BYTES} bytes"),
            ),
            Rejection::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "try again shortly".to_owned(),
            ),
        };
        (status, axum::Json(json!({"error": {"message": message}}))).into_response()
    }
}

async fn receive(
    State(state): State<AppState>,
    Path((platform, endpoint_id)): Path<(String, String)>,
    headers: HeaderMap,
    request: Request,
) -> Result<StatusCode, Rejection> {
    let started = std::time::Instant::now();
    let Some(platform) = Platform::from_slug(&platform) else {
        let rejection = Rejection::UnknownEndpoint;
        state
            .metrics
            .webhook_rejected("unknown", rejection.reason());
        return Err(rejection);
    };
    let result = admit(&state, platform, &endpoint_id, &headers, request).await;
    match &result {
        Ok(_) => state
            .metrics
            .webhook_received(platform, started.elapsed().as_secs_f64()),
        Err(rejection) => state
            .metrics
            .webhook_rejected(platform.slug(), rejection.reason()),
    }
    result
}

async fn admit(
    state: &AppState,
    platform: Platform,
    endpoint_id: &str,
    headers: &HeaderMap,
    request: Request,
) -> Result<StatusCode, Rejection> {
    // `gate` (outside the other middleware) has answered 404 to a segment
    // that is not an endpoint id and 429 over the endpoint's rate.
    if !EndpointId::is_well_formed(endpoint_id) {
        return Err(Rejection::UnknownEndpoint);
    }
    // Read only now: a request over its endpoint's rate costs no body read.
    let body = Bytes::from_request(request, &()).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Rejection::TooLarge
        } else {
            Rejection::Malformed(e.body_text())
        }
    })?;
    // From here to the answer, the background work gives way to a burst
    // (not while a body arrives: a slow sender must not hold it back).
    let _receiving = state.ingest_load.receiving();
    let unavailable = |e: notify_store::StoreError| {
        tracing::error!(endpoint_id, platform = platform.slug(), error = %e, "integration lookup failed");
        Rejection::Unavailable
    };
    // Read for an earlier webhook a moment ago, usually (see
    // notify_store::INTEGRATION_CACHE_TTL).
    let (mut integration, cached) = state
        .store
        .cached_integration_by_endpoint(platform, endpoint_id)
        .await
        .map_err(unavailable)?
        .ok_or(Rejection::UnknownEndpoint)?;
    let now = Utc::now();
    let receive = |settings: &notify_store::integrations::IntegrationConfig| {
        (platform.spec().receive)(&Signed {
            settings,
            headers,
            body: &body,
            now,
        })
    };
    let mut received = receive(&integration.config);
    if cached && matches!(received, Err(Refused::Unauthorized(_))) {
        // Another replica may have just saved a new secret: the settings
        // as stored now decide a refusal.
        integration = state
            .store
            .fresh_integration_by_endpoint(platform, endpoint_id)
            .await
            .map_err(unavailable)?
            .ok_or(Rejection::UnknownEndpoint)?;
        received = receive(&integration.config);
    }
    let accepted = match received {
        Ok(Received::Accepted(accepted)) => accepted,
        Ok(Received::Ping) => return Ok(StatusCode::OK),
        Err(refused) => {
            // A malformed body's error may quote the payload.
            let refused_log = crate::telemetry::scrub(&format!("{refused:?}"), &[]);
            tracing::warn!(merchant_id = %integration.merchant_id, endpoint_id, platform = platform.slug(), refused = %refused_log, "webhook refused");
            return Err(refused.into());
        }
    };
    let event = NewInboundEvent {
        merchant_id: integration.merchant_id.clone(),
        platform,
        dedupe_key: accepted.dedupe_key,
        topic: accepted.topic,
        delivery_id: accepted.delivery_id,
        body: String::from_utf8(body.to_vec())
            .map_err(|_| Rejection::Malformed("body is not UTF-8".to_owned()))?,
        triggered_at: accepted.triggered_at,
    };
    store(state, endpoint_id, event).await
}

/// Stores a verified webhook (once, however often it is sent) before the
/// answer, and wakes the processor.
async fn store(
    state: &AppState,
    endpoint_id: &str,
    event: NewInboundEvent,
) -> Result<StatusCode, Rejection> {
    let (merchant, platform, topic, key) = (
        event.merchant_id.clone(),
        event.platform.slug(),
        event.topic.clone(),
        event.dedupe_key.clone(),
    );
    match state.ingest.insert(event).await {
        Ok(Inserted::Stored(id)) => {
            tracing::info!(merchant_id = %merchant, endpoint_id, event_id = %id, platform, %topic, "webhook stored");
            state.processor_wake.notify_one();
            Ok(StatusCode::OK)
        }
        Ok(Inserted::Duplicate) => {
            tracing::info!(merchant_id = %merchant, endpoint_id, platform, dedupe_key = %key, "duplicate webhook ignored");
            Ok(StatusCode::OK)
        }
        Err(e) => {
            tracing::error!(merchant_id = %merchant, endpoint_id, platform, error = %e, "storing a webhook failed");
            Err(Rejection::Unavailable)
        }
    }
}
