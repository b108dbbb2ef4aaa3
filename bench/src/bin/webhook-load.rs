//! Signed-webhook ingest load, side by side with the bare baseline.
//!
//! `webhook-load <product base URL> <bare base URL> [seconds] [concurrency] [product metrics URL]`
//!
//! Against the product: signs up a merchant, creates its generic signed
//! endpoint, and posts Standard-Webhooks-signed events, each with a new
//! `webhook-id` (so each is stored). Against the baseline: the same body to
//! its one-insert handler. For each: the closed-loop maximum rate with its
//! latencies, then an open loop at half that rate. Prints one table.
//!
//! With the product's metrics URL, also the product's own answer times at
//! half rate (`notify_webhook_seconds`, read before and after the phase):
//! what the handler took, without the load generator's share of the 2
//! cores or the kernel's. And the half rate is measured twice: right after
//! the maximum, while the processor still works through the backlog that
//! phase left (an overload's aftermath), and again once the backlog is
//! processed (`notify_inbound_queue_depth` back to 0): half the maximum
//! rate with no earlier overload left over (an all-in-one process on 2
//! cores may still fall behind during the phase; the backlog line says how
//! fast it processes).

use std::sync::Arc;
use std::time::Duration;

use notify_bench::histogram;
use notify_bench::load::{Report, Send, closed_loop, open_loop};
use notify_testkit::accounts::sign_up_body;
use notify_testkit::webhooks::{decode_secret, standard_signed};
use serde_json::json;

fn body() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "type": "invoice.status_changed",
        "invoice": {"id": "inv_bench", "number": "INV-1", "status": "closed", "updated_at": "2026-03-14T10:00:00Z", "total": "10.00", "currency": "USD"},
        "customer": {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "+14155550134"}
    }))
    .expect("json")
}

async fn product_endpoint(base: &str) -> anyhow::Result<(String, Vec<u8>)> {
    let client = reqwest::Client::builder().cookie_store(true).build()?;
    let email = format!(
        "bench-{}@bench.example",
        chrono::Utc::now().timestamp_millis()
    );
    let r = client
        .post(format!("{base}/api/v1/merchants"))
        .header("Origin", base)
        .json(&sign_up_body("Bench", &email, "benchmark password", "UTC"))
        .send()
        .await?;
    anyhow::ensure!(r.status().is_success(), "sign-up failed: {}", r.status());
    let integration: serde_json::Value = client
        .put(format!("{base}/api/v1/integrations/events"))
        .header("Origin", base)
        .json(&json!({}))
        .send()
        .await?
        .json()
        .await?;
    let url = integration["webhook_url"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("no webhook_url: {integration}"))?;
    let secret = integration["signing_secret"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("no secret"))?;
    let path = url::Url::parse(url)?.path().to_owned();
    Ok((
        format!("{base}{path}"),
        decode_secret(secret).ok_or_else(|| anyhow::anyhow!("bad secret"))?,
    ))
}

fn signed_sender(client: reqwest::Client, url: String, key: Vec<u8>, run: &'static str) -> Send {
    let body = Arc::new(body());
    let (url, key) = (Arc::new(url), Arc::new(key));
    Arc::new(move |n| {
        let (client, url, key, body) = (client.clone(), url.clone(), key.clone(), body.clone());
        Box::pin(async move {
            let id = format!("msg_{run}_{n}");
            let ts = chrono::Utc::now().timestamp();
            let r = standard_signed(&client, &url, &key, &id, ts, body.as_ref().clone())
                .header("Content-Type", "application/json")
                .send()
                .await;
            matches!(r, Ok(r) if r.status().is_success())
        })
    })
}

fn row(name: &str, max: &Report, half: &Report) -> String {
    format!(
        "| {name} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} | {} |",
        max.throughput(),
        max.p50_ms,
        max.p99_ms,
        half.throughput(),
        half.p50_ms,
        half.p99_ms,
        max.errors + half.errors
    )
}

/// The product's answer-time buckets for its generic endpoint.
async fn handler_buckets(metrics: Option<&str>) -> Option<Vec<(f64, f64)>> {
    let text = scrape(metrics?).await?;
    Some(histogram::buckets(
        &text,
        "notify_webhook_seconds",
        r#"platform="events""#,
    ))
}

/// The handler's p50 and p99 (upper bounds of their buckets, ms).
type HandlerTimes = Option<(f64, f64)>;

/// One open-loop phase at a fixed rate, with the handler's own times.
async fn at_rate(
    send: Send,
    rate: f64,
    seconds: u64,
    first: u64,
    metrics: Option<&str>,
) -> (Report, HandlerTimes) {
    let before = handler_buckets(metrics).await;
    let report = open_loop(send, rate, Duration::from_secs(seconds), first).await;
    let after = handler_buckets(metrics).await;
    let handler = before.zip(after).and_then(|(before, after)| {
        let ms = |q| histogram::quantile_between(&before, &after, q).map(|s| s * 1000.0);
        ms(0.5).zip(ms(0.99))
    });
    (report, handler)
}

/// The product's `/metrics` page.
async fn scrape(metrics: &str) -> Option<String> {
    reqwest::get(format!("{metrics}/metrics"))
        .await
        .ok()?
        .text()
        .await
        .ok()
}

/// The stored webhooks waiting to be processed, as the product reports them.
async fn queue_depth(metrics: &str) -> Option<f64> {
    scrape(metrics)
        .await?
        .lines()
        .find_map(|line| line.strip_prefix("notify_inbound_queue_depth "))
        .and_then(|v| v.trim().parse().ok())
}

