//! Webhooks through real HTTP: verified, stored once, processed into outbox
//! jobs; rejected requests store nothing.

use std::time::Duration;

use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use notify_testkit::webhooks::{body_hmac, decode_secret, standard_signed};
use reqwest::Method;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::harness::{TestApp, rule, spawn, spawn_with};

pub(crate) const SHOPIFY_SECRET: &str = "shpss_test_secret_current";
const WOO_SECRET: &[u8] = b"woo-secret-123";
const BC_HOOK_SECRET: &str = "hook-secret-123";

/// A merchant with rules for every Shopify, WooCommerce and BigCommerce
/// status on both channels, plus invoices; returns the webhook URL for `platform`.
pub(crate) async fn merchant_with(app: &TestApp, platform: &str, body: Value) -> (String, Value) {
    merchant_named(app, "Maple", "owner@maple.example", platform, body).await
}

/// Like [`merchant_with`] for another store; `app` should be a fresh browser.
pub(crate) async fn merchant_named(
    app: &TestApp,
    store: &str,
    email: &str,
    platform: &str,
    body: Value,
) -> (String, Value) {
    app.sign_up(store, email).await;
    let mut rules = Vec::new();
    for source in ["shopify", "woocommerce", "bigcommerce", "cto"] {
        for status in notify_core::OrderStatus::ALL.map(notify_core::OrderStatus::slug) {
            rules.push(rule(("order", Some(source), status), true, true, true));
        }
    }
    rules.push(rule(("invoice", None, "closed"), true, true, false));
    let (status, _) = app
        .send_json(
            Method::PUT,
            "/api/v1/settings",
            json!({"version": 0, "rules": rules}),
        )
        .await;
    assert_eq!(status, 200);
    // Texts go at any hour in these tests.
    let quiet = json!({"enabled": false, "start": "21:00", "end": "08:00"});
    assert_eq!(
        app.send_json(Method::PUT, "/api/v1/quiet-hours", quiet)
            .await
            .0,
        200
    );
    let (status, integration) = app
        .send_json(
            Method::PUT,
            &format!("/api/v1/integrations/{platform}"),
            body,
        )
        .await;
    assert_eq!(status, 200, "{integration}");
    (
        integration["webhook_url"].as_str().unwrap().to_owned(),
        integration,
    )
}

fn shopify_order(status_fields: Value, updated_at: &str) -> Vec<u8> {
    let mut order = json!({
        "id": 450789469, "name": "#1001", "email": "bob@example.com", "phone": "+14155550134",
        "updated_at": updated_at, "financial_status": "paid", "fulfillment_status": null, "cancelled_at": null,
        "customer": {"first_name": "Bob", "last_name": "Norman"}, "fulfillments": [], "refunds": []
    });
    for (k, v) in status_fields.as_object().unwrap() {
        order[k] = v.clone();
    }
    serde_json::to_vec(&order).unwrap()
}

fn delivered() -> Value {
    json!({"fulfillment_status": "fulfilled", "fulfillments": [{"status": "success", "shipment_status": "delivered"}]})
}

pub(crate) async fn post_shopify(
    url: &str,
    topic: &str,
    event_id: &str,
    body: &[u8],
    secret: &str,
) -> u16 {
    let signature = body_hmac(secret.as_bytes(), body);
    let request = reqwest::Client::new()
        .post(url)
        .header("X-Shopify-Topic", topic)
        .header("X-Shopify-Hmac-Sha256", signature)
        .header("X-Shopify-Event-Id", event_id)
        .header("X-Shopify-Webhook-Id", format!("wh-{event_id}-{topic}"))
        .header("X-Shopify-Triggered-At", "2026-03-14T15:00:00Z")
        .header("Content-Type", "application/json")
        .body(body.to_vec());
    status_of(request).await
}

/// Sends `request`; its answer's status.
async fn status_of(request: reqwest::RequestBuilder) -> u16 {
    request.send().await.unwrap().status().as_u16()
}

