//! The store against both backends: the same tests run on a temporary SQLite
//! file and on a fresh PostgreSQL database.

use chrono::{Duration, TimeZone as _, Utc};
use notify_core::{
    EmailAddress, InvoiceStatus, MerchantName, OrderSource, OrderStatus, Rule, Settings,
    SettingsVersion, Toggles, Trigger,
};
use notify_ingest::platforms::{events, shopify, woocommerce};
use notify_ingest::settings::{IntegrationConfig, IntegrationForm};
use notify_store::accounts::{HashPassword, NewMerchant, Password, Role, TimeZone};
use notify_store::integrations::Platform;
use notify_store::login_throttle::Limit;
use notify_store::settings::SaveOutcome;
use notify_store::testing::TestDb;
use notify_store::{Store, StoreError, tests_on_both_backends};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
}

fn email(s: &str) -> EmailAddress {
    EmailAddress::parse(s).unwrap()
}

async fn merchant(
    store: &Store,
    name: &str,
    admin: &str,
) -> (
    notify_store::accounts::Merchant,
    notify_store::accounts::User,
) {
    let new = NewMerchant {
        store_name: MerchantName::parse(name).unwrap(),
        time_zone: TimeZone::parse("America/New_York").unwrap(),
        sender_name: MerchantName::parse(name).unwrap(),
        sender_email: email(admin),
    };
    // A fast digest is fine here; hashing is tested on its own.
    let digest = Password::parse("correct horse battery")
        .unwrap()
        .hash()
        .unwrap();
    store
        .create_merchant(&new, &email(admin), digest, now())
        .await
        .unwrap()
}

const SHOPIFY_DELIVERED: Trigger = Trigger::Order {
    source: OrderSource::Shopify,
    status: OrderStatus::Delivered,
};
const INVOICE_CLOSED: Trigger = Trigger::Invoice {
    status: InvoiceStatus::Closed,
};

fn rules(list: &[(Trigger, bool, bool, bool)]) -> Settings {
    Settings::new(
        list.iter()
            .map(|&(t, active, email, sms)| Rule::new(t, Toggles { active, email, sms })),
    )
    .unwrap()
}

