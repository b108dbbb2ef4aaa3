//! What a platform is to the product: one [`PlatformSpec`] per platform,
//! written in that platform's module under [`crate::platforms`], and the
//! registry [`ALL`]. The server, the store and the page iterate over the
//! registry; nothing outside a platform's module matches on a platform.

use std::fmt;

use chrono::{DateTime, Utc};
use http::HeaderMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::normalize::{NormalizeError, Normalized};
use crate::platforms::{bigcommerce, events, shopify, woocommerce};
use crate::settings::{Field, IntegrationConfig};
use notify_core::secret::Secret;
use notify_core::{Details, OrderStatus};

/// Every platform, in the order the page shows them. Adding a platform is
/// a module under `platforms/` and one line here.
pub const ALL: &[Platform] = &[
    shopify::PLATFORM,
    bigcommerce::PLATFORM,
    woocommerce::PLATFORM,
    events::PLATFORM,
];

/// Everything about one platform. Pure data and functions: no I/O.
pub struct PlatformSpec {
    /// In webhook URLs, the database, metrics labels and the JSON API.
    pub slug: &'static str,
    /// For people: "Shopify".
    pub name: &'static str,
    /// What connecting it covers, for the Integrations page.
    pub covers: &'static str,
    /// What its list of topics is called on this platform.
    pub topics_heading: &'static str,
    /// The webhook topics (or event types) to subscribe to: the ones the
    /// server acts on.
    pub topics: &'static [&'static str],
    /// The integration's settings: what the merchant types, what is secret.
    pub settings: &'static [Field],
    /// Verifies a webhook over its raw bytes and says how to store it.
    #[cfg(feature = "receive")]
    pub receive: fn(&Request<'_>) -> Result<Received, Refused>,
    /// A stored webhook → what it means for notifications.
    #[cfg(feature = "receive")]
    pub normalize: fn(&Stored<'_>) -> Result<Normalized, NormalizeError>,
    /// For platforms whose hooks carry only ids: how to fetch the order.
    #[cfg(feature = "receive")]
    pub order_api: Option<OrderApi>,
}

/// A webhook as received, with the integration it was sent to.
pub struct Request<'a> {
    pub settings: &'a IntegrationConfig,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    pub now: DateTime<Utc>,
}

impl Request<'_> {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// A header the platform always sends: missing means unauthenticated.
    pub fn required(&self, name: &'static str) -> Result<&str, Refused> {
        self.header(name)
            .ok_or_else(|| crate::signature::SignatureError::MissingHeader(name).into())
    }

    /// The values of the secret settings named, those present.
    pub fn secrets(&self, names: &[&str]) -> Vec<&str> {
        names
            .iter()
            .filter_map(|n| self.settings.secret(n))
            .map(Secret::expose)
            .collect()
    }
}

/// What to store for a verified webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub topic: String,
    /// Equal for redeliveries of the same webhook: stored once.
    pub dedupe_key: String,
    /// The platform's id of this delivery, for support and logs.
    pub delivery_id: Option<String>,
    /// The platform's own time of the event, when a header carries it.
    pub triggered_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    Accepted(Accepted),
    /// A platform's check that the URL answers (WooCommerce's creation
    /// ping): answered 200, nothing stored.
    Ping,
}

/// Why a webhook was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Not signed by the integration's secret (or no signature at all).
    Unauthorized(String),
    /// Signed, but not a body the platform's webhooks have.
    Malformed(String),
}

impl From<crate::signature::SignatureError> for Refused {
    fn from(e: crate::signature::SignatureError) -> Self {
        Refused::Unauthorized(e.to_string())
    }
}

impl From<NormalizeError> for Refused {
    fn from(e: NormalizeError) -> Self {
        Refused::Malformed(e.to_string())
    }
}

/// A webhook as stored, to normalise.
pub struct Stored<'a> {
    pub topic: &'a str,
    pub body: &'a [u8],
    pub triggered_at: Option<DateTime<Utc>>,
}

