//! The account policy's numbers: how long a session lasts, and how many
//! failed logins and sign-ups are allowed. Signing up and logging in are
//! `notify_service::accounts`.

use chrono::Duration;

/// How long a session lasts, and how many failed logins are allowed.
#[derive(Debug, Clone, Copy)]
pub struct AuthPolicy {
    pub session_ttl: Duration,
    pub window: Duration,
    /// Failed logins to one account from one client address.
    pub max_failures_per_account: i64,
    /// Failed logins from one client address, whatever the account.
    pub max_failures_per_ip: i64,
    /// Sign-ups accepted from one client IP in `window`.
    pub max_sign_ups_per_ip: i64,
}

pub const DEFAULT_SIGN_UPS_PER_IP: i64 = 20;

impl Default for AuthPolicy {
    fn default() -> Self {
        AuthPolicy {
            session_ttl: Duration::days(14),
            window: Duration::minutes(15),
            max_failures_per_account: 5,
            max_failures_per_ip: 30,
            max_sign_ups_per_ip: DEFAULT_SIGN_UPS_PER_IP,
        }
    }
}
