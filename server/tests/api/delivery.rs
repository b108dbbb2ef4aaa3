//! Delivery through the real parts: a signed webhook in, a message received
//! by a real SMTP listener over TCP and by an HTTP SMS API (wiremock), with
//! the exact rendered content; retries and permanent failures as they
//! should be.

use std::time::Duration;

use notify_core::MerchantName;
use notify_core::templates::{MessageContext, render_email, render_sms};
use notify_ingest::Normalized;
use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use notify_testkit::smtp::SmtpServer;
use serde_json::{Value, json};
use server::config::SmsConfig;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::harness::{TestApp, spawn_with};
use crate::webhooks::{merchant_with, post_signed_event, post_to_new_events_endpoint, settled};

pub(crate) const SID: &str = "AC0123456789";

fn order_body(id: &str, phone: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "type": "order.status_changed", "source": "cto",
        "order": {"id": id, "number": id, "status": "delivered", "updated_at": "2026-03-14T10:00:00Z"},
        "customer": {"name": "Ada Lovelace", "email": "ada@example.com", "phone": phone}
    }))
    .unwrap()
}

pub(crate) fn sms_config(api: &MockServer) -> SmsConfig {
    SmsConfig {
        api_base: url::Url::parse(&format!("{}/", api.uri())).unwrap(),
        account_sid: SID.to_owned(),
        auth_token: notify_core::secret::Secret::new("sms-token-123"),
        from: "+14155550100".to_owned(),
        timeout: Duration::from_millis(500),
    }
}

pub(crate) async fn deliveries(app: &TestApp) -> Vec<Value> {
    app.get_json("/api/v1/deliveries").await.1["deliveries"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

pub(crate) async fn until<F: Fn(&[Value]) -> bool>(app: &TestApp, done: F) -> Vec<Value> {
    for _ in 0..200 {
        let d = deliveries(app).await;
        if done(&d) {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "deliveries did not reach the expected state: {:?}",
        deliveries(app).await
    );
}

pub(crate) async fn signed_order(app: &TestApp, id: &str, phone: &str) -> Vec<u8> {
    let body = order_body(id, phone);
    post_to_new_events_endpoint(app, &format!("msg_{id}"), &body).await;
    body
}

async fn a_webhook_becomes_an_email_and_an_sms_with_the_exact_content(db: &TestDb) {
    let smtp = SmtpServer::start(0).await;
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/2010-04-01/Accounts/{SID}/Messages.json")))
        .and(header(
            "authorization",
            "Basic QUMwMTIzNDU2Nzg5OnNtcy10b2tlbi0xMjM=",
        ))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"sid": "SM0001", "status": "queued"})),
        )
        .mount(&api)
        .await;
    let (smtp_url, sms) = (smtp.url(), sms_config(&api));
    let app = spawn_with(db, move |c| {
        c.smtp_url = Some(smtp_url);
        c.smtp_from = "notify@maple.example".to_owned();
        c.sms = Some(sms);
    })
    .await;
    let body = signed_order(&app, "77", "+14155550134").await;
    settled(&app).await;
    let done = until(&app, |d| {
        d.len() == 2 && d.iter().all(|j| j["state"] == "sent")
    })
    .await;
    assert!(done.iter().any(|j| j["provider_id"] == "SM0001"));

    // What the page previews is what was sent.
    let Normalized::Event(event) = notify_ingest::platforms::events::normalize(&body).unwrap()
    else {
        panic!()
    };
    let merchant = MerchantName::parse("Maple").unwrap();
    let ctx = MessageContext {
        merchant: &merchant,
        event: &event,
    };
    let (email, sms_text) = (render_email(ctx), render_sms(ctx).text);

    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(m.from, "notify@maple.example");
    assert_eq!(m.to, vec!["ada@example.com"]);
    let decoded = decode_quoted_printable(&m.data);
    assert!(
        m.data.contains(&format!("Subject: {}", email.subject)),
        "{}",
        m.data
    );
    assert!(
        m.data.contains("From: Maple <notify@maple.example>"),
        "{}",
        m.data
    );
    assert!(
        m.data.contains("Reply-To: Maple <owner@maple.example>"),
        "{}",
        m.data
    );
    assert!(m.data.contains("multipart/alternative"));
    assert!(m.data.contains("Message-ID: <job_"), "{}", m.data);
    assert!(m.data.contains("Date: "));
    assert!(
        decoded.contains(email.text.trim_end()),
        "text part:\n{decoded}"
    );
    assert!(
        decoded.contains(email.html.trim_end()),
        "html part:\n{decoded}"
    );

    let requests = api.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&requests[0].body)
        .into_owned()
        .collect();
    assert_eq!(
        form,
        vec![
            ("To".to_owned(), "+14155550134".to_owned()),
            ("From".to_owned(), "+14155550100".to_owned()),
            ("Body".to_owned(), sms_text),
            (
                "StatusCallback".to_owned(),
                format!("{}/webhooks/sms/status", app.origin)
            ),
        ]
    );
}

