//! Crash drill: under continuous signed-webhook load, the server is killed
//! with SIGKILL again and again and restarted each time. At the end every
//! webhook that was answered 200 must have produced its email and its SMS.
//! Lost messages fail the drill; duplicates are counted with their reason.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::process::{Server, env};
use super::tenant::{Tenant, order_body};
use super::{Backend, Length};
use notify_testkit::db::ThrowawayDb;
use notify_testkit::free_port;
use notify_testkit::sms::SmsApi;
use notify_testkit::smtp::SmtpServer;

/// The order number in an SMS body (`CR` and six digits).
fn order_in(text: &str) -> Option<String> {
    let at = text.find("#CR")?;
    let digits = text.get(at + 3..at + 9)?;
    digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| format!("CR{digits}"))
}

/// Per order: the Message-IDs of the emails received, and how many texts.
fn tally(
    smtp: &SmtpServer,
    sms: &SmsApi,
) -> (HashMap<String, Vec<String>>, HashMap<String, usize>) {
    let mut emails: HashMap<String, Vec<String>> = HashMap::new();
    for e in smtp.messages() {
        let order =
            e.to.first()
                .and_then(|t| t.strip_prefix('c')?.split('@').next())
                .unwrap_or("")
                .to_owned();
        emails
            .entry(order)
            .or_default()
            .push(e.header("Message-ID").unwrap_or_default().to_owned());
    }
    let mut texts: HashMap<String, usize> = HashMap::new();
    for r in sms.requests() {
        if let Some(order) = order_in(&r.body) {
            *texts.entry(order).or_default() += 1;
        }
    }
    (emails, texts)
}

