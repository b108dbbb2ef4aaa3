//! The daily message limit (`MERCHANT_DAILY_MESSAGE_LIMIT`): how many
//! messages a merchant has sent on a channel today (its own calendar day),
//! counting test sends and messages being sent right now, and the jobs held
//! back because the limit was reached.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use notify_core::Channel;

use crate::db::{Store, with_pool, with_writer};
use crate::error::StoreResult;
use crate::ids::MerchantId;
use crate::time::to_millis;

/// How a job held by the daily limit reads in the delivery log (its last
/// error starts with this).
pub const HELD: &str = "held: daily limit";

/// The start of the merchant's day at `now` and the start of the next one,
/// in UTC (a midnight that a DST change skips moves to the first instant
/// the zone has).
pub fn day_bounds(now: DateTime<Utc>, tz: chrono_tz::Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    let today = now.with_timezone(&tz).date_naive();
    let midnight = |day: chrono::NaiveDate| {
        let local = day.and_time(NaiveTime::MIN);
        tz.from_local_datetime(&local)
            .earliest()
            .or_else(|| {
                tz.from_local_datetime(&(local + Duration::hours(1)))
                    .earliest()
            })
            .map_or(now, |t| t.with_timezone(&Utc))
    };
    let tomorrow = today.succ_opt().unwrap_or(today);
    (midnight(today), midnight(tomorrow))
}

impl Store {
    /// Messages of the merchant on `channel` since `since`: sent ones,
    /// those being sent now (leased), and test sends.
    pub async fn messages_since(
        &self,
        merchant_id: &MerchantId,
        channel: Channel,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar(
                concat!("SELECT (SELECT COUNT(*) FROM outbox_jobs WHERE merchant_id = $1 AND channel = $2 AND sent_at >= $3)
                      + (SELECT COUNT(*) FROM outbox_jobs WHERE merchant_id = $1 AND channel = $2
                           AND state IN (", open_states!(), ") AND lease_until > $4)
                      + (SELECT COUNT(*) FROM test_sends WHERE merchant_id = $1 AND channel = $2 AND at >= $3)"),
            )
            .bind(merchant_id.as_str())
            .bind(channel.slug())
            .bind(to_millis(since))
            .bind(to_millis(now))
            .fetch_one(pool)
            .await?
        }))
    }

    /// Makes every job held by the daily limit due now, so that a raised
    /// limit takes effect at once (each is checked again when it is
    /// claimed, and held again if its merchant is still over the limit).
    pub async fn resume_held_by_daily_limit(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        Ok(with_writer!(self, pool => {
            sqlx::query(
                "UPDATE outbox_jobs SET next_attempt_at = $1
                 WHERE state = $3 AND next_attempt_at > $1 AND last_error LIKE $2",
            )
            .bind(to_millis(now))
            .bind(format!("{HELD}%"))
            .bind(notify_core::JobState::Pending.as_str())
            .execute(pool)
            .await?
            .rows_affected()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_day_is_the_merchants_own() {
        let ny = chrono_tz::America::New_York;
        // 22:30 in New York on the 14th (EST) is 03:30 UTC on the 15th.
        assert_eq!(
            day_bounds(utc("2026-01-15T03:30:00Z"), ny),
            (utc("2026-01-14T05:00:00Z"), utc("2026-01-15T05:00:00Z"))
        );
        assert_eq!(
            day_bounds(utc("2026-01-15T03:30:00Z"), chrono_tz::UTC),
            (utc("2026-01-15T00:00:00Z"), utc("2026-01-16T00:00:00Z"))
        );
    }

    #[test]
    fn a_midnight_that_dst_skips_starts_the_day_at_the_first_instant() {
        // Santiago skipped 2026-09-06 00:00 (clocks went to 01:00).
        let santiago = chrono_tz::America::Santiago;
        let (start, _) = day_bounds(utc("2026-09-06T12:00:00Z"), santiago);
        assert_eq!(
            start.with_timezone(&santiago).date_naive().to_string(),
            "2026-09-06"
        );
    }
}
