//! The integrations for the page: the same rules as
//! `/api/v1/integrations` (`notify_store::integration_form`), secrets
//! write-only.

use leptos::prelude::*;
use notify_core::FieldError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastEvent {
    pub topic: String,
    pub received_at: String,
    /// pending, processed, retrying or failed.
    pub state: String,
    pub detail: Option<String>,
}

/// One platform as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationView {
    pub platform: String,
    /// The webhook topics (or event types) to subscribe to: the ones the
    /// server acts on.
    pub topics: Vec<String>,
    /// Set once the merchant has connected the platform.
    pub webhook_url: Option<String>,
    /// Non-secret values and masked secrets, by form field name.
    pub saved: Vec<(String, String)>,
    pub last_event: Option<LastEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveIntegrationResult {
    /// Saved; the generic endpoint's new signing secret, shown this once.
    Saved {
        signing_secret: Option<String>,
    },
    Invalid {
        fields: Vec<FieldError>,
    },
}

#[server(prefix = "/api", endpoint = "integrations/list", input = leptos::server_fn::codec::Json)]
pub async fn list_integrations() -> Result<Vec<IntegrationView>, ServerFnError> {
    use notify_store::integrations::Platform;
    let (context, who) = crate::server_context::caller().await?;
    let store = &context.store;
    let integrations = store
        .integrations(&who.merchant_id)
        .await
        .map_err(crate::server_context::internal)?;
    let latest = store
        .latest_event_by_platform(&who.merchant_id)
        .await
        .map_err(crate::server_context::internal)?;
    Ok(Platform::ALL
        .into_iter()
        .map(|platform| {
            let integration = integrations
                .iter()
                .find(|i| i.config.platform() == platform);
            IntegrationView {
                platform: platform.slug().to_owned(),
                topics: topics(platform).iter().map(|t| t.to_string()).collect(),
                webhook_url: integration
                    .map(|i| context.webhook_url(platform.slug(), i.endpoint_id.as_str())),
                saved: integration
                    .map(|i| {
                        i.config
                            .masked_fields()
                            .into_iter()
                            .map(|(name, value)| (name.to_owned(), value))
                            .collect()
                    })
                    .unwrap_or_default(),
                last_event: latest
                    .iter()
                    .find(|e| e.platform == platform)
                    .map(|e| LastEvent {
                        topic: e.topic.clone(),
                        received_at: e.received_at.to_rfc3339(),
                        state: e
                            .outcome
                            .map_or_else(|| e.state.as_str().to_owned(), |o| o.as_str().to_owned()),
                        detail: e.detail.clone(),
                    }),
            }
        })
        .collect())
}

#[cfg(feature = "ssr")]
fn topics(platform: notify_store::integrations::Platform) -> &'static [&'static str] {
    use notify_ingest::normalize::{bigcommerce, events, shopify, woocommerce};
    use notify_store::integrations::Platform;
    match platform {
        Platform::Shopify => shopify::TOPICS,
        Platform::BigCommerce => bigcommerce::SCOPES,
        Platform::WooCommerce => woocommerce::TOPICS,
        Platform::Events => events::TYPES,
    }
}

#[server(prefix = "/api", endpoint = "integrations/save")]
pub async fn save_integration(
    platform: String,
    client_secret: Option<String>,
    previous_client_secret: Option<String>,
    webhook_secret: Option<String>,
    store_hash: Option<String>,
    api_token: Option<String>,
    hook_secret: Option<String>,
) -> Result<SaveIntegrationResult, ServerFnError> {
    use notify_store::integration_form::{IntegrationForm, IntegrationFormError};
    use notify_store::integrations::Platform;
    let (store, who) = crate::server_context::store_and_caller().await?;
    let platform = Platform::from_slug(&platform)
        .ok_or_else(|| ServerFnError::new(format!("unknown platform {platform}")))?;
    let form = IntegrationForm {
        client_secret,
        previous_client_secret,
        webhook_secret,
        store_hash,
        api_token,
        hook_secret,
    };
    match store
        .save_integration(&who.merchant_id, platform, form, chrono::Utc::now())
        .await
    {
        Ok(saved) => Ok(SaveIntegrationResult::Saved {
            signing_secret: saved.shown_once,
        }),
        Err(IntegrationFormError::Invalid(fields)) => Ok(SaveIntegrationResult::Invalid { fields }),
        Err(IntegrationFormError::Store(e)) => Err(crate::server_context::internal(e)),
    }
}
