//! The wording of every message, status by status: the one place to edit
//! what customers read. Values here are raw text; layouts escape them.

use chrono::{DateTime, Datelike, Utc};

use crate::catalog::{InvoiceStatus, OrderStatus};
use crate::details::{Details, Fulfilment};
use crate::event::Document;

use super::MessageContext;

/// The words of one email, before layout.
pub(super) struct Copy {
    pub subject: String,
    /// The line mail clients show after the subject in the inbox.
    pub preheader: String,
    pub heading: String,
    pub greeting: String,
    pub paragraphs: Vec<String>,
    /// Links: the first is the message's button, the rest plain links.
    pub actions: Vec<Action>,
    /// The order's number, status, and where the parcel is.
    pub details: Vec<(&'static str, String)>,
    pub items: Vec<ItemLine>,
    /// "and 3 more items" when the list was cut.
    pub more_items: Option<String>,
    /// Subtotal to total, formatted.
    pub totals: Vec<(&'static str, String)>,
    pub footer: String,
}

/// A link a message offers.
pub(super) struct Action {
    pub label: &'static str,
    pub url: String,
}

/// One line of the items list, formatted.
pub(super) struct ItemLine {
    pub name: String,
    pub variant: Option<String>,
    pub quantity: u32,
    pub price: Option<String>,
}

impl Copy {
    /// The preheader is the first paragraph.
    fn new(
        subject: String,
        heading: &str,
        greeting: String,
        paragraphs: Vec<String>,
        details: Vec<(&'static str, String)>,
        footer: String,
    ) -> Self {
        Copy {
            preheader: paragraphs.first().cloned().unwrap_or_default(),
            subject,
            heading: heading.to_owned(),
            greeting,
            paragraphs,
            actions: Vec::new(),
            details,
            items: Vec::new(),
            more_items: None,
            totals: Vec::new(),
            footer,
        }
    }

    /// The order's contents and links, in the sections every layout shows.
    fn with_details(mut self, details: &Details, button_first: Option<Action>) -> Self {
        self.actions.extend(button_first);
        if let Some(url) = &details.order_url {
            self.actions.push(Action {
                label: "View your order",
                url: url.as_str().to_owned(),
            });
        }
        self.items = details
            .items
            .iter()
            .take(Details::SHOWN_ITEMS)
            .map(|item| ItemLine {
                name: item.name.as_str().to_owned(),
                variant: item.variant.as_ref().map(|v| v.as_str().to_owned()),
                quantity: item.quantity.get(),
                price: item.price.map(|p| p.to_string()),
            })
            .collect();
        self.more_items = match details.items_not_shown() {
            0 => None,
            1 => Some("and 1 more item".to_owned()),
            n => Some(format!("and {n} more items")),
        };
        if let Some(totals) = &details.totals {
            self.totals = totals.rows();
        }
        self
    }
}

fn greeting_name(ctx: MessageContext<'_>) -> &str {
    ctx.event
        .customer
        .name
        .as_ref()
        .map_or("there", |n| n.first_name())
}

/// Where a ready order is, as the platform said (delivery or pickup), for
/// the wording of a "ready" message.
enum ReadyAs<'a> {
    Shipped(Option<&'a str>),
    Pickup(Option<&'a str>),
    Unknown,
}

fn ready_as(details: &Details) -> ReadyAs<'_> {
    match &details.fulfilment {
        Some(Fulfilment::Shipment { carrier, .. }) => {
            ReadyAs::Shipped(carrier.as_ref().map(|c| c.as_str()))
        }
        Some(Fulfilment::Pickup { location }) => {
            ReadyAs::Pickup(location.as_ref().map(|l| l.as_str()))
        }
        None => ReadyAs::Unknown,
    }
}

/// Carrier, tracking number or pickup location, as detail rows.
fn fulfilment_rows(details: &Details) -> Vec<(&'static str, String)> {
    match &details.fulfilment {
        Some(Fulfilment::Shipment {
            carrier, number, ..
        }) => [("Carrier", carrier), ("Tracking number", number)]
            .into_iter()
            .filter_map(|(label, value)| value.as_ref().map(|v| (label, v.as_str().to_owned())))
            .collect(),
        Some(Fulfilment::Pickup {
            location: Some(location),
        }) => vec![("Pickup at", location.as_str().to_owned())],
        Some(Fulfilment::Pickup { location: None }) | None => Vec::new(),
    }
}

fn tracking_action(details: &Details) -> Option<Action> {
    let url = details.fulfilment.as_ref()?.tracking_url()?;
    Some(Action {
        label: "Track your parcel",
        url: url.as_str().to_owned(),
    })
}

/// `March 14, 2026` (the day in UTC: the message has no time zone of the
/// customer's).
fn long_date(at: DateTime<Utc>) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = MONTHS[at.month0() as usize];
    format!("{month} {}, {}", at.day(), at.year())
}

pub(super) fn for_event(ctx: MessageContext<'_>) -> Copy {
    let store = ctx.merchant.as_str();
    let greeting = format!("Hi {},", greeting_name(ctx));
    let details = &ctx.event.details;
    match &ctx.event.document {
        Document::Order { status, number, .. } => {
            let n = format!("#{}", number.as_str());
            let (subject, heading, mut paragraphs): (String, &str, Vec<String>) = match status {
                OrderStatus::Initiated => (
                    format!("We've received your order {n}"),
                    "Thanks for your order",
                    vec![
                        format!("Thanks for shopping with {store}. We've received your order {n} and will confirm it as soon as your payment has been processed."),
                        "We'll keep you updated at every step.".to_owned(),
                    ],
                ),
                OrderStatus::SentForProcessing => (
                    format!("Your order {n} is confirmed"),
                    "Your order is confirmed",
                    vec![
                        format!("Your payment has been received and your order {n} has been sent to our team for processing."),
                        "We'll let you know as soon as we start preparing it.".to_owned(),
                    ],
                ),
                OrderStatus::Processing => (
                    format!("We're preparing your order {n}"),
                    "We're preparing your order",
                    vec![
                        format!("Good news: our team has started preparing your order {n}."),
                        "We'll let you know as soon as it's ready.".to_owned(),
                    ],
                ),
                OrderStatus::Ready => match ready_as(details) {
                    ReadyAs::Shipped(carrier) => (
                        format!("Your order {n} is on its way"),
                        "Your order is on its way",
                        vec![
                            match carrier {
                                Some(carrier) => format!("Good news: your order {n} has shipped with {carrier}."),
                                None => format!("Good news: your order {n} has shipped."),
                            },
                            "We'll let you know once it's in your hands.".to_owned(),
                        ],
                    ),
                    ReadyAs::Pickup(location) => (
                        format!("Your order {n} is ready for pickup"),
                        "Your order is ready for pickup",
                        vec![
                            match location {
                                Some(location) => format!("Your order {n} is ready to collect at {location}."),
                                None => format!("Your order {n} is ready to collect."),
                            },
                            "Bring this email or your order number when you come.".to_owned(),
                        ],
                    ),
                    ReadyAs::Unknown => (
                        format!("Your order {n} is ready"),
                        "Your order is ready",
                        vec![
                            format!("Your order {n} is ready. If you chose delivery, it's on its way to you; if you chose pickup, you can collect it from us now."),
                            "We'll let you know once it's in your hands.".to_owned(),
                        ],
                    ),
                },
                OrderStatus::Delivered => (
                    format!("Your order {n} has been delivered"),
                    "Your order has arrived",
                    vec![
                        format!("Your order {n} has been delivered. We hope you love it."),
                        "If anything isn't right, reply to this email and we'll help.".to_owned(),
                    ],
                ),
                OrderStatus::Cancelled => (
                    format!("Your order {n} has been cancelled"),
                    "Your order has been cancelled",
                    vec![
                        format!("Your order {n} has been cancelled."),
                        "If you didn't expect this or have any questions, reply to this email and we'll be happy to help.".to_owned(),
                    ],
                ),
                OrderStatus::Returned => (
                    format!("We've received your return for order {n}"),
                    "Your return is complete",
                    vec![
                        match details.refunded {
                            Some(amount) => format!("We've received the items you returned from order {n} and your refund of {amount} has been issued."),
                            None => format!("We've received the items you returned from order {n} and your refund has been issued."),
                        },
                        "Refunds usually appear on your statement within 5 to 10 business days, depending on your bank.".to_owned(),
                    ],
                ),
            };
            if *status == OrderStatus::Cancelled
                && let Some(why) = details.cancel_reason.and_then(|r| r.customer_words())
            {
                paragraphs.insert(1, why.to_owned());
            }
            let mut rows = vec![("Order", n), ("Status", status.display_name().to_owned())];
            let button = match status {
                OrderStatus::Ready | OrderStatus::Delivered => {
                    rows.extend(fulfilment_rows(details));
                    tracking_action(details)
                }
                _ => None,
            };
            if let (OrderStatus::Returned | OrderStatus::Cancelled, Some(amount)) =
                (status, details.refunded)
            {
                rows.push(("Refunded", amount.to_string()));
            }
            let footer =
                format!("You're receiving this email because you placed an order with {store}.");
            Copy::new(subject, heading, greeting, paragraphs, rows, footer)
                .with_details(details, button)
        }
        Document::Invoice {
            status,
            number,
            total,
            ..
        } => {
            let n = format!("#{}", number.as_str());
            let (subject, heading, paragraphs, dated) = match status {
                InvoiceStatus::Closed => (
                    format!("Your invoice {n} from {store}"),
                    "Thank you for your purchase",
                    vec![
                        format!("Your invoice {n} is now closed. Thank you for shopping with {store}."),
                        "Please keep this email for your records.".to_owned(),
                    ],
                    "Paid",
                ),
                InvoiceStatus::Cancelled => (
                    format!("Invoice {n} has been cancelled"),
                    "Your invoice has been cancelled",
                    vec![
                        format!("Invoice {n} has been cancelled and no payment is due on it."),
                        "If you have any questions, reply to this email and we'll be happy to help.".to_owned(),
                    ],
                    "Cancelled",
                ),
            };
            let mut rows = vec![("Invoice", n)];
            // The totals list ends with the total; without one, the invoice's own.
            if let (Some(total), None) = (total, &details.totals) {
                rows.push(("Total", total.to_string()));
            }
            rows.push(("Status", status.display_name().to_owned()));
            rows.push((dated, long_date(ctx.event.occurred_at)));
            let footer =
                format!("You're receiving this email because of your purchase from {store}.");
            Copy::new(subject, heading, greeting, paragraphs, rows, footer)
                .with_details(details, None)
        }
    }
}

pub(super) fn sms_for_event(ctx: MessageContext<'_>) -> String {
    let store = ctx.merchant.as_str();
    let first = greeting_name(ctx);
    let details = &ctx.event.details;
    let body = match &ctx.event.document {
        Document::Order { status, number, .. } => {
            let n = number.as_str();
            match status {
                OrderStatus::Initiated => {
                    format!(
                        "thanks for your order #{n}! We've received it and will keep you posted."
                    )
                }
                OrderStatus::SentForProcessing => {
                    format!("your order #{n} is confirmed and has been sent for processing.")
                }
                OrderStatus::Processing => {
                    format!("we're preparing your order #{n}. We'll let you know when it's ready.")
                }
                OrderStatus::Ready => match (ready_as(details), tracking_action(details)) {
                    (ReadyAs::Shipped(_), Some(track)) => {
                        format!("your order #{n} is on its way. Track it: {}", track.url)
                    }
                    (ReadyAs::Shipped(Some(carrier)), None) => {
                        format!("your order #{n} is on its way with {carrier}.")
                    }
                    (ReadyAs::Shipped(None), None) => format!("your order #{n} is on its way."),
                    (ReadyAs::Pickup(Some(location)), _) => {
                        format!("your order #{n} is ready to collect at {location}.")
                    }
                    (ReadyAs::Pickup(None), _) => format!("your order #{n} is ready to collect."),
                    (ReadyAs::Unknown, _) => format!(
                        "your order #{n} is ready: on its way to you, or ready to collect if you chose pickup."
                    ),
                },
                OrderStatus::Delivered => {
                    format!("your order #{n} has been delivered. We hope you love it!")
                }
                OrderStatus::Cancelled => format!(
                    "your order #{n} has been cancelled. If this is unexpected, please contact us."
                ),
                OrderStatus::Returned => match details.refunded {
                    Some(amount) => format!(
                        "we've received your return for order #{n} and issued your refund of {amount}."
                    ),
                    None => {
                        format!("we've received your return for order #{n} and issued your refund.")
                    }
                },
            }
        }
        Document::Invoice {
            status,
            number,
            total,
            ..
        } => {
            let n = number.as_str();
            let total = details.totals.as_ref().map(|t| t.total()).or(*total);
            match status {
                InvoiceStatus::Closed => match total {
                    Some(total) => format!("thank you! Invoice #{n} ({total}) is now closed."),
                    None => format!("thank you! Invoice #{n} is now closed."),
                },
                InvoiceStatus::Cancelled => {
                    format!("invoice #{n} has been cancelled; no payment is due on it.")
                }
            }
        }
    };
    format!("{store}: Hi {first}, {body} Reply STOP to opt out.")
}
