//! Golden cases for every system message. The same cases run natively and
//! compiled to wasm32 (wasm-bindgen-test), against the same files, so the
//! page's preview and the server's messages are byte-identical.
//!
//! To accept a deliberate wording change: `UPDATE_GOLDEN=1 cargo test -p notify-core --test golden`.

use notify_core::catalog::{InvoiceStatus, OrderSource, OrderStatus, Trigger};
use std::num::NonZeroU32;

use notify_core::contact::{CustomerName, EmailAddress};
use notify_core::details::{Details, Fulfilment, Label, LineItem, WebLink};
use notify_core::event::{Customer, Document, DocumentNumber, ExternalId, TransactionEvent};
use notify_core::merchant::MerchantName;
use notify_core::money::{Currency, Money};
use notify_core::sample::{SampleContacts, sample_event, sample_merchant, sample_time};
use notify_core::sms::SmsEncoding;
use notify_core::templates::{MessageContext, render_email, render_sms};

struct Case {
    name: &'static str,
    expected: &'static str,
    build: fn() -> (MerchantName, TransactionEvent),
}

macro_rules! case {
    ($name:literal, $build:expr) => {
        Case {
            name: $name,
            expected: include_str!(concat!("golden/", $name, ".txt")),
            build: $build,
        }
    };
}

fn order(status: OrderStatus) -> (MerchantName, TransactionEvent) {
    let trigger = Trigger::Order {
        source: OrderSource::Shopify,
        status,
    };
    (
        sample_merchant(),
        sample_event(trigger, SampleContacts::ALL),
    )
}

/// The same order as the platform gave nothing optional: no items, money,
/// tracking or links.
fn minimal(
    (merchant, mut event): (MerchantName, TransactionEvent),
) -> (MerchantName, TransactionEvent) {
    event.details = Details::default();
    (merchant, event)
}

fn invoice(status: InvoiceStatus) -> (MerchantName, TransactionEvent) {
    (
        sample_merchant(),
        sample_event(Trigger::Invoice { status }, SampleContacts::ALL),
    )
}

/// Values that must be escaped in HTML and that push the SMS into UCS-2.
fn hostile() -> (MerchantName, TransactionEvent) {
    let merchant = MerchantName::parse("<b>Zoë's</b> \"Café\" & Co").unwrap();
    let event = TransactionEvent {
        document: Document::Invoice {
            status: InvoiceStatus::Closed,
            id: ExternalId::parse("x").unwrap(),
            number: DocumentNumber::parse("<script>alert(1)</script>").unwrap(),
            total: Some(Money::from_minor(
                1_234_567,
                Currency::parse("EUR").unwrap(),
            )),
        },
        customer: Customer {
            name: Some(CustomerName::parse("<img src=x onerror=alert(1)> Smith").unwrap()),
            email: Some(EmailAddress::parse("x@example.com").unwrap()),
            phone: None,
            sms_opted_out: false,
        },
        occurred_at: sample_time(),
        details: Details {
            items: vec![LineItem {
                name: Label::parse("<b>Bold</b> & \"quoted\" mug").unwrap(),
                variant: Some(Label::parse("Size <XL>").unwrap()),
                quantity: NonZeroU32::new(1).unwrap(),
                price: None,
            }],
            order_url: Some(WebLink::parse("https://example.com/o?a=1&b=2").unwrap()),
            ..Details::default()
        },
    };
    (merchant, event)
}

/// Values as long as a platform may send, without spaces to break at: the
/// layout must still fit a phone's width (Playwright checks it at 375 px).
fn long_values() -> (MerchantName, TransactionEvent) {
    let (merchant, mut event) = order(OrderStatus::Ready);
    let usd = Currency::parse("USD").unwrap();
    event.details.items[0] = LineItem {
        name: Label::parse(&"Superlongproductnamewithoutanyspaces".repeat(3)).unwrap(),
        variant: Some(Label::parse(&"Variant/".repeat(12)).unwrap()),
        quantity: NonZeroU32::new(1_000).unwrap(),
        price: Some(Money::from_minor(12_345_678_900, usd)),
    };
    event.details.fulfilment = Some(Fulfilment::Shipment {
        carrier: Some(Label::parse("Deutsche Post DHL Group Parcel International").unwrap()),
        number: Some(Label::parse(&"JJD0099".repeat(8)).unwrap()),
        url: Some(
            WebLink::parse(&format!(
                "https://tracking.example.com/{}",
                "segment".repeat(40)
            ))
            .unwrap(),
        ),
    });
    (merchant, event)
}

/// An order of 14 lines (the list stops at 10) picked up in store.
fn many_items_pickup() -> (MerchantName, TransactionEvent) {
    let (merchant, mut event) = order(OrderStatus::Ready);
    let usd = Currency::parse("USD").unwrap();
    event.details.items = (1..=14)
        .map(|i| LineItem {
            name: Label::parse(&format!("Seed packet no. {i}")).unwrap(),
            variant: None,
            quantity: NonZeroU32::new(if i > 12 { 2 } else { 1 }).unwrap(),
            price: Some(Money::from_minor(350, usd)),
        })
        .collect();
    event.details.fulfilment = Some(Fulfilment::Pickup {
        location: Some(Label::parse("Maple & Co, 12 Harbour St").unwrap()),
    });
    (merchant, event)
}

