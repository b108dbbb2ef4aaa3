//! Shared validation for short human-readable text (names shown in messages).

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters")]
    TooLong { max: usize },
    #[error("must not contain control characters")]
    ControlCharacter,
    #[error("must not contain characters that change the text's direction")]
    DirectionControl,
}

/// Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): in a
/// name shown to customers they can make it read as something else.
pub(crate) fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Trims `input`, collapses inner runs of whitespace to one space, and checks
/// it is non-empty, at most `max` characters and free of control characters.
pub(crate) fn clean_display_text(input: &str, max: usize) -> Result<String, TextError> {
    if input.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return Err(TextError::ControlCharacter);
    }
    let cleaned = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() {
        return Err(TextError::Empty);
    }
    if cleaned.chars().count() > max {
        return Err(TextError::TooLong { max });
    }
    Ok(cleaned)
}

/// The conversions of a validated string newtype `Name(String)`: serde's
/// `try_from = "String"` goes through the validating constructor, and
/// `into = "String"` and `Display` give the inner value back.
macro_rules! string_newtype {
    ($name:ident, $error:ty, $parse:path) => {
        impl TryFrom<String> for $name {
            type Error = $error;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                $parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
pub(crate) use string_newtype;
