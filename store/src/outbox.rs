//! Turning a decided event into outbox jobs, once: in one transaction the
//! order's newest snapshot time moves forward (an older snapshot is stale
//! and notifies nothing), and one job per delivery is inserted, unique on
//! (merchant, source, order or invoice, status, channel), so however many
//! webhooks report a transition, it notifies once.

use chrono::{DateTime, Utc};
use notify_core::order_timeline::ChannelDecision;
use notify_core::{Delivery, Document, EventState, JobState, TransactionEvent};

use crate::db::{Store, with_pool, with_writer};
use crate::delivery_queue::recipient_text;
use crate::error::{StoreError, StoreResult};
use crate::ids::{InboundEventId, JobId, MerchantId};
use crate::time::to_millis;

/// Where an order or invoice is kept: its source (or `invoice`) and its id.
fn document_key(event: &TransactionEvent) -> (&'static str, &str, &'static str) {
    match &event.document {
        Document::Order {
            source, id, status, ..
        } => (source.slug(), id.as_str(), status.slug()),
        Document::Invoice { id, status, .. } => ("invoice", id.as_str(), status.slug()),
    }
}

/// The merchant and the order or invoice a decision is about.
fn document_of<'a>(d: &'a Decided<'_>) -> (&'a str, &'static str, &'a str) {
    let (source, id, _) = document_key(d.event);
    (d.merchant_id.as_str(), source, id)
}

/// A processed webhook, as read for the what-if.
#[derive(Debug, Clone)]
pub struct ProcessedEvent {
    /// The paging cursor: received time (ms) and id.
    pub received_at: i64,
    pub id: String,
    pub event: TransactionEvent,
}

impl ProcessedEvent {
    pub fn cursor(&self) -> (i64, String) {
        (self.received_at, self.id.clone())
    }

    /// The order or invoice and status: one notification, however many
    /// webhooks reported it (the outbox's uniqueness).
    pub fn transition(&self) -> (&'static str, &str, &'static str) {
        document_key(&self.event)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// `new` jobs were created (0 when this transition had notified already).
    Jobs { new: usize },
    /// Nothing fires under the merchant's rules.
    NothingToSend,
    /// An older snapshot than one already processed.
    Stale,
}

/// A decided event, ready to become jobs.
#[derive(Debug, Clone, Copy)]
pub struct Decided<'a> {
    pub inbound_id: &'a InboundEventId,
    pub merchant_id: &'a MerchantId,
    pub event: &'a TransactionEvent,
    pub deliveries: &'a [Delivery],
    /// Why nothing is sent, when `deliveries` is empty.
    pub silent_detail: &'a str,
    /// What was decided on each channel (for the order's timeline).
    pub decisions: &'a [ChannelDecision],
    /// What the messages lack and why (a part of the order the platform
    /// did not give), added to the detail when messages are queued.
    pub lacks: &'a str,
}

/// Where a job stands in its recipient's queue: the batch's time, then
/// its event's place in the batch (the order the webhooks arrived in, not
/// the key order the rows are written in). Batches are far smaller than
/// 1,000 events.
pub(crate) fn queue_seq(now: DateTime<Utc>, index: usize) -> i64 {
    to_millis(now) * 1000 + index.min(999) as i64
}

