//! When to try again after a transient failure (webhook processing,
//! message delivery): a schedule (data, from config) with
//! jitter, so many failures do not retry in lockstep.

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Delay before retry n (n = attempts made so far, from 1); past the
    /// end, the event has failed for good.
    pub delays: Vec<Duration>,
    /// Up to this fraction of the delay is added at random.
    pub jitter: f64,
}

impl RetryPolicy {
    /// `delays` (from the configuration) with up to 20% jitter.
    pub fn new(delays: Vec<Duration>) -> Self {
        RetryPolicy {
            delays,
            jitter: 0.2,
        }
    }

    pub fn next_attempt(&self, attempts_made: i64, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let index = usize::try_from(attempts_made.max(1) - 1).ok()?;
        let delay = *self.delays.get(index)?;
        let mut byte = [0u8; 1];
        let random = if getrandom::fill(&mut byte).is_ok() {
            f64::from(byte[0]) / 255.0
        } else {
            0.5
        };
        let extra = (delay.num_milliseconds() as f64 * self.jitter * random) as i64;
        Some(now + delay + Duration::milliseconds(extra))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_schedule_then_stops() {
        let p = RetryPolicy {
            delays: vec![Duration::seconds(10), Duration::seconds(60)],
            jitter: 0.5,
        };
        let now = Utc::now();
        let first = p.next_attempt(1, now).unwrap();
        assert!(first >= now + Duration::seconds(10) && first <= now + Duration::seconds(15));
        let second = p.next_attempt(2, now).unwrap();
        assert!(second >= now + Duration::seconds(60) && second <= now + Duration::seconds(90));
        assert_eq!(p.next_attempt(3, now), None);
    }
}
