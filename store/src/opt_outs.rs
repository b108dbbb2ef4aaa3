//! SMS opt-outs per merchant and phone number: a STOP reply or the
//! provider's "unsubscribed" error records one; START removes it.

use chrono::{DateTime, Utc};

use crate::db::{Store, with_pool, with_writer};
use crate::error::StoreResult;
use crate::ids::MerchantId;
use crate::time::to_millis;

impl Store {
    pub async fn set_sms_opt_out(
        &self,
        merchant_id: &MerchantId,
        phone: &str,
        source: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        with_writer!(self, pool => {
            sqlx::query(
                "INSERT INTO sms_opt_outs (merchant_id, phone, source, opted_out_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (merchant_id, phone) DO NOTHING",
            )
            .bind(merchant_id.as_str())
            .bind(phone)
            .bind(source)
            .bind(to_millis(now))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    pub async fn clear_sms_opt_out(
        &self,
        merchant_id: &MerchantId,
        phone: &str,
    ) -> StoreResult<()> {
        with_writer!(self, pool => {
            sqlx::query("DELETE FROM sms_opt_outs WHERE merchant_id = $1 AND phone = $2")
                .bind(merchant_id.as_str())
                .bind(phone)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Every number that replied STOP to this merchant (E.164).
    pub async fn sms_opt_outs(&self, merchant_id: &MerchantId) -> StoreResult<Vec<String>> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar("SELECT phone FROM sms_opt_outs WHERE merchant_id = $1")
                .bind(merchant_id.as_str())
                .fetch_all(pool)
                .await?
        }))
    }

    pub async fn is_sms_opted_out(
        &self,
        merchant_id: &MerchantId,
        phone: &str,
    ) -> StoreResult<bool> {
        let n: i64 = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM sms_opt_outs WHERE merchant_id = $1 AND phone = $2")
                .bind(merchant_id.as_str())
                .bind(phone)
                .fetch_one(pool)
                .await?
        });
        Ok(n > 0)
    }

    /// The merchants that have texted this number, most recent first (a
    /// reply to a shared sending number belongs to them).
    pub async fn merchants_texting(&self, phone: &str) -> StoreResult<Vec<MerchantId>> {
        let rows: Vec<(String, i64)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT merchant_id, MAX(created_at) AS last FROM outbox_jobs WHERE channel = 'sms' AND recipient = $1
                 GROUP BY merchant_id ORDER BY last DESC",
            )
            .bind(phone)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(m, _)| MerchantId::from_string(m))
            .collect())
    }

    /// Records the provider's delivery status for the message it knows as
    /// `provider_id`; false when no message has that id.
    pub async fn set_delivery_status(
        &self,
        provider_id: &str,
        status: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let n = with_writer!(self, pool => {
            sqlx::query("UPDATE outbox_jobs SET delivery_status = $2, updated_at = $3 WHERE provider_id = $1")
                .bind(provider_id)
                .bind(status)
                .bind(to_millis(now))
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }
}
