//! Personal data expires: raw webhook bodies and message contents older
//! than the retention are purged on a schedule; what happened stays in the
//! event and delivery logs (work in progress is kept: store tests).

use std::time::Duration;

use notify_store::retention::Purged;
use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use serde_json::json;

use crate::delivery::until;
use crate::harness::spawn;
use crate::webhooks::{post_to_new_events_endpoint, settled};

const BODIES_KEPT: &str = "SELECT COUNT(*) FROM inbound_events WHERE body <> ''";
const CONTENTS_KEPT: &str = "SELECT COUNT(*) FROM outbox_jobs WHERE event <> '{}'";

async fn personal_data_past_its_retention_is_purged_and_the_logs_stay(db: &TestDb) {
    let app = spawn(db).await;
    let body = serde_json::to_vec(&json!({
        "type": "order.status_changed", "source": "cto",
        "order": {"id": "o1", "status": "ready", "updated_at": "2026-03-14T10:00:00Z"},
        "customer": {"name": "Ada Lovelace", "email": "ada@example.com"}
    }))
    .unwrap();
    post_to_new_events_endpoint(&app, "msg_1", &body).await;
    settled(&app).await;
    until(&app, |d| d.len() == 1 && d[0]["state"] == "sent").await;
    let store = db.store().await;

    // Within the retention nothing goes.
    let within = chrono::Utc::now() - chrono::Duration::days(30);
    assert_eq!(
        store.purge_personal_data(within).await.unwrap(),
        Purged::default()
    );
    assert_eq!(
        (db.count(BODIES_KEPT).await, db.count(CONTENTS_KEPT).await),
        (1, 1)
    );

    // Past it (here: a retention that ends a minute from now), the
    // scheduled purge empties both.
    let (trigger, shutdown) = server::shutdown::channel();
    let task = tokio::spawn(server::maintenance::purge_personal_data(
        store.clone(),
        chrono::Duration::minutes(-1),
        Duration::from_millis(50),
        shutdown,
    ));
    for _ in 0..100 {
        if db.count(BODIES_KEPT).await + db.count(CONTENTS_KEPT).await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    trigger.stop();
    task.await.unwrap();
    assert_eq!(
        (db.count(BODIES_KEPT).await, db.count(CONTENTS_KEPT).await),
        (0, 0)
    );

    // The logs still say what happened.
    let (_, events) = app.get_json("/api/v1/events").await;
    assert_eq!(events["events"][0]["outcome"], "jobs_created");
    assert_eq!(events["events"][0]["jobs_created"], 1);
    let sent = until(&app, |d| d.len() == 1).await;
    assert_eq!(sent[0]["state"], "sent");
}

tests_on_both_backends!(personal_data_past_its_retention_is_purged_and_the_logs_stay);
