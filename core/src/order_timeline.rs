//! An order's (or invoice's) timeline as data: every webhook received for
//! it with what was decided on each channel and why, every message and
//! every attempt, in time order. What the JSON API returns and the page
//! shows; the search that finds an order; what a resend answers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::delivery_log::{Attempt, DeliveryLogEntry};
use crate::{Channel, ChannelOutcome, Decision, EventOutcome, OrderSource, SkipReason, Trigger};

/// What the merchant searches orders by: an order or invoice number or id,
/// a source, a customer's email or phone. Trimmed, 1 to
/// [`OrderQuery::MAX_CHARS`] characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrderQuery(String);

impl OrderQuery {
    pub const MAX_CHARS: usize = 128;

    pub fn parse(input: &str) -> Result<Self, OrderQueryError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(OrderQueryError::Empty);
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(OrderQueryError::TooLong);
        }
        if text.chars().any(char::is_control) {
            return Err(OrderQueryError::ControlCharacter);
        }
        Ok(OrderQuery(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As an order number is stored: without a leading `#`, lower case.
    pub fn as_number(&self) -> String {
        let text = self.0.strip_prefix('#').unwrap_or(&self.0);
        text.trim().to_lowercase()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OrderQueryError {
    #[error("type an order or invoice number, a source, an email or a phone number")]
    Empty,
    #[error("at most 128 characters")]
    TooLong,
    #[error("no control characters")]
    ControlCharacter,
}

impl TryFrom<String> for OrderQuery {
    type Error = OrderQueryError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        OrderQuery::parse(&value)
    }
}

impl From<OrderQuery> for String {
    fn from(q: OrderQuery) -> Self {
        q.0
    }
}

/// Where an order or invoice comes from: an order source, or `invoice`.
/// The first part of an order's address (`/orders/{source}/{id}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum DocumentSource {
    Order(OrderSource),
    Invoice,
}

impl DocumentSource {
    pub const INVOICE: &'static str = "invoice";

    pub fn slug(self) -> &'static str {
        match self {
            DocumentSource::Order(source) => source.slug(),
            DocumentSource::Invoice => Self::INVOICE,
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        if slug == Self::INVOICE {
            return Some(DocumentSource::Invoice);
        }
        OrderSource::from_slug(slug).map(DocumentSource::Order)
    }

    pub fn display_name(self) -> &'static str {
        match self {
            DocumentSource::Order(source) => source.display_name(),
            DocumentSource::Invoice => "Invoice",
        }
    }
}

impl TryFrom<String> for DocumentSource {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        DocumentSource::from_slug(&value).ok_or_else(|| format!("unknown source {value:?}"))
    }
}

impl From<DocumentSource> for String {
    fn from(s: DocumentSource) -> Self {
        s.slug().to_owned()
    }
}

/// What `decide` did on one channel, as stored with each processed
/// webhook: sent, or the reason it stayed silent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelDecision {
    pub channel: Channel,
    /// `null`: the channel fires.
    pub skipped: Option<SkipReason>,
}

impl ChannelDecision {
    /// One per channel, in [`Channel::ALL`] order.
    pub fn of(decision: &Decision) -> Vec<ChannelDecision> {
        decision
            .outcomes
            .iter()
            .map(|o| ChannelDecision {
                channel: o.channel(),
                skipped: match o {
                    ChannelOutcome::Send(_) => None,
                    ChannelOutcome::Skip { reason, .. } => Some(*reason),
                },
            })
            .collect()
    }

    /// For the merchant: "Email: sent." or why it stayed silent.
    pub fn explain(self, trigger: Trigger) -> String {
        match self.skipped {
            None => format!("{}: queued.", self.channel.display_name()),
            Some(reason) => format!(
                "{}: silent. {}",
                self.channel.display_name(),
                reason.explain(trigger, self.channel)
            ),
        }
    }
}

/// One order or invoice found by a search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderSummary {
    /// An order source (`shopify`, …) or `invoice`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "shopify"))]
    pub source: DocumentSource,
    /// The platform's id (the address's `{id}`).
    pub document_id: String,
    /// What the customer knows it by, when known.
    pub number: Option<String>,
    /// The newest webhook's trigger key (`order.shopify.ready`).
    pub last_trigger: Option<String>,
    pub last_at: DateTime<Utc>,
    /// Webhooks received for it in the window.
    pub webhooks: i64,
}

/// One webhook received for the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEntry {
    /// The event's id (`evt_…`).
    pub event_id: String,
    pub at: DateTime<Utc>,
    /// The platform slug (`shopify`, `events`, …).
    pub platform: String,
    /// The platform's topic (`orders/updated`).
    pub topic: String,
    /// The status it was read as (`order.shopify.ready`); `null` when not read.
    pub trigger: Option<String>,
    pub outcome: Option<EventOutcome>,
    /// The transition had notified already (a repeated status).
    pub duplicate: bool,
    /// The event log's words: what was queued, why nothing was.
    pub detail: Option<String>,
    /// Per channel: queued, or why it stayed silent.
    pub decisions: Vec<DecisionLine>,
}

