//! The pages through real HTTP: who may open which page, the account forms
//! (plain form posts, as a browser without the WASM sends them), and the
//! saved rules in the server-rendered HTML.

use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use reqwest::header::{ACCEPT, LOCATION, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{TestApp, rule, spawn};

const HOME: &str = "/settings/customer-notifications";

/// A form post as the browser sends it before the WASM has loaded.
async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.call(Method::POST, path)
        .header(ACCEPT, "text/html,application/xhtml+xml")
        .form(form)
        .send()
        .await
        .unwrap()
}

fn location(response: &reqwest::Response) -> &str {
    response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn sets_session(response: &reqwest::Response) -> bool {
    response.headers().get_all(SET_COOKIE).iter().any(|v| {
        v.to_str().unwrap_or_default().starts_with("cn_session=")
            && !v.to_str().unwrap_or_default().starts_with("cn_session=;")
    })
}

async fn signed_out_visitors_are_sent_to_the_login_page(db: &TestDb) {
    let app = spawn(db).await.new_browser_without_redirects();
    for (page, next) in [
        (HOME, "%2Fsettings%2Fcustomer-notifications"),
        ("/deliveries?state=sent", "%2Fdeliveries%3Fstate%3Dsent"),
        ("/integrations", "%2Fintegrations"),
        ("/activity", "%2Factivity"),
        ("/orders?query=1001", "%2Forders%3Fquery%3D1001"),
        ("/orders/shopify/1001", "%2Forders%2Fshopify%2F1001"),
        ("/", "%2F"),
    ] {
        let response = app.call(Method::GET, page).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{page}");
        assert_eq!(location(&response), format!("/login?next={next}"), "{page}");
    }
    let login = app.call(Method::GET, "/login").send().await.unwrap();
    assert_eq!(login.status(), 200);
    assert!(login.text().await.unwrap().contains("Sign in"));
}

async fn the_sign_up_form_starts_a_session_and_opens_the_settings(db: &TestDb) {
    let app = spawn(db).await.new_browser_without_redirects();
    let refused = post_form(
        &app,
        "/api/account/sign-up",
        &[
            ("store_name", "Maple & Co"),
            ("email", "owner@maple.example"),
            ("password", "short"),
            ("time_zone", "Europe/London"),
        ],
    )
    .await;
    assert!(
        !sets_session(&refused),
        "an invalid sign-up starts no session"
    );
    let signed_up = post_form(
        &app,
        "/api/account/sign-up",
        &[
            ("store_name", "Maple & Co"),
            ("email", "owner@maple.example"),
            ("password", "correct horse battery"),
            ("time_zone", "Europe/London"),
        ],
    )
    .await;
    assert!(
        signed_up.status().is_redirection(),
        "{}",
        signed_up.status()
    );
    assert_eq!(location(&signed_up), HOME);
    assert!(sets_session(&signed_up));
    let page = app.call(Method::GET, HOME).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("No order notifications yet"), "{html}");
    // Signed in, the login page sends the merchant on to the settings.
    let login = app.call(Method::GET, "/login").send().await.unwrap();
    assert_eq!(location(&login), HOME);
}

async fn the_login_form_refuses_wrong_passwords_and_returns_to_the_page_asked_for(db: &TestDb) {
    let app = spawn(db).await;
    app.sign_up("Maple", "owner@maple.example").await;
    let visitor = app.new_browser_without_redirects();
    let wrong = visitor
        .call(Method::POST, "/api/account/log-in")
        .form(&[
            ("email", "owner@maple.example"),
            ("password", "not the password"),
        ])
        .send()
        .await
        .unwrap();
    assert!(!sets_session(&wrong));
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("wrong email or password")
    );
    // Somewhere else than this site is never where login leads.
    let elsewhere = post_form(
        &visitor,
        "/api/account/log-in",
        &[
            ("email", "owner@maple.example"),
            ("password", "correct horse battery"),
            ("next", "//evil.example/"),
        ],
    )
    .await;
    assert_eq!(location(&elsewhere), HOME);
    let back = post_form(
        &visitor.new_browser_without_redirects(),
        "/api/account/log-in",
        &[
            ("email", "owner@maple.example"),
            ("password", "correct horse battery"),
            ("next", "/deliveries?state=sent"),
        ],
    )
    .await;
    assert_eq!(location(&back), "/deliveries?state=sent");
    assert!(sets_session(&back));
}

