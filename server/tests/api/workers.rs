//! The delivery guarantees under concurrency and crashes: two workers share
//! the queue without sending anything twice; a worker that dies after
//! claiming loses nothing (the lease runs out and another sends).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use notify_core::{Channel, Delivery, Recipient, Trigger};
use notify_ingest::platforms::events;
use notify_store::Store;
use notify_store::accounts::{HashPassword, NewMerchant, Password, TimeZone};
use notify_store::delivery_queue::LeaseHolder;
use notify_store::inbound::{Inserted, NewInboundEvent};
use notify_store::outbox::Decided;
use notify_store::testing::TestDb;
use notify_store::{MerchantId, tests_on_both_backends};
use notify_testkit::sms::{SmsApi, SmsMode, SmsRequest};
use server::delivery::{EmailTransport, LaneLimits, SmsTransport, Worker};
use server::retry::RetryPolicy;

async fn merchant(store: &Store) -> MerchantId {
    merchant_named(store, "Maple", "owner@maple.example").await
}

async fn second_merchant(store: &Store) -> MerchantId {
    merchant_named(store, "Birch", "owner@birch.example").await
}

async fn merchant_named(store: &Store, name: &str, owner: &str) -> MerchantId {
    let new = NewMerchant {
        store_name: notify_core::MerchantName::parse(name).unwrap(),
        time_zone: TimeZone::parse("UTC").unwrap(),
        sender_name: notify_core::MerchantName::parse(name).unwrap(),
        sender_email: notify_core::EmailAddress::parse(owner).unwrap(),
    };
    let digest = Password::parse("correct horse battery")
        .unwrap()
        .hash()
        .unwrap();
    let email = notify_core::EmailAddress::parse(owner).unwrap();
    store
        .create_merchant(&new, &email, digest, Utc::now())
        .await
        .unwrap()
        .0
        .id
}

fn customer_email(i: usize) -> notify_core::EmailAddress {
    notify_core::EmailAddress::parse(&format!("customer{i}@example.com")).unwrap()
}

fn customer_phone(i: usize) -> notify_core::PhoneNumber {
    notify_core::PhoneNumber::parse_e164(&format!("+1415555{:04}", i % 10_000)).unwrap()
}

/// `n` queued email jobs, one per invoice.
async fn queue_jobs(store: &Store, merchant_id: &MerchantId, n: usize) {
    queue_jobs_on(store, merchant_id, n, Channel::Email).await;
}

/// `n` queued jobs on `channel`, one per invoice.
async fn queue_jobs_on(store: &Store, merchant_id: &MerchantId, n: usize, channel: Channel) {
    queue_jobs_on_from(store, merchant_id, 0..n, channel).await;
}

/// A queued job on `channel` for each invoice `inv-{i}`, each to its own
/// customer (`customer{i}`).
async fn queue_jobs_on_from(
    store: &Store,
    merchant_id: &MerchantId,
    invoices: std::ops::Range<usize>,
    channel: Channel,
) {
    for chunk in invoices.collect::<Vec<_>>().chunks(200) {
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
                // One customer per job: a customer's messages go one at a time.
                e.customer.email = Some(customer_email(*i));
                e.customer.phone = Some(customer_phone(*i));
                e
            })
            .collect();
        apply_in_one_batch(store, merchant_id, &transactions, channel).await;
    }
}

