//! What an order or invoice holds, as far as its platform told us: the
//! items, the money, where the parcel is, a link back to the order, and why
//! it was cancelled or refunded. Every part is optional: a normaliser keeps
//! what it cannot read out of the message rather than failing the event, and
//! every message reads well without any of it.

use std::num::NonZeroU32;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::money::Money;
use crate::text::{TextError, clean_display_text, string_newtype};

/// A short piece of the platform's text shown to the customer: an item's
/// name or variant, a carrier, a tracking number, a pickup location.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Label(String);

impl Label {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(input: &str) -> Result<Self, TextError> {
        clean_display_text(input, Self::MAX_CHARS).map(Label)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(Label, TextError, Self::parse);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LinkError {
    #[error("must be an http or https address with a host")]
    Scheme,
    #[error("must be at most {max} characters")]
    TooLong { max: usize },
    #[error("must not contain spaces, quotes, angle brackets or control characters")]
    Character,
}

/// An `https://` (or `http://`) address a message links to: the order's
/// status page, a tracking page. Nothing else (no `javascript:`, no
/// `mailto:`), and no character that could end an HTML attribute or a line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WebLink(String);

impl WebLink {
    pub const MAX_CHARS: usize = 2048;

    pub fn parse(input: &str) -> Result<Self, LinkError> {
        let input = input.trim();
        if input.chars().count() > Self::MAX_CHARS {
            return Err(LinkError::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        if input.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\')
        }) {
            return Err(LinkError::Character);
        }
        let lower = input.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
            .ok_or(LinkError::Scheme)?;
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = host.rsplit('@').next().unwrap_or("");
        if host.is_empty() || host.starts_with(':') {
            return Err(LinkError::Scheme);
        }
        Ok(WebLink(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(WebLink, LinkError, Self::parse);

/// One line of an order: what was bought, how many, and what the line cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineItem {
    pub name: Label,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<Label>,
    pub quantity: NonZeroU32,
    /// The line's price (quantity × unit price), when the platform gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("every amount must be in the total's currency ({0})")]
pub struct MixedCurrencies(pub String);

/// What the order costs. Every amount is in the total's currency: a part
/// in another currency is refused rather than added up wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TotalsParts", into = "TotalsParts")]
pub struct Totals {
    parts: TotalsParts,
}

/// The amounts of [`Totals`], unchecked (the wire shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotalsParts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtotal: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax: Option<Money>,
    /// What discounts took off, as a positive amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<Money>,
    pub total: Money,
}

impl TryFrom<TotalsParts> for Totals {
    type Error = MixedCurrencies;
    fn try_from(parts: TotalsParts) -> Result<Self, Self::Error> {
        let currency = parts.total.currency;
        let others = [parts.subtotal, parts.shipping, parts.tax, parts.discount];
        if others.iter().flatten().any(|m| m.currency != currency) {
            return Err(MixedCurrencies(currency.code().to_owned()));
        }
        Ok(Totals { parts })
    }
}

impl From<Totals> for TotalsParts {
    fn from(value: Totals) -> Self {
        value.parts
    }
}

impl Totals {
    pub fn new(parts: TotalsParts) -> Result<Self, MixedCurrencies> {
        parts.try_into()
    }

    pub fn total(&self) -> Money {
        self.parts.total
    }

    /// The labelled rows a message shows, in reading order, ending with the
    /// total. A zero discount is not shown; a zero shipping is ("Free").
    pub fn rows(&self) -> Vec<(&'static str, String)> {
        let p = &self.parts;
        let mut rows = Vec::new();
        if let Some(subtotal) = p.subtotal {
            rows.push(("Subtotal", subtotal.to_string()));
        }
        if let Some(discount) = p.discount.filter(|d| d.minor != 0) {
            let off = Money::from_minor(-discount.minor.abs(), discount.currency);
            rows.push(("Discount", off.to_string()));
        }
        if let Some(shipping) = p.shipping {
            let shown = if shipping.minor == 0 {
                "Free".to_owned()
            } else {
                shipping.to_string()
            };
            rows.push(("Shipping", shown));
        }
        if let Some(tax) = p.tax {
            rows.push(("Tax", tax.to_string()));
        }
        rows.push(("Total", p.total.to_string()));
        rows
    }
}

/// Where the order is: shipped with a carrier, or waiting at a pickup point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fulfilment {
    Shipment {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        carrier: Option<Label>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        number: Option<Label>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<WebLink>,
    },
    Pickup {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        location: Option<Label>,
    },
}

impl Fulfilment {
    /// A shipment, if it says anything at all.
    pub fn shipment(
        carrier: Option<Label>,
        number: Option<Label>,
        url: Option<WebLink>,
    ) -> Option<Self> {
        (carrier.is_some() || number.is_some() || url.is_some()).then_some(Fulfilment::Shipment {
            carrier,
            number,
            url,
        })
    }

    pub fn tracking_url(&self) -> Option<&WebLink> {
        match self {
            Fulfilment::Shipment { url, .. } => url.as_ref(),
            Fulfilment::Pickup { .. } => None,
        }
    }
}

/// Why an order was cancelled, as the platform classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    /// The customer asked.
    Customer,
    /// Out of stock.
    Inventory,
    /// The payment was declined.
    Declined,
    /// The payment could not be verified (platforms say "fraud").
    Fraud,
    /// The store's own reason, not told to the customer.
    Other,
}

impl CancelReason {
    /// The reason in the customer's words, or nothing to say.
    pub fn customer_words(self) -> Option<&'static str> {
        Some(match self {
            CancelReason::Customer => "We've cancelled it as you asked.",
            CancelReason::Inventory => {
                "Unfortunately, an item in it is out of stock and we couldn't complete it."
            }
            CancelReason::Declined => "The payment for it was declined.",
            CancelReason::Fraud => "We weren't able to verify the payment for it.",
            CancelReason::Other => return None,
        })
    }
}

/// Everything optional about an order or invoice (see the module's doc).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<LineItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totals: Option<Totals>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fulfilment: Option<Fulfilment>,
    /// The platform's page where the customer sees their order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_url: Option<WebLink>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_reason: Option<CancelReason>,
    /// What was refunded (returns, refunded orders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refunded: Option<Money>,
}

impl Details {
    /// The most lines a message lists; the rest are counted ("and 3 more items").
    pub const SHOWN_ITEMS: usize = 10;

