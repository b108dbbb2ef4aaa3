//! One explicit body limit per kind of route, answered `413` before the
//! body is buffered: 64 KiB for the JSON API and the pages' forms and server
//! functions. Webhooks keep their own limit (`webhooks::MAX_BODY_BYTES`),
//! applied after their rate limit, so a refused webhook is never read.

use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::http::error::ApiError;

/// The JSON API, forms and server functions.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub async fn limit_bodies(request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/webhooks/") {
        return next.run(request).await;
    }
    let declared = request.body().size_hint();
    if declared.lower() > MAX_BODY_BYTES as u64 {
        return ApiError::PayloadTooLarge(MAX_BODY_BYTES).into_response();
    }
    if declared.exact().is_some() {
        // A `Content-Length` within the limit: the body ends there.
        return next.run(request).await;
    }
    // No length declared (chunked): read no more than the limit here.
    let (parts, body) = request.into_parts();
    match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => {
            next.run(Request::from_parts(parts, Body::from(collected.to_bytes())))
                .await
        }
        Err(e) if e.is::<LengthLimitError>() => {
            ApiError::PayloadTooLarge(MAX_BODY_BYTES).into_response()
        }
        Err(e) => ApiError::BadRequest(format!("the body could not be read: {e}")).into_response(),
    }
}
