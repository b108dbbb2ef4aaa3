//! Resends in the store, on both backends: migration 0010 keeps every job
//! and attempt written before it (and the indexes and foreign keys), the
//! outbox's unique key still holds for originals while resends of a
//! transition are allowed, and the resend limit and expiry hold.

use chrono::{Duration, TimeZone as _, Utc};
use notify_core::{EmailAddress, MerchantName};
use notify_ingest::platforms::events;
use notify_store::accounts::{HashPassword, NewMerchant, Password, TimeZone};
use notify_store::ids::JobId;
use notify_store::inbound::{Inserted, NewInboundEvent};
use notify_store::orders::ResendQueued;
use notify_store::testing::TestDb;
use notify_store::{Backend, MerchantId, Store, tests_on_both_backends};

/// The last migration before resends.
const BEFORE_RESENDS: i64 = 9;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
}

async fn merchant(store: &Store, name: &str, admin: &str) -> MerchantId {
    let email = EmailAddress::parse(admin).unwrap();
    let new = NewMerchant {
        store_name: MerchantName::parse(name).unwrap(),
        time_zone: TimeZone::parse("UTC").unwrap(),
        sender_name: MerchantName::parse(name).unwrap(),
        sender_email: email.clone(),
    };
    let digest = Password::parse("correct horse battery")
        .unwrap()
        .hash()
        .unwrap();
    store
        .create_merchant(&new, &email, digest, now())
        .await
        .unwrap()
        .0
        .id
}

async fn webhook(store: &Store, merchant: &MerchantId) -> String {
    let stored = store
        .insert_inbound_events(
            &[NewInboundEvent {
                merchant_id: merchant.clone(),
                platform: events::PLATFORM,
                dedupe_key: "m1".to_owned(),
                topic: "order.status_changed".to_owned(),
                delivery_id: None,
                body: "{}".to_owned(),
                triggered_at: None,
            }],
            now(),
        )
        .await
        .unwrap();
    match &stored[0] {
        Inserted::Stored(id) => id.as_str().to_owned(),
        Inserted::Duplicate => panic!("stored"),
    }
}

/// A job as 0002-0009 wrote them (no resend columns).
fn job_sql(id: &str, merchant: &MerchantId, event: &str, channel: &str, recipient: &str) -> String {
    format!(
        "INSERT INTO outbox_jobs (id, merchant_id, inbound_event_id, source, document_id, status, channel, trigger_key,
                                  recipient, event, state, attempts, next_attempt_at, created_at, sent_at, queue_seq)
         VALUES ('{id}', '{merchant}', '{event}', 'cto', '1001', 'delivered', '{channel}', 'order.cto.delivered',
                 '{recipient}', '{{\"x\": 1}}', 'sent', 2, 0, 1000, 2000, 1000000)"
    )
}

fn attempt_sql(id: &str, job: &str, attempt: i64, outcome: &str) -> String {
    format!(
        "INSERT INTO delivery_attempts (id, job_id, attempt, at, outcome, duration_ms)
         VALUES ('{id}', '{job}', {attempt}, {}, '{outcome}', 12)",
        1000 + attempt
    )
}

