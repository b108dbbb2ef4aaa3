//! Event → message handed to the sink: the time from sending a signed
//! webhook to the moment its email is recorded as sent, at a sustained rate.
//!
//! `delivery-latency <product base URL> [rate per second, default 100] [seconds, default 10]`
//!
//! Signs up a merchant with one rule (invoice closed → email), posts signed
//! invoice events at the rate (open loop), then reads the delivery log and
//! matches each message to the moment its webhook was sent.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use notify_bench::drill::percentile;
use notify_bench::drill::tenant::Tenant;
use serde_json::json;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut args = std::env::args().skip(1);
    let base = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:3500".to_owned());
    let rate: f64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(100.0);
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);

    let email = format!("latency-{}@bench.example", Utc::now().timestamp_millis());
    let rule = json!({"trigger": {"kind": "invoice", "status": "closed"}, "active": true, "email": true, "sms": false});
    let tenant = Arc::new(Tenant::create_with_rules(&base, "Bench", &email, vec![rule]).await?);

    let sent_at: Arc<Mutex<HashMap<String, DateTime<Utc>>>> = Arc::default();
    let client = reqwest::Client::new();
    let total = (rate * seconds as f64) as u64;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let start = tokio::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..total {
        tokio::time::sleep_until(start + interval.mul_f64(i as f64)).await;
        let (client, tenant, sent_at) = (client.clone(), tenant.clone(), sent_at.clone());
        tasks.spawn(async move {
            let invoice = format!("lat-{i}");
            let body = serde_json::to_vec(&json!({
                "type": "invoice.status_changed",
                "invoice": {"id": invoice, "number": invoice, "status": "closed", "updated_at": "2026-03-14T10:00:00Z"},
                // A customer per invoice: one customer's emails go one at a time.
                "customer": {"name": "Ada", "email": format!("c{i}@example.com")}
            }))
            .expect("json");
            let now = Utc::now();
            let ok = tenant
                .signed(&client, &format!("lat_{i}"), body)
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ok {
                sent_at.lock().expect("lock").insert(invoice, now);
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let accepted = sent_at.lock().expect("lock").len();

    // Wait for the queue to drain, then read every delivery.
    let mut latencies = Vec::new();
    for _ in 0..120 {
        latencies.clear();
        for d in tenant
            .all("/api/v1/deliveries?state=sent", "deliveries")
            .await?
        {
            let (Some(doc), Some(sent)) = (d["document_id"].as_str(), d["sent_at"].as_str()) else {
                continue;
            };
            let sent: DateTime<Utc> = sent.parse()?;
            if let Some(at) = sent_at.lock().expect("lock").get(doc) {
                latencies.push((sent - *at).num_microseconds().unwrap_or(0) as f64 / 1000.0);
            }
        }
        if latencies.len() >= accepted {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    latencies.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| percentile(&latencies, p);
    println!(
        "\nEvent → email handed to the sink, {rate:.0} events/s for {seconds} s (open loop)\n"
    );
    println!("| events accepted | messages sent | p50 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|");
    println!(
        "| {accepted} | {} | {:.1} | {:.1} | {:.1} |",
        latencies.len(),
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    println!(
        "RESULT latency_accepted={accepted} latency_sent={} latency_p50_ms={:.1} latency_p99_ms={:.1}",
        latencies.len(),
        pct(0.5),
        pct(0.99)
    );
    Ok(())
}
