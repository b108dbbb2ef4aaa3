//! Any body under any topic: the Shopify normaliser returns, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use notify_ingest::platforms::shopify;

fuzz_target!(|input: (u8, &[u8])| {
    let (topic, body) = input;
    let topic = shopify::TOPICS[usize::from(topic) % shopify::TOPICS.len()];
    let _ = shopify::normalize(topic, body, None);
});
