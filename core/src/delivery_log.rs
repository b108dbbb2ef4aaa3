//! The delivery log as data: one message to one customer with its state,
//! and one attempt to send it. What the JSON API returns and the pages show
//! (the pages get these over their server functions).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AttemptOutcome, Channel, EmailAddress, JobState, PhoneNumber, Trigger};

/// One attempt to send a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attempt {
    pub attempt: i64,
    pub at: DateTime<Utc>,
    pub outcome: AttemptOutcome,
    pub provider_id: Option<String>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// One message in the merchant's delivery log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryLogEntry {
    /// The job's id (`job_…`).
    pub id: String,
    /// On the wire as its key (`order.shopify.ready`).
    #[serde(rename = "trigger_key", with = "trigger_key")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "order.shopify.ready"))]
    pub trigger: Trigger,
    pub source: String,
    pub document_id: String,
    pub status: String,
    pub channel: Channel,
    /// As stored; [`DeliveryLogEntry::masked`] hides most of it.
    pub recipient: String,
    pub state: JobState,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub provider_id: Option<String>,
    /// What the provider last reported (queued, sent, delivered, undelivered, failed).
    pub delivery_status: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// The message this one resends (`job_…`); `null` for an original.
    #[serde(default)]
    pub resend_of: Option<String>,
    /// Who resent it: a user's email, or an API key's name.
    #[serde(default)]
    pub resent_by: Option<String>,
}

impl DeliveryLogEntry {
    /// For showing: the recipient partly hidden (`a***@example.com`,
    /// `+1415*****34`).
    pub fn masked(mut self) -> Self {
        let hidden = match self.channel {
            Channel::Email => EmailAddress::parse(&self.recipient)
                .map(|e| e.masked())
                .ok(),
            Channel::Sms => PhoneNumber::parse_e164(&self.recipient)
                .map(|p| p.masked())
                .ok(),
        };
        self.recipient = hidden.unwrap_or_else(|| "•••".to_owned());
        self
    }

    /// Whether the merchant may send it again: it was sent, or failed
    /// (for good or after its retries). One still on its way is not.
    pub fn resendable(&self) -> bool {
        matches!(
            self.state,
            JobState::Sent | JobState::Failed | JobState::Dead
        )
    }
}

/// One message and every attempt to send it, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryDetail {
    pub delivery: DeliveryLogEntry,
    pub attempts: Vec<Attempt>,
}

/// A trigger as its key (`order.shopify.ready`).
mod trigger_key {
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    use crate::Trigger;

    pub fn serialize<S: Serializer>(trigger: &Trigger, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&trigger.key())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Trigger, D::Error> {
        let key = String::deserialize(d)?;
        Trigger::from_key(&key).ok_or_else(|| D::Error::custom(format!("unknown trigger {key}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_names_its_trigger_by_key_and_reads_back() {
        let entry = DeliveryLogEntry {
            id: "job_1".to_owned(),
            trigger: Trigger::from_key("order.shopify.ready").unwrap(),
            source: "shopify".to_owned(),
            document_id: "1001".to_owned(),
            status: "ready".to_owned(),
            channel: Channel::Email,
            recipient: "ada@example.com".to_owned(),
            state: JobState::Sent,
            attempts: 1,
            last_error: None,
            provider_id: None,
            delivery_status: None,
            created_at: DateTime::UNIX_EPOCH,
            sent_at: None,
            updated_at: None,
            resend_of: None,
            resent_by: None,
        };
        let json = serde_json::to_value(&entry).unwrap();
        assert_eq!(json["trigger_key"], "order.shopify.ready");
        assert_eq!(json["channel"], "email");
        assert_eq!(json["state"], "sent");
        assert_eq!(
            serde_json::from_value::<DeliveryLogEntry>(json).unwrap(),
            entry
        );
        assert!(entry.resendable());
        assert_eq!(entry.masked().recipient, "a***@example.com");
    }
}