async fn sign_up_creates_a_merchant_and_its_admin(db: &TestDb) {
    let store = db.store().await;
    let (m, admin) = merchant(&store, "Maple & Co", "Owner@Maple.example").await;
    assert_eq!(admin.role, Role::Admin);
    let loaded = store.merchant(&m.id).await.unwrap();
    assert_eq!(loaded.store_name.as_str(), "Maple & Co");
    assert_eq!(loaded.time_zone.name(), "America/New_York");
    // Emails are unique whatever their case.
    let found = store
        .user_by_email(&email("owner@maple.example"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, admin.id);
    assert!(found.password.verify("correct horse battery"));
    assert!(!found.password.verify("wrong horse battery"));
    let again = NewMerchant {
        store_name: MerchantName::parse("Other").unwrap(),
        time_zone: TimeZone::parse("UTC").unwrap(),
        sender_name: MerchantName::parse("Other").unwrap(),
        sender_email: email("x@other.example"),
    };
    let digest = Password::parse("another long password")
        .unwrap()
        .hash()
        .unwrap();
    let dup = store
        .create_merchant(&again, &email("OWNER@maple.example"), digest, now())
        .await;
    assert!(matches!(dup, Err(StoreError::AlreadyExists(_))), "{dup:?}");
    // A merchant can have several users.
    let digest = Password::parse("staff password 1").unwrap().hash().unwrap();
    store
        .add_user(
            &m.id,
            &email("staff@maple.example"),
            digest,
            Role::Staff,
            now(),
        )
        .await
        .unwrap();
    assert_eq!(store.users(&m.id).await.unwrap().len(), 2);
}

async fn sessions_expire_and_end(db: &TestDb) {
    let store = db.store().await;
    let (m, admin) = merchant(&store, "Maple", "a@maple.example").await;
    let token = store
        .create_session(&admin, now(), Duration::hours(1))
        .await
        .unwrap();
    let p = store
        .session_principal(&token, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.merchant_id, m.id);
    assert_eq!(p.actor, "a@maple.example");
    assert!(
        store
            .session_principal(&token, now() + Duration::hours(2))
            .await
            .unwrap()
            .is_none()
    );
    store.delete_session(&token).await.unwrap();
    assert!(
        store
            .session_principal(&token, now())
            .await
            .unwrap()
            .is_none()
    );
    let forged = notify_store::sessions::SessionToken::from_cookie("forged");
    assert!(
        store
            .session_principal(&forged, now())
            .await
            .unwrap()
            .is_none()
    );
}

async fn settings_survive_a_restart(db: &TestDb) {
    let store = db.store().await;
    let (m, _) = merchant(&store, "Maple", "a@maple.example").await;
    let empty = store.load_settings(&m.id).await.unwrap();
    assert_eq!(empty.version, 0);
    assert!(empty.settings.is_empty());
    let wanted = rules(&[
        (SHOPIFY_DELIVERED, true, true, false),
        (INVOICE_CLOSED, false, false, true),
    ]);
    let outcome = store
        .save_settings(&m.id, "a@maple.example", SettingsVersion(0), &wanted, now())
        .await
        .unwrap();
    assert!(
        matches!(
            outcome,
            SaveOutcome::Saved {
                version: SettingsVersion(1),
                ..
            }
        ),
        "{outcome:?}"
    );
    store.close().await;
    drop(store);
    let reopened = db.store().await;
    let loaded = reopened.load_settings(&m.id).await.unwrap();
    assert_eq!(loaded.version, 1);
    assert_eq!(loaded.settings, wanted);
}

async fn a_stale_save_conflicts_and_changes_nothing(db: &TestDb) {
    let store = db.store().await;
    let (m, _) = merchant(&store, "Maple", "a@maple.example").await;
    let first = rules(&[(SHOPIFY_DELIVERED, true, true, false)]);
    store
        .save_settings(
            &m.id,
            "alice@maple.example",
            SettingsVersion(0),
            &first,
            now(),
        )
        .await
        .unwrap();
    // Bob edited from version 0 too.
    let bobs = rules(&[(INVOICE_CLOSED, true, true, true)]);
    let outcome = store
        .save_settings(&m.id, "bob@maple.example", SettingsVersion(0), &bobs, now())
        .await
        .unwrap();
    let SaveOutcome::Conflict {
        current_version,
        changes_since,
    } = outcome
    else {
        panic!("expected a conflict, got {outcome:?}");
    };
    assert_eq!(current_version, 1);
    assert_eq!(changes_since.len(), 1);
    assert_eq!(changes_since[0].actor, "alice@maple.example");
    assert_eq!(
        changes_since[0].changes[0].describe(),
        "Shopify · Delivered: rule added (active, Email)"
    );
    let loaded = store.load_settings(&m.id).await.unwrap();
    assert_eq!(
        (loaded.version, loaded.settings),
        (SettingsVersion(1), first)
    );
    assert_eq!(store.audit_entries(&m.id, 50, None).await.unwrap().len(), 1);
}

async fn concurrent_saves_from_one_version_let_exactly_one_win(db: &TestDb) {
    let store = db.store().await;
    let (m, _) = merchant(&store, "Maple", "a@maple.example").await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let (store, id) = (store.clone(), m.id.clone());
        tasks.push(tokio::spawn(async move {
            let s = rules(&[
                (SHOPIFY_DELIVERED, true, i % 2 == 0, i % 2 == 1),
                (INVOICE_CLOSED, i < 4, true, false),
            ]);
            store
                .save_settings(&id, &format!("user{i}"), SettingsVersion(0), &s, now())
                .await
                .unwrap()
        }));
    }
    let mut saved = 0;
    for t in tasks {
        match t.await.unwrap() {
            SaveOutcome::Saved { version, .. } => {
                saved += 1;
                assert_eq!(version, 1);
            }
            SaveOutcome::Conflict {
                current_version, ..
            } => assert_eq!(current_version, 1),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(saved, 1);
    assert_eq!(store.audit_entries(&m.id, 50, None).await.unwrap().len(), 1);
}

async fn audit_entries_record_who_when_and_what(db: &TestDb) {
    let store = db.store().await;
    let (m, _) = merchant(&store, "Maple", "a@maple.example").await;
    let v1 = rules(&[(SHOPIFY_DELIVERED, true, true, false)]);
    let v2 = rules(&[
        (SHOPIFY_DELIVERED, false, true, true),
        (INVOICE_CLOSED, true, false, true),
    ]);
    store
        .save_settings(&m.id, "alice@maple.example", SettingsVersion(0), &v1, now())
        .await
        .unwrap();
    let later = now() + Duration::minutes(5);
    store
        .save_settings(&m.id, "API key ci", SettingsVersion(1), &v2, later)
        .await
        .unwrap();
    // Saving the same rules again records nothing.
    let same = store
        .save_settings(&m.id, "bob@maple.example", SettingsVersion(2), &v2, later)
        .await
        .unwrap();
    assert_eq!(
        same,
        SaveOutcome::Unchanged {
            version: SettingsVersion(2)
        }
    );
    let entries = store.audit_entries(&m.id, 50, None).await.unwrap();
    let summary: Vec<(i64, &str, chrono::DateTime<Utc>, Vec<String>)> = entries
        .iter()
        .map(|e| {
            (
                e.version.get(),
                e.actor.as_str(),
                e.at,
                e.changes.iter().map(|c| c.describe()).collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                2,
                "API key ci",
                later,
                vec![
                    "Shopify · Delivered: Active on → off, SMS off → on".to_owned(),
                    "Invoice · Closed: rule added (active, SMS)".to_owned()
                ]
            ),
            (
                1,
                "alice@maple.example",
                now(),
                vec!["Shopify · Delivered: rule added (active, Email)".to_owned()]
            ),
        ]
    );
    // Paging backwards.
    let older = store
        .audit_entries(&m.id, 1, Some(SettingsVersion(2)))
        .await
        .unwrap();
    assert_eq!(older.len(), 1);
    assert_eq!(older[0].version, 1);
}

async fn merchants_never_see_each_others_data(db: &TestDb) {
    let store = db.store().await;
    let (a, _) = merchant(&store, "Alpha", "a@alpha.example").await;
    let (b, _) = merchant(&store, "Beta", "b@beta.example").await;
    store
        .save_settings(
            &b.id,
            "b@beta.example",
            SettingsVersion(0),
            &rules(&[(INVOICE_CLOSED, true, true, true)]),
            now(),
        )
        .await
        .unwrap();
    assert!(
        store
            .load_settings(&a.id)
            .await
            .unwrap()
            .settings
            .is_empty()
    );
    let (b_key, b_secret) = store
        .create_api_key(&b.id, "b", "b@beta.example", now())
        .await
        .unwrap();
    // A cannot revoke B's key, nor list it.
    assert!(!store.revoke_api_key(&a.id, &b_key.id, now()).await.unwrap());
    assert!(store.api_keys(&a.id).await.unwrap().is_empty());
    assert_eq!(
        store
            .api_key_principal(b_secret.expose())
            .await
            .unwrap()
            .unwrap()
            .merchant_id,
        b.id
    );
    store
        .put_integration(
            &b.id,
            &config(
                woocommerce::PLATFORM,
                &[("webhook_secret", "b-secret-value")],
            ),
            now(),
        )
        .await
        .unwrap();
    assert!(store.integrations(&a.id).await.unwrap().is_empty());
    assert!(
        store
            .integration(&a.id, woocommerce::PLATFORM)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .audit_entries(&a.id, 50, None)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn api_keys_are_shown_once_and_revocable(db: &TestDb) {
    let store = db.store().await;
    let (m, _) = merchant(&store, "Maple", "a@maple.example").await;
    let (info, key) = store
        .create_api_key(&m.id, "Zapier", "a@maple.example", now())
        .await
        .unwrap();
    assert!(key.expose().starts_with("cnk_"));
    assert!(info.hint.ends_with(&key.expose()[key.expose().len() - 4..]));
    let p = store
        .api_key_principal(key.expose())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (p.merchant_id.clone(), p.user_id.clone(), p.actor.as_str()),
        (m.id.clone(), None, "API key Zapier")
    );
    assert_eq!(store.api_keys(&m.id).await.unwrap().len(), 1);
    assert!(store.revoke_api_key(&m.id, &info.id, now()).await.unwrap());
    assert!(
        store
            .api_key_principal(key.expose())
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.api_keys(&m.id).await.unwrap().is_empty());
    assert!(
        store
            .api_key_principal("cnk_guess")
            .await
            .unwrap()
            .is_none()
    );
}

async fn integrations_keep_their_endpoint_and_mask_secrets(db: &TestDb) {
    let store = db.store().await;
    let (m, _) = merchant(&store, "Maple", "a@maple.example").await;
    let first = config(
        shopify::PLATFORM,
        &[("client_secret", "shpss_first_secret_value_0001")],
    );
    let created = store.put_integration(&m.id, &first, now()).await.unwrap();
    let rotated = config(
        shopify::PLATFORM,
        &[
            ("client_secret", "shpss_second_secret_value_0002"),
            ("previous_client_secret", "shpss_first_secret_value_0001"),
        ],
    );
    let updated = store
        .put_integration(&m.id, &rotated, now() + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(created.endpoint_id, updated.endpoint_id);
    assert_eq!(updated.config, rotated);
    assert_eq!(updated.created_at, now());
    let masked = updated.config.masked().to_string();
    assert!(!masked.contains("second_secret"), "{masked}");
    assert!(masked.contains("0002"));
    // By form field, for the Integrations page: the current and the rotated-out secret.
    let fields = updated.config.masked_fields();
    let names: Vec<_> = fields.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, ["client_secret", "previous_client_secret"]);
    assert!(fields[0].1.contains("0002") && !fields[0].1.contains("second_secret"));
    assert!(fields[1].1.contains("0001") && !fields[1].1.contains("first_secret"));
    let found = store
        .integration_by_endpoint(shopify::PLATFORM, created.endpoint_id.as_str())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.merchant_id, m.id);
    assert!(
        store
            .integration_by_endpoint(woocommerce::PLATFORM, created.endpoint_id.as_str())
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .integration_by_endpoint(shopify::PLATFORM, "ep_unknown")
            .await
            .unwrap()
            .is_none()
    );
}

/// Settings as the merchant would type them.
fn config(platform: Platform, typed: &[(&str, &str)]) -> IntegrationConfig {
    platform
        .validate(&IntegrationForm::new(typed.iter().copied()), None, [0; 32])
        .unwrap()
        .config
}

fn limits(account_max: i64, ip_max: i64) -> Vec<Limit> {
    vec![
        Limit {
            key: "account:a@x.example".to_owned(),
            max: account_max,
        },
        Limit {
            key: "ip:127.0.0.1".to_owned(),
            max: ip_max,
        },
    ]
}

async fn attempts_are_counted_per_key_up_to_each_limit(db: &TestDb) {
    let store = db.store().await;
    let since = now() - Duration::minutes(15);
    let mut counted = Vec::new();
    for i in 0..3 {
        counted.push(
            store
                .count_attempt(&limits(3, 30), since, now() + Duration::seconds(i))
                .await
                .unwrap()
                .expect("under both limits"),
        );
    }
    // The account's limit is reached: refused, and nothing more is counted.
    assert!(
        store
            .count_attempt(&limits(3, 30), since, now())
            .await
            .unwrap()
            .is_none()
    );
    let count = |key: &'static str, since| {
        let store = store.clone();
        async move { store.attempts_since(key, since).await.unwrap() }
    };
    assert_eq!(count("account:a@x.example", since).await, 3);
    assert_eq!(count("ip:127.0.0.1", since).await, 3);
    assert_eq!(count("ip:127.0.0.1", now() + Duration::seconds(1)).await, 1);
    // An attempt taken back no longer counts under any key.
    store.uncount_attempt(&counted[0]).await.unwrap();
    assert_eq!(count("account:a@x.example", since).await, 2);
    assert_eq!(count("ip:127.0.0.1", since).await, 2);
    store
        .clear_login_failures("account:a@x.example", now() - Duration::days(1))
        .await
        .unwrap();
    assert_eq!(count("account:a@x.example", since).await, 0);
    assert_eq!(count("ip:127.0.0.1", since).await, 2);
}

/// Check and count are one step: of 50 attempts at once against a limit
/// of 5, exactly 5 are counted.
async fn concurrent_attempts_cannot_pass_a_limit_together(db: &TestDb) {
    let store = db.store().await;
    let since = now() - Duration::minutes(15);
    let attempts = (0..50).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { store.count_attempt(&limits(5, 30), since, now()).await })
    });
    let mut admitted = 0;
    for attempt in attempts {
        if attempt.await.unwrap().unwrap().is_some() {
            admitted += 1;
        }
    }
    assert_eq!(admitted, 5);
    assert_eq!(
        store.attempts_since("ip:127.0.0.1", since).await.unwrap(),
        5
    );
}

