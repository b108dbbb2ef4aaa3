//! Standard Webhooks (`webhook-id`, `webhook-timestamp`,
//! `webhook-signature: v1,<base64> [v1,<base64> ...]`), signed over
//! `"{id}.{timestamp}.{body}"`. Used by our generic endpoint (secrets
//! `whsec_<base64 key>`) and by BigCommerce (key: the app's client secret
//! as raw bytes).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::{SignatureError, constant_time_eq, hmac_sha256};

/// How far a timestamp may be from now, either way.
pub const TOLERANCE_SECONDS: i64 = 5 * 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders<'a> {
    pub id: &'a str,
    pub timestamp: i64,
    pub signatures: Vec<Vec<u8>>,
}

/// Reads the three headers; unknown signature versions are ignored.
pub fn parse<'a>(
    id: Option<&'a str>,
    timestamp: Option<&str>,
    signature: Option<&str>,
) -> Result<SignedHeaders<'a>, SignatureError> {
    let id = id
        .ok_or(SignatureError::MissingHeader("webhook-id"))?
        .trim();
    if id.is_empty() || id.len() > 256 {
        return Err(SignatureError::MalformedHeader("webhook-id"));
    }
    let timestamp = timestamp
        .ok_or(SignatureError::MissingHeader("webhook-timestamp"))?
        .trim()
        .parse::<i64>()
        .map_err(|_| SignatureError::MalformedHeader("webhook-timestamp"))?;
    let signature = signature.ok_or(SignatureError::MissingHeader("webhook-signature"))?;
    let signatures: Vec<Vec<u8>> = signature
        .split_whitespace()
        .filter_map(|part| part.strip_prefix("v1,"))
        .filter_map(|b64| STANDARD.decode(b64).ok())
        .collect();
    if signatures.is_empty() {
        return Err(SignatureError::MalformedHeader("webhook-signature"));
    }
    Ok(SignedHeaders {
        id,
        timestamp,
        signatures,
    })
}

/// The three headers of a request, parsed.
pub fn from_headers(headers: &http::HeaderMap) -> Result<SignedHeaders<'_>, SignatureError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    parse(
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
    )
}

/// The key bytes of a `whsec_...` secret.
pub fn decode_secret(secret: &str) -> Option<Vec<u8>> {
    STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .ok()
}

/// Checks the timestamp window, then whether any signature was made with
/// any of `keys` (several during a rotation).
pub fn verify(
    headers: &SignedHeaders<'_>,
    body: &[u8],
    keys: &[Vec<u8>],
    now_unix: i64,
) -> Result<(), SignatureError> {
    if now_unix.abs_diff(headers.timestamp) > TOLERANCE_SECONDS.unsigned_abs() {
        return Err(SignatureError::StaleTimestamp);
    }
    if keys.is_empty() {
        return Err(SignatureError::NoSecret);
    }
    let timestamp = headers.timestamp.to_string();
    let mut matched = subtle::Choice::from(0);
    for key in keys {
        let expected = hmac_sha256(
            key,
            &[
                headers.id.as_bytes(),
                b".",
                timestamp.as_bytes(),
                b".",
                body,
            ],
        );
        for given in &headers.signatures {
            matched |= constant_time_eq(&expected, given);
        }
    }
    if bool::from(matched) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Signs like a sender does (for tests, load generators and docs).
pub fn sign(id: &str, timestamp: i64, body: &[u8], key: &[u8]) -> String {
    let mac = hmac_sha256(
        key,
        &[
            id.as_bytes(),
            b".",
            timestamp.to_string().as_bytes(),
            b".",
            body,
        ],
    );
    format!("v1,{}", STANDARD.encode(mac))
}
