//! The worker's side of the outbox: claiming due jobs with a lease that
//! names its holder, renewing it while sends are in flight, and recording
//! outcomes in groups (one transaction for many messages). Never a
//! transaction open across a network call.
//!
//! What a claim guarantees:
//! - **Merchants take turns**: due jobs are ranked within their merchant
//!   and claimed by rank, so one merchant's backlog does not hold up
//!   another merchant's single message.
//! - **Per-recipient order**: a job is claimed only when no earlier job
//!   (in queue order) for the same merchant, channel and recipient is still
//!   pending or retrying. So two messages to one customer on one channel
//!   are never in flight together, and a later status of an order never
//!   goes before an earlier one that is still waiting or retrying.
//! - **One holder**: a job is claimed only when its lease has run out; the
//!   holder's token is stored with it, and only the holder can renew,
//!   release, postpone or record it.

use chrono::{DateTime, Duration, Utc};
use notify_core::{
    AttemptOutcome, Channel, EmailAddress, JobState, PhoneNumber, Recipient, TransactionEvent,
};

use crate::db::{Db, Store, with_writer};
use crate::error::{StoreError, StoreResult};
use crate::ids::{InboundEventId, JobId, MerchantId};
use crate::time::to_millis;
use crate::tokens::random_token;
use crate::write_gate::Writer;

/// Names the holder of a set of leases (one per worker lane and process).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LeaseHolder(String);

