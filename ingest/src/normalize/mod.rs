//! What a platform's payload means ([`Normalized`]), and the helpers every
//! platform's normaliser (in [`crate::platforms`]) reads payloads with:
//! unknown extra fields are ignored, missing or mistyped required ones are
//! a [`NormalizeError`] naming the field.

pub(crate) mod contact;
pub(crate) mod details;

use chrono::{DateTime, Utc};
use notify_core::Details;
use notify_core::event::ExternalId;
use notify_core::{OrderSource, OrderStatus, TransactionEvent};
use thiserror::Error;

/// What a verified webhook means for notifications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Normalized {
    /// A status change, complete with the customer's contacts.
    Event(TransactionEvent),
    /// A status for an order whose payload does not name the customer
    /// (Shopify returns and fulfillments): completed from the order's
    /// earlier events.
    StatusOnly {
        source: OrderSource,
        order_id: ExternalId,
        status: OrderStatus,
        occurred_at: DateTime<Utc>,
        /// What this payload adds (a shipment's tracking, a refund's amount),
        /// over what the earlier events said.
        details: Details,
    },
    /// The hook carries only the order's id: fetch the order with the
    /// platform's [`crate::platform::OrderApi`].
    FetchOrder { order_id: u64 },
    /// A status the product does not notify on (the mapping's "anything else").
    NoNotification { status: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct NormalizeError(pub String);

impl NormalizeError {
    pub(crate) fn field(name: &str, problem: impl std::fmt::Display) -> Self {
        NormalizeError(format!("{name}: {problem}"))
    }
}

pub(crate) fn parse_json<'a, T: serde::Deserialize<'a>>(
    body: &'a [u8],
) -> Result<T, NormalizeError> {
    serde_json::from_slice(body)
        .map_err(|e| NormalizeError(format!("body is not the expected JSON: {e}")))
}

pub(crate) fn external_id(name: &str, value: &str) -> Result<ExternalId, NormalizeError> {
    ExternalId::parse(value).map_err(|e| NormalizeError::field(name, e))
}

/// RFC 3339 (`2026-03-14T10:00:00-05:00`) or, as WooCommerce's `_gmt`
/// fields, without an offset (then UTC).
pub(crate) fn timestamp(name: &str, value: &str) -> Result<DateTime<Utc>, NormalizeError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f") {
        return Ok(t.and_utc());
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(value) {
        return Ok(t.with_timezone(&Utc));
    }
    Err(NormalizeError::field(
        name,
        format!("not a timestamp: {value:?}"),
    ))
}
