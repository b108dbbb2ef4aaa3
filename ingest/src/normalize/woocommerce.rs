//! WooCommerce `order.*` webhooks: the payload is the order as it is when
//! sent.

use notify_core::event::{Document, DocumentNumber};
use notify_core::mapping::woocommerce as mapping;
use notify_core::{OrderSource, TransactionEvent};
use serde::Deserialize;

use super::contact::{Contact, customer};
use super::{NormalizeError, Normalized, external_id, parse_json, timestamp};

pub const TOPICS: &[&str] = &[
    "order.created",
    "order.updated",
    "order.deleted",
    "order.restored",
];

#[derive(Deserialize)]
struct Order {
    id: u64,
    number: Option<String>,
    status: String,
    date_modified_gmt: String,
    #[serde(default)]
    billing: Billing,
}

#[derive(Deserialize, Default)]
struct Billing {
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    country: Option<String>,
}

/// The body's own identity for de-duplication: WooCommerce gives every
/// delivery a new id, so the key is order id + status + modification time.
pub fn dedupe_key(body: &[u8]) -> Result<String, NormalizeError> {
    let o: Order = parse_json(body)?;
    Ok(format!("{}:{}:{}", o.id, o.status, o.date_modified_gmt))
}

pub fn normalize(topic: &str, body: &[u8]) -> Result<Normalized, NormalizeError> {
    if !TOPICS.contains(&topic) {
        return Err(NormalizeError(format!("unsupported topic {topic:?}")));
    }
    let o: Order = parse_json(body)?;
    if topic == "order.deleted" {
        return Ok(Normalized::NoNotification {
            status: "deleted".to_owned(),
        });
    }
    let Some(status) = mapping::order_status(&o.status) else {
        return Ok(Normalized::NoNotification { status: o.status });
    };
    let b = &o.billing;
    Ok(Normalized::Event(TransactionEvent {
        document: Document::Order {
            source: OrderSource::WooCommerce,
            status,
            id: external_id("id", &o.id.to_string())?,
            number: DocumentNumber::parse(o.number.as_deref().unwrap_or(&o.id.to_string()))
                .map_err(|e| NormalizeError::field("number", e))?,
        },
        customer: customer(Contact {
            first_name: b.first_name.as_deref(),
            last_name: b.last_name.as_deref(),
            full_name: None,
            email: b.email.as_deref(),
            phone: b.phone.as_deref(),
            country: b.country.as_deref(),
        }),
        occurred_at: timestamp("date_modified_gmt", &o.date_modified_gmt)?,
    }))
}
