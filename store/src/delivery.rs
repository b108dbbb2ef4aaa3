//! Sending the outbox: jobs are claimed with a lease (claim and commit,
//! then send — never a transaction open across a network call), every
//! attempt is recorded, and each job ends sent, failed (permanent) or dead
//! (retries used up). The delivery log is read from here.

use chrono::{DateTime, Utc};
pub use notify_core::delivery_log::{Attempt, DeliveryLogEntry};
use notify_core::{AttemptOutcome, Channel, JobState, Trigger};

use crate::cursor::Cursor;
use crate::db::{Store, with_pool, with_writer};
use crate::error::{StoreError, StoreResult};
use crate::ids::{JobId, MerchantId};
use crate::time::{from_millis, to_millis};

#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    pub state: Option<JobState>,
    pub channel: Option<Channel>,
    pub source: Option<String>,
    /// One message only.
    pub job: Option<JobId>,
}

pub(crate) type AttemptRow = (i64, i64, String, Option<String>, Option<String>, i64);

pub(crate) fn attempt_from_row(
    (attempt, at, outcome, provider_id, error, duration_ms): AttemptRow,
) -> StoreResult<Attempt> {
    Ok(Attempt {
        attempt,
        at: from_millis(at)?,
        outcome: AttemptOutcome::parse(&outcome)
            .ok_or_else(|| StoreError::Corrupt(format!("attempt outcome {outcome:?}")))?,
        provider_id,
        error,
        duration_ms,
    })
}

/// The columns of [`JobRow`], for a SELECT of `outbox_jobs`.
pub(crate) const JOB_COLUMNS: &str =
    "id, trigger_key, source, document_id, status, channel, recipient, state, attempts, last_error,
     provider_id, created_at, sent_at, updated_at, delivery_status, resend_of, resent_by";

/// One message as stored.
#[derive(sqlx::FromRow)]
pub(crate) struct JobRow {
    id: String,
    trigger_key: String,
    source: String,
    document_id: String,
    status: String,
    channel: String,
    recipient: String,
    state: String,
    attempts: i64,
    last_error: Option<String>,
    provider_id: Option<String>,
    created_at: i64,
    sent_at: Option<i64>,
    updated_at: Option<i64>,
    delivery_status: Option<String>,
    resend_of: Option<String>,
    resent_by: Option<String>,
}

impl JobRow {
    pub(crate) fn entry(self) -> StoreResult<DeliveryLogEntry> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("job {}: {what}", self.id));
        Ok(DeliveryLogEntry {
            trigger: Trigger::from_key(&self.trigger_key).ok_or_else(|| corrupt("trigger"))?,
            channel: Channel::from_slug(&self.channel).ok_or_else(|| corrupt("channel"))?,
            state: JobState::parse(&self.state).ok_or_else(|| corrupt("state"))?,
            created_at: from_millis(self.created_at)?,
            sent_at: self.sent_at.map(from_millis).transpose()?,
            updated_at: self.updated_at.map(from_millis).transpose()?,
            id: self.id,
            recipient: self.recipient,
            source: self.source,
            document_id: self.document_id,
            status: self.status,
            attempts: self.attempts,
            last_error: self.last_error,
            provider_id: self.provider_id,
            delivery_status: self.delivery_status,
            resend_of: self.resend_of,
            resent_by: self.resent_by,
        })
    }
}

