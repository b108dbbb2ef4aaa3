//! API keys for merchants who automate: shown once, stored hashed.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::{Store, with_pool, with_writer};
use crate::error::StoreResult;
use crate::ids::{ApiKeyId, MerchantId};
use crate::principal::{AuthMethod, Principal};
use crate::time::{from_millis, to_millis};
use crate::tokens::{random_token, token_hash};
use notify_core::secret::Secret;

pub const KEY_PREFIX: &str = "cnk_";

/// A key as listed: never the key itself.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyInfo {
    pub id: ApiKeyId,
    pub name: String,
    /// The last characters of the key, to tell keys apart.
    pub hint: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// Creates a key; the returned secret is the only time it is readable.
    pub async fn create_api_key(
        &self,
        merchant_id: &MerchantId,
        name: &str,
        created_by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<(ApiKeyInfo, Secret)> {
        let id = ApiKeyId::generate();
        let key = format!("{KEY_PREFIX}{}", random_token(32));
        let hint = format!("…{}", &key[key.len() - 4..]);
        with_writer!(self, pool => {
            sqlx::query(
                "INSERT INTO api_keys (id, merchant_id, name, key_hash, key_hint, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id.as_str())
            .bind(merchant_id.as_str())
            .bind(name)
            .bind(token_hash(&key))
            .bind(&hint)
            .bind(created_by)
            .bind(to_millis(now))
            .execute(pool)
            .await?;
        });
        let info = ApiKeyInfo {
            id,
            name: name.to_owned(),
            hint,
            created_by: created_by.to_owned(),
            created_at: from_millis(to_millis(now))?,
        };
        Ok((info, Secret::new(key)))
    }

    pub async fn api_keys(&self, merchant_id: &MerchantId) -> StoreResult<Vec<ApiKeyInfo>> {
        let rows: Vec<(String, String, String, String, i64)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, name, key_hint, created_by, created_at FROM api_keys
                 WHERE merchant_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id",
            )
            .bind(merchant_id.as_str())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(id, name, hint, created_by, created_at)| {
                Ok(ApiKeyInfo {
                    id: ApiKeyId::from_string(id),
                    name,
                    hint,
                    created_by,
                    created_at: from_millis(created_at)?,
                })
            })
            .collect()
    }

    /// Revokes one of this merchant's keys; false if it has no such key.
    pub async fn revoke_api_key(
        &self,
        merchant_id: &MerchantId,
        id: &ApiKeyId,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let n = with_writer!(self, pool => {
            sqlx::query("UPDATE api_keys SET revoked_at = $3 WHERE id = $1 AND merchant_id = $2 AND revoked_at IS NULL")
                .bind(id.as_str())
                .bind(merchant_id.as_str())
                .bind(to_millis(now))
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(n == 1)
    }

    /// Who this bearer key belongs to, if it is valid and not revoked.
    pub async fn api_key_principal(&self, key: &str) -> StoreResult<Option<Principal>> {
        if !key.starts_with(KEY_PREFIX) {
            return Ok(None);
        }
        let row: Option<(String, String, String)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT id, merchant_id, name FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
                .bind(token_hash(key))
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(id, merchant_id, name)| Principal {
            merchant_id: MerchantId::from_string(merchant_id),
            user_id: None,
            actor: format!("API key {name}"),
            method: AuthMethod::ApiKey(ApiKeyId::from_string(id)),
        }))
    }
}
