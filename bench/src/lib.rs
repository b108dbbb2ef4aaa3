//! Shared pieces of the load benchmarks.

pub mod load;
