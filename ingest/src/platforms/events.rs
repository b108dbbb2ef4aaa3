//! The generic signed endpoint for the merchant's own systems (CTO,
//! Fanvista, retailcloud Online) and invoices: Standard Webhooks signatures
//! with a `whsec_` secret we generate. Statuses are ours already.

use notify_core::details::TotalsParts;
use notify_core::event::{Document, DocumentNumber};
use notify_core::money::{Currency, MoneyError};
use notify_core::{
    CancelReason, Details, Fulfilment, InvoiceStatus, OrderSource, OrderStatus, TransactionEvent,
};
use serde::Deserialize;

use crate::normalize::contact::{Contact, customer};
use crate::normalize::details::{
    Amount, Lenient, currency, label, line_item, link, money, refunded, shipment, totals,
};
use crate::normalize::{NormalizeError, Normalized, external_id, parse_json, timestamp};
use crate::platform::{Accepted, Platform, PlatformSpec, Received, Refused, Request};
use crate::settings::{Field, FieldKind};
use crate::signature::standard_webhooks;

pub const PLATFORM: Platform = Platform::new(&SPEC);

const SPEC: PlatformSpec = PlatformSpec {
    slug: "events",
    name: "Your own systems",
    covers: "CTO, Fanvista and retailcloud Online orders, and invoices, sent by your systems to one signed endpoint (Standard Webhooks).",
    topics_heading: "Event types to send",
    topics: TYPES,
    settings: &[
        Field {
            name: SIGNING_SECRET,
            label: "Signing secret",
            hint: "Generated when you create the endpoint, and on every rotation; shown once.",
            kind: FieldKind::Generated { prefix: "whsec_" },
        },
        Field {
            name: "previous_signing_secret",
            label: "Previous signing secret",
            hint: "Still accepted until your systems have switched over.",
            kind: FieldKind::PreviousOf(SIGNING_SECRET),
        },
    ],
    #[cfg(feature = "receive")]
    receive,
    #[cfg(feature = "receive")]
    normalize: |stored| normalize(stored.body),
    #[cfg(feature = "receive")]
    order_api: None,
};

const SIGNING_SECRET: &str = "signing_secret";

/// The event types the endpoint accepts (the `type` field).
pub const TYPES: &[&str] = &[ORDER_CHANGED, INVOICE_CHANGED];
const ORDER_CHANGED: &str = "order.status_changed";
const INVOICE_CHANGED: &str = "invoice.status_changed";

#[derive(Deserialize)]
#[serde(tag = "type")]
enum Body {
    #[serde(rename = "order.status_changed")]
    Order {
        source: OrderSource,
        order: OrderPart,
        customer: CustomerPart,
    },
    #[serde(rename = "invoice.status_changed")]
    Invoice {
        invoice: InvoicePart,
        customer: CustomerPart,
    },
}

#[derive(Deserialize)]
struct OrderPart {
    id: IdValue,
    number: Option<IdValue>,
    status: OrderStatus,
    updated_at: String,
    #[serde(flatten)]
    contents: Contents,
}

#[derive(Deserialize)]
struct InvoicePart {
    id: IdValue,
    number: Option<IdValue>,
    status: InvoiceStatus,
    updated_at: String,
    total: Option<Amount>,
    #[serde(flatten)]
    contents: Contents,
}

/// The optional parts of an order or invoice that messages show (README's
/// schema). Read leniently: a part that does not fit is left out of the
/// message, and the event still notifies.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Contents {
    /// ISO 4217, for every amount of the order or invoice.
    currency: Option<String>,
    items: Lenient<Vec<Lenient<ItemPart>>>,
    totals: Lenient<TotalsPart>,
    tracking: Lenient<TrackingPart>,
    pickup: Lenient<PickupPart>,
    order_url: Lenient<String>,
    cancel_reason: Lenient<CancelReason>,
    refunded: Lenient<Amount>,
}

#[derive(Deserialize)]
struct ItemPart {
    name: String,
    variant: Option<String>,
    quantity: i64,
    /// The line's price (quantity × unit price).
    price: Option<Amount>,
}

#[derive(Deserialize)]
struct TotalsPart {
    subtotal: Option<Amount>,
    shipping: Option<Amount>,
    tax: Option<Amount>,
    discount: Option<Amount>,
    total: Amount,
}

#[derive(Deserialize)]
struct TrackingPart {
    carrier: Option<String>,
    number: Option<String>,
    url: Option<String>,
}

#[derive(Deserialize)]
struct PickupPart {
    location: Option<String>,
}

impl Contents {
    fn currency(&self) -> Option<Currency> {
        currency(self.currency.as_deref())
    }

