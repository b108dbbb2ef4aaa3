//! Messages per second one replica hands to the providers (an SMTP listener
//! and a Twilio-compatible SMS API on loopback), answering at once or after
//! a delay (a relay and an API across the internet).
//!
//! `delivery-throughput [orders, default 1000] [answer delays in ms, default 0,200] [--sqlite|--postgres]`
//!
//! For each backend and delay: a `web,processor` replica takes `orders`
//! signed order webhooks (each an email and a text) and turns them into
//! jobs; it stops, and a `worker`-only replica sends them. The rate is the
//! messages received by the providers over the time from the first to the
//! last. The server binary is `SERVER_BIN`, else target/release/server.

use std::sync::Arc;
use std::time::{Duration, Instant};

use notify_bench::drill::process::{Server, env};
use notify_bench::drill::tenant::{Tenant, order_body};
use notify_bench::drill::{Backend, log_path};
use notify_testkit::db::ThrowawayDb;
use notify_testkit::free_port;
use notify_testkit::sms::{SmsApi, SmsMode};
use notify_testkit::smtp::SmtpServer;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let plain: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let orders: usize = plain.first().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let delays: Vec<u64> = plain
        .get(1)
        .map(|s| s.split(',').filter_map(|d| d.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![0, 200]);
    let backends = if args.iter().any(|a| a == "--sqlite") {
        vec![Backend::Sqlite]
    } else if args.iter().any(|a| a == "--postgres") {
        vec![Backend::Postgres]
    } else {
        vec![Backend::Sqlite, Backend::Postgres]
    };
    for backend in backends {
        for &delay in &delays {
            let (rate, rss) = run(backend, orders, delay).await?;
            let key = format!("{}_{delay}ms", backend.name().to_lowercase());
            println!(
                "{}: providers answering after {delay} ms: {rate:.0} messages/s; worker RSS {rss:.0} MiB",
                backend.name()
            );
            println!("RESULT send_rate_{key}={rate:.0} send_rss_{key}={rss:.0}");
        }
    }
    Ok(())
}

/// Messages per second and the worker's RSS (MiB) at the end.
async fn run(backend: Backend, orders: usize, delay_ms: u64) -> anyhow::Result<(f64, f64)> {
    let db = ThrowawayDb::create(backend).await?;
    let mut smtp = SmtpServer::down(free_port()?);
    smtp.answer_after = Duration::from_millis(delay_ms);
    smtp.up().await?;
    let sms = SmsApi::start().await?;
    sms.set(SmsMode::AcceptAfter(Duration::from_millis(delay_ms)));
    let common = [
        ("DATABASE_URL", db.url.as_str()),
        ("SMTP_URL", &smtp.url()),
        ("SMTP_FROM", "bench@notify.example"),
        ("WEBHOOK_RATE_PER_SECOND", "1000000"),
        ("WEBHOOK_BURST", "1000000"),
    ];
    let metrics_addr = format!("127.0.0.1:{}", free_port()?);
    let with_roles = |roles: &str| {
        let mut vars = env(&common);
        vars.extend(env(&[
            ("SERVER_ROLES", roles),
            ("METRICS_ADDR", &metrics_addr),
        ]));
        vars.extend(sms.env());
        vars
    };
    let log = log_path("throughput", backend);

    // Queue the jobs with a replica that does not send.
    let web = Server::start(free_port()?, with_roles("web,processor"), log.clone()).await?;
    let tenant = Arc::new(Tenant::create(&web.base, "Throughput", "bench@bench.example").await?);
    let client = reqwest::Client::new();
    let limit = Arc::new(tokio::sync::Semaphore::new(32));
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..orders {
        let (client, tenant, limit) = (client.clone(), tenant.clone(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire().await.expect("open");
            let order = format!("TP{n:06}");
            tenant
                .signed(&client, &format!("tp_{n}"), order_body(&order, "ready"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
        });
    }
    let accepted = tasks.join_all().await.into_iter().filter(|ok| *ok).count();
    anyhow::ensure!(accepted == orders, "{accepted}/{orders} webhooks accepted");
    let messages = orders * 2;
    let deadline = Instant::now() + Duration::from_secs(300);
    let metrics = format!("http://{metrics_addr}");
    while pending(&client, &metrics).await? < messages as u64 {
        anyhow::ensure!(Instant::now() < deadline, "jobs were not queued in time");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    web.stop().await;

    // Send them with a worker-only replica.
    let worker = Server::start(free_port()?, with_roles("worker"), log.clone()).await?;
    let deadline = Instant::now() + Duration::from_secs(600);
    while smtp.messages().len() + sms.requests().len() < messages {
        anyhow::ensure!(
            Instant::now() < deadline,
            "only {} of {messages} messages sent (log: {})",
            smtp.messages().len() + sms.requests().len(),
            log.display()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let rss = worker.rss_kib().unwrap_or(0) as f64 / 1024.0;
    worker.stop().await;
    db.drop_now().await;
    let times: Vec<Instant> = smtp
        .messages()
        .iter()
        .map(|e| e.at)
        .chain(sms.requests().iter().map(|r| r.at))
        .collect();
    let first = times.iter().min().copied().expect("messages");
    let last = times.iter().max().copied().expect("messages");
    let span = last.duration_since(first).as_secs_f64().max(0.001);
    Ok(((times.len() - 1) as f64 / span, rss))
}

/// `notify_outbox_jobs{state="pending"}` from the server's metrics
/// listener at `base`.
async fn pending(client: &reqwest::Client, base: &str) -> anyhow::Result<u64> {
    let text = client
        .get(format!("{base}/metrics"))
        .send()
        .await?
        .text()
        .await?;
    Ok(text
        .lines()
        .find(|l| l.starts_with("notify_outbox_jobs{state=\"pending\"}"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(0, |v| v as u64))
}
