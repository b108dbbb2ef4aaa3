//! BigCommerce: hooks carry the merchant's shared secret in a custom header
//! (and, from an app, a Standard Webhooks signature), and only ids
//! (`data.id`, or `data.orderId` for shipments), so the order is fetched
//! over the REST API (`GET /stores/{hash}/v2/orders/{id}`) and read with
//! [`order`]; its items (`…/products`, read with [`products`]) and, when the
//! message shows tracking, its shipments (`…/shipments`, read with
//! [`shipments`]) are fetched after it.

use notify_core::details::{Fulfilment, TotalsParts};
use notify_core::event::{Document, DocumentNumber};
use notify_core::money::Currency;
use notify_core::{Details, OrderSource, OrderStatus, TransactionEvent};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::normalize::contact::Billing;
use crate::normalize::details::{
    Amount, Lenient, currency, line_item, money, refunded, shipment, sum, totals,
};
use crate::normalize::{NormalizeError, Normalized, external_id, parse_json, timestamp};
use crate::platform::{
    Accepted, ApiRequest, OrderApi, OrderPart, Platform, PlatformSpec, Received, Refused, Request,
};
use crate::settings::{Field, FieldKind, IntegrationConfig};
use crate::signature::{SignatureError, standard_webhooks};

pub const PLATFORM: Platform = Platform::new(&SPEC);

const SPEC: PlatformSpec = PlatformSpec {
    slug: "bigcommerce",
    name: "BigCommerce",
    covers: "Orders from your BigCommerce store (we fetch each order's details with your API token).",
    topics_heading: "Subscribe to",
    topics: SCOPES,
    settings: &[
        Field {
            name: STORE_HASH,
            label: "Store hash",
            hint: "The part after /stores/ in your API path.",
            kind: FieldKind::Text {
                valid: |h| h.len() <= 64 && h.chars().all(|c| c.is_ascii_alphanumeric()),
                message: "must be the store hash from your BigCommerce API path, letters and digits",
            },
        },
        Field {
            name: API_TOKEN,
            label: "API account access token",
            hint: "The Orders read-only scope is enough (it covers each order's products and shipments).",
            kind: FieldKind::Secret { required: true },
        },
        Field {
            name: HOOK_SECRET,
            label: "Webhook header secret",
            hint: "Set it as the X-Notify-Hook-Secret header when you create the webhooks.",
            kind: FieldKind::Secret { required: true },
        },
        Field {
            name: CLIENT_SECRET,
            label: "App client secret (optional)",
            hint: "Only for hooks created by a BigCommerce app: their signatures are then checked too.",
            kind: FieldKind::Secret { required: false },
        },
    ],
    #[cfg(feature = "receive")]
    receive,
    #[cfg(feature = "receive")]
    normalize: |stored| normalize_hook(stored.body),
    #[cfg(feature = "receive")]
    order_api: Some(OrderApi {
        default_base: "https://api.bigcommerce.com/",
        request: order_request,
        read: |order, hook| order_for_hook(order, hook.body),
        parts: PARTS,
    }),
};

/// The order's parts at their own addresses below the order's. v2 lists
/// are paged (50 to a page unless asked); 250 is the most a page holds, and
/// lines beyond the first 250 are not fetched (a message lists 10 and
/// counts the rest, so an order of more than 250 lines is counted short).
/// The API token's read-only Orders scope covers both.
const PARTS: &[OrderPart] = &[
    OrderPart {
        name: "items",
        path: "products?limit=250",
        wanted: |_| true,
        read: products,
    },
    OrderPart {
        name: "tracking",
        path: "shipments?limit=250",
        wanted: shows_tracking,
        read: |part, _| shipments(part),
    },
];

/// The statuses whose messages show tracking (shipped or ready for
/// pickup, delivered): the shipments are fetched for these only. An order
/// Awaiting Fulfillment has none yet.
fn shows_tracking(status: OrderStatus) -> bool {
    matches!(status, OrderStatus::Ready | OrderStatus::Delivered)
}

const STORE_HASH: &str = "store_hash";
const API_TOKEN: &str = "api_token";
const HOOK_SECRET: &str = "hook_secret";
const CLIENT_SECRET: &str = "client_secret";

/// The header in which hooks carry the shared secret that the merchant set
/// as a custom header when creating the hook.
pub const SECRET_HEADER: &str = "x-notify-hook-secret";

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
    /// When the hook was made (Unix seconds).
    created_at: Option<i64>,
    data: HookData,
}

#[derive(Deserialize)]
struct HookData {
    id: u64,
    #[serde(rename = "orderId")]
    order_id: Option<u64>,
    /// `store/order/statusUpdated`: the transition.
    status: Option<Transition>,
}

#[derive(Deserialize)]
struct Transition {
    new_status_id: u64,
}

