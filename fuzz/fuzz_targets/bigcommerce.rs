//! Any hook body or fetched order: the BigCommerce readers return, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use notify_ingest::platforms::bigcommerce;

fuzz_target!(|body: &[u8]| {
    let _ = bigcommerce::normalize_hook(body);
    let _ = bigcommerce::dedupe_key(body);
    let _ = bigcommerce::order(body);
    let _ = bigcommerce::order_for_hook(body, body);
});
