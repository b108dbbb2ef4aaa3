//! Records finished attempts in groups: whatever finished while the last
//! group was being written goes in the next transaction, so at high rates
//! many messages share one commit, and at low rates each is written at
//! once. A job stays leased (and renewed) until its attempt is recorded.

use std::sync::Arc;
use std::time::Duration;

use notify_store::Store;
use notify_store::delivery_queue::FinishedAttempt;
use tokio::sync::{Notify, mpsc};

use super::lease::LeaseClock;
use crate::shutdown::Shutdown;

/// The most attempts one transaction records.
const MAX_GROUP: usize = 256;

/// Writes what arrives on `finished` until every sender is gone; wakes
/// `wake` after each group (a recipient's next message may now go).
pub async fn run(
    store: Store,
    mut finished: mpsc::Receiver<FinishedAttempt>,
    clock: Arc<LeaseClock>,
    wake: Arc<Notify>,
    shutdown: Shutdown,
) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while let Some(first) = finished.recv().await {
        group.push(first);
        while group.len() < MAX_GROUP {
            match finished.try_recv() {
                Ok(a) => group.push(a),
                Err(_) => break,
            }
        }
        write(&store, &group, &shutdown).await;
        clock.let_go(group.len());
        group.clear();
        wake.notify_one();
    }
}

/// Retries until written. While the process runs the jobs stay leased
/// (renewed), so nothing else sends them; once stopping, it gives up after
/// a few tries and the leases run out (the documented crash window).
async fn write(store: &Store, group: &[FinishedAttempt], shutdown: &Shutdown) {
    let mut wait = Duration::from_millis(50);
    let mut tries = 0;
    loop {
        tries += 1;
        match store.record_attempts(group).await {
            Ok(0) => return,
            Ok(lost) => {
                tracing::warn!(
                    lost,
                    "recorded attempts of jobs whose lease had passed to another worker"
                );
                return;
            }
            Err(e) => {
                tracing::error!(error = %e, messages = group.len(), tries, "recording delivery attempts failed");
                if shutdown.is_stopped() && tries >= 5 {
                    return;
                }
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
        }
    }
}
