//! WooCommerce: webhooks signed with the webhook's secret
//! (`X-WC-Webhook-Signature`, base64 HMAC-SHA256 over the body); `order.*`
//! payloads are the order as it is when sent.

use notify_core::event::{Document, DocumentNumber};
use notify_core::{OrderSource, OrderStatus, TransactionEvent};
use serde::Deserialize;

use crate::normalize::contact::Billing;
use crate::normalize::{NormalizeError, Normalized, external_id, parse_json, timestamp};
use crate::platform::{Accepted, Platform, PlatformSpec, Received, Refused, Request};
use crate::settings::{Field, FieldKind};
use crate::signature::verify_base64_body_hmac;

pub const PLATFORM: Platform = Platform::new(&SPEC);

const SPEC: PlatformSpec = PlatformSpec {
    slug: "woocommerce",
    name: "WooCommerce",
    covers: "Orders from your WooCommerce store.",
    topics_heading: "Subscribe to",
    topics: TOPICS,
    settings: &[Field {
        name: WEBHOOK_SECRET,
        label: "Webhook secret",
        hint: "The secret you typed when creating the webhook in WooCommerce.",
        kind: FieldKind::Secret { required: true },
    }],
    #[cfg(feature = "receive")]
    receive,
    #[cfg(feature = "receive")]
    normalize: |stored| normalize(stored.topic, stored.body),
    #[cfg(feature = "receive")]
    order_api: None,
};

const WEBHOOK_SECRET: &str = "webhook_secret";

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
    let Some(status) = order_status(&o.status) else {
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
        customer: b.customer(),
        occurred_at: timestamp("date_modified_gmt", &o.date_modified_gmt)?,
    }))
}

fn receive(req: &Request<'_>) -> Result<Received, Refused> {
    let signature = req.header("x-wc-webhook-signature");
    if signature.is_none() && is_ping(req.body) {
        return Ok(Received::Ping);
    }
    let secrets = req.secrets(&[WEBHOOK_SECRET]);
    verify_base64_body_hmac(req.body, signature, "X-WC-Webhook-Signature", &secrets)?;
    let topic = req.required("x-wc-webhook-topic")?.to_owned();
    normalize(&topic, req.body)?;
    Ok(Received::Accepted(Accepted {
        dedupe_key: dedupe_key(req.body)?,
        delivery_id: req.header("x-wc-webhook-delivery-id").map(str::to_owned),
        topic,
        triggered_at: None,
    }))
}

/// The unsigned request WooCommerce sends when a webhook is created:
/// `webhook_id=N`.
fn is_ping(body: &[u8]) -> bool {
    std::str::from_utf8(body)
        .ok()
        .and_then(|s| s.trim().strip_prefix("webhook_id="))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

// The status mapping (PLATFORMS.md): the order's `status`.

pub fn order_status(status: &str) -> Option<OrderStatus> {
    Some(match status {
        "pending" | "on-hold" => OrderStatus::Initiated,
        "processing" => OrderStatus::Processing,
        "ready-for-pickup" => OrderStatus::Ready,
        "completed" => OrderStatus::Delivered,
        "cancelled" | "failed" => OrderStatus::Cancelled,
        "refunded" => OrderStatus::Returned,
        // checkout-draft, trash, custom statuses: no notification.
        _ => return None,
    })
}