impl LeaseHolder {
    pub fn generate() -> Self {
        LeaseHolder(format!("lh_{}", random_token(12)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub id: JobId,
    pub merchant_id: MerchantId,
    /// The stored webhook the message came from.
    pub event_id: InboundEventId,
    pub recipient: Recipient,
    pub event: TransactionEvent,
    /// Including this one.
    pub attempts: i64,
    /// Who holds the lease (only the holder may record the outcome).
    pub holder: LeaseHolder,
}

impl ClaimedJob {
    pub fn channel(&self) -> Channel {
        self.recipient.channel()
    }

    /// The address or E.164 number, as stored.
    pub fn recipient_text(&self) -> &str {
        recipient_text(&self.recipient)
    }
}

pub(crate) fn recipient_text(r: &Recipient) -> &str {
    match r {
        Recipient::Email(e) => e.as_str(),
        Recipient::Sms(p) => p.as_e164(),
    }
}

fn parse_recipient(channel: Channel, raw: &str) -> Option<Recipient> {
    match channel {
        Channel::Email => EmailAddress::parse(raw).ok().map(Recipient::Email),
        Channel::Sms => PhoneNumber::parse_e164(raw).ok().map(Recipient::Sms),
    }
}

/// How one attempt ended, and what becomes of the job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptResult {
    Sent {
        provider_id: Option<String>,
    },
    /// Try again at `retry_at`.
    Retry {
        error: String,
        retry_at: DateTime<Utc>,
    },
    /// Will not succeed by retrying (invalid address, opted out, ...).
    Failed {
        error: String,
    },
    /// Transient, but the retries are used up.
    Dead {
        error: String,
    },
}

impl AttemptResult {
    /// The attempt's outcome as stored in the delivery log.
    pub fn outcome(&self) -> AttemptOutcome {
        match self {
            AttemptResult::Sent { .. } => AttemptOutcome::Sent,
            AttemptResult::Retry { .. } | AttemptResult::Dead { .. } => AttemptOutcome::Transient,
            AttemptResult::Failed { .. } => AttemptOutcome::Permanent,
        }
    }

    /// The job's state after this attempt.
    pub fn job_state(&self) -> JobState {
        match self {
            AttemptResult::Sent { .. } => JobState::Sent,
            AttemptResult::Retry { .. } => JobState::Retrying,
            AttemptResult::Failed { .. } => JobState::Failed,
            AttemptResult::Dead { .. } => JobState::Dead,
        }
    }

    fn provider_id(&self) -> Option<&str> {
        match self {
            AttemptResult::Sent { provider_id } => provider_id.as_deref(),
            _ => None,
        }
    }

    fn error(&self) -> Option<&str> {
        match self {
            AttemptResult::Sent { .. } => None,
            AttemptResult::Retry { error, .. }
            | AttemptResult::Failed { error }
            | AttemptResult::Dead { error } => Some(error),
        }
    }
}

/// One finished attempt, to record.
#[derive(Debug, Clone)]
pub struct FinishedAttempt {
    pub job: ClaimedJob,
    pub result: AttemptResult,
    pub duration: std::time::Duration,
    pub at: DateTime<Utc>,
}

/// Due, unleased jobs on one channel that are first in line for their
/// recipient (`place` 1 among the recipient's open jobs, in queue order),
/// ranked within their merchant (`turn`), the first `$3` by rank. Two window
/// sorts over the channel's open jobs: no correlated subquery, so the cost
/// does not hang on the planner's row estimates (PostgreSQL planned the
/// earlier `NOT EXISTS` form as a nested loop on fresh tables: ~20 claims a
/// second at 2,000 open jobs).
macro_rules! ranked_jobs {
    () => {
        concat!("SELECT id FROM (
       SELECT id, due, seq, ROW_NUMBER() OVER (PARTITION BY merchant_id ORDER BY due, seq, id) AS turn
       FROM (
         SELECT id, merchant_id, next_attempt_at AS due, queue_seq AS seq, lease_until,
                ROW_NUMBER() OVER (PARTITION BY merchant_id, recipient ORDER BY queue_seq, id) AS place
         FROM outbox_jobs
         WHERE channel = $5 AND state IN (", open_states!(), ")
       ) AS open_jobs
       WHERE place = 1 AND due <= $2 AND (lease_until IS NULL OR lease_until <= $2)
     ) AS ranked
     ORDER BY turn, due, seq LIMIT $3")
    };
}

/// What a claim returns of each job.
macro_rules! claimed_columns {
    () => {
        "id, merchant_id, inbound_event_id, recipient, event, attempts, queue_seq"
    };
}

/// SQLite's ranking of the same jobs (same order, same `$n`), reading only
/// a few of each merchant's oldest due jobs (index `outbox_jobs_open_due`,
/// migration 0013)
/// and asking of each whether an earlier open job of its recipient waits
/// (`outbox_jobs_open_line`). With 23,000 open jobs it took 0.1 to 17 ms
/// where the two window sorts took 80 to 230 ms. PostgreSQL keeps the
/// window form (see [`ranked_jobs`]).
const FIRST_IN_LINE_SQLITE: &str = concat!("SELECT id FROM (
       SELECT id, due, seq, ROW_NUMBER() OVER (PARTITION BY merchant_id ORDER BY due, seq, id) AS turn
       FROM (
         SELECT j.id, j.merchant_id, j.next_attempt_at AS due, j.queue_seq AS seq
         FROM merchants m JOIN outbox_jobs j ON j.id IN (
           SELECT c.id FROM outbox_jobs c
           WHERE c.merchant_id = m.id AND c.channel = $5 AND c.state IN (", open_states!(), ")
             AND c.next_attempt_at <= $2 AND (c.lease_until IS NULL OR c.lease_until <= $2)
             AND NOT EXISTS (
               SELECT 1 FROM outbox_jobs o
               WHERE o.merchant_id = c.merchant_id AND o.channel = c.channel AND o.recipient = c.recipient
                 AND o.state IN (", open_states!(), ")
                 AND o.queue_seq <= c.queue_seq AND (o.queue_seq < c.queue_seq OR o.id < c.id))
           ORDER BY c.next_attempt_at, c.queue_seq, c.id LIMIT $3)
       ) AS first_in_line
     ) AS ranked
     ORDER BY turn, due, seq LIMIT $3");

/// Leases the jobs `$4` names (a JSON array of ids) that are still open
/// and unleased: `$1` the lease's end, `$2` now, `$3` the holder.
const LEASE_CHOSEN: &str = concat!(
    "UPDATE outbox_jobs SET lease_until = $1, lease_token = $3, attempts = attempts + 1
     WHERE id IN (SELECT value FROM json_each($4))
       AND state IN (",
    open_states!(),
    ") AND (lease_until IS NULL OR lease_until <= $2)
     RETURNING ",
    claimed_columns!()
);

/// The ranked jobs leased in one statement on PostgreSQL, which locks the
/// chosen rows, skips rows other claimers hold and checks the lease again
/// on the locked row.
const CLAIM_POSTGRES: &str = concat!(
    "UPDATE outbox_jobs SET lease_until = $1, lease_token = $4, attempts = attempts + 1
     WHERE id IN (
       SELECT id FROM outbox_jobs
       WHERE id IN (",
    ranked_jobs!(),
    ")
       AND state IN (",
    open_states!(),
    ") AND (lease_until IS NULL OR lease_until <= $2) FOR UPDATE SKIP LOCKED)
     RETURNING ",
    claimed_columns!()
);

type ClaimRow = (String, String, String, String, String, i64, i64);

/// The most attempts one pair of statements records (8 values each, well
/// under both backends' limit on bound values).
const RECORD_GROUP: usize = 512;

/// `($1, $2, ...), ($9, ...)`: `rows` rows of `columns` numbered values;
/// `casts` gives some columns (0-based) a type.
fn placeholders(rows: usize, columns: usize, casts: &[(usize, &str)]) -> String {
    (0..rows)
        .map(|row| {
            let values: Vec<String> = (0..columns)
                .map(|col| {
                    let n = row * columns + col + 1;
                    match casts.iter().find(|(c, _)| *c == col) {
                        Some((_, ty)) => format!("CAST(${n} AS {ty})"),
                        None => format!("${n}"),
                    }
                })
                .collect();
            format!("({})", values.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Takes up to `limit` due jobs on `channel` for `lease`, held by
    /// `holder` (committed before any send), in queue order.
    pub async fn claim_jobs(
        &self,
        channel: Channel,
        holder: &LeaseHolder,
        now: DateTime<Utc>,
        lease: Duration,
        limit: i64,
    ) -> StoreResult<Vec<ClaimedJob>> {
        let mut rows: Vec<ClaimRow> = match &self.db {
            // The ranking is a read beside the writer; only the lease of
            // the chosen jobs waits for the write turn. A job another claimer leased in between
            // fails the lease's own check and is left out.
            Db::Sqlite(pool) => {
                let chosen: Vec<String> = sqlx::query_scalar(FIRST_IN_LINE_SQLITE)
                    .bind(to_millis(now + lease))
                    .bind(to_millis(now))
                    .bind(limit)
                    .bind(holder.as_str())
                    .bind(channel.slug())
                    .fetch_all(pool)
                    .await?;
                if chosen.is_empty() {
                    return Ok(Vec::new());
                }
                let chosen = serde_json::to_string(&chosen).expect("strings serialise");
                let _turn = self.sqlite_writes.turn(Writer::Other).await;
                sqlx::query_as(LEASE_CHOSEN)
                    .bind(to_millis(now + lease))
                    .bind(to_millis(now))
                    .bind(holder.as_str())
                    .bind(chosen)
                    .fetch_all(pool)
                    .await?
            }
            Db::Postgres(pool) => {
                sqlx::query_as(CLAIM_POSTGRES)
                    .bind(to_millis(now + lease))
                    .bind(to_millis(now))
                    .bind(limit)
                    .bind(holder.as_str())
                    .bind(channel.slug())
                    .fetch_all(pool)
                    .await?
            }
        };
        rows.sort_by_key(|r| r.6);
        rows.into_iter()
            .map(
                |(id, merchant_id, event_id, recipient, event, attempts, _)| {
                    Ok(ClaimedJob {
                        // The error is logged: it does not quote the recipient.
                        recipient: parse_recipient(channel, &recipient).ok_or_else(|| {
                            StoreError::Corrupt(format!(
                                "job {id}: a recipient that does not parse"
                            ))
                        })?,
                        event: serde_json::from_str(&event)
                            .map_err(|e| StoreError::Corrupt(format!("job {id}: {e}")))?,
                        id: JobId::from_string(id),
                        merchant_id: MerchantId::from_string(merchant_id),
                        event_id: InboundEventId::from_string(event_id),
                        attempts,
                        holder: holder.clone(),
                    })
                },
            )
            .collect()
    }

    /// Extends every lease `holder` still has to `until`; how many.
    pub async fn renew_leases(
        &self,
        holder: &LeaseHolder,
        until: DateTime<Utc>,
    ) -> StoreResult<u64> {
        Ok(with_writer!(self, pool => {
            sqlx::query(
                concat!("UPDATE outbox_jobs SET lease_until = $1 WHERE lease_token = $2 AND state IN (", open_states!(), ")"),
            )
            .bind(to_millis(until))
            .bind(holder.as_str())
            .execute(pool)
            .await?
            .rows_affected()
        }))
    }

    /// Records attempts and their jobs' new states, all in one transaction
    /// of two statements (one disk flush and a few round trips for the
    /// whole group, so the window in which a crash loses a record stays
    /// short at any rate). A job whose lease its holder no longer has keeps
    /// the state its new holder gives it; the attempt is still recorded.
    /// Returns how many such jobs there were.
    pub async fn record_attempts(&self, attempts: &[FinishedAttempt]) -> StoreResult<usize> {
        let mut recorded = 0;
        for group in attempts.chunks(RECORD_GROUP) {
            recorded += self.record_group(group).await?;
        }
        Ok(attempts.len() - recorded)
    }

    /// How many jobs of `group` were updated (held by their holder).
    async fn record_group(&self, group: &[FinishedAttempt]) -> StoreResult<usize> {
        if group.is_empty() {
            return Ok(0);
        }
        let insert = format!(
            "INSERT INTO delivery_attempts (id, job_id, attempt, at, outcome, provider_id, error, duration_ms) VALUES {}",
            placeholders(group.len(), 8, &[])
        );
        // Values carry casts so that PostgreSQL knows their types.
        let update = format!(
            "UPDATE outbox_jobs SET state = v.column2, lease_until = NULL, lease_token = NULL, next_attempt_at = v.column3,
               last_error = v.column4, provider_id = COALESCE(v.column5, outbox_jobs.provider_id),
               sent_at = COALESCE(v.column6, outbox_jobs.sent_at), updated_at = v.column7
             FROM (VALUES {}) AS v
             WHERE outbox_jobs.id = v.column1 AND outbox_jobs.lease_token = v.column8",
            placeholders(
                group.len(),
                8,
                &[(2, "BIGINT"), (3, "TEXT"), (4, "TEXT"), (5, "BIGINT"), (6, "BIGINT")]
            )
        );
        with_writer!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut query = sqlx::query(sqlx::AssertSqlSafe(insert.as_str()));
            for a in group {
                query = query
                    .bind(format!("att_{}", random_token(12)))
                    .bind(a.job.id.as_str())
                    .bind(a.job.attempts)
                    .bind(to_millis(a.at))
                    .bind(a.result.outcome().as_str())
                    .bind(a.result.provider_id())
                    .bind(a.result.error())
                    .bind(i64::try_from(a.duration.as_millis()).unwrap_or(i64::MAX));
            }
            query.execute(&mut *tx).await?;
            let mut query = sqlx::query(sqlx::AssertSqlSafe(update.as_str()));
            for a in group {
                let next = match &a.result {
                    AttemptResult::Retry { retry_at, .. } => to_millis(*retry_at),
                    _ => to_millis(a.at),
                };
                let sent_at = matches!(a.result, AttemptResult::Sent { .. }).then(|| to_millis(a.at));
                query = query
                    .bind(a.job.id.as_str())
                    .bind(a.result.job_state().as_str())
                    .bind(next)
                    .bind(a.result.error())
                    .bind(a.result.provider_id())
                    .bind(sent_at)
                    .bind(to_millis(a.at))
                    .bind(a.job.holder.as_str());
            }
            let updated = query.execute(&mut *tx).await?.rows_affected();
            tx.commit().await?;
            Ok(updated as usize)
        })
    }

    /// Puts a claimed job back without counting the attempt, to go at
    /// `until` (quiet hours).
    pub async fn postpone_job(
        &self,
        job: &ClaimedJob,
        until: DateTime<Utc>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        with_writer!(self, pool => {
            sqlx::query(
                "UPDATE outbox_jobs SET lease_until = NULL, lease_token = NULL, attempts = attempts - 1, next_attempt_at = $2,
                   last_error = $3, updated_at = $4
                 WHERE id = $1 AND lease_token = $5",
            )
            .bind(job.id.as_str())
            .bind(to_millis(until))
            .bind(reason)
            .bind(to_millis(now))
            .bind(job.holder.as_str())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Puts a claimed job back in the queue unsent, as if never claimed.
    pub async fn release_job(&self, job: &ClaimedJob) -> StoreResult<()> {
        with_writer!(self, pool => {
            sqlx::query(
                concat!("UPDATE outbox_jobs SET lease_until = NULL, lease_token = NULL, attempts = attempts - 1
                 WHERE id = $1 AND lease_token = $2 AND state IN (", open_states!(), ")"),
            )
            .bind(job.id.as_str())
            .bind(job.holder.as_str())
            .execute(pool)
            .await?;
        });
        Ok(())
    }
}

#[cfg(test)]
mod plan_tests {
    use super::*;

    /// SQLite's ranking reads a few of each merchant's oldest due jobs and
    /// each one's line through the partial indexes; it does not sort every
    /// open job of the channel (the `outbox_jobs_lane` range the window
    /// form reads: 80 to 230 ms with 23,000 open jobs).
    #[tokio::test]
    async fn sqlites_ranking_reads_each_merchants_oldest_not_every_open_job() {
        let details = crate::db::sqlite_query_plan(FIRST_IN_LINE_SQLITE).await;
        for index in ["outbox_jobs_open_due", "outbox_jobs_open_line"] {
            assert!(
                details.iter().any(|d| d.contains(index)),
                "{index}: {details:#?}"
            );
        }
        assert!(
            !details
                .iter()
                .any(|d| d.contains("outbox_jobs_lane") || d.starts_with("SCAN outbox_jobs")),
            "{details:#?}"
        );
    }
}
