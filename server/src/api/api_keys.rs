//! `/api/v1/api-keys`: create (the key is shown once), list, revoke.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use notify_store::ids::ApiKeyId;
use serde::Deserialize;
use serde_json::json;

use super::ApiJson;
use crate::http::auth::Auth;
use crate::http::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct CreateBody {
    name: String,
}

pub async fn create(
    State(state): State<AppState>,
    Auth(who): Auth,
    ApiJson(body): ApiJson<CreateBody>,
) -> Result<Response, ApiError> {
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
        return Err(ApiError::Validation(vec![notify_core::FieldError {
            field: "name".to_owned(),
            message: "must be 1 to 80 printable characters".to_owned(),
        }]));
    }
    let (info, key) = state
        .store
        .create_api_key(&who.merchant_id, name, &who.actor, Utc::now())
        .await?;
    tracing::info!(merchant_id = %who.merchant_id, key_id = %info.id, "API key created");
    let body = json!({ "id": info.id, "name": info.name, "hint": info.hint, "created_at": info.created_at, "key": key.expose() });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

pub async fn list(
    State(state): State<AppState>,
    Auth(who): Auth,
) -> Result<Json<serde_json::Value>, ApiError> {
    let keys = state.store.api_keys(&who.merchant_id).await?;
    Ok(Json(json!({ "api_keys": keys })))
}

pub async fn revoke(
    State(state): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if state
        .store
        .revoke_api_key(&who.merchant_id, &ApiKeyId::from_string(id), Utc::now())
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}
