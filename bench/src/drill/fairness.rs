//! Fairness between merchants: store A sends a flood of orders (each an
//! email and a text, to providers that take 100 ms to answer), then, while
//! A's backlog is still draining, store B sends a few orders one at a time.
//! B's customers must get their email within 2 s of B's webhook being
//! accepted (merchants take turns in both queues: webhooks waiting to be
//! processed and messages waiting to be sent), not after A's backlog.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::process::{Server, env};
use super::tenant::{Tenant, order_body};
use super::{Backend, Length, percentile};
use notify_testkit::db::ThrowawayDb;
use notify_testkit::free_port;
use notify_testkit::sms::{SmsApi, SmsMode};
use notify_testkit::smtp::SmtpServer;

/// B's promise: event accepted → email handed to the relay.
const PROMISE: Duration = Duration::from_secs(2);
const B_ORDERS: usize = 20;

pub async fn run(backend: Backend, length: Length) -> anyhow::Result<()> {
    let a_orders = match length {
        Length::Short => 1_500,
        Length::Full => 5_000,
    };
    println!(
        "\n== fairness drill on {}: store A queues {a_orders} orders ({} messages, providers answering in 100 ms), then store B sends {B_ORDERS}, one every 100 ms",
        backend.name(),
        a_orders * 2
    );
    let db = ThrowawayDb::create(backend).await?;
    let mut smtp = SmtpServer::down(free_port()?);
    smtp.answer_after = Duration::from_millis(100);
    smtp.up().await?;
    let sms = SmsApi::start().await?;
    sms.set(SmsMode::AcceptAfter(Duration::from_millis(100)));
    let mut vars = env(&[
        ("DATABASE_URL", &db.url),
        ("SMTP_URL", &smtp.url()),
        ("SMTP_FROM", "drill@notify.example"),
        ("WEBHOOK_RATE_PER_SECOND", "100000"),
        ("WEBHOOK_BURST", "100000"),
    ]);
    vars.extend(sms.env());
    let log = super::log_path("fairness", backend);
    let server = Server::start(free_port()?, vars, log.clone()).await?;
    let a = Arc::new(Tenant::create(&server.base, "Flood", "flood@drill.example").await?);
    let b = Tenant::create(&server.base, "Single", "single@drill.example").await?;

    // A's flood, 32 at a time.
    let client = reqwest::Client::new();
    let flood_started = Instant::now();
    let limit = Arc::new(tokio::sync::Semaphore::new(32));
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..a_orders {
        let (client, a, limit) = (client.clone(), a.clone(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire().await.expect("open");
            let order = format!("FA{n:05}");
            a.signed(&client, &format!("fa_{n}"), order_body(&order, "ready"))
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        });
    }
    let accepted = tasks.join_all().await.iter().filter(|s| **s == 200).count();
    anyhow::ensure!(
        accepted == a_orders,
        "A's flood: {accepted}/{a_orders} accepted"
    );
    println!(
        "A's {a_orders} orders accepted in {:.1} s; {} of A's emails sent so far",
        flood_started.elapsed().as_secs_f64(),
        smtp.messages().len()
    );

    // B's orders, one every 100 ms, while A's backlog drains.
    let mut b_accepted: HashMap<String, Instant> = HashMap::new();
    for n in 0..B_ORDERS {
        let order = format!("SB{n:03}");
        let r = b
            .signed(&client, &format!("sb_{n}"), order_body(&order, "ready"))
            .send()
            .await?;
        anyhow::ensure!(r.status() == 200, "B's webhook {n}: {}", r.status());
        b_accepted.insert(format!("c{order}@drill.example"), Instant::now());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let (latencies, a_sent_meanwhile) = loop {
        let emails = smtp.messages();
        let mut latencies = Vec::new();
        let mut last_b = None::<Instant>;
        for e in &emails {
            for to in &e.to {
                if let Some(at) = b_accepted.get(to) {
                    latencies.push(e.at.saturating_duration_since(*at).as_secs_f64());
                    last_b = Some(last_b.map_or(e.at, |l| l.max(e.at)));
                }
            }
        }
        if latencies.len() >= B_ORDERS || Instant::now() > deadline {
            let a_before_last_b = last_b.map_or(0, |last| {
                emails
                    .iter()
                    .filter(|e| e.at <= last && e.to.iter().any(|t| t.starts_with("cFA")))
                    .count()
            });
            break (latencies, a_before_last_b);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let rss = server.rss_kib().unwrap_or(0) as f64 / 1024.0;
    server.stop().await;
    db.drop_now().await;

    let mut sorted = latencies.clone();
    sorted.sort_by(f64::total_cmp);
    let (p50, p99, max) = (
        percentile(&sorted, 0.5),
        percentile(&sorted, 0.99),
        sorted.last().copied().unwrap_or(f64::NAN),
    );
    println!(
        "B's emails: {}/{B_ORDERS}; event → SMTP relay p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms (promise ≤ {} ms); A's emails sent by B's last: {a_sent_meanwhile}/{a_orders}; server RSS {rss:.0} MiB",
        latencies.len(),
        p50 * 1000.0,
        p99 * 1000.0,
        max * 1000.0,
        PROMISE.as_millis()
    );
    println!(
        "RESULT fairness_{}_p50_ms={:.0} fairness_{}_p99_ms={:.0}",
        backend.name().to_lowercase(),
        p50 * 1000.0,
        backend.name().to_lowercase(),
        p99 * 1000.0
    );
    let meaningful = a_sent_meanwhile < a_orders;
    if latencies.len() != B_ORDERS || max > PROMISE.as_secs_f64() || !meaningful {
        anyhow::bail!(
            "fairness drill on {} failed{} (server log: {})",
            backend.name(),
            if meaningful {
                ""
            } else {
                ": A's backlog was gone before B's orders went, nothing was measured"
            },
            log.display()
        );
    }
    Ok(())
}
