//! Any body: the WooCommerce normaliser and its de-duplication key return, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use notify_ingest::platforms::woocommerce;

fuzz_target!(|input: (u8, &[u8])| {
    let (topic, body) = input;
    let topic = woocommerce::TOPICS[usize::from(topic) % woocommerce::TOPICS.len()];
    let _ = woocommerce::normalize(topic, body);
    let _ = woocommerce::dedupe_key(body);
});
