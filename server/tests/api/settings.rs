//! Settings through the JSON API and the page's server functions.

use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use reqwest::Method;
use serde_json::json;

use crate::harness::{rule, spawn};

const SHOPIFY_DELIVERED: (&str, Option<&str>, &str) = ("order", Some("shopify"), "delivered");
const INVOICE_CLOSED: (&str, Option<&str>, &str) = ("invoice", None, "closed");

async fn settings_round_trip_across_a_restart(db: &TestDb) {
    let app = spawn(db).await;
    app.sign_up("Maple", "owner@maple.example").await;
    let rules = json!([
        rule(SHOPIFY_DELIVERED, true, true, false),
        rule(INVOICE_CLOSED, true, false, true)
    ]);
    let (status, body) = app
        .send_json(
            Method::PUT,
            "/api/v1/settings",
            json!({"version": 0, "rules": rules}),
        )
        .await;
    assert_eq!((status, body), (200, json!({"version": 1})));
    drop(app);
    let app = spawn(db).await;
    let (status, _) = app
        .send_json(
            Method::POST,
            "/api/v1/session",
            json!({"email": "owner@maple.example", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = app.get_json("/api/v1/settings").await;
    assert_eq!((status, body), (200, json!({"version": 1, "rules": rules})));
}

async fn a_stale_save_is_a_conflict_that_names_what_changed(db: &TestDb) {
    let app = spawn(db).await;
    app.sign_up("Maple", "owner@maple.example").await;
    let first = json!([rule(SHOPIFY_DELIVERED, true, true, false)]);
    app.send_json(
        Method::PUT,
        "/api/v1/settings",
        json!({"version": 0, "rules": first}),
    )
    .await;
    let (status, body) = app
        .send_json(
            Method::PUT,
            "/api/v1/settings",
            json!({"version": 0, "rules": [rule(INVOICE_CLOSED, true, true, true)]}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["current_version"], 1);
    assert_eq!(
        body["error"]["changes_since"][0]["actor"],
        "owner@maple.example"
    );
    assert_eq!(
        body["error"]["changes_since"][0]["changes"][0]["summary"],
        "Shopify · Delivered: rule added (active, Email)"
    );
    assert_eq!(
        app.get_json("/api/v1/settings").await.1,
        json!({"version": 1, "rules": first})
    );
}

async fn an_invalid_save_returns_field_errors_and_saves_nothing(db: &TestDb) {
    let app = spawn(db).await;
    app.sign_up("Maple", "owner@maple.example").await;
    let dup = json!([
        rule(INVOICE_CLOSED, true, true, true),
        rule(INVOICE_CLOSED, false, true, true)
    ]);
    let (status, body) = app
        .send_json(
            Method::PUT,
            "/api/v1/settings",
            json!({"version": 0, "rules": dup}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"][0]["field"], "rules[1].trigger");
    let unknown = json!([rule(("order", Some("amazon"), "ready"), true, true, true)]);
    let (status, body) = app
        .send_json(
            Method::PUT,
            "/api/v1/settings",
            json!({"version": 0, "rules": unknown}),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("amazon"),
        "{body}"
    );
    assert_eq!(
        app.get_json("/api/v1/settings").await.1,
        json!({"version": 0, "rules": []})
    );
    assert_eq!(app.get_json("/api/v1/audit").await.1["entries"], json!([]));
}

async fn the_audit_trail_lists_every_change(db: &TestDb) {
    let app = spawn(db).await;
    app.sign_up("Maple", "owner@maple.example").await;
    app.send_json(
        Method::PUT,
        "/api/v1/settings",
        json!({"version": 0, "rules": [rule(SHOPIFY_DELIVERED, true, true, false)]}),
    )
    .await;
    app.send_json(
        Method::PUT,
        "/api/v1/settings",
        json!({"version": 1, "rules": [rule(SHOPIFY_DELIVERED, true, true, true)]}),
    )
    .await;
    let (status, body) = app.get_json("/api/v1/audit").await;
    assert_eq!(status, 200);
    let entries = body["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["version"], 2);
    assert_eq!(entries[0]["actor"], "owner@maple.example");
    assert_eq!(
        entries[0]["changes"],
        json!([{
            "trigger": {"kind": "order", "source": "shopify", "status": "delivered"},
            "before": {"active": true, "email": true, "sms": false},
            "after": {"active": true, "email": true, "sms": true},
            "summary": "Shopify · Delivered: SMS off → on",
        }])
    );
    assert_eq!(entries[1]["changes"][0]["before"], json!(null));
}

async fn server_functions_load_and_save_with_versions(db: &TestDb) {
    let app = spawn(db).await;
    app.sign_up("Maple", "owner@maple.example").await;
    let (status, body) = app
        .send_json(Method::POST, "/api/settings/load", json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"version": 0, "settings": {"rules": []}, "store_name": "Maple"})
    );
    let save = json!({"version": 0, "rules": [rule(INVOICE_CLOSED, true, true, false)]});
    let (status, body) = app
        .send_json(Method::POST, "/api/settings/save", save.clone())
        .await;
    assert_eq!((status, body), (200, json!({"Saved": {"version": 1}})));
    let (status, body) = app
        .send_json(Method::POST, "/api/settings/save", save)
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["Conflict"]["current_version"], 1);
    assert_eq!(
        body["Conflict"]["changes"][0],
        "Invoice · Closed: rule added (active, Email) (owner@maple.example)"
    );
    // Signed out: refused.
    let (status, _) = app
        .new_browser()
        .send_json(Method::POST, "/api/settings/load", json!({}))
        .await;
    assert_ne!(status, 200);
}

async fn api_keys_authenticate_without_cookies(db: &TestDb) {
    let app = spawn(db).await;
    app.sign_up("Maple", "owner@maple.example").await;
    let (status, created) = app
        .send_json(Method::POST, "/api/v1/api-keys", json!({"name": "ci"}))
        .await;
    assert_eq!(status, 201);
    let key = created["key"].as_str().unwrap().to_owned();
    let bare = reqwest::Client::new();
    let put = bare
        .put(app.url("/api/v1/settings"))
        .bearer_auth(&key)
        .json(&json!({"version": 0, "rules": [rule(INVOICE_CLOSED, true, true, false)]}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    let audit: serde_json::Value = bare
        .get(app.url("/api/v1/audit"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(audit["entries"][0]["actor"], "API key ci");
    let listed = app.get_json("/api/v1/api-keys").await.1;
    assert!(
        !listed.to_string().contains(&key),
        "a listed key must not show the key"
    );
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        app.call(Method::DELETE, &format!("/api/v1/api-keys/{id}"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let after = bare
        .get(app.url("/api/v1/settings"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401);
}

tests_on_both_backends!(
    settings_round_trip_across_a_restart,
    a_stale_save_is_a_conflict_that_names_what_changed,
    an_invalid_save_returns_field_errors_and_saves_nothing,
    the_audit_trail_lists_every_change,
    server_functions_load_and_save_with_versions,
    api_keys_authenticate_without_cookies,
);
