//! The history the settings page's what-if runs over: the merchant's
//! processed orders and invoices of the last 30 days, grouped by trigger
//! and by which contacts they had, with the SMS segments their texts take.
//! No name, address or number leaves the server for it.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use notify_core::what_if::{HistoryBuilder, HistoryGroup};
use notify_core::{MessageContext, render_sms};
use notify_store::{MerchantId, Store};

use crate::error::ServiceResult;

pub const WINDOW: Duration = Duration::days(30);

/// Rows read per query (the history of a busy store is read in pages).
const PAGE: i64 = 2_000;

pub async fn history(
    store: &Store,
    merchant_id: &MerchantId,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<HistoryGroup>> {
    let merchant = store.merchant(merchant_id).await?;
    let opted_out: HashSet<String> = store.sms_opt_outs(merchant_id).await?.into_iter().collect();
    let mut seen = HashSet::new();
    let mut groups = HistoryBuilder::default();
    let mut after = None;
    loop {
        let page = store
            .processed_events_page(merchant_id, now - WINDOW, after, PAGE)
            .await?;
        for processed in &page {
            // One notification per order and status, however many webhooks
            // reported it (as the outbox).
            let (source, id, status) = processed.transition();
            if !seen.insert((source, id.to_owned(), status)) {
                continue;
            }
            let mut event = processed.event.clone();
            // Who has replied STOP by now (the processor reads it only when
            // a rule texts).
            event.customer.sms_opted_out = event
                .customer
                .phone
                .as_ref()
                .is_some_and(|p| opted_out.contains(p.as_e164()));
            let sms = render_sms(MessageContext {
                merchant: &merchant.store_name,
                event: &event,
            });
            groups.add(&event, sms.length.segments);
        }
        after = match page.last() {
            Some(last) if page.len() as i64 == PAGE => Some(last.cursor()),
            _ => break,
        };
    }
    Ok(groups.finish())
}
