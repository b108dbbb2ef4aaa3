//! Shopify webhooks. `orders/*` carry the whole order, from which the status
//! is derived (notify-core's mapping); `fulfillments/*`, `refunds/create`
//! and `returns/close` carry only part and are completed from the order's
//! earlier events.

use chrono::{DateTime, Utc};
use notify_core::event::{Document, DocumentNumber};
use notify_core::mapping::shopify::{self as mapping, OrderSnapshot, RefundLineItem};
use notify_core::{OrderSource, OrderStatus, TransactionEvent};
use serde::Deserialize;

use super::contact::{Contact, customer};
use super::{NormalizeError, Normalized, external_id, parse_json, timestamp};

/// The topics we subscribe to (the Integrations page lists them).
pub const TOPICS: &[&str] = &[
    "orders/create",
    "orders/paid",
    "orders/updated",
    "orders/cancelled",
    "orders/fulfilled",
    "orders/partially_fulfilled",
    "fulfillments/create",
    "fulfillments/update",
    "refunds/create",
    "returns/close",
];

#[derive(Deserialize)]
struct Order {
    id: u64,
    name: Option<String>,
    order_number: Option<u64>,
    email: Option<String>,
    phone: Option<String>,
    updated_at: String,
    customer: Option<Person>,
    billing_address: Option<Address>,
    shipping_address: Option<Address>,
    #[serde(flatten)]
    snapshot: OrderSnapshot,
}

