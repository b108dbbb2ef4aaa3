//! The refusal path of `POST /webhooks/{platform}/{endpoint-id}`, outside
//! every other middleware but the trace and the security headers: a segment
//! that is not an endpoint id is 404 and a request over its endpoint's rate
//! is 429, before any session or API-key lookup, body read or log line.
//! What it costs per refusal: parsing the path in place, one bucket lookup
//! under the limiter's lock, an atomic counter and a response whose body is
//! static (`webhooks::tests` in `server/tests/api/webhooks.rs` and the
//! rate-limit drill check the answers; see the README for the measurement).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use notify_store::ids::EndpointId;
use notify_store::integrations::Platform;

use crate::state::AppState;

const RATE_LIMITED_BODY: &str = r#"{"error":{"message":"too many webhooks for this endpoint: retry after the seconds in Retry-After"}}"#;
const UNKNOWN_ENDPOINT_BODY: &str = r#"{"error":{"message":"unknown webhook endpoint"}}"#;

/// `Retry-After` values without formatting a number (longer waits are rare:
/// only with a rate under one per minute).
const SECONDS: [&str; 61] = [
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16",
    "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31", "32",
    "33", "34", "35", "36", "37", "38", "39", "40", "41", "42", "43", "44", "45", "46", "47", "48",
    "49", "50", "51", "52", "53", "54", "55", "56", "57", "58", "59", "60",
];

/// `platform` and `endpoint id` of a store's webhook path, as written.
fn store_webhook(request: &Request) -> Option<(Platform, &str)> {
    if request.method() != Method::POST {
        return None;
    }
    let rest = request.uri().path().strip_prefix("/webhooks/")?;
    let (platform, endpoint) = rest.split_once('/')?;
    if endpoint.contains('/') {
        return None;
    }
    Some((Platform::from_slug(platform)?, endpoint))
}

fn answer(status: StatusCode, body: &'static str) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Middleware: answers a store webhook's 404 (not an endpoint id) and 429
/// (over its endpoint's rate) itself; everything else passes.
pub async fn gate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some((platform, endpoint)) = store_webhook(&request) else {
        return next.run(request).await;
    };
    if !EndpointId::is_well_formed(endpoint) {
        state.metrics.webhook_endpoint_malformed(platform);
        return answer(StatusCode::NOT_FOUND, UNKNOWN_ENDPOINT_BODY);
    }
    match state
        .webhook_limiter
        .check(endpoint, std::time::Instant::now())
    {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            state.metrics.webhook_rate_limited(platform);
            let after = wait.as_secs_f64().ceil().max(1.0) as u64;
            let mut response = answer(StatusCode::TOO_MANY_REQUESTS, RATE_LIMITED_BODY);
            let value = match SECONDS.get(after as usize) {
                Some(s) => HeaderValue::from_static(s),
                None => HeaderValue::from(after),
            };
            response.headers_mut().insert(header::RETRY_AFTER, value);
            response
        }
    }
}
