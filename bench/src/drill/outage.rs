//! Provider outage drill: the SMTP server is down, the SMS API answers 500,
//! then 429 with Retry-After, then hangs; then both recover. Afterwards
//! every message is delivered exactly once, none is dead or failed, and
//! the attempts follow the retry schedule (with its jitter, and never
//! sooner than a Retry-After).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::process::{Server, env};
use super::tenant::{Tenant, order_body};
use super::{Backend, Length};
use notify_testkit::db::ThrowawayDb;
use notify_testkit::free_port;
use notify_testkit::sms::{SmsApi, SmsMode};
use notify_testkit::smtp::SmtpServer;

/// The retry schedule the drill runs with (seconds).
const SCHEDULE: [f64; 7] = [1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0];
const RETRY_AFTER: u64 = 3;
/// How late a retry may run beyond its delay (20% jitter is in the delay
/// bound): the worker's idle poll (2 s) and scheduling. While the SMS API
/// hangs, the worker (which sends one message after another) is busy for up
/// to the length of that phase, which is added on top.
const SLACK_SECONDS: f64 = 2.6;

pub async fn run(backend: Backend, length: Length) -> anyhow::Result<()> {
    let (orders, phase) = match length {
        Length::Short => (10, Duration::from_secs(4)),
        Length::Full => (20, Duration::from_secs(8)),
    };
    println!(
        "\n== provider outage drill on {}: {orders} orders; SMTP down, SMS API 500 → 429 (Retry-After {RETRY_AFTER}) → hanging, at least {} s each, then recovery",
        backend.name(),
        phase.as_secs()
    );
    let db = ThrowawayDb::create(backend).await?;
    let mut smtp = SmtpServer::down(free_port()?);
    let sms = SmsApi::start().await?;
    sms.set(SmsMode::Fail500);
    let schedule = SCHEDULE.map(|s| s.to_string()).join(",");
    let mut vars = env(&[
        ("DATABASE_URL", &db.url),
        ("SMTP_URL", &smtp.url()),
        ("SMTP_FROM", "drill@notify.example"),
        ("DELIVERY_RETRY_SECONDS", &schedule),
        ("SMS_TIMEOUT_SECONDS", "1"),
        ("DELIVERY_LEASE_SECONDS", "60"),
    ]);
    vars.extend(sms.env());
    let log = super::log_path("outage", backend);
    let server = Server::start(free_port()?, vars, log.clone()).await?;
    let tenant = Tenant::create(&server.base, "Outage", "outage@drill.example").await?;
    let client = reqwest::Client::new();
    let outage_started = Instant::now();
    for n in 0..orders {
        let order = format!("OU{n:04}");
        let r = tenant
            .signed(&client, &format!("outage_{n}"), order_body(&order, "ready"))
            .send()
            .await?;
        anyhow::ensure!(r.status() == 200, "webhook {n}: {}", r.status());
    }
    // Each phase lasts `phase` and until the API has answered at least
    // three requests that way, so every kind of failure is exercised.
    let hold = |mode: SmsMode| {
        let sms = sms.clone();
        async move {
            let started = Instant::now();
            loop {
                let seen = sms.requests().iter().filter(|r| r.mode == mode).count();
                if started.elapsed() >= phase && seen >= 3 {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };
    hold(SmsMode::Fail500).await;
    let too_many = SmsMode::TooMany {
        retry_after: RETRY_AFTER,
    };
    sms.set(too_many);
    hold(too_many).await;
    sms.set(SmsMode::Hang);
    hold(SmsMode::Hang).await;
    smtp.up().await?;
    sms.set(SmsMode::Accept);
    let recovered = Instant::now();
    println!(
        "providers recovered after {:.1} s",
        (recovered - outage_started).as_secs_f64()
    );

    let deadline = recovered + Duration::from_secs(90);
    let jobs = loop {
        let jobs = tenant.all("/api/v1/deliveries", "deliveries").await?;
        let settled = jobs.len() == orders * 2
            && jobs
                .iter()
                .all(|j| ["sent", "failed", "dead"].contains(&j["state"].as_str().unwrap_or("")));
        if settled || Instant::now() > deadline {
            break jobs;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let all_delivered = recovered.elapsed();
    let mut states: HashMap<String, usize> = HashMap::new();
    for j in &jobs {
        *states
            .entry(j["state"].as_str().unwrap_or("?").to_owned())
            .or_default() += 1;
    }

    // Each message reached its provider exactly once (accepted answers only).
    let mut emails: HashMap<String, usize> = HashMap::new();
    for e in smtp.messages() {
        *emails.entry(e.to.join(",")).or_default() += 1;
    }
    let mut texts: HashMap<String, usize> = HashMap::new();
    let mut seen: HashMap<&'static str, usize> = HashMap::new();
    let requests = sms.requests();
    for r in &requests {
        let mode = match r.mode {
            SmsMode::Accept | SmsMode::AcceptAfter(_) => "accepted",
            SmsMode::Fail500 => "500",
            SmsMode::TooMany { .. } => "429",
            SmsMode::Hang => "hung",
        };
        *seen.entry(mode).or_default() += 1;
        if r.mode == SmsMode::Accept
            && let Some(at) = r.body.find("#OU")
        {
            *texts
                .entry(r.body[at + 1..(at + 7).min(r.body.len())].to_owned())
                .or_default() += 1;
        }
    }
    let emails_once = emails.values().filter(|n| **n == 1).count();
    let texts_once = texts.values().filter(|n| **n == 1).count();

    // The schedule: attempt k+1 ends no sooner than delay[k] (or the
    // Retry-After) after attempt k ended, and not much later.
    let mut checked = 0;
    let (mut earliest, mut latest) = (f64::MAX, f64::MIN);
    let mut violations = Vec::new();
    let mut attempts_hist: HashMap<usize, usize> = HashMap::new();
    for j in &jobs {
        let id = j["id"].as_str().unwrap_or_default();
        let attempts = tenant.attempts(id).await?;
        *attempts_hist.entry(attempts.len()).or_default() += 1;
        for (k, pair) in attempts.windows(2).enumerate() {
            let at =
                |a: &serde_json::Value| -> Option<DateTime<Utc>> { a["at"].as_str()?.parse().ok() };
            let (Some(prev), Some(next)) = (at(&pair[0]), at(&pair[1])) else {
                continue;
            };
            let took = pair[1]["duration_ms"].as_f64().unwrap_or(0.0) / 1000.0;
            let gap = (next - prev).num_milliseconds() as f64 / 1000.0 - took;
            let delay = SCHEDULE[k];
            let retry_after = if pair[0]["error"]
                .as_str()
                .is_some_and(|e| e.contains(" 429"))
            {
                RETRY_AFTER as f64
            } else {
                0.0
            };
            let low = delay.max(retry_after) - 0.05;
            let high = (delay * 1.2).max(retry_after) + SLACK_SECONDS + phase.as_secs_f64();
            checked += 1;
            latest = latest.max(gap - delay.max(retry_after));
            earliest = earliest.min(gap - delay.max(retry_after));
            if gap < low || gap > high {
                violations.push(format!(
                    "{} attempt {} → {}: waited {gap:.2} s, schedule says {low:.2}..{high:.2} s",
                    j["channel"],
                    k + 1,
                    k + 2
                ));
            }
        }
    }
    server.stop().await;
    db.drop_now().await;

    let mut hist: Vec<_> = attempts_hist.into_iter().collect();
    hist.sort();
    println!("messages: {} ({states:?})", jobs.len());
    println!(
        "all delivered {:.1} s after recovery; attempts per message (attempts: messages): {hist:?}",
        all_delivered.as_secs_f64()
    );
    println!("SMS API saw: {seen:?}");
    println!(
        "emails received exactly once: {emails_once}/{orders}; texts accepted exactly once: {texts_once}/{orders}"
    );
    println!(
        "retry gaps checked against the schedule: {checked}, outside it: {}",
        violations.len()
    );
    if checked > 0 {
        println!(
            "retries ran between {earliest:+.2} s and {latest:+.2} s from their scheduled delay (jitter adds up to +20%; never before it)"
        );
    }
    for v in violations.iter().take(10) {
        println!("  {v}");
    }
    let sent = states.get("sent").copied().unwrap_or(0);
    if sent != orders * 2
        || emails_once != orders
        || texts_once != orders
        || emails.len() != orders
        || texts.len() != orders
        || !violations.is_empty()
    {
        anyhow::bail!(
            "outage drill on {} failed (server log: {})",
            backend.name(),
            log.display()
        );
    }
    Ok(())
}
