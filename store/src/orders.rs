//! Orders and invoices as the merchant looks them up: found by number, id,
//! source or the customer's contacts among recent webhooks, and each one's
//! webhooks, messages and attempts for its timeline. Resends: a second job
//! for a message's transition (the outbox's unique key covers originals
//! only, `resend_of IS NULL`), counted for their limit.

use chrono::{DateTime, Utc};
use notify_core::delivery_log::{Attempt, DeliveryLogEntry};
use notify_core::order_timeline::{
    ChannelDecision, DecisionLine, DocumentSource, OrderSummary, WebhookEntry,
};
use notify_core::{Channel, EventOutcome, JobState, Trigger};

use crate::db::{Store, with_pool, with_writer};
use crate::delivery::{AttemptRow, JOB_COLUMNS, JobRow, attempt_from_row};
use crate::error::{StoreError, StoreResult};
use crate::ids::{JobId, MerchantId};
use crate::outbox::queue_seq;
use crate::time::{from_millis, to_millis};

/// What the search compares, each already in its stored form: an order or
/// invoice id or number (lower case, no `#`), a source slug, an email
/// (lower case); a phone number in E.164 when the text is one.
#[derive(Debug, Clone)]
pub struct OrderMatch {
    pub text: String,
    pub phone: Option<String>,
}

/// An order or invoice: its source and the platform's id.
#[derive(Debug, Clone, Copy)]
pub struct DocumentRef<'a> {
    pub source: DocumentSource,
    pub id: &'a str,
}

/// How a resend ended in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResendQueued {
    Queued(JobId),
    /// `max` resends in the window already.
    Limited,
    /// The message's contents were emptied after the retention period.
    Expired,
}

