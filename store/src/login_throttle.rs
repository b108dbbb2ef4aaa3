//! Attempts counted against limits per key (an account, a client IP), in
//! the database, so every server replica sees the same counts. An attempt
//! is counted *before* the slow part (hashing a password), atomically with
//! the check, so concurrent attempts cannot all slip under a limit.

use chrono::{DateTime, Utc};

use crate::db::{Backend, Store, with_pool, with_writer};
use crate::error::StoreResult;
use crate::time::to_millis;
use crate::tokens::random_token;

/// At most `max` attempts under `key` in the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    pub key: String,
    pub max: i64,
}

/// An attempt that was counted, to take back if it turns out not to count.
#[derive(Debug)]
pub struct CountedAttempt(String);

/// PostgreSQL: one transaction-scoped lock per key serialises the attempts
/// on that key. SQLite: `BEGIN IMMEDIATE` takes the single write lock first.
const PG_LOCK_KEY: &str = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";

impl Store {
    /// Counts one attempt against every limit, unless one of them already
    /// has `max` attempts since `since`: then nothing is counted and `None`
    /// comes back. Check and count are one step for concurrent callers.
    pub async fn count_attempt(
        &self,
        limits: &[Limit],
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<CountedAttempt>> {
        let mut keys: Vec<&str> = limits.iter().map(|l| l.key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        let (begin, lock) = match self.backend() {
            Backend::Sqlite => ("BEGIN IMMEDIATE", None),
            Backend::Postgres => ("BEGIN", Some(PG_LOCK_KEY)),
        };
        let attempt = CountedAttempt(random_token(12));
        Ok(with_writer!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            if let Some(lock) = lock {
                // In key order, so two attempts never wait on each other.
                for key in &keys {
                    sqlx::query(lock).bind(*key).execute(&mut *tx).await?;
                }
            }
            let mut admitted = true;
            for limit in limits {
                let count: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM login_failures WHERE throttle_key = $1 AND at > $2",
                )
                .bind(&limit.key)
                .bind(to_millis(since))
                .fetch_one(&mut *tx)
                .await?;
                admitted &= count < limit.max;
            }
            if admitted {
                for key in &keys {
                    sqlx::query(
                        "INSERT INTO login_failures (throttle_key, at, attempt) VALUES ($1, $2, $3)",
                    )
                    .bind(*key)
                    .bind(to_millis(now))
                    .bind(&attempt.0)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.commit().await?;
            admitted.then_some(attempt)
        }))
    }

    /// Takes back an attempt that turned out not to count, under every key.
    pub async fn uncount_attempt(&self, attempt: &CountedAttempt) -> StoreResult<()> {
        with_writer!(self, pool => {
            sqlx::query("DELETE FROM login_failures WHERE attempt = $1")
                .bind(&attempt.0)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Attempts counted under `key` since `since`.
    pub async fn attempts_since(&self, key: &str, since: DateTime<Utc>) -> StoreResult<i64> {
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
        with_writer!(self, pool => {
            sqlx::query("DELETE FROM login_failures WHERE throttle_key = $1 OR at <= $2")
                .bind(key)
                .bind(to_millis(older_than))
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}
