//! Provider pacing for one channel: at most `max_per_second` sends start
//! per second (evenly spaced), and a provider's "slow down" (429 with
//! Retry-After) pauses every send on the channel until the time it gave.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

pub struct Pacer {
    /// Time between two sends; `None`: no limit.
    interval: Option<Duration>,
    state: Mutex<State>,
}

struct State {
    /// The earliest the next send may start.
    next_slot: Instant,
    /// No send starts before this (the provider asked us to wait).
    paused_until: Option<Instant>,
}

impl Pacer {
    pub fn new(max_per_second: Option<f64>) -> Self {
        Pacer {
            interval: max_per_second
                .filter(|r| r.is_finite() && *r > 0.0)
                .map(|r| Duration::from_secs_f64(1.0 / r)),
            state: Mutex::new(State {
                next_slot: Instant::now(),
                paused_until: None,
            }),
        }
    }

    /// Waits until this send may start: its slot under the rate, and not
    /// while the channel is paused (a pause that comes while waiting
    /// counts too).
    pub async fn wait_turn(&self) {
        loop {
            let at = {
                let mut s = self.state.lock().expect("pacer lock");
                let mut at = Instant::now();
                if let Some(paused) = s.paused_until {
                    at = at.max(paused);
                }
                if let Some(interval) = self.interval {
                    at = at.max(s.next_slot);
                    s.next_slot = at + interval;
                }
                at
            };
            tokio::time::sleep_until(at).await;
            if self.paused_at(Instant::now()).is_none() {
                return;
            }
        }
    }

    /// Until when the channel is paused, if it is at `now`.
    pub fn paused_at(&self, now: Instant) -> Option<Instant> {
        let s = self.state.lock().expect("pacer lock");
        s.paused_until.filter(|p| *p > now)
    }

    /// No send starts on this channel for `wait` from now.
    pub fn pause_for(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut s = self.state.lock().expect("pacer lock");
        s.paused_until = Some(s.paused_until.map_or(until, |p| p.max(until)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn spaces_sends_evenly_under_the_rate() {
        let pacer = Pacer::new(Some(5.0));
        let start = Instant::now();
        for _ in 0..6 {
            pacer.wait_turn().await;
        }
        // Six sends at 5/s: the sixth starts a second after the first.
        assert_eq!(start.elapsed(), Duration::from_millis(1000));
    }

    #[tokio::test(start_paused = true)]
    async fn unlimited_never_waits() {
        let pacer = Pacer::new(None);
        let start = Instant::now();
        for _ in 0..100 {
            pacer.wait_turn().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_every_send_until_it_ends() {
        let pacer = std::sync::Arc::new(Pacer::new(None));
        let start = Instant::now();
        pacer.pause_for(Duration::from_secs(2));
        pacer.wait_turn().await;
        assert!(start.elapsed() >= Duration::from_secs(2));
        // A pause that arrives while a send waits for its turn holds it too.
        let waiting = {
            let pacer = pacer.clone();
            tokio::spawn(async move {
                let before = Instant::now();
                pacer.wait_turn().await;
                before.elapsed()
            })
        };
        pacer.pause_for(Duration::from_secs(3));
        assert!(waiting.await.unwrap() >= Duration::from_secs(3));
    }
}
