//! Operations: `/metrics` moves with traffic, the per-endpoint ingestion
//! limit keeps one noisy store from starving the others, `SERVER_ROLES`
//! limits what a replica runs, expired sessions are purged periodically.

use std::time::Duration;

use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use serde_json::{Value, json};
use server::config::{RateLimit, Roles};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::delivery::{sms_config, until};
use crate::harness::{TestApp, spawn, spawn_with};
use crate::webhooks::{merchant_named, merchant_with, post_to_new_events_endpoint, settled};

fn order(id: &str, status: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "type": "order.status_changed", "source": "cto",
        "order": {"id": id, "number": id, "status": status, "updated_at": "2026-03-14T10:00:00Z"},
        "customer": {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "+14155550134"}
    }))
    .unwrap()
}

async fn scrape(app: &TestApp) -> String {
    let r = reqwest::get(app.url("/metrics")).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    r.text().await.unwrap()
}

/// The value of the series `name` (with its labels, as printed).
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.split(' ').next()?.parse().ok())
}

async fn metrics_move_with_webhooks_and_deliveries(db: &TestDb) {
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"message": "down"})))
        .mount(&api)
        .await;
    let sms = sms_config(&api);
    let app = spawn_with(db, move |c| {
        c.sms = Some(sms);
        c.delivery_retry = vec![chrono::Duration::milliseconds(50)];
    })
    .await;
    let before = scrape(&app).await;
    assert_eq!(value(&before, "notify_inbound_queue_depth"), Some(0.0));
    let url = post_to_new_events_endpoint(&app, "msg_m1", &order("m1", "ready")).await;
    // Unsigned: refused.
    let r = reqwest::Client::new()
        .post(&url)
        .body(order("m2", "ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // No such platform: counted apart from every platform's own.
    let r = reqwest::Client::new()
        .post(app.url("/webhooks/nonsense/ep_AAAAAAAAAAAAAAAAAAAAAA"))
        .body(order("m3", "ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    settled(&app).await;
    // The email goes to the sink; the SMS API fails twice (dead after one retry).
    until(&app, |d| {
        d.len() == 2
            && d.iter()
                .all(|j| j["state"] == "sent" || j["state"] == "dead")
    })
    .await;
    let text = scrape(&app).await;
    let expect = [
        (r#"notify_webhooks_received_total{platform="events"}"#, 1.0),
        // The accepted one is timed; the refused one is not.
        (r#"notify_webhook_seconds_count{platform="events"}"#, 1.0),
        (r#"notify_webhook_seconds_count{platform="shopify"}"#, 0.0),
        (
            r#"notify_webhooks_rejected_total{platform="events",reason="unauthorized"}"#,
            1.0,
        ),
        (
            r#"notify_webhooks_rejected_total{platform="unknown",reason="unknown_endpoint"}"#,
            1.0,
        ),
        (r#"notify_inbound_events{state="processed"}"#, 1.0),
        ("notify_inbound_queue_depth", 0.0),
        (r#"notify_outbox_jobs{state="sent"}"#, 1.0),
        (r#"notify_outbox_jobs{state="dead"}"#, 1.0),
        (r#"notify_send_seconds_count{channel="email"}"#, 1.0),
        (r#"notify_send_seconds_count{channel="sms"}"#, 2.0),
        (
            r#"notify_provider_errors_total{channel="sms",kind="transient"}"#,
            2.0,
        ),
        (
            r#"notify_delivery_attempts_total{channel="email",result="sent"}"#,
            1.0,
        ),
        (
            r#"notify_delivery_attempts_total{channel="sms",result="dead"}"#,
            1.0,
        ),
    ];
    for (series, want) in expect {
        assert_eq!(value(&text, series), Some(want), "{series} in\n{text}");
    }
    assert!(text.contains("notify_send_seconds_bucket{"), "{text}");
}

/// The app with a webhook rate limit of its own (per endpoint).
async fn spawn_limited(db: &TestDb, per_second: f64, burst: u32) -> TestApp {
    spawn_with(db, |c| c.webhook_rate = RateLimit { per_second, burst }).await
}

/// The app running only `roles` (`Roles::parse` syntax).
async fn spawn_as(db: &TestDb, roles: &str) -> TestApp {
    spawn_with(db, |c| c.roles = Roles::parse(roles).unwrap()).await
}

/// Posts `n` signed events to `url` at once; returns each status with its
/// Retry-After.
async fn burst(url: &str, secret: &str, prefix: &str, n: usize) -> Vec<(u16, Option<u64>)> {
    let key = notify_testkit::webhooks::decode_secret(secret).unwrap();
    let client = reqwest::Client::new();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..n {
        let (client, url, key) = (client.clone(), url.to_owned(), key.clone());
        let id = format!("{prefix}_{i}");
        tasks.spawn(async move {
            let ts = chrono::Utc::now().timestamp();
            let body = order(&id, "ready");
            let r = notify_testkit::webhooks::standard_signed(&client, &url, &key, &id, ts, body)
                .send()
                .await
                .unwrap();
            let after = r
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok()?.parse().ok());
            (r.status().as_u16(), after)
        });
    }
    tasks.join_all().await
}

async fn one_noisy_endpoint_gets_429s_while_another_is_served(db: &TestDb) {
    let app = spawn_limited(db, 0.5, 10).await;
    let (noisy_url, noisy) = merchant_with(&app, "events", json!({})).await;
    let other = app.new_browser();
    let (quiet_url, quiet) =
        merchant_named(&other, "Birch", "owner@birch.example", "events", json!({})).await;
    let noisy_secret = noisy["signing_secret"].as_str().unwrap();
    let quiet_secret = quiet["signing_secret"].as_str().unwrap();
    // The same burst: 60 from the noisy store, 10 from the other.
    let started = std::time::Instant::now();
    let (noisy_answers, quiet_answers) = tokio::join!(
        burst(&noisy_url, noisy_secret, "noisy", 60),
        burst(&quiet_url, quiet_secret, "quiet", 10)
    );
    // The bucket of 10 plus what 0.5/s refilled while the burst lasted (a
    // loaded machine stretches it: counted, not assumed to be under 2 s).
    let refilled = (0.5 * started.elapsed().as_secs_f64()).ceil() as usize;
    let ok = noisy_answers.iter().filter(|(s, _)| *s == 200).count();
    assert!(
        (10..=10 + refilled.max(1)).contains(&ok),
        "{noisy_answers:?}"
    );
    for (status, after) in &noisy_answers {
        if *status != 200 {
            assert_eq!(*status, 429);
            assert!(after.is_some_and(|s| (1..=2).contains(&s)), "{after:?}");
        }
    }
    assert!(
        quiet_answers.iter().all(|(s, _)| *s == 200),
        "{quiet_answers:?}"
    );
    // Nothing was stored from the refused ones.
    let events = settled(&app).await;
    assert_eq!(events.len(), ok);
    assert_eq!(settled(&other).await.len(), 10);
    let text = scrape(&app).await;
    assert_eq!(
        value(
            &text,
            r#"notify_webhooks_rejected_total{platform="events",reason="rate_limited"}"#
        ),
        Some((60 - ok) as f64)
    );
}

async fn roles_choose_what_a_replica_runs(db: &TestDb) {
    // A web-only replica stores webhooks but does not process them.
    let web = spawn_as(db, "web").await;
    let url = post_to_new_events_endpoint(&web, "msg_r1", &order("r1", "ready")).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, log) = web.get_json("/api/v1/events").await;
    assert_eq!(log["events"][0]["state"], "pending", "{log}");
    // A processor + worker replica (no web): health and metrics only.
    let back = spawn_as(db, "processor, worker").await;
    assert_eq!(
        reqwest::get(back.url("/healthz")).await.unwrap().status(),
        200
    );
    assert_eq!(
        reqwest::get(back.url("/readyz")).await.unwrap().status(),
        200
    );
    assert_eq!(
        reqwest::get(back.url("/api/v1/settings"))
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        reqwest::Client::new()
            .post(back.url(url::Url::parse(&url).unwrap().path()))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // It processes and sends what the web replica stored.
    let events = settled(&web).await;
    assert_eq!(events[0]["outcome"], "jobs_created", "{events:?}");
    let done = until(&web, |d| {
        d.len() == 2 && d.iter().all(|j| j["state"] == "sent")
    })
    .await;
    assert_eq!(done.len(), 2);
    let text = scrape(&back).await;
    assert_eq!(
        value(&text, r#"notify_outbox_jobs{state="sent"}"#),
        Some(2.0)
    );
    assert!(Roles::parse("web,mailer").is_err());
}

async fn expired_sessions_are_purged_periodically(db: &TestDb) {
    let store = db.store().await;
    let web = spawn_as(db, "web").await;
    web.sign_up("Maple", "owner@maple.example").await;
    let user = store
        .user_by_email(&notify_core::EmailAddress::parse("owner@maple.example").unwrap())
        .await
        .unwrap()
        .unwrap();
    let now = chrono::Utc::now();
    // A session that started two hours ago and lasted one.
    let expire_a_session = || async {
        store
            .create_session(
                &user,
                now - chrono::Duration::hours(2),
                chrono::Duration::hours(1),
            )
            .await
            .unwrap();
    };
    expire_a_session().await;
    let (trigger, shutdown) = server::shutdown::channel();
    let task = tokio::spawn(server::maintenance::purge_sessions(
        store.clone(),
        Duration::from_millis(50),
        shutdown,
    ));
    // One more expires while the task runs: the next round takes it.
    tokio::time::sleep(Duration::from_millis(120)).await;
    expire_a_session().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    trigger.stop();
    task.await.unwrap();
    // Nothing expired is left; the live session from sign-up still works.
    assert_eq!(store.purge_expired_sessions(now).await.unwrap(), 0);
    let (status, _): (u16, Value) = web.get_json("/api/v1/settings").await;
    assert_eq!(status, 200);
}

/// A path segment that is not an endpoint id is refused before the rate
/// limiter: it takes no bucket (the limit here is one request, ever).
async fn malformed_endpoint_ids_are_refused_before_the_limiter(db: &TestDb) {
    let app = spawn_limited(db, 0.001, 1).await;
    let long = "x".repeat(4096);
    for id in [
        "ep_doesnotexist",
        long.as_str(),
        "ep_AAAAAAAAAAAAAAAAAAAA%2F",
    ] {
        for attempt in 0..3 {
            let r = reqwest::Client::new()
                .post(app.url(&format!("/webhooks/events/{id}")))
                .body("{}")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 404, "{id:.20}, attempt {attempt}");
        }
    }
    // A well-formed id that is no endpoint takes its bucket like a real one.
    let unknown = "/webhooks/events/ep_AAAAAAAAAAAAAAAAAAAAAA";
    let statuses = [
        reqwest::Client::new()
            .post(app.url(unknown))
            .send()
            .await
            .unwrap()
            .status(),
        reqwest::Client::new()
            .post(app.url(unknown))
            .send()
            .await
            .unwrap()
            .status(),
    ];
    assert_eq!(statuses.map(|s| s.as_u16()), [404, 429]);
}

/// A webhook over its endpoint's rate is answered 429 before its body is
/// read (only the head is sent here: a server that read the body would
/// wait for it), whatever credentials it carries, and writes no log line.
async fn a_refused_webhook_is_answered_before_its_body_and_logs_nothing(db: &TestDb) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_limited(db, 0.001, 1).await;
    let endpoint = "ep_RefusedCheaplyAAAAAAAA";
    let path = format!("/webhooks/events/{endpoint}");
    let first = reqwest::Client::new()
        .post(app.url(&path))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 404); // well-formed, no such endpoint: its bucket is spent
    let host = app.base.trim_start_matches("http://");
    for _ in 0..3 {
        let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer cn_not_a_key\r\nCookie: session=not-a-session\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        let mut buf = [0u8; 1024];
        tokio::time::timeout(Duration::from_secs(5), async {
            while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = stream.read(&mut buf).await.unwrap();
                assert!(n > 0, "closed without an answer");
                answer.extend_from_slice(&buf[..n]);
            }
        })
        .await
        .expect("answered without waiting for the body");
        let answer = String::from_utf8_lossy(&answer).to_lowercase();
        assert!(answer.starts_with("http/1.1 429"), "{answer}");
        assert!(answer.contains("retry-after: "), "{answer}");
        // Answered outside the other middleware, with the same headers.
        assert!(answer.contains("x-frame-options: deny"), "{answer}");
        assert!(
            answer.contains("content-security-policy: default-src 'none'"),
            "{answer}"
        );
    }
    let logs = String::from_utf8_lossy(&crate::harness::logs().lock().unwrap()).into_owned();
    let refusals: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains(endpoint) && (l.contains("rate limit") || l.contains("refused")))
        .collect();
    assert!(refusals.is_empty(), "{refusals:?}");
}

/// With `METRICS_ADDR`, `/metrics` answers there and not on the site, which
/// keeps health and readiness (for the balancer).
async fn metrics_are_served_on_their_own_listener_only(db: &TestDb) {
    let app = spawn_with(db, |config| {
        config.metrics_addr = Some("127.0.0.1:0".parse().unwrap());
    })
    .await;
    let metrics = app.metrics_base.clone().expect("a metrics listener");
    assert_ne!(metrics, app.base);
    let public = reqwest::get(app.url("/metrics")).await.unwrap();
    assert_eq!(public.status(), 404);
    let scraped = reqwest::get(format!("{metrics}/metrics")).await.unwrap();
    assert_eq!(scraped.status(), 200);
    let text = scraped.text().await.unwrap();
    assert!(text.contains("notify_inbound_queue_depth"), "{text}");
    for path in ["/healthz", "/readyz"] {
        assert_eq!(reqwest::get(app.url(path)).await.unwrap().status(), 200);
        let there = reqwest::get(format!("{metrics}{path}")).await.unwrap();
        assert_eq!(there.status(), 404, "{path} on the metrics listener");
    }
}

/// While webhooks are being stored, the replica counts them (the
/// processor and the delivery lanes give way at 4): the gauge follows a
/// burst held back by the database, and falls back once it is answered.
async fn webhooks_being_stored_are_counted_until_answered(db: &TestDb) {
    let app = spawn(db).await;
    let (url, integration) = merchant_with(&app, "events", json!({})).await;
    let secret = integration["signing_secret"].as_str().unwrap().to_owned();
    assert_eq!(
        value(&scrape(&app).await, "notify_webhooks_in_flight"),
        Some(0.0)
    );
    let held = db.hold_webhook_inserts().await;
    let answers = tokio::spawn(async move { burst(&url, &secret, "held", 4).await });
    let mut seen = false;
    for _ in 0..160 {
        if value(&scrape(&app).await, "notify_webhooks_in_flight") == Some(4.0) {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    held.release().await;
    assert!(seen, "4 webhooks waiting on the database were not counted");
    let answers = answers.await.unwrap();
    assert!(answers.iter().all(|(s, _)| *s == 200), "{answers:?}");
    assert_eq!(
        value(&scrape(&app).await, "notify_webhooks_in_flight"),
        Some(0.0)
    );
}

tests_on_both_backends!(
    webhooks_being_stored_are_counted_until_answered,
    malformed_endpoint_ids_are_refused_before_the_limiter,
    a_refused_webhook_is_answered_before_its_body_and_logs_nothing,
    metrics_are_served_on_their_own_listener_only,
    metrics_move_with_webhooks_and_deliveries,
    one_noisy_endpoint_gets_429s_while_another_is_served,
    roles_choose_what_a_replica_runs,
    expired_sessions_are_purged_periodically,
);

/// Starts the binary with `vars` (each one bad): it must refuse to start,
/// with exactly one message naming each of `names`.
fn refused_with_one_message_each(vars: &[(&str, &str)], names: &[&str]) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("DATABASE_URL", "sqlite://unused/never.db")
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    for name in names {
        assert_eq!(
            stderr
                .lines()
                .filter(|l| l.starts_with(&format!("configuration error: {name}")))
                .count(),
            1,
            "{name} in:\n{stderr}"
        );
    }
}

#[test]
fn bad_scale_and_limit_variables_are_refused_one_message_each() {
    refused_with_one_message_each(
        &[
            ("WEBHOOK_RATE_PER_SECOND", "fast"),
            ("WEBHOOK_BURST", "0"),
            ("SERVER_ROLES", "web,mailer"),
            ("DELIVERY_LEASE_SECONDS", "10"),
            ("SMS_TIMEOUT_SECONDS", "15"),
            ("PROCESSING_LEASE_SECONDS", "-1"),
            ("DELIVERY_CONCURRENCY", "0"),
            ("MERCHANT_DAILY_MESSAGE_LIMIT", "none"),
            ("SMTP_MAX_PER_SECOND", "fast"),
            ("SMS_MAX_PER_SECOND", "-1"),
            ("SMTP_TIMEOUT_SECONDS", "0"),
        ],
        &[
            "WEBHOOK_RATE_PER_SECOND",
            "WEBHOOK_BURST",
            "SERVER_ROLES",
            "DELIVERY_LEASE_SECONDS",
            "PROCESSING_LEASE_SECONDS",
            "DELIVERY_CONCURRENCY",
            "MERCHANT_DAILY_MESSAGE_LIMIT",
            "SMTP_MAX_PER_SECOND",
            "SMS_MAX_PER_SECOND",
            "SMTP_TIMEOUT_SECONDS",
        ],
    );
}

#[test]
fn bad_limit_proxy_metrics_and_retention_variables_are_refused_one_message_each() {
    refused_with_one_message_each(
        &[
            ("SIGN_UPS_PER_IP", "0"),
            ("METRICS_ADDR", "loopback"),
            ("TRUSTED_PROXIES", "10.0.0.0/8, 10.0.0.0/33, nonsense"),
            ("RETENTION_DAYS", "0"),
        ],
        &[
            "SIGN_UPS_PER_IP",
            "METRICS_ADDR",
            "TRUSTED_PROXIES",
            "RETENTION_DAYS",
        ],
    );
}
