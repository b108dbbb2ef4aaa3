//! Fault drills against the real server binary: kill -9 under load, a
//! provider outage, bad input at volume, per-endpoint rate limits,
//! fairness between merchants, hostile traffic (abuse). Each
//! prints what it measured and fails (an `Err`) when the product did not
//! hold up.

pub mod abuse;
pub mod bad_input;
pub mod crash;
pub mod fairness;
pub mod outage;
pub mod process;
pub mod rate_limit;
pub mod tenant;

/// Whether to run the short version (for the test command).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    Short,
    Full,
}

/// `sqlite` or `postgres`.
pub use notify_testkit::db::Backend;

/// A percentile of sorted values (`p` in 0..=1).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Where a drill's server writes its log (kept after the drill).
pub fn log_path(drill: &str, backend: Backend) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "cn-drill-{drill}-{}.log",
        backend.name().to_lowercase()
    ));
    let _ = std::fs::remove_file(&path);
    path
}
