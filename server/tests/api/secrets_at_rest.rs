//! Integration secrets are sealed at rest under `SECRETS_KEY`: the stored
//! row holds none of them, webhooks verify as before, a key rotation keeps
//! them verifying, and a wrong key stops start-up with a clear error.

use notify_store::sealed::SecretsKeys;
use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use reqwest::Method;
use serde_json::json;

use crate::harness::{TestApp, spawn_with, try_spawn_with};
use crate::webhooks::{merchant_with, post_signed_event};

fn keys(current: u8, previous: Option<u8>) -> Option<SecretsKeys> {
    Some(SecretsKeys::new(
        &[current; 32],
        previous.map(|p| [p; 32]).as_ref(),
    ))
}

const PLAIN_ROWS: &str = "SELECT COUNT(*) FROM integrations WHERE settings LIKE '%secret%'";
const SEALED_ROWS: &str = "SELECT COUNT(*) FROM integrations WHERE settings LIKE 'sealed:v1:%'";

fn body(id: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "type": "order.status_changed", "source": "cto",
        "order": {"id": id, "status": "ready", "updated_at": "2026-03-14T10:00:00Z"},
        "customer": {"name": "Ada", "email": "ada@example.com"}
    }))
    .unwrap()
}

async fn webhook(app: &TestApp, path: &str, secret: &str, id: &str) -> u16 {
    let now = chrono::Utc::now().timestamp();
    post_signed_event(&app.url(path), secret, id, now, &body(id)).await
}

async fn secrets_are_sealed_at_rest_and_webhooks_still_verify(db: &TestDb) {
    let app = spawn_with(db, |c| c.secrets_keys = keys(1, None)).await;
    let (url, integration) = merchant_with(&app, "events", json!({})).await;
    let (status, _) = app
        .send_json(
            Method::PUT,
            "/api/v1/integrations/woocommerce",
            json!({"webhook_secret": "woo-secret-at-rest-123"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        (db.count(PLAIN_ROWS).await, db.count(SEALED_ROWS).await),
        (0, 2)
    );
    let secret = integration["signing_secret"].as_str().unwrap();
    let path = url.trim_start_matches(&app.base);
    assert_eq!(webhook(&app, path, secret, "msg_1").await, 200);
    // The page and the API still show them masked.
    let (_, list) = app.get_json("/api/v1/integrations").await;
    assert_eq!(list["integrations"].as_array().unwrap().len(), 2);
}

async fn a_key_rotation_keeps_webhooks_verifying_and_a_wrong_key_stops_start_up(db: &TestDb) {
    // Stored before sealing existed (no key), then sealed at start-up.
    let before = spawn_with(db, |c| c.secrets_keys = None).await;
    let (url, integration) = merchant_with(&before, "events", json!({})).await;
    let path = url.trim_start_matches(&before.base).to_owned();
    let secret = integration["signing_secret"].as_str().unwrap().to_owned();
    drop(before);
    assert_eq!(db.count(PLAIN_ROWS).await, 1);
    let sealed = spawn_with(db, |c| c.secrets_keys = keys(1, None)).await;
    assert_eq!(
        (db.count(PLAIN_ROWS).await, db.count(SEALED_ROWS).await),
        (0, 1)
    );
    assert_eq!(webhook(&sealed, &path, &secret, "msg_1").await, 200);
    drop(sealed);
    // Rotation: the new key with the previous one, then the new one alone.
    let rotating = spawn_with(db, |c| c.secrets_keys = keys(2, Some(1))).await;
    assert_eq!(webhook(&rotating, &path, &secret, "msg_2").await, 200);
    drop(rotating);
    let rotated = spawn_with(db, |c| c.secrets_keys = keys(2, None)).await;
    assert_eq!(webhook(&rotated, &path, &secret, "msg_3").await, 200);
    drop(rotated);
    // The old key (or none) no longer opens them: start-up says so.
    for wrong in [keys(1, None), keys(3, Some(1)), None] {
        let error = try_spawn_with(db, |c| c.secrets_keys = wrong)
            .await
            .err()
            .expect("start-up refused");
        assert!(error.to_string().contains("SECRETS_KEY"), "{error}");
    }
}

tests_on_both_backends!(
    secrets_are_sealed_at_rest_and_webhooks_still_verify,
    a_key_rotation_keeps_webhooks_verifying_and_a_wrong_key_stops_start_up,
);

/// `server --reseal-secrets` seals what was stored under the previous key
/// (or before sealing) again under `SECRETS_KEY`, and exits.
#[tokio::test]
async fn the_reseal_command_seals_everything_under_the_new_key() {
    use base64::Engine;
    use notify_store::accounts::HashPassword;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("db.sqlite").display());
    let store = notify_store::Store::connect(&url)
        .await
        .unwrap()
        .with_secrets_keys(keys(1, None).unwrap());
    let (merchant, _) = store
        .create_merchant(
            &notify_store::accounts::NewMerchant {
                store_name: notify_core::MerchantName::parse("Maple").unwrap(),
                time_zone: notify_store::accounts::TimeZone::parse("UTC").unwrap(),
                sender_name: notify_core::MerchantName::parse("Maple").unwrap(),
                sender_email: notify_core::EmailAddress::parse("a@maple.example").unwrap(),
            },
            &notify_core::EmailAddress::parse("a@maple.example").unwrap(),
            notify_store::accounts::Password::parse("correct horse battery")
                .unwrap()
                .hash()
                .unwrap(),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let typed = [("webhook_secret", "woo-secret-at-rest-123")];
    let config = notify_ingest::platforms::woocommerce::PLATFORM
        .validate(
            &notify_ingest::settings::IntegrationForm::new(typed),
            None,
            [0; 32],
        )
        .unwrap()
        .config;
    store
        .put_integration(&merchant.id, &config, chrono::Utc::now())
        .await
        .unwrap();
    store.close().await;
    let key = |byte: u8| base64::engine::general_purpose::STANDARD.encode([byte; 32]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("--reseal-secrets")
        .env("DATABASE_URL", &url)
        .env("SECRETS_KEY", key(2))
        .env("SECRETS_KEY_PREVIOUS", key(1))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("1 integration(s) sealed again"), "{stdout}");
    // Now the new key alone opens it, and the old one no longer does.
    let reopened = notify_store::Store::connect(&url)
        .await
        .unwrap()
        .with_secrets_keys(keys(2, None).unwrap());
    assert_eq!(
        reopened.integrations(&merchant.id).await.unwrap()[0].config,
        config
    );
    let old = notify_store::Store::connect(&url)
        .await
        .unwrap()
        .with_secrets_keys(keys(1, None).unwrap());
    assert!(old.integrations(&merchant.id).await.is_err());
}
