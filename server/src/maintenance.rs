//! Periodic housekeeping: expired sessions are deleted (they already grant
//! nothing; this keeps the table from growing without end).

use std::time::Duration;

use chrono::Utc;
use notify_store::Store;

use crate::shutdown::Shutdown;

/// How often expired sessions are purged.
pub const SESSION_PURGE_EVERY: Duration = Duration::from_secs(3600);

/// Purges expired sessions now and then every `every`, until `shutdown`.
pub async fn purge_sessions(store: Store, every: Duration, shutdown: Shutdown) {
    loop {
        match store.purge_expired_sessions(Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(sessions = n, "expired sessions purged"),
            Err(e) => tracing::warn!(error = %e, "purging expired sessions failed"),
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = shutdown.wait() => return,
        }
    }
}
