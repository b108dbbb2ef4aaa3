//! Bad input at volume: a burst of unsigned, tampered, wrongly signed,
//! stale, oversized, malformed and misaddressed requests mixed with valid
//! ones. Each bad one must get its status code, each valid one must be
//! stored and processed, nothing may be stored from the bad ones, and the
//! server's resident memory must stay bounded.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::process::{Server, env};
use super::tenant::{Tenant, order_body};
use super::{Backend, Length};
use notify_ingest::signature::standard_webhooks::sign;
use notify_testkit::db::ThrowawayDb;
use notify_testkit::free_port;
use notify_testkit::webhooks::standard_signed;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Valid,
    Unsigned,
    Tampered,
    WrongSecret,
    Stale,
    Oversized,
    NotJson,
    WrongShape,
    UnknownEndpoint,
    UnknownPlatform,
}

const KINDS: [Kind; 10] = [
    Kind::Valid,
    Kind::Unsigned,
    Kind::Tampered,
    Kind::WrongSecret,
    Kind::Stale,
    Kind::Oversized,
    Kind::NotJson,
    Kind::WrongShape,
    Kind::UnknownEndpoint,
    Kind::UnknownPlatform,
];

impl Kind {
    fn expected(self) -> u16 {
        match self {
            Kind::Valid => 200,
            Kind::Unsigned | Kind::Tampered | Kind::WrongSecret | Kind::Stale => 401,
            Kind::Oversized => 413,
            Kind::NotJson | Kind::WrongShape => 400,
            Kind::UnknownEndpoint | Kind::UnknownPlatform => 404,
        }
    }
}

fn request(
    client: &reqwest::Client,
    tenant: &Tenant,
    kind: Kind,
    n: usize,
) -> reqwest::RequestBuilder {
    let id = format!("bad_{n}");
    let order = format!("BI{n:06}");
    let now = chrono::Utc::now().timestamp();
    let signed = |url: &str, body: Vec<u8>, key: &[u8], ts: i64| {
        standard_signed(client, url, key, &id, ts, body)
    };
    match kind {
        Kind::Valid => tenant.signed(client, &id, order_body(&order, "ready")),
        Kind::Unsigned => client.post(&tenant.url).body(order_body(&order, "ready")),
        Kind::Tampered => {
            let body = order_body(&order, "ready");
            let sig = sign(&id, now, &body, &tenant.key);
            client
                .post(&tenant.url)
                .header("webhook-id", &id)
                .header("webhook-timestamp", now.to_string())
                .header("webhook-signature", sig)
                .body(order_body(&order, "cancelled"))
        }
        Kind::WrongSecret => signed(
            &tenant.url,
            order_body(&order, "ready"),
            b"not the secret",
            now,
        ),
        Kind::Stale => signed(
            &tenant.url,
            order_body(&order, "ready"),
            &tenant.key,
            now - 3600,
        ),
        Kind::Oversized => {
            let mut body = order_body(&order, "ready");
            body.truncate(body.len() - 1);
            body.extend_from_slice(b", \"padding\": \"");
            body.extend(std::iter::repeat_n(b'x', 1536 * 1024));
            body.extend_from_slice(b"\"}");
            signed(&tenant.url, body, &tenant.key, now)
        }
        Kind::NotJson => signed(&tenant.url, b"{\"type\": ".to_vec(), &tenant.key, now),
        Kind::WrongShape => signed(
            &tenant.url,
            br#"{"type": "order.status_changed", "source": "cto"}"#.to_vec(),
            &tenant.key,
            now,
        ),
        Kind::UnknownEndpoint => signed(
            &format!("{}/webhooks/events/ep_doesnotexist", tenant.base),
            order_body(&order, "ready"),
            &tenant.key,
            now,
        ),
        Kind::UnknownPlatform => signed(
            &format!("{}/webhooks/nosuchplatform/x", tenant.base),
            order_body(&order, "ready"),
            &tenant.key,
            now,
        ),
    }
}

