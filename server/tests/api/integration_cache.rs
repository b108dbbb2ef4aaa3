//! The integrations behind webhook URLs are cached per replica
//! (`notify_store::INTEGRATION_CACHE_TTL`): a save on the replica is seen
//! at once, a save on another replica at once for a webhook that the
//! cached settings would refuse, and within the TTL for the rest.

use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{TestApp, spawn};
use crate::webhooks::{merchant_with, post_signed_event};

fn body() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "type": "invoice.status_changed",
        "invoice": {"id": "inv_7", "number": "INV-0007", "status": "closed", "updated_at": "2026-03-14T10:00:00Z"},
        "customer": {"name": "Ada Lovelace", "email": "ada@example.com"}
    }))
    .unwrap()
}

/// Saves the generic endpoint again: a new signing secret, the one before
/// it kept as the previous one.
async fn rotate(app: &TestApp) -> String {
    let (status, integration): (u16, Value) = app
        .send_json(Method::PUT, "/api/v1/integrations/events", json!({}))
        .await;
    assert_eq!(status, 200, "{integration}");
    integration["signing_secret"].as_str().unwrap().to_owned()
}

async fn post(url: &str, secret: &str, id: &str) -> u16 {
    post_signed_event(url, secret, id, chrono::Utc::now().timestamp(), &body()).await
}

async fn a_saved_secret_is_used_at_once_on_every_replica(db: &TestDb) {
    let (a, b) = (spawn(db).await, spawn(db).await);
    let (url_a, integration) = merchant_with(&a, "events", json!({})).await;
    let url_b = url_a.replace(&a.url(""), &b.url(""));
    let first = integration["signing_secret"].as_str().unwrap().to_owned();
    // Both replicas read (and keep) the integration.
    assert_eq!(post(&url_a, &first, "m1").await, 200);
    assert_eq!(post(&url_b, &first, "m2").await, 200);

    // Rotated twice on A: the first secret is neither current nor previous.
    let _second = rotate(&a).await;
    let third = rotate(&a).await;
    // A dropped its copy when saving: the first secret is refused at once.
    assert_eq!(post(&url_a, &first, "m3").await, 401);
    assert_eq!(post(&url_a, &third, "m4").await, 200);
    // B still holds the old settings, which refuse the new secret: it reads
    // them again before answering, and accepts.
    assert_eq!(post(&url_b, &third, "m5").await, 200);
    // ...and now refuses the first secret too.
    assert_eq!(post(&url_b, &first, "m6").await, 401);
}

async fn another_replicas_save_is_seen_within_the_ttl(db: &TestDb) {
    let (a, b) = (spawn(db).await, spawn(db).await);
    let (url_a, integration) = merchant_with(&a, "events", json!({})).await;
    let url_b = url_a.replace(&a.url(""), &b.url(""));
    let first = integration["signing_secret"].as_str().unwrap().to_owned();
    assert_eq!(post(&url_b, &first, "m1").await, 200);
    rotate(&a).await;
    rotate(&a).await;
    // B may accept the first secret from its copy until the TTL is over;
    // after it, B reads the integration again.
    tokio::time::sleep(notify_store::INTEGRATION_CACHE_TTL).await;
    assert_eq!(post(&url_b, &first, "m2").await, 401);
}

tests_on_both_backends!(
    a_saved_secret_is_used_at_once_on_every_replica,
    another_replicas_save_is_seen_within_the_ttl,
);
