//! Cross-site requests to every state-changing route and server function,
//! with a valid session cookie, are refused and change nothing.

use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use notify_testkit::accounts::sign_up_body;
use reqwest::Method;
use serde_json::json;

use crate::harness::{PASSWORD, TestApp, signed_in_with_a_key, spawn};
use crate::routes::state_changing;

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
    for route in state_changing(&key_id) {
        let r = route
            .request(&app.client, &app.base)
            .header("Origin", "https://evil.example")
            .header("Sec-Fetch-Site", "cross-site")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{route}");
    }
    assert_nothing_changed(&app).await;
}

async fn a_request_without_origin_is_refused_everywhere(db: &TestDb) {
    let (app, key_id) = signed_in_with_a_key(db).await;
    for route in state_changing(&key_id) {
        let r = route.request(&app.client, &app.base).send().await.unwrap();
        assert_eq!(r.status(), 403, "{route}");
        // Same-site but not same-origin (another subdomain) is not enough.
        let r = route
            .request(&app.client, &app.base)
            .header("Sec-Fetch-Site", "same-site")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{route} same-site");
    }
    assert_nothing_changed(&app).await;
}

async fn same_origin_fetch_metadata_is_accepted(db: &TestDb) {
    let app = spawn(db).await;
    let r = app
        .client
        .post(app.url("/api/v1/merchants"))
        .header("Sec-Fetch-Site", "same-origin")
        .json(&sign_up_body(
            "Maple",
            "owner@maple.example",
            PASSWORD,
            "UTC",
        ))
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