/// One channel's decision, with its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionLine {
    pub channel: Channel,
    /// `null`: the channel fires.
    pub skipped: Option<SkipReason>,
    /// For a person: "SMS: silent. The customer replied STOP …".
    pub explanation: String,
}

impl DecisionLine {
    pub fn new(decision: ChannelDecision, trigger: Trigger) -> Self {
        DecisionLine {
            channel: decision.channel,
            skipped: decision.skipped,
            explanation: decision.explain(trigger),
        }
    }
}

/// One message for the order (an original or a resend).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageEntry {
    pub at: DateTime<Utc>,
    /// Recipient partly hidden; a resend names the message it resends
    /// and who resent it.
    pub delivery: DeliveryLogEntry,
    /// Whether it may be resent now (sent, failed or gave up).
    pub resendable: bool,
}

/// One attempt to send one of the order's messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptEntry {
    pub at: DateTime<Utc>,
    /// The message's id (`job_…`).
    pub job_id: String,
    pub channel: Channel,
    pub attempt: Attempt,
}

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TimelineEntry {
    Webhook(WebhookEntry),
    Message(MessageEntry),
    Attempt(AttemptEntry),
}

impl TimelineEntry {
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            TimelineEntry::Webhook(w) => w.at,
            TimelineEntry::Message(m) => m.at,
            TimelineEntry::Attempt(a) => a.at,
        }
    }

    /// At one instant: the webhook, then its message, then the attempt.
    fn rank(&self) -> u8 {
        match self {
            TimelineEntry::Webhook(_) => 0,
            TimelineEntry::Message(_) => 1,
            TimelineEntry::Attempt(_) => 2,
        }
    }
}

/// Everything that happened to one order or invoice, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderTimeline {
    /// An order source (`shopify`, …) or `invoice`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "shopify"))]
    pub source: DocumentSource,
    pub document_id: String,
    pub number: Option<String>,
    pub entries: Vec<TimelineEntry>,
}

impl OrderTimeline {
    /// The timeline of these entries, put in time order.
    pub fn new(
        source: DocumentSource,
        document_id: String,
        number: Option<String>,
        mut entries: Vec<TimelineEntry>,
    ) -> Self {
        entries.sort_by_key(|e| (e.at(), e.rank()));
        OrderTimeline {
            source,
            document_id,
            number,
            entries,
        }
    }
}

/// The new message a resend queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resent {
    /// The new message (pending; recipient partly hidden).
    pub delivery: DeliveryLogEntry,
    /// The message it resends (`job_…`).
    pub resend_of: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_trimmed_bounded_and_printable() {
        assert_eq!(OrderQuery::parse("  #1001 ").unwrap().as_str(), "#1001");
        assert_eq!(OrderQuery::parse("#1001").unwrap().as_number(), "1001");
        assert_eq!(OrderQuery::parse("INV-7").unwrap().as_number(), "inv-7");
        assert_eq!(OrderQuery::parse("   "), Err(OrderQueryError::Empty));
        assert_eq!(
            OrderQuery::parse(&"x".repeat(129)),
            Err(OrderQueryError::TooLong)
        );
        assert!(OrderQuery::parse(&"x".repeat(128)).is_ok());
        assert_eq!(
            OrderQuery::parse("a\u{0}b"),
            Err(OrderQueryError::ControlCharacter)
        );
        assert!(serde_json::from_str::<OrderQuery>("\"\"").is_err());
    }

    #[test]
    fn a_source_is_an_order_source_or_invoice() {
        assert_eq!(
            DocumentSource::from_slug("shopify"),
            Some(DocumentSource::Order(OrderSource::Shopify))
        );
        assert_eq!(
            DocumentSource::from_slug("invoice"),
            Some(DocumentSource::Invoice)
        );
        assert_eq!(DocumentSource::from_slug("ebay"), None);
        for source in OrderSource::ALL {
            let s = DocumentSource::Order(source);
            assert_eq!(DocumentSource::from_slug(s.slug()), Some(s));
        }
    }

    #[test]
    fn decisions_name_each_channel_and_why_it_is_silent() {
        let trigger = Trigger::from_key("order.shopify.ready").unwrap();
        let decision = Decision {
            trigger,
            outcomes: vec![
                ChannelOutcome::Skip {
                    channel: Channel::Email,
                    reason: SkipReason::ChannelOff,
                },
                ChannelOutcome::Skip {
                    channel: Channel::Sms,
                    reason: SkipReason::OptedOut,
                },
            ],
        };
        let lines = ChannelDecision::of(&decision);
        assert_eq!(lines[1].skipped, Some(SkipReason::OptedOut));
        let json = serde_json::to_string(&lines).unwrap();
        assert_eq!(
            serde_json::from_str::<Vec<ChannelDecision>>(&json).unwrap(),
            lines
        );
        assert!(lines[1].explain(trigger).contains("replied STOP"));
        assert!(lines[0].explain(trigger).starts_with("Email: silent."));
    }
}
