//! Periodic housekeeping: expired sessions are deleted (they already grant
//! nothing; this keeps the table from growing without end), and personal
//! data older than `RETENTION_DAYS` is purged.

use std::future::Future;
use std::time::Duration;

use chrono::Utc;
use notify_store::Store;

use crate::shutdown::Shutdown;

/// How often expired sessions are purged.
pub const SESSION_PURGE_EVERY: Duration = Duration::from_secs(3600);

/// How often personal data past its retention is purged.
pub const RETENTION_PURGE_EVERY: Duration = Duration::from_secs(3600);

/// Runs `round` now and then every `every`, until `shutdown`.
async fn every<F: Future<Output = ()>>(every: Duration, shutdown: Shutdown, round: impl Fn() -> F) {
    loop {
        round().await;
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = shutdown.wait() => return,
        }
    }
}

/// Purges expired sessions now and then every `period`, until `shutdown`.
pub async fn purge_sessions(store: Store, period: Duration, shutdown: Shutdown) {
    every(period, shutdown, || async {
        match store.purge_expired_sessions(Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(sessions = n, "expired sessions purged"),
            Err(e) => tracing::warn!(error = %e, "purging expired sessions failed"),
        }
    })
    .await;
}

/// Purges webhook bodies and message contents older than `retention`, now
/// and then every `period`, until `shutdown`.
pub async fn purge_personal_data(
    store: Store,
    retention: chrono::Duration,
    period: Duration,
    shutdown: Shutdown,
) {
    every(period, shutdown, || async {
        match store.purge_personal_data(Utc::now() - retention).await {
            Ok(purged) if purged == Default::default() => {}
            Ok(purged) => tracing::info!(
                webhook_bodies = purged.webhook_bodies,
                message_contents = purged.message_contents,
                "personal data past its retention purged"
            ),
            Err(e) => tracing::warn!(error = %e, "purging personal data failed"),
        }
    })
    .await;
}