/// Old webhooks that are finished lose their bodies; old ones still in
/// progress (pending, retrying) keep them, as do recent ones.
async fn only_finished_webhooks_past_the_cutoff_lose_their_bodies(db: &TestDb) {
    use notify_store::inbound::{Inserted, NewInboundEvent, Outcome};
    use notify_store::retention::Purged;
    let store = db.store().await;
    let (maple, _) = merchant(&store, "Maple", "owner@maple.example").await;
    let event = |key: &str| NewInboundEvent {
        merchant_id: maple.id.clone(),
        platform: events::PLATFORM,
        dedupe_key: key.to_owned(),
        topic: "order.status_changed".to_owned(),
        delivery_id: None,
        body: "{\"customer\": \"Ada\"}".to_owned(),
        triggered_at: None,
    };
    let old = now() - Duration::days(40);
    let mut ids = Vec::new();
    for (key, at) in [
        ("done", old),
        ("failing", old),
        ("pending", old),
        ("recent", now()),
    ] {
        let Inserted::Stored(id) = store
            .insert_inbound_events(&[event(key)], at)
            .await
            .unwrap()[0]
            .clone()
        else {
            panic!("stored");
        };
        ids.push(id);
    }
    store
        .finish_inbound_event(&ids[0], Outcome::NoRule, "no rule", old)
        .await
        .unwrap();
    store
        .fail_inbound_event(&ids[1], "later", Some(now() + Duration::hours(1)), old)
        .await
        .unwrap();
    store
        .finish_inbound_event(&ids[3], Outcome::NoRule, "no rule", now())
        .await
        .unwrap();
    let purged = store
        .purge_personal_data(now() - Duration::days(30))
        .await
        .unwrap();
    assert_eq!(
        purged,
        Purged {
            webhook_bodies: 1,
            message_contents: 0
        }
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM inbound_events WHERE body = ''")
            .await,
        1
    );
    // Again: nothing more to do.
    assert_eq!(
        store
            .purge_personal_data(now() - Duration::days(30))
            .await
            .unwrap(),
        Purged::default()
    );
}

