//! Failed login attempts, counted per key (an account or an IP address)
//! in the database, so every server replica sees the same counts.

use chrono::{DateTime, Utc};

use crate::db::{Store, with_pool};
use crate::error::StoreResult;
use crate::time::to_millis;

impl Store {
    pub async fn record_login_failure(
        &self,
        keys: &[String],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        with_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for key in keys {
                sqlx::query("INSERT INTO login_failures (throttle_key, at) VALUES ($1, $2)")
                    .bind(key)
                    .bind(to_millis(now))
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn login_failures_since(&self, key: &str, since: DateTime<Utc>) -> StoreResult<i64> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE throttle_key = $1 AND at > $2")
                .bind(key)
                .bind(to_millis(since))
                .fetch_one(pool)
                .await?
        }))
    }

    /// Forgets an account's failures after a successful login, and old rows.
    pub async fn clear_login_failures(
        &self,
        key: &str,
        older_than: DateTime<Utc>,
    ) -> StoreResult<()> {
        with_pool!(self, pool => {
            sqlx::query("DELETE FROM login_failures WHERE throttle_key = $1 OR at <= $2")
                .bind(key)
                .bind(to_millis(older_than))
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}
