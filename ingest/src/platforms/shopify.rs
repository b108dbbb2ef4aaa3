//! Shopify: webhooks signed with the app's client secret
//! (`X-Shopify-Hmac-Sha256`, base64 HMAC-SHA256 over the body). `orders/*`
//! carry the whole order, from which the status is derived ([`order_status`]);
//! `fulfillments/*`, `refunds/create` and `returns/close` carry only part and
//! are completed from the order's earlier events.

use chrono::{DateTime, Utc};
use notify_core::details::TotalsParts;
use notify_core::event::{Document, DocumentNumber};
use notify_core::money::Money;
use notify_core::{CancelReason, Details, Fulfilment, OrderSource, OrderStatus, TransactionEvent};
use serde::{Deserialize, Serialize};

use crate::normalize::contact::{Contact, customer};
use crate::normalize::details::{
    Amount, Lenient, contents, currency, line_item, link, money, refunded, shipment, sum, times,
    totals,
};
use crate::normalize::{NormalizeError, Normalized, external_id, parse_json, timestamp};
use crate::platform::{Accepted, Platform, PlatformSpec, Received, Refused, Request};
use crate::settings::{Field, FieldKind};
use crate::signature::verify_base64_body_hmac;

pub const PLATFORM: Platform = Platform::new(&SPEC);

const SPEC: PlatformSpec = PlatformSpec {
    slug: "shopify",
    name: "Shopify",
    covers: "Orders from your Shopify store.",
    topics_heading: "Subscribe to",
    topics: TOPICS,
    settings: &[
        Field {
            name: CLIENT_SECRET,
            label: "App client secret",
            hint: "From your Shopify app's API credentials; it signs every webhook.",
            kind: FieldKind::Secret { required: true },
        },
        Field {
            name: PREVIOUS_CLIENT_SECRET,
            label: "Previous client secret (while rotating)",
            hint: "Optional: still accepted until your app has switched over.",
            kind: FieldKind::PreviousOf(CLIENT_SECRET),
        },
    ],
    #[cfg(feature = "receive")]
    receive,
    #[cfg(feature = "receive")]
    normalize: |stored| normalize(stored.topic, stored.body, stored.triggered_at),
    #[cfg(feature = "receive")]
    order_api: None,
};

const CLIENT_SECRET: &str = "client_secret";
const PREVIOUS_CLIENT_SECRET: &str = "previous_client_secret";

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
}

/// The parts of an order its messages show, read leniently, in a pass of
/// their own ([`contents`]): never on receipt.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Contents {
    currency: Lenient<String>,
    presentment_currency: Lenient<String>,
    line_items: Lenient<Vec<Lenient<Line>>>,
    subtotal_price: Lenient<Amount>,
    subtotal_price_set: Lenient<PriceSet>,
    total_price: Lenient<Amount>,
    total_price_set: Lenient<PriceSet>,
    total_tax: Lenient<Amount>,
    total_tax_set: Lenient<PriceSet>,
    total_discounts: Lenient<Amount>,
    total_discounts_set: Lenient<PriceSet>,
    total_shipping_price_set: Lenient<PriceSet>,
    order_status_url: Lenient<String>,
    cancel_reason: Lenient<String>,
}

#[derive(Deserialize)]
struct Line {
    #[serde(default)]
    title: Lenient<String>,
    #[serde(default)]
    name: Lenient<String>,
    #[serde(default)]
    variant_title: Lenient<String>,
    #[serde(default)]
    quantity: Lenient<i64>,
    #[serde(default)]
    price: Lenient<Amount>,
    #[serde(default)]
    price_set: Lenient<PriceSet>,
}

/// An amount in the shop's and in the customer's (presentment) currency.
#[derive(Deserialize)]
struct PriceSet {
    #[serde(default)]
    presentment_money: Lenient<SetMoney>,
}

#[derive(Deserialize)]
struct SetMoney {
    amount: Amount,
    currency_code: String,
}

impl Contents {
    /// An amount as the customer paid it (the presentment money of its
    /// price set), or in the shop's currency when the customer paid in
    /// that: never two currencies in one message.
    fn amount(&self, set: &Lenient<PriceSet>, plain: &Lenient<Amount>) -> Option<Money> {
        let code = |c: &Lenient<String>| currency(c.get().map(String::as_str));
        let paid_in = code(&self.presentment_currency).or(code(&self.currency))?;
        let presented = set
            .get()
            .and_then(|s| s.presentment_money.get())
            .and_then(|m| money(Some(&m.amount), currency(Some(&m.currency_code))));
        let shop = || money(plain.get(), code(&self.currency));
        presented.or_else(shop).filter(|m| m.currency == paid_in)
    }