impl Store {
    /// The merchant's messages, newest first, filtered; `before` pages back.
    pub async fn delivery_log(
        &self,
        merchant_id: &MerchantId,
        filter: &DeliveryFilter,
        limit: i64,
        before: Option<&Cursor>,
    ) -> StoreResult<Vec<DeliveryLogEntry>> {
        let start = Cursor::start();
        let before = before.unwrap_or(&start);
        let rows: Vec<JobRow> = with_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {JOB_COLUMNS}
                 FROM outbox_jobs
                 WHERE merchant_id = $1 AND (created_at < $2 OR (created_at = $2 AND $7 <> '' AND id < $7))
                   AND ($3 IS NULL OR state = $3) AND ($4 IS NULL OR channel = $4) AND ($5 IS NULL OR source = $5)
                   AND ($8 IS NULL OR id = $8)
                 ORDER BY created_at DESC, id DESC LIMIT $6",
            )))
            .bind(merchant_id.as_str())
            .bind(before.at_millis)
            .bind(filter.state.map(JobState::as_str))
            .bind(filter.channel.map(Channel::slug))
            .bind(filter.source.as_deref())
            .bind(limit)
            .bind(&before.id)
            .bind(filter.job.as_ref().map(JobId::as_str))
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(JobRow::entry).collect()
    }

    /// One of this merchant's messages.
    pub async fn delivery_entry(
        &self,
        merchant_id: &MerchantId,
        job_id: &JobId,
    ) -> StoreResult<Option<DeliveryLogEntry>> {
        let filter = DeliveryFilter {
            job: Some(job_id.clone()),
            ..DeliveryFilter::default()
        };
        Ok(self
            .delivery_log(merchant_id, &filter, 1, None)
            .await?
            .into_iter()
            .next())
    }

    /// Every attempt of one of this merchant's jobs, oldest first.
    pub async fn delivery_attempts(
        &self,
        merchant_id: &MerchantId,
        job_id: &JobId,
    ) -> StoreResult<Vec<Attempt>> {
        let rows: Vec<AttemptRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT a.attempt, a.at, a.outcome, a.provider_id, a.error, a.duration_ms FROM delivery_attempts a
                 JOIN outbox_jobs j ON j.id = a.job_id WHERE j.merchant_id = $1 AND a.job_id = $2 ORDER BY a.attempt, a.at",
            )
            .bind(merchant_id.as_str())
            .bind(job_id.as_str())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(attempt_from_row).collect()
    }
}

impl Store {
    /// How many of the merchant's jobs are in each state.
    pub async fn job_state_counts(
        &self,
        merchant_id: &MerchantId,
    ) -> StoreResult<Vec<(JobState, i64)>> {
        let rows = with_pool!(self, pool => {
            sqlx::query_as("SELECT state, COUNT(*) FROM outbox_jobs WHERE merchant_id = $1 GROUP BY state ORDER BY state")
                .bind(merchant_id.as_str())
                .fetch_all(pool)
                .await?
        });
        crate::sql_states::state_counts(rows, JobState::parse)
    }
}

impl Store {
    /// How many jobs of all merchants are in each state (for metrics).
    pub async fn all_job_state_counts(&self) -> StoreResult<Vec<(JobState, i64)>> {
        let rows = with_pool!(self, pool => {
            sqlx::query_as("SELECT state, COUNT(*) FROM outbox_jobs GROUP BY state ORDER BY state")
                .fetch_all(pool)
                .await?
        });
        crate::sql_states::state_counts(rows, JobState::parse)
    }
}

impl Store {
    /// Records a test send and says whether the merchant is within its
    /// limit (`max` in the `since` window), in one statement each.
    pub async fn allow_test_send(
        &self,
        merchant_id: &MerchantId,
        channel: Channel,
        max: i64,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        with_writer!(self, pool => {
            let mut tx = pool.begin().await?;
            // Take the write lock first (SQLite) so two requests cannot both pass.
            sqlx::query("UPDATE merchants SET settings_version = settings_version WHERE id = $1")
                .bind(merchant_id.as_str())
                .execute(&mut *tx)
                .await?;
            let used: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM test_sends WHERE merchant_id = $1 AND at > $2")
                .bind(merchant_id.as_str())
                .bind(to_millis(since))
                .fetch_one(&mut *tx)
                .await?;
            if used >= max {
                tx.rollback().await?;
                return Ok(false);
            }
            sqlx::query("INSERT INTO test_sends (merchant_id, channel, at) VALUES ($1, $2, $3)")
                .bind(merchant_id.as_str())
                .bind(channel.slug())
                .bind(to_millis(now))
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(true)
        })
    }
}