/// Undoes quoted-printable soft line breaks and `=XX` escapes (enough for
/// comparing parts).
pub(crate) fn decode_quoted_printable(data: &str) -> String {
    let joined = data.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}

async fn email_is_delivered_after_the_smtp_server_comes_back(db: &TestDb) {
    // A port with nobody listening (yet).
    let port = notify_testkit::free_port().unwrap();
    let app = spawn_with(db, move |c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.smtp_from = "notify@maple.example".to_owned();
        c.delivery_retry = vec![chrono::Duration::milliseconds(300); 20];
    })
    .await;
    signed_order(&app, "78", "").await;
    let retrying = until(&app, |d| d.len() == 1 && d[0]["state"] == "retrying").await;
    assert!(
        retrying[0]["last_error"].as_str().unwrap().contains("SMTP"),
        "{retrying:?}"
    );
    let smtp = SmtpServer::start(port).await;
    let sent = until(&app, |d| d.len() == 1 && d[0]["state"] == "sent").await;
    assert!(sent[0]["attempts"].as_i64().unwrap() >= 2);
    assert_eq!(smtp.messages().len(), 1);
    let id = sent[0]["id"].as_str().unwrap();
    let attempts = app.get_json(&format!("/api/v1/deliveries/{id}")).await.1["attempts"]
        .as_array()
        .cloned()
        .unwrap();
    assert_eq!(attempts.last().unwrap()["outcome"], "sent");
    assert!(
        attempts[..attempts.len() - 1]
            .iter()
            .all(|a| a["outcome"] == "transient")
    );
}

async fn sms_errors_are_retried_or_stop_as_they_should(db: &TestDb) {
    let api = MockServer::start().await;
    let messages = format!("/2010-04-01/Accounts/{SID}/Messages.json");
    // Good number: a 500, then a 429 asking to wait a second, then accepted.
    Mock::given(method("POST"))
        .and(path(messages.clone()))
        .and(body_string_contains("To=%2B14155550134"))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({"code": 20500, "message": "internal"})),
        )
        .up_to_n_times(1)
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .and(path(messages.clone()))
        .and(body_string_contains("To=%2B14155550134"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_json(json!({"code": 20429, "message": "too many"})),
        )
        .up_to_n_times(1)
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .and(path(messages.clone()))
        .and(body_string_contains("To=%2B14155550134"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"sid": "SM0002"})))
        .mount(&api)
        .await;
    // Hanging number: the first request never answers in time, then accepted.
    Mock::given(method("POST"))
        .and(path(messages.clone()))
        .and(body_string_contains("To=%2B14155550177"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"sid": "SM-late"}))
                .set_delay(Duration::from_secs(3)),
        )
        .up_to_n_times(1)
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .and(path(messages.clone()))
        .and(body_string_contains("To=%2B14155550177"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"sid": "SM0004"})))
        .mount(&api)
        .await;
    // Bad number: permanent.
    Mock::given(method("POST"))
        .and(path(messages.clone()))
        .and(body_string_contains("To=%2B14155550199"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"code": 21211, "message": "The 'To' number is not a valid phone number."}),
        ))
        .mount(&api)
        .await;
    let sms = sms_config(&api);
    let app = spawn_with(db, move |c| {
        c.sms = Some(sms);
        c.delivery_retry = vec![chrono::Duration::milliseconds(100); 5];
    })
    .await;
    let (url, integration) = merchant_with(&app, "events", json!({})).await;
    let secret = integration["signing_secret"].as_str().unwrap().to_owned();
    let now = chrono::Utc::now().timestamp();
    post_signed_event(&url, &secret, "m1", now, &order_body("81", "+14155550134")).await;
    post_signed_event(&url, &secret, "m2", now, &order_body("82", "+14155550199")).await;
    let done = until(&app, |d| {
        let sms: Vec<_> = d.iter().filter(|j| j["channel"] == "sms").collect();
        sms.len() == 2
            && sms
                .iter()
                .all(|j| j["state"] == "sent" || j["state"] == "failed")
    })
    .await;
    let good = done
        .iter()
        .find(|j| j["channel"] == "sms" && j["document_id"] == "81")
        .unwrap();
    let bad = done
        .iter()
        .find(|j| j["channel"] == "sms" && j["document_id"] == "82")
        .unwrap();
    assert_eq!(
        (good["state"].as_str(), good["attempts"].as_i64()),
        (Some("sent"), Some(3)),
        "{good}"
    );
    assert_eq!(good["provider_id"], "SM0002");
    assert_eq!(bad["state"], "failed");
    assert_eq!(bad["attempts"], 1);
    assert!(
        bad["last_error"].as_str().unwrap().contains("21211"),
        "{bad}"
    );
    assert_eq!(bad["recipient"], "+1415*****99");
    // The 429's Retry-After (1 s) was honoured over the 100 ms schedule.
    let id = good["id"].as_str().unwrap();
    let attempts = app.get_json(&format!("/api/v1/deliveries/{id}")).await.1["attempts"]
        .as_array()
        .cloned()
        .unwrap();
    let at = |i: usize| {
        chrono::DateTime::parse_from_rfc3339(attempts[i]["at"].as_str().unwrap()).unwrap()
    };
    assert!(
        at(2) - at(1) >= chrono::Duration::milliseconds(950),
        "{attempts:?}"
    );
    // Filters.
    let (_, failed) = app
        .get_json("/api/v1/deliveries?state=failed&channel=sms")
        .await;
    assert_eq!(failed["deliveries"].as_array().unwrap().len(), 1);
}

