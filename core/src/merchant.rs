//! The merchant as customers see it in messages.

use serde::{Deserialize, Serialize};

use crate::text::{TextError, clean_display_text, is_direction_control, string_newtype};

/// The store name shown in every message ("Maple & Co"), also the sender
/// name: no control characters and no text-direction controls.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MerchantName(String);

impl MerchantName {
    pub const MAX_CHARS: usize = 80;

    pub fn parse(input: &str) -> Result<Self, TextError> {
        if input.chars().any(is_direction_control) {
            return Err(TextError::DirectionControl);
        }
        clean_display_text(input, Self::MAX_CHARS).map(MerchantName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(MerchantName, TextError, Self::parse);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_controls_are_refused_like_control_characters() {
        for c in ('\u{202A}'..='\u{202E}').chain('\u{2066}'..='\u{2069}') {
            let name = format!("Maple {c}oc & Co");
            assert_eq!(
                MerchantName::parse(&name),
                Err(TextError::DirectionControl),
                "U+{:04X}",
                u32::from(c)
            );
        }
        assert_eq!(
            MerchantName::parse("Maple\u{7}"),
            Err(TextError::ControlCharacter)
        );
        // Right-to-left scripts themselves are fine.
        assert!(MerchantName::parse("متجر القيقب").is_ok());
        assert!(MerchantName::parse("חנות").is_ok());
    }
}
