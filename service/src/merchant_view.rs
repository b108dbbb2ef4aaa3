//! The delivery log as a merchant sees it: recipients partly hidden, and no
//! addresses of ours in the texts (the SMS provider's URL carries the
//! account id; sink files are paths on the server). The texts are stored as
//! the delivery worker wrote them; the server log has them whole.

use notify_core::delivery_log::{Attempt, DeliveryLogEntry};

/// What stands for a URL in a text shown to a merchant.
pub const ADDRESS: &str = "[provider address]";
/// What stands for a file path.
pub const FILE: &str = "[file]";

pub fn delivery(entry: DeliveryLogEntry) -> DeliveryLogEntry {
    let mut entry = entry.masked();
    entry.last_error = entry.last_error.as_deref().map(without_locations);
    entry.provider_id = entry.provider_id.as_deref().map(provider_id);
    entry
}

pub fn attempt(mut attempt: Attempt) -> Attempt {
    attempt.error = attempt.error.as_deref().map(without_locations);
    attempt.provider_id = attempt.provider_id.as_deref().map(provider_id);
    attempt
}

/// A provider's message id stays; a sink's file keeps only its name
/// (`sink:job_….eml`), not where it is on the server.
fn provider_id(id: &str) -> String {
    match id.split_once(':') {
        Some(("sink", path)) => {
            let name = path.rsplit(['/', '\\']).next().unwrap_or_default();
            format!("sink:{name}")
        }
        _ => without_locations(id),
    }
}

/// Each word that is a URL or an absolute path (ignoring brackets and
/// punctuation around it) replaced by [`ADDRESS`] or [`FILE`].
pub fn without_locations(text: &str) -> String {
    const AROUND: &[char] = &['(', ')', '[', ']', '<', '>', '"', '\'', ',', ';', ':', '.'];
    text.split(' ')
        .map(|word| {
            let core = word.trim_matches(AROUND);
            let replacement = if core.contains("://") {
                ADDRESS
            } else if core.len() > 1 && (core.starts_with('/') || core.starts_with('\\')) {
                FILE
            } else {
                return word.to_owned();
            };
            word.replacen(core, replacement, 1)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_paths_are_replaced_and_the_rest_kept() {
        assert_eq!(
            without_locations(
                "SMS API: error sending request for url (http://127.0.0.1:9/2010-04-01/Accounts/AC123/Messages.json)"
            ),
            "SMS API: error sending request for url ([provider address])"
        );
        assert_eq!(
            without_locations(
                "writing /tmp/x/outbox/email/job_1.eml: Not a directory (os error 20)"
            ),
            "writing [file]: Not a directory (os error 20)"
        );
        let plain = "SMS API 400: error 21211: The 'To' number is not valid (invalid number)";
        assert_eq!(without_locations(plain), plain);
        assert_eq!(provider_id("sink:/tmp/x/job_1.eml"), "sink:job_1.eml");
        assert_eq!(provider_id("SM0123456789abcdef"), "SM0123456789abcdef");
    }
}
