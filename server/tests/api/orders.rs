//! The order search, the timeline and resend, through the JSON API and the
//! pages' server functions, on both backends: a signed webhook in, the
//! order found by number, source, email or phone; its timeline with the
//! webhook, each channel's decision and why, the message and its attempt;
//! a resend arriving at a real SMTP listener, recorded with who asked; a
//! STOP honoured; another merchant's ids not found; cross-site refused.

use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use notify_testkit::smtp::SmtpServer;
use reqwest::Method;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::delivery::{SID, sms_config, until};
use crate::harness::{TestApp, spawn, spawn_with};
use crate::webhooks::{merchant_ids, merchant_named, post_signed_event, settled};

fn order(id: &str, email: &str, phone: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "type": "order.status_changed", "source": "cto",
        "order": {"id": id, "number": format!("N-{id}"), "status": "delivered", "updated_at": "2026-03-14T10:00:00Z"},
        "customer": {"name": "Ada Lovelace", "email": email, "phone": phone}
    }))
    .unwrap()
}

/// A merchant of [`merchant_named`] (every rule on, both channels) whose
/// generic endpoint received `body` as message `id`; the endpoint and its
/// secret.
async fn merchant_with_order(
    app: &TestApp,
    email: &str,
    id: &str,
    body: &[u8],
) -> (String, String) {
    let store = email.split('@').nth(1).unwrap().to_owned();
    let (url, integration) = merchant_named(app, &store, email, "events", json!({})).await;
    let secret = integration["signing_secret"].as_str().unwrap().to_owned();
    let now = chrono::Utc::now().timestamp();
    assert_eq!(post_signed_event(&url, &secret, id, now, body).await, 200);
    settled(app).await;
    (url, secret)
}

/// `POST /api/v1/deliveries/{job}/resend` from the app's own page.
async fn resend(app: &TestApp, job: &str) -> (u16, Value) {
    let path = format!("/api/v1/deliveries/{job}/resend");
    app.send_json(Method::POST, &path, json!({})).await
}

fn kinds(timeline: &Value) -> Vec<&str> {
    timeline["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect()
}

fn of_kind<'a>(timeline: &'a Value, kind: &str) -> Vec<&'a Value> {
    timeline["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .collect()
}

