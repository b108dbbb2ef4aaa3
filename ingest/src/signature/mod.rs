//! Webhook signatures, checked over the raw body bytes in constant time.

pub mod standard_webhooks;
pub mod twilio;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use thiserror::Error;

type HmacSha256 = Hmac<Sha256>;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignatureError {
    #[error("missing header {0}")]
    MissingHeader(&'static str),
    #[error("malformed header {0}")]
    MalformedHeader(&'static str),
    #[error("timestamp outside the allowed window")]
    StaleTimestamp,
    #[error("signature does not match")]
    Mismatch,
    #[error("no secret is configured")]
    NoSecret,
}

/// HMAC-SHA256 of `message` with `key`.
pub fn hmac_sha256(key: &[u8], message: &[&[u8]]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    for part in message {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// Shopify (`X-Shopify-Hmac-Sha256`) and WooCommerce (`X-WC-Webhook-Signature`):
/// base64 of HMAC-SHA256 over the body. Any of `secrets` may have signed it
/// (two are valid during a rotation).
pub fn verify_base64_body_hmac(
    body: &[u8],
    header: Option<&str>,
    header_name: &'static str,
    secrets: &[&str],
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::MissingHeader(header_name))?;
    let given = STANDARD
        .decode(header.trim())
        .map_err(|_| SignatureError::MalformedHeader(header_name))?;
    if secrets.is_empty() {
        return Err(SignatureError::NoSecret);
    }
    // Check every secret so the time taken does not tell which one matched.
    let matched = secrets.iter().fold(subtle::Choice::from(0), |acc, secret| {
        acc | constant_time_eq(&hmac_sha256(secret.as_bytes(), &[body]), &given)
    });
    if bool::from(matched) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

pub(crate) fn constant_time_eq(expected: &[u8; 32], given: &[u8]) -> subtle::Choice {
    use subtle::ConstantTimeEq;
    if given.len() != expected.len() {
        return subtle::Choice::from(0);
    }
    expected.as_slice().ct_eq(given)
}