/// An order whose customer has no name on file.
fn anonymous() -> (MerchantName, TransactionEvent) {
    let (merchant, mut event) = order(OrderStatus::Ready);
    event.customer.name = None;
    (merchant, event)
}

const CASES: &[Case] = &[
    case!("order.initiated", || order(OrderStatus::Initiated)),
    case!("order.sent_for_processing", || order(
        OrderStatus::SentForProcessing
    )),
    case!("order.processing", || order(OrderStatus::Processing)),
    case!("order.ready", || order(OrderStatus::Ready)),
    case!("order.delivered", || order(OrderStatus::Delivered)),
    case!("order.cancelled", || order(OrderStatus::Cancelled)),
    case!("order.returned", || order(OrderStatus::Returned)),
    case!("invoice.closed", || invoice(InvoiceStatus::Closed)),
    case!("invoice.cancelled", || invoice(InvoiceStatus::Cancelled)),
    case!("hostile.invoice.closed", hostile),
    case!("anonymous.order.ready", anonymous),
    case!("pickup.order.ready", many_items_pickup),
    case!("long.order.ready", long_values),
    case!("order.initiated.minimal", || minimal(order(
        OrderStatus::Initiated
    ))),
    case!("order.sent_for_processing.minimal", || minimal(order(
        OrderStatus::SentForProcessing
    ))),
    case!("order.processing.minimal", || minimal(order(
        OrderStatus::Processing
    ))),
    case!("order.ready.minimal", || minimal(order(OrderStatus::Ready))),
    case!("order.delivered.minimal", || minimal(order(
        OrderStatus::Delivered
    ))),
    case!("order.cancelled.minimal", || minimal(order(
        OrderStatus::Cancelled
    ))),
    case!("order.returned.minimal", || minimal(order(
        OrderStatus::Returned
    ))),
    case!("invoice.closed.minimal", || minimal(invoice(
        InvoiceStatus::Closed
    ))),
    case!("invoice.cancelled.minimal", || minimal(invoice(
        InvoiceStatus::Cancelled
    ))),
];

fn render_case(case: &Case) -> String {
    let (merchant, event) = (case.build)();
    let ctx = MessageContext {
        merchant: &merchant,
        event: &event,
    };
    let email = render_email(ctx);
    let sms = render_sms(ctx);
    format!(
        "== subject ==\n{}\n== html ==\n{}== text ==\n{}== sms ({}, {} units, {} segment(s)) ==\n{}\n",
        email.subject,
        email.html,
        email.text,
        sms.length.encoding.display_name(),
        sms.length.units,
        sms.length.segments,
        sms.text
    )
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn every_message_matches_its_golden_file() {
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        for case in CASES {
            let path = format!(
                "{}/tests/golden/{}.txt",
                env!("CARGO_MANIFEST_DIR"),
                case.name
            );
            std::fs::write(path, render_case(case)).unwrap();
        }
        return;
    }
    for case in CASES {
        assert_eq!(
            render_case(case),
            case.expected,
            "golden case {}",
            case.name
        );
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn every_trigger_has_a_golden_case() {
    let covered: Vec<&str> = CASES.iter().map(|c| c.name).collect();
    for suffix in ["", ".minimal"] {
        for status in OrderStatus::ALL {
            let name = format!("order.{}{suffix}", status.slug());
            assert!(covered.contains(&name.as_str()), "{name}");
        }
        for status in InvoiceStatus::ALL {
            let name = format!("invoice.{}{suffix}", status.slug());
            assert!(covered.contains(&name.as_str()), "{name}");
        }
    }
}

/// With long-but-typical data every SMS stays GSM-7 and fits one segment
/// without the optional details, two at most with them (a tracking link).
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn every_sms_fits_two_segments_with_typical_data() {
    let merchant = MerchantName::parse("Northwind Outdoor Supply").unwrap();
    for (rich, most) in [(false, 1), (true, 2)] {
        for trigger in Trigger::all() {
            let mut event = sample_event(trigger, SampleContacts::ALL);
            event.customer.name = Some(CustomerName::parse("Alexandria Fitzgerald").unwrap());
            if rich {
                if let Some(Fulfilment::Shipment { url, carrier, .. }) =
                    &mut event.details.fulfilment
                {
                    *carrier = Some(Label::parse("Canada Post").unwrap());
                    *url = Some(WebLink::parse("https://www.canadapost-postescanada.ca/track-reperage/en#/details/7023210039414604").unwrap());
                }
                event.details.refunded = event
                    .details
                    .refunded
                    .map(|r| Money::from_minor(123_456, r.currency));
            } else {
                event.details = Details::default();
            }
            match &mut event.document {
                Document::Order { number, .. } => {
                    *number = DocumentNumber::parse("10045678").unwrap()
                }
                Document::Invoice { number, total, .. } => {
                    *number = DocumentNumber::parse("INV-00412").unwrap();
                    *total = Some(Money::from_minor(
                        1_234_567,
                        Currency::parse("USD").unwrap(),
                    ));
                }
            }
            let sms = render_sms(MessageContext {
                merchant: &merchant,
                event: &event,
            });
            assert_eq!(
                sms.length.encoding,
                SmsEncoding::Gsm7,
                "{trigger}: {}",
                sms.text
            );
            assert!(
                sms.length.segments <= most,
                "{trigger}: {} ({} septets, {} segments)",
                sms.text,
                sms.length.units,
                sms.length.segments
            );
        }
    }
}