pub async fn run(backend: Backend, length: Length) -> anyhow::Result<()> {
    let (total, concurrency) = match length {
        Length::Short => (1_000, 32),
        Length::Full => (10_000, 64),
    };
    println!(
        "\n== bad input drill on {}: {total} requests, {concurrency} at a time, {} kinds mixed (1 in {} valid)",
        backend.name(),
        KINDS.len(),
        KINDS.len()
    );
    let db = ThrowawayDb::create(backend).await?;
    let sink = tempfile::tempdir()?;
    let vars = env(&[
        ("DATABASE_URL", &db.url),
        ("OUTBOX_SINK_DIR", &sink.path().display().to_string()),
        ("WEBHOOK_RATE_PER_SECOND", "100000"),
        ("WEBHOOK_BURST", "100000"),
    ]);
    let log = super::log_path("bad-input", backend);
    let server = Server::start(free_port()?, vars, log.clone()).await?;
    let tenant = Arc::new(Tenant::create(&server.base, "Bad Input", "bad@drill.example").await?);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle_kib = server.rss_kib().unwrap_or(0);

    // Sample memory while the burst runs.
    let pid = server.pid().unwrap_or(0);
    let peak = Arc::new(AtomicU64::new(idle_kib));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        tokio::spawn(async move {
            while sampling.load(Ordering::Relaxed) {
                if let Some(kib) = std::fs::read_to_string(format!("/proc/{pid}/status"))
                    .ok()
                    .and_then(|s| {
                        s.lines()
                            .find_map(|l| l.strip_prefix("VmRSS:"))
                            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                    })
                {
                    peak.fetch_max(kib, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };

    let client = reqwest::Client::new();
    let limit = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..total {
        let kind = KINDS[n % KINDS.len()];
        let (client, tenant, limit) = (client.clone(), tenant.clone(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire().await.expect("semaphore");
            // A connection the server closed (after refusing an oversized
            // body it does not read to the end) can fail the next request
            // sent on it before it reaches the server: send that one again,
            // as a platform would, and count it.
            let mut transport_errors = Vec::new();
            let mut status = 0;
            for _ in 0..3 {
                match request(&client, &tenant, kind, n).send().await {
                    Ok(r) => {
                        status = r.status().as_u16();
                        break;
                    }
                    Err(e) => transport_errors.push(format!("{e:?}")),
                }
            }
            (kind, status, transport_errors)
        });
    }
    let answers = tasks.join_all().await;
    let burst = started.elapsed();
    sampling.store(false, Ordering::Relaxed);
    let _ = sampler.await;
    let after_kib = server.rss_kib().unwrap_or(0);

    let mut by_kind: HashMap<Kind, HashMap<u16, usize>> = HashMap::new();
    let transport_errors: Vec<&String> = answers.iter().flat_map(|a| &a.2).collect();
    for (kind, status, _) in &answers {
        *by_kind
            .entry(*kind)
            .or_default()
            .entry(*status)
            .or_default() += 1;
    }
    let wrong: usize = answers
        .iter()
        .filter(|(kind, status, _)| kind.expected() != *status)
        .count();
    let valid = answers.iter().filter(|a| a.0 == Kind::Valid).count();

    // Every valid one stored and processed; nothing else stored.
    let deadline = Instant::now() + Duration::from_secs(60);
    let events = loop {
        let events = tenant.all("/api/v1/events", "events").await?;
        let settled = events
            .iter()
            .all(|e| e["state"] == "processed" || e["state"] == "failed");
        if (settled && events.len() >= valid) || Instant::now() > deadline {
            break events;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let processed = events
        .iter()
        .filter(|e| e["outcome"] == "jobs_created")
        .count();
    let stored_bad = events
        .iter()
        .filter(|e| {
            e["delivery_id"]
                .as_str()
                .and_then(|id| id.strip_prefix("bad_")?.parse::<usize>().ok())
                .is_none_or(|n| KINDS[n % KINDS.len()] != Kind::Valid)
        })
        .count();
    server.stop().await;
    db.drop_now().await;

    println!(
        "burst took {:.1} s ({:.0} requests/s)",
        burst.as_secs_f64(),
        total as f64 / burst.as_secs_f64()
    );
    for kind in KINDS {
        println!(
            "  {kind:?}: expected {} → got {:?}",
            kind.expected(),
            by_kind.get(&kind)
        );
    }
    println!("answers with the wrong status code: {wrong}");
    println!(
        "requests sent again after a connection error: {}{}",
        transport_errors.len(),
        transport_errors
            .first()
            .map(|e| format!(" (first: {})", e.chars().take(300).collect::<String>()))
            .unwrap_or_default()
    );
    println!(
        "valid: {valid}, stored: {}, processed into messages: {processed}; stored from bad requests: {stored_bad}",
        events.len()
    );
    println!(
        "server RSS: idle {:.1} MiB, peak during the burst {:.1} MiB, after {:.1} MiB",
        idle_kib as f64 / 1024.0,
        peak.load(Ordering::Relaxed) as f64 / 1024.0,
        after_kib as f64 / 1024.0
    );
    // Bodies are refused past 1 MiB, so memory may grow by at most the
    // requests in flight times that, plus caches.
    let bound_kib = idle_kib + (concurrency as u64 * 1024) + 64 * 1024;
    let peak_kib = peak.load(Ordering::Relaxed);
    println!(
        "memory bound: idle + {concurrency} × 1 MiB + 64 MiB = {:.1} MiB",
        bound_kib as f64 / 1024.0
    );
    if wrong > 0
        || events.len() != valid
        || processed != valid
        || stored_bad > 0
        || peak_kib > bound_kib
    {
        anyhow::bail!(
            "bad input drill on {} failed (server log: {})",
            backend.name(),
            log.display()
        );
    }
    Ok(())
}
