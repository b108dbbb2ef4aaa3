//! What merchants read about failures names none of our internals: not the
//! SMS provider's URL (it carries the account id), not the server's files.

use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use reqwest::Method;
use serde_json::{Value, json};
use server::config::SmsConfig;

use crate::delivery::until;
use crate::harness::spawn_with;
use crate::webhooks::{post_to_new_events_endpoint, settled};

const SID: &str = "AC0123456789secretsid";

async fn the_delivery_log_shows_no_provider_url_or_server_path(db: &TestDb) {
    let port = notify_testkit::free_port().unwrap();
    // A sink "folder" inside a file: writing an email there fails.
    let file = tempfile::NamedTempFile::new().unwrap();
    let sink = file.path().join("outbox");
    let sink_path = sink.display().to_string();
    let app = spawn_with(db, move |c| {
        c.sms = Some(SmsConfig {
            api_base: url::Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap(),
            account_sid: SID.to_owned(),
            auth_token: notify_core::secret::Secret::new("sms-token-123"),
            from: "+14155550100".to_owned(),
            timeout: std::time::Duration::from_millis(500),
        });
        c.outbox_sink_dir = sink;
        c.delivery_retry = vec![chrono::Duration::seconds(60)];
    })
    .await;
    let body = serde_json::to_vec(&json!({
        "type": "order.status_changed", "source": "cto",
        "order": {"id": "o1", "status": "ready", "updated_at": "2026-03-14T10:00:00Z"},
        "customer": {"name": "Ada", "email": "ada@example.com", "phone": "+14155550134"}
    }))
    .unwrap();
    post_to_new_events_endpoint(&app, "msg_1", &body).await;
    settled(&app).await;
    let deliveries = until(&app, |d| {
        d.len() == 2 && d.iter().all(|m| m["last_error"].is_string())
    })
    .await;
    let mut shown: Vec<String> = Vec::new();
    for message in &deliveries {
        shown.push(message.to_string());
        let id = message["id"].as_str().unwrap();
        shown.push(
            app.get_json(&format!("/api/v1/deliveries/{id}"))
                .await
                .1
                .to_string(),
        );
        shown.push(
            app.send_json(Method::POST, "/api/deliveries/detail", json!({"id": id}))
                .await
                .1
                .to_string(),
        );
    }
    let (_, page_list) = app
        .send_json(Method::POST, "/api/deliveries/list", json!({"query": {}}))
        .await;
    shown.push(page_list.to_string());
    let errors: Vec<&Value> = deliveries.iter().map(|m| &m["last_error"]).collect();
    for text in &shown {
        for leak in ["127.0.0.1", SID, &port.to_string(), &sink_path, "http://"] {
            assert!(!text.contains(leak), "{leak} in {text}");
        }
    }
    // Stable at the source: nothing was left for the display-time redaction
    // (`[provider address]`, `[file]`) to hide.
    for e in &errors {
        let e = e.as_str().unwrap();
        assert!(
            !e.contains("[provider address]") && !e.contains("[file]"),
            "{e}"
        );
    }
    // The errors still say what failed, in words a merchant can use.
    assert!(
        errors
            .iter()
            .any(|e| e.as_str().unwrap().starts_with("SMS API:")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.as_str().unwrap().contains("sink folder")),
        "{errors:?}"
    );
}

tests_on_both_backends!(the_delivery_log_shows_no_provider_url_or_server_path);