pub async fn run(backend: Backend, length: Length) -> anyhow::Result<()> {
    // The load is paced: the drill is about what survives a kill, not about
    // the maximum rate (scripts/bench.sh measures that).
    let (kills, every, rate) = match length {
        Length::Short => (10, Duration::from_millis(1500), 25.0),
        Length::Full => (20, Duration::from_millis(3000), 50.0),
    };
    let concurrency = 4;
    println!(
        "\n== crash drill on {}: {kills} × kill -9 every {:.1} s under {rate:.0} signed webhooks/s ({concurrency} connections)",
        backend.name(),
        every.as_secs_f64()
    );
    let db = ThrowawayDb::create(backend).await?;
    let mut smtp = SmtpServer::down(free_port()?);
    smtp.up().await?;
    let sms = SmsApi::start().await?;
    let mut vars = env(&[
        ("DATABASE_URL", &db.url),
        ("SMTP_URL", &smtp.url()),
        ("SMTP_FROM", "drill@notify.example"),
        ("DELIVERY_RETRY_SECONDS", "1,2,4,8,16"),
        ("PROCESSING_RETRY_SECONDS", "1,2,4,8,16"),
        ("SMS_TIMEOUT_SECONDS", "3"),
        ("SMTP_TIMEOUT_SECONDS", "3"),
        ("DELIVERY_LEASE_SECONDS", "5"),
        ("PROCESSING_LEASE_SECONDS", "3"),
        ("WEBHOOK_RATE_PER_SECOND", "100000"),
        ("WEBHOOK_BURST", "100000"),
    ]);
    vars.extend(sms.env());
    let log = super::log_path("crash", backend);
    let mut server = Server::start(free_port()?, vars, log.clone()).await?;
    let tenant = Arc::new(Tenant::create(&server.base, "Crash Test", "crash@drill.example").await?);

    let accepted: Arc<Mutex<Vec<String>>> = Arc::default();
    let not_accepted = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let counter = Arc::new(AtomicU64::new(0));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;
    let mut load = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (tenant, accepted, not_accepted, stop, counter, client) = (
            tenant.clone(),
            accepted.clone(),
            not_accepted.clone(),
            stop.clone(),
            counter.clone(),
            client.clone(),
        );
        let pace = Duration::from_secs_f64(f64::from(concurrency) / rate);
        load.spawn(async move {
            let mut next = tokio::time::Instant::now();
            while !stop.load(Ordering::Relaxed) {
                next += pace;
                tokio::time::sleep_until(next).await;
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let order = format!("CR{n:06}");
                let r = tenant
                    .signed(&client, &format!("crash_{n}"), order_body(&order, "ready"))
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status() == 200 => accepted.lock().expect("lock").push(order),
                    _ => {
                        not_accepted.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        });
    }
    let mut restart_ms = Vec::new();
    for i in 1..=kills {
        tokio::time::sleep(every).await;
        server.kill9().await?;
        let t = Instant::now();
        server.restart().await?;
        restart_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        print!("kill {i} ");
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
    }
    tokio::time::sleep(every).await;
    stop.store(true, Ordering::Relaxed);
    while load.join_next().await.is_some() {}
    let accepted = accepted.lock().expect("lock").clone();
    println!(
        "\nload stopped: {} webhooks answered 200, {} not (refused or cut while the server was down; a platform retries those)",
        accepted.len(),
        not_accepted.load(Ordering::Relaxed)
    );

    // Wait for the backlog: leases of killed processes expire, retries run.
    let drain_started = Instant::now();
    let expected: HashSet<&String> = accepted.iter().collect();
    // Until everything expected arrived, or nothing more arrives for 30 s
    // (longer than any lease and retry delay here).
    let (mut last_count, mut last_progress) = (0, Instant::now());
    loop {
        let (emails, texts) = tally(&smtp, &sms);
        let count = emails.values().map(Vec::len).sum::<usize>() + texts.values().sum::<usize>();
        if count != last_count {
            (last_count, last_progress) = (count, Instant::now());
        }
        let done = expected
            .iter()
            .all(|o| emails.contains_key(*o) && texts.contains_key(*o));
        if done || last_progress.elapsed() > Duration::from_secs(30) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let drained = drain_started.elapsed();
    // A moment for late duplicates to show.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (emails, texts) = tally(&smtp, &sms);
    let lost_emails = expected
        .iter()
        .filter(|o| emails.get(**o).is_none_or(Vec::is_empty))
        .count();
    let lost_texts = expected.iter().filter(|o| !texts.contains_key(**o)).count();
    let mut resent_emails = 0;
    let mut two_jobs = 0;
    for (order, ids) in &emails {
        let distinct: HashSet<&String> = ids.iter().collect();
        resent_emails += ids.len().saturating_sub(distinct.len());
        two_jobs += distinct.len().saturating_sub(1);
        if distinct.len() > 1 {
            println!("order {order}: emails with Message-IDs {distinct:?}");
        }
    }
    let resent_texts: usize = texts.values().map(|n| n - 1).sum();
    let unexpected = emails
        .keys()
        .filter(|o| !o.is_empty() && !expected.contains(o))
        .count();
    server.stop().await;
    db.drop_now().await;

    restart_ms.sort_by(f64::total_cmp);
    println!(
        "restarts: {} (median time to ready {:.0} ms); backlog drained {:.1} s after the last restart",
        kills,
        super::percentile(&restart_ms, 0.5),
        drained.as_secs_f64()
    );
    println!(
        "expected messages: {} ({} emails + {} texts)",
        expected.len() * 2,
        expected.len(),
        expected.len()
    );
    println!(
        "LOST: {} ({lost_emails} emails, {lost_texts} texts)",
        lost_emails + lost_texts
    );
    println!(
        "DUPLICATED: {} ({resent_emails} emails, {resent_texts} texts)",
        resent_emails + resent_texts
    );
    if resent_emails + resent_texts > 0 {
        println!(
            "  reason: the server was killed after the provider accepted a message and before the attempt was committed; \
             the job's lease ran out and it was sent again (at-least-once delivery). Each duplicate email carries \
             the same Message-ID as the first copy (the same job), so mail servers and clients can drop it."
        );
    }
    println!("second jobs for one transition (must be 0): {two_jobs}");
    println!(
        "messages for webhooks that were not answered 200 (stored just before a kill): {unexpected}"
    );
    if lost_emails + lost_texts > 0 || two_jobs > 0 {
        anyhow::bail!(
            "crash drill on {} failed: {} lost, {two_jobs} double jobs (server log: {})",
            backend.name(),
            lost_emails + lost_texts,
            log.display()
        );
    }
    Ok(())
}
