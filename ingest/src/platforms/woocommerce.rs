//! WooCommerce: webhooks signed with the webhook's secret
//! (`X-WC-Webhook-Signature`, base64 HMAC-SHA256 over the body); `order.*`
//! payloads are the order as it is when sent.

use notify_core::details::TotalsParts;
use notify_core::event::{Document, DocumentNumber};
use notify_core::money::Money;
use notify_core::{CancelReason, Details, Fulfilment, OrderSource, OrderStatus, TransactionEvent};
use serde::Deserialize;

use crate::normalize::contact::Billing;
use crate::normalize::details::{
    Amount, Lenient, contents, currency, line_item, money, refunded, shipment, sum, totals,
};
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

/// The parts of an order its messages show, read leniently, in a pass of
/// their own ([`contents`]): never on receipt.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Contents {
    currency: Lenient<String>,
    line_items: Lenient<Vec<Lenient<Line>>>,
    total: Lenient<Amount>,
    shipping_total: Lenient<Amount>,
    total_tax: Lenient<Amount>,
    discount_total: Lenient<Amount>,
    refunds: Lenient<Vec<Lenient<RefundLine>>>,
    meta_data: Lenient<Vec<Lenient<Meta>>>,
}

#[derive(Deserialize)]
struct Line {
    #[serde(default)]
    name: Lenient<String>,
    #[serde(default)]
    quantity: Lenient<i64>,
    /// The line before discounts (discounts are listed on their own).
    #[serde(default)]
    subtotal: Lenient<Amount>,
}

#[derive(Deserialize)]
struct RefundLine {
    /// Negative: `"-10.00"`.
    total: Amount,
}

#[derive(Deserialize)]
struct Meta {
    key: String,
    value: serde_json::Value,
}

/// An entry of the Shipment Tracking extensions' `_wc_shipment_tracking_items`.
#[derive(Deserialize)]
struct TrackingItem {
    #[serde(default)]
    tracking_provider: Lenient<String>,
    #[serde(default)]
    custom_tracking_provider: Lenient<String>,
    #[serde(default)]
    tracking_number: Lenient<String>,
    #[serde(default)]
    custom_tracking_link: Lenient<String>,
}

/// The meta field WooCommerce Shipment Tracking (and the extensions
/// compatible with it) keep a shipment's tracking in.
const TRACKING_META: &str = "_wc_shipment_tracking_items";

impl Contents {
    fn details(&self, status: &str) -> Details {
        let currency = currency(self.currency.get().map(String::as_str));
        let amount = |a: &Lenient<Amount>| money(a.get(), currency);
        let lines: Vec<_> = self.line_items.each().collect();
        let items = lines
            .iter()
            .filter_map(|l| {
                line_item(
                    l.name.get().map(String::as_str),
                    None,
                    l.quantity.get().copied(),
                    amount(&l.subtotal),
                )
            })
            .collect();
        // WooCommerce sends no order subtotal: the lines' sum, when every line has one.
        let line_sums: Option<Vec<Money>> = lines.iter().map(|l| amount(&l.subtotal)).collect();
        let totals = amount(&self.total).and_then(|total| {
            totals(TotalsParts {
                subtotal: line_sums.and_then(sum),
                shipping: amount(&self.shipping_total),
                tax: amount(&self.total_tax),
                discount: amount(&self.discount_total),
                total,
            })
        });
        let refunds = self
            .refunds
            .each()
            .filter_map(|r| r.total.in_currency(currency?))
            .map(|m| Money::from_minor(m.minor.abs(), m.currency));
        let fulfilment = self.tracking().or_else(|| {
            (status == "ready-for-pickup").then_some(Fulfilment::Pickup { location: None })
        });
        Details {
            items,
            totals,
            fulfilment,
            cancel_reason: (status == "failed").then_some(CancelReason::Declined),
            ..refunded(sum(refunds))
        }
    }

    /// The latest shipment the tracking extension recorded.
    fn tracking(&self) -> Option<Fulfilment> {
        let meta = self.meta_data.each().find(|m| m.key == TRACKING_META)?;
        let items: Vec<Lenient<TrackingItem>> = serde_json::from_value(meta.value.clone()).ok()?;
        let last = items.iter().filter_map(Lenient::get).next_back()?;
        fn text(l: &Lenient<String>) -> Option<&str> {
            l.get().map(String::as_str).filter(|s| !s.trim().is_empty())
        }
        shipment(
            text(&last.custom_tracking_provider).or(text(&last.tracking_provider)),
            text(&last.tracking_number),
            text(&last.custom_tracking_link),
        )
    }
}

/// The body's own identity for de-duplication: WooCommerce gives every
/// delivery a new id, so the key is order id + status + modification time.
pub fn dedupe_key(body: &[u8]) -> Result<String, NormalizeError> {
    Ok(parse_json::<Order>(body)?.dedupe_key())
}

pub fn normalize(topic: &str, body: &[u8]) -> Result<Normalized, NormalizeError> {
    supported(topic)?;
    parse_json::<Order>(body)?.normalized(topic, body)
}

fn supported(topic: &str) -> Result<(), NormalizeError> {
    if !TOPICS.contains(&topic) {
        return Err(NormalizeError(format!("unsupported topic {topic:?}")));
    }
    Ok(())
}

impl Order {
    fn dedupe_key(&self) -> String {
        format!("{}:{}:{}", self.id, self.status, self.date_modified_gmt)
    }

    /// What the order means; `body` is read again for its contents.
    fn normalized(self, topic: &str, body: &[u8]) -> Result<Normalized, NormalizeError> {
        if topic == "order.deleted" {
            return Ok(Normalized::NoNotification {
                status: "deleted".to_owned(),
            });
        }
        let Some(status) = order_status(&self.status) else {
            return Ok(Normalized::NoNotification {
                status: self.status,
            });
        };
        let b = &self.billing;
        Ok(Normalized::Event(TransactionEvent {
            document: Document::Order {
                source: OrderSource::WooCommerce,
                status,
                id: external_id("id", &self.id.to_string())?,
                number: DocumentNumber::parse(
                    self.number.as_deref().unwrap_or(&self.id.to_string()),
                )
                .map_err(|e| NormalizeError::field("number", e))?,
            },
            customer: b.customer(),
            occurred_at: timestamp("date_modified_gmt", &self.date_modified_gmt)?,
            details: contents::<Contents>(body).details(&self.status),
        }))
    }
}

fn receive(req: &Request<'_>) -> Result<Received, Refused> {
    let signature = req.header("x-wc-webhook-signature");
    if signature.is_none() && is_ping(req.body) {
        return Ok(Received::Ping);
    }
    let secrets = req.secrets(&[WEBHOOK_SECRET]);
    verify_base64_body_hmac(req.body, signature, "X-WC-Webhook-Signature", &secrets)?;
    let topic = req.required("x-wc-webhook-topic")?.to_owned();
    supported(&topic)?;
    // One parse of the order's identity, for the shape and the key.
    let order: Order = parse_json(req.body)?;
    let dedupe_key = order.dedupe_key();
    crate::normalize::check_shape(|| order.normalized(&topic, req.body))?;
    Ok(Received::Accepted(Accepted {
        dedupe_key,
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
