//! Webhooks in: verify, then normalise. Everything here is a pure function
//! of bytes, headers and secrets (time is passed in), so it is fuzzed and
//! tested without a server.

pub mod normalize;
pub mod signature;

pub use normalize::{NormalizeError, Normalized};
