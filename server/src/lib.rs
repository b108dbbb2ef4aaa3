#![recursion_limit = "256"]
//! The Customer Notifications server: the web app (SSR + the JSON API), and,
//! in later stages, webhook ingestion and delivery.

pub mod config;
pub mod shutdown;
pub mod startup;
pub mod telemetry;
