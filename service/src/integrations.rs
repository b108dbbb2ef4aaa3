//! Connecting a platform, for the JSON API (`/api/v1/integrations`) and the
//! Integrations page: what each platform's card shows, and saving its
//! settings with the platform's own rules (`notify_ingest::settings`).

use chrono::{DateTime, Utc};
use notify_ingest::Platform;
use notify_ingest::settings::{IntegrationForm, Validated};
use notify_store::inbound::EventLogEntry;
use notify_store::integrations::Integration;
use notify_store::{MerchantId, Store};

use crate::{ServiceError, ServiceResult};

/// A saved integration, and the secret generated for it, shown once.
#[derive(Debug)]
pub struct SavedIntegration {
    pub integration: Integration,
    pub shown_once: Option<String>,
}

/// Validates the form with the platform's rules and saves it, keeping the
/// endpoint (and so its webhook URL); nothing is saved when a field is
/// wrong.
pub async fn save(
    store: &Store,
    merchant_id: &MerchantId,
    platform: Platform,
    form: &IntegrationForm,
    now: DateTime<Utc>,
) -> ServiceResult<SavedIntegration> {
    let previous = store.integration(merchant_id, platform).await?;
    let mut random = [0u8; 32];
    getrandom::fill(&mut random).expect("the OS random number generator is available");
    let Validated { config, shown_once } = platform
        .validate(form, previous.as_ref().map(|i| &i.config), random)
        .map_err(ServiceError::Invalid)?;
    let integration = store.put_integration(merchant_id, &config, now).await?;
    tracing::info!(merchant_id = %merchant_id, platform = platform.slug(), endpoint_id = %integration.endpoint_id, "integration saved");
    Ok(SavedIntegration {
        integration,
        shown_once,
    })
}

/// The merchant's integrations.
pub async fn list(store: &Store, merchant_id: &MerchantId) -> ServiceResult<Vec<Integration>> {
    Ok(store.integrations(merchant_id).await?)
}

/// One platform as the Integrations page shows it.
pub struct Card {
    pub platform: Platform,
    pub integration: Option<Integration>,
    /// The last webhook received from it.
    pub last_event: Option<EventLogEntry>,
}

/// Every registered platform, connected or not, in the registry's order.
pub async fn cards(store: &Store, merchant_id: &MerchantId) -> ServiceResult<Vec<Card>> {
    let mut integrations = store.integrations(merchant_id).await?;
    let mut latest = store.latest_event_by_platform(merchant_id).await?;
    Ok(notify_ingest::platform::ALL
        .iter()
        .map(|&platform| Card {
            platform,
            integration: integrations
                .iter()
                .position(|i| i.config.platform() == platform)
                .map(|at| integrations.swap_remove(at)),
            last_event: latest
                .iter()
                .position(|e| e.platform == platform)
                .map(|at| latest.swap_remove(at)),
        })
        .collect())
}
