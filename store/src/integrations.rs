//! One webhook endpoint per merchant and platform, with its secrets. The
//! endpoint id in the URL is unguessable; secrets leave this module only as
//! [`Secret`]s, and views show them masked.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::db::{Store, with_pool};
use crate::error::{StoreError, StoreResult};
use crate::ids::{EndpointId, MerchantId};
use crate::sealed::{self, Opened};
use crate::secret::Secret;
use crate::time::{from_millis, to_millis};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Shopify,
    #[serde(rename = "bigcommerce")]
    BigCommerce,
    #[serde(rename = "woocommerce")]
    WooCommerce,
    /// The generic signed endpoint for CTO, Fanvista, retailcloud Online and invoices.
    Events,
}

impl Platform {
    pub const ALL: [Platform; 4] = [
        Platform::Shopify,
        Platform::BigCommerce,
        Platform::WooCommerce,
        Platform::Events,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Platform::Shopify => "shopify",
            Platform::BigCommerce => "bigcommerce",
            Platform::WooCommerce => "woocommerce",
            Platform::Events => "events",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.slug() == s)
    }
}

/// An integration's settings and secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntegrationConfig {
    /// Client secrets, newest first; two are valid during a rotation.
    Shopify {
        client_secrets: Vec<Secret>,
    },
    BigCommerce {
        store_hash: String,
        api_token: Secret,
        /// The value of the custom header the merchant set on the hook.
        hook_secret: Secret,
        /// The app's client secret, for Standard Webhooks signatures.
        client_secret: Option<Secret>,
    },
    WooCommerce {
        webhook_secret: Secret,
    },
    /// `whsec_` signing secrets, newest first; the previous one stays valid
    /// after a rotation.
    Events {
        signing_secrets: Vec<Secret>,
    },
}

impl IntegrationConfig {
    pub fn platform(&self) -> Platform {
        match self {
            IntegrationConfig::Shopify { .. } => Platform::Shopify,
            IntegrationConfig::BigCommerce { .. } => Platform::BigCommerce,
            IntegrationConfig::WooCommerce { .. } => Platform::WooCommerce,
            IntegrationConfig::Events { .. } => Platform::Events,
        }
    }

    /// What was saved, by the form field it came from
    /// ([`crate::integration_form::IntegrationForm`]): non-secret values as
    /// they are, secrets masked.
    pub fn masked_fields(&self) -> Vec<(&'static str, String)> {
        let nth = |v: &[Secret], i: usize| v.get(i).map(Secret::masked);
        let mut fields = Vec::new();
        match self {
            IntegrationConfig::Shopify { client_secrets } => {
                fields.extend(nth(client_secrets, 0).map(|m| ("client_secret", m)));
                fields.extend(nth(client_secrets, 1).map(|m| ("previous_client_secret", m)));
            }
            IntegrationConfig::BigCommerce {
                store_hash,
                api_token,
                hook_secret,
                client_secret,
            } => {
                fields.push(("store_hash", store_hash.clone()));
                fields.push(("api_token", api_token.masked()));
                fields.push(("hook_secret", hook_secret.masked()));
                fields.extend(
                    client_secret
                        .as_ref()
                        .map(|c| ("client_secret", c.masked())),
                );
            }
            IntegrationConfig::WooCommerce { webhook_secret } => {
                fields.push(("webhook_secret", webhook_secret.masked()));
            }
            IntegrationConfig::Events { signing_secrets } => {
                fields.extend(nth(signing_secrets, 0).map(|m| ("signing_secret", m)));
                fields.extend(nth(signing_secrets, 1).map(|m| ("previous_signing_secret", m)));
            }
        }
        fields
    }

    /// What a client may see: non-secret fields, and secrets masked.
    pub fn masked(&self) -> serde_json::Value {
        let masked = |v: &[Secret]| v.iter().map(Secret::masked).collect::<Vec<_>>();
        match self {
            IntegrationConfig::Shopify { client_secrets } => {
                serde_json::json!({ "client_secrets": masked(client_secrets) })
            }
            IntegrationConfig::BigCommerce {
                store_hash,
                api_token,
                hook_secret,
                client_secret,
            } => serde_json::json!({
                "store_hash": store_hash,
                "api_token": api_token.masked(),
                "hook_secret": hook_secret.masked(),
                "client_secret": client_secret.as_ref().map(Secret::masked),
            }),
            IntegrationConfig::WooCommerce { webhook_secret } => {
                serde_json::json!({ "webhook_secret": webhook_secret.masked() })
            }
            IntegrationConfig::Events { signing_secrets } => {
                serde_json::json!({ "signing_secrets": masked(signing_secrets) })
            }
        }
    }
}