type SummaryRow = (String, String, Option<String>, i64, i64, Option<String>);
type WebhookRow = (
    String,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl Store {
    /// The merchant's orders and invoices with a webhook received since
    /// `since` (matching `query` when given), newest first.
    pub async fn search_orders(
        &self,
        merchant_id: &MerchantId,
        query: Option<&OrderMatch>,
        since: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<OrderSummary>> {
        let rows: Vec<SummaryRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT e.source, e.document_id, MAX(e.document_number), MAX(e.received_at) AS last_at, COUNT(*),
                        (SELECT t.trigger_key FROM inbound_events t
                         WHERE t.merchant_id = $1 AND t.source = e.source AND t.document_id = e.document_id
                         ORDER BY t.received_at DESC, t.id DESC LIMIT 1)
                 FROM inbound_events e
                 WHERE e.merchant_id = $1 AND e.received_at >= $2 AND e.document_id IS NOT NULL
                   AND ($3 IS NULL OR EXISTS (
                     SELECT 1 FROM inbound_events m
                     WHERE m.merchant_id = $1 AND m.source = e.source AND m.document_id = e.document_id AND m.received_at >= $2
                       AND (LOWER(m.document_id) = $3 OR LOWER(m.document_number) = $3 OR m.source = $3
                            OR m.customer_email = $3 OR m.customer_phone = $4)))
                 GROUP BY e.source, e.document_id
                 ORDER BY last_at DESC, e.source, e.document_id LIMIT $5",
            )
            .bind(merchant_id.as_str())
            .bind(to_millis(since))
            .bind(query.map(|q| q.text.as_str()))
            .bind(query.and_then(|q| q.phone.as_deref()))
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(
                |(source, document_id, number, last_at, webhooks, last_trigger)| {
                    Ok(OrderSummary {
                        source: DocumentSource::from_slug(&source).ok_or_else(|| {
                            StoreError::Corrupt(format!("event source {source:?}"))
                        })?,
                        document_id,
                        number,
                        last_trigger,
                        last_at: from_millis(last_at)?,
                        webhooks,
                    })
                },
            )
            .collect()
    }

    /// Every webhook processed for one of the merchant's orders, oldest
    /// first, with what was decided on each channel.
    pub async fn order_webhooks(
        &self,
        merchant_id: &MerchantId,
        document: DocumentRef<'_>,
    ) -> StoreResult<Vec<(WebhookEntry, Option<String>)>> {
        let rows: Vec<WebhookRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, received_at, platform, topic, trigger_key, outcome, jobs_created, detail, decisions, document_number
                 FROM inbound_events WHERE merchant_id = $1 AND source = $2 AND document_id = $3
                 ORDER BY received_at, id",
            )
            .bind(merchant_id.as_str())
            .bind(document.source.slug())
            .bind(document.id)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(webhook_entry).collect()
    }

    /// Every message of one of the merchant's orders (resends included),
    /// oldest first; recipients as stored.
    pub async fn order_messages(
        &self,
        merchant_id: &MerchantId,
        document: DocumentRef<'_>,
    ) -> StoreResult<Vec<DeliveryLogEntry>> {
        let rows: Vec<JobRow> = with_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {JOB_COLUMNS} FROM outbox_jobs
                 WHERE merchant_id = $1 AND source = $2 AND document_id = $3 ORDER BY created_at, id"
            )))
            .bind(merchant_id.as_str())
            .bind(document.source.slug())
            .bind(document.id)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(JobRow::entry).collect()
    }

    /// Every attempt to send any message of one of the merchant's orders,
    /// oldest first, with its message's id and channel.
    pub async fn order_attempts(
        &self,
        merchant_id: &MerchantId,
        document: DocumentRef<'_>,
    ) -> StoreResult<Vec<(String, Channel, Attempt)>> {
        type Row = (
            String,
            String,
            i64,
            i64,
            String,
            Option<String>,
            Option<String>,
            i64,
        );
        let rows: Vec<Row> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT a.job_id, j.channel, a.attempt, a.at, a.outcome, a.provider_id, a.error, a.duration_ms
                 FROM delivery_attempts a JOIN outbox_jobs j ON j.id = a.job_id
                 WHERE j.merchant_id = $1 AND j.source = $2 AND j.document_id = $3 ORDER BY a.at, a.attempt",
            )
            .bind(merchant_id.as_str())
            .bind(document.source.slug())
            .bind(document.id)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(
                |(job_id, channel, attempt, at, outcome, provider_id, error, took)| {
                    let channel = Channel::from_slug(&channel)
                        .ok_or_else(|| StoreError::Corrupt(format!("job {job_id}: channel")))?;
                    let row: AttemptRow = (attempt, at, outcome, provider_id, error, took);
                    Ok((job_id, channel, attempt_from_row(row)?))
                },
            )
            .collect()
    }

    /// Queues a new job for one of the merchant's messages, now, naming
    /// the message it resends and who asked; refused when the merchant has
    /// resent `max` messages since `since` (counted and written in one
    /// transaction, so requests sent together cannot all pass).
    pub async fn queue_resend(
        &self,
        merchant_id: &MerchantId,
        job: &JobId,
        actor: &str,
        max: i64,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<ResendQueued> {
        let id = JobId::generate();
        with_writer!(self, pool => {
            let mut tx = pool.begin().await?;
            // Take the write lock first (SQLite) so two requests cannot both pass.
            sqlx::query("UPDATE merchants SET settings_version = settings_version WHERE id = $1")
                .bind(merchant_id.as_str())
                .execute(&mut *tx)
                .await?;
            let used: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM outbox_jobs WHERE merchant_id = $1 AND resend_of IS NOT NULL AND created_at > $2",
            )
            .bind(merchant_id.as_str())
            .bind(to_millis(since))
            .fetch_one(&mut *tx)
            .await?;
            if used >= max {
                tx.rollback().await?;
                return Ok(ResendQueued::Limited);
            }
            let inserted = sqlx::query(
                "INSERT INTO outbox_jobs (id, merchant_id, inbound_event_id, source, document_id, status, channel, trigger_key,
                                          recipient, event, state, next_attempt_at, created_at, queue_seq, resend_of, resent_by)
                 SELECT $1, merchant_id, inbound_event_id, source, document_id, status, channel, trigger_key,
                        recipient, event, $2, $3, $3, $4, id, $5
                 FROM outbox_jobs WHERE merchant_id = $6 AND id = $7 AND event <> '{}'",
            )
            .bind(id.as_str())
            .bind(JobState::Pending.as_str())
            .bind(to_millis(now))
            .bind(queue_seq(now, 0))
            .bind(actor)
            .bind(merchant_id.as_str())
            .bind(job.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 0 {
                tx.rollback().await?;
                return Ok(ResendQueued::Expired);
            }
            tx.commit().await?;
        });
        Ok(ResendQueued::Queued(id))
    }

    /// The merchant's resends, newest first (who resent which message,
    /// when): the audit trail's part about messages.
    pub async fn recent_resends(
        &self,
        merchant_id: &MerchantId,
        limit: i64,
    ) -> StoreResult<Vec<DeliveryLogEntry>> {
        let rows: Vec<JobRow> = with_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {JOB_COLUMNS} FROM outbox_jobs
                 WHERE merchant_id = $1 AND resend_of IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT $2"
            )))
            .bind(merchant_id.as_str())
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(JobRow::entry).collect()
    }
}

/// A webhook row as the timeline shows it, and the order's number it read.
fn webhook_entry(
    (
        id,
        received_at,
        platform,
        topic,
        trigger_key,
        outcome,
        jobs_created,
        detail,
        decisions,
        number,
    ): WebhookRow,
) -> StoreResult<(WebhookEntry, Option<String>)> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("event {id}: {what}"));
    let outcome = outcome
        .map(|o| EventOutcome::parse(&o).ok_or_else(|| corrupt("outcome")))
        .transpose()?;
    let trigger = trigger_key.as_deref().and_then(Trigger::from_key);
    let decisions: Vec<ChannelDecision> = match &decisions {
        Some(json) => serde_json::from_str(json).map_err(|_| corrupt("decisions"))?,
        None => Vec::new(),
    };
    let decisions = match trigger {
        Some(trigger) => decisions
            .into_iter()
            .map(|d| DecisionLine::new(d, trigger))
            .collect(),
        None => Vec::new(),
    };
    let entry = WebhookEntry {
        at: from_millis(received_at)?,
        event_id: id,
        platform,
        topic,
        trigger: trigger_key,
        duplicate: outcome == Some(EventOutcome::JobsCreated) && jobs_created == 0,
        outcome,
        detail,
        decisions,
    };
    Ok((entry, number))
}
