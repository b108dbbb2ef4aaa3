//! Per-endpoint (per-tenant) ingestion limit: a token bucket for each
//! webhook endpoint, so one noisy store cannot starve the others. Checked
//! before the body is read and before anything is read from or written to
//! the database. Each replica keeps its own buckets (N replicas admit up to
//! N times the rate). Only well-formed endpoint ids reach it, and it keeps
//! at most [`MAX_BUCKETS`] buckets however many ids it sees.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Requests per second and burst size for one endpoint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: u32,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

pub struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<String, Bucket>>,
}

/// The most buckets kept (about 100 bytes each). A new key beyond it first
/// drops the buckets that have refilled (forgetting a full bucket loses
/// nothing: a new one starts full), then, if most are busy, the half least
/// recently used (they start over with a full burst).
pub const MAX_BUCKETS: usize = 16_384;

impl RateLimiter {
    pub fn new(limit: RateLimit) -> Self {
        RateLimiter {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `key`; `Err(wait)` when there is none, with how
    /// long until there is.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let RateLimit { per_second, burst } = self.limit;
        let burst = f64::from(burst);
        let mut buckets = self.buckets.lock().expect("rate limiter lock");
        // A known key (every request of a flood after its first) is one
        // lookup and no allocation; only a new key is copied into the map.
        let bucket = if buckets.contains_key(key) {
            buckets.get_mut(key).expect("just seen")
        } else {
            if buckets.len() >= MAX_BUCKETS {
                make_room(&mut buckets, now, per_second, burst);
            }
            buckets.entry(key.to_owned()).or_insert(Bucket {
                tokens: burst,
                at: now,
            })
        };
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }
}

fn make_room(buckets: &mut HashMap<String, Bucket>, now: Instant, per_second: f64, burst: f64) {
    buckets.retain(|_, b| {
        b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * per_second < burst
    });
    // Mostly busy: halve, so the next clean-up is many new keys away.
    if buckets.len() >= MAX_BUCKETS * 3 / 4 {
        let mut last_used: Vec<Instant> = buckets.values().map(|b| b.at).collect();
        let middle = last_used.len() / 2;
        let (_, &mut cutoff, _) = last_used.select_nth_unstable(middle);
        buckets.retain(|_, b| b.at > cutoff);
    }
}

impl RateLimiter {
    /// Buckets kept now.
    pub fn len(&self) -> usize {
        self.buckets.lock().expect("rate limiter lock").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_rate_per_key() {
        let limiter = RateLimiter::new(RateLimit {
            per_second: 10.0,
            burst: 5,
        });
        let t = Instant::now();
        for _ in 0..5 {
            assert!(limiter.check("a", t).is_ok());
        }
        let wait = limiter.check("a", t).unwrap_err();
        assert!(wait > Duration::from_millis(90) && wait <= Duration::from_millis(100));
        // Another key has its own bucket.
        assert!(limiter.check("b", t).is_ok());
        // 100 ms later one more token.
        let later = t + Duration::from_millis(100);
        assert!(limiter.check("a", later).is_ok());
        assert!(limiter.check("a", later).is_err());
    }

    #[test]
    fn refilled_buckets_make_room_when_there_are_many() {
        let limiter = RateLimiter::new(RateLimit {
            per_second: 1000.0,
            burst: 1,
        });
        let t = Instant::now();
        for i in 0..MAX_BUCKETS {
            let _ = limiter.check(&format!("k{i}"), t);
        }
        assert_eq!(limiter.len(), MAX_BUCKETS);
        let _ = limiter.check("last", t + Duration::from_secs(1));
        assert_eq!(limiter.len(), 1);
    }

    /// 20,000 distinct ids at once, none refilled: the map never holds more
    /// than its bound, and the newest ids keep their buckets.
    #[test]
    fn twenty_thousand_busy_ids_leave_the_map_bounded() {
        let limiter = RateLimiter::new(RateLimit {
            per_second: 0.001,
            burst: 500,
        });
        let t = Instant::now();
        for i in 0..20_000u64 {
            let key = format!("ep_{i:022}");
            assert!(limiter.check(&key, t + Duration::from_micros(i)).is_ok());
            assert!(limiter.len() <= MAX_BUCKETS, "{} after {i}", limiter.len());
        }
        let buckets = limiter.buckets.lock().unwrap();
        assert!(buckets.contains_key(&format!("ep_{:022}", 19_999)));
        assert!(buckets.get(&format!("ep_{:022}", 19_999)).unwrap().tokens < 500.0);
    }
}
