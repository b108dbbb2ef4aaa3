//! Hostile traffic against the real binary, behind a trusted proxy
//! (`TRUSTED_PROXIES=127.0.0.1/32`, the client named by `X-Forwarded-For`):
//! oversized bodies to the JSON API and the pages' server functions, a
//! sign-up flood from one client, a login flood on one account from many
//! clients (and from one), and random webhook endpoint ids at volume. Each
//! must be refused (413, 429, 404; never 500) with the server's memory
//! bounded, and the merchant under attack must still log in.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

use super::process::{Server, env};
use super::tenant::PASSWORD;
use super::{Backend, Length};
use notify_testkit::accounts::sign_up_body;
use notify_testkit::db::ThrowawayDb;
use notify_testkit::free_port;

const MIB: usize = 1024 * 1024;
const SIGN_UPS_PER_IP: usize = 10;
/// Non-webhook POST routes: the JSON API and the pages' server functions.
const BODY_ROUTES: [&str; 4] = [
    "/api/v1/merchants",
    "/api/v1/session",
    "/api/account/log-in",
    "/api/settings/save",
];
/// Above the RSS at the start of the phase: no oversized body is buffered (48 MiB would show),
/// no endpoint id takes memory of its own.
const BODIES_RSS_MIB: u64 = 32;
const IDS_RSS_MIB: u64 = 32;
/// Above the RSS at its start during the sign-up flood: a bounded number of
/// password hashes (19 MiB each) in flight, not one per request.
const SIGN_UP_RSS_MIB: u64 = 160;