/// A processed webhook keeps what it meant, so the page can preview a
/// message on the merchant's latest real order for a trigger: the newest
/// one, of that merchant only, within the window, until purged.
async fn the_latest_real_event_of_a_trigger_is_kept_until_purged(db: &TestDb) {
    use notify_core::Document;
    use notify_core::event::DocumentNumber;
    use notify_core::sample::{SampleContacts, sample_event};
    use notify_store::MerchantId;
    use notify_store::inbound::{Inserted, NewInboundEvent};
    use notify_store::outbox::Decided;
    let store = db.store().await;
    let (maple, _) = merchant(&store, "Maple", "owner@maple.example").await;
    let (birch, _) = merchant(&store, "Birch", "owner@birch.example").await;
    let ready = Trigger::Order {
        source: OrderSource::Cto,
        status: OrderStatus::Ready,
    };
    let received = |merchant: &MerchantId, key: &str| NewInboundEvent {
        merchant_id: merchant.clone(),
        platform: events::PLATFORM,
        dedupe_key: key.to_owned(),
        topic: "order.status_changed".to_owned(),
        delivery_id: None,
        body: "{}".to_owned(),
        triggered_at: None,
    };
    let old = now() - Duration::days(40);
    for (merchant, key, number, at) in [
        (&maple.id, "a", "1001", old),
        (&maple.id, "b", "1002", now() - Duration::hours(2)),
        (&maple.id, "c", "1003", now() - Duration::hours(1)),
        (&birch.id, "d", "9009", now()),
    ] {
        let Inserted::Stored(id) = store
            .insert_inbound_events(&[received(merchant, key)], at)
            .await
            .unwrap()[0]
            .clone()
        else {
            panic!("stored");
        };
        let mut event = sample_event(ready, SampleContacts::ALL);
        if let Document::Order {
            number: n, id: doc, ..
        } = &mut event.document
        {
            *n = DocumentNumber::parse(number).unwrap();
            *doc = notify_core::event::ExternalId::parse(number).unwrap();
        }
        let decided = Decided {
            inbound_id: &id,
            merchant_id: merchant,
            event: &event,
            deliveries: &[],
            silent_detail: "no rule",
            decisions: &[],
            lacks: "",
        };
        store.apply_decisions(&[decided], at).await.unwrap();
    }
    let since = now() - Duration::days(30);
    let number = |e: Option<notify_core::TransactionEvent>| {
        e.map(|e| e.document.number().as_str().to_owned())
    };
    let latest = store
        .latest_event_for_trigger(&maple.id, &ready.key(), since)
        .await
        .unwrap();
    assert_eq!(number(latest.clone()), Some("1003".to_owned()));
    // The order's details are kept with it (the preview shows them).
    assert!(!latest.unwrap().details.items.is_empty());
    let delivered = Trigger::Order {
        source: OrderSource::Cto,
        status: OrderStatus::Delivered,
    };
    assert_eq!(
        store
            .latest_event_for_trigger(&maple.id, &delivered.key(), since)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        number(
            store
                .latest_event_for_trigger(&birch.id, &ready.key(), since)
                .await
                .unwrap()
        ),
        Some("9009".to_owned())
    );
    // Outside the window: not offered.
    assert_eq!(
        number(
            store
                .latest_event_for_trigger(&maple.id, &ready.key(), now() - Duration::minutes(30))
                .await
                .unwrap()
        ),
        None
    );
    // Purged with the bodies once past the retention period.
    store
        .purge_personal_data(now() - Duration::minutes(90))
        .await
        .unwrap();
    assert_eq!(
        number(
            store
                .latest_event_for_trigger(&maple.id, &ready.key(), since)
                .await
                .unwrap()
        ),
        Some("1003".to_owned())
    );
    store.purge_personal_data(now()).await.unwrap();
    assert_eq!(
        store
            .latest_event_for_trigger(&maple.id, &ready.key(), since)
            .await
            .unwrap(),
        None
    );
}

