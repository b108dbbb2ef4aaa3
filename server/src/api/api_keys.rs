//! `/api/v1/api-keys`: create (the key is shown once), list, revoke.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use notify_store::api_keys::ApiKeyInfo;
use notify_store::ids::ApiKeyId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::openapi::{BodyErrors, CrossSite, Invalid, NeedsSignIn, NotFound, ParameterErrors};
use super::{ApiJson, ApiPath};
use crate::http::auth::Auth;
use crate::http::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"name": "Warehouse sync"}))]
pub struct NewApiKey {
    /// 1 to 80 printable characters, to tell keys apart.
    #[schema(min_length = 1, max_length = 80)]
    name: String,
}

/// A new key: the only time `key` is shown.
#[derive(Serialize, ToSchema)]
pub struct CreatedKey {
    id: ApiKeyId,
    name: String,
    hint: String,
    created_at: DateTime<Utc>,
    /// Send as `Authorization: Bearer <key>`. Shown once: store it now.
    key: String,
}

#[derive(Serialize, ToSchema)]
pub struct KeyList {
    api_keys: Vec<ApiKeyInfo>,
}

/// Creates an API key.
#[utoipa::path(
    post, path = "/api-keys", tag = "account settings",
    request_body = NewApiKey,
    responses(
        (status = 201, description = "Created; the key is in `key`, shown this once.", body = CreatedKey),
        NeedsSignIn, BodyErrors, Invalid,
    ),
    security(("session" = []), ("api_key" = [])),
)]
pub async fn create(
    State(state): State<AppState>,
    Auth(who): Auth,
    ApiJson(body): ApiJson<NewApiKey>,
) -> Result<(StatusCode, Json<CreatedKey>), ApiError> {
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
    let created = CreatedKey {
        id: info.id,
        name: info.name,
        hint: info.hint,
        created_at: info.created_at,
        key: key.expose().to_owned(),
    };
    Ok((StatusCode::CREATED, Json(created)))
}

/// The merchant's API keys (never the keys themselves).
#[utoipa::path(
    get, path = "/api-keys", tag = "account settings",
    responses((status = 200, body = KeyList), NeedsSignIn),
    security(("session" = []), ("api_key" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    Auth(who): Auth,
) -> Result<Json<KeyList>, ApiError> {
    let api_keys = state.store.api_keys(&who.merchant_id).await?;
    Ok(Json(KeyList { api_keys }))
}

/// Revokes an API key: requests with it are refused from now on.
#[utoipa::path(
    delete, path = "/api-keys/{id}", tag = "account settings",
    params(("id" = String, Path, description = "The key's id (`key_…`).")),
    responses(
        (status = 204, description = "Revoked."),
        NeedsSignIn, NotFound, ParameterErrors, CrossSite,
    ),
    security(("session" = []), ("api_key" = [])),
)]
pub async fn revoke(
    State(state): State<AppState>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<String>,
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