/// Waits until no event is pending or retrying; returns the event log.
pub(crate) async fn settled(app: &TestApp) -> Vec<Value> {
    for _ in 0..100 {
        let (_, log) = app.get_json("/api/v1/events").await;
        let events = log["events"].as_array().cloned().unwrap_or_default();
        if events
            .iter()
            .all(|e| e["state"] == "processed" || e["state"] == "failed")
        {
            return events;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("events did not settle");
}

async fn jobs(db: &TestDb) -> Vec<(String, String, String)> {
    let store = db.store().await;
    let mut all = Vec::new();
    for m in merchant_ids(&store).await {
        for j in store
            .delivery_log(&m, &Default::default(), 200, None)
            .await
            .unwrap()
        {
            all.push((j.status, j.channel.slug().to_owned(), j.recipient));
        }
    }
    all.sort();
    all
}

pub(crate) async fn merchant_ids(store: &notify_store::Store) -> Vec<notify_store::MerchantId> {
    let user = store
        .user_by_email(&notify_core::EmailAddress::parse("owner@maple.example").unwrap())
        .await
        .unwrap();
    user.map(|u| vec![u.merchant_id]).unwrap_or_default()
}

async fn stored_count(db: &TestDb) -> i64 {
    let store = db.store().await;
    let mut n = 0;
    for m in merchant_ids(&store).await {
        n += store.count_inbound_events(&m).await.unwrap();
    }
    n
}

async fn a_signed_shopify_order_becomes_one_job_per_channel(db: &TestDb) {
    let app = spawn(db).await;
    let (url, _) = merchant_with(&app, "shopify", json!({"client_secret": SHOPIFY_SECRET})).await;
    let body = shopify_order(delivered(), "2026-03-14T10:00:00-05:00");
    assert_eq!(
        post_shopify(&url, "orders/updated", "evt-1", &body, SHOPIFY_SECRET).await,
        200
    );
    let events = settled(&app).await;
    assert_eq!(events[0]["outcome"], "jobs_created", "{events:?}");
    assert_eq!(events[0]["jobs_created"], 2);
    assert_eq!(
        jobs(db).await,
        vec![
            (
                "delivered".to_owned(),
                "email".to_owned(),
                "bob@example.com".to_owned()
            ),
            (
                "delivered".to_owned(),
                "sms".to_owned(),
                "+14155550134".to_owned()
            ),
        ]
    );
}

async fn rejected_webhooks_store_nothing(db: &TestDb) {
    let app = spawn(db).await;
    let (url, _) = merchant_with(&app, "shopify", json!({"client_secret": SHOPIFY_SECRET, "previous_client_secret": "shpss_old_secret_value"})).await;
    let body = shopify_order(delivered(), "2026-03-14T10:00:00-05:00");
    // Tampered body, wrong secret: 401.
    let mut tampered = body.clone();
    let last = tampered.len() - 2;
    tampered[last] = b' ';
    let signature = body_hmac(SHOPIFY_SECRET.as_bytes(), &body);
    let r = reqwest::Client::new()
        .post(&url)
        .header("X-Shopify-Topic", "orders/updated")
        .header("X-Shopify-Hmac-Sha256", &signature)
        .header("X-Shopify-Event-Id", "e1")
        .body(tampered)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        post_shopify(&url, "orders/updated", "e2", &body, "wrong-secret").await,
        401
    );
    // Missing headers: 401.
    let r = reqwest::Client::new()
        .post(&url)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // Unknown endpoint: 404.
    assert_eq!(
        post_shopify(
            &url.replace("/ep_", "/ep_x"),
            "orders/updated",
            "e3",
            &body,
            SHOPIFY_SECRET
        )
        .await,
        404
    );
    assert_eq!(
        post_shopify(
            &url.replace("/shopify/", "/woocommerce/"),
            "orders/updated",
            "e3",
            &body,
            SHOPIFY_SECRET
        )
        .await,
        404
    );
    // Over 1 MiB: 413.
    let huge = vec![b' '; 1024 * 1024 + 1];
    assert_eq!(
        post_shopify(&url, "orders/updated", "e4", &huge, SHOPIFY_SECRET).await,
        413
    );
    // Signed but the wrong shape: 400.
    assert_eq!(
        post_shopify(
            &url,
            "orders/updated",
            "e5",
            br#"{"id": "nope"}"#,
            SHOPIFY_SECRET
        )
        .await,
        400
    );
    assert_eq!(
        post_shopify(&url, "orders/updated", "e6", b"not json", SHOPIFY_SECRET).await,
        400
    );
    assert_eq!(stored_count(db).await, 0);
    // The secret being rotated out still works.
    assert_eq!(
        post_shopify(
            &url,
            "orders/updated",
            "e7",
            &body,
            "shpss_old_secret_value"
        )
        .await,
        200
    );
    assert_eq!(stored_count(db).await, 1);
}

async fn the_same_webhook_three_times_at_once_notifies_once(db: &TestDb) {
    let app = spawn(db).await;
    let (url, _) = merchant_with(&app, "shopify", json!({"client_secret": SHOPIFY_SECRET})).await;
    let body = shopify_order(delivered(), "2026-03-14T10:00:00-05:00");
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..3 {
        let (url, body) = (url.clone(), body.clone());
        set.spawn(async move {
            post_shopify(&url, "orders/updated", "evt-dup", &body, SHOPIFY_SECRET).await
        });
    }
    let statuses = set.join_all().await;
    assert_eq!(statuses, vec![200, 200, 200]);
    // Another topic for the same transition (same event id) is stored but notifies nothing new.
    assert_eq!(
        post_shopify(&url, "orders/fulfilled", "evt-dup", &body, SHOPIFY_SECRET).await,
        200
    );
    let events = settled(&app).await;
    assert_eq!(events.len(), 2);
    assert_eq!(jobs(db).await.len(), 2);
}

async fn a_late_older_snapshot_does_not_notify(db: &TestDb) {
    let app = spawn(db).await;
    let (url, _) = merchant_with(&app, "shopify", json!({"client_secret": SHOPIFY_SECRET})).await;
    let newer = shopify_order(delivered(), "2026-03-14T12:00:00Z");
    assert_eq!(
        post_shopify(&url, "orders/updated", "evt-new", &newer, SHOPIFY_SECRET).await,
        200
    );
    settled(&app).await;
    let older = shopify_order(
        json!({"fulfillment_status": "partial"}),
        "2026-03-14T09:00:00Z",
    );
    assert_eq!(
        post_shopify(&url, "orders/updated", "evt-old", &older, SHOPIFY_SECRET).await,
        200
    );
    let events = settled(&app).await;
    assert_eq!(events[0]["outcome"], "stale", "{events:?}");
    let statuses: Vec<String> = jobs(db).await.into_iter().map(|j| j.0).collect();
    assert_eq!(statuses, vec!["delivered", "delivered"]);
}

async fn a_partial_payload_uses_the_orders_earlier_event(db: &TestDb) {
    let app = spawn(db).await;
    let (url, _) = merchant_with(&app, "shopify", json!({"client_secret": SHOPIFY_SECRET})).await;
    let paid = shopify_order(json!({}), "2026-03-14T09:00:00Z");
    assert_eq!(
        post_shopify(&url, "orders/paid", "evt-paid", &paid, SHOPIFY_SECRET).await,
        200
    );
    let fulfillment = serde_json::to_vec(&json!({"id": 1, "order_id": 450789469, "status": "success", "shipment_status": "delivered", "updated_at": "2026-03-15T09:00:00Z"})).unwrap();
    assert_eq!(
        post_shopify(
            &url,
            "fulfillments/update",
            "evt-f",
            &fulfillment,
            SHOPIFY_SECRET
        )
        .await,
        200
    );
    settled(&app).await;
    let statuses: Vec<(String, String)> = jobs(db).await.into_iter().map(|j| (j.0, j.2)).collect();
    assert!(
        statuses.contains(&("delivered".to_owned(), "bob@example.com".to_owned())),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&(
            "sent_for_processing".to_owned(),
            "bob@example.com".to_owned()
        )),
        "{statuses:?}"
    );
}

