//! The system-defined messages: one email (subject, HTML, plain text) and one
//! SMS per status, compiled in and read-only. The page previews exactly what
//! these functions return and the server sends exactly that.

mod copy;
mod html;
mod text;

use serde::{Deserialize, Serialize};

use crate::event::TransactionEvent;
use crate::merchant::MerchantName;
use crate::sms::{SmsLength, measure};

pub use html::escape as escape_html;

/// Everything a message is filled in with.
#[derive(Debug, Clone, Copy)]
pub struct MessageContext<'a> {
    pub merchant: &'a MerchantName,
    pub event: &'a TransactionEvent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailMessage {
    pub subject: String,
    pub html: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsMessage {
    pub text: String,
    pub length: SmsLength,
}

pub fn render_email(ctx: MessageContext<'_>) -> EmailMessage {
    let copy = copy::for_event(ctx);
    EmailMessage {
        subject: copy.subject.clone(),
        html: html::layout(ctx.merchant, &copy),
        text: text::layout(ctx.merchant, &copy),
    }
}

pub fn render_sms(ctx: MessageContext<'_>) -> SmsMessage {
    let text = copy::sms_for_event(ctx);
    SmsMessage {
        length: measure(&text),
        text,
    }
}
