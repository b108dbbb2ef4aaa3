//! Secrets never appear in any response after creation, nor in logs.

use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use reqwest::Method;
use serde_json::json;

use crate::harness::{error_fields, logs, spawn};

async fn secrets_are_write_only_and_never_logged(db: &TestDb) {
    let app = spawn(db).await;
    app.sign_up("Maple", "owner@maple.example").await;
    let shopify = "shpss_0123456789abcdef_current";
    let shopify_old = "shpss_0123456789abcdef_previous";
    let woo = "woo-secret-0123456789";
    let bc_token = "bc-token-0123456789abcdef";
    let bc_hook = "bc-hook-0123456789abcdef";
    let bodies = [
        (
            "shopify",
            json!({"client_secret": shopify, "previous_client_secret": shopify_old}),
        ),
        ("woocommerce", json!({"webhook_secret": woo})),
        (
            "bigcommerce",
            json!({"store_hash": "abc123", "api_token": bc_token, "hook_secret": bc_hook}),
        ),
    ];
    let mut responses = Vec::new();
    for (platform, body) in bodies {
        let (status, response) = app
            .send_json(
                Method::PUT,
                &format!("/api/v1/integrations/{platform}"),
                body,
            )
            .await;
        assert_eq!(status, 200, "{platform}: {response}");
        assert!(
            response["webhook_url"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{}/webhooks/{platform}/ep_", app.origin))
        );
        responses.push(response.to_string());
    }
    // The generated whsec_ secret is shown once, in the response that made it.
    let (status, events) = app
        .send_json(Method::PUT, "/api/v1/integrations/events", json!({}))
        .await;
    assert_eq!(status, 200);
    let whsec = events["signing_secret"].as_str().unwrap().to_owned();
    assert!(whsec.starts_with("whsec_") && whsec.len() > 40, "{whsec}");
    // Rotating keeps the endpoint and shows only the new secret.
    let (_, rotated) = app
        .send_json(Method::PUT, "/api/v1/integrations/events", json!({}))
        .await;
    assert_eq!(rotated["endpoint_id"], events["endpoint_id"]);
    assert_ne!(rotated["signing_secret"], events["signing_secret"]);
    assert_eq!(
        rotated["settings"]["signing_secrets"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    responses.push(rotated.to_string());
    responses.push(app.get_json("/api/v1/integrations").await.1.to_string());

    let log_text = String::from_utf8(logs().lock().unwrap().clone()).unwrap();
    assert!(log_text.contains("integration saved"), "logs are captured");
    for secret in [shopify, shopify_old, woo, bc_token, bc_hook, whsec.as_str()] {
        for r in &responses {
            assert!(!r.contains(secret), "secret {secret} in a response: {r}");
        }
        assert!(!log_text.contains(secret), "secret {secret} in the logs");
    }
    let listed = app.get_json("/api/v1/integrations").await.1;
    assert_eq!(listed["integrations"].as_array().unwrap().len(), 4);
}

async fn a_bad_integration_body_saves_nothing(db: &TestDb) {
    let app = spawn(db).await;
    app.sign_up("Maple", "owner@maple.example").await;
    let (status, body) = app
        .send_json(
            Method::PUT,
            "/api/v1/integrations/bigcommerce",
            json!({"store_hash": "a/b", "api_token": "x"}),
        )
        .await;
    assert_eq!(status, 422);
    let fields = error_fields(&body);
    assert_eq!(fields, vec!["store_hash", "api_token", "hook_secret"]);
    assert_eq!(
        app.send_json(Method::PUT, "/api/v1/integrations/amazon", json!({}))
            .await
            .0,
        404
    );
    assert_eq!(
        app.get_json("/api/v1/integrations").await.1,
        json!({"integrations": []})
    );
}

tests_on_both_backends!(
    secrets_are_write_only_and_never_logged,
    a_bad_integration_body_saves_nothing
);
