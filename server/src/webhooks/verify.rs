//! Per platform: which headers carry the signature, the topic and the
//! delivery's identity; verification itself is in notify-ingest.

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use notify_ingest::normalize::{bigcommerce, events, shopify, woocommerce};
use notify_ingest::signature::{SignatureError, standard_webhooks, verify_base64_body_hmac};
use notify_store::integrations::IntegrationConfig;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::Rejection;

/// The header in which BigCommerce hooks carry the shared secret that the
/// merchant set as a custom header when creating the hook.
pub const BIGCOMMERCE_SECRET_HEADER: &str = "x-notify-hook-secret";

pub struct Accepted {
    pub topic: String,
    pub dedupe_key: String,
    pub delivery_id: Option<String>,
    pub triggered_at: Option<DateTime<Utc>>,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The three Standard Webhooks headers, parsed.
fn standard_headers(
    headers: &HeaderMap,
) -> Result<standard_webhooks::SignedHeaders<'_>, SignatureError> {
    standard_webhooks::parse(
        header(headers, "webhook-id"),
        header(headers, "webhook-timestamp"),
        header(headers, "webhook-signature"),
    )
}

fn unauthorized(e: SignatureError) -> Rejection {
    Rejection::Unauthorized(e.to_string())
}

fn required<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, Rejection> {
    header(headers, name).ok_or_else(|| unauthorized(SignatureError::MissingHeader(name)))
}

/// Verifies the request and checks the body's shape. `Ok(None)`: a
/// WooCommerce creation ping, to be answered 200 and not stored.
pub fn verify_and_identify(
    config: &IntegrationConfig,
    headers: &HeaderMap,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Option<Accepted>, Rejection> {
    let malformed = |e: notify_ingest::NormalizeError| Rejection::Malformed(e.to_string());
    match config {
        IntegrationConfig::Shopify { client_secrets } => {
            let secrets: Vec<&str> = client_secrets.iter().map(|s| s.expose()).collect();
            verify_base64_body_hmac(
                body,
                header(headers, "x-shopify-hmac-sha256"),
                "X-Shopify-Hmac-Sha256",
                &secrets,
            )
            .map_err(unauthorized)?;
            let topic = required(headers, "x-shopify-topic")?.to_owned();
            let event_id =
                header(headers, "x-shopify-event-id").or(header(headers, "x-shopify-webhook-id"));
            let event_id = event_id
                .ok_or_else(|| unauthorized(SignatureError::MissingHeader("X-Shopify-Event-Id")))?;
            let triggered_at = header(headers, "x-shopify-triggered-at")
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc));
            shopify::normalize(&topic, body, triggered_at.or(Some(now))).map_err(malformed)?;
            Ok(Some(Accepted {
                dedupe_key: format!("{event_id}:{topic}"),
                delivery_id: header(headers, "x-shopify-webhook-id").map(str::to_owned),
                topic,
                triggered_at,
            }))
        }
        IntegrationConfig::WooCommerce { webhook_secret } => {
            let signature = header(headers, "x-wc-webhook-signature");
            if signature.is_none() && is_woocommerce_ping(body) {
                return Ok(None);
            }
            verify_base64_body_hmac(
                body,
                signature,
                "X-WC-Webhook-Signature",
                &[webhook_secret.expose()],
            )
            .map_err(unauthorized)?;
            let topic = required(headers, "x-wc-webhook-topic")?.to_owned();
            woocommerce::normalize(&topic, body).map_err(malformed)?;
            Ok(Some(Accepted {
                dedupe_key: woocommerce::dedupe_key(body).map_err(malformed)?,
                delivery_id: header(headers, "x-wc-webhook-delivery-id").map(str::to_owned),
                topic,
                triggered_at: None,
            }))
        }
        IntegrationConfig::BigCommerce {
            hook_secret,
            client_secret,
            ..
        } => {
            let given = required(headers, BIGCOMMERCE_SECRET_HEADER)?;
            if !bool::from(
                Sha256::digest(given.as_bytes())
                    .ct_eq(&Sha256::digest(hook_secret.expose().as_bytes())),
            ) {
                return Err(unauthorized(SignatureError::Mismatch));
            }
            if let Some(client_secret) = client_secret {
                let signed = standard_headers(headers).map_err(unauthorized)?;
                standard_webhooks::verify(
                    &signed,
                    body,
                    &[client_secret.expose().as_bytes().to_vec()],
                    now.timestamp(),
                )
                .map_err(unauthorized)?;
            }
            bigcommerce::normalize_hook(body).map_err(malformed)?;
            let hash = bigcommerce::dedupe_key(body).map_err(malformed)?;
            let key = hash
                .or_else(|| header(headers, "webhook-id").map(str::to_owned))
                .unwrap_or_else(|| {
                    Sha256::digest(body)
                        .iter()
                        .map(|b| format!("{b:02x}"))
                        .collect()
                });
            let scope: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
            Ok(Some(Accepted {
                topic: scope["scope"].as_str().unwrap_or("store/order").to_owned(),
                dedupe_key: key,
                delivery_id: header(headers, "webhook-id").map(str::to_owned),
                triggered_at: None,
            }))
        }
        IntegrationConfig::Events { signing_secrets } => {
            let signed = standard_headers(headers).map_err(unauthorized)?;
            let keys: Vec<Vec<u8>> = signing_secrets
                .iter()
                .filter_map(|s| standard_webhooks::decode_secret(s.expose()))
                .collect();
            standard_webhooks::verify(&signed, body, &keys, now.timestamp())
                .map_err(unauthorized)?;
            events::normalize(body).map_err(malformed)?;
            let body_type: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
            Ok(Some(Accepted {
                topic: body_type["type"].as_str().unwrap_or("event").to_owned(),
                dedupe_key: signed.id.to_owned(),
                delivery_id: Some(signed.id.to_owned()),
                triggered_at: None,
            }))
        }
    }
}

/// WooCommerce's unsigned request when a webhook is created: `webhook_id=N`.
fn is_woocommerce_ping(body: &[u8]) -> bool {
    std::str::from_utf8(body)
        .ok()
        .and_then(|s| s.trim().strip_prefix("webhook_id="))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}
