//! Webhooks as received: stored once per platform delivery (de-duplicated
//! by the platform's key), claimed by a processor with a lease, and kept
//! with their processing outcome as the merchant's event log.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use notify_core::EventState;
use notify_core::order_timeline::DocumentSource;

use crate::cursor::Cursor;
use crate::db::{Backend, Db, Store, with_pool, with_writer};
use crate::error::{StoreError, StoreResult};
use crate::ids::{InboundEventId, MerchantId};
use crate::integrations::Platform;
use crate::time::{from_millis, to_millis};
use crate::write_gate::Writer;

#[derive(Debug, Clone)]
pub struct NewInboundEvent {
    pub merchant_id: MerchantId,
    pub platform: Platform,
    /// The platform's identity of this delivery (see PLATFORMS.md).
    pub dedupe_key: String,
    pub topic: String,
    pub delivery_id: Option<String>,
    /// The verified raw body.
    pub body: String,
    /// When the platform says it happened, where it says so in headers.
    pub triggered_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted {
    Stored(InboundEventId),
    /// Already stored earlier: nothing was written.
    Duplicate,
}

#[derive(Debug, Clone)]
pub struct ClaimedEvent {
    pub id: InboundEventId,
    pub merchant_id: MerchantId,
    pub platform: Platform,
    pub topic: String,
    pub body: String,
    pub triggered_at: Option<DateTime<Utc>>,
    /// Including this one.
    pub attempts: i64,
}

/// How processing ended (one list of names, in notify-core).
pub use notify_core::EventOutcome as Outcome;

/// One line of the merchant's event log.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventLogEntry {
    pub id: InboundEventId,
    pub platform: Platform,
    pub topic: String,
    pub delivery_id: Option<String>,
    pub received_at: DateTime<Utc>,
    pub state: EventState,
    pub outcome: Option<Outcome>,
    pub detail: Option<String>,
    pub jobs_created: i64,
    pub attempts: i64,
    pub processed_at: Option<DateTime<Utc>>,
    /// The order or invoice it was about, once processed (its timeline is
    /// `/orders/{source}/{document_id}`); `null` when not read as one.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "shopify"))]
    pub source: Option<DocumentSource>,
    pub document_id: Option<String>,
}

/// Due, unleased events ranked within their merchant (`turn`) and claimed
/// by rank, so merchants take turns: one merchant's flood does not hold up
/// another merchant's webhook. Only each merchant's `limit` oldest due
/// events are ranked (index `inbound_events_open`), so a claim costs the
/// same with 20 or 20,000 waiting. PostgreSQL reads them with a `LATERAL`
/// join, locks the chosen rows and skips rows other claimers hold, checking
/// the lease again on the locked row; SQLite, with one writer at a time,
/// needs neither (and has no `LATERAL`: a correlated `IN` does the same).
fn claim_events_sql(backend: Backend) -> sqlx::AssertSqlSafe<String> {
    const DUE: &str = concat!(
        "i.merchant_id = m.id AND i.state IN (",
        open_states!(),
        ") AND i.next_attempt_at <= $2 AND (i.lease_until IS NULL OR i.lease_until <= $2)
         ORDER BY i.next_attempt_at, i.received_at, i.id LIMIT $3"
    );
    let (oldest, recheck) = match backend {
        Backend::Sqlite => (
            format!(
                "SELECT e.id, e.merchant_id, e.next_attempt_at AS due, e.received_at AS received
                 FROM merchants m JOIN inbound_events e ON e.id IN (SELECT i.id FROM inbound_events i WHERE {DUE})"
            ),
            "",
        ),
        Backend::Postgres => (
            format!(
                "SELECT e.id, e.merchant_id, e.due, e.received FROM merchants m CROSS JOIN LATERAL (
                   SELECT i.id, i.merchant_id, i.next_attempt_at AS due, i.received_at AS received
                   FROM inbound_events i WHERE {DUE}) AS e"
            ),
            concat!(
                " AND state IN (",
                open_states!(),
                ") AND (lease_until IS NULL OR lease_until <= $2) FOR UPDATE SKIP LOCKED"
            ),
        ),
    };
    sqlx::AssertSqlSafe(format!(
        "UPDATE inbound_events SET lease_until = $1, attempts = attempts + 1
         WHERE id IN (
           SELECT id FROM inbound_events
           WHERE id IN (
             SELECT id FROM (
               SELECT id, due, received,
                      ROW_NUMBER() OVER (PARTITION BY merchant_id ORDER BY due, received, id) AS turn
               FROM ({oldest}) AS oldest
             ) AS ranked
             ORDER BY turn, due, received LIMIT $3){recheck})
         RETURNING id, merchant_id, platform, topic, body, triggered_at, attempts, received_at"
    ))
}