/// The server's resident memory in KiB.
fn rss_kib(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Samples the server's RSS every 20 ms until dropped; `peak()` in KiB.
struct PeakRss {
    peak: Arc<AtomicU64>,
    sampling: Arc<AtomicBool>,
}

impl PeakRss {
    fn start(pid: u32) -> PeakRss {
        let peak = Arc::new(AtomicU64::new(rss_kib(pid).unwrap_or(0)));
        let sampling = Arc::new(AtomicBool::new(true));
        let (p, s) = (peak.clone(), sampling.clone());
        tokio::spawn(async move {
            while s.load(Ordering::Relaxed) {
                if let Some(kib) = rss_kib(pid) {
                    p.fetch_max(kib, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
        PeakRss { peak, sampling }
    }

    fn peak(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }
}

impl Drop for PeakRss {
    fn drop(&mut self) {
        self.sampling.store(false, Ordering::Relaxed);
    }
}

/// Statuses and how many of each, for printing.
fn tally(statuses: &[u16]) -> String {
    let mut counts = std::collections::BTreeMap::new();
    for s in statuses {
        *counts.entry(*s).or_insert(0) += 1;
    }
    counts
        .iter()
        .map(|(s, n)| format!("{n}×{s}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn mib(kib: u64) -> u64 {
    kib / 1024
}

pub async fn run(backend: Backend, length: Length) -> anyhow::Result<()> {
    let (sign_ups, login_clients, well_formed_ids, malformed_ids) = match length {
        Length::Short => (200, 16, 1_000, 19_000),
        Length::Full => (400, 200, 20_000, 20_000),
    };
    println!(
        "\n== abuse drill on {}: bodies of 3 and 48 MiB to {} routes, {sign_ups} concurrent sign-ups from one client, wrong passwords for one account from {login_clients} clients, {} random endpoint ids",
        backend.name(),
        BODY_ROUTES.len(),
        well_formed_ids + malformed_ids
    );
    let db = ThrowawayDb::create(backend).await?;
    let sink = tempfile::tempdir()?;
    let vars = env(&[
        ("DATABASE_URL", &db.url),
        ("OUTBOX_SINK_DIR", &sink.path().display().to_string()),
        ("TRUSTED_PROXIES", "127.0.0.1/32"),
        ("SIGN_UPS_PER_IP", &SIGN_UPS_PER_IP.to_string()),
    ]);
    let log = super::log_path("abuse", backend);
    let server = Server::start(free_port()?, vars, log.clone()).await?;
    let result = attack(
        &server,
        sign_ups,
        login_clients,
        well_formed_ids,
        malformed_ids,
    )
    .await;
    server.stop().await;
    db.drop_now().await;
    result.map_err(|e| e.context(format!("abuse drill (server log: {})", log.display())))
}

async fn attack(
    server: &Server,
    sign_ups: usize,
    login_clients: usize,
    well_formed_ids: usize,
    malformed_ids: usize,
) -> anyhow::Result<()> {
    let base = server.base.as_str();
    let pid = server.pid().unwrap_or(0);
    let client = reqwest::Client::new();
    let mut failures = Vec::new();

    // The merchant under attack, signed up from its own address.
    let victim = "victim@drill.example";
    let r = client
        .post(format!("{base}/api/v1/merchants"))
        .header("Origin", base)
        .header("X-Forwarded-For", "192.0.2.10")
        .json(&sign_up_body("Victim", victim, PASSWORD, "UTC"))
        .send()
        .await?;
    anyhow::ensure!(r.status().is_success(), "victim's sign-up: {}", r.status());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let idle = rss_kib(pid).unwrap_or(0);

    // 1. Oversized bodies: 3 and 48 MiB, each with a declared length and
    // streamed without one.
    let before = rss_kib(pid).unwrap_or(idle);
    let peak = PeakRss::start(pid);
    let started = Instant::now();
    let mut statuses = Vec::new();
    for route in BODY_ROUTES {
        for (size, declared) in [
            (3 * MIB, true),
            (3 * MIB, false),
            (48 * MIB, true),
            (48 * MIB, false),
        ] {
            let status = notify_testkit::raw_http::send_large(
                base,
                "POST",
                route,
                "X-Forwarded-For: 203.0.113.9\r\n",
                size,
                declared,
            )
            .await?;
            if status != 413 {
                failures.push(format!("{} MiB to {route}: {status}, not 413", size / MIB));
            }
            statuses.push(status);
        }
    }
    let bodies_peak = peak.peak();
    drop(peak);
    println!(
        "bodies: {} in {:.1} s; peak RSS {} MiB (bound: {} + {BODIES_RSS_MIB})",
        tally(&statuses),
        started.elapsed().as_secs_f64(),
        mib(bodies_peak),
        mib(before)
    );
    if bodies_peak > before + BODIES_RSS_MIB * 1024 {
        failures.push(format!("bodies: peak RSS {} MiB", mib(bodies_peak)));
    }

    // 2. A sign-up flood from one client.
    let before = rss_kib(pid).unwrap_or(idle);
    let peak = PeakRss::start(pid);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..sign_ups {
        let (client, base) = (client.clone(), base.to_owned());
        tasks.spawn(async move {
            client
                .post(format!("{base}/api/v1/merchants"))
                .header("Origin", &base)
                .header("X-Forwarded-For", "203.0.113.7")
                .json(&sign_up_body(
                    &format!("Flood {n}"),
                    &format!("flood{n}@drill.example"),
                    PASSWORD,
                    "UTC",
                ))
                .send()
                .await
                .map_or(0, |r| r.status().as_u16())
        });
    }
    // The site keeps answering meanwhile.
    let probing = Arc::new(AtomicBool::new(true));
    let prober = {
        let (client, base, probing) = (client.clone(), base.to_owned(), probing.clone());
        tokio::spawn(async move {
            let (mut slowest, mut failed) = (0.0f64, 0);
            while probing.load(Ordering::Relaxed) {
                let t = Instant::now();
                let ok = client
                    .get(format!("{base}/healthz"))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                slowest = slowest.max(t.elapsed().as_secs_f64() * 1000.0);
                failed += usize::from(!ok);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            (slowest, failed)
        })
    };
    let statuses = tasks.join_all().await;
    probing.store(false, Ordering::Relaxed);
    let (health_ms, health_failed) = prober.await?;
    if health_failed > 0 {
        failures.push(format!(
            "sign-up flood: /healthz failed {health_failed} times"
        ));
    }
    let sign_up_peak = peak.peak();
    drop(peak);
    let created = statuses.iter().filter(|s| (200..300).contains(*s)).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    println!(
        "sign-up flood: {} in {:.1} s ({created} created, limit {SIGN_UPS_PER_IP}); slowest /healthz {health_ms:.0} ms; peak RSS {} MiB (bound: {} + {SIGN_UP_RSS_MIB})",
        tally(&statuses),
        started.elapsed().as_secs_f64(),
        mib(sign_up_peak),
        mib(before)
    );
    if created > SIGN_UPS_PER_IP || created + limited != statuses.len() {
        failures.push(format!("sign-up flood: {}", tally(&statuses)));
    }
    if sign_up_peak > before + SIGN_UP_RSS_MIB * 1024 {
        failures.push(format!("sign-up flood: peak RSS {} MiB", mib(sign_up_peak)));
    }

    // 3. A login flood on one account: one wrong password from each of
    // many clients, then many from one client; then the merchant, from
    // another address, logs in.
    let login = |client: reqwest::Client, from: String, password: &'static str| {
        let base = base.to_owned();
        async move {
            client
                .post(format!("{base}/api/v1/session"))
                .header("Origin", &base)
                .header("X-Forwarded-For", from)
                .json(&json!({"email": victim, "password": password}))
                .send()
                .await
                .map_or(0, |r| r.status().as_u16())
        }
    };
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..login_clients {
        tasks.spawn(login(
            client.clone(),
            format!("10.{}.{}.{}", n / 65536 % 256, n / 256 % 256, n % 256),
            "wrong password 1",
        ));
    }
    let many = tasks.join_all().await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..12 {
        tasks.spawn(login(
            client.clone(),
            "198.51.100.66".to_owned(),
            "wrong password 2",
        ));
    }
    let one = tasks.join_all().await;
    let victim_login = login(client.clone(), "192.0.2.10".to_owned(), PASSWORD).await;
    println!(
        "login flood on one account ({:.1} s): {login_clients} clients once each: {}; one client 12 times: {}; then the merchant from its own address: {victim_login}",
        started.elapsed().as_secs_f64(),
        tally(&many),
        tally(&one)
    );
    if many.iter().any(|s| *s != 401) {
        failures.push(format!("login flood from many clients: {}", tally(&many)));
    }
    let one_unauthorized = one.iter().filter(|s| **s == 401).count();
    if one_unauthorized > 5 || one.iter().any(|s| *s != 401 && *s != 429) {
        failures.push(format!("login flood from one client: {}", tally(&one)));
    }
    if !(200..300).contains(&victim_login) {
        failures.push(format!(
            "the merchant could not log in after the flood: {victim_login}"
        ));
    }

    // 4. Random endpoint ids at volume: well-formed (a bucket and a lookup
    // each) and malformed (refused before the limiter).
    let before = rss_kib(pid).unwrap_or(idle);
    let peak = PeakRss::start(pid);
    let started = Instant::now();
    let limit = Arc::new(tokio::sync::Semaphore::new(32));
    let mut tasks = tokio::task::JoinSet::new();
    let seed = std::process::id() as u64;
    for n in 0..well_formed_ids + malformed_ids {
        let (client, base, limit) = (client.clone(), base.to_owned(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire().await.expect("semaphore");
            let id = if n < well_formed_ids {
                format!("ep_{:022}", seed * 1_000_000 + n as u64)
            } else {
                // Every fourth one 4 KiB long; the others one character
                // short of an id, or with a character no id has.
                match n % 4 {
                    0 => format!("{n:x}{}", "x".repeat(4096)),
                    1 => format!("ep_{:021}", seed * 1_000_000 + n as u64),
                    2 => format!("ep_{:021}.", seed * 1_000_000 + n as u64),
                    _ => format!("{:025}", seed * 1_000_000 + n as u64),
                }
            };
            let platform = ["shopify", "woocommerce", "bigcommerce", "events"][n % 4];
            client
                .post(format!("{base}/webhooks/{platform}/{id}"))
                .body("{}")
                .send()
                .await
                .map_or(0, |r| r.status().as_u16())
        });
    }
    let statuses = tasks.join_all().await;
    let ids_peak = peak.peak();
    drop(peak);
    println!(
        "random endpoint ids: {} in {:.1} s; peak RSS {} MiB (bound: {} + {IDS_RSS_MIB})",
        tally(&statuses),
        started.elapsed().as_secs_f64(),
        mib(ids_peak),
        mib(before)
    );
    if statuses.iter().any(|s| *s != 404) {
        failures.push(format!("random endpoint ids: {}", tally(&statuses)));
    }
    if ids_peak > before + IDS_RSS_MIB * 1024 {
        failures.push(format!(
            "random endpoint ids: peak RSS {} MiB",
            mib(ids_peak)
        ));
    }

    println!(
        "RSS idle {} MiB, at the end {} MiB",
        mib(idle),
        mib(rss_kib(pid).unwrap_or(0))
    );
    if failures.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("{}", failures.join("; "))
    }
}
