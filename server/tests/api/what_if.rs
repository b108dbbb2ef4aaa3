//! The what-if is correct by construction: a recorded history replayed
//! through the server's own processing, and the what-if over it (the page's
//! server function, computed with notify-core as the page does) for the
//! saved rules equals the messages the server actually queued: emails,
//! texts and SMS segments.

use notify_core::Settings;
use notify_core::what_if::{HistoryGroup, volume};
use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use reqwest::Method;
use serde_json::{Value, json};

use crate::delivery::until;
use crate::harness::{rule, spawn};
use crate::webhooks::{merchant_ids, merchant_with, post_signed_event, settled};

fn order(id: &str, status: &str, at: &str, email: Option<&str>, phone: Option<&str>) -> Vec<u8> {
    let long_name = "Alexandria Fitzgerald-Montgomery";
    serde_json::to_vec(&json!({
        "type": "order.status_changed", "source": "cto",
        "order": {"id": id, "number": format!("10{id}"), "status": status, "updated_at": at,
            "tracking": {"url": format!("https://tracking.example.com/parcels/{id}/{}", "x".repeat(60))}},
        "customer": {"name": long_name, "email": email, "phone": phone}
    }))
    .unwrap()
}

async fn the_what_if_for_the_saved_rules_equals_the_jobs_the_server_created(db: &TestDb) {
    let app = spawn(db).await;
    let (url, integration) = merchant_with(&app, "events", json!({})).await;
    let secret = integration["signing_secret"].as_str().unwrap().to_owned();
    // The saved rules: ready by email and text, delivered by email only,
    // cancelled switched off.
    let (_, current) = app.get_json("/api/v1/settings").await;
    let rules = vec![
        rule(("order", Some("cto"), "ready"), true, true, true),
        rule(("order", Some("cto"), "delivered"), true, true, false),
        rule(("order", Some("cto"), "cancelled"), false, true, true),
    ];
    let (status, _) = app
        .send_json(
            Method::PUT,
            "/api/v1/settings",
            json!({"version": current["version"], "rules": rules}),
        )
        .await;
    assert_eq!(status, 200);
    let store = db.store().await;
    let merchant = merchant_ids(&store).await.remove(0);
    store
        .set_sms_opt_out(&merchant, "+14155550177", "sms_reply", chrono::Utc::now())
        .await
        .unwrap();

    let t = |h: u32| format!("2026-03-14T{h:02}:00:00Z");
    let history: Vec<(&str, Vec<u8>)> = vec![
        // Both contacts; a second webhook of the same transition; a stale one.
        (
            "m1",
            order(
                "1",
                "ready",
                &t(10),
                Some("a@example.com"),
                Some("+14155550134"),
            ),
        ),
        (
            "m1-again",
            order(
                "1",
                "ready",
                &t(10),
                Some("a@example.com"),
                Some("+14155550134"),
            ),
        ),
        (
            "m1-deliv",
            order(
                "1",
                "delivered",
                &t(12),
                Some("a@example.com"),
                Some("+14155550134"),
            ),
        ),
        (
            "m1-stale",
            order(
                "1",
                "ready",
                &t(9),
                Some("a@example.com"),
                Some("+14155550134"),
            ),
        ),
        // Email only; phone only; a number that replied STOP.
        (
            "m2",
            order("2", "ready", &t(10), Some("b@example.com"), None),
        ),
        (
            "m3",
            order("3", "ready", &t(10), None, Some("+14155550135")),
        ),
        (
            "m4",
            order(
                "4",
                "ready",
                &t(10),
                Some("d@example.com"),
                Some("+14155550177"),
            ),
        ),
        // A rule switched off; a status without a rule.
        (
            "m5",
            order(
                "5",
                "cancelled",
                &t(10),
                Some("e@example.com"),
                Some("+14155550136"),
            ),
        ),
        (
            "m6",
            order(
                "6",
                "processing",
                &t(10),
                Some("f@example.com"),
                Some("+14155550137"),
            ),
        ),
    ];
    let now = chrono::Utc::now().timestamp();
    for (id, body) in &history {
        assert_eq!(post_signed_event(&url, &secret, id, now, body).await, 200);
    }
    settled(&app).await;
    // 4 emails (1 ready and delivered, 2, 4) and 2 texts (1, 3): the
    // repeated and stale webhooks, the number that replied STOP, the
    // switched-off rule and the status without one send nothing.
    let jobs = until(&app, |d| {
        d.len() == 6 && d.iter().all(|j| j["state"] == "sent")
    })
    .await;
    let count = |channel: &str| jobs.iter().filter(|j| j["channel"] == channel).count() as u32;
    let (emails, texts) = (count("email"), count("sms"));
    // The SMS the server queued, measured as the page measures them.
    let mut segments = 0;
    let sms_dir = app.sink.path().join("sms");
    for file in std::fs::read_dir(sms_dir).unwrap() {
        let json: Value =
            serde_json::from_slice(&std::fs::read(file.unwrap().path()).unwrap()).unwrap();
        segments += notify_core::sms::measure(json["body"].as_str().unwrap()).segments as u32;
    }
    assert_eq!((emails, texts), (4, 2), "{jobs:?}");
    assert!(segments > texts, "the long texts take two segments each");

    // The page's server function: the history, then notify-core's count.
    let response = app
        .client
        .post(format!("{}/api/settings/what-if-history", app.base))
        .header("Origin", &app.origin)
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let groups: Vec<HistoryGroup> = response.json().await.unwrap();
    let text = serde_json::to_string(&groups).unwrap();
    assert!(
        !text.contains("example.com") && !text.contains("+1415"),
        "{text}"
    );
    let (_, saved) = app.get_json("/api/v1/settings").await;
    let saved: Settings = serde_json::from_value(json!({"rules": saved["rules"]})).unwrap();
    let (total, _) = volume(&saved, &groups);
    assert_eq!(
        (total.emails, total.texts, total.sms_segments),
        (emails, texts, segments)
    );
}

tests_on_both_backends!(the_what_if_for_the_saved_rules_equals_the_jobs_the_server_created);
