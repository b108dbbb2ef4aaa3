//! A status change of one order or invoice, in the merchant-neutral form
//! that every platform's webhook is normalised into.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::{InvoiceStatus, OrderSource, OrderStatus, Trigger};
use crate::contact::{CustomerName, EmailAddress, PhoneNumber};
use crate::details::Details;
use crate::money::Money;
use crate::text::{TextError, clean_display_text, string_newtype};

/// The platform's identifier of an order or invoice (opaque, used in keys).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ExternalId(String);

impl ExternalId {
    pub const MAX_CHARS: usize = 128;

    pub fn parse(input: &str) -> Result<Self, TextError> {
        let cleaned = clean_display_text(input, Self::MAX_CHARS)?;
        Ok(ExternalId(cleaned))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(ExternalId, TextError, Self::parse);

/// The number a customer knows an order or invoice by (`1001`, `INV-0042`).
/// A leading `#` is dropped: templates add it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DocumentNumber(String);

impl DocumentNumber {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(input: &str) -> Result<Self, TextError> {
        let trimmed = input.trim();
        let without_hash = trimmed.strip_prefix('#').unwrap_or(trimmed);
        clean_display_text(without_hash, Self::MAX_CHARS).map(DocumentNumber)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(DocumentNumber, TextError, Self::parse);

/// Which order or invoice changed, and to what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Document {
    Order {
        source: OrderSource,
        status: OrderStatus,
        id: ExternalId,
        number: DocumentNumber,
    },
    Invoice {
        status: InvoiceStatus,
        id: ExternalId,
        number: DocumentNumber,
        total: Option<Money>,
    },
}

impl Document {
    pub fn trigger(&self) -> Trigger {
        match *self {
            Document::Order { source, status, .. } => Trigger::Order { source, status },
            Document::Invoice { status, .. } => Trigger::Invoice { status },
        }
    }

    pub fn id(&self) -> &ExternalId {
        match self {
            Document::Order { id, .. } | Document::Invoice { id, .. } => id,
        }
    }

    pub fn number(&self) -> &DocumentNumber {
        match self {
            Document::Order { number, .. } | Document::Invoice { number, .. } => number,
        }
    }
}

/// The customer as the order or invoice names them. Contacts are optional:
/// many orders carry only one of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub name: Option<CustomerName>,
    pub email: Option<EmailAddress>,
    pub phone: Option<PhoneNumber>,
    /// The customer replied STOP to this merchant's SMS (known to the server,
    /// not the platform).
    #[serde(default)]
    pub sms_opted_out: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionEvent {
    pub document: Document,
    pub customer: Customer,
    /// When the platform says the change happened (the snapshot's time).
    pub occurred_at: DateTime<Utc>,
    /// Items, money, tracking and links, as far as the platform gave them
    /// (events stored before these existed read as none).
    #[serde(default, skip_serializing_if = "Details::is_empty")]
    pub details: Details,
}

impl TransactionEvent {
    pub fn trigger(&self) -> Trigger {
        self.document.trigger()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_number_drops_leading_hash() {
        assert_eq!(DocumentNumber::parse(" #1001 ").unwrap().as_str(), "1001");
        assert_eq!(DocumentNumber::parse("INV-7").unwrap().as_str(), "INV-7");
        assert!(DocumentNumber::parse("#").is_err());
    }

    #[test]
    fn document_knows_its_trigger() {
        let doc = Document::Invoice {
            status: InvoiceStatus::Closed,
            id: ExternalId::parse("inv_1").unwrap(),
            number: DocumentNumber::parse("INV-1").unwrap(),
            total: None,
        };
        assert_eq!(
            doc.trigger(),
            Trigger::Invoice {
                status: InvoiceStatus::Closed
            }
        );
    }
}
