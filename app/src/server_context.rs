//! What server functions share: the store, the account rules and the
//! signed-in merchant (server side only).

use leptos::prelude::*;
use notify_store::auth::AuthPolicy;
use notify_store::{Principal, RequestAuth, Store};

/// Provided to every server function by the server's router.
#[derive(Clone)]
pub struct ServerContext {
    pub store: Store,
    pub auth_policy: AuthPolicy,
    /// The origin the app is reached at (`https://notify.example.com`).
    pub public_origin: String,
}

impl ServerContext {
    /// Cookies get `Secure` when the app is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_origin.starts_with("https://")
    }

    pub fn webhook_url(&self, platform: notify_ingest::Platform, endpoint_id: &str) -> String {
        platform.webhook_url(&self.public_origin, endpoint_id)
    }
}

/// Adds a `Set-Cookie` header to the answer being built (a value that
/// cannot be a header is dropped).
pub fn set_cookie(value: String) {
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::HeaderValue::from_str(&value),
    ) {
        response.append_header(axum::http::header::SET_COOKIE, value);
    }
}

pub fn context() -> Result<ServerContext, ServerFnError> {
    use_context::<ServerContext>().ok_or_else(|| ServerFnError::new("server context unavailable"))
}

/// The client's address, as the server's router works it out (the peer, or
/// behind a trusted proxy the address it forwarded for); left in the
/// request's extensions for per-client limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub std::net::IpAddr);

/// The client's address (for per-client limits).
pub async fn client_ip() -> Option<std::net::IpAddr> {
    leptos_axum::extract::<axum::Extension<ClientIp>>()
        .await
        .ok()
        .map(|axum::Extension(ClientIp(ip))| ip)
}

/// The shared context and the signed-in merchant, or an error (and a 401)
/// for a caller who is not signed in.
pub async fn caller() -> Result<(ServerContext, Principal), ServerFnError> {
    let context = context()?;
    let axum::Extension(RequestAuth(principal)) =
        leptos_axum::extract::<axum::Extension<RequestAuth>>().await?;
    let principal = principal.ok_or_else(|| {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::UNAUTHORIZED);
        }
        ServerFnError::new(crate::errors::SIGNED_OUT)
    })?;
    Ok((context, principal))
}

/// The store and the signed-in merchant.
pub async fn store_and_caller() -> Result<(Store, Principal), ServerFnError> {
    let (context, principal) = caller().await?;
    Ok((context.store, principal))
}

pub fn internal(e: impl std::fmt::Display) -> ServerFnError {
    leptos::logging::error!("server function failed: {e}");
    ServerFnError::new("something went wrong on our side; please try again")
}

/// A use case's refusal as a server function's error: what the caller can
/// act on in words, with the status the JSON API answers for the same
/// refusal (never a 500 for the caller's input); a failure on our side
/// logged and hidden.
pub fn refused(e: notify_service::ServiceError) -> ServerFnError {
    use axum::http::StatusCode;
    use notify_service::ServiceError;
    let (status, message) = match e {
        ServiceError::Store(e) => return internal(e),
        ServiceError::Invalid(fields) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        ServiceError::BadRequest(message) => (StatusCode::BAD_REQUEST, message),
        ServiceError::TooManyRequests(message) => (StatusCode::TOO_MANY_REQUESTS, message),
        ServiceError::Refused(_, message) => (StatusCode::CONFLICT, message),
        ServiceError::NotFound => (StatusCode::NOT_FOUND, "not found".to_owned()),
    };
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
    ServerFnError::new(message)
}
