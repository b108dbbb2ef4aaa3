//! Everything about the platforms orders come from, one module each under
//! [`platforms`], registered in [`platform::ALL`]: webhook verification over
//! raw bytes, de-duplication keys, topics, normalisation into notify-core's
//! `TransactionEvent`, the status mapping, and the integration's settings.
//! Pure functions of bytes, headers and secrets (time is passed in), so it
//! is fuzzed and tested without a server, and the page uses it in the
//! browser.

// Without `receive` (the page's WASM), the platforms' webhook code is
// compiled but unreferenced, and left out of the binary.
#![cfg_attr(not(feature = "receive"), allow(dead_code, unused_imports))]

pub mod normalize;
pub mod platform;
pub mod platforms;
pub mod settings;
pub mod signature;

pub use normalize::{NormalizeError, Normalized};
pub use platform::Platform;
