//! Leases that are safe by construction:
//! - a send starts only while the lease the worker *knows* it holds covers
//!   the send's whole timeout (and the send is cut at that timeout);
//! - the worker renews every lease it holds while messages are in flight
//!   or waiting for their turn, so a long claim never runs out under a
//!   send.
//!
//! What the worker knows is conservative: a claim's lease runs from the
//! moment before the claim was asked for, a renewal's from the moment
//! before it was asked for, and a renewal counts for a claim only if it
//! was asked for after the claim came back (so it cannot have missed it).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use notify_store::Store;
use notify_store::delivery_queue::LeaseHolder;

use crate::shutdown::Shutdown;

/// When one claim was asked for and when it came back.
#[derive(Debug, Clone, Copy)]
pub struct ClaimTimes {
    pub asked: Instant,
    pub returned: Instant,
}

pub struct LeaseClock {
    lease: Duration,
    /// When the last successful renewal was asked for.
    renewed: Mutex<Option<Instant>>,
    /// Jobs claimed and not yet recorded or put back.
    held: AtomicUsize,
}

impl LeaseClock {
    pub fn new(lease: Duration) -> Self {
        LeaseClock {
            lease,
            renewed: Mutex::new(None),
            held: AtomicUsize::new(0),
        }
    }

    /// Until when the jobs of `claim` are surely ours.
    pub fn deadline(&self, claim: ClaimTimes) -> Instant {
        match *self.renewed.lock().expect("lease clock lock") {
            Some(renewed) if renewed > claim.returned => renewed + self.lease,
            _ => claim.asked + self.lease,
        }
    }

    /// Whether a send that may take `send_timeout` can start now for a job
    /// of `claim`.
    pub fn covers(&self, claim: ClaimTimes, send_timeout: Duration) -> bool {
        self.deadline(claim)
            .checked_duration_since(Instant::now())
            .is_some_and(|left| left >= send_timeout)
    }

    pub fn hold(&self, jobs: usize) {
        self.held.fetch_add(jobs, Ordering::SeqCst);
    }

    pub fn let_go(&self, jobs: usize) {
        self.held.fetch_sub(jobs, Ordering::SeqCst);
    }

    pub fn held(&self) -> usize {
        self.held.load(Ordering::SeqCst)
    }

    fn renewed(&self, asked: Instant) {
        let mut renewed = self.renewed.lock().expect("lease clock lock");
        *renewed = Some(renewed.map_or(asked, |r| r.max(asked)));
    }

    /// How often to renew so that a lease always has more than
    /// `send_timeout` left: a third of the margin between the two.
    pub fn renew_every(&self, send_timeout: Duration) -> Duration {
        (self.lease.saturating_sub(send_timeout) / 3).max(Duration::from_millis(50))
    }
}

/// Renews `holder`'s leases every `every` while it holds any, until
/// `shutdown`, and after it until the last held job is recorded.
pub async fn keep_renewed(
    store: Store,
    holder: LeaseHolder,
    clock: std::sync::Arc<LeaseClock>,
    every: Duration,
    shutdown: Shutdown,
) {
    loop {
        if shutdown.is_stopped() {
            // Stopping: keep the sends in hand covered until they are
            // recorded, then end at once.
            while clock.held() > 0 {
                tokio::time::sleep(every.min(Duration::from_millis(50))).await;
                if clock.held() > 0 {
                    renew(&store, &holder, &clock).await;
                }
            }
            return;
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = shutdown.wait() => continue,
        }
        if clock.held() > 0 {
            renew(&store, &holder, &clock).await;
        }
    }
}

async fn renew(store: &Store, holder: &LeaseHolder, clock: &LeaseClock) {
    let asked = Instant::now();
    let until = Utc::now() + chrono::Duration::from_std(clock.lease).unwrap_or_default();
    match store.renew_leases(holder, until).await {
        Ok(_) => clock.renewed(asked),
        Err(e) => tracing::error!(error = %e, "renewing delivery leases failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim_at(asked: Instant) -> ClaimTimes {
        ClaimTimes {
            asked,
            returned: asked + Duration::from_millis(10),
        }
    }

    #[test]
    fn a_claim_is_covered_only_while_its_lease_outlasts_the_send() {
        let clock = LeaseClock::new(Duration::from_secs(10));
        let now = Instant::now();
        assert!(clock.covers(claim_at(now), Duration::from_secs(5)));
        assert!(!clock.covers(claim_at(now), Duration::from_secs(11)));
        // A claim asked for 6 s ago has under 4 s left.
        let old = claim_at(now - Duration::from_secs(6));
        assert!(!clock.covers(old, Duration::from_secs(5)));
        assert!(clock.covers(old, Duration::from_secs(3)));
    }

    #[test]
    fn a_renewal_counts_only_for_claims_it_cannot_have_missed() {
        let clock = LeaseClock::new(Duration::from_secs(10));
        let now = Instant::now();
        let old = claim_at(now - Duration::from_secs(8));
        clock.renewed(now);
        assert_eq!(clock.deadline(old), now + Duration::from_secs(10));
        // A claim that came back after the renewal was asked for may have
        // been missed by it: its own lease counts.
        let later = ClaimTimes {
            asked: now - Duration::from_millis(5),
            returned: now + Duration::from_millis(5),
        };
        assert_eq!(clock.deadline(later), later.asked + Duration::from_secs(10));
    }

    #[test]
    fn renews_well_before_the_margin_runs_out() {
        let clock = LeaseClock::new(Duration::from_secs(120));
        assert_eq!(
            clock.renew_every(Duration::from_secs(30)),
            Duration::from_secs(30)
        );
        assert_eq!(
            clock.renew_every(Duration::from_secs(200)),
            Duration::from_millis(50)
        );
    }
}
