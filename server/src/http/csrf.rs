//! Cross-site request protection for everything that changes state,
//! including Leptos server functions (which have none of their own).
//!
//! A request with a method other than GET/HEAD/OPTIONS must come from our
//! own origin: `Sec-Fetch-Site: same-origin`, or an `Origin` equal to
//! `PUBLIC_URL`'s. Requests authenticated by `Authorization: Bearer` carry no
//! ambient credentials and are exempt, as are platform webhooks (signed).

use axum::extract::{Request, State};
use axum::http::Method;
use axum::http::header::ORIGIN;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::auth::bearer_token;
use crate::http::error::ApiError;
use crate::state::AppState;

pub async fn reject_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if is_safe(request.method())
        || request.uri().path().starts_with("/webhooks/")
        || bearer_token(request.headers()).is_some()
    {
        return next.run(request).await;
    }
    let headers = request.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let origin = headers.get(ORIGIN).and_then(|v| v.to_str().ok());
    let same_origin = match (origin, fetch_site) {
        (Some(origin), _) => origin == state.config.public_origin(),
        (None, Some(site)) => site == "same-origin",
        (None, None) => false,
    };
    if same_origin {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), ?origin, ?fetch_site, "cross-site request refused");
        ApiError::Forbidden(
            "cross-site request refused: send it from this app's own origin".to_owned(),
        )
        .into_response()
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}
