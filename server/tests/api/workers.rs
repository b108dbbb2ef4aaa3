//! The delivery guarantees under concurrency and crashes: two workers share
//! the queue without sending anything twice; a worker that dies after
//! claiming loses nothing (the lease runs out and another sends).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use notify_core::{Channel, Delivery, Recipient, Trigger};
use notify_store::Store;
use notify_store::accounts::{NewMerchant, Password, TimeZone};
use notify_store::inbound::{Inserted, NewInboundEvent};
use notify_store::integrations::Platform;
use notify_store::outbox::Decided;
use notify_store::testing::TestDb;
use notify_store::{MerchantId, tests_on_both_backends};
use server::delivery::{EmailTransport, SmsTransport, Worker};
use server::retry::RetryPolicy;

async fn merchant(store: &Store) -> MerchantId {
    let new = NewMerchant {
        store_name: notify_core::MerchantName::parse("Maple").unwrap(),
        time_zone: TimeZone::parse("UTC").unwrap(),
        sender_name: notify_core::MerchantName::parse("Maple").unwrap(),
        sender_email: notify_core::EmailAddress::parse("owner@maple.example").unwrap(),
    };
    let digest = Password::parse("correct horse battery")
        .unwrap()
        .hash()
        .unwrap();
    let email = notify_core::EmailAddress::parse("owner@maple.example").unwrap();
    store
        .create_merchant(&new, &email, digest, Utc::now())
        .await
        .unwrap()
        .0
        .id
}

/// `n` queued email jobs, one per invoice.
async fn queue_jobs(store: &Store, merchant_id: &MerchantId, n: usize) {
    queue_jobs_on(store, merchant_id, n, Channel::Email).await;
}

/// `n` queued jobs on `channel`, one per invoice.
async fn queue_jobs_on(store: &Store, merchant_id: &MerchantId, n: usize, channel: Channel) {
    for chunk in (0..n).collect::<Vec<_>>().chunks(200) {
        let events: Vec<NewInboundEvent> = chunk
            .iter()
            .map(|i| NewInboundEvent {
                merchant_id: merchant_id.clone(),
                platform: Platform::Events,
                dedupe_key: format!("load-{i}"),
                topic: "invoice.status_changed".to_owned(),
                delivery_id: None,
                body: "{}".to_owned(),
                triggered_at: None,
            })
            .collect();
        let stored = store
            .insert_inbound_events(&events, Utc::now())
            .await
            .unwrap();
        let transactions: Vec<_> = chunk
            .iter()
            .map(|i| {
                let mut e = notify_core::sample::sample_event(
                    Trigger::Invoice {
                        status: notify_core::InvoiceStatus::Closed,
                    },
                    notify_core::sample::SampleContacts::ALL,
                );
                if let notify_core::Document::Invoice { id, .. } = &mut e.document {
                    *id = notify_core::event::ExternalId::parse(&format!("inv-{i}")).unwrap();
                }
                e
            })
            .collect();
        let deliveries: Vec<Vec<Delivery>> = transactions
            .iter()
            .map(|t| {
                let recipient = match channel {
                    Channel::Email => Recipient::Email(t.customer.email.clone().unwrap()),
                    Channel::Sms => Recipient::Sms(t.customer.phone.clone().unwrap()),
                };
                vec![Delivery {
                    trigger: t.trigger(),
                    recipient,
                }]
            })
            .collect();
        let ids: Vec<_> = stored
            .iter()
            .map(|s| match s {
                Inserted::Stored(id) => id.clone(),
                Inserted::Duplicate => panic!("duplicate"),
            })
            .collect();
        let items: Vec<Decided<'_>> = (0..chunk.len())
            .map(|k| Decided {
                inbound_id: &ids[k],
                merchant_id,
                event: &transactions[k],
                deliveries: &deliveries[k],
                silent_detail: "",
            })
            .collect();
        store.apply_decisions(&items, Utc::now()).await.unwrap();
    }
}

fn worker(store: &Store, sink: &std::path::Path, lease: chrono::Duration) -> Worker {
    let from: lettre::Address = "notify@maple.example".parse().unwrap();
    Worker {
        store: store.clone(),
        email: Arc::new(EmailTransport::sink(sink.to_owned(), from)),
        sms: Arc::new(SmsTransport::Sink {
            dir: sink.to_owned(),
        }),
        wake: Arc::new(tokio::sync::Notify::new()),
        retry: RetryPolicy {
            delays: vec![chrono::Duration::milliseconds(100); 3],
            jitter: 0.0,
        },
        lease,
        send_timeout: Duration::from_millis(100),
        batch: 16,
        backstop: Duration::from_millis(100),
        metrics: Default::default(),
    }
}

