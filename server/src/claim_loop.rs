//! The loop the processor and each delivery lane run: claim work and
//! handle it while there is some, giving way to a burst of webhooks before
//! each claim; when there is none, sleep until woken, the backstop poll, or
//! shutdown.

use std::time::Duration;

use tokio::sync::Notify;

use crate::ingest_load::IngestLoad;
use crate::shutdown::Shutdown;

/// What one claim found.
pub(crate) enum Claimed {
    /// Work was claimed (and handed off): claim again at once.
    Work,
    /// Nothing is due: wait for a wake-up or the backstop.
    Nothing,
    /// Shutdown came while claiming: stop.
    Stop,
}

/// A queue's consumer.
pub(crate) trait Claimer {
    async fn claim(&mut self, shutdown: &Shutdown) -> Claimed;
}

/// Runs until `shutdown` resolves (or a claim says stop).
pub(crate) async fn run(
    claimer: &mut impl Claimer,
    wake: &Notify,
    backstop: Duration,
    ingest: &IngestLoad,
    shutdown: &Shutdown,
) {
    loop {
        ingest.give_way(shutdown).await;
        match claimer.claim(shutdown).await {
            Claimed::Work => continue,
            Claimed::Stop => return,
            Claimed::Nothing => {}
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(backstop) => {}
            () = shutdown.wait() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Counting {
        claims: u32,
        work_until: u32,
    }

    impl Claimer for Counting {
        async fn claim(&mut self, _: &Shutdown) -> Claimed {
            self.claims += 1;
            if self.claims <= self.work_until {
                Claimed::Work
            } else {
                Claimed::Nothing
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn claims_again_while_there_is_work_then_waits_for_a_wake_or_the_backstop() {
        let (trigger, shutdown) = crate::shutdown::channel();
        let wake = std::sync::Arc::new(Notify::new());
        let mut claimer = Counting {
            claims: 0,
            work_until: 3,
        };
        let backstop = Duration::from_secs(60);
        let looping = {
            let (wake, shutdown) = (wake.clone(), shutdown.clone());
            async move {
                run(
                    &mut claimer,
                    &wake,
                    backstop,
                    &IngestLoad::default(),
                    &shutdown,
                )
                .await;
                claimer.claims
            }
        };
        let handle = tokio::spawn(looping);
        // Three claims with work, a fourth that finds none, then waiting.
        tokio::time::sleep(Duration::from_secs(1)).await;
        wake.notify_one(); // a fifth
        tokio::time::sleep(Duration::from_secs(1)).await;
        tokio::time::sleep(backstop).await; // a sixth
        trigger.stop();
        assert_eq!(handle.await.unwrap(), 6);
    }

    /// Counts its claims where the test can read them; never finds work.
    struct Shared(std::sync::Arc<std::sync::atomic::AtomicU32>);

    impl Claimer for Shared {
        async fn claim(&mut self, _: &Shutdown) -> Claimed {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Claimed::Nothing
        }
    }

    #[tokio::test(start_paused = true)]
    async fn no_claim_while_a_burst_of_webhooks_is_received() {
        use crate::ingest_load::BUSY;
        use std::sync::atomic::Ordering::SeqCst;
        let (trigger, shutdown) = crate::shutdown::channel();
        let load = std::sync::Arc::new(IngestLoad::default());
        let wake = std::sync::Arc::new(Notify::new());
        let claims = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let burst: Vec<_> = (0..BUSY).map(|_| load.receiving()).collect();
        let handle = tokio::spawn({
            let (load, wake, shutdown) = (load.clone(), wake.clone(), shutdown.clone());
            let mut claimer = Shared(claims.clone());
            async move {
                run(
                    &mut claimer,
                    &wake,
                    Duration::from_secs(60),
                    &load,
                    &shutdown,
                )
                .await;
            }
        });
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(claims.load(SeqCst), 0, "the burst goes first");
        drop(burst);
        tokio::time::sleep(Duration::from_millis(1)).await;
        assert_eq!(claims.load(SeqCst), 1, "claims once the burst is answered");
        trigger.stop();
        handle.await.unwrap();
    }
}