fn woo_body(status: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": 727, "number": "727", "status": status, "date_modified_gmt": "2026-03-14T15:09:26",
        "billing": {"first_name": "John", "last_name": "Doe", "email": "john@example.com", "phone": "", "country": "US"}
    }))
    .unwrap()
}

async fn woocommerce_ping_is_answered_and_orders_are_processed(db: &TestDb) {
    let app = spawn(db).await;
    let (url, _) = merchant_with(
        &app,
        "woocommerce",
        json!({"webhook_secret": "woo-secret-123"}),
    )
    .await;
    let ping = reqwest::Client::new()
        .post(&url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("webhook_id=15")
        .send()
        .await
        .unwrap();
    assert_eq!(ping.status(), 200);
    assert_eq!(stored_count(db).await, 0);
    let body = woo_body("completed");
    for delivery in ["d1", "d2"] {
        // WooCommerce gives each delivery a new id; the order's identity dedupes.
        assert_eq!(post_woocommerce(&url, &body, Some(delivery)).await, 200);
    }
    let events = settled(&app).await;
    assert_eq!(events.len(), 1);
    // No phone on the order: only the email goes.
    assert_eq!(
        jobs(db).await,
        vec![(
            "delivered".to_owned(),
            "email".to_owned(),
            "john@example.com".to_owned()
        )]
    );
}

/// Posts a WooCommerce order signed with the test secret, with the
/// delivery id WooCommerce sends when given.
async fn post_woocommerce(url: &str, body: &[u8], delivery: Option<&str>) -> u16 {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("X-WC-Webhook-Topic", "order.updated")
        .header("X-WC-Webhook-Signature", body_hmac(WOO_SECRET, body));
    if let Some(delivery) = delivery {
        request = request.header("X-WC-Webhook-Delivery-ID", delivery);
    }
    status_of(request.body(body.to_vec())).await
}

/// Posts a BigCommerce hook with the shared-secret header.
async fn post_bigcommerce(url: &str, secret: &str, hook: &Value) -> u16 {
    let request = reqwest::Client::new()
        .post(url)
        .header("X-Notify-Hook-Secret", secret)
        .json(hook);
    status_of(request).await
}

fn events_body() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "type": "invoice.status_changed",
        "invoice": {"id": "inv_9", "number": "INV-0009", "status": "closed", "updated_at": "2026-03-14T10:00:00Z", "total": "10.00", "currency": "USD"},
        "customer": {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "+14155550134"}
    }))
    .unwrap()
}

