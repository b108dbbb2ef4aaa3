//! The wording of every message, status by status: the one place to edit
//! what customers read. Values here are raw text; layouts escape them.

use crate::catalog::{InvoiceStatus, OrderStatus};
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
    pub details: Vec<(&'static str, String)>,
    pub footer: String,
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
            details,
            footer,
        }
    }
}

fn greeting_name(ctx: MessageContext<'_>) -> &str {
    ctx.event
        .customer
        .name
        .as_ref()
        .map_or("there", |n| n.first_name())
}

pub(super) fn for_event(ctx: MessageContext<'_>) -> Copy {
    let store = ctx.merchant.as_str();
    let greeting = format!("Hi {},", greeting_name(ctx));
    match &ctx.event.document {
        Document::Order { status, number, .. } => {
            let n = format!("#{}", number.as_str());
            let (subject, heading, paragraphs): (String, &str, Vec<String>) = match status {
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
                OrderStatus::Ready => (
                    format!("Your order {n} is ready"),
                    "Your order is ready",
                    vec![
                        format!("Your order {n} is ready. If you chose delivery, it's on its way to you; if you chose pickup, you can collect it from us now."),
                        "We'll let you know once it's in your hands.".to_owned(),
                    ],
                ),
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
                        format!("We've received the items you returned from order {n} and your refund has been issued."),
                        "Refunds usually appear on your statement within 5 to 10 business days, depending on your bank.".to_owned(),
                    ],
                ),
            };
            let details = vec![("Order", n), ("Status", status.display_name().to_owned())];
            let footer =
                format!("You're receiving this email because you placed an order with {store}.");
            Copy::new(subject, heading, greeting, paragraphs, details, footer)
        }
        Document::Invoice {
            status,
            number,
            total,
            ..
        } => {
            let n = format!("#{}", number.as_str());
            let (subject, heading, paragraphs) = match status {
                InvoiceStatus::Closed => (
                    format!("Your invoice {n} from {store}"),
                    "Thank you for your purchase",
                    vec![
                        format!("Your invoice {n} is now closed. Thank you for shopping with {store}."),
                        "Please keep this email for your records.".to_owned(),
                    ],
                ),
                InvoiceStatus::Cancelled => (
                    format!("Invoice {n} has been cancelled"),
                    "Your invoice has been cancelled",
                    vec![
                        format!("Invoice {n} has been cancelled and no payment is due on it."),
                        "If you have any questions, reply to this email and we'll be happy to help.".to_owned(),
                    ],
                ),
            };
            let mut details = vec![("Invoice", n)];
            if let Some(total) = total {
                details.push(("Total", total.to_string()));
            }
            details.push(("Status", status.display_name().to_owned()));
            let footer =
                format!("You're receiving this email because of your purchase from {store}.");
            Copy::new(subject, heading, greeting, paragraphs, details, footer)
        }
    }
}

pub(super) fn sms_for_event(ctx: MessageContext<'_>) -> String {
    let store = ctx.merchant.as_str();
    let first = greeting_name(ctx);
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
                OrderStatus::Ready => format!(
                    "your order #{n} is ready: on its way to you, or ready to collect if you chose pickup."
                ),
                OrderStatus::Delivered => {
                    format!("your order #{n} has been delivered. We hope you love it!")
                }
                OrderStatus::Cancelled => format!(
                    "your order #{n} has been cancelled. If this is unexpected, please contact us."
                ),
                OrderStatus::Returned => {
                    format!("we've received your return for order #{n} and issued your refund.")
                }
            }
        }
        Document::Invoice {
            status,
            number,
            total,
            ..
        } => {
            let n = number.as_str();
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
