//! Sign-up, login and logout.

use app::server_context::ClientIp;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::Utc;
use notify_service::accounts::{self, LoginError, SignUpError, SignUpForm};
use notify_store::accounts::{Merchant, User};
use notify_store::sessions::SessionToken;
use serde::Deserialize;
use serde_json::json;

use super::ApiJson;
use crate::http::error::ApiError;
use crate::state::AppState;
use app::session_cookie::{clear_session_cookie, session_cookie, session_token};

#[derive(Deserialize)]
pub struct SignUpBody {
    store_name: String,
    email: String,
    password: String,
    time_zone: String,
    sender_name: Option<String>,
    sender_email: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginBody {
    email: String,
    password: String,
}

fn account_json(merchant: &Merchant, user: &User) -> serde_json::Value {
    json!({
        "merchant": {
            "id": merchant.id,
            "store_name": merchant.store_name.as_str(),
            "time_zone": merchant.time_zone.name(),
            "sender_name": merchant.sender_name.as_str(),
            "sender_email": merchant.sender_email.as_str(),
        },
        "user": { "id": user.id, "email": user.email.as_str() },
    })
}

fn ip(client: Option<Extension<ClientIp>>) -> Option<std::net::IpAddr> {
    client.map(|Extension(ClientIp(ip))| ip)
}

fn with_session(
    state: &AppState,
    status: StatusCode,
    token: &SessionToken,
    body: serde_json::Value,
) -> Response {
    let cookie = session_cookie(
        token,
        state.auth_policy.session_ttl,
        state.config.secure_cookies(),
    );
    (status, [(SET_COOKIE, cookie)], Json(body)).into_response()
}

pub async fn sign_up(
    State(state): State<AppState>,
    client: Option<Extension<ClientIp>>,
    ApiJson(body): ApiJson<SignUpBody>,
) -> Result<Response, ApiError> {
    let form = SignUpForm {
        store_name: body.store_name,
        email: body.email,
        password: body.password,
        time_zone: body.time_zone,
        sender_name: body.sender_name,
        sender_email: body.sender_email,
    };
    match accounts::sign_up(
        &state.store,
        &form,
        ip(client),
        &state.auth_policy,
        Utc::now(),
    )
    .await
    {
        Ok((merchant, user, token)) => {
            tracing::info!(merchant_id = %merchant.id, "merchant signed up");
            Ok(with_session(
                &state,
                StatusCode::CREATED,
                &token,
                account_json(&merchant, &user),
            ))
        }
        Err(SignUpError::Invalid(fields)) => Err(ApiError::Validation(fields)),
        Err(refused @ SignUpError::TooManyAttempts) => {
            Err(ApiError::TooManyRequests(refused.to_string()))
        }
        Err(SignUpError::Store(e)) => Err(e.into()),
    }
}

pub async fn log_in(
    State(state): State<AppState>,
    client: Option<Extension<ClientIp>>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Response, ApiError> {
    let now = Utc::now();
    match accounts::log_in(
        &state.store,
        &body.email,
        &body.password,
        ip(client),
        &state.auth_policy,
        now,
    )
    .await
    {
        Ok((user, token)) => {
            // Rotate: the session this browser had before ends now.
            if let Some(old) = session_token(&headers) {
                state.store.delete_session(&old).await?;
            }
            let merchant = state.store.merchant(&user.merchant_id).await?;
            Ok(with_session(
                &state,
                StatusCode::OK,
                &token,
                account_json(&merchant, &user),
            ))
        }
        Err(LoginError::InvalidCredentials) => Err(ApiError::InvalidCredentials),
        Err(LoginError::TooManyAttempts) => Err(ApiError::TooManyRequests(
            "too many failed attempts; try again in a few minutes".to_owned(),
        )),
        Err(LoginError::Store(e)) => Err(e.into()),
    }
}

pub async fn log_out(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = session_token(&headers) {
        state.store.delete_session(&token).await?;
    }
    let cookie = clear_session_cookie(state.config.secure_cookies());
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie)]).into_response())
}