async fn the_resend_migration_keeps_every_job_attempt_index_and_key(db: &TestDb) {
    let old = db.store_migrated_to(BEFORE_RESENDS).await;
    let maple = merchant(&old, "Maple", "owner@maple.example").await;
    let event = webhook(&old, &maple).await;
    for sql in [
        job_sql("job_email", &maple, &event, "email", "ada@example.com"),
        job_sql("job_sms", &maple, &event, "sms", "+14155550134"),
        attempt_sql("att_1", "job_email", 1, "transient"),
        attempt_sql("att_2", "job_email", 2, "sent"),
        attempt_sql("att_3", "job_sms", 1, "sent"),
    ] {
        assert_eq!(db.execute(&old, sql).await.unwrap(), 1);
    }
    old.close().await;

    let store = db.store().await;
    assert_eq!(db.count("SELECT COUNT(*) FROM outbox_jobs").await, 2);
    assert_eq!(db.count("SELECT COUNT(*) FROM delivery_attempts").await, 3);
    let email_job = JobId::from_string("job_email".to_owned());
    let entry = store
        .delivery_entry(&maple, &email_job)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((entry.attempts, entry.resend_of), (2, None));
    assert_eq!(
        store
            .delivery_attempts(&maple, &email_job)
            .await
            .unwrap()
            .len(),
        2
    );

    // Every index of 0002-0008 is there again, with 0010's.
    let names = "'outbox_jobs_due', 'outbox_jobs_merchant', 'outbox_jobs_provider', 'outbox_jobs_recipient',
                 'outbox_jobs_holder', 'outbox_jobs_lane', 'outbox_jobs_recipient_queue', 'outbox_jobs_sent_per_day',
                 'outbox_jobs_transition', 'outbox_jobs_resends', 'outbox_jobs_document'";
    let indexes = match db.backend {
        Backend::Sqlite => format!(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox_jobs' AND name IN ({names})"
        ),
        Backend::Postgres => format!(
            "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'outbox_jobs' AND indexname IN ({names})"
        ),
    };
    assert_eq!(db.count(indexes).await, 11);

    // The transition's original is unique; a resend of it is not refused.
    let duplicate = job_sql("job_again", &maple, &event, "email", "ada@example.com");
    assert!(db.execute(&store, duplicate).await.is_err());
    for _ in 0..2 {
        let queued = store
            .queue_resend(
                &maple,
                &email_job,
                "owner@maple.example",
                10,
                now() - Duration::hours(1),
                now(),
            )
            .await
            .unwrap();
        assert!(matches!(queued, ResendQueued::Queued(_)), "{queued:?}");
    }
    assert_eq!(db.count("SELECT COUNT(*) FROM outbox_jobs").await, 4);

    // The foreign keys still hold (and are on again): a merchant's removal
    // takes its jobs and their attempts.
    let remove = format!("DELETE FROM merchants WHERE id = '{maple}'");
    db.execute(&store, remove).await.unwrap();
    assert_eq!(db.count("SELECT COUNT(*) FROM outbox_jobs").await, 0);
    assert_eq!(db.count("SELECT COUNT(*) FROM delivery_attempts").await, 0);
}

async fn resends_are_limited_per_merchant_and_refused_once_contents_expired(db: &TestDb) {
    let store = db.store().await;
    let maple = merchant(&store, "Maple", "owner@maple.example").await;
    let birch = merchant(&store, "Birch", "owner@birch.example").await;
    let event = webhook(&store, &maple).await;
    db.execute(
        &store,
        job_sql("job_email", &maple, &event, "email", "ada@example.com"),
    )
    .await
    .unwrap();
    let job = JobId::from_string("job_email".to_owned());
    let resend = |merchant: MerchantId, at: chrono::DateTime<Utc>| {
        let (store, job) = (store.clone(), job.clone());
        async move {
            store
                .queue_resend(
                    &merchant,
                    &job,
                    "owner@maple.example",
                    2,
                    at - Duration::hours(1),
                    at,
                )
                .await
                .unwrap()
        }
    };
    // Another merchant's message is never copied.
    assert_eq!(resend(birch.clone(), now()).await, ResendQueued::Expired);
    assert!(matches!(
        resend(maple.clone(), now()).await,
        ResendQueued::Queued(_)
    ));
    assert!(matches!(
        resend(maple.clone(), now()).await,
        ResendQueued::Queued(_)
    ));
    assert_eq!(resend(maple.clone(), now()).await, ResendQueued::Limited);
    // Another merchant's resends do not count; an hour later they are free again.
    let later = now() + Duration::minutes(61);
    let resent = store.recent_resends(&maple, 10).await.unwrap();
    assert_eq!(resent.len(), 2);
    assert!(
        resent
            .iter()
            .all(|r| r.resend_of.as_deref() == Some("job_email")
                && r.resent_by.as_deref() == Some("owner@maple.example")
                && r.state == notify_core::JobState::Pending)
    );
    assert!(store.recent_resends(&birch, 10).await.unwrap().is_empty());

    // Contents emptied after the retention period: nothing to send again.
    db.execute(
        &store,
        "UPDATE outbox_jobs SET event = '{}' WHERE id = 'job_email'".to_owned(),
    )
    .await
    .unwrap();
    assert_eq!(resend(maple, later).await, ResendQueued::Expired);
}

tests_on_both_backends!(
    the_resend_migration_keeps_every_job_attempt_index_and_key,
    resends_are_limited_per_merchant_and_refused_once_contents_expired,
);
