//! Reading a customer from the loose contact fields platforms send: blank
//! or invalid values count as absent (the message then goes by the other
//! channel, and decide says why).

use notify_core::contact::Region;
use notify_core::{Customer, CustomerName, EmailAddress, PhoneNumber};

pub(crate) struct Contact<'a> {
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub full_name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    /// ISO country of the address, to read national phone numbers.
    pub country: Option<&'a str>,
}

pub(crate) fn customer(c: Contact<'_>) -> Customer {
    // Contacts never make a payload malformed (an invalid one is absent),
    // so a shape check skips reading them: parsing a phone number costs
    // more than the rest of a payload.
    if super::checking_shape() {
        return Customer {
            name: None,
            email: None,
            phone: None,
            sms_opted_out: false,
        };
    }
    let joined = [c.first_name, c.last_name]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let name = if joined.is_empty() {
        c.full_name.unwrap_or("")
    } else {
        joined.as_str()
    };
    let region = c.country.and_then(|code| Region::parse(code).ok());
    Customer {
        name: CustomerName::parse(name).ok(),
        email: c.email.and_then(|e| EmailAddress::parse(e).ok()),
        phone: c
            .phone
            .filter(|p| !p.trim().is_empty())
            .and_then(|p| PhoneNumber::parse(p, region).ok()),
        sms_opted_out: false,
    }
}

/// A billing address as WooCommerce (`billing`) and BigCommerce
/// (`billing_address`) send it: the customer's contacts.
#[derive(serde::Deserialize, Default)]
pub(crate) struct Billing {
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    /// The ISO code: `country` on WooCommerce; BigCommerce sends its
    /// name there and the code in `country_iso2`.
    country: Option<String>,
    country_iso2: Option<String>,
}

impl Billing {
    pub(crate) fn customer(&self) -> Customer {
        customer(Contact {
            first_name: self.first_name.as_deref(),
            last_name: self.last_name.as_deref(),
            full_name: None,
            email: self.email.as_deref(),
            phone: self.phone.as_deref(),
            country: self.country_iso2.as_deref().or(self.country.as_deref()),
        })
    }
}
