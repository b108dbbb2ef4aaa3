//! Who is asking: a session cookie or an `Authorization: Bearer` API key.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;
use notify_store::{Principal, RequestAuth};

use crate::http::error::ApiError;
use crate::state::AppState;
use app::session_cookie::session_token;

pub fn bearer_token(parts: &axum::http::HeaderMap) -> Option<&str> {
    parts
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Middleware: looks up the caller once and leaves a [`RequestAuth`] in the
/// request's extensions for handlers and server functions.
pub async fn resolve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    let principal = if let Some(key) = bearer_token(headers) {
        state.store.api_key_principal(key).await
    } else if let Some(token) = session_token(headers) {
        state.store.session_principal(&token, Utc::now()).await
    } else {
        Ok(None)
    };
    let principal = match principal {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "authentication lookup failed");
            None
        }
    };
    request.extensions_mut().insert(RequestAuth(principal));
    next.run(request).await
}

/// Middleware: a page request from someone not signed in goes to the login
/// page (and comes back after); a signed-in merchant opening the login or
/// sign-up page goes to the settings. Everything else passes.
pub async fn pages_need_sign_in(request: Request, next: Next) -> Response {
    use app::routes::{Access, access};
    use axum::response::{IntoResponse, Redirect};
    let signed_in = request
        .extensions()
        .get::<RequestAuth>()
        .is_some_and(|a| a.0.is_some());
    if request.method() == axum::http::Method::GET {
        match (access(request.uri().path()), signed_in) {
            (Access::SignedIn, false) => {
                let back = request
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                return Redirect::to(&app::routes::log_in_then(back)).into_response();
            }
            (Access::SignedOut, true) => {
                return Redirect::to(app::routes::HOME).into_response();
            }
            _ => {}
        }
    }
    next.run(request).await
}

/// Extractor for handlers that need a signed-in merchant (401 otherwise).
pub struct Auth(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestAuth>()
            .and_then(|a| a.0.clone())
            .map(Auth)
            .ok_or(ApiError::Unauthorized)
    }
}