#[derive(Deserialize)]
struct Order {
    id: u64,
    status_id: u64,
    date_modified: String,
    #[serde(default)]
    billing_address: Billing,
    #[serde(flatten)]
    money: OrderMoney,
}

/// The currency the order's amounts are in: the transactional one
/// (`default_currency_code`, what the shopper pays in). `currency_code` is
/// the storefront's display currency, the same unless the store shows
/// prices in another; it is taken only when the other is missing.
#[derive(Deserialize, Default)]
#[serde(default)]
struct OrderCurrency {
    default_currency_code: Lenient<String>,
    currency_code: Lenient<String>,
}

impl OrderCurrency {
    fn currency(&self) -> Option<Currency> {
        let code = |c: &Lenient<String>| currency(c.get().map(String::as_str));
        code(&self.default_currency_code).or_else(|| code(&self.currency_code))
    }
}

/// The fetched order's money, read leniently (strings such as `"129.5000"`).
#[derive(Deserialize, Default)]
#[serde(default)]
struct OrderMoney {
    #[serde(flatten)]
    currency: OrderCurrency,
    subtotal_ex_tax: Lenient<Amount>,
    shipping_cost_ex_tax: Lenient<Amount>,
    total_tax: Lenient<Amount>,
    discount_amount: Lenient<Amount>,
    coupon_discount: Lenient<Amount>,
    total_inc_tax: Lenient<Amount>,
    refunded_amount: Lenient<Amount>,
}

impl OrderMoney {
    fn details(&self) -> Details {
        let currency = self.currency.currency();
        let amount = |a: &Lenient<Amount>| money(a.get(), currency);
        let discount = sum(
            [amount(&self.discount_amount), amount(&self.coupon_discount)]
                .into_iter()
                .flatten(),
        );
        let totals = amount(&self.total_inc_tax).and_then(|total| {
            totals(TotalsParts {
                subtotal: amount(&self.subtotal_ex_tax),
                shipping: amount(&self.shipping_cost_ex_tax),
                tax: amount(&self.total_tax),
                discount,
                total,
            })
        });
        Details {
            totals,
            ..refunded(amount(&self.refunded_amount))
        }
    }
}

/// The hook's `hash`, BigCommerce's own de-duplication key.
pub fn dedupe_key(body: &[u8]) -> Result<Option<String>, NormalizeError> {
    let hook: Hook = parse_json(body)?;
    Ok(hook.dedupe_key())
}

pub fn normalize_hook(body: &[u8]) -> Result<Normalized, NormalizeError> {
    let hook: Hook = parse_json(body)?;
    Ok(Normalized::FetchOrder {
        order_id: hook.order_id()?,
    })
}

impl Hook {
    fn dedupe_key(&self) -> Option<String> {
        self.hash.clone().filter(|h| !h.is_empty())
    }

    /// The order it is about, for a scope we subscribe to.
    fn order_id(&self) -> Result<u64, NormalizeError> {
        if !SCOPES.contains(&self.scope.as_str()) {
            return Err(NormalizeError(format!(
                "unsupported scope {:?}",
                self.scope
            )));
        }
        if self.scope.starts_with("store/shipment/") {
            self.data
                .order_id
                .ok_or_else(|| NormalizeError::field("data.orderId", "missing"))
        } else {
            Ok(self.data.id)
        }
    }
}

/// The fetched order (`/v2/orders/{id}`) on its own: its status now.
pub fn order(body: &[u8]) -> Result<Normalized, NormalizeError> {
    order_as_reported(body, None)
}

/// The fetched order as `hook` reports it: a `store/order/statusUpdated`
/// hook's transition is the event (its `new_status_id`, at the hook's
/// `created_at`), since the order may have moved on by the time it is
/// fetched; other hooks take the order's status now. The order supplies
/// the customer.
pub fn order_for_hook(order: &[u8], hook: &[u8]) -> Result<Normalized, NormalizeError> {
    let hook: Hook = parse_json(hook)?;
    let reported = hook.data.status.map(|t| Reported {
        status_id: t.new_status_id,
        at: hook
            .created_at
            .and_then(|s| chrono::DateTime::from_timestamp(s, 0)),
    });
    order_as_reported(order, reported)
}

/// A status change a hook reports.
struct Reported {
    status_id: u64,
    at: Option<chrono::DateTime<chrono::Utc>>,
}

fn order_as_reported(
    body: &[u8],
    reported: Option<Reported>,
) -> Result<Normalized, NormalizeError> {
    let o: Order = parse_json(body)?;
    let status_id = reported.as_ref().map_or(o.status_id, |r| r.status_id);
    let Some(status) = order_status(status_id) else {
        let name = status_name(status_id).unwrap_or("unknown");
        return Ok(Normalized::NoNotification {
            status: format!("{status_id} ({name})"),
        });
    };
    let occurred_at = match reported.and_then(|r| r.at) {
        Some(at) => at,
        None => timestamp("date_modified", &o.date_modified)?,
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
        customer: b.customer(),
        occurred_at,
        details: o.money.details(),
    }))
}

