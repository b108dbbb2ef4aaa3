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

/// An event a rule can be attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
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