/// A batch of webhooks in one statement, inserted in the order given (key
/// order, see `in_key_order`); returns the ids of the rows it stored.
const INSERT_MANY_POSTGRES: &str = "INSERT INTO inbound_events (id, merchant_id, platform, dedupe_key, topic, delivery_id, body, triggered_at, received_at, state, next_attempt_at)
     SELECT id, merchant_id, platform, dedupe_key, topic, delivery_id, body, triggered_at, $9, $10, $9
     FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int8[])
       WITH ORDINALITY AS e(id, merchant_id, platform, dedupe_key, topic, delivery_id, body, triggered_at, n)
     ORDER BY n
     ON CONFLICT (merchant_id, platform, dedupe_key) DO NOTHING
     RETURNING id";

type ClaimRow = (
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    i64,
    i64,
);
type LogRow = (
    String,
    String,
    String,
    Option<String>,
    i64,
    String,
    Option<String>,
    Option<String>,
    i64,
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
);

/// The events with their positions, sorted by their unique key: every
/// transaction takes the key locks in the same order, so two replicas
/// storing overlapping batches wait for each other instead of deadlocking
/// (PostgreSQL would abort one of them).
fn in_key_order(events: &[NewInboundEvent]) -> Vec<(usize, &NewInboundEvent)> {
    let mut ordered: Vec<_> = events.iter().enumerate().collect();
    ordered.sort_by(|(_, a), (_, b)| {
        (a.merchant_id.as_str(), a.platform.slug(), &a.dedupe_key).cmp(&(
            b.merchant_id.as_str(),
            b.platform.slug(),
            &b.dedupe_key,
        ))
    });
    ordered
}

