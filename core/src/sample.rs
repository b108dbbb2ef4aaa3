//! The sample order and customer used to preview messages and decisions.
//! Fixed values, so previews are reproducible and golden-testable.

use chrono::{DateTime, TimeZone, Utc};

use std::num::NonZeroU32;

use crate::catalog::{InvoiceStatus, OrderStatus, Trigger};
use crate::contact::{CustomerName, EmailAddress, PhoneNumber};
use crate::details::{
    CancelReason, Details, Fulfilment, Label, LineItem, Totals, TotalsParts, WebLink,
};
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
            total: Some(usd(SAMPLE_TOTAL)),
        },
    };
    TransactionEvent {
        document,
        customer,
        occurred_at: sample_time(),
        details: sample_details(trigger),
    }
}

const SAMPLE_TOTAL: i64 = 13_041;

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::parse("USD").expect("valid sample"))
}

fn label(text: &str) -> Label {
    Label::parse(text).expect("valid sample")
}

fn item(name: &str, variant: Option<&str>, quantity: u32, price: i64) -> LineItem {
    LineItem {
        name: label(name),
        variant: variant.map(label),
        quantity: NonZeroU32::new(quantity).expect("valid sample"),
        price: Some(usd(price)),
    }
}

/// What the sample order holds at `trigger`: items, money and a link
/// always; tracking once shipped, the reason once cancelled, the refund
/// once returned. The preview shows the full message with it.
pub fn sample_details(trigger: Trigger) -> Details {
    let totals = Totals::new(TotalsParts {
        subtotal: Some(usd(12_700)),
        shipping: Some(usd(595)),
        tax: Some(usd(1_016)),
        discount: Some(usd(1_270)),
        total: usd(SAMPLE_TOTAL),
    })
    .expect("one currency");
    let mut details = Details {
        items: vec![
            item("Linen shirt", Some("Sage / M"), 2, 9_800),
            item("Stoneware mug", None, 1, 2_400),
            item("Gift wrap", None, 1, 500),
        ],
        totals: Some(totals),
        order_url: Some(
            WebLink::parse("https://shop.example.com/orders/1001/status").expect("valid sample"),
        ),
        ..Details::default()
    };
    match trigger {
        Trigger::Order {
            status: OrderStatus::Ready | OrderStatus::Delivered,
            ..
        } => {
            details.fulfilment = Some(Fulfilment::Shipment {
                carrier: Some(label("UPS")),
                number: Some(label("1Z999AA10123456784")),
                url: Some(
                    WebLink::parse("https://www.ups.com/track?tracknum=1Z999AA10123456784")
                        .expect("valid sample"),
                ),
            });
        }
        Trigger::Order {
            status: OrderStatus::Cancelled,
            ..
        } => details.cancel_reason = Some(CancelReason::Customer),
        Trigger::Order {
            status: OrderStatus::Returned,
            ..
        } => details.refunded = Some(usd(4_900)),
        Trigger::Invoice {
            status: InvoiceStatus::Closed | InvoiceStatus::Cancelled,
        } => details.order_url = None,
        Trigger::Order { .. } => {}
    }
    details
}

/// A sensible first set of rules: the moments customers most want to hear
/// about, by email, with SMS for "ready" and "delivered".
pub fn starter_settings() -> crate::settings::Settings {
    use crate::catalog::OrderSource;
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