/// How many webhooks were waiting, and how long until none was: `None`
/// when the count stopped falling (a replica that only receives, with no
/// processor, never processes them).
struct Drained {
    waiting: f64,
    after: Option<Duration>,
}

async fn drain(metrics: &str) -> Drained {
    let started = std::time::Instant::now();
    let waiting = queue_depth(metrics).await.unwrap_or(0.0);
    let (mut lowest, mut fell_at) = (waiting, started);
    loop {
        match queue_depth(metrics).await {
            Some(0.0) => {
                return Drained {
                    waiting,
                    after: Some(started.elapsed()),
                };
            }
            Some(depth) if depth < lowest => (lowest, fell_at) = (depth, std::time::Instant::now()),
            _ if fell_at.elapsed() > Duration::from_secs(5) => {
                return Drained {
                    waiting,
                    after: None,
                };
            }
            _ => {}
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

struct Measured {
    max: Report,
    /// At half rate: for the product with metrics, once its backlog is
    /// processed.
    half: (Report, HandlerTimes),
    /// The product only: at half rate right after the maximum, while its
    /// backlog is processed; then how that backlog drained.
    after_max: Option<((Report, HandlerTimes), Drained)>,
}

async fn measure(send: Send, seconds: u64, concurrency: usize, metrics: Option<&str>) -> Measured {
    // Warm up connections and caches.
    let _ = closed_loop(send.clone(), concurrency, Duration::from_secs(1), 0).await;
    let max = closed_loop(
        send.clone(),
        concurrency,
        Duration::from_secs(seconds),
        1_000_000,
    )
    .await;
    let rate = max.throughput() / 2.0;
    let after_max = match metrics {
        Some(url) => {
            let during = at_rate(send.clone(), rate, seconds, 10_000_000, metrics).await;
            Some((during, drain(url).await))
        }
        None => None,
    };
    let half = at_rate(send, rate, seconds, 20_000_000, metrics).await;
    Measured {
        max,
        half,
        after_max,
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut args = std::env::args().skip(1);
    let product = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:3500".to_owned());
    let bare = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:3400".to_owned());
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);
    let concurrency: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(16);
    let metrics = args.next();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()?;

    let bare_send = signed_sender(
        client.clone(),
        format!("{bare}/ingest"),
        b"unused".to_vec(),
        "bare",
    );
    let bare = measure(bare_send, seconds, concurrency, None).await;
    let (bare_max, (bare_half, _)) = (bare.max, bare.half);

    let (url, key) = product_endpoint(&product).await?;
    let product_send = signed_sender(client, url, key, "product");
    let product = measure(product_send, seconds, concurrency, metrics.as_deref()).await;
    let (product_max, (product_half, handler)) = (product.max, product.half);

    println!(
        "\nSigned webhook ingest, {seconds} s per phase, {concurrency} connections (closed loop), then an open loop at half the max rate\n"
    );
    println!(
        "| target | max req/s | p50 ms | p99 ms | half-rate req/s | p50 ms | p99 ms | errors |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    println!("{}", row("bare axum + one insert", &bare_max, &bare_half));
    println!(
        "{}",
        row("product /webhooks/events", &product_max, &product_half)
    );
    if let Some(((during, _), _)) = &product.after_max {
        println!(
            "{}",
            row("product, right after the max phase", &product_max, during)
        );
    }
    println!(
        "\nratio product / bare (max throughput): {:.2}",
        product_max.throughput() / bare_max.throughput()
    );
    // For scripts/bench.sh's summary table.
    for (name, r) in [("bare", &bare_max), ("product", &product_max)] {
        println!(
            "RESULT {name}_rps={:.0} {name}_p50_ms={:.2} {name}_p99_ms={:.2} {name}_errors={}",
            r.throughput(),
            r.p50_ms,
            r.p99_ms,
            r.errors
        );
    }
    for (name, r) in [("bare", &bare_half), ("product", &product_half)] {
        println!(
            "RESULT {name}_half_rps={:.0} {name}_half_p50_ms={:.2} {name}_half_p99_ms={:.2} {name}_half_errors={}",
            r.throughput(),
            r.p50_ms,
            r.p99_ms,
            r.errors
        );
    }
    if let Some((p50, p99)) = handler {
        println!(
            "\nthe product's handler at half rate (notify_webhook_seconds, bucket upper bounds): p50 <= {p50:.2} ms, p99 <= {p99:.2} ms"
        );
        println!(
            "RESULT product_half_handler_p50_ms={p50:.2} product_half_handler_p99_ms={p99:.2}"
        );
    }
    if let Some(((during, during_handler), drained)) = &product.after_max {
        println!(
            "RESULT product_after_max_p50_ms={:.2} product_after_max_p99_ms={:.2} product_after_max_errors={}",
            during.p50_ms, during.p99_ms, during.errors
        );
        if let Some((p50, p99)) = during_handler {
            println!(
                "RESULT product_after_max_handler_p50_ms={p50:.2} product_after_max_handler_p99_ms={p99:.2}"
            );
        }
        // After the half-rate phase that followed the maximum.
        match drained.after {
            Some(after) => println!(
                "\nthe backlog ({:.0} webhooks waiting after the phase at half rate that followed the max) was processed in {:.1} s\nRESULT product_backlog={:.0} product_drain_s={:.1}",
                drained.waiting,
                after.as_secs_f64(),
                drained.waiting,
                after.as_secs_f64()
            ),
            None => println!(
                "\nthe backlog ({:.0} webhooks) stopped shrinking: nothing processes it here (an ingest-only replica)\nRESULT product_backlog={:.0} product_drain_s=-",
                drained.waiting, drained.waiting
            ),
        }
    }
    Ok(())
}
