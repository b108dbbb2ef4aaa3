//! Saving an integration from what the merchant typed: the rules shared by
//! the JSON API (`PUT /api/v1/integrations/{platform}`) and the page.

use chrono::{DateTime, Utc};
use notify_core::FieldError;
use serde::Deserialize;
use thiserror::Error;

use crate::db::Store;
use crate::error::StoreError;
use crate::ids::MerchantId;
use crate::integrations::{Integration, IntegrationConfig, Platform, generate_signing_secret};
use crate::secret::Secret;

/// What the merchant sends; which fields apply depends on the platform.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntegrationForm {
    /// Shopify: the app's client secret; BigCommerce: the app's client
    /// secret (optional, for signed hooks).
    pub client_secret: Option<String>,
    /// Shopify: the secret being rotated out (still accepted).
    pub previous_client_secret: Option<String>,
    /// WooCommerce: the webhook's secret.
    pub webhook_secret: Option<String>,
    /// BigCommerce.
    pub store_hash: Option<String>,
    pub api_token: Option<String>,
    pub hook_secret: Option<String>,
}

/// A saved integration, and the signing secret generated for it (the
/// generic endpoint only), shown once.
#[derive(Debug)]
pub struct SavedIntegration {
    pub integration: Integration,
    pub shown_once: Option<String>,
}

#[derive(Debug, Error)]
pub enum IntegrationFormError {
    #[error("invalid integration settings")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn required_secret(
    field: &str,
    value: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Option<Secret> {
    let error = |message: &str| FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    };
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v)
            if (8..=512).contains(&v.len())
                && !v.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Some(Secret::new(v))
        }
        Some(_) => {
            errors.push(error("must be 8 to 512 characters without spaces"));
            None
        }
        None => {
            errors.push(error("is required"));
            None
        }
    }
}

/// An optional secret: absent or blank means none.
fn optional_secret(
    field: &str,
    value: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Option<Secret> {
    value
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| required_secret(field, Some(v), errors))
}

fn store_hash(value: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    match value.map(str::trim) {
        Some(h)
            if !h.is_empty() && h.len() <= 64 && h.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            Some(h.to_owned())
        }
        _ => {
            errors.push(FieldError {
                field: "store_hash".to_owned(),
                message:
                    "must be the store hash from your BigCommerce API path, letters and digits"
                        .to_owned(),
            });
            None
        }
    }
}

impl IntegrationForm {
    /// The platform's settings, or every field error at once. `previous`
    /// is the platform's current settings (the generic endpoint keeps its
    /// previous signing secret valid during a rotation).
    fn into_config(
        self,
        platform: Platform,
        previous: Option<&IntegrationConfig>,
    ) -> Result<(IntegrationConfig, Option<String>), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut shown_once = None;
        let config = match platform {
            Platform::Shopify => {
                let current =
                    required_secret("client_secret", self.client_secret.as_deref(), &mut errors);
                let previous = optional_secret(
                    "previous_client_secret",
                    self.previous_client_secret.as_deref(),
                    &mut errors,
                );
                current.map(|c| IntegrationConfig::Shopify {
                    client_secrets: std::iter::once(c).chain(previous).collect(),
                })
            }
            Platform::WooCommerce => required_secret(
                "webhook_secret",
                self.webhook_secret.as_deref(),
                &mut errors,
            )
            .map(|webhook_secret| IntegrationConfig::WooCommerce { webhook_secret }),
            Platform::BigCommerce => {
                let store_hash = store_hash(self.store_hash.as_deref(), &mut errors);
                let api_token =
                    required_secret("api_token", self.api_token.as_deref(), &mut errors);
                let hook_secret =
                    required_secret("hook_secret", self.hook_secret.as_deref(), &mut errors);
                let client_secret =
                    optional_secret("client_secret", self.client_secret.as_deref(), &mut errors);
                match (store_hash, api_token, hook_secret) {
                    (Some(store_hash), Some(api_token), Some(hook_secret)) => {
                        Some(IntegrationConfig::BigCommerce {
                            store_hash,
                            api_token,
                            hook_secret,
                            client_secret,
                        })
                    }
                    _ => None,
                }
            }
            Platform::Events => {
                // A new secret each time; the previous one stays valid for
                // the merchant's systems until they switch over.
                let new = generate_signing_secret();
                let previous = match previous {
                    Some(IntegrationConfig::Events { signing_secrets }) => {
                        signing_secrets.first().cloned()
                    }
                    _ => None,
                };
                shown_once = Some(new.expose().to_owned());
                Some(IntegrationConfig::Events {
                    signing_secrets: std::iter::once(new).chain(previous).collect(),
                })
            }
        };
        match config {
            Some(config) if errors.is_empty() => Ok((config, shown_once)),
            _ => Err(errors),
        }
    }
}

impl Store {
    /// Validates the form and saves the platform's integration; nothing is
    /// saved when a field is wrong.
    pub async fn save_integration(
        &self,
        merchant_id: &MerchantId,
        platform: Platform,
        form: IntegrationForm,
        now: DateTime<Utc>,
    ) -> Result<SavedIntegration, IntegrationFormError> {
        let previous = self.integration(merchant_id, platform).await?;
        let (config, shown_once) = form
            .into_config(platform, previous.as_ref().map(|i| &i.config))
            .map_err(IntegrationFormError::Invalid)?;
        let integration = self.put_integration(merchant_id, &config, now).await?;
        Ok(SavedIntegration {
            integration,
            shown_once,
        })
    }
}