/// A platform whose hooks carry only ids: the order is fetched over its
/// REST API (`GET {base}{path}`), then read with `read` together with the
/// hook that asked for it. Its `parts` are then fetched for the message.
pub struct OrderApi {
    pub default_base: &'static str,
    pub request: fn(&IntegrationConfig, u64) -> Result<ApiRequest, String>,
    pub read: fn(&[u8], &Stored<'_>) -> Result<Normalized, NormalizeError>,
    /// Parts of the order the API serves at addresses of their own
    /// (BigCommerce's items and shipments), each fetched after the order
    /// when the event's status shows it. A part that cannot be fetched or
    /// read is left out of the message; the event still notifies.
    pub parts: &'static [OrderPart],
}

/// A part of an order at its own address below the order's.
pub struct OrderPart {
    /// What the message lacks without it, for logs and the event log: "items".
    pub name: &'static str,
    /// Relative to the order's path: `products?limit=250` after
    /// `…/orders/{id}`.
    pub path: &'static str,
    /// Whether a message about an order in this status shows the part.
    pub wanted: fn(OrderStatus) -> bool,
    /// The part's answer, with the order's, into what it adds to the
    /// event's details.
    pub read: fn(part: &[u8], order: &[u8]) -> Result<Details, NormalizeError>,
}

/// One GET to a platform's API.
#[derive(Clone)]
pub struct ApiRequest {
    /// Relative to the API's base URL.
    pub path: String,
    pub headers: Vec<(&'static str, Secret)>,
}

impl ApiRequest {
    /// The GET for one of the order's parts, the order's being `self`: the
    /// same headers, the part's path below the order's.
    pub fn part(&self, part: &OrderPart) -> ApiRequest {
        ApiRequest {
            path: format!("{}/{}", self.path.trim_end_matches('/'), part.path),
            headers: self.headers.clone(),
        }
    }
}

/// A platform: a handle to its [`PlatformSpec`]. Compared, hashed, shown
/// and serialised by its slug.
#[derive(Clone, Copy)]
pub struct Platform(&'static PlatformSpec);

impl Platform {
    pub const fn new(spec: &'static PlatformSpec) -> Self {
        Platform(spec)
    }

    pub fn spec(self) -> &'static PlatformSpec {
        self.0
    }

    pub fn slug(self) -> &'static str {
        self.0.slug
    }

    pub fn name(self) -> &'static str {
        self.0.name
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        ALL.iter().copied().find(|p| p.slug() == slug)
    }

    /// Its place in [`ALL`] (for per-platform arrays such as metrics).
    pub fn index(self) -> usize {
        ALL.iter()
            .position(|p| *p == self)
            .expect("every platform is registered in ALL")
    }

    /// Where the platform posts a merchant's webhooks.
    pub fn webhook_url(self, origin: &str, endpoint_id: &str) -> String {
        format!("{origin}/webhooks/{}/{endpoint_id}", self.slug())
    }

    /// True when the integration's secret is generated by us rather than
    /// typed by the merchant (saving rotates it).
    pub fn generates_secret(self) -> bool {
        self.0.settings.iter().any(Field::is_generated)
    }

    /// The settings the merchant types on the page, in order.
    pub fn typed_settings(self) -> impl Iterator<Item = &'static Field> {
        let all = self.0.settings;
        all.iter().filter(move |f| f.is_typed(all))
    }
}

impl PartialEq for Platform {
    fn eq(&self, other: &Self) -> bool {
        self.slug() == other.slug()
    }
}

impl Eq for Platform {}

impl std::hash::Hash for Platform {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.slug().hash(state);
    }
}

impl fmt::Debug for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl Serialize for Platform {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.slug())
    }
}

impl<'de> Deserialize<'de> for Platform {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let slug = String::deserialize(d)?;
        Platform::from_slug(&slug)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown platform {slug:?}")))
    }
}

/// On the wire: the platform's slug, one of the registered ones.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Platform {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(ALL.iter().map(|p| p.slug())))
            .description(Some("The platform a webhook endpoint receives from."))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Platform {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_unique_and_round_trip() {
        for (i, p) in ALL.iter().enumerate() {
            assert_eq!(Platform::from_slug(p.slug()), Some(*p));
            assert_eq!(p.index(), i);
            let json = serde_json::to_string(p).unwrap();
            assert_eq!(serde_json::from_str::<Platform>(&json).unwrap(), *p);
        }
        assert_eq!(Platform::from_slug("magento"), None);
        assert!(serde_json::from_str::<Platform>("\"magento\"").is_err());
    }

    #[test]
    fn every_platform_lists_topics_and_a_unique_setting_per_name() {
        for p in ALL {
            assert!(!p.spec().topics.is_empty(), "{p}");
            let mut names: Vec<_> = p.spec().settings.iter().map(|f| f.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), p.spec().settings.len(), "{p}");
        }
    }
}