impl Store {
    /// Stores several webhooks in one transaction (one disk flush for all:
    /// group commit), in order; each result says stored or duplicate.
    pub async fn insert_inbound_events(
        &self,
        events: &[NewInboundEvent],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Inserted>> {
        let ordered = in_key_order(events);
        let ids: Vec<InboundEventId> = ordered.iter().map(|_| InboundEventId::generate()).collect();
        let stored: Vec<bool> = match &self.db {
            Db::Sqlite(pool) => {
                let _turn = self.sqlite_writes.turn(Writer::Receipt).await;
                let mut tx = pool.begin().await?;
                let mut stored = Vec::with_capacity(ids.len());
                for ((_, e), id) in ordered.iter().zip(&ids) {
                    let inserted = sqlx::query(
                        "INSERT INTO inbound_events (id, merchant_id, platform, dedupe_key, topic, delivery_id, body, received_at, triggered_at, state, next_attempt_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $8)
                         ON CONFLICT (merchant_id, platform, dedupe_key) DO NOTHING",
                    )
                    .bind(id.as_str())
                    .bind(e.merchant_id.as_str())
                    .bind(e.platform.slug())
                    .bind(&e.dedupe_key)
                    .bind(&e.topic)
                    .bind(e.delivery_id.as_deref())
                    .bind(&e.body)
                    .bind(to_millis(now))
                    .bind(e.triggered_at.map(to_millis))
                    .bind(EventState::Pending.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    stored.push(inserted == 1);
                }
                tx.commit().await?;
                stored
            }
            // One statement for the whole batch: one round trip and one
            // commit, where a row at a time cost a round trip each.
            Db::Postgres(pool) => {
                let column = |f: fn(&NewInboundEvent) -> &str| -> Vec<&str> {
                    ordered.iter().map(|(_, e)| f(e)).collect()
                };
                let returned: Vec<String> = sqlx::query_scalar(INSERT_MANY_POSTGRES)
                    .bind(ids.iter().map(InboundEventId::as_str).collect::<Vec<_>>())
                    .bind(column(|e| e.merchant_id.as_str()))
                    .bind(column(|e| e.platform.slug()))
                    .bind(column(|e| &e.dedupe_key))
                    .bind(column(|e| &e.topic))
                    .bind(
                        ordered
                            .iter()
                            .map(|(_, e)| e.delivery_id.as_deref())
                            .collect::<Vec<_>>(),
                    )
                    .bind(column(|e| &e.body))
                    .bind(
                        ordered
                            .iter()
                            .map(|(_, e)| e.triggered_at.map(to_millis))
                            .collect::<Vec<_>>(),
                    )
                    .bind(to_millis(now))
                    .bind(EventState::Pending.as_str())
                    .fetch_all(pool)
                    .await?;
                let returned: std::collections::HashSet<&str> =
                    returned.iter().map(String::as_str).collect();
                ids.iter()
                    .map(|id| returned.contains(id.as_str()))
                    .collect()
            }
        };
        let mut results = vec![Inserted::Duplicate; events.len()];
        for (((index, _), id), stored) in ordered.iter().zip(ids).zip(stored) {
            if stored {
                results[*index] = Inserted::Stored(id);
            }
        }
        Ok(results)
    }

    /// Takes up to `limit` of the oldest due events for `lease`; another
    /// processor may take them again only after the lease runs out (a
    /// crashed processor loses nothing). Merchants take turns; the claimed
    /// events come back in the order they arrived.
    pub async fn claim_inbound_events(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: i64,
    ) -> StoreResult<Vec<ClaimedEvent>> {
        let sql = claim_events_sql(self.backend());
        let mut rows: Vec<ClaimRow> = with_writer!(self, pool => {
            sqlx::query_as(sql).bind(to_millis(now + lease)).bind(to_millis(now)).bind(limit).fetch_all(pool).await?
        });
        rows.sort_by_key(|r| r.7);
        rows.into_iter()
            .map(
                |(id, merchant_id, platform, topic, body, triggered_at, attempts, _received_at)| {
                    Ok(ClaimedEvent {
                        platform: Platform::from_slug(&platform).ok_or_else(|| {
                            StoreError::Corrupt(format!("event {id}: platform {platform}"))
                        })?,
                        id: InboundEventId::from_string(id),
                        merchant_id: MerchantId::from_string(merchant_id),
                        topic,
                        body,
                        triggered_at: triggered_at.map(from_millis).transpose()?,
                        attempts,
                    })
                },
            )
            .collect()
    }

    /// Records a failed attempt: retried at `retry_at`, or failed for good.
    pub async fn fail_inbound_event(
        &self,
        id: &InboundEventId,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (state, next) = match retry_at {
            Some(at) => (EventState::Retrying, to_millis(at)),
            None => (EventState::Failed, to_millis(now)),
        };
        with_writer!(self, pool => {
            sqlx::query(
                "UPDATE inbound_events SET state = $2, outcome = 'failed', detail = $3, next_attempt_at = $4, lease_until = NULL,
                 processed_at = CASE WHEN $6 THEN $5 ELSE processed_at END WHERE id = $1",
            )
            .bind(id.as_str())
            .bind(state.as_str())
            .bind(error)
            .bind(next)
            .bind(to_millis(now))
            .bind(state == EventState::Failed)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Marks an event processed without jobs (no notification, for `outcome`).
    pub async fn finish_inbound_event(
        &self,
        id: &InboundEventId,
        outcome: Outcome,
        detail: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        with_writer!(self, pool => {
            sqlx::query(
                "UPDATE inbound_events SET state = $5, outcome = $2, detail = $3, processed_at = $4, lease_until = NULL WHERE id = $1",
            )
            .bind(id.as_str())
            .bind(outcome.as_str())
            .bind(detail)
            .bind(to_millis(now))
            .bind(EventState::Processed.as_str())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The merchant's event log, newest first; `before` pages backwards.
    pub async fn event_log(
        &self,
        merchant_id: &MerchantId,
        limit: i64,
        before: Option<&Cursor>,
    ) -> StoreResult<Vec<EventLogEntry>> {
        let start = Cursor::start();
        let before = before.unwrap_or(&start);
        let rows: Vec<LogRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, platform, topic, delivery_id, received_at, state, outcome, detail, jobs_created, attempts, processed_at, source, document_id
                 FROM inbound_events WHERE merchant_id = $1 AND (received_at < $2 OR (received_at = $2 AND $4 <> '' AND id < $4))
                 ORDER BY received_at DESC, id DESC LIMIT $3",
            )
            .bind(merchant_id.as_str())
            .bind(before.at_millis)
            .bind(limit)
            .bind(&before.id)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(log_entry).collect()
    }

    /// The newest webhook received for each of the merchant's platforms
    /// (one query; platforms with none are absent).
    pub async fn latest_event_by_platform(
        &self,
        merchant_id: &MerchantId,
    ) -> StoreResult<Vec<EventLogEntry>> {
        let rows: Vec<LogRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, platform, topic, delivery_id, received_at, state, outcome, detail, jobs_created, attempts, processed_at, source, document_id
                 FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY platform ORDER BY received_at DESC, id DESC) AS newest
                       FROM inbound_events WHERE merchant_id = $1) latest
                 WHERE newest = 1 ORDER BY platform",
            )
            .bind(merchant_id.as_str())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(log_entry).collect()
    }

    /// How many inbound events a merchant has (all states); for tests and
    /// the drills' "nothing stored" checks.
    pub async fn count_inbound_events(&self, merchant_id: &MerchantId) -> StoreResult<i64> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM inbound_events WHERE merchant_id = $1")
                .bind(merchant_id.as_str())
                .fetch_one(pool)
                .await?
        }))
    }
}

