//! Personal data that expires: raw webhook bodies (customers' names,
//! addresses, orders), what they were read as (and the contacts the order
//! search reads), and the order snapshots
//! messages were made from,
//! once older than the retention period and finished with. What happened
//! stays: outcomes, counts, states, attempts, for the event and delivery
//! logs. The newest snapshot of each order (`documents`) is kept: a later
//! status of that order is told from it.

use chrono::{DateTime, Utc};

use crate::db::{Store, with_writer};
use crate::error::StoreResult;
use crate::time::to_millis;

/// How many rows lost their personal data in one purge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub webhook_bodies: u64,
    pub message_contents: u64,
}

impl Store {
    /// Empties the bodies of webhooks received before `before` that are
    /// processed or failed for good, and the contents of messages created
    /// before it that are sent, failed or dead. Work in progress is kept.
    pub async fn purge_personal_data(&self, before: DateTime<Utc>) -> StoreResult<Purged> {
        const PURGES: [&str; 2] = [
            concat!(
                "UPDATE inbound_events SET body = '', event = '', customer_email = NULL, customer_phone = NULL WHERE received_at < $1
                 AND state IN (",
                closed_event_states!(),
                ") AND (body <> '' OR event <> '')"
            ),
            concat!(
                "UPDATE outbox_jobs SET event = '{}' WHERE created_at < $1
                 AND state IN (",
                closed_job_states!(),
                ") AND event <> '{}'"
            ),
        ];
        let mut purged = [0; PURGES.len()];
        for (&sql, rows) in PURGES.iter().zip(&mut purged) {
            *rows = with_writer!(self, pool => {
                sqlx::query(sql)
                    .bind(to_millis(before))
                    .execute(pool)
                    .await?
                    .rows_affected()
            });
        }
        let [webhook_bodies, message_contents] = purged;
        Ok(Purged {
            webhook_bodies,
            message_contents,
        })
    }
}
