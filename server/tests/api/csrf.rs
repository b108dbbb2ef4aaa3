//! Cross-site requests to every state-changing route and server function,
//! with a valid session cookie, are refused and change nothing.

use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{TestApp, rule, spawn};

/// Every state-changing route and server function, with a valid body.
fn state_changing(key_id: &str) -> Vec<(Method, String, Value)> {
    let settings =
        json!({"version": 0, "rules": [rule(("invoice", None, "closed"), true, true, true)]});
    vec![
        (
            Method::POST,
            "/api/v1/merchants".into(),
            json!({"store_name": "Evil", "email": "evil@evil.example", "password": "correct horse battery", "time_zone": "UTC"}),
        ),
        (
            Method::POST,
            "/api/v1/session".into(),
            json!({"email": "owner@maple.example", "password": "correct horse battery"}),
        ),
        (Method::DELETE, "/api/v1/session".into(), json!({})),
        (Method::PUT, "/api/v1/settings".into(), settings.clone()),
        (
            Method::POST,
            "/api/v1/api-keys".into(),
            json!({"name": "evil"}),
        ),
        (
            Method::DELETE,
            format!("/api/v1/api-keys/{key_id}"),
            json!({}),
        ),
        (
            Method::PUT,
            "/api/v1/integrations/woocommerce".into(),
            json!({"webhook_secret": "evil-secret-123"}),
        ),
        (Method::PUT, "/api/v1/integrations/events".into(), json!({})),
        (
            Method::PUT,
            "/api/v1/quiet-hours".into(),
            json!({"enabled": false, "start": "21:00", "end": "08:00"}),
        ),
        (
            Method::POST,
            "/api/v1/test-send".into(),
            json!({"trigger": {"kind": "invoice", "status": "closed"}, "channel": "email", "to": "me@maple.example"}),
        ),
        (Method::POST, "/api/settings/save".into(), settings),
        (Method::POST, "/api/settings/load".into(), json!({})),
        (
            Method::POST,
            "/api/deliveries/list".into(),
            json!({"query": {}}),
        ),
    ]
}

async fn signed_in_with_a_key(db: &TestDb) -> (TestApp, String) {
    let app = spawn(db).await;
    app.sign_up("Maple", "owner@maple.example").await;
    let (_, key) = app
        .send_json(Method::POST, "/api/v1/api-keys", json!({"name": "keep"}))
        .await;
    (app, key["id"].as_str().unwrap().to_owned())
}

async fn assert_nothing_changed(app: &TestApp) {
    assert_eq!(
        app.get_json("/api/v1/settings").await,
        (200, json!({"version": 0, "rules": []}))
    );
    assert_eq!(
        app.get_json("/api/v1/api-keys").await.1["api_keys"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        app.get_json("/api/v1/integrations").await.1,
        json!({"integrations": []})
    );
}

async fn a_foreign_origin_is_refused_everywhere(db: &TestDb) {
    let (app, key_id) = signed_in_with_a_key(db).await;
    for (method, path, body) in state_changing(&key_id) {
        let r = app
            .client
            .request(method.clone(), app.url(&path))
            .header("Origin", "https://evil.example")
            .header("Sec-Fetch-Site", "cross-site")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{method} {path}");
    }
    assert_nothing_changed(&app).await;
}

async fn a_request_without_origin_is_refused_everywhere(db: &TestDb) {
    let (app, key_id) = signed_in_with_a_key(db).await;
    for (method, path, body) in state_changing(&key_id) {
        let r = app
            .client
            .request(method.clone(), app.url(&path))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{method} {path}");
        // Same-site but not same-origin (another subdomain) is not enough.
        let r = app
            .client
            .request(method.clone(), app.url(&path))
            .header("Sec-Fetch-Site", "same-site")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{method} {path} same-site");
    }
    assert_nothing_changed(&app).await;
}

async fn same_origin_fetch_metadata_is_accepted(db: &TestDb) {
    let app = spawn(db).await;
    let r = app
        .client
        .post(app.url("/api/v1/merchants"))
        .header("Sec-Fetch-Site", "same-origin")
        .json(&json!({"store_name": "Maple", "email": "owner@maple.example", "password": "correct horse battery", "time_zone": "UTC"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
}

async fn server_functions_do_not_accept_get(db: &TestDb) {
    let (app, _) = signed_in_with_a_key(db).await;
    for path in ["/api/settings/save", "/api/settings/load"] {
        let r = app.call(Method::GET, path).send().await.unwrap();
        assert!(
            r.status() == 405 || r.status() == 404,
            "GET {path} → {}",
            r.status()
        );
    }
    let r = app
        .call(Method::GET, "/api/settings/save?version=0")
        .send()
        .await
        .unwrap();
    assert!(!r.status().is_success());
    assert_nothing_changed(&app).await;
}

tests_on_both_backends!(
    a_foreign_origin_is_refused_everywhere,
    a_request_without_origin_is_refused_everywhere,
    same_origin_fetch_metadata_is_accepted,
    server_functions_do_not_accept_get,
);
