//! The page's server functions answer every error with `500`, including a
//! request body they could not decode. That is the client's mistake: it
//! becomes `400` here (the body, which says what was wrong, is kept).

use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use http_body_util::{BodyExt, Limited};
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

/// Server function errors that mean the request's arguments were unreadable.
const DECODING_ERRORS: [&[u8]; 2] = [b"Deserialization|", b"Args|"];

/// Error bodies are short; a longer one is passed on unread.
const MAX_ERROR_BYTES: usize = 16 * 1024;

pub async fn decoding_errors_are_bad_requests(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(collected) = Limited::new(body, MAX_ERROR_BYTES).collect().await else {
        return Response::from_parts(parts, Body::empty());
    };
    let bytes = collected.to_bytes();
    if DECODING_ERRORS
        .iter()
        .any(|prefix| bytes.starts_with(prefix))
    {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}