/// A refused form comes back as its page: the errors at their fields and
/// what was typed (never the password), once; nothing in the address says
/// what the page shows.
async fn a_refused_form_comes_back_with_its_errors_and_what_was_typed(db: &TestDb) {
    let app = spawn(db).await;
    app.sign_up("Maple", "owner@maple.example").await;
    let visitor = app.new_browser_without_redirects();

    let wrong = post_form(
        &visitor,
        "/api/account/log-in",
        &[
            ("email", "owner@maple.example"),
            ("password", "not the password"),
            ("next", "/deliveries?state=sent"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::FOUND);
    assert_eq!(location(&wrong), "/login?next=%2Fdeliveries%3Fstate%3Dsent");
    assert!(!sets_session(&wrong));
    // The answer's cookie: for the login page only, HttpOnly, and a session
    // cookie (no expiry: kept in the browser's memory, not on disk).
    let kept: Vec<&str> = wrong
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|v| v.starts_with("cn_form="))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].contains("HttpOnly"), "{kept:?}");
    assert!(kept[0].contains("Path=/login"), "{kept:?}");
    assert!(
        !kept[0].contains("Max-Age") && !kept[0].contains("Expires"),
        "{kept:?}"
    );
    let page = visitor
        .call(Method::GET, location(&wrong))
        .send()
        .await
        .unwrap();
    assert!(page.headers().get_all(SET_COOKIE).iter().any(|v| {
        v.to_str()
            .unwrap_or_default()
            .starts_with("cn_form=; HttpOnly")
    }));
    let html = page.text().await.unwrap();
    assert!(html.contains("Wrong email or password"), "{html}");
    assert!(html.contains(r#"value="owner@maple.example""#), "{html}");
    assert!(!html.contains("not the password"), "{html}");
    assert!(html.contains(r#"value="/deliveries?state=sent""#), "{html}");
    // Shown once: a reload is a fresh form.
    let again = visitor.call(Method::GET, "/login").send().await.unwrap();
    assert!(
        !again
            .text()
            .await
            .unwrap()
            .contains("Wrong email or password")
    );

    let invalid = post_form(
        &visitor,
        "/api/account/sign-up",
        &[
            ("store_name", "Birch & <Co>"),
            ("email", "buyer@birch.example"),
            ("password", "tiny-pw"),
            ("time_zone", "Europe/Berlin"),
        ],
    )
    .await;
    assert_eq!(location(&invalid), "/signup");
    assert!(!sets_session(&invalid));
    let html = visitor
        .call(Method::GET, "/signup")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("at least 10"), "{html}");
    assert!(html.contains(r#"value="Birch &amp; &lt;Co&gt;""#), "{html}");
    assert!(html.contains(r#"value="buyer@birch.example""#), "{html}");
    assert!(
        html.contains(r#"<option value="Europe/Berlin" selected"#),
        "{html}"
    );
    assert!(!html.contains("tiny-pw"), "{html}");
    // A cookie this server did not write shows nothing (and breaks nothing).
    let forged = visitor
        .call(Method::GET, "/signup")
        .header("Cookie", "cn_form=bm90IG91cnM")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 200);
}

/// An integration card's save is a plain post answered by a redirect back
/// to the card: the new signing secret is shown on that card once; a
/// refusal shows its errors and the typed values, but no secret typed.
async fn an_integration_cards_save_comes_back_to_the_card_once(db: &TestDb) {
    let browser = spawn(db).await.new_browser_without_redirects();
    browser.sign_up("Maple", "owner@maple.example").await;
    let created = post_form(
        &browser,
        "/api/integrations/save",
        &[("platform", "events")],
    )
    .await;
    assert_eq!(created.status(), StatusCode::FOUND);
    assert_eq!(location(&created), "/integrations#integration-events");
    let page = |path: &'static str| {
        let browser = browser.clone();
        async move {
            let r = browser.call(Method::GET, path).send().await.unwrap();
            assert_eq!(r.status(), 200);
            r.text().await.unwrap()
        }
    };
    let html = page("/integrations").await;
    let secret = html
        .split(r#"value=""#)
        .find(|rest| rest.starts_with("whsec_"))
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no signing secret shown: {html}"))
        .to_owned();
    assert!(html.contains("Saved."), "{html}");
    // Shown once: the page again does not show it.
    let again = page("/integrations").await;
    assert!(!again.contains(&secret), "the secret was shown twice");
    assert!(!again.contains("Saved."), "{again}");

    let refused = post_form(
        &browser,
        "/api/integrations/save",
        &[
            ("platform", "bigcommerce"),
            ("fields[store_hash]", "not a hash!"),
            ("fields[api_token]", "tok-typed-9f2"),
            ("fields[hook_secret]", "hook-typed-3c1"),
        ],
    )
    .await;
    assert_eq!(location(&refused), "/integrations#integration-bigcommerce");
    let html = page("/integrations").await;
    assert!(html.contains("Must be the store hash"), "{html}");
    assert!(html.contains(r#"value="not a hash!""#), "{html}");
    assert!(!html.contains("tok-typed-9f2"), "a typed secret came back");
    assert!(!html.contains("hook-typed-3c1"), "a typed secret came back");
    assert!(!html.contains("Saved."), "{html}");
}

/// Crafted `?next=` values that browsers would follow to another site, or
/// that cannot be a header: every one signs in and lands on the settings.
async fn logging_in_never_leads_off_the_site(db: &TestDb) {
    let app = spawn(db).await;
    app.sign_up("Maple", "owner@maple.example").await;
    for next in [
        "/\t/evil.example/x",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "//evil.example",
        "/\\evil.example",
        "/%09/evil.example",
        "/%2F/evil.example",
        "/%5Cevil.example",
        "%2F%2Fevil.example",
        "https://evil.example/",
        "/\u{85}/evil.example",
    ] {
        let response = post_form(
            &app.new_browser_without_redirects(),
            "/api/account/log-in",
            &[
                ("email", "owner@maple.example"),
                ("password", "correct horse battery"),
                ("next", next),
            ],
        )
        .await;
        assert_eq!(response.status(), StatusCode::FOUND, "{next:?}");
        assert_eq!(location(&response), HOME, "{next:?}");
        assert!(sets_session(&response), "{next:?}");
    }
}

async fn signing_out_ends_the_session(db: &TestDb) {
    let app = spawn(db).await;
    app.sign_up("Maple", "owner@maple.example").await;
    let out = post_form(&app, "/api/account/log-out", &[]).await;
    assert!(out.status().is_success() || out.status().is_redirection());
    let (status, _) = app.get_json("/api/v1/settings").await;
    assert_eq!(status, 401);
}

async fn the_server_renders_the_saved_rules_without_the_wasm(db: &TestDb) {
    let app = spawn(db).await;
    app.sign_up("Maple & Co", "owner@maple.example").await;
    let (status, _) = app
        .send_json(
            Method::PUT,
            "/api/v1/settings",
            json!({"version": 0, "rules": [
                rule(("order", Some("shopify"), "delivered"), true, true, true),
                rule(("invoice", None, "closed"), true, false, true),
            ]}),
        )
        .await;
    assert_eq!(status, 200);
    let html = app
        .call(Method::GET, HOME)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for expected in [
        r#"data-testid="rule:order.shopify.delivered""#,
        r#"data-testid="rule:invoice.closed""#,
        r#"data-channels="email sms""#,
        "srcdoc=",
    ] {
        assert!(html.contains(expected), "missing {expected}");
    }
}

/// The page's server functions refuse bad input as the JSON API does: the
/// same 4xx status (never a 500) and the reason in words, for a request
/// from the page and for the server-rendered page itself.
async fn the_pages_refuse_bad_input_with_the_apis_status(db: &TestDb) {
    let app = spawn(db).await;
    app.sign_up("Maple & Co", "owner@maple.example").await;
    let too_long = "x".repeat(129);
    // A cursor from elsewhere (400), and a search over the length limit (422).
    let cases = [
        (
            "/api/v1/deliveries?before=garbage".to_owned(),
            "/api/deliveries/list",
            json!({"query": {"before": "garbage"}}),
            "/deliveries?before=garbage".to_owned(),
        ),
        (
            format!("/api/v1/orders?query={too_long}"),
            "/api/orders/search",
            json!({"query": too_long}),
            format!("/orders?query={too_long}"),
        ),
    ];
    for (api, server_fn, body, page) in cases {
        let (api_status, _) = app.get_json(&api).await;
        assert!((400..500).contains(&api_status), "{api}: {api_status}");
        let response = app
            .call(Method::POST, server_fn)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), api_status, "{server_fn}");
        let reason = response.text().await.unwrap();
        assert!(!reason.contains("went wrong"), "{server_fn}: {reason}");
        let page_status = app.call(Method::GET, &page).send().await.unwrap().status();
        assert_eq!(page_status.as_u16(), api_status, "{page}");
    }
}

tests_on_both_backends!(
    signed_out_visitors_are_sent_to_the_login_page,
    the_sign_up_form_starts_a_session_and_opens_the_settings,
    the_login_form_refuses_wrong_passwords_and_returns_to_the_page_asked_for,
    a_refused_form_comes_back_with_its_errors_and_what_was_typed,
    an_integration_cards_save_comes_back_to_the_card_once,
    logging_in_never_leads_off_the_site,
    signing_out_ends_the_session,
    the_server_renders_the_saved_rules_without_the_wasm,
    the_pages_refuse_bad_input_with_the_apis_status,
);