async fn expired_sessions_are_purged_and_live_ones_kept(db: &TestDb) {
    let store = db.store().await;
    let (_, admin) = merchant(&store, "Maple", "a@maple.example").await;
    let old = store
        .create_session(&admin, now() - Duration::hours(3), Duration::hours(1))
        .await
        .unwrap();
    let live = store
        .create_session(&admin, now(), Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(store.purge_expired_sessions(now()).await.unwrap(), 1);
    assert_eq!(store.purge_expired_sessions(now()).await.unwrap(), 0);
    assert!(
        store
            .session_principal(&old, now() - Duration::hours(3))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .session_principal(&live, now())
            .await
            .unwrap()
            .is_some()
    );
}

async fn the_newest_webhook_of_each_platform_is_found_in_one_query(db: &TestDb) {
    use notify_store::inbound::NewInboundEvent;
    let store = db.store().await;
    let (maple, _) = merchant(&store, "Maple", "owner@maple.example").await;
    let (birch, _) = merchant(&store, "Birch", "owner@birch.example").await;
    let event = |merchant: &notify_store::accounts::Merchant, platform, key: &str, topic: &str| {
        NewInboundEvent {
            merchant_id: merchant.id.clone(),
            platform,
            dedupe_key: key.to_owned(),
            topic: topic.to_owned(),
            delivery_id: None,
            body: "{}".to_owned(),
            triggered_at: None,
        }
    };
    assert!(
        store
            .latest_event_by_platform(&maple.id)
            .await
            .unwrap()
            .is_empty()
    );
    for (minutes, e) in [
        (0, event(&maple, shopify::PLATFORM, "a", "orders/create")),
        (1, event(&maple, shopify::PLATFORM, "b", "orders/fulfilled")),
        (
            2,
            event(&maple, events::PLATFORM, "c", "order.status_changed"),
        ),
        (3, event(&birch, shopify::PLATFORM, "d", "orders/cancelled")),
    ] {
        store
            .insert_inbound_events(&[e], now() + Duration::minutes(minutes))
            .await
            .unwrap();
    }
    let latest = store.latest_event_by_platform(&maple.id).await.unwrap();
    let seen: Vec<_> = latest
        .iter()
        .map(|e| (e.platform, e.topic.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (events::PLATFORM, "order.status_changed"),
            (shopify::PLATFORM, "orders/fulfilled")
        ]
    );
}

/// A batch is stored in key order (so replicas never deadlock), but each
/// answer stays at its request's position.
async fn batch_answers_keep_their_positions(db: &TestDb) {
    use notify_store::inbound::{Inserted, NewInboundEvent};
    let store = db.store().await;
    let (m, _) = merchant(&store, "Maple", "owner@maple.example").await;
    let event = |key: &str| NewInboundEvent {
        merchant_id: m.id.clone(),
        platform: events::PLATFORM,
        dedupe_key: key.to_owned(),
        topic: format!("topic-{key}"),
        delivery_id: None,
        body: "{}".to_owned(),
        triggered_at: None,
    };
    let answers = store
        .insert_inbound_events(&[event("b"), event("a"), event("b"), event("c")], now())
        .await
        .unwrap();
    let stored: Vec<bool> = answers
        .iter()
        .map(|a| matches!(a, Inserted::Stored(_)))
        .collect();
    assert_eq!(stored, [true, true, false, true]);
    let again = store
        .insert_inbound_events(&[event("d"), event("a")], now())
        .await
        .unwrap();
    assert!(matches!(
        again[..],
        [Inserted::Stored(_), Inserted::Duplicate]
    ));
}

tests_on_both_backends!(
    the_latest_real_event_of_a_trigger_is_kept_until_purged,
    batch_answers_keep_their_positions,
    the_newest_webhook_of_each_platform_is_found_in_one_query,
    expired_sessions_are_purged_and_live_ones_kept,
    sign_up_creates_a_merchant_and_its_admin,
    sessions_expire_and_end,
    settings_survive_a_restart,
    a_stale_save_conflicts_and_changes_nothing,
    concurrent_saves_from_one_version_let_exactly_one_win,
    audit_entries_record_who_when_and_what,
    merchants_never_see_each_others_data,
    api_keys_are_shown_once_and_revocable,
    integrations_keep_their_endpoint_and_mask_secrets,
    attempts_are_counted_per_key_up_to_each_limit,
    concurrent_attempts_cannot_pass_a_limit_together,
    only_finished_webhooks_past_the_cutoff_lose_their_bodies,
);
