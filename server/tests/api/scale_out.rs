//! Scale-out: two replicas (web + processor + worker each) on one
//! PostgreSQL database behind no balancer but the test itself. Every
//! webhook is sent three times at once, spread over both replicas; each
//! (order, status, channel) becomes exactly one job and each message
//! reaches the SMTP listener and the SMS API exactly once.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use notify_core::MerchantName;
use notify_core::templates::{MessageContext, render_email, render_sms};
use notify_ingest::Normalized;
use notify_store::testing::TestDb;
use notify_testkit::smtp::SmtpServer;
use notify_testkit::webhooks::{decode_secret, standard_signed};
use serde_json::json;
use server::config::RateLimit;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::delivery::sms_config;
use crate::harness::{TestApp, spawn_with};
use crate::webhooks::merchant_with;

const ORDERS: usize = 100;
const STATUSES: [&str; 3] = ["processing", "ready", "delivered"];

fn body(order: usize, status: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "type": "order.status_changed", "source": "cto",
        "order": {"id": format!("SO-{order:04}"), "number": format!("SO-{order:04}"), "status": status,
                  "updated_at": "2026-03-14T10:00:00Z"},
        "customer": {"name": "Ada Lovelace", "email": format!("ada{order}@example.com"), "phone": "+14155550134"}
    }))
    .unwrap()
}

async fn replica(db: &TestDb, smtp: &SmtpServer, api: &MockServer) -> TestApp {
    let (smtp_url, sms) = (smtp.url(), sms_config(api));
    spawn_with(db, move |c| {
        c.smtp_url = Some(smtp_url);
        c.smtp_from = "notify@maple.example".to_owned();
        c.sms = Some(sms);
        c.webhook_rate = RateLimit {
            per_second: 100_000.0,
            burst: 100_000,
        };
    })
    .await
}

/// Each occurrence of each key, counted.
fn counts<I: IntoIterator<Item = String>>(items: I) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for i in items {
        *map.entry(i).or_default() += 1;
    }
    map
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_on_one_postgres_send_each_message_exactly_once() {
    let started = Instant::now();
    let db = TestDb::postgres().await;
    let smtp = SmtpServer::start(0).await;
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"sid": "SM1"})))
        .mount(&api)
        .await;
    let a = replica(&db, &smtp, &api).await;
    let b = replica(&db, &smtp, &api).await;
    let (url, integration) = merchant_with(&a, "events", json!({})).await;
    let path = url::Url::parse(&url).unwrap().path().to_owned();
    let key = decode_secret(integration["signing_secret"].as_str().unwrap()).unwrap();

    // Three copies of each webhook at once: two of the same delivery (one to
    // each replica) and a second delivery reporting the same transition.
    let client = reqwest::Client::new();
    let limit = Arc::new(tokio::sync::Semaphore::new(64));
    let mut tasks = tokio::task::JoinSet::new();
    for order in 0..ORDERS {
        for status in STATUSES {
            for copy in 0..3 {
                let id = match copy {
                    2 => format!("msg_{order}_{status}_again"),
                    _ => format!("msg_{order}_{status}"),
                };
                let base = if (order + copy) % 2 == 0 { &a } else { &b };
                let (client, url, key, limit) =
                    (client.clone(), base.url(&path), key.clone(), limit.clone());
                let body = body(order, status);
                tasks.spawn(async move {
                    let _permit = limit.acquire().await.unwrap();
                    let ts = chrono::Utc::now().timestamp();
                    let r = standard_signed(&client, &url, &key, &id, ts, body)
                        .send()
                        .await
                        .unwrap();
                    r.status().as_u16()
                });
            }
        }
    }
    let answers = tasks.join_all().await;
    assert_eq!(answers.len(), ORDERS * STATUSES.len() * 3);
    assert!(answers.iter().all(|s| *s == 200), "{answers:?}");

    // Wait for every message to be sent.
    let store = db.store().await;
    let merchant = store
        .user_by_email(&notify_core::EmailAddress::parse("owner@maple.example").unwrap())
        .await
        .unwrap()
        .unwrap()
        .merchant_id;
    let expected_jobs = (ORDERS * STATUSES.len() * 2) as i64;
    let deadline = Instant::now() + Duration::from_secs(50);
    let states = loop {
        let states: HashMap<String, i64> = store
            .job_state_counts(&merchant)
            .await
            .unwrap()
            .into_iter()
            .map(|(state, n)| (state.as_str().to_owned(), n))
            .collect();
        let sent = states.get("sent").copied().unwrap_or(0);
        if sent >= expected_jobs || Instant::now() > deadline {
            break states;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // Exactly one job per (order, status, channel): the unique key holds the
    // rest, and every job was sent.
    assert_eq!(
        states,
        HashMap::from([("sent".to_owned(), expected_jobs)]),
        "job states"
    );
    // Give a double send a moment to show up before counting.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let merchant_name = MerchantName::parse("Maple").unwrap();
    let (mut subjects, mut texts) = (Vec::new(), Vec::new());
    for order in 0..ORDERS {
        for status in STATUSES {
            let Normalized::Event(event) =
                notify_ingest::platforms::events::normalize(&body(order, status)).unwrap()
            else {
                panic!("not an event")
            };
            let ctx = MessageContext {
                merchant: &merchant_name,
                event: &event,
            };
            subjects.push(render_email(ctx).subject);
            texts.push(render_sms(ctx).text);
        }
    }
    let emails = smtp.messages();
    let received_subjects = counts(emails.iter().map(|m| {
        m.data
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .unwrap_or("")
            .to_owned()
    }));
    assert_eq!(emails.len(), subjects.len(), "emails received");
    assert_eq!(
        received_subjects,
        counts(subjects),
        "each email exactly once"
    );

    let requests = api.received_requests().await.unwrap();
    let received_texts = counts(requests.iter().map(|r| {
        url::form_urlencoded::parse(&r.body)
            .find(|(k, _)| k == "Body")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    }));
    assert_eq!(requests.len(), texts.len(), "texts received");
    assert_eq!(received_texts, counts(texts), "each text exactly once");
    // Both replicas took webhooks; between them every message was sent once.
    let (mut received, mut sent) = (Vec::new(), 0.0);
    for replica in [&a, &b] {
        let text = reqwest::get(replica.url("/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let series = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        received.push(series(
            r#"notify_webhooks_received_total{platform="events"}"#,
        ));
        sent += series(r#"notify_delivery_attempts_total{channel="email",result="sent"}"#)
            + series(r#"notify_delivery_attempts_total{channel="sms",result="sent"}"#);
    }
    assert_eq!(received, vec![450.0, 450.0]);
    assert_eq!(sent, expected_jobs as f64);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
}
