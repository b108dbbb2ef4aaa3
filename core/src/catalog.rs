//! What can trigger a notification: order sources and statuses, invoice
//! statuses, and the two channels. Display names are the product's wording;
//! wire names (serde) are the public JSON API's.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where an order comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrderSource {
    Cto,
    Fanvista,
    Shopify,
    #[serde(rename = "bigcommerce")]
    BigCommerce,
    #[serde(rename = "woocommerce")]
    WooCommerce,
    #[serde(rename = "retailcloud_online")]
    RetailcloudOnline,
}

impl OrderSource {
    pub const ALL: [OrderSource; 6] = [
        OrderSource::Cto,
        OrderSource::Fanvista,
        OrderSource::Shopify,
        OrderSource::BigCommerce,
        OrderSource::WooCommerce,
        OrderSource::RetailcloudOnline,
    ];

    pub const fn display_name(self) -> &'static str {
        match self {
            OrderSource::Cto => "CTO",
            OrderSource::Fanvista => "Fanvista",
            OrderSource::Shopify => "Shopify",
            OrderSource::BigCommerce => "BigCommerce",
            OrderSource::WooCommerce => "WooCommerce",
            OrderSource::RetailcloudOnline => "retailcloud Online",
        }
    }

    /// The wire name used in JSON and URLs.
    pub const fn slug(self) -> &'static str {
        match self {
            OrderSource::Cto => "cto",
            OrderSource::Fanvista => "fanvista",
            OrderSource::Shopify => "shopify",
            OrderSource::BigCommerce => "bigcommerce",
            OrderSource::WooCommerce => "woocommerce",
            OrderSource::RetailcloudOnline => "retailcloud_online",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// Whether orders from this source can ever reach `status`, per the
    /// product's mapping table (PLATFORMS.md). The merchant's own systems
    /// send our statuses directly, so they can reach all of them.
    pub const fn can_emit(self, status: OrderStatus) -> bool {
        !matches!(
            (self, status),
            (OrderSource::WooCommerce, OrderStatus::SentForProcessing)
        )
    }
}

/// The seven order statuses a merchant can notify on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrderStatus {
    Initiated,
    SentForProcessing,
    Processing,
    Ready,
    Delivered,
    Cancelled,
    Returned,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 7] = [
        OrderStatus::Initiated,
        OrderStatus::SentForProcessing,
        OrderStatus::Processing,
        OrderStatus::Ready,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
        OrderStatus::Returned,
    ];

    pub const fn display_name(self) -> &'static str {
        match self {
            OrderStatus::Initiated => "Initiated",
            OrderStatus::SentForProcessing => "Sent for Processing",
            OrderStatus::Processing => "Processing",
            OrderStatus::Ready => "Ready",
            OrderStatus::Delivered => "Delivered",
            OrderStatus::Cancelled => "Cancelled",
            OrderStatus::Returned => "Returned",
        }
    }

    pub const fn slug(self) -> &'static str {
        match self {
            OrderStatus::Initiated => "initiated",
            OrderStatus::SentForProcessing => "sent_for_processing",
            OrderStatus::Processing => "processing",
            OrderStatus::Ready => "ready",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Returned => "returned",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }
}

/// The two invoice statuses a merchant can notify on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum InvoiceStatus {
    Closed,
    Cancelled,
}

impl InvoiceStatus {
    pub const ALL: [InvoiceStatus; 2] = [InvoiceStatus::Closed, InvoiceStatus::Cancelled];

    pub const fn display_name(self) -> &'static str {
        match self {
            InvoiceStatus::Closed => "Closed",
            InvoiceStatus::Cancelled => "Cancelled",
        }
    }

    pub const fn slug(self) -> &'static str {
        match self {
            InvoiceStatus::Closed => "closed",
            InvoiceStatus::Cancelled => "cancelled",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }
}

/// How a customer is notified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Email, Channel::Sms];

    pub const fn display_name(self) -> &'static str {
        match self {
            Channel::Email => "Email",
            Channel::Sms => "SMS",
        }
    }

    pub const fn slug(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.slug() == slug)
    }
}

/// An event a rule can be attached to. On the wire it is internally tagged
/// (`{"kind": "order", "source": "shopify", "status": "ready"}`); it is read
/// through [`TriggerOnTheWire`] rather than serde's derive for internally
/// tagged enums, which buffers every value (serde's `Content`, with its
/// number and float handling) and costs the page's WASM that code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "TriggerOnTheWire")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Trigger {
    Order {
        source: OrderSource,
        status: OrderStatus,
    },
    Invoice {
        status: InvoiceStatus,
    },
}

impl Trigger {
    /// Every trigger, order triggers first (by source, then status), then invoices.
    pub fn all() -> impl Iterator<Item = Trigger> {
        let orders = OrderSource::ALL.into_iter().flat_map(|source| {
            OrderStatus::ALL
                .into_iter()
                .map(move |status| Trigger::Order { source, status })
        });
        let invoices = InvoiceStatus::ALL
            .into_iter()
            .map(|status| Trigger::Invoice { status });
        orders.chain(invoices)
    }

    /// Whether an event for this trigger can ever arrive (see [`OrderSource::can_emit`]).
    pub const fn can_fire(self) -> bool {
        match self {
            Trigger::Order { source, status } => source.can_emit(status),
            Trigger::Invoice { .. } => true,
        }
    }