    pub fn is_empty(&self) -> bool {
        *self == Details::default()
    }

    /// `newer` over `self`: what a later, partial payload (a shipment, a
    /// refund) says replaces what the order said before; what it does not
    /// say is kept.
    pub fn updated_with(mut self, newer: Details) -> Details {
        if !newer.items.is_empty() {
            self.items = newer.items;
        }
        self.totals = newer.totals.or(self.totals);
        self.fulfilment = newer.fulfilment.or(self.fulfilment);
        self.order_url = newer.order_url.or(self.order_url);
        self.cancel_reason = newer.cancel_reason.or(self.cancel_reason);
        self.refunded = newer.refunded.or(self.refunded);
        self
    }

    /// The items beyond [`Self::SHOWN_ITEMS`], counted by quantity.
    pub fn items_not_shown(&self) -> u64 {
        self.items
            .iter()
            .skip(Self::SHOWN_ITEMS)
            .map(|i| u64::from(i.quantity.get()))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn usd(minor: i64) -> Money {
        Money::from_minor(minor, Currency::parse("USD").unwrap())
    }

    #[test]
    fn links_are_web_addresses_only() {
        for good in [
            "https://shop.example.com/orders/1?key=a&b=c#x",
            "http://example.com",
            "HTTPS://EXAMPLE.COM/a",
        ] {
            assert!(WebLink::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "mailto:a@example.com",
            "https://",
            "https:///path",
            "//example.com",
            "https://exa mple.com",
            "https://example.com/\"onmouseover=x",
            "https://example.com/<script>",
            "https://example.com/\nBcc: x",
            "ftp://example.com",
        ] {
            assert!(WebLink::parse(bad).is_err(), "{bad}");
        }
        let long = format!("https://example.com/{}", "a".repeat(2048));
        assert!(matches!(
            WebLink::parse(&long),
            Err(LinkError::TooLong { .. })
        ));
    }

    #[test]
    fn totals_refuse_mixed_currencies_and_list_rows_in_order() {
        let eur = Money::from_minor(100, Currency::parse("EUR").unwrap());
        let mixed = TotalsParts {
            subtotal: Some(eur),
            shipping: None,
            tax: None,
            discount: None,
            total: usd(100),
        };
        assert!(Totals::new(mixed).is_err());
        let totals = Totals::new(TotalsParts {
            subtotal: Some(usd(10_000)),
            shipping: Some(usd(0)),
            tax: Some(usd(850)),
            discount: Some(usd(1_000)),
            total: usd(9_850),
        })
        .unwrap();
        let rows: Vec<_> = totals.rows();
        assert_eq!(
            rows,
            vec![
                ("Subtotal", "$100.00".to_owned()),
                ("Discount", "-$10.00".to_owned()),
                ("Shipping", "Free".to_owned()),
                ("Tax", "$8.50".to_owned()),
                ("Total", "$98.50".to_owned()),
            ]
        );
        // The wire form goes through the same check.
        let json =
            r#"{"subtotal":{"minor":1,"currency":"EUR"},"total":{"minor":1,"currency":"USD"}}"#;
        assert!(serde_json::from_str::<Totals>(json).is_err());
    }

    #[test]
    fn a_later_partial_payload_updates_what_it_says_and_keeps_the_rest() {
        let item = LineItem {
            name: Label::parse("Mug").unwrap(),
            variant: None,
            quantity: NonZeroU32::new(2).unwrap(),
            price: Some(usd(2_400)),
        };
        let order = Details {
            items: vec![item.clone()],
            order_url: Some(WebLink::parse("https://example.com/o/1").unwrap()),
            ..Details::default()
        };
        let shipment = Details {
            fulfilment: Fulfilment::shipment(None, Some(Label::parse("1Z999").unwrap()), None),
            ..Details::default()
        };
        let merged = order.updated_with(shipment);
        assert_eq!(merged.items, vec![item]);
        assert!(merged.order_url.is_some());
        assert!(matches!(
            merged.fulfilment,
            Some(Fulfilment::Shipment {
                number: Some(_),
                ..
            })
        ));
        assert_eq!(Fulfilment::shipment(None, None, None), None);
    }

    #[test]
    fn empty_details_are_left_out_of_the_stored_event() {
        assert!(Details::default().is_empty());
        assert_eq!(serde_json::to_string(&Details::default()).unwrap(), "{}");
    }
}