async fn without_providers_messages_go_to_the_sink_folders(db: &TestDb) {
    let app = crate::harness::spawn(db).await;
    signed_order(&app, "90", "+14155550134").await;
    let done = until(&app, |d| {
        d.len() == 2 && d.iter().all(|j| j["state"] == "sent")
    })
    .await;
    assert!(
        done.iter()
            .all(|j| j["provider_id"].as_str().unwrap().starts_with("sink:"))
    );
    let emails: Vec<_> = std::fs::read_dir(app.sink.path().join("email"))
        .unwrap()
        .collect();
    assert_eq!(emails.len(), 1);
    let eml = std::fs::read_to_string(emails[0].as_ref().unwrap().path()).unwrap();
    assert!(
        eml.contains("To: ada@example.com")
            && eml.contains("Subject: Your order #90 has been delivered"),
        "{eml}"
    );
    let sms: Vec<_> = std::fs::read_dir(app.sink.path().join("sms"))
        .unwrap()
        .collect();
    let json: Value =
        serde_json::from_slice(&std::fs::read(sms[0].as_ref().unwrap().path()).unwrap()).unwrap();
    assert_eq!(json["to"], "+14155550134");
    assert!(
        json["body"]
            .as_str()
            .unwrap()
            .starts_with("Maple: Hi Ada, your order #90 has been delivered.")
    );
}

tests_on_both_backends!(
    without_providers_messages_go_to_the_sink_folders,
    a_webhook_becomes_an_email_and_an_sms_with_the_exact_content,
    email_is_delivered_after_the_smtp_server_comes_back,
    sms_errors_are_retried_or_stop_as_they_should,
);

mod consent {
    use super::*;
    use notify_ingest::signature::twilio::sign as twilio_signature;

