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
use notify_store::ids::{MerchantId, UserId};
use notify_store::sessions::SessionToken;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ApiJson;
use super::openapi::{BodyErrors, CrossSite, Invalid, Limited};
use crate::http::error::{ApiError, ErrorBody};
use crate::state::AppState;
use app::session_cookie::{clear_session_cookie, session_cookie, session_token};

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"store_name": "Harbor Goods", "email": "owner@harbor.example", "password": "a long passphrase", "time_zone": "America/New_York"}))]
pub struct SignUpBody {
    store_name: String,
    email: String,
    /// At least 12 characters.
    password: String,
    /// An IANA time zone, e.g. `Europe/Paris`.
    time_zone: String,
    /// The name emails are sent as (default: the store name).
    sender_name: Option<String>,
    /// Where customers' replies go (default: the account's email).
    sender_email: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    email: String,
    password: String,
}

/// The signed-in merchant and user.
#[derive(Serialize, ToSchema)]
pub struct AccountView {
    merchant: MerchantView,
    user: UserView,
}

#[derive(Serialize, ToSchema)]
pub struct MerchantView {
    id: MerchantId,
    store_name: String,
    time_zone: String,
    sender_name: String,
    sender_email: String,
}

#[derive(Serialize, ToSchema)]
pub struct UserView {
    id: UserId,
    email: String,
}

impl AccountView {
    fn of(merchant: &Merchant, user: &User) -> Self {
        AccountView {
            merchant: MerchantView {
                id: merchant.id.clone(),
                store_name: merchant.store_name.as_str().to_owned(),
                time_zone: merchant.time_zone.name().to_owned(),
                sender_name: merchant.sender_name.as_str().to_owned(),
                sender_email: merchant.sender_email.as_str().to_owned(),
            },
            user: UserView {
                id: user.id.clone(),
                email: user.email.as_str().to_owned(),
            },
        }
    }
}

fn ip(client: Option<Extension<ClientIp>>) -> Option<std::net::IpAddr> {
    client.map(|Extension(ClientIp(ip))| ip)
}

fn with_session(
    state: &AppState,
    status: StatusCode,
    token: &SessionToken,
    body: AccountView,
) -> Response {
    let cookie = session_cookie(
        token,
        state.auth_policy.session_ttl,
        state.config.secure_cookies(),
    );
    (status, [(SET_COOKIE, cookie)], Json(body)).into_response()
}

/// Creates a merchant account and its first user, and signs in.
#[utoipa::path(
    post, path = "/merchants", tag = "accounts",
    request_body = SignUpBody,
    responses(
        (status = 201, description = "Signed up and signed in; the session cookie is set.", body = AccountView),
        BodyErrors, Invalid, Limited,
    ),
    security(()),
)]
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
                AccountView::of(&merchant, &user),
            ))
        }
        Err(SignUpError::Invalid(fields)) => Err(ApiError::Validation(fields)),
        Err(refused @ SignUpError::TooManyAttempts) => {
            Err(ApiError::TooManyRequests(refused.to_string()))
        }
        Err(SignUpError::Store(e)) => Err(e.into()),
    }
}

/// Signs in: a new session (any earlier one of this browser ends).
#[utoipa::path(
    post, path = "/session", tag = "accounts",
    request_body = LoginBody,
    responses(
        (status = 200, description = "Signed in; the session cookie is set.", body = AccountView),
        (status = 401, description = "Wrong email or password (`invalid_credentials`).", body = ErrorBody),
        BodyErrors, Limited,
    ),
    security(()),
)]
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
                AccountView::of(&merchant, &user),
            ))
        }
        Err(LoginError::InvalidCredentials) => Err(ApiError::InvalidCredentials),
        Err(LoginError::TooManyAttempts) => Err(ApiError::TooManyRequests(
            "too many failed attempts; try again in a few minutes".to_owned(),
        )),
        Err(LoginError::Store(e)) => Err(e.into()),
    }
}

/// Signs out: the session ends and its cookie is cleared.
#[utoipa::path(
    delete, path = "/session", tag = "accounts",
    responses((status = 204, description = "Signed out (also when not signed in)."), CrossSite),
    security(()),
)]
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