fn log_entry(
    (
        id,
        platform,
        topic,
        delivery_id,
        received_at,
        state,
        outcome,
        detail,
        jobs_created,
        attempts,
        processed_at,
        source,
        document_id,
    ): LogRow,
) -> StoreResult<EventLogEntry> {
    let state = EventState::parse(&state)
        .ok_or_else(|| StoreError::Corrupt(format!("event {id}: state {state:?}")))?;
    Ok(EventLogEntry {
        platform: Platform::from_slug(&platform)
            .ok_or_else(|| StoreError::Corrupt(format!("event {id}: platform")))?,
        id: InboundEventId::from_string(id),
        topic,
        delivery_id,
        received_at: from_millis(received_at)?,
        state,
        outcome: outcome.as_deref().and_then(Outcome::parse),
        detail,
        jobs_created,
        attempts,
        processed_at: processed_at.map(from_millis).transpose()?,
        source: source.as_deref().and_then(DocumentSource::from_slug),
        document_id,
    })
}

impl Store {
    /// How many webhooks of all merchants are in each processing state
    /// (`pending` and `retrying` are the queue; for metrics).
    pub async fn inbound_state_counts(&self) -> StoreResult<Vec<(EventState, i64)>> {
        let rows = with_pool!(self, pool => {
            sqlx::query_as("SELECT state, COUNT(*) FROM inbound_events GROUP BY state ORDER BY state")
                .fetch_all(pool)
                .await?
        });
        crate::sql_states::state_counts(rows, EventState::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The claim reads a few of each merchant's oldest open events through
    /// `inbound_events_open`; it does not rank every open event (the
    /// `inbound_events_due` range the earlier claim sorted: 45 ms per claim
    /// with 23,000 waiting, under the write lock).
    #[tokio::test]
    async fn a_claim_reads_each_merchants_oldest_not_every_open_event() {
        let details = crate::db::sqlite_query_plan(&claim_events_sql(Backend::Sqlite).0).await;
        assert!(
            details
                .iter()
                .any(|d| d.contains("USING INDEX inbound_events_open")),
            "{details:#?}"
        );
        assert!(
            !details
                .iter()
                .any(|d| d.contains("inbound_events_due") || d.starts_with("SCAN inbound_events")),
            "{details:#?}"
        );
    }
}
