//! Webhook requests signed as each sender signs them, over the raw bytes
//! that are sent: Shopify and WooCommerce (base64 HMAC-SHA256 of the body
//! in a header), and the Standard Webhooks form (our generic endpoint and
//! BigCommerce's newer hooks).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use notify_ingest::signature::{hmac_sha256, standard_webhooks};

/// Base64 of HMAC-SHA256 of `body` with `secret` (`X-Shopify-Hmac-Sha256`,
/// `X-WC-Webhook-Signature`).
pub fn body_hmac(secret: &[u8], body: &[u8]) -> String {
    STANDARD.encode(hmac_sha256(secret, &[body]))
}

/// The key bytes of a `whsec_...` secret.
pub fn decode_secret(secret: &str) -> Option<Vec<u8>> {
    standard_webhooks::decode_secret(secret)
}

/// A POST of `body` to `url` signed in the Standard Webhooks form with
/// `key`: `webhook-id`, `webhook-timestamp` and `webhook-signature` (not sent).
pub fn standard_signed(
    client: &reqwest::Client,
    url: &str,
    key: &[u8],
    id: &str,
    timestamp: i64,
    body: Vec<u8>,
) -> reqwest::RequestBuilder {
    client
        .post(url)
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp.to_string())
        .header(
            "webhook-signature",
            standard_webhooks::sign(id, timestamp, &body, key),
        )
        .body(body)
}
