//! Logs on standard output, filtered by `RUST_LOG`, as text for people (the
//! default) or, with `LOG_FORMAT=json`, one JSON object per line for a log
//! collector (see `config`).
//!
//! Fields name what a line is about with the same names everywhere:
//! `merchant_id`, `endpoint_id` (a webhook endpoint), `event_id` (a stored
//! webhook), `job_id` (one message), `channel`. Lines never carry a secret,
//! a message's text or a customer's address or number: provider and library
//! errors that may quote them go through [`scrub`] first.

use tracing_subscriber::EnvFilter;

/// How log lines are written (`LOG_FORMAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// One line per event for people: time, level, target, message, fields.
    #[default]
    Text,
    /// One JSON object per line: `timestamp`, `level`, `target`, `message`,
    /// the event's fields beside them, and the fields of the span it
    /// happened in under `span`.
    Json,
}

impl LogFormat {
    /// `text` or `json`.
    pub fn parse(raw: &str) -> Result<LogFormat, String> {
        match raw.trim() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            _ => Err(format!("must be text or json, not {raw:?}")),
        }
    }
}

/// `filter`: a valid `RUST_LOG` (checked with the configuration).
pub fn init(filter: &str, format: LogFormat) {
    let builder = tracing_subscriber::fmt().with_env_filter(EnvFilter::new(filter));
    // A second init (tests) is harmless.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}

/// What replaces a customer's address or number in a log line.
pub const REDACTED: &str = "[redacted]";

/// `text` (a provider's or a library's error, which may quote the
/// recipient) fit for a log line: each of `known` (the recipient), anything
/// shaped like an email address and any run of 7 or more digits (a phone
/// number, with its `+`, spaces, dots, dashes and brackets) replaced by
/// [`REDACTED`].
pub fn scrub(text: &str, known: &[&str]) -> String {
    let mut text = text.to_owned();
    for value in known.iter().filter(|v| !v.trim().is_empty()) {
        text = text.replace(value, REDACTED);
    }
    scrub_phone_numbers(&scrub_email_addresses(&text))
}

fn scrub_email_addresses(text: &str) -> String {
    let local = |c: char| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c);
    let domain = |c: char| c.is_alphanumeric() || c == '.' || c == '-';
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '@' {
            let start = (0..i).rev().take_while(|&j| local(chars[j])).last();
            let end = (i + 1..chars.len())
                .take_while(|&j| domain(chars[j]))
                .last();
            if let (Some(start), Some(end)) = (start, end) {
                // The local part is already in `out`: take it back.
                for _ in start..i {
                    out.pop();
                }
                out.push_str(REDACTED);
                i = end + 1;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn scrub_phone_numbers(text: &str) -> String {
    let separator = |c: char| " .-()".contains(c);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '+' || chars[i] == '(' || chars[i].is_ascii_digit() {
            // The longest run of digits and separators from here, ending on
            // a digit.
            let (mut digits, mut last_digit) = (0, None);
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_digit() || separator(chars[j]) || (j == i && chars[j] == '+'))
            {
                if chars[j].is_ascii_digit() {
                    digits += 1;
                    last_digit = Some(j);
                }
                j += 1;
            }
            if let (true, Some(last)) = (digits >= 7, last_digit) {
                out.push_str(REDACTED);
                i = last + 1;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_formats() {
        assert_eq!(LogFormat::parse("text"), Ok(LogFormat::Text));
        assert_eq!(LogFormat::parse(" json "), Ok(LogFormat::Json));
        assert_eq!(
            LogFormat::parse("xml"),
            Err("must be text or json, not \"xml\"".to_owned())
        );
    }

    #[test]
    fn scrub_masks_addresses_and_numbers_and_keeps_the_rest() {
        let cases = [
            (
                "SMTP: permanent error (550): 5.1.1 <ada.l+shop@example.co.uk>: Recipient address rejected",
                "SMTP: permanent error (550): 5.1.1 <[redacted]>: Recipient address rejected",
            ),
            (
                "SMS API 400: error 21211: The 'To' number +14155550134 is not a valid phone number.",
                "SMS API 400: error 21211: The 'To' number [redacted] is not a valid phone number.",
            ),
            (
                "number (415) 555-0134 unreachable",
                "number [redacted] unreachable",
            ),
            ("invalid recipient bob@", "invalid recipient bob@"),
            (
                "no answer within 20 s; error 21610 at 10:32",
                "no answer within 20 s; error 21610 at 10:32",
            ),
        ];
        for (given, want) in cases {
            assert_eq!(scrub(given, &[]), want, "{given}");
        }
        assert_eq!(
            scrub("rejected: 0044 20 7946 0018 and Ada", &["Ada"]),
            "rejected: [redacted] and [redacted]"
        );
        assert_eq!(scrub("nothing", &["", " "]), "nothing");
    }
}