    async fn post_signed_form(
        app: &TestApp,
        path: &str,
        params: &[(&str, &str)],
        token: &str,
    ) -> u16 {
        let owned: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let signature = twilio_signature(token, &format!("{}{path}", app.origin), &owned);
        reqwest::Client::new()
            .post(app.url(path))
            .header("X-Twilio-Signature", signature)
            .form(params)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    fn sms_jobs(d: &[Value], order: &str) -> usize {
        d.iter()
            .filter(|j| j["channel"] == "sms" && j["document_id"] == order)
            .count()
    }

    async fn stop_and_start_replies_and_status_callbacks(db: &TestDb) {
        let api = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(format!("/2010-04-01/Accounts/{SID}/Messages.json")))
            .and(body_string_contains("StatusCallback=http"))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"sid": "SM0003"})))
            .mount(&api)
            .await;
        let sms = sms_config(&api);
        let app = spawn_with(db, move |c| c.sms = Some(sms)).await;
        let (url, integration) = merchant_with(&app, "events", json!({})).await;
        let secret = integration["signing_secret"].as_str().unwrap().to_owned();
        let send = |id: &'static str| {
            let (url, secret) = (url.clone(), secret.clone());
            async move {
                let now = chrono::Utc::now().timestamp();
                assert_eq!(
                    post_signed_event(
                        &url,
                        &secret,
                        &format!("m-{id}"),
                        now,
                        &order_body(id, "+14155550134")
                    )
                    .await,
                    200
                );
            }
        };
        send("91").await;
        until(&app, |d| {
            sms_jobs(d, "91") == 1 && d.iter().all(|j| j["state"] == "sent")
        })
        .await;

        // The provider reports delivery.
        let status = [
            ("MessageSid", "SM0003"),
            ("MessageStatus", "delivered"),
            ("To", "+14155550134"),
        ];
        assert_eq!(
            post_signed_form(&app, "/webhooks/sms/status", &status, "wrong-token").await,
            401
        );
        assert_eq!(
            post_signed_form(&app, "/webhooks/sms/status", &status, "sms-token-123").await,
            204
        );
        let d = deliveries(&app).await;
        assert_eq!(
            d.iter().find(|j| j["channel"] == "sms").unwrap()["delivery_status"],
            "delivered"
        );

        // STOP: a forged reply changes nothing, a signed one opts out.
        let stop = [
            ("From", "+14155550134"),
            ("To", "+14155550100"),
            ("Body", " stop please"),
        ];
        assert_eq!(
            post_signed_form(&app, "/webhooks/sms/inbound", &stop, "wrong-token").await,
            401
        );
        assert_eq!(
            post_signed_form(&app, "/webhooks/sms/inbound", &stop, "sms-token-123").await,
            200
        );
        send("92").await;
        let events = settled(&app).await;
        assert!(events.iter().any(|e| {
            e["detail"]
                .as_str()
                .unwrap_or("")
                .contains("1 message(s) queued")
        }));
        let d = until(&app, |d| d.iter().any(|j| j["document_id"] == "92")).await;
        assert_eq!(sms_jobs(&d, "92"), 0, "no text after STOP: {d:?}");

        // START opts back in.
        let start = [
            ("From", "+14155550134"),
            ("To", "+14155550100"),
            ("Body", "START"),
        ];
        assert_eq!(
            post_signed_form(&app, "/webhooks/sms/inbound", &start, "sms-token-123").await,
            200
        );
        send("93").await;
        until(&app, |d| sms_jobs(d, "93") == 1).await;
    }

    async fn an_unsubscribed_error_marks_the_number_opted_out(db: &TestDb) {
        let api = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(format!("/2010-04-01/Accounts/{SID}/Messages.json")))
            .respond_with(ResponseTemplate::new(400).set_body_json(
                json!({"code": 21610, "message": "Attempt to send to unsubscribed recipient"}),
            ))
            .mount(&api)
            .await;
        let sms = sms_config(&api);
        let app = spawn_with(db, move |c| c.sms = Some(sms)).await;
        let (url, integration) = merchant_with(&app, "events", json!({})).await;
        let secret = integration["signing_secret"].as_str().unwrap().to_owned();
        let now = chrono::Utc::now().timestamp();
        post_signed_event(&url, &secret, "u1", now, &order_body("95", "+14155550134")).await;
        let d = until(&app, |d| {
            d.iter()
                .any(|j| j["channel"] == "sms" && j["state"] == "failed")
        })
        .await;
        let failed = d.iter().find(|j| j["channel"] == "sms").unwrap();
        assert_eq!(failed["attempts"], 1);
        assert!(failed["last_error"].as_str().unwrap().contains("21610"));
        post_signed_event(&url, &secret, "u2", now, &order_body("96", "+14155550134")).await;
        let d = until(&app, |d| d.iter().any(|j| j["document_id"] == "96")).await;
        assert_eq!(sms_jobs(&d, "96"), 0, "{d:?}");
    }

    tests_on_both_backends!(
        stop_and_start_replies_and_status_callbacks,
        an_unsubscribed_error_marks_the_number_opted_out
    );
}

mod quiet_hours_and_test_sends {
    use super::*;
    use reqwest::Method;