fn sent_files(dir: &std::path::Path) -> Vec<String> {
    match std::fs::read_dir(dir.join("email")) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

async fn until_all_sent(store: &Store, merchant_id: &MerchantId, n: i64) {
    for _ in 0..600 {
        if store.job_state_counts(merchant_id).await.unwrap() == vec![("sent".to_owned(), n)] {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "not all sent: {:?}",
        store.job_state_counts(merchant_id).await.unwrap()
    );
}

async fn two_workers_send_a_thousand_jobs_exactly_once(db: &TestDb) {
    let store = db.store().await;
    let m = merchant(&store).await;
    queue_jobs(&store, &m, 1000).await;
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (trigger, shutdown) = server::shutdown::channel();
    let wa =
        tokio::spawn(worker(&store, a.path(), chrono::Duration::seconds(60)).run(shutdown.clone()));
    let wb = tokio::spawn(
        worker(&db.store().await, b.path(), chrono::Duration::seconds(60)).run(shutdown),
    );
    until_all_sent(&store, &m, 1000).await;
    trigger.stop();
    let _ = (wa.await, wb.await);
    let (sa, sb): (HashSet<_>, HashSet<_>) = (
        sent_files(a.path()).into_iter().collect(),
        sent_files(b.path()).into_iter().collect(),
    );
    assert_eq!(sa.len() + sb.len(), 1000, "every job sent once in all");
    assert!(sa.is_disjoint(&sb), "no job sent by both workers");
    assert!(
        !sa.is_empty() && !sb.is_empty(),
        "both workers took part: {} / {}",
        sa.len(),
        sb.len()
    );
}

async fn a_worker_that_dies_after_claiming_loses_nothing(db: &TestDb) {
    let store = db.store().await;
    let m = merchant(&store).await;
    queue_jobs(&store, &m, 20).await;
    // A worker claims 10 jobs with a 1 s lease and dies before sending.
    let claimed = store
        .claim_jobs(Utc::now(), chrono::Duration::seconds(1), 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 10);
    // Another claims 5, "sends" them (the provider accepts) and dies before recording.
    let accepted = tempfile::tempdir().unwrap();
    let half_done = store
        .claim_jobs(Utc::now(), chrono::Duration::seconds(1), 5)
        .await
        .unwrap();
    std::fs::create_dir_all(accepted.path().join("email")).unwrap();
    for job in &half_done {
        std::fs::write(
            accepted
                .path()
                .join("email")
                .join(format!("{}.eml", job.id)),
            "accepted",
        )
        .unwrap();
    }
    // A healthy worker finishes everything once the leases run out.
    let sink = tempfile::tempdir().unwrap();
    let (trigger, shutdown) = server::shutdown::channel();
    let w = tokio::spawn(worker(&store, sink.path(), chrono::Duration::seconds(60)).run(shutdown));
    until_all_sent(&store, &m, 20).await;
    trigger.stop();
    let _ = w.await;
    let sent: HashSet<_> = sent_files(sink.path()).into_iter().collect();
    assert_eq!(sent.len(), 20, "nothing lost");
    // The duplicates are exactly the messages the provider accepted before
    // the dead worker could record them: the documented window.
    let duplicates = sent_files(accepted.path())
        .into_iter()
        .filter(|f| sent.contains(f))
        .count();
    assert_eq!(duplicates, 5);
}

/// Sends take 0.7 s, a claim's lease 1.5 s: a batch of six would outlive
/// its lease, and another worker would claim and send what is left while
/// the first still sends it. The worker puts back what it cannot send in
/// time, so each message goes out once.
async fn a_batch_that_would_outlive_its_lease_sends_nothing_twice(db: &TestDb) {
    use notify_store::quiet_hours::QuietHours;
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let store = db.store().await;
    let m = merchant(&store).await;
    store
        .set_quiet_hours(&m, QuietHours::new(false, 21 * 60, 8 * 60).unwrap())
        .await
        .unwrap();
    queue_jobs_on(&store, &m, 6, Channel::Sms).await;
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_delay(Duration::from_millis(700))
                .set_body_json(serde_json::json!({"sid": "SM0001", "status": "queued"})),
        )
        .mount(&api)
        .await;
    server::startup::install_tls_provider();
    let sms = Arc::new(SmsTransport::api(
        url::Url::parse(&format!("{}/", api.uri())).unwrap(),
        "AC0001".to_owned(),
        notify_store::secret::Secret::new("sms-token-123"),
        "+14155550100".to_owned(),
        None,
        Duration::from_secs(1),
    ));
    let sink = tempfile::tempdir().unwrap();
    let slow = |store: Store| Worker {
        sms: sms.clone(),
        send_timeout: Duration::from_secs(1),
        ..worker(&store, sink.path(), chrono::Duration::milliseconds(1500))
    };
    let (trigger, shutdown) = server::shutdown::channel();
    let wa = tokio::spawn(slow(store.clone()).run(shutdown.clone()));
    let wb = tokio::spawn(slow(db.store().await).run(shutdown));
    until_all_sent(&store, &m, 6).await;
    trigger.stop();
    let _ = (wa.await, wb.await);
    assert_eq!(api.received_requests().await.unwrap().len(), 6);
}

tests_on_both_backends!(
    a_batch_that_would_outlive_its_lease_sends_nothing_twice,
    two_workers_send_a_thousand_jobs_exactly_once,
    a_worker_that_dies_after_claiming_loses_nothing
);
