//! Any body: the generic event normaliser returns, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use notify_ingest::platforms::events;

fuzz_target!(|body: &[u8]| {
    let _ = events::normalize(body);
});