    fn details(&self) -> Details {
        let currency = self.currency();
        let amount = |a: Option<&Amount>| money(a, currency);
        let items = self
            .items
            .each()
            .filter_map(|i| {
                line_item(
                    Some(&i.name),
                    i.variant.as_deref(),
                    Some(i.quantity),
                    amount(i.price.as_ref()),
                )
            })
            .collect();
        let totals = self.totals.get().and_then(|t| {
            totals(TotalsParts {
                subtotal: amount(t.subtotal.as_ref()),
                shipping: amount(t.shipping.as_ref()),
                tax: amount(t.tax.as_ref()),
                discount: amount(t.discount.as_ref()),
                total: amount(Some(&t.total))?,
            })
        });
        let fulfilment = match (self.tracking.get(), self.pickup.get()) {
            (Some(t), _) => shipment(t.carrier.as_deref(), t.number.as_deref(), t.url.as_deref()),
            (None, Some(p)) => Some(Fulfilment::Pickup {
                location: label(p.location.as_deref()),
            }),
            (None, None) => None,
        };
        Details {
            items,
            totals,
            fulfilment,
            order_url: link(self.order_url.get().map(String::as_str)),
            cancel_reason: self.cancel_reason.get().copied(),
            ..refunded(amount(self.refunded.get()))
        }
    }
}

/// Ids and numbers may be sent as strings or numbers.
#[derive(Deserialize)]
#[serde(untagged)]
enum IdValue {
    Text(String),
    Number(u64),
}

impl IdValue {
    fn text(&self) -> String {
        match self {
            IdValue::Text(s) => s.clone(),
            IdValue::Number(n) => n.to_string(),
        }
    }
}

#[derive(Deserialize, Default)]
struct CustomerPart {
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

pub fn normalize(body: &[u8]) -> Result<Normalized, NormalizeError> {
    let parsed: Body = parse_json(body)?;
    let event = match parsed {
        Body::Order {
            source,
            order,
            customer: c,
        } => {
            if matches!(
                source,
                OrderSource::Shopify | OrderSource::BigCommerce | OrderSource::WooCommerce
            ) {
                return Err(NormalizeError::field(
                    "source",
                    format!(
                        "{} sends its own webhooks to /webhooks/{}",
                        source.display_name(),
                        source.slug()
                    ),
                ));
            }
            let id = order.id.text();
            TransactionEvent {
                document: Document::Order {
                    source,
                    status: order.status,
                    id: external_id("order.id", &id)?,
                    number: DocumentNumber::parse(&order.number.map_or(id, |n| n.text()))
                        .map_err(|e| NormalizeError::field("order.number", e))?,
                },
                customer: contact(&c),
                occurred_at: timestamp("order.updated_at", &order.updated_at)?,
                details: order.contents.details(),
            }
        }
        Body::Invoice {
            invoice,
            customer: c,
        } => {
            let total = match (&invoice.total, &invoice.contents.currency) {
                (None, _) => None,
                (Some(_), None) => {
                    return Err(NormalizeError::field(
                        "invoice.currency",
                        "required with a total",
                    ));
                }
                (Some(amount), Some(code)) => {
                    let currency = Currency::parse(code)
                        .map_err(|e| NormalizeError::field("invoice.currency", e))?;
                    Some(amount.in_currency(currency).ok_or_else(|| {
                        NormalizeError::field(
                            "invoice.total",
                            MoneyError::Amount(currency.exponent()),
                        )
                    })?)
                }
            };
            let id = invoice.id.text();
            TransactionEvent {
                document: Document::Invoice {
                    status: invoice.status,
                    id: external_id("invoice.id", &id)?,
                    number: DocumentNumber::parse(&invoice.number.map_or(id, |n| n.text()))
                        .map_err(|e| NormalizeError::field("invoice.number", e))?,
                    total,
                },
                customer: contact(&c),
                occurred_at: timestamp("invoice.updated_at", &invoice.updated_at)?,
                details: invoice.contents.details(),
            }
        }
    };
    Ok(Normalized::Event(event))
}

fn contact(c: &CustomerPart) -> notify_core::Customer {
    customer(Contact {
        first_name: None,
        last_name: None,
        full_name: c.name.as_deref(),
        email: c.email.as_deref(),
        phone: c.phone.as_deref(),
        country: None,
    })
}

fn receive(req: &Request<'_>) -> Result<Received, Refused> {
    let signed = standard_webhooks::from_headers(req.headers)?;
    let keys: Vec<Vec<u8>> = req
        .secrets(&[SIGNING_SECRET, "previous_signing_secret"])
        .into_iter()
        .filter_map(standard_webhooks::decode_secret)
        .collect();
    standard_webhooks::verify(&signed, req.body, &keys, req.now.timestamp())?;
    // The body's `type`, read once with the rest of its shape.
    let topic = match crate::normalize::check_shape(|| normalize(req.body))? {
        Normalized::Event(TransactionEvent {
            document: Document::Invoice { .. },
            ..
        }) => INVOICE_CHANGED,
        _ => ORDER_CHANGED,
    };
    Ok(Received::Accepted(Accepted {
        topic: topic.to_owned(),
        dedupe_key: signed.id.to_owned(),
        delivery_id: Some(signed.id.to_owned()),
        triggered_at: None,
    }))
}
