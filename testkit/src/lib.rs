//! Test support shared by the integration tests, the drills and the
//! benchmarks (one copy of each piece):
//!
//! - [`smtp`]: a real SMTP listener over TCP that keeps what it receives;
//! - [`sms`]: a Twilio-compatible SMS API whose answers can be scripted;
//! - [`db`]: a throwaway database (SQLite file, or a PostgreSQL database
//!   created on `TEST_POSTGRES_URL` and dropped afterwards);
//! - [`webhooks`]: requests signed as each platform signs them;
//! - [`accounts`]: the merchant sign-up body;
//! - [`raw_http`]: a large body streamed over a raw connection;
//! - [`mapping`]: the platform status mapping table (PLATFORMS.md);
//! - [`free_port`]: a loopback port nobody listens on.

pub mod accounts;
pub mod db;
pub mod mapping;
pub mod raw_http;
pub mod sms;
pub mod smtp;
pub mod webhooks;

/// A loopback port nobody listens on right now (bound, then released).
pub fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}
