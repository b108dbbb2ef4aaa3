//! The event log: the webhooks received and what became of each, newest
//! first.

use notify_store::cursor::Cursor;
use notify_store::inbound::EventLogEntry;
use notify_store::{MerchantId, Store};

use crate::error::ServiceResult;
use crate::paging::{Page, parse_before};

/// One page of the merchant's events; the next page's `before`.
pub async fn list(
    store: &Store,
    merchant_id: &MerchantId,
    size: i64,
    before: Option<&str>,
) -> ServiceResult<Page<EventLogEntry, String>> {
    let before = parse_before(before)?;
    let events = store.event_log(merchant_id, size, before.as_ref()).await?;
    Ok(Page::of(events, size, |e| {
        Cursor::new(e.received_at, e.id.as_str()).to_string()
    }))
}
