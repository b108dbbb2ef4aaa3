//! BigCommerce: hooks carry only ids (`data.id`, or `data.orderId` for
//! shipments), so the order is fetched over the REST API
//! (`GET /stores/{hash}/v2/orders/{id}`) and read with [`order`].

use notify_core::event::{Document, DocumentNumber};
use notify_core::mapping::bigcommerce as mapping;
use notify_core::{OrderSource, TransactionEvent};
use serde::Deserialize;

use super::contact::{Contact, customer};
use super::{NormalizeError, Normalized, external_id, parse_json, timestamp};

pub const SCOPES: &[&str] = &[
    "store/order/created",
    "store/order/updated",
    "store/order/statusUpdated",
    "store/shipment/created",
    "store/shipment/updated",
];

#[derive(Deserialize)]
struct Hook {
    scope: String,
    hash: Option<String>,
    data: HookData,
}

#[derive(Deserialize)]
struct HookData {
    id: u64,
    #[serde(rename = "orderId")]
    order_id: Option<u64>,
}

#[derive(Deserialize)]
struct Order {
    id: u64,
    status_id: u64,
    date_modified: String,
    #[serde(default)]
    billing_address: Billing,
}

#[derive(Deserialize, Default)]
struct Billing {
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    country_iso2: Option<String>,
}

/// The hook's `hash`, BigCommerce's own de-duplication key.
pub fn dedupe_key(body: &[u8]) -> Result<Option<String>, NormalizeError> {
    let hook: Hook = parse_json(body)?;
    Ok(hook.hash.filter(|h| !h.is_empty()))
}

pub fn normalize_hook(body: &[u8]) -> Result<Normalized, NormalizeError> {
    let hook: Hook = parse_json(body)?;
    if !SCOPES.contains(&hook.scope.as_str()) {
        return Err(NormalizeError(format!(
            "unsupported scope {:?}",
            hook.scope
        )));
    }
    let order_id = if hook.scope.starts_with("store/shipment/") {
        hook.data
            .order_id
            .ok_or_else(|| NormalizeError::field("data.orderId", "missing"))?
    } else {
        hook.data.id
    };
    Ok(Normalized::FetchBigCommerceOrder { order_id })
}

/// The fetched order (`/v2/orders/{id}`).
pub fn order(body: &[u8]) -> Result<Normalized, NormalizeError> {
    let o: Order = parse_json(body)?;
    let Some(status) = mapping::order_status(o.status_id) else {
        let name = mapping::status_name(o.status_id).unwrap_or("unknown");
        return Ok(Normalized::NoNotification {
            status: format!("{} ({name})", o.status_id),
        });
    };
    let b = &o.billing_address;
    Ok(Normalized::Event(TransactionEvent {
        document: Document::Order {
            source: OrderSource::BigCommerce,
            status,
            id: external_id("id", &o.id.to_string())?,
            number: DocumentNumber::parse(&o.id.to_string())
                .map_err(|e| NormalizeError::field("id", e))?,
        },
        customer: customer(Contact {
            first_name: b.first_name.as_deref(),
            last_name: b.last_name.as_deref(),
            full_name: None,
            email: b.email.as_deref(),
            phone: b.phone.as_deref(),
            country: b.country_iso2.as_deref(),
        }),
        occurred_at: timestamp("date_modified", &o.date_modified)?,
    }))
}