/// The storage form (never leaves this module).
#[derive(Serialize, Deserialize)]
#[serde(tag = "platform", rename_all = "lowercase")]
enum Stored {
    Shopify {
        client_secrets: Vec<String>,
    },
    #[serde(rename = "bigcommerce")]
    BigCommerce {
        store_hash: String,
        api_token: String,
        hook_secret: String,
        client_secret: Option<String>,
    },
    #[serde(rename = "woocommerce")]
    WooCommerce {
        webhook_secret: String,
    },
    Events {
        signing_secrets: Vec<String>,
    },
}

impl From<&IntegrationConfig> for Stored {
    fn from(c: &IntegrationConfig) -> Self {
        let plain = |v: &[Secret]| v.iter().map(|s| s.expose().to_owned()).collect();
        match c {
            IntegrationConfig::Shopify { client_secrets } => Stored::Shopify {
                client_secrets: plain(client_secrets),
            },
            IntegrationConfig::BigCommerce {
                store_hash,
                api_token,
                hook_secret,
                client_secret,
            } => Stored::BigCommerce {
                store_hash: store_hash.clone(),
                api_token: api_token.expose().to_owned(),
                hook_secret: hook_secret.expose().to_owned(),
                client_secret: client_secret.as_ref().map(|s| s.expose().to_owned()),
            },
            IntegrationConfig::WooCommerce { webhook_secret } => Stored::WooCommerce {
                webhook_secret: webhook_secret.expose().to_owned(),
            },
            IntegrationConfig::Events { signing_secrets } => Stored::Events {
                signing_secrets: plain(signing_secrets),
            },
        }
    }
}

impl From<Stored> for IntegrationConfig {
    fn from(s: Stored) -> Self {
        let secrets = |v: Vec<String>| v.into_iter().map(Secret::new).collect();
        match s {
            Stored::Shopify { client_secrets } => IntegrationConfig::Shopify {
                client_secrets: secrets(client_secrets),
            },
            Stored::BigCommerce {
                store_hash,
                api_token,
                hook_secret,
                client_secret,
            } => IntegrationConfig::BigCommerce {
                store_hash,
                api_token: Secret::new(api_token),
                hook_secret: Secret::new(hook_secret),
                client_secret: client_secret.map(Secret::new),
            },
            Stored::WooCommerce { webhook_secret } => IntegrationConfig::WooCommerce {
                webhook_secret: Secret::new(webhook_secret),
            },
            Stored::Events { signing_secrets } => IntegrationConfig::Events {
                signing_secrets: secrets(signing_secrets),
            },
        }
    }
}

#[derive(Debug, Clone)]
pub struct Integration {
    pub endpoint_id: EndpointId,
    pub merchant_id: MerchantId,
    pub config: IntegrationConfig,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

type IntegrationRow = (String, String, String, i64, i64);

impl Store {
    /// Settings as stored: sealed for the merchant when the store has keys.
    fn seal(&self, settings: String, merchant_id: &MerchantId) -> String {
        match &self.keys {
            Some(keys) => keys.seal(&settings, merchant_id.as_str()),
            None => settings,
        }
    }

    fn open(&self, settings: &str, merchant_id: &str) -> StoreResult<Opened> {
        match &self.keys {
            Some(keys) => Ok(keys.open(settings, merchant_id)?),
            None if sealed::is_sealed(settings) => Err(sealed::WrongKey.into()),
            None => Ok(Opened {
                plain: settings.to_owned(),
                needs_resealing: false,
            }),
        }
    }

    fn integration_from_row(
        &self,
        (endpoint_id, merchant_id, settings, created_at, updated_at): IntegrationRow,
    ) -> StoreResult<Integration> {
        let settings = self.open(&settings, &merchant_id)?.plain;
        from_opened_row((endpoint_id, merchant_id, settings, created_at, updated_at))
    }

