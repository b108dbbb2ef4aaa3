//! Shared pieces of the load benchmarks.

pub mod drill;
pub mod histogram;
pub mod load;
