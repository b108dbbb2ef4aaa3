//! The merchant's notification rules: loading them with their version, and
//! saving a new set based on a version (validated by core; a save based on
//! an old version changes nothing and says what changed since; every save
//! has its audit entry).

use chrono::{DateTime, Utc};
use notify_core::{Rule, Settings, SettingsVersion};
use notify_store::settings::{SaveOutcome, VersionedSettings};
use notify_store::{MerchantId, Principal, Store};

use crate::error::{ServiceError, ServiceResult};

pub async fn load(store: &Store, merchant_id: &MerchantId) -> ServiceResult<VersionedSettings> {
    Ok(store.load_settings(merchant_id).await?)
}

/// Saves `rules` for `who`'s merchant if nobody saved since `base`;
/// invalid rules are [`ServiceError::Invalid`].
pub async fn save(
    store: &Store,
    who: &Principal,
    base: SettingsVersion,
    rules: Vec<Rule>,
    now: DateTime<Utc>,
) -> ServiceResult<SaveOutcome> {
    let settings = Settings::new(rules).map_err(|e| ServiceError::Invalid(e.errors))?;
    let outcome = store
        .save_settings(&who.merchant_id, &who.actor, base, &settings, now)
        .await?;
    if let SaveOutcome::Saved { version, changes } = &outcome {
        tracing::info!(merchant_id = %who.merchant_id, version = version.get(), changes = changes.len(), "settings saved");
    }
    Ok(outcome)
}