    /// Opens every integration's settings (start-up: a wrong key fails
    /// here, not at the first webhook) and seals again under the current
    /// key those stored before sealing or under the previous key. Returns
    /// how many were sealed again.
    pub async fn reseal_secrets(&self) -> StoreResult<usize> {
        let rows: Vec<(String, String, String)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT endpoint_id, merchant_id, settings FROM integrations")
                .fetch_all(pool)
                .await?
        });
        let mut resealed = 0;
        for (endpoint_id, merchant_id, settings) in rows {
            let opened = self.open(&settings, &merchant_id)?;
            if !opened.needs_resealing || self.keys.is_none() {
                continue;
            }
            let settings = self.seal(opened.plain, &MerchantId::from_string(merchant_id));
            with_pool!(self, pool => {
                sqlx::query("UPDATE integrations SET settings = $2 WHERE endpoint_id = $1")
                    .bind(&endpoint_id)
                    .bind(&settings)
                    .execute(pool)
                    .await?;
            });
            resealed += 1;
        }
        Ok(resealed)
    }
}

fn from_opened_row(
    (endpoint_id, merchant_id, settings, created_at, updated_at): IntegrationRow,
) -> StoreResult<Integration> {
    let stored: Stored = serde_json::from_str(&settings)
        .map_err(|e| StoreError::Corrupt(format!("integration {endpoint_id}: {e}")))?;
    Ok(Integration {
        endpoint_id: EndpointId::from_string(endpoint_id),
        merchant_id: MerchantId::from_string(merchant_id),
        config: stored.into(),
        created_at: from_millis(created_at)?,
        updated_at: from_millis(updated_at)?,
    })
}

impl Store {
    /// Creates or replaces the merchant's integration for the config's
    /// platform, keeping its endpoint id (and so its webhook URL).
    pub async fn put_integration(
        &self,
        merchant_id: &MerchantId,
        config: &IntegrationConfig,
        now: DateTime<Utc>,
    ) -> StoreResult<Integration> {
        let platform = config.platform().slug();
        let settings = serde_json::to_string(&Stored::from(config))
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let settings = self.seal(settings, merchant_id);
        let row: IntegrationRow = with_pool!(self, pool => {
            sqlx::query_as(
                "INSERT INTO integrations (endpoint_id, merchant_id, platform, settings, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $5)
                 ON CONFLICT (merchant_id, platform) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at
                 RETURNING endpoint_id, merchant_id, settings, created_at, updated_at",
            )
            .bind(EndpointId::generate().as_str())
            .bind(merchant_id.as_str())
            .bind(platform)
            .bind(settings)
            .bind(to_millis(now))
            .fetch_one(pool)
            .await?
        });
        self.integration_from_row(row)
    }

    pub async fn integration(
        &self,
        merchant_id: &MerchantId,
        platform: Platform,
    ) -> StoreResult<Option<Integration>> {
        let row: Option<IntegrationRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT endpoint_id, merchant_id, settings, created_at, updated_at FROM integrations
                 WHERE merchant_id = $1 AND platform = $2",
            )
            .bind(merchant_id.as_str())
            .bind(platform.slug())
            .fetch_optional(pool)
            .await?
        });
        row.map(|row| self.integration_from_row(row)).transpose()
    }

    pub async fn integrations(&self, merchant_id: &MerchantId) -> StoreResult<Vec<Integration>> {
        let rows: Vec<IntegrationRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT endpoint_id, merchant_id, settings, created_at, updated_at FROM integrations
                 WHERE merchant_id = $1 ORDER BY platform",
            )
            .bind(merchant_id.as_str())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|row| self.integration_from_row(row))
            .collect()
    }

    /// For webhook ingestion: the integration behind a webhook URL.
    pub async fn integration_by_endpoint(
        &self,
        platform: Platform,
        endpoint_id: &str,
    ) -> StoreResult<Option<Integration>> {
        let row: Option<IntegrationRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT endpoint_id, merchant_id, settings, created_at, updated_at FROM integrations
                 WHERE endpoint_id = $1 AND platform = $2",
            )
            .bind(endpoint_id)
            .bind(platform.slug())
            .fetch_optional(pool)
            .await?
        });
        row.map(|row| self.integration_from_row(row)).transpose()
    }
}

/// Where a platform posts a merchant's webhooks: `{origin}/webhooks/{platform}/{endpoint}`.
pub fn webhook_url(origin: &str, platform: &str, endpoint_id: &str) -> String {
    format!("{origin}/webhooks/{platform}/{endpoint_id}")
}

/// A new Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes.
pub fn generate_signing_secret() -> Secret {
    use base64::Engine;
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).expect("the OS random number generator is available");
    Secret::new(format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    ))
}
