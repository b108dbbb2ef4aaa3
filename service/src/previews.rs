//! Previews on the merchant's own data: the latest real order or invoice
//! for a trigger, as its messages would show it.

use chrono::{DateTime, Duration, Utc};
use notify_core::{TransactionEvent, Trigger};
use notify_store::{MerchantId, Store};

use crate::error::ServiceResult;

/// How far back "my latest real order" looks (a shorter `RETENTION_DAYS`
/// empties what a webhook was read as sooner, and then it is not offered).
pub const REAL_ORDER_WINDOW: Duration = Duration::days(30);

/// The merchant's most recent processed event for `trigger` in the window;
/// never another merchant's.
pub async fn latest_real_event(
    store: &Store,
    merchant_id: &MerchantId,
    trigger: Trigger,
    now: DateTime<Utc>,
) -> ServiceResult<Option<TransactionEvent>> {
    Ok(store
        .latest_event_for_trigger(merchant_id, &trigger.key(), now - REAL_ORDER_WINDOW)
        .await?)
}