    async fn texts_wait_for_quiet_hours_to_end_and_emails_do_not(db: &TestDb) {
        let app = crate::harness::spawn(db).await;
        let (url, integration) = merchant_with(&app, "events", json!({})).await;
        // A window from an hour ago to an hour from now, in the merchant's zone.
        let (_, current) = app.get_json("/api/v1/quiet-hours").await;
        let tz: chrono_tz_shim::Tz = current["time_zone"].as_str().unwrap().parse().unwrap();
        let local = chrono::Utc::now().with_timezone(&tz);
        let hhmm = |t: chrono::DateTime<chrono_tz_shim::Tz>| t.format("%H:%M").to_string();
        let window = json!({"enabled": true, "start": hhmm(local - chrono::Duration::hours(1)), "end": hhmm(local + chrono::Duration::hours(1))});
        assert_eq!(
            app.send_json(Method::PUT, "/api/v1/quiet-hours", window)
                .await
                .0,
            200
        );
        let secret = integration["signing_secret"].as_str().unwrap();
        post_signed_event(
            &url,
            secret,
            "q1",
            chrono::Utc::now().timestamp(),
            &order_body("97", "+14155550134"),
        )
        .await;
        let d = until(&app, |d| {
            d.len() == 2
                && d.iter()
                    .any(|j| j["channel"] == "email" && j["state"] == "sent")
                && d.iter().any(|j| {
                    j["channel"] == "sms"
                        && j["last_error"]
                            .as_str()
                            .is_some_and(|e| e.contains("quiet hours"))
                })
        })
        .await;
        let sms = d.iter().find(|j| j["channel"] == "sms").unwrap();
        assert_eq!(
            (sms["state"].as_str(), sms["attempts"].as_i64()),
            (Some("pending"), Some(0)),
            "{sms}"
        );
        // Bad times are field errors.
        let (status, body) = app
            .send_json(
                Method::PUT,
                "/api/v1/quiet-hours",
                json!({"enabled": true, "start": "25:00", "end": "8"}),
            )
            .await;
        assert_eq!(status, 422, "{body}");
    }

    async fn test_sends_go_through_the_real_channel_and_are_limited(db: &TestDb) {
        let app = crate::harness::spawn(db).await;
        app.sign_up("Maple", "owner@maple.example").await;
        let body = json!({"trigger": {"kind": "order", "source": "shopify", "status": "ready"}, "channel": "email", "to": "me@maple.example"});
        let (status, result) = app
            .send_json(Method::POST, "/api/v1/test-send", body.clone())
            .await;
        assert_eq!(
            (status, result["outcome"].as_str()),
            (200, Some("sent")),
            "{result}"
        );
        let emails: Vec<_> = std::fs::read_dir(app.sink.path().join("email"))
            .unwrap()
            .collect();
        let eml = std::fs::read_to_string(emails[0].as_ref().unwrap().path()).unwrap();
        assert!(
            eml.contains("To: me@maple.example")
                && eml.contains("Subject: Your order #1001 is on its way"),
            "{eml}"
        );
        let (status, _) = app.send_json(Method::POST, "/api/v1/test-send", json!({"trigger": {"kind": "invoice", "status": "closed"}, "channel": "sms", "to": "not a number"})).await;
        assert_eq!(status, 422);
        for _ in 1..10 {
            assert_eq!(
                app.send_json(Method::POST, "/api/v1/test-send", body.clone())
                    .await
                    .0,
                200
            );
        }
        let (status, limited) = app.send_json(Method::POST, "/api/v1/test-send", body).await;
        assert_eq!(status, 429, "{limited}");
    }

    /// Test sends count toward the daily limit: with a limit of 2, the
    /// third test email of the day is refused (the hourly limit is 10).
    async fn test_sends_count_toward_the_daily_limit(db: &TestDb) {
        let app = crate::harness::spawn_with(db, |c| c.daily_message_limit = 2).await;
        app.sign_up("Maple", "owner@maple.example").await;
        let body = json!({"trigger": {"kind": "order", "source": "shopify", "status": "ready"}, "channel": "email", "to": "me@maple.example"});
        for _ in 0..2 {
            let (status, result) = app
                .send_json(Method::POST, "/api/v1/test-send", body.clone())
                .await;
            assert_eq!(status, 200, "{result}");
        }
        let (status, refused) = app.send_json(Method::POST, "/api/v1/test-send", body).await;
        assert_eq!(status, 429, "{refused}");
        assert!(refused.to_string().contains("daily limit"), "{refused}");
        // Texts have a limit of their own.
        let text = json!({"trigger": {"kind": "order", "source": "shopify", "status": "ready"}, "channel": "sms", "to": "+14155550134"});
        assert_eq!(
            app.send_json(Method::POST, "/api/v1/test-send", text)
                .await
                .0,
            200
        );
    }

    tests_on_both_backends!(
        texts_wait_for_quiet_hours_to_end_and_emails_do_not,
        test_sends_go_through_the_real_channel_and_are_limited,
        test_sends_count_toward_the_daily_limit
    );
}