    /// A stable, URL- and key-safe identifier, e.g. `order.shopify.delivered`
    /// or `invoice.closed`.
    pub fn key(self) -> String {
        match self {
            Trigger::Order { source, status } => {
                format!("order.{}.{}", source.slug(), status.slug())
            }
            Trigger::Invoice { status } => format!("invoice.{}", status.slug()),
        }
    }

    /// Inverse of [`Trigger::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        let mut parts = key.split('.');
        let trigger = match (parts.next()?, parts.next()?, parts.next()) {
            ("order", source, Some(status)) => Trigger::Order {
                source: OrderSource::from_slug(source)?,
                status: OrderStatus::from_slug(status)?,
            },
            ("invoice", status, None) => Trigger::Invoice {
                status: InvoiceStatus::from_slug(status)?,
            },
            _ => return None,
        };
        parts.next().is_none().then_some(trigger)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum TriggerKind {
    Order,
    Invoice,
}

/// A trigger as read: the tag and the fields of either kind. `status` is
/// read as text because it names an order or an invoice status depending on
/// `kind`.
#[derive(Deserialize)]
#[serde(rename = "Trigger")]
struct TriggerOnTheWire {
    kind: TriggerKind,
    #[serde(default)]
    source: Option<String>,
    status: String,
}

impl TryFrom<TriggerOnTheWire> for Trigger {
    /// serde's own wording ("unknown variant `x`, expected one of ...",
    /// "missing field `source`").
    type Error = serde::de::value::Error;

    fn try_from(wire: TriggerOnTheWire) -> Result<Self, Self::Error> {
        use serde::de::{Error, IntoDeserializer};
        fn read<T: serde::de::DeserializeOwned>(name: &str) -> Result<T, serde::de::value::Error> {
            T::deserialize(name.into_deserializer())
        }
        Ok(match wire.kind {
            TriggerKind::Order => Trigger::Order {
                source: read(
                    &wire
                        .source
                        .ok_or_else(|| Self::Error::missing_field("source"))?,
                )?,
                status: read(&wire.status)?,
            },
            TriggerKind::Invoice => Trigger::Invoice {
                status: read(&wire.status)?,
            },
        })
    }
}

impl fmt::Display for Trigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Trigger::Order { source, status } => {
                write!(f, "{} · {}", source.display_name(), status.display_name())
            }
            Trigger::Invoice { status } => write!(f, "Invoice · {}", status.display_name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What serde's derive makes of an internally tagged `Trigger`: the
    /// reader above must accept and refuse exactly what it does, in its
    /// words.
    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    enum Derived {
        Order {
            source: OrderSource,
            status: OrderStatus,
        },
        Invoice {
            status: InvoiceStatus,
        },
    }

    impl From<Derived> for Trigger {
        fn from(d: Derived) -> Self {
            match d {
                Derived::Order { source, status } => Trigger::Order { source, status },
                Derived::Invoice { status } => Trigger::Invoice { status },
            }
        }
    }

    /// serde_json's message without its position.
    fn message(e: serde_json::Error) -> String {
        let text = e.to_string();
        text.split(" at line ")
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    #[test]
    fn every_trigger_reads_back_what_it_writes() {
        for trigger in Trigger::all() {
            let json = serde_json::to_string(&trigger).unwrap();
            assert_eq!(
                serde_json::from_str::<Trigger>(&json).unwrap(),
                trigger,
                "{json}"
            );
            let derived: Derived = serde_json::from_str(&json).unwrap();
            assert_eq!(Trigger::from(derived), trigger);
        }
        assert_eq!(
            serde_json::to_value(Trigger::Invoice {
                status: InvoiceStatus::Closed
            })
            .unwrap(),
            serde_json::json!({"kind": "invoice", "status": "closed"})
        );
    }

    #[test]
    fn a_trigger_is_accepted_and_refused_as_serde_derives_it() {
        let cases = [
            r#"{"kind":"order","source":"shopify","status":"ready"}"#,
            r#"{"status":"ready","source":"bigcommerce","kind":"order"}"#,
            r#"{"kind":"invoice","status":"cancelled"}"#,
            r#"{"kind":"invoice","status":"closed","source":"shopify","note":1}"#,
            r#"{"kind":"invoice","status":"ready"}"#,
            r#"{"kind":"order","source":"shopify","status":"closed"}"#,
            r#"{"kind":"order","source":"etsy","status":"ready"}"#,
            r#"{"kind":"order","status":"ready"}"#,
            r#"{"kind":"order","source":"shopify"}"#,
            r#"{"kind":"refund","status":"closed"}"#,
            r#"{"source":"shopify","status":"ready"}"#,
        ];
        for case in cases {
            let ours = serde_json::from_str::<Trigger>(case).map_err(message);
            let derived = serde_json::from_str::<Derived>(case)
                .map(Trigger::from)
                .map_err(message);
            assert_eq!(ours, derived, "{case}");
        }
        // Refused by both, in other words: serde reads an enum from text or
        // a map, this reader a source from text.
        for case in [
            r#""order.shopify.ready""#,
            r#"{"kind":"order","source":7,"status":"ready"}"#,
        ] {
            assert!(serde_json::from_str::<Trigger>(case).is_err(), "{case}");
            assert!(serde_json::from_str::<Derived>(case).is_err(), "{case}");
        }
    }
}