/// Stores a webhook per transaction and turns them into one job each on
/// `channel`, in one processing batch (queued in this order).
async fn apply_in_one_batch(
    store: &Store,
    merchant_id: &MerchantId,
    transactions: &[notify_core::TransactionEvent],
    channel: Channel,
) {
    let events: Vec<NewInboundEvent> = transactions
        .iter()
        .map(|t| NewInboundEvent {
            merchant_id: merchant_id.clone(),
            platform: events::PLATFORM,
            dedupe_key: format!("load-{}-{}", t.document.id().as_str(), t.trigger().key()),
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
    let items: Vec<Decided<'_>> = (0..transactions.len())
        .map(|k| Decided {
            inbound_id: &ids[k],
            merchant_id,
            event: &transactions[k],
            deliveries: &deliveries[k],
            silent_detail: "",
            decisions: &[],
            lacks: "",
        })
        .collect();
    store.apply_decisions(&items, Utc::now()).await.unwrap();
}

fn worker(store: &Store, sink: &std::path::Path, lease: chrono::Duration) -> Worker {
    let from: lettre::Address = "notify@maple.example".parse().unwrap();
    let limits = LaneLimits {
        concurrency: 32,
        max_per_second: None,
        send_timeout: Duration::from_millis(100),
    };
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
        email_lane: limits,
        sms_lane: limits,
        daily_limit: 1_000_000,
        backstop: Duration::from_millis(100),
        metrics: Default::default(),
        ingest_load: Default::default(),
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

/// Up to `limit` due email jobs, claimed for `lease` by a new holder.
async fn claim_emails(
    store: &Store,
    lease: chrono::Duration,
    limit: i64,
) -> Vec<notify_store::delivery_queue::ClaimedJob> {
    store
        .claim_jobs(
            Channel::Email,
            &LeaseHolder::generate(),
            Utc::now(),
            lease,
            limit,
        )
        .await
        .unwrap()
}

/// A lane's limits: sends at once, sends per second, seconds per send.
fn lane(concurrency: usize, max_per_second: Option<f64>, send_timeout_s: u64) -> LaneLimits {
    LaneLimits {
        concurrency,
        max_per_second,
        send_timeout: Duration::from_secs(send_timeout_s),
    }
}

/// Runs `workers` until the merchant's `n` jobs are all sent, then stops
/// them (each finishes what it has in hand).
async fn send_all(store: &Store, merchant_id: &MerchantId, n: i64, workers: Vec<Worker>) {
    let (trigger, shutdown) = server::shutdown::channel();
    let tasks: Vec<_> = workers
        .into_iter()
        .map(|w| tokio::spawn(w.run(shutdown.clone())))
        .collect();
    until_all_sent(store, merchant_id, n).await;
    trigger.stop();
    for task in tasks {
        let _ = task.await;
    }
}

async fn until_all_sent(store: &Store, merchant_id: &MerchantId, n: i64) {
    for _ in 0..600 {
        if store.job_state_counts(merchant_id).await.unwrap()
            == vec![(notify_core::JobState::Sent, n)]
        {
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
    send_all(
        &store,
        &m,
        1000,
        vec![
            worker(&store, a.path(), chrono::Duration::seconds(60)),
            worker(&db.store().await, b.path(), chrono::Duration::seconds(60)),
        ],
    )
    .await;
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
    let claimed = claim_emails(&store, chrono::Duration::seconds(1), 10).await;
    assert_eq!(claimed.len(), 10);
    // Another claims 5, "sends" them (the provider accepts) and dies before recording.
    let accepted = tempfile::tempdir().unwrap();
    let half_done = claim_emails(&store, chrono::Duration::seconds(1), 5).await;
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
    send_all(
        &store,
        &m,
        20,
        vec![worker(&store, sink.path(), chrono::Duration::seconds(60))],
    )
    .await;
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

/// A worker texting through `api` (and emailing to `sink`).
fn sms_worker(
    api: &SmsApi,
    store: &Store,
    sink: &std::path::Path,
    lease: chrono::Duration,
    sms_lane: LaneLimits,
) -> Worker {
    server::startup::install_tls_provider();
    Worker {
        sms: Arc::new(SmsTransport::api(
            api.url(),
            notify_testkit::sms::SID.to_owned(),
            notify_core::secret::Secret::new(notify_testkit::sms::TOKEN),
            notify_testkit::sms::FROM.to_owned(),
            None,
            sms_lane.send_timeout,
        )),
        sms_lane,
        ..worker(store, sink, lease)
    }
}

/// The number of requests per recipient.
fn per_recipient(arrivals: &[SmsRequest]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for r in arrivals {
        *counts.entry(r.to.clone()).or_default() += 1;
    }
    counts
}

async fn no_quiet_hours(store: &Store, m: &MerchantId) {
    use notify_store::quiet_hours::QuietHours;
    store
        .set_quiet_hours(m, QuietHours::new(false, 21 * 60, 8 * 60).unwrap())
        .await
        .unwrap();
}

/// Texts are paced at 2/s per worker, so each worker holds its claim of
/// eight for about 4 s, well past the 2.5 s lease: the lease is renewed
/// while the claim is in hand, so the other worker never takes a job over
/// and each message goes out once. The provider answers at once and the
/// timeout (2 s) cannot fire, so nothing depends on the machine's speed.
async fn a_batch_that_would_outlive_its_lease_sends_nothing_twice(db: &TestDb) {
    let lane = lane(8, Some(2.0), 2);
    two_workers_text_each_customer_once(db, 16, |_| SmsMode::Accept, lane, 2500).await;
}

/// Two workers share `n` texts to `n` customers (lease `lease_ms`): the
/// provider sees exactly one request per customer.
async fn two_workers_text_each_customer_once(
    db: &TestDb,
    n: usize,
    answer: impl Fn(usize) -> SmsMode + Send + Sync + 'static,
    lane: LaneLimits,
    lease_ms: i64,
) {
    let store = db.store().await;
    let m = merchant(&store).await;
    no_quiet_hours(&store, &m).await;
    queue_jobs_on(&store, &m, n, Channel::Sms).await;
    let api = SmsApi::answering(answer).await.unwrap();
    let sink = tempfile::tempdir().unwrap();
    let lease = chrono::Duration::milliseconds(lease_ms);
    let other = db.store().await;
    send_all(
        &store,
        &m,
        n as i64,
        vec![
            sms_worker(&api, &store, sink.path(), lease, lane),
            sms_worker(&api, &other, sink.path(), lease, lane),
        ],
    )
    .await;
    let arrivals = api.requests();
    assert_eq!(arrivals.len(), n);
    let counts = per_recipient(&arrivals);
    assert_eq!(counts.len(), n);
    assert!(counts.values().all(|c| *c == 1));
}

/// With the provider answering after 200 ms, 200 texts one at a time
/// would take 40 s; 32 at once take under 2 s (bound: 10 s).
async fn sends_run_concurrently_up_to_the_budget(db: &TestDb) {
    let store = db.store().await;
    let m = merchant(&store).await;
    no_quiet_hours(&store, &m).await;
    queue_jobs_on(&store, &m, 200, Channel::Sms).await;
    let api = SmsApi::answering(|_| SmsMode::AcceptAfter(Duration::from_millis(200)))
        .await
        .unwrap();
    let sink = tempfile::tempdir().unwrap();
    let lane = lane(32, None, 10);
    let started = std::time::Instant::now();
    let (trigger, shutdown) = server::shutdown::channel();
    let w = tokio::spawn(
        sms_worker(
            &api,
            &store,
            sink.path(),
            chrono::Duration::seconds(60),
            lane,
        )
        .run(shutdown),
    );
    until_all_sent(&store, &m, 200).await;
    let took = started.elapsed();
    trigger.stop();
    let _ = w.await;
    assert_eq!(api.requests().len(), 200);
    assert!(took < Duration::from_secs(10), "200 texts took {took:?}");
}

/// The SMS API hangs until the 10 s timeout; 100 emails queued beside 20
/// texts still all reach the SMTP listener long before any text times out
/// (a shared loop would wait 10 s per text it had claimed first).
async fn a_hanging_sms_api_does_not_slow_email(db: &TestDb) {
    let store = db.store().await;
    let m = merchant(&store).await;
    no_quiet_hours(&store, &m).await;
    queue_jobs_on(&store, &m, 20, Channel::Sms).await;
    queue_jobs_on_from(&store, &m, 20..120, Channel::Email).await;
    let api = SmsApi::answering(|_| SmsMode::AcceptAfter(Duration::from_secs(60)))
        .await
        .unwrap();
    let smtp = notify_testkit::smtp::SmtpServer::start(0).await;
    let sink = tempfile::tempdir().unwrap();
    let lane = lane(8, None, 10);
    let mut w = sms_worker(
        &api,
        &store,
        sink.path(),
        chrono::Duration::seconds(60),
        lane,
    );
    w.email = Arc::new(
        EmailTransport::smtp(
            &smtp.url(),
            "notify@maple.example".parse().unwrap(),
            8,
            Duration::from_secs(10),
        )
        .unwrap(),
    );
    w.email_lane = LaneLimits {
        concurrency: 8,
        ..lane
    };
    let started = std::time::Instant::now();
    let (_trigger, shutdown) = server::shutdown::channel();
    let task = tokio::spawn(w.run(shutdown));
    while smtp.messages().len() < 100 && started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let took = started.elapsed();
    task.abort();
    assert_eq!(smtp.messages().len(), 100);
    assert!(
        took < Duration::from_secs(8),
        "100 emails took {took:?} while the SMS API hung"
    );
}

/// Emails reuse a few SMTP connections; a connection the relay hung up
/// (after 5 messages each here) is replaced before it is used again, so
/// no message fails or waits for a retry.
async fn smtp_connections_are_reused_and_replaced_when_closed(db: &TestDb) {
    let store = db.store().await;
    let m = merchant(&store).await;
    queue_jobs(&store, &m, 40).await;
    let smtp = notify_testkit::smtp::SmtpServer::start_closing_after(0, 5).await;
    let sink = tempfile::tempdir().unwrap();
    let mut w = worker(&store, sink.path(), chrono::Duration::seconds(60));
    w.email = Arc::new(
        EmailTransport::smtp(
            &smtp.url(),
            "notify@maple.example".parse().unwrap(),
            4,
            Duration::from_secs(10),
        )
        .unwrap(),
    );
    w.email_lane = lane(4, None, 10);
    send_all(&store, &m, 40, vec![w]).await;
    assert_eq!(smtp.messages().len(), 40);
    let connections = smtp.connections.load(std::sync::atomic::Ordering::SeqCst);
    // 40 messages at 5 per connection: 8 connections at least; one per
    // message without reuse.
    assert!(
        (8..=16).contains(&connections),
        "{connections} connections for 40 messages"
    );
    let log = store
        .delivery_log(&m, &Default::default(), 100, None)
        .await
        .unwrap();
    assert!(
        log.iter().all(|e| e.attempts == 1),
        "no message needed a retry"
    );
}

/// At `SMS_MAX_PER_SECOND` 5, no second holds more than 5 texts (one of
/// tolerance for timing at the edges of a window).
async fn texts_are_paced_to_the_providers_rate(db: &TestDb) {
    let store = db.store().await;
    let m = merchant(&store).await;
    no_quiet_hours(&store, &m).await;
    queue_jobs_on(&store, &m, 50, Channel::Sms).await;
    let api = SmsApi::start().await.unwrap();
    let sink = tempfile::tempdir().unwrap();
    let lane = lane(32, Some(5.0), 5);
    send_all(
        &store,
        &m,
        50,
        vec![sms_worker(
            &api,
            &store,
            sink.path(),
            chrono::Duration::seconds(60),
            lane,
        )],
    )
    .await;
    let times: Vec<_> = api.requests().into_iter().map(|r| r.at).collect();
    assert_eq!(times.len(), 50);
    for (i, start) in times.iter().enumerate() {
        let in_window = times[i..]
            .iter()
            .filter(|t| t.duration_since(*start) < Duration::from_secs(1))
            .count();
        assert!(in_window <= 6, "{in_window} texts within one second");
    }
    let span = times.last().unwrap().duration_since(times[0]);
    assert!(span >= Duration::from_millis(9_500), "50 texts in {span:?}");
}

/// A 429 with `Retry-After: 2` pauses the whole channel: the next text
/// (another customer's) waits at least 2 s, then everything goes.
async fn a_providers_retry_after_pauses_the_whole_channel(db: &TestDb) {
    let store = db.store().await;
    let m = merchant(&store).await;
    no_quiet_hours(&store, &m).await;
    queue_jobs_on(&store, &m, 3, Channel::Sms).await;
    let api = SmsApi::answering(|n| match n {
        1 => SmsMode::TooMany { retry_after: 2 },
        _ => SmsMode::Accept,
    })
    .await
    .unwrap();
    let sink = tempfile::tempdir().unwrap();
    let lane = lane(1, None, 5);
    let mut w = sms_worker(
        &api,
        &store,
        sink.path(),
        chrono::Duration::seconds(60),
        lane,
    );
    w.retry.delays = vec![chrono::Duration::milliseconds(100); 3];
    send_all(&store, &m, 3, vec![w]).await;
    let arrivals = api.requests();
    assert_eq!(arrivals.len(), 4, "three texts and one refused attempt");
    let paused = arrivals[1].at.duration_since(arrivals[0].at);
    assert!(paused >= Duration::from_secs(2), "paused only {paused:?}");
    // The refused text itself went again after the pause.
    assert!(arrivals[1..].iter().any(|r| r.to == arrivals[0].to));
}

/// Merchant A has 5,000 messages waiting when merchant B queues one: B's
/// goes within 2 s (oldest-first would put it behind all of A's).
async fn one_merchants_backlog_does_not_delay_another(db: &TestDb) {
    let store = db.store().await;
    let a = merchant(&store).await;
    let b = second_merchant(&store).await;
    queue_jobs(&store, &a, 5000).await;
    let sink = tempfile::tempdir().unwrap();
    let (trigger, shutdown) = server::shutdown::channel();
    let w = tokio::spawn(worker(&store, sink.path(), chrono::Duration::seconds(60)).run(shutdown));
    // A's backlog is being sent.
    while sent_files(sink.path()).len() < 50 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    queue_jobs_on_from(&store, &b, 9000..9001, Channel::Email).await;
    let queued = std::time::Instant::now();
    loop {
        let counts = store.job_state_counts(&b).await.unwrap();
        if counts == vec![(notify_core::JobState::Sent, 1)] {
            break;
        }
        assert!(
            queued.elapsed() < Duration::from_secs(2),
            "B's message still {counts:?} after 2 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let a_left = store.job_state_counts(&a).await.unwrap();
    trigger.stop();
    let _ = w.await;
    assert!(
        a_left
            .iter()
            .any(|(state, n)| *state == notify_core::JobState::Pending && *n > 0),
        "A still had messages waiting when B's went: {a_left:?}"
    );
}

/// Two workers at full concurrency share 2,000 texts: exactly one request
/// per message at the provider.
async fn two_workers_at_full_concurrency_send_each_message_once(db: &TestDb) {
    let lane = lane(32, None, 10);
    let answer = |n: usize| SmsMode::AcceptAfter(Duration::from_millis((n % 7) as u64));
    two_workers_text_each_customer_once(db, 2000, answer, lane, 30_000).await;
}

/// 50 orders go Ready then Delivered in the same instant (one processing
/// batch); the provider answers in 0–100 ms at random. Every customer gets
/// Ready, then Delivered, each once: a customer's later message waits for
/// the earlier one.
async fn each_customer_gets_an_orders_statuses_in_order(db: &TestDb) {
    use notify_core::{OrderSource, OrderStatus};
    let store = db.store().await;
    let m = merchant(&store).await;
    no_quiet_hours(&store, &m).await;
    let mut transactions = Vec::new();
    for order in 0..50 {
        for status in [OrderStatus::Ready, OrderStatus::Delivered] {
            let mut e = notify_core::sample::sample_event(
                Trigger::Order {
                    source: OrderSource::Shopify,
                    status,
                },
                notify_core::sample::SampleContacts::ALL,
            );
            if let notify_core::Document::Order { id, .. } = &mut e.document {
                *id = notify_core::event::ExternalId::parse(&format!("ord-{order}")).unwrap();
            }
            e.customer.phone = Some(customer_phone(order));
            e.occurred_at +=
                chrono::Duration::milliseconds(i64::from(status == OrderStatus::Delivered));
            transactions.push(e);
        }
    }
    apply_in_one_batch(&store, &m, &transactions, Channel::Sms).await;
    let api = SmsApi::answering(|n| {
        // A spread of answer times without a random source: 0–100 ms.
        SmsMode::AcceptAfter(Duration::from_millis(((n * 7919) % 101) as u64))
    })
    .await
    .unwrap();
    let sink = tempfile::tempdir().unwrap();
    let lane = lane(32, None, 10);
    send_all(
        &store,
        &m,
        100,
        vec![sms_worker(
            &api,
            &store,
            sink.path(),
            chrono::Duration::seconds(60),
            lane,
        )],
    )
    .await;
    let merchant = store.merchant(&m).await.unwrap();
    let text = |t: &notify_core::TransactionEvent| {
        notify_core::templates::render_sms(notify_core::templates::MessageContext {
            merchant: &merchant.store_name,
            event: t,
        })
        .text
    };
    let arrivals = api.requests();
    assert_eq!(arrivals.len(), 100);
    for pair in transactions.chunks(2) {
        let to = pair[0].customer.phone.as_ref().unwrap().as_e164();
        let got: Vec<&String> = arrivals
            .iter()
            .filter(|r| r.to == to)
            .map(|r| &r.body)
            .collect();
        assert_eq!(got, vec![&text(&pair[0]), &text(&pair[1])], "texts to {to}");
    }
}

/// With a daily limit of 3, two of five emails wait, held, in the
/// delivery log; a worker started with a raised limit sends them at once.
async fn messages_beyond_the_daily_limit_wait_until_it_is_raised(db: &TestDb) {
    let store = db.store().await;
    let m = merchant(&store).await;
    queue_jobs(&store, &m, 5).await;
    let sink = tempfile::tempdir().unwrap();
    let limited = Worker {
        daily_limit: 3,
        ..worker(&store, sink.path(), chrono::Duration::seconds(60))
    };
    let (trigger, shutdown) = server::shutdown::channel();
    let task = tokio::spawn(limited.run(shutdown));
    for _ in 0..200 {
        let log = store
            .delivery_log(&m, &Default::default(), 10, None)
            .await
            .unwrap();
        let held = log
            .iter()
            .filter(|e| {
                e.state == notify_core::JobState::Pending
                    && e.last_error
                        .as_deref()
                        .is_some_and(|r| r.starts_with("held: daily limit of 3 emails"))
            })
            .count();
        if held == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Stopping waits for the sends in hand to be recorded.
    trigger.stop();
    let _ = task.await;
    assert_eq!(
        store.job_state_counts(&m).await.unwrap(),
        vec![
            (notify_core::JobState::Pending, 2),
            (notify_core::JobState::Sent, 3)
        ]
    );
    assert_eq!(sent_files(sink.path()).len(), 3);
    let raised = Worker {
        daily_limit: 10,
        ..worker(&store, sink.path(), chrono::Duration::seconds(60))
    };
    send_all(&store, &m, 5, vec![raised]).await;
    assert_eq!(sent_files(sink.path()).len(), 5);
}

/// Only the holder of a lease records the outcome: a worker whose lease
/// ran out (and was taken over) cannot overwrite the new holder's result,
/// and renewing extends only the holder's own leases.
async fn only_the_lease_holder_records_the_outcome(db: &TestDb) {
    use notify_store::delivery_queue::{AttemptResult, FinishedAttempt};
    let store = db.store().await;
    let m = merchant(&store).await;
    queue_jobs(&store, &m, 1).await;
    let (first, second) = (LeaseHolder::generate(), LeaseHolder::generate());
    let short = chrono::Duration::milliseconds(300);
    let claimed = store
        .claim_jobs(Channel::Email, &first, Utc::now(), short, 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    // Renewed by its holder, the lease outlives its first 300 ms.
    assert_eq!(
        store
            .renew_leases(&second, Utc::now() + chrono::Duration::seconds(5))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .renew_leases(&first, Utc::now() + chrono::Duration::milliseconds(800))
            .await
            .unwrap(),
        1
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let none = store
        .claim_jobs(Channel::Email, &second, Utc::now(), short, 10)
        .await
        .unwrap();
    assert!(none.is_empty(), "a renewed lease is not taken over");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let taken = store
        .claim_jobs(
            Channel::Email,
            &second,
            Utc::now(),
            chrono::Duration::seconds(30),
            10,
        )
        .await
        .unwrap();
    assert_eq!(taken.len(), 1, "an expired lease is taken over");
    let failed = FinishedAttempt {
        job: claimed[0].clone(),
        result: AttemptResult::Failed {
            error: "late".to_owned(),
        },
        duration: Duration::from_millis(1),
        at: Utc::now(),
    };
    assert_eq!(store.record_attempts(&[failed]).await.unwrap(), 1, "lost");
    let sent = FinishedAttempt {
        job: taken[0].clone(),
        result: AttemptResult::Sent { provider_id: None },
        duration: Duration::from_millis(1),
        at: Utc::now(),
    };
    assert_eq!(store.record_attempts(&[sent]).await.unwrap(), 0);
    assert_eq!(
        store.job_state_counts(&m).await.unwrap(),
        vec![(notify_core::JobState::Sent, 1)]
    );
}

/// A claim ranks jobs within their merchant: with 300 of A's messages
/// waiting, B's one is in the very next claim of 10 (the same holds for
/// stored webhooks waiting to be processed).
async fn claims_take_merchants_in_turn(db: &TestDb) {
    let store = db.store().await;
    let a = merchant(&store).await;
    let b = second_merchant(&store).await;
    queue_jobs(&store, &a, 300).await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    queue_jobs_on_from(&store, &b, 9000..9001, Channel::Email).await;
    let claimed = claim_emails(&store, chrono::Duration::seconds(30), 10).await;
    assert_eq!(claimed.len(), 10);
    assert_eq!(claimed.iter().filter(|j| j.merchant_id == b).count(), 1);

    let events = |m: &MerchantId, n: usize, tag: &str| -> Vec<NewInboundEvent> {
        (0..n)
            .map(|i| NewInboundEvent {
                merchant_id: m.clone(),
                platform: events::PLATFORM,
                dedupe_key: format!("{tag}-{i}"),
                topic: "order.status_changed".to_owned(),
                delivery_id: None,
                body: "{}".to_owned(),
                triggered_at: None,
            })
            .collect()
    };
    store
        .insert_inbound_events(&events(&a, 300, "flood"), Utc::now())
        .await
        .unwrap();
    store
        .insert_inbound_events(
            &events(&b, 1, "single"),
            Utc::now() + chrono::Duration::milliseconds(5),
        )
        .await
        .unwrap();
    let claimed = store
        .claim_inbound_events(
            Utc::now() + chrono::Duration::seconds(1),
            chrono::Duration::seconds(30),
            10,
        )
        .await
        .unwrap();
    assert_eq!(claimed.len(), 10);
    assert_eq!(claimed.iter().filter(|e| e.merchant_id == b).count(), 1);
}

tests_on_both_backends!(
    a_batch_that_would_outlive_its_lease_sends_nothing_twice,
    sends_run_concurrently_up_to_the_budget,
    a_hanging_sms_api_does_not_slow_email,
    texts_are_paced_to_the_providers_rate,
    smtp_connections_are_reused_and_replaced_when_closed,
    a_providers_retry_after_pauses_the_whole_channel,
    one_merchants_backlog_does_not_delay_another,
    two_workers_at_full_concurrency_send_each_message_once,
    each_customer_gets_an_orders_statuses_in_order,
    only_the_lease_holder_records_the_outcome,
    messages_beyond_the_daily_limit_wait_until_it_is_raised,
    claims_take_merchants_in_turn,
    two_workers_send_a_thousand_jobs_exactly_once,
    a_worker_that_dies_after_claiming_loses_nothing
);
