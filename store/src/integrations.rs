//! One webhook endpoint per merchant and platform, with its settings
//! (sealed at rest). The endpoint id in the URL is unguessable; what the
//! settings are and how they are validated and masked is the platform's
//! (`notify_ingest::settings`).

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
pub use notify_ingest::Platform;
pub use notify_ingest::settings::IntegrationConfig;

use crate::db::{Store, with_pool, with_writer};
use crate::error::{StoreError, StoreResult};
use crate::ids::{EndpointId, MerchantId};
use crate::sealed::{self, Opened};
use crate::time::{from_millis, to_millis};

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
            with_writer!(self, pool => {
                sqlx::query("UPDATE integrations SET settings = $2 WHERE endpoint_id = $1")
                    .bind(&endpoint_id)
                    .bind(&settings)
                    .execute(pool)
                    .await?;
            });
            resealed += 1;
        }
        self.integration_cache.clear();
        Ok(resealed)
    }
}

fn from_opened_row(
    (endpoint_id, merchant_id, settings, created_at, updated_at): IntegrationRow,
) -> StoreResult<Integration> {
    let config = IntegrationConfig::from_stored(&settings)
        .map_err(|e| StoreError::Corrupt(format!("integration {endpoint_id}: {e}")))?;
    Ok(Integration {
        endpoint_id: EndpointId::from_string(endpoint_id),
        merchant_id: MerchantId::from_string(merchant_id),
        config,
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
        let settings = self.seal(config.stored().to_string(), merchant_id);
        let row: IntegrationRow = with_writer!(self, pool => {
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
        self.integration_cache.forget(&row.0);
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

    /// For webhook ingestion: the integration behind a webhook URL, as
    /// read for an earlier webhook less than [`crate::INTEGRATION_CACHE_TTL`]
    /// ago (saved through this store: dropped at once), else read now.
    /// `true` with it when it came from memory.
    pub async fn cached_integration_by_endpoint(
        &self,
        platform: Platform,
        endpoint_id: &str,
    ) -> StoreResult<Option<(Arc<Integration>, bool)>> {
        if let Some(cached) = self
            .integration_cache
            .get(platform, endpoint_id, Instant::now())
        {
            return Ok(Some((cached, true)));
        }
        Ok(self
            .fresh_integration_by_endpoint(platform, endpoint_id)
            .await?
            .map(|integration| (integration, false)))
    }

    /// The integration behind a webhook URL as stored now (and kept for the
    /// next webhooks): for a request its cached settings refused, in case
    /// another replica has just saved new ones.
    pub async fn fresh_integration_by_endpoint(
        &self,
        platform: Platform,
        endpoint_id: &str,
    ) -> StoreResult<Option<Arc<Integration>>> {
        let generation = self.integration_cache.generation();
        let read_at = Instant::now();
        let Some(integration) = self.integration_by_endpoint(platform, endpoint_id).await? else {
            self.integration_cache.remove(endpoint_id);
            return Ok(None);
        };
        let integration = Arc::new(integration);
        self.integration_cache
            .put(generation, platform, integration.clone(), read_at);
        Ok(Some(integration))
    }

    /// The integration behind a webhook URL, read now (not cached).
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