    fn details(&self, snapshot: &OrderSnapshot) -> Details {
        let none = Lenient::default();
        let items = self
            .line_items
            .each()
            .filter_map(|l| {
                let quantity = l.quantity.get().copied();
                let unit = self.amount(&l.price_set, &l.price);
                line_item(
                    l.title.get().or(l.name.get()).map(String::as_str),
                    l.variant_title.get().map(String::as_str),
                    quantity,
                    times(unit, quantity),
                )
            })
            .collect();
        let totals = self
            .amount(&self.total_price_set, &self.total_price)
            .and_then(|total| {
                totals(TotalsParts {
                    subtotal: self.amount(&self.subtotal_price_set, &self.subtotal_price),
                    shipping: self.amount(&self.total_shipping_price_set, &none),
                    tax: self.amount(&self.total_tax_set, &self.total_tax),
                    discount: self.amount(&self.total_discounts_set, &self.total_discounts),
                    total,
                })
            });
        let cancel_reason = self.cancel_reason.get().map(|r| match r.as_str() {
            "customer" => CancelReason::Customer,
            "inventory" => CancelReason::Inventory,
            "declined" => CancelReason::Declined,
            "fraud" => CancelReason::Fraud,
            _ => CancelReason::Other,
        });
        let refunds = snapshot.refunds.iter().flat_map(Refund::amounts);
        Details {
            items,
            totals,
            fulfilment: snapshot.fulfilment(),
            order_url: link(self.order_status_url.get().map(String::as_str)),
            cancel_reason,
            ..refunded(sum(refunds))
        }
    }
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
    updated_at: Option<String>,
    #[serde(flatten)]
    fulfillment: Fulfillment,
}

#[derive(Deserialize)]
struct RefundPayload {
    order_id: u64,
    created_at: Option<String>,
    #[serde(flatten)]
    refund: Refund,
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
        RETURNS_CLOSE => returned(body, triggered_at),
        other => Err(NormalizeError(format!("unsupported topic {other:?}"))),
    }
}

