//! Signature vectors for every scheme: valid, second secret, tampered body,
//! wrong secret, stale timestamp, missing header.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use notify_ingest::signature::standard_webhooks::{
    self, TOLERANCE_SECONDS, decode_secret, parse, sign, verify,
};
use notify_ingest::signature::{SignatureError, hmac_sha256, verify_base64_body_hmac};

const BODY: &[u8] = br#"{"id":450789469,"financial_status":"paid"}"#;

fn b64_hmac(secret: &str, body: &[u8]) -> String {
    STANDARD.encode(hmac_sha256(secret.as_bytes(), &[body]))
}

#[test]
fn body_hmac_accepts_either_of_two_secrets() {
    let header = b64_hmac("old-secret", BODY);
    assert_eq!(
        verify_base64_body_hmac(BODY, Some(&header), "X", &["new-secret", "old-secret"]),
        Ok(())
    );
    let header = b64_hmac("new-secret", BODY);
    assert_eq!(
        verify_base64_body_hmac(BODY, Some(&header), "X", &["new-secret", "old-secret"]),
        Ok(())
    );
}

#[test]
fn body_hmac_rejects_tampering_wrong_secret_and_missing_header() {
    let header = b64_hmac("secret", BODY);
    let tampered = br#"{"id":450789469,"financial_status":"voided"}"#;
    assert_eq!(
        verify_base64_body_hmac(tampered, Some(&header), "X", &["secret"]),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify_base64_body_hmac(BODY, Some(&header), "X", &["other"]),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify_base64_body_hmac(BODY, None, "X-Shopify-Hmac-Sha256", &["secret"]),
        Err(SignatureError::MissingHeader("X-Shopify-Hmac-Sha256"))
    );
    assert_eq!(
        verify_base64_body_hmac(BODY, Some("%%%"), "X", &["secret"]),
        Err(SignatureError::MalformedHeader("X"))
    );
    assert_eq!(
        verify_base64_body_hmac(BODY, Some(&header), "X", &[]),
        Err(SignatureError::NoSecret)
    );
    // A truncated signature never matches.
    assert_eq!(
        verify_base64_body_hmac(BODY, Some(&STANDARD.encode([0u8; 16])), "X", &["secret"]),
        Err(SignatureError::Mismatch)
    );
}

/// The example from the Standard Webhooks specification.
#[test]
fn standard_webhooks_reference_vector() {
    let key = decode_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let body = br#"{"test": 2432232314}"#;
    let signature = sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, &key);
    assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    let headers = parse(
        Some("msg_p5jXN8AQM9LWM0D4loKWxJek"),
        Some("1614265330"),
        Some(&signature),
    )
    .unwrap();
    assert_eq!(verify(&headers, body, &[key], 1614265330 + 10), Ok(()));
}

fn signed(key: &[u8], id: &str, ts: i64, body: &[u8]) -> String {
    sign(id, ts, body, key)
}

#[test]
fn standard_webhooks_accepts_any_listed_signature_and_any_key() {
    let (old, new) = (b"old-key".to_vec(), b"new-key".to_vec());
    let now = 1_800_000_000;
    let header = format!(
        "v1,bm9wZQ== {} v2,ignored",
        signed(&old, "evt_1", now, BODY)
    );
    let h = parse(Some("evt_1"), Some(&now.to_string()), Some(&header)).unwrap();
    assert_eq!(h.signatures.len(), 2);
    assert_eq!(verify(&h, BODY, &[new.clone(), old.clone()], now), Ok(()));
    assert_eq!(verify(&h, BODY, &[new], now), Err(SignatureError::Mismatch));
}

/// Timestamps at the ends of the range are stale, not an overflow.
#[test]
fn standard_webhooks_extreme_timestamps_are_stale() {
    let key = b"key".to_vec();
    let now = 1_800_000_000;
    for ts in [i64::MIN, i64::MIN + 1, -1, i64::MAX] {
        let sig = signed(&key, "evt_1", ts, BODY);
        let h = parse(Some("evt_1"), Some(&ts.to_string()), Some(&sig)).unwrap();
        assert_eq!(
            verify(&h, BODY, std::slice::from_ref(&key), now),
            Err(SignatureError::StaleTimestamp),
            "{ts}"
        );
    }
}

#[test]
fn standard_webhooks_rejects_stale_tampered_and_missing() {
    let key = b"key".to_vec();
    let now = 1_800_000_000;
    let sig = signed(&key, "evt_1", now, BODY);
    let h = parse(Some("evt_1"), Some(&now.to_string()), Some(&sig)).unwrap();
    assert_eq!(
        verify(
            &h,
            BODY,
            std::slice::from_ref(&key),
            now + TOLERANCE_SECONDS
        ),
        Ok(())
    );
    assert_eq!(
        verify(
            &h,
            BODY,
            std::slice::from_ref(&key),
            now + TOLERANCE_SECONDS + 1
        ),
        Err(SignatureError::StaleTimestamp)
    );
    assert_eq!(
        verify(
            &h,
            BODY,
            std::slice::from_ref(&key),
            now - TOLERANCE_SECONDS - 1
        ),
        Err(SignatureError::StaleTimestamp)
    );
    assert_eq!(
        verify(&h, b"{}", std::slice::from_ref(&key), now),
        Err(SignatureError::Mismatch)
    );
    // The id is part of what is signed.
    let other_id = parse(Some("evt_2"), Some(&now.to_string()), Some(&sig)).unwrap();
    assert_eq!(
        verify(&other_id, BODY, std::slice::from_ref(&key), now),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        parse(None, Some("1"), Some(&sig)),
        Err(SignatureError::MissingHeader("webhook-id"))
    );
    assert_eq!(
        parse(Some("a"), None, Some(&sig)),
        Err(SignatureError::MissingHeader("webhook-timestamp"))
    );
    assert_eq!(
        parse(Some("a"), Some("1"), None),
        Err(SignatureError::MissingHeader("webhook-signature"))
    );
    assert_eq!(
        parse(Some("a"), Some("soon"), Some(&sig)),
        Err(SignatureError::MalformedHeader("webhook-timestamp"))
    );
    assert_eq!(
        parse(Some("a"), Some("1"), Some("v2,abc")),
        Err(SignatureError::MalformedHeader("webhook-signature"))
    );
    let _ = standard_webhooks::TOLERANCE_SECONDS;
}
