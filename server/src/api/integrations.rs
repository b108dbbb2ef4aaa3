//! `/api/v1/integrations`: one webhook endpoint per platform. Secrets go in
//! and never come back out (masked), except a generated `whsec_` secret,
//! shown once in the response that created it.

use axum::Json;
use axum::extract::{Path, State};
use chrono::Utc;
use notify_core::FieldError;
use notify_store::integrations::{
    Integration, IntegrationConfig, Platform, generate_signing_secret,
};
use notify_store::secret::Secret;
use serde::Deserialize;
use serde_json::{Value, json};

use super::ApiJson;
use crate::http::auth::Auth;
use crate::http::error::ApiError;
use crate::state::AppState;

/// The body of `PUT /api/v1/integrations/{platform}`; which fields apply
/// depends on the platform.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PutBody {
    /// Shopify: the app's client secret; BigCommerce: the app's client secret
    /// (optional, for signed hooks).
    client_secret: Option<String>,
    /// Shopify: the secret being rotated out (still accepted).
    previous_client_secret: Option<String>,
    /// WooCommerce: the webhook's secret.
    webhook_secret: Option<String>,
    /// BigCommerce.
    store_hash: Option<String>,
    api_token: Option<String>,
    hook_secret: Option<String>,
}

fn secret(field: &str, value: Option<String>, errors: &mut Vec<FieldError>) -> Option<Secret> {
    match value.as_deref().map(str::trim) {
        Some(v)
            if (8..=512).contains(&v.len())
                && !v.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Some(Secret::new(v))
        }
        Some(_) => {
            errors.push(FieldError {
                field: field.to_owned(),
                message: "must be 8 to 512 characters without spaces".to_owned(),
            });
            None
        }
        None => {
            errors.push(FieldError {
                field: field.to_owned(),
                message: "is required".to_owned(),
            });
            None
        }
    }
}

fn view(state: &AppState, integration: &Integration) -> Value {
    let platform = integration.config.platform().slug();
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
    let integrations = state.store.integrations(&who.merchant_id).await?;
    Ok(Json(
        json!({ "integrations": integrations.iter().map(|i| view(&state, i)).collect::<Vec<_>>() }),
    ))
}

pub async fn put(
    State(state): State<AppState>,
    Auth(who): Auth,
    Path(platform): Path<String>,
    ApiJson(body): ApiJson<PutBody>,
) -> Result<Json<Value>, ApiError> {
    let platform = Platform::from_slug(&platform).ok_or(ApiError::NotFound)?;
    let mut errors = Vec::new();
    let mut shown_once = None;
    let config = match platform {
        Platform::Shopify => {
            let current = secret("client_secret", body.client_secret, &mut errors);
            let previous = body
                .previous_client_secret
                .map(|p| secret("previous_client_secret", Some(p), &mut errors));
            current.map(|c| IntegrationConfig::Shopify {
                client_secrets: std::iter::once(c).chain(previous.flatten()).collect(),
            })
        }
        Platform::WooCommerce => secret("webhook_secret", body.webhook_secret, &mut errors)
            .map(|webhook_secret| IntegrationConfig::WooCommerce { webhook_secret }),
        Platform::BigCommerce => {
            let store_hash = match body.store_hash.as_deref().map(str::trim) {
                Some(h)
                    if !h.is_empty()
                        && h.len() <= 64
                        && h.chars().all(|c| c.is_ascii_alphanumeric()) =>
                {
                    Some(h.to_owned())
                }
                _ => {
                    errors.push(FieldError { field: "store_hash".to_owned(), message: "must be the store hash from your BigCommerce API path, letters and digits".to_owned() });
                    None
                }
            };
            let api_token = secret("api_token", body.api_token, &mut errors);
            let hook_secret = secret("hook_secret", body.hook_secret, &mut errors);
            let client_secret = body
                .client_secret
                .map(|c| secret("client_secret", Some(c), &mut errors));
            match (store_hash, api_token, hook_secret) {
                (Some(store_hash), Some(api_token), Some(hook_secret)) => {
                    Some(IntegrationConfig::BigCommerce {
                        store_hash,
                        api_token,
                        hook_secret,
                        client_secret: client_secret.flatten(),
                    })
                }
                _ => None,
            }
        }
        Platform::Events => {
            // A new secret each time; the previous one stays valid for the
            // merchant's systems until they switch over.
            let new = generate_signing_secret();
            let previous = match state
                .store
                .integration(&who.merchant_id, Platform::Events)
                .await?
            {
                Some(Integration {
                    config: IntegrationConfig::Events { signing_secrets },
                    ..
                }) => signing_secrets.into_iter().next(),
                _ => None,
            };
            shown_once = Some(new.expose().to_owned());
            Some(IntegrationConfig::Events {
                signing_secrets: std::iter::once(new).chain(previous).collect(),
            })
        }
    };
    let config = match config {
        Some(c) if errors.is_empty() => c,
        _ => return Err(ApiError::Validation(errors)),
    };
    let saved = state
        .store
        .put_integration(&who.merchant_id, &config, Utc::now())
        .await?;
    tracing::info!(merchant = %who.merchant_id, platform = platform.slug(), endpoint = %saved.endpoint_id, "integration saved");
    let mut body = view(&state, &saved);
    if let (Some(secret), Some(obj)) = (shown_once, body.as_object_mut()) {
        obj.insert("signing_secret".to_owned(), Value::String(secret));
    }
    Ok(Json(body))
}
