//! A small load generator: closed loop (as fast as `concurrency` workers
//! go) or open loop (a fixed request rate), recording every latency.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

#[derive(Debug, Clone)]
pub struct Report {
    pub requests: u64,
    pub errors: u64,
    pub seconds: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

impl Report {
    pub fn throughput(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

fn report(mut latencies: Vec<Duration>, errors: u64, elapsed: Duration) -> Report {
    latencies.sort();
    Report {
        requests: latencies.len() as u64,
        errors,
        seconds: elapsed.as_secs_f64(),
        p50_ms: percentile(&latencies, 0.50),
        p99_ms: percentile(&latencies, 0.99),
    }
}

/// One request; `n` is unique per request. Returns whether it succeeded.
pub type Send = Arc<
    dyn Fn(u64) -> std::pin::Pin<Box<dyn std::future::Future<Output = bool> + std::marker::Send>>
        + std::marker::Send
        + Sync,
>;

/// As fast as `concurrency` workers can go, for `duration`.
pub async fn closed_loop(send: Send, concurrency: usize, duration: Duration, first: u64) -> Report {
    let counter = Arc::new(AtomicU64::new(first));
    let errors = Arc::new(AtomicU64::new(0));
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let start = Instant::now();
    let deadline = start + duration;
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (send, counter, errors, latencies) = (
            send.clone(),
            counter.clone(),
            errors.clone(),
            latencies.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                if send(n).await {
                    mine.push(t.elapsed());
                } else {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            latencies.lock().await.extend(mine);
        }));
    }
    for w in workers {
        let _ = w.await;
    }
    let elapsed = start.elapsed();
    let latencies = std::mem::take(&mut *latencies.lock().await);
    report(latencies, errors.load(Ordering::Relaxed), elapsed)
}

/// `rate` requests per second for `duration`, each started on schedule
/// whether or not earlier ones have finished.
pub async fn open_loop(send: Send, rate: f64, duration: Duration, first: u64) -> Report {
    let total = (rate * duration.as_secs_f64()) as u64;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let errors = Arc::new(AtomicU64::new(0));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(total as usize)));
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..total {
        let due = start + interval.mul_f64(i as f64);
        tokio::time::sleep_until(due.into()).await;
        let (send, errors, latencies) = (send.clone(), errors.clone(), latencies.clone());
        tasks.spawn(async move {
            let t = Instant::now();
            if send(first + i).await {
                latencies.lock().await.push(t.elapsed());
            } else {
                errors.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let elapsed = start.elapsed();
    let latencies = std::mem::take(&mut *latencies.lock().await);
    report(latencies, errors.load(Ordering::Relaxed), elapsed)
}