async fn an_order_is_found_and_its_timeline_tells_what_happened_and_why(db: &TestDb) {
    let app = spawn(db).await;
    // No phone: the text stays silent, and the timeline says why.
    let body = order("501", "Ada@Example.com", "");
    let (url, secret) = merchant_with_order(&app, "owner@maple.example", "m1", &body).await;
    until(&app, |d| d.len() == 1 && d[0]["state"] == "sent").await;
    // The same status again (another delivery of it): a duplicate.
    let now = chrono::Utc::now().timestamp();
    assert_eq!(
        post_signed_event(&url, &secret, "m2", now, &body).await,
        200
    );
    settled(&app).await;

    for query in [
        "N-501",
        "#n-501",
        "501",
        "cto",
        "ada@example.com",
        "ADA@EXAMPLE.COM",
        "",
    ] {
        let (status, found) = app
            .get_json(&format!("/api/v1/orders?query={}", urlencode(query)))
            .await;
        assert_eq!(status, 200, "{query}: {found}");
        let orders = found["orders"].as_array().unwrap();
        assert_eq!(orders.len(), 1, "{query}: {found}");
        assert_eq!(orders[0]["source"], "cto");
        assert_eq!(orders[0]["document_id"], "501");
        assert_eq!(orders[0]["number"], "N-501");
        assert_eq!(orders[0]["webhooks"], 2);
        assert_eq!(orders[0]["last_trigger"], "order.cto.delivered");
    }
    assert_eq!(
        app.get_json("/api/v1/orders").await.1["orders"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    for miss in ["502", "shopify", "bob@example.com", "+14155550134"] {
        let found = app
            .get_json(&format!("/api/v1/orders?query={}", urlencode(miss)))
            .await
            .1;
        assert_eq!(found["orders"], json!([]), "{miss}");
    }
    let (status, refused) = app
        .get_json(&format!("/api/v1/orders?query={}", "x".repeat(129)))
        .await;
    assert_eq!(
        (status, refused["error"]["fields"][0]["field"].as_str()),
        (422, Some("query"))
    );

    let (status, timeline) = app.get_json("/api/v1/orders/cto/501").await;
    assert_eq!(status, 200, "{timeline}");
    assert_eq!(timeline["number"], "N-501");
    assert_eq!(
        kinds(&timeline),
        ["webhook", "message", "attempt", "webhook"],
        "{timeline}"
    );
    let webhooks = of_kind(&timeline, "webhook");
    let first = webhooks[0];
    assert_eq!(first["topic"], "order.status_changed");
    assert_eq!(first["platform"], "events");
    assert_eq!(first["trigger"], "order.cto.delivered");
    assert_eq!(first["outcome"], "jobs_created");
    assert_eq!(first["duplicate"], false);
    let decisions = first["decisions"].as_array().unwrap();
    assert_eq!(decisions[0]["channel"], "email");
    assert_eq!(decisions[0]["skipped"], Value::Null);
    assert_eq!(decisions[1]["channel"], "sms");
    assert_eq!(decisions[1]["skipped"], "no_phone_number");
    assert!(
        decisions[1]["explanation"]
            .as_str()
            .unwrap()
            .contains("no customer phone number"),
        "{decisions:?}"
    );
    assert_eq!(webhooks[1]["duplicate"], true, "{timeline}");
    let message = of_kind(&timeline, "message")[0];
    assert_eq!(message["delivery"]["state"], "sent");
    assert_eq!(message["delivery"]["recipient"], "A***@example.com");
    assert_eq!(message["resendable"], true);
    let attempt = of_kind(&timeline, "attempt")[0];
    assert_eq!(attempt["job_id"], message["delivery"]["id"]);
    assert_eq!(attempt["attempt"]["outcome"], "sent");

    // The event log names the order each webhook was about.
    let events = app.get_json("/api/v1/events").await.1["events"].clone();
    assert!(
        events
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["source"] == "cto" && e["document_id"] == "501"),
        "{events}"
    );
    // The pages read the same.
    let (status, found) = app
        .send_json(
            Method::POST,
            "/api/orders/search",
            json!({"query": "n-501"}),
        )
        .await;
    assert_eq!(
        (status, found[0]["document_id"].as_str()),
        (200, Some("501"))
    );
    let (status, page) = app
        .send_json(
            Method::POST,
            "/api/orders/timeline",
            json!({"source": "cto", "id": "501"}),
        )
        .await;
    assert_eq!((status, kinds(&page)), (200, kinds(&timeline)));

    // Unknown orders and sources are not found.
    for missing in [
        "/api/v1/orders/cto/999",
        "/api/v1/orders/ebay/501",
        "/api/v1/orders/invoice/501",
    ] {
        assert_eq!(app.get_json(missing).await.0, 404, "{missing}");
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn a_resend_reaches_the_customer_again_and_records_who_asked(db: &TestDb) {
    let smtp = SmtpServer::start(0).await;
    let smtp_url = smtp.url();
    let app = spawn_with(db, move |c| {
        c.smtp_url = Some(smtp_url);
        c.smtp_from = "notify@maple.example".to_owned();
    })
    .await;
    merchant_with_order(
        &app,
        "owner@maple.example",
        "m1",
        &order("601", "ada@example.com", ""),
    )
    .await;
    let sent = until(&app, |d| d.len() == 1 && d[0]["state"] == "sent").await;
    let original = sent[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(smtp.messages().len(), 1);

    let (status, resent) = resend(&app, &original).await;
    assert_eq!(status, 201, "{resent}");
    assert_eq!(resent["resend_of"], original.as_str());
    assert_eq!(resent["delivery"]["resend_of"], original.as_str());
    assert_eq!(resent["delivery"]["resent_by"], "owner@maple.example");
    assert_eq!(resent["delivery"]["state"], "pending");
    let resent_id = resent["delivery"]["id"].as_str().unwrap().to_owned();
    assert_ne!(resent_id, original);
    until(&app, |d| {
        d.len() == 2 && d.iter().all(|j| j["state"] == "sent")
    })
    .await;
    let messages = smtp.messages();
    assert_eq!(messages.len(), 2, "a second email arrived");
    assert!(messages.iter().all(|m| m.to == vec!["ada@example.com"]));

    let timeline = app.get_json("/api/v1/orders/cto/601").await.1;
    let messages = of_kind(&timeline, "message");
    assert_eq!(messages.len(), 2, "{timeline}");
    assert_eq!(messages[1]["delivery"]["id"], resent_id.as_str());
    assert_eq!(messages[1]["delivery"]["resend_of"], original.as_str());
    assert_eq!(messages[1]["delivery"]["resent_by"], "owner@maple.example");
    assert_eq!(of_kind(&timeline, "attempt").len(), 2);

    // The audit trail's resends (the activity page) name who and which.
    let (status, trail) = app
        .send_json(Method::POST, "/api/activity/resends", json!({}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(trail.as_array().unwrap().len(), 1, "{trail}");
    assert_eq!(trail[0]["resent_by"], "owner@maple.example");
    assert_eq!(trail[0]["document_id"], "601");

    // Limited like test sends: 10 an hour (the page's form counts too).
    let (status, _) = app
        .call(Method::POST, "/api/orders/resend")
        .form(&[("id", original.as_str())])
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .unwrap();
    assert_eq!(status, 200);
    for _ in 0..8 {
        let (status, body) = resend(&app, &original).await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, refused) = resend(&app, &original).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (429, Some("too_many_requests"))
    );
    until(&app, |d| d.len() == 11).await;
}

async fn a_resend_never_texts_a_customer_who_replied_stop(db: &TestDb) {
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/2010-04-01/Accounts/{SID}/Messages.json")))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"sid": "SM0701"})))
        .mount(&api)
        .await;
    let sms = sms_config(&api);
    let app = spawn_with(db, move |c| c.sms = Some(sms)).await;
    merchant_with_order(
        &app,
        "owner@maple.example",
        "m1",
        &order("701", "ada@example.com", "+14155550134"),
    )
    .await;
    let sent = until(&app, |d| {
        d.len() == 2 && d.iter().all(|j| j["state"] == "sent")
    })
    .await;
    let text = sent.iter().find(|j| j["channel"] == "sms").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let email = sent.iter().find(|j| j["channel"] == "email").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let store = db.store().await;
    let merchant = merchant_ids(&store).await.remove(0);
    store
        .set_sms_opt_out(&merchant, "+14155550134", "stop", chrono::Utc::now())
        .await
        .unwrap();
    let (status, refused) = resend(&app, &text).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (409, Some("opted_out")),
        "{refused}"
    );
    // The page's form says the same, as an answer (never a server error),
    // and queues nothing either; so does a message it does not have.
    for (id, says) in [
        (text.as_str(), "replied STOP"),
        ("job_nothing", "no such message"),
    ] {
        let r = app
            .call(Method::POST, "/api/orders/resend")
            .header("Accept", "application/json")
            .form(&[("id", id)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let answer: Value = r.json().await.unwrap();
        let message = answer["Refused"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{answer}");
    }
    // The timeline's form (a browser's post, no WebAssembly) comes back to
    // the timeline, which says what happened; an address elsewhere is not
    // followed.
    for (back, to) in [
        ("/orders/cto/701", "/orders/cto/701?resend=opted-out"),
        (
            "/orders/cto/701?resend=queued-sms",
            "/orders/cto/701?resend=opted-out",
        ),
        (
            "//evil.example/x",
            "/settings/customer-notifications?resend=opted-out",
        ),
    ] {
        let r = app
            .call(Method::POST, "/api/orders/resend")
            .header("Accept", "text/html,application/xhtml+xml")
            .form(&[("id", text.as_str()), ("back", back)])
            .send()
            .await
            .unwrap();
        // Followed, as a browser does: the timeline, saying what happened.
        let landed = format!("{}?{}", r.url().path(), r.url().query().unwrap_or(""));
        assert_eq!(landed, to, "{back}");
        let html = r.text().await.unwrap();
        if to.starts_with("/orders/") {
            assert!(
                html.contains("The customer replied STOP to your texts"),
                "{html}"
            );
        }
    }
    let page = |path: &'static str| {
        let call = app.call(Method::GET, path);
        async move { call.send().await.unwrap().text().await.unwrap() }
    };
    let made_up = page("/orders/cto/701?resend=anything-else").await;
    assert!(!made_up.contains("resend-result"), "{made_up}");
    // The email may go again.
    let (status, _) = resend(&app, &email).await;
    assert_eq!(status, 201);
    let done = until(&app, |d| {
        d.len() == 3 && d.iter().all(|j| j["state"] == "sent")
    })
    .await;
    assert_eq!(done.iter().filter(|j| j["channel"] == "sms").count(), 1);
    assert_eq!(
        api.received_requests().await.unwrap().len(),
        1,
        "texted once only"
    );
}

async fn another_merchants_orders_and_messages_are_not_found(db: &TestDb) {
    let app = spawn(db).await;
    let a = app.new_browser();
    merchant_with_order(
        &a,
        "owner@alpha.example",
        "m1",
        &order("801", "ada@example.com", ""),
    )
    .await;
    let sent = until(&a, |d| d.len() == 1 && d[0]["state"] == "sent").await;
    let job = sent[0]["id"].as_str().unwrap().to_owned();

    let b = app.new_browser();
    b.sign_up("Beta", "owner@beta.example").await;
    assert_eq!(b.get_json("/api/v1/orders/cto/801").await.0, 404);
    assert_eq!(
        b.get_json("/api/v1/orders?query=801").await.1["orders"],
        json!([])
    );
    assert_eq!(
        b.get_json("/api/v1/orders?query=ada%40example.com").await.1["orders"],
        json!([])
    );
    let (status, body) = resend(&b, &job).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, page) = b
        .send_json(
            Method::POST,
            "/api/orders/timeline",
            json!({"source": "cto", "id": "801"}),
        )
        .await;
    assert_eq!((status, page), (200, Value::Null));
    assert_eq!(
        b.get_json("/api/v1/deliveries").await.1["deliveries"],
        json!([])
    );
    // A's message was not copied.
    assert_eq!(until(&a, |d| d.len() == 1).await.len(), 1);
}

async fn a_cross_site_resend_is_refused_and_queues_nothing(db: &TestDb) {
    let app = spawn(db).await;
    merchant_with_order(
        &app,
        "owner@maple.example",
        "m1",
        &order("901", "ada@example.com", ""),
    )
    .await;
    let sent = until(&app, |d| d.len() == 1 && d[0]["state"] == "sent").await;
    let job = sent[0]["id"].as_str().unwrap().to_owned();
    let resend = format!("/api/v1/deliveries/{job}/resend");
    let from_evil = app
        .client
        .post(app.url(&resend))
        .header("Origin", "https://evil.example")
        .header("Sec-Fetch-Site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(from_evil.status(), 403);
    let without_origin = app.client.post(app.url(&resend)).send().await.unwrap();
    assert_eq!(without_origin.status(), 403);
    let form_from_evil = app
        .client
        .post(app.url("/api/orders/resend"))
        .header("Origin", "https://evil.example")
        .form(&[("id", job.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(form_from_evil.status(), 403);
    assert_eq!(
        app.get_json("/api/v1/deliveries").await.1["deliveries"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // An API key needs no Origin (a script, not a browser).
    let (_, key) = app
        .send_json(Method::POST, "/api/v1/api-keys", json!({"name": "script"}))
        .await;
    let with_key = reqwest::Client::new()
        .post(app.url(&resend))
        .bearer_auth(key["key"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(with_key.status(), 201);
    let resent: Value = with_key.json().await.unwrap();
    assert_eq!(resent["delivery"]["resent_by"], "API key script");
}

async fn html(app: &TestApp, page: &str) -> (u16, String) {
    let r = app.call(Method::GET, page).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn the_order_pages_render_on_the_server_and_the_logs_link_to_them(db: &TestDb) {
    let app = spawn(db).await;
    let (url, secret) = merchant_with_order(
        &app,
        "owner@maple.example",
        "m1",
        &order("1001", "ada@example.com", ""),
    )
    .await;
    let sent = until(&app, |d| d.len() == 1 && d[0]["state"] == "sent").await;
    let job = sent[0]["id"].as_str().unwrap();
    resend(&app, job).await;
    // A platform's id may hold a `/`: its address keeps it in one segment.
    let now = chrono::Utc::now().timestamp();
    let slashed = order("B/7", "bo@example.com", "");
    assert_eq!(
        post_signed_event(&url, &secret, "m2", now, &slashed).await,
        200
    );
    settled(&app).await;
    assert_eq!(app.get_json("/api/v1/orders/cto/B%2F7").await.0, 200);
    let (status, page) = html(&app, "/orders/cto/B%2F7").await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"data-kind="webhook""#), "{page}");

    let (status, list) = html(&app, "/orders?query=%23N-1001").await;
    assert_eq!(status, 200);
    assert!(list.contains(r#"data-testid="order:cto:1001""#), "{list}");
    assert!(list.contains(r#"href="/orders/cto/1001""#));
    assert!(!list.contains("B/7"), "only the order searched for");
    assert!(
        html(&app, "/orders")
            .await
            .1
            .contains(r#"href="/orders/cto/B%2F7""#)
    );
    let (status, none) = html(&app, "/orders?query=nothing-like-it").await;
    assert_eq!(status, 200);
    assert!(none.contains(r#"data-testid="no-orders""#));

    let (status, timeline) = html(&app, "/orders/cto/1001").await;
    assert_eq!(status, 200);
    for expected in [
        r#"data-testid="order-timeline""#,
        r#"data-kind="webhook""#,
        r#"data-kind="message""#,
        r#"data-kind="attempt""#,
        "The order has no customer phone number.",
        "Resent by owner@maple.example.",
        r#"data-testid="resend""#,
        "Yes, resend now",
    ] {
        assert!(timeline.contains(expected), "missing {expected}");
    }
    assert_eq!(html(&app, "/orders/cto/9999").await.0, 404);

    // The delivery log, a message, the activity trail and the last
    // webhook of the integration (B/7's) link to the timeline.
    for (page, timeline) in [
        ("/deliveries".to_owned(), "1001"),
        (format!("/deliveries/{job}"), "1001"),
        ("/activity".to_owned(), "1001"),
        ("/integrations".to_owned(), "B%2F7"),
    ] {
        let (status, body) = html(&app, &page).await;
        assert_eq!(status, 200, "{page}");
        let link = format!(r#"href="/orders/cto/{timeline}""#);
        assert!(body.contains(&link), "{page} links to the timeline");
    }
}

tests_on_both_backends!(
    the_order_pages_render_on_the_server_and_the_logs_link_to_them,
    an_order_is_found_and_its_timeline_tells_what_happened_and_why,
    a_resend_reaches_the_customer_again_and_records_who_asked,
    a_resend_never_texts_a_customer_who_replied_stop,
    another_merchants_orders_and_messages_are_not_found,
    a_cross_site_resend_is_refused_and_queues_nothing,
);
