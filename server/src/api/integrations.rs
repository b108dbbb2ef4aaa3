//! `/api/v1/integrations`: one webhook endpoint per platform. Secrets go in
//! and never come back out (masked), except a generated `whsec_` secret,
//! shown once in the response that created it.

use axum::Json;
use axum::extract::{Path, State};
use chrono::Utc;
use notify_ingest::settings::IntegrationForm;
use notify_service::integrations;
use notify_store::integrations::{Integration, Platform};
use serde_json::{Value, json};

use super::ApiJson;
use crate::http::auth::Auth;
use crate::http::error::ApiError;
use crate::state::AppState;

fn view(state: &AppState, integration: &Integration) -> Value {
    let platform = integration.config.platform();
    json!({
        "platform": platform,
        "endpoint_id": integration.endpoint_id,
        "webhook_url": state.config.webhook_url(platform, integration.endpoint_id.as_str()),
        "settings": integration.config.masked(),
        "created_at": integration.created_at,
        "updated_at": integration.updated_at,
    })
}

pub async fn list(State(state): State<AppState>, Auth(who): Auth) -> Result<Json<Value>, ApiError> {
    let integrations = integrations::list(&state.store, &who.merchant_id).await?;
    Ok(Json(
        json!({ "integrations": integrations.iter().map(|i| view(&state, i)).collect::<Vec<_>>() }),
    ))
}

pub async fn put(
    State(state): State<AppState>,
    Auth(who): Auth,
    Path(platform): Path<String>,
    ApiJson(form): ApiJson<IntegrationForm>,
) -> Result<Json<Value>, ApiError> {
    let platform = Platform::from_slug(&platform).ok_or(ApiError::NotFound)?;
    let saved =
        integrations::save(&state.store, &who.merchant_id, platform, &form, Utc::now()).await?;
    let mut body = view(&state, &saved.integration);
    if let (Some(secret), Some(obj)) = (saved.shown_once, body.as_object_mut()) {
        obj.insert("signing_secret".to_owned(), Value::String(secret));
    }
    Ok(Json(body))
}