pub(crate) async fn post_signed_event(
    url: &str,
    secret: &str,
    id: &str,
    timestamp: i64,
    body: &[u8],
) -> u16 {
    let key = decode_secret(secret).unwrap();
    let client = reqwest::Client::new();
    status_of(standard_signed(
        &client,
        url,
        &key,
        id,
        timestamp,
        body.to_vec(),
    ))
    .await
}

/// Sets up the merchant of [`merchant_with`] with the generic signed
/// endpoint and posts `body` to it as message `id`, signed now: accepted.
/// Returns the endpoint's URL.
pub(crate) async fn post_to_new_events_endpoint(app: &TestApp, id: &str, body: &[u8]) -> String {
    let (url, integration) = merchant_with(app, "events", json!({})).await;
    let secret = integration["signing_secret"].as_str().unwrap();
    let now = chrono::Utc::now().timestamp();
    assert_eq!(post_signed_event(&url, secret, id, now, body).await, 200);
    url
}

async fn generic_signed_events_are_verified_and_processed(db: &TestDb) {
    let app = spawn(db).await;
    let (url, integration) = merchant_with(&app, "events", json!({})).await;
    let secret = integration["signing_secret"].as_str().unwrap().to_owned();
    let now = chrono::Utc::now().timestamp();
    assert_eq!(
        post_signed_event(&url, &secret, "msg_stale", now - 600, &events_body()).await,
        401
    );
    assert_eq!(
        post_signed_event(
            &url,
            "whsec_d3Jvbmcga2V5IHdyb25nIGtleQ==",
            "msg_wrong",
            now,
            &events_body()
        )
        .await,
        401
    );
    assert_eq!(
        post_signed_event(
            &url,
            &secret,
            "msg_bad",
            now,
            br#"{"type": "invoice.status_changed"}"#
        )
        .await,
        400
    );
    assert_eq!(stored_count(db).await, 0);
    assert_eq!(
        post_signed_event(&url, &secret, "msg_1", now, &events_body()).await,
        200
    );
    assert_eq!(
        post_signed_event(&url, &secret, "msg_1", now, &events_body()).await,
        200
    );
    settled(&app).await;
    // Invoice rule: email only.
    assert_eq!(
        jobs(db).await,
        vec![(
            "closed".to_owned(),
            "email".to_owned(),
            "ada@example.com".to_owned()
        )]
    );
    assert_eq!(stored_count(db).await, 1);
}

