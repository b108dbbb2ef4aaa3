#![recursion_limit = "256"]
//! The Customer Notifications server: the pages (SSR), their server
//! functions and the JSON API; the webhook endpoints; the processor that
//! turns stored webhooks into outbox jobs; the delivery worker that sends
//! them; metrics and maintenance.

pub mod api;
mod claim_loop;
pub mod config;
pub mod delivery;
pub mod http;
pub mod ingest_load;
pub mod maintenance;
pub mod metrics;
pub mod processing;
pub mod retry;
pub mod shutdown;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod webhooks;
