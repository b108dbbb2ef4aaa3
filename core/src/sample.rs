//! The sample order and customer used to preview messages and decisions.
//! Fixed values, so previews are reproducible and golden-testable.

use chrono::{DateTime, TimeZone, Utc};

use crate::catalog::Trigger;
use crate::contact::{CustomerName, EmailAddress, PhoneNumber};
use crate::event::{Customer, Document, DocumentNumber, ExternalId, TransactionEvent};
use crate::merchant::MerchantName;
use crate::money::{Currency, Money};

/// Which contacts the sample customer has ("Why not?" lets the merchant
/// take either away).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleContacts {
    pub email: bool,
    pub phone: bool,
    pub sms_opted_out: bool,
}

impl SampleContacts {
    pub const ALL: SampleContacts = SampleContacts {
        email: true,
        phone: true,
        sms_opted_out: false,
    };
}

pub fn sample_merchant() -> MerchantName {
    MerchantName::parse("Maple & Co").expect("valid sample")
}

pub fn sample_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 14, 15, 9, 26)
        .single()
        .expect("valid sample time")
}

pub fn sample_customer(contacts: SampleContacts) -> Customer {
    Customer {
        name: Some(CustomerName::parse("Ada Lovelace").expect("valid sample")),
        email: contacts
            .email
            .then(|| EmailAddress::parse("ada@example.com").expect("valid sample")),
        phone: contacts.phone.then(PhoneNumber::sample),
        sms_opted_out: contacts.sms_opted_out,
    }
}

pub fn sample_event(trigger: Trigger, contacts: SampleContacts) -> TransactionEvent {
    sample_event_for(trigger, sample_customer(contacts))
}

/// The sample order or invoice for `trigger`, for the given customer.
pub fn sample_event_for(trigger: Trigger, customer: Customer) -> TransactionEvent {
    let document = match trigger {
        Trigger::Order { source, status } => Document::Order {
            source,
            status,
            id: ExternalId::parse("5001").expect("valid sample"),
            number: DocumentNumber::parse("1001").expect("valid sample"),
        },
        Trigger::Invoice { status } => Document::Invoice {
            status,
            id: ExternalId::parse("inv_5001").expect("valid sample"),
            number: DocumentNumber::parse("INV-1001").expect("valid sample"),
            total: Some(Money::from_minor(
                12_950,
                Currency::parse("USD").expect("valid sample"),
            )),
        },
    };
    TransactionEvent {
        document,
        customer,
        occurred_at: sample_time(),
    }
}

/// A sensible first set of rules: the moments customers most want to hear
/// about, by email, with SMS for "ready" and "delivered".
pub fn starter_settings() -> crate::settings::Settings {
    use crate::catalog::{InvoiceStatus, OrderSource, OrderStatus};
    use crate::settings::{Rule, Settings, Toggles};
    let email = Toggles {
        active: true,
        email: true,
        sms: false,
    };
    let both = Toggles {
        active: true,
        email: true,
        sms: true,
    };
    let orders = OrderSource::ALL.into_iter().flat_map(move |source| {
        [
            (OrderStatus::SentForProcessing, email),
            (OrderStatus::Ready, both),
            (OrderStatus::Delivered, both),
            (OrderStatus::Cancelled, email),
        ]
        .into_iter()
        .filter(move |(status, _)| source.can_emit(*status))
        .map(move |(status, toggles)| Rule::new(Trigger::Order { source, status }, toggles))
    });
    let invoices = [Rule::new(
        Trigger::Invoice {
            status: InvoiceStatus::Closed,
        },
        email,
    )];
    Settings::new(orders.chain(invoices)).expect("one rule per trigger")
}