async fn bigcommerce_orders_are_fetched_with_retries(db: &TestDb) {
    let api = MockServer::start().await;
    let order = json!({"id": 250, "status_id": 10, "date_modified": "Fri, 13 Mar 2026 16:00:00 +0000",
        "billing_address": {"first_name": "Jane", "last_name": "Doe", "email": "jane@example.com", "phone": "", "country_iso2": "US"}});
    Mock::given(method("GET"))
        .and(path("/stores/abc123/v2/orders/250"))
        .and(header("X-Auth-Token", "bc-token-123456"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/stores/abc123/v2/orders/250"))
        .and(header("X-Auth-Token", "bc-token-123456"))
        .respond_with(ResponseTemplate::new(200).set_body_json(order))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/stores/abc123/v2/orders/404"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&api)
        .await;
    // BigCommerce's answer for an empty list (messages.rs has the parts).
    for part in ["products", "shipments"] {
        Mock::given(method("GET"))
            .and(path(format!("/stores/abc123/v2/orders/250/{part}")))
            .respond_with(ResponseTemplate::new(204))
            .mount(&api)
            .await;
    }
    let base = url::Url::parse(&format!("{}/", api.uri())).unwrap();
    let app = spawn_with(db, move |c| c.bigcommerce_api_base = base).await;
    let (url, _) = merchant_with(&app, "bigcommerce", json!({"store_hash": "abc123", "api_token": "bc-token-123456", "hook_secret": "hook-secret-123"})).await;
    let hook = |id: u64, hash: &str| {
        json!({"scope": "store/order/statusUpdated", "store_id": "1", "hash": hash,
        "data": {"type": "order", "id": id, "status": {"previous_status_id": 2, "new_status_id": 10}}})
    };
    assert_eq!(post_bigcommerce(&url, "wrong", &hook(250, "h1")).await, 401);
    for (id, hash) in [(250, "h1"), (404, "h2")] {
        assert_eq!(
            post_bigcommerce(&url, BC_HOOK_SECRET, &hook(id, hash)).await,
            200
        );
    }
    let events = settled(&app).await;
    let by_outcome: Vec<(String, String)> = events
        .iter()
        .map(|e| {
            (
                e["outcome"].as_str().unwrap_or("").to_owned(),
                e["detail"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert!(
        by_outcome.contains(&("jobs_created".to_owned(), "1 message(s) queued".to_owned())),
        "{by_outcome:?}"
    );
    assert!(
        by_outcome.contains(&(
            "failed".to_owned(),
            "BigCommerce has no order 404 (404)".to_owned()
        )),
        "{by_outcome:?}"
    );
    assert_eq!(
        jobs(db).await,
        vec![(
            "delivered".to_owned(),
            "email".to_owned(),
            "jane@example.com".to_owned()
        )]
    );
}

/// Every row of the mapping table, signed as each platform signs, through
/// HTTP: each order (its own id) ends with the expected status queued, or
/// nothing for the "no notification" rows.
async fn every_mapping_row_signed_through_http(db: &TestDb) {
    let api = MockServer::start().await;
    let bc_rows: Vec<(u64, Option<&str>)> = notify_testkit::mapping::BIGCOMMERCE
        .into_iter()
        .map(|(id, status)| (id, status.map(notify_core::OrderStatus::slug)))
        .collect();
    for (status_id, _) in &bc_rows {
        let order = json!({"id": 1000 + status_id, "status_id": status_id, "date_modified": "Fri, 13 Mar 2026 16:00:00 +0000",
            "billing_address": {"first_name": "Jane", "email": "jane@example.com", "phone": "", "country_iso2": "US"}});
        Mock::given(method("GET"))
            .and(path(format!(
                "/stores/abc123/v2/orders/{}",
                1000 + status_id
            )))
            .respond_with(ResponseTemplate::new(200).set_body_json(order))
            .mount(&api)
            .await;
    }
    let base = url::Url::parse(&format!("{}/", api.uri())).unwrap();
    let app = spawn_with(db, move |c| c.bigcommerce_api_base = base).await;
    let (shopify_url, _) =
        merchant_with(&app, "shopify", json!({"client_secret": SHOPIFY_SECRET})).await;
    let (_, woo) = app
        .send_json(
            Method::PUT,
            "/api/v1/integrations/woocommerce",
            json!({"webhook_secret": "woo-secret-123"}),
        )
        .await;
    let (_, bc) = app.send_json(Method::PUT, "/api/v1/integrations/bigcommerce", json!({"store_hash": "abc123", "api_token": "bc-token-123456", "hook_secret": "hook-secret-123"})).await;
    let mut expected: Vec<(String, String)> = Vec::new(); // (document id, status)

    let shopify_rows: Vec<(Value, Option<&str>)> = vec![
        (json!({"financial_status": "pending"}), Some("initiated")),
        (json!({"financial_status": "authorized"}), Some("initiated")),
        (json!({}), Some("sent_for_processing")),
        (json!({"fulfillment_status": "partial"}), Some("processing")),
        (
            json!({"fulfillments": [{"status": "open", "shipment_status": null}]}),
            Some("processing"),
        ),
        (json!({"fulfillment_status": "fulfilled"}), Some("ready")),
        (
            json!({"fulfillments": [{"status": "success", "shipment_status": "ready_for_pickup"}]}),
            Some("ready"),
        ),
        (delivered(), Some("delivered")),
        (
            json!({"fulfillment_status": "fulfilled", "fulfillments": [{"status": "success", "shipment_status": "picked_up"}]}),
            Some("delivered"),
        ),
        (
            json!({"cancelled_at": "2026-03-14T11:00:00Z"}),
            Some("cancelled"),
        ),
        (json!({"financial_status": "voided"}), Some("cancelled")),
        (
            json!({"financial_status": "refunded", "refunds": [{"refund_line_items": [{"restock_type": "return"}]}]}),
            Some("returned"),
        ),
        (json!({"financial_status": "partially_paid"}), None),
    ];
    for (i, (fields, status)) in shopify_rows.into_iter().enumerate() {
        let id = 5000 + i as u64;
        let mut order: Value =
            serde_json::from_slice(&shopify_order(fields, "2026-03-14T10:00:00Z")).unwrap();
        order["id"] = json!(id);
        let body = serde_json::to_vec(&order).unwrap();
        assert_eq!(
            post_shopify(
                &shopify_url,
                "orders/updated",
                &format!("row-{i}"),
                &body,
                SHOPIFY_SECRET
            )
            .await,
            200
        );
        if let Some(status) = status {
            expected.push((id.to_string(), status.to_owned()));
        }
    }

    let woo_url = woo["webhook_url"].as_str().unwrap().to_owned();
    let woo_rows = notify_testkit::mapping::WOOCOMMERCE
        .map(|(woo, status)| (woo, status.map(notify_core::OrderStatus::slug)));
    for (i, (woo_status, status)) in woo_rows.into_iter().enumerate() {
        let id = 7000 + i as u64;
        let mut order: Value = serde_json::from_slice(&woo_body(woo_status)).unwrap();
        order["id"] = json!(id);
        let body = serde_json::to_vec(&order).unwrap();
        assert_eq!(post_woocommerce(&woo_url, &body, None).await, 200);
        if let Some(status) = status {
            expected.push((id.to_string(), status.to_owned()));
        }
    }

    let bc_url = bc["webhook_url"].as_str().unwrap().to_owned();
    for (status_id, status) in &bc_rows {
        let hook = json!({"scope": "store/order/statusUpdated", "hash": format!("row-{status_id}"),
            "data": {"type": "order", "id": 1000 + status_id, "status": {"previous_status_id": 0, "new_status_id": status_id}}});
        assert_eq!(post_bigcommerce(&bc_url, BC_HOOK_SECRET, &hook).await, 200);
        if let Some(status) = status {
            expected.push(((1000 + status_id).to_string(), status.to_string()));
        }
    }

    let events = settled(&app).await;
    assert_eq!(events.len(), 13 + 9 + 15);
    let store = db.store().await;
    let merchant = merchant_ids(&store).await.remove(0);
    let mut queued: Vec<(String, String)> = store
        .delivery_log(&merchant, &Default::default(), 200, None)
        .await
        .unwrap()
        .into_iter()
        .filter(|j| j.channel.slug() == "email")
        .map(|j| (j.document_id, j.status))
        .collect();
    queued.sort();
    expected.sort();
    assert_eq!(queued, expected);
}

/// A quick Awaiting Fulfillment → Shipped → Completed, processed after the
/// order is completed: each hook notifies its own transition (the fetched
/// order supplies the customer), so no status is skipped.
async fn bigcommerce_status_hooks_notify_their_transition_not_the_orders_status_now(db: &TestDb) {
    let api = MockServer::start().await;
    let order = json!({"id": 250, "status_id": 10, "date_modified": "Fri, 13 Mar 2026 16:00:00 +0000",
        "billing_address": {"first_name": "Jane", "last_name": "Doe", "email": "jane@example.com", "phone": "", "country_iso2": "US"}});
    Mock::given(method("GET"))
        .and(path("/stores/abc123/v2/orders/250"))
        .respond_with(ResponseTemplate::new(200).set_body_json(order))
        .mount(&api)
        .await;
    let base = url::Url::parse(&format!("{}/", api.uri())).unwrap();
    let app = spawn_with(db, move |c| c.bigcommerce_api_base = base).await;
    let (url, _) = merchant_with(&app, "bigcommerce", json!({"store_hash": "abc123", "api_token": "bc-token-123456", "hook_secret": "hook-secret-123"})).await;
    let transitions = [
        (0, 11, 1_773_417_000_i64),
        (11, 2, 1_773_417_060),
        (2, 10, 1_773_417_120),
    ];
    for (previous, new, created_at) in transitions {
        let hook = json!({"scope": "store/order/statusUpdated", "store_id": "1", "hash": format!("t{new}"),
            "created_at": created_at,
            "data": {"type": "order", "id": 250, "status": {"previous_status_id": previous, "new_status_id": new}}});
        assert_eq!(post_bigcommerce(&url, BC_HOOK_SECRET, &hook).await, 200);
    }
    settled(&app).await;
    let statuses: Vec<String> = jobs(db)
        .await
        .into_iter()
        .map(|(status, ..)| status)
        .collect();
    assert_eq!(statuses, ["delivered", "ready", "sent_for_processing"]);
}

/// The event log tells the merchant what failed in stable words; where the
/// API was and how the connection failed go to the server log only.
async fn event_log_errors_name_no_addresses(db: &TestDb) {
    let port = notify_testkit::free_port().unwrap();
    let base = url::Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
    let app = spawn_with(db, move |c| c.bigcommerce_api_base = base).await;
    let (url, _) = merchant_with(&app, "bigcommerce", json!({"store_hash": "abc123", "api_token": "bc-token-123456", "hook_secret": "hook-secret-123"})).await;
    let hook = json!({"scope": "store/order/statusUpdated", "store_id": "1", "hash": "h1",
        "data": {"type": "order", "id": 250, "status": {"previous_status_id": 2, "new_status_id": 10}}});
    assert_eq!(post_bigcommerce(&url, BC_HOOK_SECRET, &hook).await, 200);
    let mut detail = String::new();
    for _ in 0..200 {
        let (_, log) = app.get_json("/api/v1/events").await;
        detail = log["events"][0]["detail"].as_str().unwrap_or("").to_owned();
        if !detail.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        detail,
        "BigCommerce order 250: the API could not be reached"
    );
    for leak in ["127.0.0.1", &port.to_string(), "http", "abc123/v2"] {
        assert!(!detail.contains(leak), "{detail}");
    }
}

/// An event time far in the future (a wrong clock or a forged header) is
/// taken as five minutes from now, so a later update still notifies instead
/// of being judged older than the year 2100. (The later one here is itself
/// 6 minutes ahead, so the test need not wait out the five minutes: it is
/// taken as five minutes from its own processing, after the first.)
async fn a_far_future_event_time_does_not_make_later_updates_stale(db: &TestDb) {
    let app = spawn(db).await;
    let (url, _) = merchant_with(&app, "shopify", json!({"client_secret": SHOPIFY_SECRET})).await;
    let future = shopify_order(
        json!({"fulfillment_status": "partial"}),
        "2100-01-01T00:00:00Z",
    );
    assert_eq!(
        post_shopify(
            &url,
            "orders/updated",
            "evt-future",
            &future,
            SHOPIFY_SECRET
        )
        .await,
        200
    );
    settled(&app).await;
    tokio::time::sleep(Duration::from_millis(10)).await;
    let ahead = chrono::Utc::now() + chrono::Duration::minutes(6);
    let later = shopify_order(delivered(), &ahead.to_rfc3339());
    assert_eq!(
        post_shopify(&url, "orders/updated", "evt-later", &later, SHOPIFY_SECRET).await,
        200
    );
    let events = settled(&app).await;
    assert_eq!(events[0]["outcome"], "jobs_created", "{events:?}");
    let statuses: Vec<String> = jobs(db).await.into_iter().map(|j| j.0).collect();
    assert!(statuses.contains(&"delivered".to_owned()), "{statuses:?}");
}

tests_on_both_backends!(
    every_mapping_row_signed_through_http,
    a_signed_shopify_order_becomes_one_job_per_channel,
    rejected_webhooks_store_nothing,
    the_same_webhook_three_times_at_once_notifies_once,
    a_late_older_snapshot_does_not_notify,
    a_partial_payload_uses_the_orders_earlier_event,
    woocommerce_ping_is_answered_and_orders_are_processed,
    generic_signed_events_are_verified_and_processed,
    bigcommerce_orders_are_fetched_with_retries,
    bigcommerce_status_hooks_notify_their_transition_not_the_orders_status_now,
    event_log_errors_name_no_addresses,
    a_far_future_event_time_does_not_make_later_updates_stale,
);
