//! The page's server functions: load and save the merchant's rules. They
//! share the store's rules with the JSON API (`/api/v1/settings`): versioned
//! saves, validation by core, the audit trail.

use leptos::prelude::*;
use notify_core::{
    Customer, EmailMessage, FieldError, MerchantName, Rule, Settings, SettingsVersion, SmsMessage,
    Trigger,
};
use serde::{Deserialize, Serialize};

use crate::json_text::JsonText;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSettings {
    pub version: SettingsVersion,
    pub settings: Settings,
    /// The store's name, as the messages show it.
    pub store_name: MerchantName,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveResult {
    Saved {
        version: SettingsVersion,
    },
    /// Someone saved first; what they changed, one line each.
    Conflict {
        current_version: SettingsVersion,
        changes: Vec<String>,
    },
    Invalid {
        fields: Vec<FieldError>,
    },
}

#[server(prefix = "/api", endpoint = "settings/load", input = JsonText, output = JsonText)]
pub async fn load_settings() -> Result<StoredSettings, ServerFnError> {
    let (store, who) = crate::server_context::store_and_caller().await?;
    let stored = notify_service::settings::load(&store, &who.merchant_id)
        .await
        .map_err(crate::server_context::refused)?;
    let merchant = store
        .merchant(&who.merchant_id)
        .await
        .map_err(crate::server_context::internal)?;
    Ok(StoredSettings {
        version: stored.version,
        settings: stored.settings,
        store_name: merchant.store_name,
    })
}

#[server(prefix = "/api", endpoint = "settings/save", input = JsonText, output = JsonText)]
pub async fn save_settings(
    version: SettingsVersion,
    rules: Vec<Rule>,
) -> Result<SaveResult, ServerFnError> {
    use notify_service::ServiceError;
    use notify_store::settings::SaveOutcome;
    let (store, who) = crate::server_context::store_and_caller().await?;
    let outcome = match notify_service::settings::save(
        &store,
        &who,
        version,
        rules,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(outcome) => outcome,
        Err(ServiceError::Invalid(fields)) => return Ok(SaveResult::Invalid { fields }),
        Err(e) => return Err(crate::server_context::refused(e)),
    };
    Ok(match outcome {
        SaveOutcome::Saved { version, .. } | SaveOutcome::Unchanged { version } => {
            SaveResult::Saved { version }
        }
        SaveOutcome::Conflict {
            current_version,
            changes_since,
        } => SaveResult::Conflict {
            current_version,
            changes: changes_since
                .iter()
                .flat_map(|e| {
                    e.changes
                        .iter()
                        .map(move |c| format!("{} ({})", c.describe(), e.actor))
                })
                .collect(),
        },
    })
}

/// The merchant's latest real order or invoice for a trigger, as its
/// customer would get it: the messages rendered by the server with the same
/// `notify_core` the browser runs, so the page's WASM needs no reader for a
/// whole order (items, money, tracking); and the customer's contacts, for
/// "What happens" under the rules being edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealOrder {
    pub invoice: bool,
    pub number: String,
    pub customer: Customer,
    pub email: EmailMessage,
    pub sms: SmsMessage,
}

/// The merchant's latest real order or invoice for `trigger` (last 30
/// days), as its messages would show it; `None` when there is none. Only
/// ever the signed-in merchant's own.
#[server(prefix = "/api", endpoint = "preview/latest-real", input = JsonText, output = JsonText)]
pub async fn latest_real_order(trigger: Trigger) -> Result<Option<RealOrder>, ServerFnError> {
    use notify_core::{Document, MessageContext, render_email, render_sms};
    let (store, who) = crate::server_context::store_and_caller().await?;
    let Some(event) = notify_service::previews::latest_real_event(
        &store,
        &who.merchant_id,
        trigger,
        chrono::Utc::now(),
    )
    .await
    .map_err(crate::server_context::refused)?
    else {
        return Ok(None);
    };
    let merchant = store
        .merchant(&who.merchant_id)
        .await
        .map_err(crate::server_context::internal)?;
    let context = MessageContext {
        merchant: &merchant.store_name,
        event: &event,
    };
    Ok(Some(RealOrder {
        invoice: matches!(event.document, Document::Invoice { .. }),
        number: event.document.number().as_str().to_owned(),
        email: render_email(context),
        sms: render_sms(context),
        customer: event.customer,
    }))
}

/// The merchant's last 30 days, grouped for the what-if (no customer data).
#[server(prefix = "/api", endpoint = "settings/what-if-history", input = JsonText, output = JsonText)]
pub async fn what_if_history() -> Result<Vec<notify_core::what_if::HistoryGroup>, ServerFnError> {
    let (store, who) = crate::server_context::store_and_caller().await?;
    notify_service::what_if::history(&store, &who.merchant_id, chrono::Utc::now())
        .await
        .map_err(crate::server_context::refused)
}
