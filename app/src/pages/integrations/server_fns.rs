//! The integrations for the page: the same rules as
//! `/api/v1/integrations` (each platform's settings, validated by
//! `notify_ingest::settings`), secrets write-only.

use std::collections::BTreeMap;

use leptos::prelude::*;
use notify_core::FieldError;
use notify_ingest::Platform;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastEvent {
    pub topic: String,
    pub received_at: String,
    /// pending, processed, retrying or failed.
    pub state: String,
    pub detail: Option<String>,
    /// The timeline of the order it was about, once processed.
    pub timeline: Option<String>,
}

/// One platform as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationView {
    pub platform: Platform,
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
    let (context, who) = crate::server_context::caller().await?;
    let cards = notify_service::integrations::cards(&context.store, &who.merchant_id)
        .await
        .map_err(crate::server_context::refused)?;
    Ok(cards
        .into_iter()
        .map(|card| IntegrationView {
            platform: card.platform,
            webhook_url: card
                .integration
                .as_ref()
                .map(|i| context.webhook_url(card.platform, i.endpoint_id.as_str())),
            saved: card
                .integration
                .map(|i| {
                    i.config
                        .masked_fields()
                        .into_iter()
                        .map(|(name, value)| (name.to_owned(), value))
                        .collect()
                })
                .unwrap_or_default(),
            last_event: card.last_event.map(|e| LastEvent {
                topic: e.topic,
                received_at: e.received_at.to_rfc3339(),
                state: e
                    .outcome
                    .map_or_else(|| e.state.as_str().to_owned(), |o| o.as_str().to_owned()),
                timeline: e
                    .source
                    .zip(e.document_id.as_deref())
                    .map(|(source, id)| crate::routes::order_timeline(source.slug(), id)),
                detail: e.detail,
            }),
        })
        .collect())
}

/// Saves one platform's settings (a plain form post from its card). The
/// answer is a redirect back to the card on the integrations page, which
/// then shows what happened (see `components::form_answer`); a caller that
/// does not follow redirects reads the result.
#[server(prefix = "/api", endpoint = "integrations/save")]
/// `fields`: the platform's settings by name (form inputs `fields[name]`).
pub async fn save_integration(
    platform: Platform,
    #[server(default)] fields: BTreeMap<String, String>,
) -> Result<SaveIntegrationResult, ServerFnError> {
    use notify_ingest::settings::IntegrationForm;
    use notify_service::ServiceError;

    use crate::components::form_answer::{self, FormAnswer};
    use crate::routes::INTEGRATIONS;
    let (context, who) = crate::server_context::caller().await?;
    let store = &context.store;
    // What was typed goes back to the card, but no secret.
    let typed: Vec<(&'static str, String)> = platform
        .typed_settings()
        .filter(|f| !f.is_secret())
        .filter_map(|f| fields.get(f.name).map(|v| (f.name, v.clone())))
        .collect();
    let form = IntegrationForm::new(fields);
    let saved = notify_service::integrations::save(
        store,
        &who.merchant_id,
        platform,
        &form,
        chrono::Utc::now(),
    )
    .await;
    let (result, answer) = match saved {
        Ok(saved) => (
            SaveIntegrationResult::Saved {
                signing_secret: saved.shown_once.clone(),
            },
            FormAnswer::saved("Saved.", saved.shown_once),
        ),
        Err(ServiceError::Invalid(fields)) => {
            let answer = typed.iter().fold(
                FormAnswer::invalid(fields.clone()),
                |answer, (name, value)| answer.typed(name, value),
            );
            (SaveIntegrationResult::Invalid { fields }, answer)
        }
        Err(e) => return Err(crate::server_context::refused(e)),
    };
    let slug = platform.spec().slug;
    form_answer::keep(
        INTEGRATIONS,
        &answer.of_form(slug),
        context.secure_cookies(),
    );
    leptos_axum::redirect(&format!("{INTEGRATIONS}#integration-{slug}"));
    Ok(result)
}
