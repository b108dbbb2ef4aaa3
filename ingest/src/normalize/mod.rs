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

thread_local! {
    static CHECKING_SHAPE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs a normaliser only to check a payload's shape (on receipt, before
/// the answer): it fails exactly as the full run would, but the customer's
/// contacts are not read (see [`contact::customer`]), so what it returns
/// is not for notifying. The processor normalises the stored payload in
/// full.
pub(crate) fn check_shape<T>(normalize: impl FnOnce() -> T) -> T {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            CHECKING_SHAPE.with(|c| c.set(self.0));
        }
    }
    let _reset = Reset(CHECKING_SHAPE.with(|c| c.replace(true)));
    normalize()
}

fn checking_shape() -> bool {
    CHECKING_SHAPE.with(std::cell::Cell::get)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platforms::{events, shopify};

    /// What a shape check answers: accepted, or refused with which message.
    fn verdict(n: Result<Normalized, NormalizeError>) -> Result<(), String> {
        n.map(|_| ()).map_err(|e| e.0)
    }

    #[test]
    fn a_shape_check_refuses_exactly_what_normalising_refuses_without_reading_contacts() {
        let bodies: [&[u8]; 6] = [
            br#"{"type": "invoice.status_changed", "invoice": {"id": "i1", "status": "closed", "updated_at": "2026-03-14T10:00:00Z"}, "customer": {"name": "Ada", "email": "ada@example.com", "phone": "+14155550134"}}"#,
            br#"{"type": "invoice.status_changed", "invoice": {"id": "i1", "status": "closed", "updated_at": "2026-03-14T10:00:00Z"}, "customer": {"email": "not an address", "phone": "12"}}"#,
            br#"{"type": "invoice.status_changed"}"#,
            br#"{"type": "invoice.status_changed", "invoice": {"id": "i1", "status": "closed", "updated_at": "yesterday"}, "customer": {}}"#,
            br#"{"type": "order.status_changed", "source": "shopify", "order": {"id": 1, "status": "ready", "updated_at": "2026-03-14T10:00:00Z"}, "customer": {}}"#,
            b"not json",
        ];
        for body in bodies {
            let full = events::normalize(body);
            let shape = check_shape(|| events::normalize(body));
            assert_eq!(verdict(shape.clone()), verdict(full.clone()));
            if let (Ok(Normalized::Event(shape)), Ok(Normalized::Event(full))) = (shape, full) {
                assert_eq!(shape.trigger(), full.trigger());
                assert_eq!(shape.customer.phone, None);
                assert_eq!(shape.customer.email, None);
            }
        }
        for body in [&br#"{"id": "nope"}"#[..], b"not json"] {
            assert_eq!(
                verdict(check_shape(|| shopify::normalize(
                    "orders/updated",
                    body,
                    None
                ))),
                verdict(shopify::normalize("orders/updated", body, None))
            );
        }
    }

    #[test]
    fn contacts_are_read_again_after_a_shape_check_even_one_that_panicked() {
        let body = br#"{"type": "invoice.status_changed", "invoice": {"id": "i1", "status": "closed", "updated_at": "2026-03-14T10:00:00Z"}, "customer": {"phone": "+14155550134"}}"#;
        let _ = std::panic::catch_unwind(|| check_shape(|| panic!("in a normaliser")));
        assert!(!checking_shape());
        let _ = check_shape(|| events::normalize(body));
        let Ok(Normalized::Event(event)) = events::normalize(body) else {
            panic!("not an event");
        };
        assert_eq!(event.customer.phone.unwrap().as_e164(), "+14155550134");
    }
}