#[derive(Deserialize)]
struct Person {
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

#[derive(Deserialize)]
struct Address {
    first_name: Option<String>,
    last_name: Option<String>,
    phone: Option<String>,
    country_code: Option<String>,
}

#[derive(Deserialize)]
struct FulfillmentPayload {
    order_id: u64,
    status: Option<String>,
    shipment_status: Option<String>,
    updated_at: Option<String>,
}

#[derive(Deserialize)]
struct RefundPayload {
    order_id: u64,
    created_at: Option<String>,
    #[serde(default)]
    refund_line_items: Vec<RefundLineItem>,
}

#[derive(Deserialize)]
struct ReturnPayload {
    order_id: Option<serde_json::Value>,
    order: Option<ReturnOrder>,
    updated_at: Option<String>,
}

#[derive(Deserialize)]
struct ReturnOrder {
    id: serde_json::Value,
}

/// `triggered_at`: the `X-Shopify-Triggered-At` header, used when the
/// payload has no time of its own.
pub fn normalize(
    topic: &str,
    body: &[u8],
    triggered_at: Option<DateTime<Utc>>,
) -> Result<Normalized, NormalizeError> {
    match topic {
        t if t.starts_with("orders/") && TOPICS.contains(&t) => order(body),
        "fulfillments/create" | "fulfillments/update" => fulfillment(body, triggered_at),
        "refunds/create" => refund(body, triggered_at),
        mapping::RETURNS_CLOSE => returned(body, triggered_at),
        other => Err(NormalizeError(format!("unsupported topic {other:?}"))),
    }
}

fn order(body: &[u8]) -> Result<Normalized, NormalizeError> {
    let o: Order = parse_json(body)?;
    let Some(status) = mapping::order_status(&o.snapshot) else {
        let described = format!(
            "financial_status={}, fulfillment_status={}",
            o.snapshot.financial_status.as_deref().unwrap_or("null"),
            o.snapshot.fulfillment_status.as_deref().unwrap_or("null")
        );
        return Ok(Normalized::NoNotification { status: described });
    };
    let number = match (&o.name, o.order_number) {
        (Some(name), _) if !name.trim().is_empty() => name.clone(),
        (_, Some(n)) => n.to_string(),
        _ => o.id.to_string(),
    };
    let person = o.customer.as_ref();
    let address = o.billing_address.as_ref().or(o.shipping_address.as_ref());
    let customer = customer(Contact {
        first_name: person
            .and_then(|p| p.first_name.as_deref())
            .or(address.and_then(|a| a.first_name.as_deref())),
        last_name: person
            .and_then(|p| p.last_name.as_deref())
            .or(address.and_then(|a| a.last_name.as_deref())),
        full_name: None,
        email: o
            .email
            .as_deref()
            .or(person.and_then(|p| p.email.as_deref())),
        phone: o
            .phone
            .as_deref()
            .or(person.and_then(|p| p.phone.as_deref()))
            .or(address.and_then(|a| a.phone.as_deref())),
        country: address.and_then(|a| a.country_code.as_deref()),
    });
    Ok(Normalized::Event(TransactionEvent {
        document: Document::Order {
            source: OrderSource::Shopify,
            status,
            id: external_id("id", &o.id.to_string())?,
            number: DocumentNumber::parse(&number).map_err(|e| NormalizeError::field("name", e))?,
        },
        customer,
        occurred_at: timestamp("updated_at", &o.updated_at)?,
    }))
}

fn occurred(
    name: &str,
    value: Option<&str>,
    triggered_at: Option<DateTime<Utc>>,
) -> Result<DateTime<Utc>, NormalizeError> {
    match (value, triggered_at) {
        (Some(v), _) => timestamp(name, v),
        (None, Some(t)) => Ok(t),
        (None, None) => Err(NormalizeError::field(
            name,
            "missing, and no X-Shopify-Triggered-At",
        )),
    }
}

fn status_only(
    order_id: u64,
    status: OrderStatus,
    occurred_at: DateTime<Utc>,
) -> Result<Normalized, NormalizeError> {
    Ok(Normalized::StatusOnly {
        source: OrderSource::Shopify,
        order_id: external_id("order_id", &order_id.to_string())?,
        status,
        occurred_at,
    })
}

/// Only the shipment statuses that finish a stage notify from a
/// fulfillment; the order's own webhooks cover the rest.
fn fulfillment(
    body: &[u8],
    triggered_at: Option<DateTime<Utc>>,
) -> Result<Normalized, NormalizeError> {
    let f: FulfillmentPayload = parse_json(body)?;
    let occurred_at = occurred("updated_at", f.updated_at.as_deref(), triggered_at)?;
    if matches!(f.status.as_deref(), Some("cancelled" | "error" | "failure")) {
        return Ok(Normalized::NoNotification {
            status: format!("fulfillment {}", f.status.unwrap_or_default()),
        });
    }
    match f.shipment_status.as_deref() {
        Some("delivered" | "picked_up") => {
            status_only(f.order_id, OrderStatus::Delivered, occurred_at)
        }
        Some("ready_for_pickup") => status_only(f.order_id, OrderStatus::Ready, occurred_at),
        other => Ok(Normalized::NoNotification {
            status: format!("shipment_status={}", other.unwrap_or("null")),
        }),
    }
}

fn refund(body: &[u8], triggered_at: Option<DateTime<Utc>>) -> Result<Normalized, NormalizeError> {
    let r: RefundPayload = parse_json(body)?;
    let occurred_at = occurred("created_at", r.created_at.as_deref(), triggered_at)?;
    if r.refund_line_items
        .iter()
        .any(|li| li.restock_type.as_deref() == Some("return"))
    {
        status_only(r.order_id, OrderStatus::Returned, occurred_at)
    } else {
        Ok(Normalized::NoNotification {
            status: "refund without a returned item".to_owned(),
        })
    }
}

fn returned(
    body: &[u8],
    triggered_at: Option<DateTime<Utc>>,
) -> Result<Normalized, NormalizeError> {
    let r: ReturnPayload = parse_json(body)?;
    let raw = r
        .order_id
        .or(r.order.map(|o| o.id))
        .ok_or_else(|| NormalizeError::field("order.id", "missing"))?;
    // A number, or a GraphQL id such as "gid://shopify/Order/450789469".
    let order_id = match &raw {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.rsplit('/').next().and_then(|tail| tail.parse().ok()),
        _ => None,
    }
    .ok_or_else(|| NormalizeError::field("order.id", format!("not an order id: {raw}")))?;
    let occurred_at = occurred("updated_at", r.updated_at.as_deref(), triggered_at)?;
    status_only(order_id, mapping::RETURN_CLOSED_STATUS, occurred_at)
}
