//! Security headers on every response: pages get a Content-Security-Policy
//! whose nonce is on every inline script Leptos writes (so hydration runs
//! and nothing else inline does); nothing may frame the app; HSTS only when
//! the public origin is https.

use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use reqwest::Method;
use reqwest::header::HeaderMap;

use crate::harness::{TestApp, spawn, spawn_with};

const HOME: &str = "/settings/customer-notifications";

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn assert_framing_and_sniffing_refused(headers: &HeaderMap, what: &str) {
    assert_eq!(header(headers, "x-frame-options"), "DENY", "{what}");
    assert_eq!(
        header(headers, "x-content-type-options"),
        "nosniff",
        "{what}"
    );
    assert_eq!(header(headers, "referrer-policy"), "same-origin", "{what}");
    assert!(
        header(headers, "content-security-policy").contains("frame-ancestors 'none'"),
        "{what}"
    );
}

/// The page's nonce from its policy; every `<script` in the HTML has it.
async fn assert_page_scripts_carry_the_nonce(app: &TestApp, path: &str) {
    let r = app.call(Method::GET, path).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    let headers = r.headers().clone();
    assert_framing_and_sniffing_refused(&headers, path);
    let policy = header(&headers, "content-security-policy").to_owned();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("{path}: no nonce in {policy}"));
    assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
    assert!(
        !policy.contains("script-src 'self' 'unsafe-inline'"),
        "{policy}"
    );
    let html = r.text().await.unwrap();
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    assert!(!scripts.is_empty(), "{path}: the hydration script");
    for script in scripts {
        let tag = script.split('>').next().unwrap();
        assert!(
            tag.contains(&format!("nonce=\"{nonce}\"")),
            "{path}: <script{tag}> without the nonce {nonce}"
        );
    }
    // A fresh nonce for every response.
    let again = app.call(Method::GET, path).send().await.unwrap();
    assert!(!header(again.headers(), "content-security-policy").contains(nonce));
}

async fn pages_have_a_policy_whose_nonce_is_on_every_inline_script(db: &TestDb) {
    let app = spawn(db).await;
    assert_page_scripts_carry_the_nonce(&app, "/login").await;
    assert_page_scripts_carry_the_nonce(&app, "/signup").await;
    app.sign_up("Maple", "owner@maple.example").await;
    // Rendered with its data (serialised into inline scripts).
    assert_page_scripts_carry_the_nonce(&app, HOME).await;
    assert_page_scripts_carry_the_nonce(&app, "/deliveries").await;
}

async fn every_other_response_refuses_framing_and_sniffing(db: &TestDb) {
    let app = spawn(db).await;
    for path in [
        "/api/v1/settings",
        "/healthz",
        "/no-such-page",
        "/webhooks/shopify/ep_x",
    ] {
        let r = app.call(Method::GET, path).send().await.unwrap();
        assert_framing_and_sniffing_refused(r.headers(), path);
        assert!(
            r.headers().get("strict-transport-security").is_none(),
            "{path}"
        );
    }
    let r = app
        .call(Method::POST, "/api/v1/session")
        .json(&serde_json::json!({"email": "a@b.example", "password": "wrong wrong wrong"}))
        .send()
        .await
        .unwrap();
    assert_framing_and_sniffing_refused(r.headers(), "POST /api/v1/session");
    assert_eq!(
        header(r.headers(), "content-security-policy"),
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
    );
}

async fn hsts_only_when_the_public_origin_is_https(db: &TestDb) {
    let app = spawn_with(db, |config| {
        config.public_url = url::Url::parse("https://notify.example").unwrap();
    })
    .await;
    for path in ["/login", "/api/v1/settings"] {
        let r = app.call(Method::GET, path).send().await.unwrap();
        assert_eq!(
            header(r.headers(), "strict-transport-security"),
            "max-age=31536000",
            "{path}"
        );
    }
}

tests_on_both_backends!(
    pages_have_a_policy_whose_nonce_is_on_every_inline_script,
    every_other_response_refuses_framing_and_sniffing,
    hsts_only_when_the_public_origin_is_https,
);
