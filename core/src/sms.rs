//! SMS length as carriers count it: GSM-7 (160 per message, 153 per part of
//! a long message; extension characters take two septets) or, as soon as one
//! character is outside GSM-7, UCS-2 (70, and 67 per part, in UTF-16 units).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmsEncoding {
    Gsm7,
    Ucs2,
}

impl SmsEncoding {
    pub const fn display_name(self) -> &'static str {
        match self {
            SmsEncoding::Gsm7 => "GSM-7",
            SmsEncoding::Ucs2 => "UCS-2",
        }
    }

    const fn single_limit(self) -> usize {
        match self {
            SmsEncoding::Gsm7 => 160,
            SmsEncoding::Ucs2 => 70,
        }
    }

    const fn part_limit(self) -> usize {
        match self {
            SmsEncoding::Gsm7 => 153,
            SmsEncoding::Ucs2 => 67,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsLength {
    pub encoding: SmsEncoding,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    pub units: usize,
    pub segments: usize,
}

/// The GSM 03.38 basic character set (without the escape code).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The GSM 03.38 extension table: each costs an escape plus the character.
const GSM7_EXTENSION: &str = "\u{c}^{}\\[~]|€";

fn gsm7_septets(c: char) -> Option<usize> {
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

pub fn measure(text: &str) -> SmsLength {
    let gsm: Option<Vec<usize>> = text.chars().map(gsm7_septets).collect();
    let (encoding, sizes) = match gsm {
        Some(sizes) => (SmsEncoding::Gsm7, sizes),
        None => (
            SmsEncoding::Ucs2,
            text.chars().map(char::len_utf16).collect(),
        ),
    };
    let units = sizes.iter().sum();
    let segments = if units == 0 {
        0
    } else if units <= encoding.single_limit() {
        1
    } else {
        count_parts(&sizes, encoding.part_limit())
    };
    SmsLength {
        encoding,
        units,
        segments,
    }
}

/// Packs characters into parts without splitting an escape sequence or a
/// surrogate pair, as handsets and carriers do.
fn count_parts(sizes: &[usize], limit: usize) -> usize {
    let mut parts = 1;
    let mut used = 0;
    for &size in sizes {
        if used + size > limit {
            parts += 1;
            used = 0;
        }
        used += size;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm7_limits() {
        let m = measure(&"a".repeat(160));
        assert_eq!(
            (m.encoding, m.units, m.segments),
            (SmsEncoding::Gsm7, 160, 1)
        );
        assert_eq!(measure(&"a".repeat(161)).segments, 2);
        assert_eq!(measure(&"a".repeat(306)).segments, 2);
        assert_eq!(measure(&"a".repeat(307)).segments, 3);
        assert_eq!(measure("").segments, 0);
    }

    #[test]
    fn extension_characters_count_double_and_are_not_split() {
        let m = measure(&"€".repeat(80));
        assert_eq!(
            (m.encoding, m.units, m.segments),
            (SmsEncoding::Gsm7, 160, 1)
        );
        assert_eq!(measure(&"€".repeat(81)).segments, 2);
        // 152 plain septets then "{" (2): it does not fit in the first part's
        // last septet, so it moves to the second part.
        let text = format!("{}{{{}", "a".repeat(152), "a".repeat(10));
        assert_eq!(measure(&text).units, 164);
        assert_eq!(measure(&text).segments, 2);
    }

    #[test]
    fn any_non_gsm_character_switches_to_ucs2() {
        let m = measure("Hi Zoë ✓");
        assert_eq!(m.encoding, SmsEncoding::Ucs2);
        assert_eq!(m.units, 8);
        assert_eq!(measure(&"ł".repeat(70)).segments, 1);
        assert_eq!(measure(&"ł".repeat(71)).segments, 2);
        assert_eq!(measure(&"ł".repeat(134)).segments, 2);
        assert_eq!(measure(&"ł".repeat(135)).segments, 3);
        // Emoji are surrogate pairs: two units each.
        assert_eq!(measure("😀").units, 2);
        assert_eq!(measure(&"😀".repeat(35)).segments, 1);
        assert_eq!(measure(&"😀".repeat(36)).segments, 2);
    }

    #[test]
    fn gsm_accented_letters_stay_gsm7() {
        assert_eq!(measure("Ñoño, café à Müller").encoding, SmsEncoding::Gsm7);
        assert_eq!(measure("Zoë").encoding, SmsEncoding::Ucs2);
        // Curly apostrophes are not GSM-7.
        assert_eq!(measure("it’s").encoding, SmsEncoding::Ucs2);
    }
}
