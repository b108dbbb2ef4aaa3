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
use notify_ingest::signature::standard_webhooks::{decode_secret, sign};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut args = std::env::args().skip(1);
    let base = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:3500".to_owned());
    let rate: f64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(100.0);
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);

    let admin = reqwest::Client::builder().cookie_store(true).build()?;
    let email = format!("latency-{}@bench.example", Utc::now().timestamp_millis());
    admin
        .post(format!("{base}/api/v1/merchants"))
        .header("Origin", &base)
        .json(&json!({"store_name": "Bench", "email": email, "password": "benchmark password", "time_zone": "UTC"}))
        .send()
        .await?
        .error_for_status()?;
    let rules = json!({"version": 0, "rules": [{"trigger": {"kind": "invoice", "status": "closed"}, "active": true, "email": true, "sms": false}]});
    admin
        .put(format!("{base}/api/v1/settings"))
        .header("Origin", &base)
        .json(&rules)
        .send()
        .await?
        .error_for_status()?;
    let integration: Value = admin
        .put(format!("{base}/api/v1/integrations/events"))
        .header("Origin", &base)
        .json(&json!({}))
        .send()
        .await?
        .json()
        .await?;
    let path = url::Url::parse(integration["webhook_url"].as_str().unwrap_or_default())?
        .path()
        .to_owned();
    let url = Arc::new(format!("{base}{path}"));
    let key = Arc::new(
        decode_secret(integration["signing_secret"].as_str().unwrap_or_default())
            .unwrap_or_default(),
    );

    let sent_at: Arc<Mutex<HashMap<String, DateTime<Utc>>>> = Arc::default();
    let client = reqwest::Client::new();
    let total = (rate * seconds as f64) as u64;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let start = tokio::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..total {
        tokio::time::sleep_until(start + interval.mul_f64(i as f64)).await;
        let (client, url, key, sent_at) =
            (client.clone(), url.clone(), key.clone(), sent_at.clone());
        tasks.spawn(async move {
            let invoice = format!("lat-{i}");
            let body = serde_json::to_vec(&json!({
                "type": "invoice.status_changed",
                "invoice": {"id": invoice, "number": invoice, "status": "closed", "updated_at": "2026-03-14T10:00:00Z"},
                "customer": {"name": "Ada", "email": "ada@example.com"}
            }))
            .expect("json");
            let id = format!("lat_{i}");
            let ts = Utc::now().timestamp();
            let now = Utc::now();
            let ok = client
                .post(url.as_str())
                .header("webhook-id", &id)
                .header("webhook-timestamp", ts.to_string())
                .header("webhook-signature", sign(&id, ts, &body, &key))
                .body(body)
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
        let mut before: Option<String> = None;
        loop {
            let mut page = format!("{base}/api/v1/deliveries?limit=200&state=sent");
            if let Some(b) = &before {
                page.push_str(&format!("&before={}", urlencode(b)));
            }
            let v: Value = admin.get(&page).send().await?.json().await?;
            let items = v["deliveries"].as_array().cloned().unwrap_or_default();
            for d in &items {
                let (Some(doc), Some(sent)) = (d["document_id"].as_str(), d["sent_at"].as_str())
                else {
                    continue;
                };
                let sent: DateTime<Utc> = sent.parse()?;
                if let Some(at) = sent_at.lock().expect("lock").get(doc) {
                    latencies.push((sent - *at).num_microseconds().unwrap_or(0) as f64 / 1000.0);
                }
            }
            match v["next_before"].as_str() {
                Some(b) => before = Some(b.to_owned()),
                None => break,
            }
        }
        if latencies.len() >= accepted {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    latencies.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
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

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
