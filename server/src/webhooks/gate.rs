//! The refusal path of `POST /webhooks/{platform}/{endpoint-id}`, outside
//! every other middleware (it sets the security headers itself): a segment
//! that is not an endpoint id is 404 and a request over its endpoint's rate
//! is 429, before any session or API-key lookup, body read or log line.
//! What it costs per refusal: parsing the path in place, one bucket lookup
//! under the limiter's lock, an atomic counter and a response whose body and
//! headers are static; no boxed future, no clone of the app's state. Tests: `operations::a_refused_webhook_is_answered_before_its_body_and_logs_nothing`
//! and `malformed_endpoint_ids_are_refused_before_the_limiter`; the
//! rate-limit drill checks what it buys (the other stores' latency).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use notify_store::ids::EndpointId;
use notify_store::integrations::Platform;
use tower::{Layer, Service};

use super::RateLimiter;
use crate::http::security_headers::NON_PAGE_POLICY;
use crate::metrics::Metrics;
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

/// A JSON answer with a static body and the security headers every
/// response carries (`http::security_headers`, which this is outside of).
fn answer(status: StatusCode, body: &'static str, hsts: bool) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(NON_PAGE_POLICY),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// What a refusal needs: the buckets and the counters (two `Arc`s).
#[derive(Clone)]
pub struct GateLayer {
    limiter: Arc<RateLimiter>,
    metrics: Metrics,
    hsts: bool,
}

impl GateLayer {
    pub fn new(state: &AppState) -> GateLayer {
        GateLayer {
            limiter: state.webhook_limiter.clone(),
            metrics: state.metrics.clone(),
            hsts: state.config.secure_cookies(),
        }
    }
}

impl<S> Layer<S> for GateLayer {
    type Service = Gate<S>;

    fn layer(&self, inner: S) -> Gate<S> {
        Gate {
            inner,
            layer: self.clone(),
        }
    }
}

/// The outermost service of every route: a store webhook's 404 (not an
/// endpoint id) and 429 (over its endpoint's rate) are answered here,
/// without a boxed future, a clone of the app's state or the inner
/// middleware; everything else passes to the inner service.
#[derive(Clone)]
pub struct Gate<S> {
    inner: S,
    layer: GateLayer,
}

impl<S> Service<Request> for Gate<S>
where
    S: Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = GateFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match refusal(&self.layer, &request) {
            Some(response) => GateFuture::Refused(Some(response)),
            None => GateFuture::Passed(Box::pin(self.inner.call(request))),
        }
    }
}

/// A refusal at once, or the inner service's answer.
pub enum GateFuture<F> {
    Refused(Option<Response>),
    Passed(Pin<Box<F>>),
}

impl<F, E> Future for GateFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            GateFuture::Refused(response) => {
                Poll::Ready(Ok(response.take().expect("polled after it was ready")))
            }
            GateFuture::Passed(inner) => inner.as_mut().poll(cx),
        }
    }
}

/// The answer to a store webhook that is refused before anything else.
fn refusal(gate: &GateLayer, request: &Request) -> Option<Response> {
    let (platform, endpoint) = store_webhook(request)?;
    if !EndpointId::is_well_formed(endpoint) {
        gate.metrics.webhook_endpoint_malformed(platform);
        return Some(answer(
            StatusCode::NOT_FOUND,
            UNKNOWN_ENDPOINT_BODY,
            gate.hsts,
        ));
    }
    let wait = gate
        .limiter
        .check(endpoint, std::time::Instant::now())
        .err()?;
    gate.metrics.webhook_rate_limited(platform);
    let after = wait.as_secs_f64().ceil().max(1.0) as u64;
    let mut response = answer(StatusCode::TOO_MANY_REQUESTS, RATE_LIMITED_BODY, gate.hsts);
    let value = match SECONDS.get(after as usize) {
        Some(s) => HeaderValue::from_static(s),
        None => HeaderValue::from(after),
    };
    response.headers_mut().insert(header::RETRY_AFTER, value);
    Some(response)
}
