//! The merchant as customers see it in messages.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::{TextError, clean_display_text};

/// The store name shown in every message ("Maple & Co").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MerchantName(String);

impl MerchantName {
    pub const MAX_CHARS: usize = 80;

    pub fn parse(input: &str) -> Result<Self, TextError> {
        clean_display_text(input, Self::MAX_CHARS).map(MerchantName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MerchantName {
    type Error = TextError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<MerchantName> for String {
    fn from(value: MerchantName) -> Self {
        value.0
    }
}

impl fmt::Display for MerchantName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
