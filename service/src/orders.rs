//! Orders and invoices: the search over the last [`WINDOW_DAYS`] days, one
//! order's timeline (webhooks with each channel's decision, messages,
//! attempts), and resending a message, limited to [`RESENDS_PER_HOUR`] an
//! hour per merchant like test sends; a customer who replied STOP is not
//! texted again.

use chrono::{DateTime, Duration, Utc};
use notify_core::delivery_log::DeliveryLogEntry;
use notify_core::order_timeline::{
    AttemptEntry, DocumentSource, MessageEntry, OrderQuery, OrderSummary, OrderTimeline, Resent,
    TimelineEntry,
};
use notify_core::{Channel, PhoneNumber};
use notify_store::ids::JobId;
use notify_store::orders::{DocumentRef, OrderMatch, ResendQueued};
use notify_store::{MerchantId, Principal, Store};

use crate::error::{Refusal, ServiceError, ServiceResult, field};
use crate::merchant_view;

/// How far back the search looks (the retention period's default: older
/// webhooks have lost the contacts it compares).
pub const WINDOW_DAYS: i64 = 30;
/// Orders one search returns at most, newest first.
pub const SEARCH_LIMIT: i64 = 50;
/// Resends one merchant may queue per hour.
pub const RESENDS_PER_HOUR: i64 = 10;

/// The merchant's orders with a webhook in the last [`WINDOW_DAYS`] days,
/// newest first: those matching `query` (an order or invoice number or
/// id, a source, an email, a phone number), or all when it is blank.
pub async fn search(
    store: &Store,
    merchant_id: &MerchantId,
    query: Option<&str>,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<OrderSummary>> {
    let query = match query.filter(|q| !q.trim().is_empty()) {
        None => None,
        Some(text) => Some(
            OrderQuery::parse(text).map_err(|e| ServiceError::Invalid(vec![field("query", e)]))?,
        ),
    };
    let matching = query.as_ref().map(|q| OrderMatch {
        text: q.as_number(),
        phone: PhoneNumber::parse(q.as_str(), None)
            .ok()
            .map(|p| p.as_e164().to_owned()),
    });
    Ok(store
        .search_orders(
            merchant_id,
            matching.as_ref(),
            now - Duration::days(WINDOW_DAYS),
            SEARCH_LIMIT,
        )
        .await?)
}

/// Everything that happened to one of the merchant's orders, oldest
/// first; `None` when it has no such order (another merchant's included).
pub async fn timeline(
    store: &Store,
    merchant_id: &MerchantId,
    source: &str,
    document_id: &str,
) -> ServiceResult<Option<OrderTimeline>> {
    let Some(source) = DocumentSource::from_slug(source) else {
        return Ok(None);
    };
    let document = DocumentRef {
        source,
        id: document_id,
    };
    let webhooks = store.order_webhooks(merchant_id, document).await?;
    let messages = store.order_messages(merchant_id, document).await?;
    if webhooks.is_empty() && messages.is_empty() {
        return Ok(None);
    }
    let attempts = store.order_attempts(merchant_id, document).await?;
    let number = webhooks.iter().rev().find_map(|(_, n)| n.clone());
    let entries = webhooks
        .into_iter()
        .map(|(w, _)| TimelineEntry::Webhook(w))
        .chain(messages.into_iter().map(|m| {
            let delivery = merchant_view::delivery(m);
            TimelineEntry::Message(MessageEntry {
                at: delivery.created_at,
                resendable: delivery.resendable(),
                delivery,
            })
        }))
        .chain(attempts.into_iter().map(|(job_id, channel, attempt)| {
            let attempt = merchant_view::attempt(attempt);
            TimelineEntry::Attempt(AttemptEntry {
                at: attempt.at,
                job_id,
                channel,
                attempt,
            })
        }))
        .collect();
    Ok(Some(OrderTimeline::new(
        source,
        document_id.to_owned(),
        number,
        entries,
    )))
}

/// Queues one of the merchant's messages again, now, as a new message
/// naming the one it resends and who asked. Refused when the message is
/// still on its way, when it is a text to a customer who replied STOP, or
/// beyond [`RESENDS_PER_HOUR`]; [`ServiceError::NotFound`] for a message
/// this merchant does not have.
pub async fn resend(
    store: &Store,
    who: &Principal,
    job: &JobId,
    now: DateTime<Utc>,
) -> ServiceResult<Resent> {
    let merchant_id = &who.merchant_id;
    let original = store
        .delivery_entry(merchant_id, job)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !original.resendable() {
        return Err(ServiceError::Refused(
            Refusal::NotResendable,
            format!(
                "only a message that was sent or failed can be resent; this one is {}",
                original.state.display_name().to_lowercase()
            ),
        ));
    }
    if original.channel == Channel::Sms
        && store
            .is_sms_opted_out(merchant_id, &original.recipient)
            .await?
    {
        return Err(ServiceError::Refused(
            Refusal::OptedOut,
            "the customer replied STOP to your texts: no text is sent to them again".to_owned(),
        ));
    }
    let queued = store
        .queue_resend(
            merchant_id,
            job,
            &who.actor,
            RESENDS_PER_HOUR,
            now - Duration::hours(1),
            now,
        )
        .await?;
    let id = match queued {
        ResendQueued::Queued(id) => id,
        ResendQueued::Limited => {
            return Err(ServiceError::TooManyRequests(format!(
                "at most {RESENDS_PER_HOUR} resends an hour"
            )));
        }
        ResendQueued::Expired => {
            return Err(ServiceError::Refused(
                Refusal::Expired,
                format!(
                    "this message's contents were deleted after {WINDOW_DAYS} days; it cannot be resent"
                ),
            ));
        }
    };
    tracing::info!(merchant_id = %merchant_id, job_id = %id, resend_of = %job, channel = original.channel.slug(), "message resent");
    let delivery = store
        .delivery_entry(merchant_id, &id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(Resent {
        delivery: merchant_view::delivery(delivery),
        resend_of: job.as_str().to_owned(),
    })
}

/// The merchant's latest resends (who resent which message, when),
/// newest first, recipients partly hidden: the audit trail's messages.
pub async fn recent_resends(
    store: &Store,
    merchant_id: &MerchantId,
    limit: i64,
) -> ServiceResult<Vec<DeliveryLogEntry>> {
    Ok(store
        .recent_resends(merchant_id, limit)
        .await?
        .into_iter()
        .map(merchant_view::delivery)
        .collect())
}
