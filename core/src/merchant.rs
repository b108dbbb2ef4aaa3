//! The merchant as customers see it in messages.

use serde::{Deserialize, Serialize};

use crate::text::{TextError, clean_display_text, string_newtype};

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

string_newtype!(MerchantName, TextError, Self::parse);
