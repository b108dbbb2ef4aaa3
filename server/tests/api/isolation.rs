//! With merchant A's session, B's data is out of reach: every route and
//! server function returns A's own data or nothing, and changes nothing of B's.

use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use reqwest::Method;
use serde_json::json;

use crate::harness::{rule, spawn};
use crate::webhooks::{merchant_named, post_signed_event, settled};

async fn one_merchant_cannot_see_or_touch_anothers_data(db: &TestDb) {
    let app = spawn(db).await;
    let b = app.new_browser();
    b.sign_up("Beta", "b@beta.example").await;
    let b_rules = json!([rule(("invoice", None, "closed"), true, true, true)]);
    b.send_json(
        Method::PUT,
        "/api/v1/settings",
        json!({"version": 0, "rules": b_rules}),
    )
    .await;
    let (_, b_key) = b
        .send_json(Method::POST, "/api/v1/api-keys", json!({"name": "b-key"}))
        .await;
    let b_key_id = b_key["id"].as_str().unwrap().to_owned();
    let (_, b_integration) = b
        .send_json(
            Method::PUT,
            "/api/v1/integrations/woocommerce",
            json!({"webhook_secret": "beta-webhook-secret"}),
        )
        .await;

    let a = app.new_browser();
    a.sign_up("Alpha", "a@alpha.example").await;
    // Reads show only A's (empty) data.
    assert_eq!(
        a.get_json("/api/v1/settings").await.1,
        json!({"version": 0, "rules": []})
    );
    assert_eq!(a.get_json("/api/v1/audit").await.1["entries"], json!([]));
    assert_eq!(
        a.get_json("/api/v1/api-keys").await.1["api_keys"],
        json!([])
    );
    assert_eq!(
        a.get_json("/api/v1/integrations").await.1["integrations"],
        json!([])
    );
    assert_eq!(
        a.send_json(Method::POST, "/api/settings/load", json!({}))
            .await
            .1["settings"]["rules"],
        json!([])
    );
    // B's ids get nothing.
    assert_eq!(
        a.call(Method::DELETE, &format!("/api/v1/api-keys/{b_key_id}"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // A writing its own settings at B's version number touches only A's.
    let (status, _) = a
        .send_json(
            Method::PUT,
            "/api/v1/settings",
            json!({"version": 1, "rules": []}),
        )
        .await;
    assert_eq!(status, 409);
    // A's integration gets its own endpoint, not B's.
    let (_, a_integration) = a
        .send_json(
            Method::PUT,
            "/api/v1/integrations/woocommerce",
            json!({"webhook_secret": "alpha-webhook-secret"}),
        )
        .await;
    assert_ne!(a_integration["endpoint_id"], b_integration["endpoint_id"]);

    // B's data is as B left it.
    assert_eq!(
        b.get_json("/api/v1/settings").await.1,
        json!({"version": 1, "rules": b_rules})
    );
    assert_eq!(
        b.get_json("/api/v1/api-keys").await.1["api_keys"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let b_list = b.get_json("/api/v1/integrations").await.1;
    assert_eq!(
        b_list["integrations"][0]["endpoint_id"],
        b_integration["endpoint_id"]
    );
}

/// Another merchant's message is "not found" on its page and in the API,
/// as every other foreign id is (not an empty list of attempts).
async fn another_merchants_message_is_not_found(db: &TestDb) {
    let app = spawn(db).await;
    let b = app.new_browser();
    let (url, integration) =
        merchant_named(&b, "Beta", "b@beta.example", "events", json!({})).await;
    let body = serde_json::to_vec(&json!({
        "type": "order.status_changed", "source": "cto",
        "order": {"id": "o1", "status": "ready", "updated_at": "2026-03-14T10:00:00Z"},
        "customer": {"name": "Ada", "email": "ada@example.com"}
    }))
    .unwrap();
    let secret = integration["signing_secret"].as_str().unwrap();
    let now = chrono::Utc::now().timestamp();
    assert_eq!(
        post_signed_event(&url, secret, "msg_1", now, &body).await,
        200
    );
    settled(&b).await;
    let (_, log) = b.get_json("/api/v1/deliveries").await;
    let job = log["deliveries"][0]["id"].as_str().unwrap().to_owned();
    let api = format!("/api/v1/deliveries/{job}");
    let page = format!("/deliveries/{job}");
    assert_eq!(b.get_json(&api).await.0, 200);
    assert_eq!(
        b.call(Method::GET, &page).send().await.unwrap().status(),
        200
    );

    let a = app.new_browser();
    a.sign_up("Alpha", "a@alpha.example").await;
    let (status, answer) = a.get_json(&api).await;
    assert_eq!(status, 404, "{answer}");
    let r = a.call(Method::GET, &page).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("There is no such message.")
    );
    let (status, detail) = a
        .send_json(Method::POST, "/api/deliveries/detail", json!({"id": job}))
        .await;
    assert_eq!((status, detail), (200, json!(null)));
}

tests_on_both_backends!(
    one_merchant_cannot_see_or_touch_anothers_data,
    another_merchants_message_is_not_found,
);
