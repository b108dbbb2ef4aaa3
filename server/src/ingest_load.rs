//! How many webhooks this replica is receiving at this moment, so that the
//! background work gives way to a burst: the processor and the delivery
//! lanes wait before their next claim while [`BUSY`] or more webhooks are
//! in flight (verifying, storing, answering). A platform waits for the
//! answer to each webhook, and retries or disables an endpoint that answers
//! slowly; a message going out a second later harms nobody. A burst is
//! answered first and processed right after it.
//!
//! A background loop never waits longer than [`MOST_GIVEN_WAY`] before one
//! claim, so an unending burst slows processing down but cannot stop it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

use crate::shutdown::Shutdown;

/// Webhooks in flight at which the background work waits.
pub const BUSY: usize = 4;

/// The longest the background work waits before one claim.
pub const MOST_GIVEN_WAY: Duration = Duration::from_secs(1);

#[derive(Debug, Default)]
pub struct IngestLoad {
    in_flight: AtomicUsize,
    eased: Notify,
}

/// One webhook in flight, from its arrival to its answer.
pub struct Receiving<'a>(&'a IngestLoad);

impl Drop for Receiving<'_> {
    fn drop(&mut self) {
        if self.0.in_flight.fetch_sub(1, Ordering::AcqRel) == BUSY {
            self.0.eased.notify_waiters();
        }
    }
}

impl IngestLoad {
    /// Counts a webhook until the guard is dropped.
    pub fn receiving(&self) -> Receiving<'_> {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        Receiving(self)
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Acquire)
    }

    /// Returns once fewer than [`BUSY`] webhooks are in flight, after
    /// [`MOST_GIVEN_WAY`], or at shutdown.
    pub async fn give_way(&self, shutdown: &Shutdown) {
        let until = tokio::time::Instant::now() + MOST_GIVEN_WAY;
        loop {
            let eased = self.eased.notified();
            if self.in_flight() < BUSY {
                return;
            }
            tokio::select! {
                () = eased => {}
                () = tokio::time::sleep_until(until) => return,
                () = shutdown.wait() => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn gives_way_until_the_burst_eases() {
        let load = Arc::new(IngestLoad::default());
        let (_trigger, shutdown) = crate::shutdown::channel();
        let started = tokio::time::Instant::now();
        load.give_way(&shutdown).await;
        assert_eq!(started.elapsed(), Duration::ZERO, "no burst: no wait");

        let mut receiving: Vec<_> = (0..BUSY).map(|_| load.receiving()).collect();
        let waiting = tokio::spawn({
            let (load, shutdown) = (load.clone(), shutdown.clone());
            async move {
                let started = tokio::time::Instant::now();
                load.give_way(&shutdown).await;
                started.elapsed()
            }
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!waiting.is_finished(), "waits while {BUSY} are in flight");
        receiving.pop(); // one answered: fewer than BUSY
        assert_eq!(waiting.await.unwrap(), Duration::from_millis(300));
    }

    #[tokio::test(start_paused = true)]
    async fn an_unending_burst_delays_a_claim_by_at_most_the_limit() {
        let load = IngestLoad::default();
        let _receiving: Vec<_> = (0..BUSY * 2).map(|_| load.receiving()).collect();
        let (_trigger, shutdown) = crate::shutdown::channel();
        let started = tokio::time::Instant::now();
        load.give_way(&shutdown).await;
        assert_eq!(started.elapsed(), MOST_GIVEN_WAY);
    }
}
