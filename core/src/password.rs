//! A password as typed, and the rule it must meet (the length). Hashing
//! and checking it are the store's (Argon2id).

use std::fmt;

use thiserror::Error;

/// A password as typed: 10 to 256 characters.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PasswordError {
    #[error("must be at least {0} characters")]
    TooShort(usize),
    #[error("must be at most {0} characters")]
    TooLong(usize),
}

impl Password {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(input: &str) -> Result<Self, PasswordError> {
        let n = input.chars().count();
        if n < Self::MIN_CHARS {
            return Err(PasswordError::TooShort(Self::MIN_CHARS));
        }
        if n > Self::MAX_CHARS {
            return Err(PasswordError::TooLong(Self::MAX_CHARS));
        }
        Ok(Password(input.to_owned()))
    }

    /// The password itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_10_to_256_characters_counted_as_characters() {
        assert_eq!(
            Password::parse("short").unwrap_err(),
            PasswordError::TooShort(10)
        );
        assert!(Password::parse("correct horse battery").is_ok());
        assert!(Password::parse(&"é".repeat(256)).is_ok());
        assert_eq!(
            Password::parse(&"x".repeat(257)).unwrap_err(),
            PasswordError::TooLong(256)
        );
        assert_eq!(
            format!("{:?}", Password::parse("correct horse battery").unwrap()),
            "Password([redacted])"
        );
    }
}