impl Store {
    /// Applies decisions and marks their inbound events processed, all in
    /// one transaction (one disk flush for the whole batch).
    pub async fn apply_decisions(
        &self,
        items: &[Decided<'_>],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Applied>> {
        with_writer!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut results = vec![Applied::NothingToSend; items.len()];
            // In key order: concurrent batches (other replicas) lock the same
            // rows in the same order, so they queue instead of deadlocking.
            // The key is the order or invoice (not its status), and the sort
            // is stable: two updates of one order in a batch are applied in
            // the order they arrived, so Ready then Delivered both notify
            // (sorted by status, Delivered went first and Ready was stale).
            let mut ordered: Vec<(usize, &Decided<'_>)> = items.iter().enumerate().collect();
            ordered.sort_by(|(_, a), (_, b)| document_of(a).cmp(&document_of(b)));
            for (index, item) in ordered {
                let (source, document_id, status) = document_key(item.event);
                let event_json = serde_json::to_string(item.event).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let occurred = to_millis(item.event.occurred_at);
                // Move the newest-snapshot time forward (never back) and read it.
                let latest: i64 = sqlx::query_scalar(
                    "INSERT INTO documents (merchant_id, source, document_id, latest_at, latest_event) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (merchant_id, source, document_id) DO UPDATE SET
                       latest_event = CASE WHEN excluded.latest_at >= documents.latest_at THEN excluded.latest_event ELSE documents.latest_event END,
                       latest_at = CASE WHEN excluded.latest_at >= documents.latest_at THEN excluded.latest_at ELSE documents.latest_at END
                     RETURNING latest_at",
                )
                .bind(item.merchant_id.as_str())
                .bind(source)
                .bind(document_id)
                .bind(occurred)
                .bind(&event_json)
                .fetch_one(&mut *tx)
                .await?;
                let (applied, outcome, detail) = if latest > occurred {
                    (Applied::Stale, "stale", "a newer update of this order was already processed".to_owned())
                } else if item.deliveries.is_empty() {
                    (Applied::NothingToSend, "no_rule", item.silent_detail.to_owned())
                } else {
                    let mut new = 0;
                    for d in item.deliveries {
                        new += sqlx::query(
                            "INSERT INTO outbox_jobs (id, merchant_id, inbound_event_id, source, document_id, status, channel, trigger_key,
                                                      recipient, event, state, next_attempt_at, created_at, queue_seq)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $13, $11, $11, $12)
                             ON CONFLICT (merchant_id, source, document_id, status, channel) WHERE resend_of IS NULL DO NOTHING",
                        )
                        .bind(JobId::generate().as_str())
                        .bind(item.merchant_id.as_str())
                        .bind(item.inbound_id.as_str())
                        .bind(source)
                        .bind(document_id)
                        .bind(status)
                        .bind(d.channel().slug())
                        .bind(d.trigger.key())
                        .bind(recipient_text(&d.recipient))
                        .bind(&event_json)
                        .bind(to_millis(now))
                        .bind(queue_seq(now, index))
                        .bind(JobState::Pending.as_str())
                        .execute(&mut *tx)
                        .await?
                        .rows_affected() as usize;
                    }
                    let detail = match (new, item.lacks) {
                        (0, _) => "already notified for this status".to_owned(),
                        (_, "") => format!("{new} message(s) queued"),
                        (_, lacks) => format!("{new} message(s) queued, {lacks}"),
                    };
                    (Applied::Jobs { new }, "jobs_created", detail)
                };
                let jobs = match applied {
                    Applied::Jobs { new } => new as i64,
                    _ => 0,
                };
                // A stale snapshot decided nothing that counts.
                let decisions = match applied {
                    Applied::Stale => None,
                    _ => Some(serde_json::to_string(item.decisions).map_err(|e| StoreError::Corrupt(e.to_string()))?),
                };
                let customer = &item.event.customer;
                sqlx::query(
                    "UPDATE inbound_events SET state = $6, outcome = $2, detail = $3, jobs_created = $4, processed_at = $5, lease_until = NULL,
                       trigger_key = $7, event = $8, source = $9, document_id = $10, document_number = $11, decisions = $12,
                       customer_email = $13, customer_phone = $14
                     WHERE id = $1",
                )
                .bind(item.inbound_id.as_str())
                .bind(outcome)
                .bind(&detail)
                .bind(jobs)
                .bind(to_millis(now))
                .bind(EventState::Processed.as_str())
                .bind(item.event.trigger().key())
                .bind(&event_json)
                .bind(source)
                .bind(document_id)
                .bind(item.event.document.number().as_str())
                .bind(decisions)
                .bind(customer.email.as_ref().map(|e| e.as_str().to_lowercase()))
                .bind(customer.phone.as_ref().map(|p| p.as_e164()))
                .execute(&mut *tx)
                .await?;
                results[index] = applied;
            }
            tx.commit().await?;
            Ok(results)
        })
    }

    /// The merchant's most recent processed event for `trigger_key`
    /// received since `since` (within the retention window: the event is
    /// emptied with the webhook's body), as its messages would show it.
    pub async fn latest_event_for_trigger(
        &self,
        merchant_id: &MerchantId,
        trigger_key: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<Option<TransactionEvent>> {
        let row: Option<String> = with_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT event FROM inbound_events
                 WHERE merchant_id = $1 AND trigger_key = $2 AND received_at >= $3 AND event <> ''
                 ORDER BY received_at DESC LIMIT 1",
            )
            .bind(merchant_id.as_str())
            .bind(trigger_key)
            .bind(to_millis(since))
            .fetch_optional(pool)
            .await?
        });
        row.map(|json| {
            serde_json::from_str(&json)
                .map_err(|e| StoreError::Corrupt(format!("processed event: {e}")))
        })
        .transpose()
    }

    /// One page of the merchant's processed events received since `since`
    /// that were not stale (what they were read as), oldest first, after
    /// the `after` cursor (received time and id); for the settings page's
    /// what-if over the merchant's history.
    pub async fn processed_events_page(
        &self,
        merchant_id: &MerchantId,
        since: DateTime<Utc>,
        after: Option<(i64, String)>,
        limit: i64,
    ) -> StoreResult<Vec<ProcessedEvent>> {
        let (after_at, after_id) = after.unwrap_or((i64::MIN, String::new()));
        let rows: Vec<(i64, String, String)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT received_at, id, event FROM inbound_events
                 WHERE merchant_id = $1 AND received_at >= $2 AND event <> '' AND outcome IN ('jobs_created', 'no_rule')
                   AND (received_at > $3 OR (received_at = $3 AND id > $4))
                 ORDER BY received_at, id LIMIT $5",
            )
            .bind(merchant_id.as_str())
            .bind(to_millis(since))
            .bind(after_at)
            .bind(&after_id)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(received_at, id, json)| {
                let event = serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt(format!("processed event: {e}")))?;
                Ok(ProcessedEvent {
                    received_at,
                    id,
                    event,
                })
            })
            .collect()
    }

    /// The newest event seen for an order, to complete partial payloads.
    pub async fn latest_document_event(
        &self,
        merchant_id: &MerchantId,
        source: &str,
        document_id: &str,
    ) -> StoreResult<Option<TransactionEvent>> {
        let row: Option<String> = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT latest_event FROM documents WHERE merchant_id = $1 AND source = $2 AND document_id = $3")
                .bind(merchant_id.as_str())
                .bind(source)
                .bind(document_id)
                .fetch_optional(pool)
                .await?
        });
        row.map(|json| {
            serde_json::from_str(&json)
                .map_err(|e| StoreError::Corrupt(format!("document event: {e}")))
        })
        .transpose()
    }
}
