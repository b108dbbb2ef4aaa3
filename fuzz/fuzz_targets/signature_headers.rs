//! Any header values and body: parsing and verifying signatures returns,
//! never panics, and never accepts a signature made with another key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use notify_ingest::signature::standard_webhooks::{parse, sign, verify};
use notify_ingest::signature::verify_base64_body_hmac;

fuzz_target!(|input: (&str, &str, &str, &[u8], i64)| {
    let (id, timestamp, signature, body, now) = input;
    if let Ok(headers) = parse(Some(id), Some(timestamp), Some(signature)) {
        let _ = verify(&headers, body, &[b"key".to_vec()], now);
    }
    let _ = verify_base64_body_hmac(body, Some(signature), "X", &["secret", id]);
    // A signature made with another key never verifies.
    let forged = sign(id, now, body, b"attacker");
    if let Ok(headers) = parse(Some(id), Some(&now.to_string()), Some(&forged)) {
        assert!(verify(&headers, body, &[b"key".to_vec()], now).is_err());
    }
});
