//! Reading an order's optional parts (items, money, tracking, links) from a
//! platform's payload, leniently: a part that is missing, mistyped or
//! invalid is left out of the message, never a reason to fail the event (a
//! missing price must not block a "your order shipped" message).

use std::num::NonZeroU32;

use notify_core::details::{Details, Fulfilment, Label, LineItem, Totals, TotalsParts, WebLink};
use notify_core::money::{Currency, Money};
use serde::{Deserialize, Deserializer};

/// A field read if it has the expected shape, and otherwise taken as absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lenient<T>(pub Option<T>);

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Lenient(None)
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        Ok(Lenient(T::deserialize(value).ok()))
    }
}

impl<T: serde::Serialize> serde::Serialize for Lenient<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// An order's lenient parts (items, totals, tracking), read from the whole
/// body in a pass of their own. Not on receipt: they can never fail an
/// event, so the shape check skips them, and with them the cost of reading
/// every line item into a buffer before the webhook's answer.
pub(crate) fn contents<C: serde::de::DeserializeOwned + Default>(body: &[u8]) -> C {
    if super::checking_shape() {
        return C::default();
    }
    serde_json::from_slice(body).unwrap_or_default()
}

impl<T> Lenient<T> {
    pub(crate) fn is_absent(&self) -> bool {
        self.0.is_none()
    }

    pub(crate) fn get(&self) -> Option<&T> {
        self.0.as_ref()
    }
}

impl<T> Lenient<Vec<Lenient<T>>> {
    /// The elements that read, in order.
    pub(crate) fn each(&self) -> impl Iterator<Item = &T> {
        self.0.iter().flatten().filter_map(Lenient::get)
    }
}

/// An amount as platforms send it: `"129.50"` or `129.5`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(untagged)]
pub(crate) enum Amount {
    Text(String),
    Number(serde_json::Number),
}

impl Amount {
    /// Exactly, in the currency's minor units; trailing zeros beyond them
    /// are fine (BigCommerce sends `"225.0000"`), other digits are not.
    pub(crate) fn in_currency(&self, currency: Currency) -> Option<Money> {
        let text = match self {
            Amount::Text(s) => s.trim().to_owned(),
            Amount::Number(n) => n.to_string(),
        };
        let exact = match text.split_once('.') {
            Some((whole, frac)) if frac.len() > currency.exponent() as usize => {
                let (kept, extra) = frac.split_at(currency.exponent() as usize);
                if !extra.bytes().all(|b| b == b'0') {
                    return None;
                }
                if kept.is_empty() {
                    whole.to_owned()
                } else {
                    format!("{whole}.{kept}")
                }
            }
            _ => text,
        };
        Money::parse_decimal(&exact, currency).ok()
    }
}

pub(crate) fn currency(code: Option<&str>) -> Option<Currency> {
    Currency::parse(code?).ok()
}

pub(crate) fn money(amount: Option<&Amount>, currency: Option<Currency>) -> Option<Money> {
    amount?.in_currency(currency?)
}

/// Non-empty text a customer may read, or nothing.
pub(crate) fn label(text: Option<&str>) -> Option<Label> {
    Label::parse(text?).ok()
}

pub(crate) fn link(text: Option<&str>) -> Option<WebLink> {
    WebLink::parse(text?).ok()
}

/// One order line; nothing when it has no name or no positive quantity.
pub(crate) fn line_item(
    name: Option<&str>,
    variant: Option<&str>,
    quantity: Option<i64>,
    line_price: Option<Money>,
) -> Option<LineItem> {
    let quantity = NonZeroU32::new(u32::try_from(quantity?).ok()?)?;
    let name = label(name)?;
    // Platforms send "Default Title" or the name again for items without variants.
    let variant =
        label(variant).filter(|v| v.as_str() != "Default Title" && v.as_str() != name.as_str());
    Some(LineItem {
        name,
        variant,
        quantity,
        price: line_price,
    })
}

