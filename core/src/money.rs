//! Amounts shown in invoice messages.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// An ISO 4217 currency code (three upper-case letters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MoneyError {
    #[error("currency must be a three-letter ISO 4217 code")]
    Currency,
    #[error("amount must be a decimal number with at most {0} decimal places")]
    Amount(u32),
}

impl Currency {
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        let upper = code.trim().to_ascii_uppercase();
        let bytes: [u8; 3] = upper
            .as_bytes()
            .try_into()
            .map_err(|_| MoneyError::Currency)?;
        if !bytes.iter().all(u8::is_ascii_uppercase) {
            return Err(MoneyError::Currency);
        }
        Ok(Currency(bytes))
    }

    pub fn code(&self) -> &str {
        // Constructed from three ASCII upper-case letters only.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Digits after the decimal point in this currency's minor unit.
    pub fn exponent(&self) -> u32 {
        match self.code() {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF"
            | "UGX" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            _ => 2,
        }
    }

    fn symbol(&self) -> Option<&'static str> {
        Some(match self.code() {
            "USD" | "CAD" | "AUD" | "NZD" => "$",
            "EUR" => "€",
            "GBP" => "£",
            "JPY" => "¥",
            "INR" => "₹",
            _ => return None,
        })
    }
}

impl TryFrom<String> for Currency {
    type Error = MoneyError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.code().to_owned()
    }
}

/// An amount in a currency's minor units (cents), never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    /// Reads a decimal string such as `"129.5"` or `"-3"` exactly.
    pub fn parse_decimal(amount: &str, currency: Currency) -> Result<Self, MoneyError> {
        let exp = currency.exponent();
        let err = || MoneyError::Amount(exp);
        let amount = amount.trim();
        let (negative, digits) = match amount.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, amount),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(frac) || frac.len() > exp as usize
        {
            return Err(err());
        }
        let scale = 10i64.pow(exp);
        let whole: i64 = whole.parse().map_err(|_| err())?;
        let frac_value: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse::<i64>().map_err(|_| err())? * 10i64.pow(exp - frac.len() as u32)
        };
        let minor = whole
            .checked_mul(scale)
            .and_then(|w| w.checked_add(frac_value))
            .ok_or_else(err)?;
        Ok(Money::from_minor(
            if negative { -minor } else { minor },
            currency,
        ))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exp = self.currency.exponent();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let scale = 10u64.pow(exp);
        let whole = group_thousands(abs / scale);
        let number = if exp == 0 {
            whole
        } else {
            format!("{whole}.{:0width$}", abs % scale, width = exp as usize)
        };
        match self.currency.symbol() {
            Some(symbol) => write!(f, "{sign}{symbol}{number}"),
            None => write!(f, "{sign}{number} {}", self.currency.code()),
        }
    }
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd() -> Currency {
        Currency::parse("usd").unwrap()
    }

    #[test]
    fn formats_with_symbol_grouping_and_minor_units() {
        assert_eq!(Money::from_minor(12900, usd()).to_string(), "$129.00");
        assert_eq!(
            Money::from_minor(123456789, usd()).to_string(),
            "$1,234,567.89"
        );
        assert_eq!(Money::from_minor(-5, usd()).to_string(), "-$0.05");
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(Money::from_minor(1500, jpy).to_string(), "¥1,500");
        let sek = Currency::parse("SEK").unwrap();
        assert_eq!(Money::from_minor(9950, sek).to_string(), "99.50 SEK");
    }

    #[test]
    fn parses_decimals_exactly() {
        assert_eq!(Money::parse_decimal("129.5", usd()).unwrap().minor, 12950);
        assert_eq!(Money::parse_decimal("0.07", usd()).unwrap().minor, 7);
        assert_eq!(Money::parse_decimal("-3", usd()).unwrap().minor, -300);
        for bad in [
            "",
            "1.234",
            "abc",
            "1e3",
            ".5",
            "1.2.3",
            "99999999999999999999",
        ] {
            assert!(Money::parse_decimal(bad, usd()).is_err(), "{bad}");
        }
    }

    #[test]
    fn currency_codes_are_validated() {
        assert!(Currency::parse("US").is_err());
        assert!(Currency::parse("U$D").is_err());
        assert_eq!(usd().code(), "USD");
    }
}
