//! Per-endpoint (per-tenant) ingestion limit: a token bucket for each
//! webhook endpoint, so one noisy store cannot starve the others. Checked
//! before the body is read and before anything is read from or written to
//! the database. Each replica keeps its own buckets (N replicas admit up to
//! N times the rate).

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

/// Above this many buckets, full (idle) ones are dropped: a flood of made-up
/// endpoint ids cannot grow memory without bound.
const PRUNE_ABOVE: usize = 10_000;

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
        if buckets.len() > PRUNE_ABOVE {
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * per_second < burst
            });
        }
        let bucket = buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
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
    fn idle_buckets_are_pruned_when_there_are_many() {
        let limiter = RateLimiter::new(RateLimit {
            per_second: 1000.0,
            burst: 1,
        });
        let t = Instant::now();
        for i in 0..=PRUNE_ABOVE {
            let _ = limiter.check(&format!("k{i}"), t);
        }
        let _ = limiter.check("last", t + Duration::from_secs(1));
        assert!(limiter.buckets.lock().unwrap().len() < 10);
    }
}
