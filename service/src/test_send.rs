//! The limits on test sends: they count toward the merchant's daily limit
//! (and are refused beyond it), and at most [`LIMIT_PER_HOUR`] an hour, so
//! the test-send cannot be used to spam.

use chrono::{DateTime, Duration, Utc};
use notify_core::Channel;
use notify_store::Store;
use notify_store::accounts::Merchant;
use notify_store::daily_limit::day_bounds;

use crate::error::{ServiceError, ServiceResult};

pub const LIMIT_PER_HOUR: i64 = 10;

/// Records one test send on `channel` for `merchant`, or refuses it
/// ([`ServiceError::TooManyRequests`]) when a limit is reached.
pub async fn admit(
    store: &Store,
    merchant: &Merchant,
    channel: Channel,
    daily_limit: u32,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let (today, _) = day_bounds(now, merchant.time_zone.tz());
    if store
        .messages_since(&merchant.id, channel, today, now)
        .await?
        >= i64::from(daily_limit)
    {
        return Err(ServiceError::TooManyRequests(format!(
            "the daily limit of {daily_limit} messages on this channel is reached"
        )));
    }
    if !store
        .allow_test_send(
            &merchant.id,
            channel,
            LIMIT_PER_HOUR,
            now - Duration::hours(1),
            now,
        )
        .await?
    {
        return Err(ServiceError::TooManyRequests(format!(
            "at most {LIMIT_PER_HOUR} test messages an hour"
        )));
    }
    Ok(())
}
