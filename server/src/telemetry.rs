//! Structured logs, filtered by `RUST_LOG` (see `config`).

use tracing_subscriber::EnvFilter;

/// `filter`: a valid `RUST_LOG` (checked with the configuration).
pub fn init(filter: &str) {
    let filter = EnvFilter::new(filter);
    // A second init (tests) is harmless.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}
