//! The delivery log: every message with its state, newest first, filtered;
//! and one message with its attempts. As a merchant sees it: recipients
//! partly hidden, no addresses of ours in the texts.

use notify_core::delivery_log::{DeliveryDetail, DeliveryLogEntry};
use notify_core::{Channel, JobState};
use notify_store::cursor::Cursor;
use notify_store::delivery::DeliveryFilter;
use notify_store::ids::JobId;
use notify_store::{MerchantId, Store};

use crate::error::ServiceResult;
use crate::merchant_view;
use crate::paging::{Page, parse_before};

/// The filters as a client sends them; a state or channel that does not
/// exist matches no message.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeliveryQuery<'a> {
    pub state: Option<&'a str>,
    pub channel: Option<&'a str>,
    pub source: Option<&'a str>,
    /// `next_before` of the previous page.
    pub before: Option<&'a str>,
}

/// One page of the merchant's messages; the next page's `before`.
pub async fn list(
    store: &Store,
    merchant_id: &MerchantId,
    query: DeliveryQuery<'_>,
    size: i64,
) -> ServiceResult<Page<DeliveryLogEntry, String>> {
    let before = parse_before(query.before)?;
    let (Ok(state), Ok(channel)) = (
        known(query.state, JobState::parse),
        known(query.channel, Channel::from_slug),
    ) else {
        return Ok(Page::empty());
    };
    let filter = DeliveryFilter {
        state,
        channel,
        source: query.source.map(str::to_owned),
        job: None,
    };
    let entries = store
        .delivery_log(merchant_id, &filter, size, before.as_ref())
        .await?;
    Ok(Page::of(entries, size, |e| {
        Cursor::new(e.created_at, e.id.as_str()).to_string()
    })
    .map(merchant_view::delivery))
}

/// No filter when not given; `Err` when given but none of the known values.
fn known<T>(given: Option<&str>, parse: fn(&str) -> Option<T>) -> Result<Option<T>, ()> {
    given.map(|v| parse(v).ok_or(())).transpose()
}

/// `None` when this merchant has no such message (another merchant's
/// message included).
pub async fn detail(
    store: &Store,
    merchant_id: &MerchantId,
    job: &JobId,
) -> ServiceResult<Option<DeliveryDetail>> {
    let Some(entry) = store.delivery_entry(merchant_id, job).await? else {
        return Ok(None);
    };
    let attempts = store
        .delivery_attempts(merchant_id, job)
        .await?
        .into_iter()
        .map(merchant_view::attempt)
        .collect();
    Ok(Some(DeliveryDetail {
        delivery: merchant_view::delivery(entry),
        attempts,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_not_given_is_none_and_an_unknown_one_matches_nothing() {
        assert_eq!(known(None, JobState::parse), Ok(None));
        assert_eq!(
            known(Some("sent"), JobState::parse),
            Ok(Some(JobState::Sent))
        );
        assert_eq!(known(Some("bogus"), JobState::parse), Err(()));
        assert_eq!(known(Some(""), Channel::from_slug), Err(()));
    }
}