/// An order payload, read in typed passes that skip what they do not name
/// (no `#[serde(flatten)]`, which would first copy the whole order, every
/// line item included, into a buffer): its identity and contacts, the
/// snapshot its status is derived from, and (not on receipt) its contents.
fn order(body: &[u8]) -> Result<Normalized, NormalizeError> {
    let o: Order = parse_json(body)?;
    let snapshot: OrderSnapshot = parse_json(body)?;
    let Some(status) = order_status(&snapshot) else {
        let described = format!(
            "financial_status={}, fulfillment_status={}",
            snapshot.financial_status.as_deref().unwrap_or("null"),
            snapshot.fulfillment_status.as_deref().unwrap_or("null")
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
        details: contents::<Contents>(body).details(&snapshot),
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
    details: Details,
) -> Result<Normalized, NormalizeError> {
    Ok(Normalized::StatusOnly {
        source: OrderSource::Shopify,
        order_id: external_id("order_id", &order_id.to_string())?,
        status,
        occurred_at,
        details,
    })
}

/// Only the shipment statuses that finish a stage notify from a
/// fulfillment; the order's own webhooks cover the rest.
fn fulfillment(
    body: &[u8],
    triggered_at: Option<DateTime<Utc>>,
) -> Result<Normalized, NormalizeError> {
    let FulfillmentPayload {
        order_id,
        updated_at,
        fulfillment: f,
    } = parse_json(body)?;
    let occurred_at = occurred("updated_at", updated_at.as_deref(), triggered_at)?;
    if !f.is_live() {
        return Ok(Normalized::NoNotification {
            status: format!("fulfillment {}", f.status.unwrap_or_default()),
        });
    }
    let details = Details {
        fulfilment: f.fulfilment(),
        ..Details::default()
    };
    match f.shipment_status.as_deref() {
        Some("delivered" | "picked_up") => {
            status_only(order_id, OrderStatus::Delivered, occurred_at, details)
        }
        Some("ready_for_pickup") => status_only(order_id, OrderStatus::Ready, occurred_at, details),
        other => Ok(Normalized::NoNotification {
            status: format!("shipment_status={}", other.unwrap_or("null")),
        }),
    }
}

fn refund(body: &[u8], triggered_at: Option<DateTime<Utc>>) -> Result<Normalized, NormalizeError> {
    let r: RefundPayload = parse_json(body)?;
    let occurred_at = occurred("created_at", r.created_at.as_deref(), triggered_at)?;
    if r.refund.is_return() {
        let amount = refunded(sum(r.refund.amounts()));
        status_only(r.order_id, OrderStatus::Returned, occurred_at, amount)
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
    status_only(
        order_id,
        RETURN_CLOSED_STATUS,
        occurred_at,
        Details::default(),
    )
}

fn receive(req: &Request<'_>) -> Result<Received, Refused> {
    verify_base64_body_hmac(
        req.body,
        req.header("x-shopify-hmac-sha256"),
        "X-Shopify-Hmac-Sha256",
        &req.secrets(&[CLIENT_SECRET, PREVIOUS_CLIENT_SECRET]),
    )?;
    let topic = req.required("x-shopify-topic")?.to_owned();
    let event_id = req
        .header("x-shopify-event-id")
        .or(req.header("x-shopify-webhook-id"));
    let event_id = event_id.ok_or(crate::signature::SignatureError::MissingHeader(
        "X-Shopify-Event-Id",
    ))?;
    let triggered_at = req
        .header("x-shopify-triggered-at")
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc));
    crate::normalize::check_shape(|| normalize(&topic, req.body, triggered_at.or(Some(req.now))))?;
    Ok(Received::Accepted(Accepted {
        dedupe_key: format!("{event_id}:{topic}"),
        delivery_id: req.header("x-shopify-webhook-id").map(str::to_owned),
        topic,
        triggered_at,
    }))
}

// The status mapping (PLATFORMS.md): derived from the order snapshot.

/// The fields of a Shopify order that decide its status, named as in
/// Shopify's payload so the webhook body deserialises straight into it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSnapshot {
    #[serde(default)]
    pub financial_status: Option<String>,
    #[serde(default)]
    pub fulfillment_status: Option<String>,
    #[serde(default)]
    pub cancelled_at: Option<String>,
    #[serde(default)]
    pub fulfillments: Vec<Fulfillment>,
    #[serde(default)]
    pub refunds: Vec<Refund>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fulfillment {
    /// success, pending, open, cancelled, error, failure
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub shipment_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_url: Option<String>,
}

impl Fulfillment {
    fn is_live(&self) -> bool {
        !matches!(
            self.status.as_deref(),
            Some("cancelled" | "error" | "failure")
        )
    }

    /// Where the parcel is: waiting at a pickup point, or with a carrier.
    fn fulfilment(&self) -> Option<Fulfilment> {
        if self.shipment_status.as_deref() == Some("ready_for_pickup") {
            return Some(Fulfilment::Pickup { location: None });
        }
        shipment(
            self.tracking_company.as_deref(),
            self.tracking_number.as_deref(),
            self.tracking_url.as_deref(),
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    #[serde(default)]
    pub refund_line_items: Vec<RefundLineItem>,
    /// The money movements; `kind: refund` ones are what went back.
    #[serde(default, skip_serializing_if = "Lenient::is_absent")]
    transactions: Lenient<Vec<Lenient<Transaction>>>,
}

impl Refund {
    /// What went back to the customer.
    fn amounts(&self) -> impl Iterator<Item = Money> + '_ {
        self.transactions.each().filter_map(Transaction::refunded)
    }

    fn is_return(&self) -> bool {
        self.refund_line_items
            .iter()
            .any(|li| li.restock_type.as_deref() == Some("return"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Transaction {
    kind: String,
    #[serde(default)]
    status: Option<String>,
    amount: Amount,
    currency: String,
}

impl Transaction {
    fn refunded(&self) -> Option<Money> {
        let ok = self.kind == "refund" && matches!(self.status.as_deref(), None | Some("success"));
        ok.then(|| money(Some(&self.amount), currency(Some(&self.currency))))
            .flatten()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundLineItem {
    #[serde(default)]
    pub restock_type: Option<String>,
}

/// The topic whose payload is a closed Return rather than an order.
pub const RETURNS_CLOSE: &str = "returns/close";

/// The status a `returns/close` webhook reports.
pub const RETURN_CLOSED_STATUS: OrderStatus = OrderStatus::Returned;

impl OrderSnapshot {
    fn live_fulfillments(&self) -> impl Iterator<Item = &Fulfillment> {
        self.fulfillments.iter().filter(|f| f.is_live())
    }

    /// The latest live fulfilment that says where the parcel is.
    fn fulfilment(&self) -> Option<Fulfilment> {
        self.live_fulfillments()
            .filter_map(Fulfillment::fulfilment)
            .last()
    }

    fn any_shipment(&self, statuses: &[&str]) -> bool {
        self.live_fulfillments().any(|f| {
            f.shipment_status
                .as_deref()
                .is_some_and(|s| statuses.contains(&s))
        })
    }
}

/// Checked from the most final state to the earliest, so a snapshot that
/// shows several signs reports the furthest one.
pub fn order_status(order: &OrderSnapshot) -> Option<OrderStatus> {
    let financial = order.financial_status.as_deref();
    let fulfillment = order.fulfillment_status.as_deref();
    if order.cancelled_at.is_some() || financial == Some("voided") {
        return Some(OrderStatus::Cancelled);
    }
    if order.refunds.iter().any(Refund::is_return) {
        return Some(OrderStatus::Returned);
    }
    if order.any_shipment(&["delivered", "picked_up"]) {
        return Some(OrderStatus::Delivered);
    }
    if fulfillment == Some("fulfilled") || order.any_shipment(&["ready_for_pickup"]) {
        return Some(OrderStatus::Ready);
    }
    let unshipped_fulfillment = order
        .live_fulfillments()
        .any(|f| f.shipment_status.is_none());
    if fulfillment == Some("partial") || unshipped_fulfillment {
        return Some(OrderStatus::Processing);
    }
    let nothing_fulfilled = fulfillment.is_none() && order.live_fulfillments().next().is_none();
    match financial {
        Some("paid") if nothing_fulfilled => Some(OrderStatus::SentForProcessing),
        Some("pending" | "authorized") if nothing_fulfilled => Some(OrderStatus::Initiated),
        _ => None,
    }
}
