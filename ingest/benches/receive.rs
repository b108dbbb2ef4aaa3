//! What a webhook costs on receipt, before its 200: `receive` (signature
//! over the raw bytes, shape check, de-duplication key) for each platform's
//! recorded order payload. Processing (the full normalisation) is measured
//! apart, as `normalize`.
//! Run: `cargo bench -p notify-ingest --bench receive`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use http::HeaderMap;
use notify_ingest::platform::{Platform, Received, Request};
use notify_ingest::platforms::{events, shopify, woocommerce};
use notify_ingest::settings::{IntegrationConfig, IntegrationForm};
use notify_ingest::signature::{hmac_sha256, standard_webhooks};
use std::hint::black_box;

const SHOPIFY: &[u8] = include_bytes!("../tests/payloads/shopify_order_fulfilled.json");
const WOOCOMMERCE: &[u8] = include_bytes!("../tests/payloads/woocommerce_order_completed.json");

/// The generic endpoint's order event with every optional part.
const GENERIC: &[u8] = br#"{"type": "order.status_changed", "source": "cto",
 "order": {"id": "C-1", "number": "1001", "status": "ready", "updated_at": "2026-03-14T10:00:00Z",
  "currency": "EUR",
  "items": [{"name": "Linen shirt", "variant": "M / Blue", "quantity": 2, "price": "49.00"},
            {"name": "Canvas tote", "quantity": 1, "price": "19.50"}],
  "totals": {"subtotal": "117.50", "discount": "10.00", "shipping": "4.90", "tax": "21.12", "total": "133.52"},
  "tracking": {"carrier": "DHL", "number": "JD014600006281230704", "url": "https://www.dhl.com/track?n=JD014600006281230704"},
  "url": "https://shop.example.com/orders/1001"},
 "customer": {"email": "ada@example.com", "phone": "+14155550134", "name": "Ada Lovelace"}}"#;

struct Signed {
    platform: Platform,
    config: IntegrationConfig,
    headers: HeaderMap,
    body: &'static [u8],
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_773_500_000, 0).unwrap()
}

fn configured(platform: Platform, typed: &[(&str, &str)]) -> (IntegrationConfig, Option<String>) {
    let v = platform
        .validate(&IntegrationForm::new(typed.iter().copied()), None, [7; 32])
        .expect("valid settings");
    (v.config, v.shown_once)
}

fn headers(pairs: &[(&'static str, String)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (name, value) in pairs {
        h.insert(*name, value.parse().unwrap());
    }
    h
}

fn signed() -> Vec<Signed> {
    let (config, _) = configured(shopify::PLATFORM, &[("client_secret", "shpss_bench")]);
    let shopify = Signed {
        platform: shopify::PLATFORM,
        config,
        headers: headers(&[
            (
                "x-shopify-hmac-sha256",
                STANDARD.encode(hmac_sha256(b"shpss_bench", &[SHOPIFY])),
            ),
            ("x-shopify-topic", "orders/fulfilled".to_owned()),
            ("x-shopify-event-id", "e-1".to_owned()),
            ("x-shopify-triggered-at", "2026-03-14T15:00:00Z".to_owned()),
        ]),
        body: SHOPIFY,
    };
    let (config, _) = configured(woocommerce::PLATFORM, &[("webhook_secret", "wc_bench")]);
    let woocommerce = Signed {
        platform: woocommerce::PLATFORM,
        config,
        headers: headers(&[
            (
                "x-wc-webhook-signature",
                STANDARD.encode(hmac_sha256(b"wc_bench", &[WOOCOMMERCE])),
            ),
            ("x-wc-webhook-topic", "order.updated".to_owned()),
            ("x-wc-webhook-delivery-id", "d-1".to_owned()),
        ]),
        body: WOOCOMMERCE,
    };
    let (config, secret) = configured(events::PLATFORM, &[]);
    let key = standard_webhooks::decode_secret(&secret.expect("a generated secret")).unwrap();
    let t = now().timestamp();
    let generic = Signed {
        platform: events::PLATFORM,
        config,
        headers: headers(&[
            ("webhook-id", "msg_1".to_owned()),
            ("webhook-timestamp", t.to_string()),
            (
                "webhook-signature",
                standard_webhooks::sign("msg_1", t, GENERIC, &key),
            ),
        ]),
        body: GENERIC,
    };
    vec![shopify, woocommerce, generic]
}

fn benches(c: &mut Criterion) {
    for s in signed() {
        let request = Request {
            settings: &s.config,
            headers: &s.headers,
            body: s.body,
            now: now(),
        };
        let receive = s.platform.spec().receive;
        assert!(
            matches!(receive(&request), Ok(Received::Accepted(_))),
            "{} refuses its own payload",
            s.platform.slug()
        );
        c.bench_function(&format!("receive/{}", s.platform.slug()), |b| {
            b.iter(|| receive(black_box(&request)))
        });
    }
}

criterion_group!(receive, benches);
criterion_main!(receive);