/// A line's price from its unit price.
pub(crate) fn times(unit: Option<Money>, quantity: Option<i64>) -> Option<Money> {
    let unit = unit?;
    Some(Money::from_minor(
        unit.minor.checked_mul(quantity?)?,
        unit.currency,
    ))
}

/// The order's money; nothing without a total, and no part in another
/// currency than the total's.
pub(crate) fn totals(parts: TotalsParts) -> Option<Totals> {
    let currency = parts.total.currency;
    let same = |m: Option<Money>| m.filter(|m| m.currency == currency);
    Totals::new(TotalsParts {
        subtotal: same(parts.subtotal),
        shipping: same(parts.shipping),
        tax: same(parts.tax),
        discount: same(parts.discount).map(|d| Money::from_minor(d.minor.abs(), d.currency)),
        total: parts.total,
    })
    .ok()
}

pub(crate) fn shipment(
    carrier: Option<&str>,
    number: Option<&str>,
    url: Option<&str>,
) -> Option<Fulfilment> {
    Fulfilment::shipment(label(carrier), label(number), link(url))
}

/// The sum of amounts in one currency; nothing when there are none, or
/// when they are in several (no single amount to state).
pub(crate) fn sum(amounts: impl IntoIterator<Item = Money>) -> Option<Money> {
    amounts
        .into_iter()
        .try_fold(None::<Money>, |sum, m| match sum {
            None => Some(Some(m)),
            Some(s) if s.currency == m.currency => Some(Some(Money::from_minor(
                s.minor.checked_add(m.minor)?,
                s.currency,
            ))),
            Some(_) => None,
        })?
}

/// Only the refunded amount (a refund or return that says nothing else).
pub(crate) fn refunded(amount: Option<Money>) -> Details {
    Details {
        refunded: amount.filter(|m| m.minor > 0),
        ..Details::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Payload {
        #[serde(default)]
        items: Lenient<Vec<Lenient<Line>>>,
        #[serde(default)]
        total: Lenient<Amount>,
    }

    #[derive(Deserialize)]
    struct Line {
        name: String,
        quantity: i64,
    }

    #[test]
    fn a_mistyped_part_is_left_out_and_the_rest_is_read() {
        let p: Payload = serde_json::from_str(
            r#"{"items": [{"name": "Mug", "quantity": 2}, {"name": 7}, "x"], "total": {"no": 1}}"#,
        )
        .unwrap();
        let names: Vec<_> = p
            .items
            .each()
            .map(|l| (l.name.as_str(), l.quantity))
            .collect();
        assert_eq!(names, vec![("Mug", 2)]);
        assert_eq!(p.total.get(), None);
        let p: Payload = serde_json::from_str(r#"{"items": "none"}"#).unwrap();
        assert_eq!(p.items.each().count(), 0);
    }

    #[test]
    fn lines_need_a_name_and_a_positive_quantity() {
        assert!(
            line_item(Some("Mug"), Some("Default Title"), Some(1), None)
                .is_some_and(|l| l.variant.is_none())
        );
        assert!(line_item(Some(""), None, Some(1), None).is_none());
        assert!(line_item(Some("Mug"), None, Some(0), None).is_none());
        assert!(line_item(Some("Mug"), None, Some(-2), None).is_none());
        let usd = Currency::parse("USD").unwrap();
        let unit = Amount::Number(serde_json::Number::from_f64(12.5).unwrap()).in_currency(usd);
        assert_eq!(times(unit, Some(3)).map(|m| m.minor), Some(3_750));
        assert_eq!(Amount::Text("12.345".into()).in_currency(usd), None);
        let exact = |text: &str| Amount::Text(text.into()).in_currency(usd).map(|m| m.minor);
        assert_eq!(exact("225.0000"), Some(22_500));
        assert_eq!(exact(" 19.9600 "), Some(1_996));
        assert_eq!(exact("19.9601"), None);
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(
            Amount::Text("1500.00".into())
                .in_currency(jpy)
                .map(|m| m.minor),
            Some(1_500)
        );
    }
}