/// A line of `GET /v2/orders/{id}/products`.
#[derive(Deserialize)]
struct ProductLine {
    #[serde(default)]
    name: Lenient<String>,
    /// The name shown to the customer, when the store set one apart.
    #[serde(default)]
    name_customer: Lenient<String>,
    #[serde(default)]
    quantity: Lenient<i64>,
    /// The line's price before tax, as the order's subtotal
    /// (`subtotal_ex_tax`) that the message shows with it.
    #[serde(default)]
    total_ex_tax: Lenient<Amount>,
    #[serde(default)]
    product_options: Lenient<Vec<Lenient<ProductOption>>>,
    /// Set on the products a bundle (a pick list option) added: the bundle's
    /// own line names them among its options.
    #[serde(default)]
    parent_order_product_id: Lenient<u64>,
}

#[derive(Deserialize)]
struct ProductOption {
    /// The chosen value as the customer saw it ("Large", "Blue").
    #[serde(default)]
    display_value: Lenient<String>,
}

/// An answer without a body: BigCommerce answers `204 No Content` for an
/// empty list.
fn is_empty_list(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

/// The order's lines (`GET /v2/orders/{id}/products`), priced in the
/// order's currency: the variant is the chosen options' values joined by
/// " / ". A line that does not read is left out; an answer that is not a
/// list is an error (the message goes without items).
pub fn products(body: &[u8], order: &[u8]) -> Result<Details, NormalizeError> {
    if is_empty_list(body) {
        return Ok(Details::default());
    }
    let lines: Vec<Lenient<ProductLine>> = parse_json(body)?;
    let currency = serde_json::from_slice::<OrderCurrency>(order)
        .ok()
        .and_then(|c| c.currency());
    let items = lines
        .iter()
        .filter_map(Lenient::get)
        .filter(|line| line.parent_order_product_id.is_absent())
        .filter_map(|line| {
            let variant = line
                .product_options
                .each()
                .filter_map(|o| text(&o.display_value))
                .collect::<Vec<_>>()
                .join(" / ");
            line_item(
                text(&line.name_customer).or(text(&line.name)),
                Some(variant.as_str()),
                line.quantity.get().copied(),
                money(line.total_ex_tax.get(), currency),
            )
        })
        .collect();
    Ok(Details {
        items,
        ..Details::default()
    })
}

/// A shipment of `GET /v2/orders/{id}/shipments`.
#[derive(Deserialize)]
struct Shipment {
    #[serde(default)]
    id: Lenient<u64>,
    #[serde(default)]
    date_created: Lenient<String>,
    #[serde(default)]
    tracking_number: Lenient<String>,
    /// An AfterShip courier code ("ups", "royal-mail"), or empty.
    #[serde(default)]
    tracking_carrier: Lenient<String>,
    /// The store's shipping provider ("usps", "auspost", "carrier_{id}").
    #[serde(default)]
    shipping_provider: Lenient<String>,
    /// BigCommerce's name for the provider ("USPS").
    #[serde(default)]
    shipping_provider_display_name: Lenient<String>,
    /// A link the merchant supplied.
    #[serde(default)]
    tracking_link: Lenient<String>,
    /// The carrier's (or AfterShip's) page BigCommerce made from the
    /// number and carrier; empty when the merchant supplied a link.
    #[serde(default)]
    generated_tracking_link: Lenient<String>,
}

impl Shipment {
    fn carrier(&self) -> Option<String> {
        text(&self.tracking_carrier)
            .and_then(carrier_name)
            .or_else(|| text(&self.shipping_provider_display_name).map(str::to_owned))
            .or_else(|| text(&self.shipping_provider).and_then(carrier_name))
    }

    fn fulfilment(&self) -> Option<Fulfilment> {
        let link = text(&self.tracking_link).or_else(|| text(&self.generated_tracking_link));
        shipment(self.carrier().as_deref(), text(&self.tracking_number), link)
    }

    /// Newest first: by `date_created`, then by id.
    fn age_key(&self) -> (Option<chrono::DateTime<chrono::Utc>>, Option<u64>) {
        let created = self
            .date_created
            .get()
            .and_then(|d| timestamp("date_created", d).ok());
        (created, self.id.get().copied())
    }
}

/// A text field's trimmed value, when it has one.
fn text(field: &Lenient<String>) -> Option<&str> {
    field.get().map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// The newest shipment's tracking (`GET /v2/orders/{id}/shipments`):
/// carrier, number and link. Nothing when there is none (BigCommerce answers
/// `204` for an order without shipments); an answer that is not a list is
/// an error (the message goes without tracking).
pub fn shipments(body: &[u8]) -> Result<Details, NormalizeError> {
    if is_empty_list(body) {
        return Ok(Details::default());
    }
    let shipments: Vec<Lenient<Shipment>> = parse_json(body)?;
    let fulfilment = shipments
        .iter()
        .filter_map(Lenient::get)
        .filter_map(|s| Some((s.age_key(), s.fulfilment()?)))
        .max_by(|(a, _), (b, _)| a.cmp(b))
        .map(|(_, f)| f);
    Ok(Details {
        fulfilment,
        ..Details::default()
    })
}

/// A carrier's name for the customer from BigCommerce's provider and
/// AfterShip's courier codes; other text as given. Providers that are not
/// carriers (an empty one, "custom", ShipperHQ's rates, a third-party
/// provider's `carrier_{id}`) name none.
fn carrier_name(code: &str) -> Option<String> {
    let key: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let known = match key.as_str() {
        "" | "none" | "custom" | "shipperhq" => return None,
        k if k.starts_with("carrier") && code.contains('_') => return None,
        "ups" | "upsready" | "upsonline" => "UPS",
        "usps" | "endicia" => "USPS",
        "fedex" => "FedEx",
        "dhl" | "dhlexpress" => "DHL",
        "auspost" | "australiapost" => "Australia Post",
        "royalmail" => "Royal Mail",
        "canadapost" => "Canada Post",
        _ => return Some(code.trim().to_owned()),
    };
    Some(known.to_owned())
}

fn receive(req: &Request<'_>) -> Result<Received, Refused> {
    let given = req.required(SECRET_HEADER)?;
    let expected = req
        .settings
        .secret(HOOK_SECRET)
        .ok_or(SignatureError::NoSecret)?;
    let same = Sha256::digest(given.as_bytes()).ct_eq(&Sha256::digest(expected.expose()));
    if !bool::from(same) {
        return Err(SignatureError::Mismatch.into());
    }
    if let Some(client_secret) = req.settings.secret(CLIENT_SECRET) {
        let signed = standard_webhooks::from_headers(req.headers)?;
        let keys = [client_secret.expose().as_bytes().to_vec()];
        standard_webhooks::verify(&signed, req.body, &keys, req.now.timestamp())?;
    }
    // One read of the body: its shape, its key and its scope.
    let hook: Hook = parse_json(req.body)?;
    hook.order_id()?;
    let key = hook
        .dedupe_key()
        .or_else(|| req.header("webhook-id").map(str::to_owned))
        .unwrap_or_else(|| {
            Sha256::digest(req.body)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        });
    Ok(Received::Accepted(Accepted {
        topic: hook.scope,
        dedupe_key: key,
        delivery_id: req.header("webhook-id").map(str::to_owned),
        triggered_at: None,
    }))
}

fn order_request(settings: &IntegrationConfig, order_id: u64) -> Result<ApiRequest, String> {
    let store_hash = settings.text(STORE_HASH).ok_or("no store hash")?;
    let token = settings.secret(API_TOKEN).ok_or("no API token")?;
    Ok(ApiRequest {
        path: format!("stores/{store_hash}/v2/orders/{order_id}"),
        headers: vec![("X-Auth-Token", token.clone())],
    })
}

// The status mapping (PLATFORMS.md): the order's `status_id`
// (`new_status_id` in `store/order/statusUpdated`).

pub fn order_status(status_id: u64) -> Option<OrderStatus> {
    Some(match status_id {
        // Pending, Awaiting Payment, Manual Verification Required
        1 | 7 | 12 => OrderStatus::Initiated,
        // Awaiting Fulfillment
        11 => OrderStatus::SentForProcessing,
        // Awaiting Shipment, Partially Shipped
        9 | 3 => OrderStatus::Processing,
        // Awaiting Pickup, Shipped
        8 | 2 => OrderStatus::Ready,
        // Completed
        10 => OrderStatus::Delivered,
        // Cancelled, Declined
        5 | 6 => OrderStatus::Cancelled,
        // Refunded
        4 => OrderStatus::Returned,
        // Incomplete (0), Disputed (13), Partially Refunded (14), unknown
        _ => return None,
    })
}

/// BigCommerce's own name for a status id, for logs and the event log.
pub fn status_name(status_id: u64) -> Option<&'static str> {
    Some(match status_id {
        0 => "Incomplete",
        1 => "Pending",
        2 => "Shipped",
        3 => "Partially Shipped",
        4 => "Refunded",
        5 => "Cancelled",
        6 => "Declined",
        7 => "Awaiting Payment",
        8 => "Awaiting Pickup",
        9 => "Awaiting Shipment",
        10 => "Completed",
        11 => "Awaiting Fulfillment",
        12 => "Manual Verification Required",
        13 => "Disputed",
        14 => "Partially Refunded",
        _ => return None,
    })
}
