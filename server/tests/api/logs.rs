//! `LOG_FORMAT=json` on the real binary: a webhook followed through to an
//! email (a real SMTP listener) and a text the SMS API refuses quoting the
//! number. Every line the server writes is one JSON object; the lines about
//! the webhook and its messages carry the merchant, endpoint, event and job
//! ids as fields of their own; no line carries the customer's address,
//! number or name, the messages' text, or a secret.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify_testkit::smtp::SmtpServer;
use reqwest::Method;
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::delivery::until;
use crate::harness::{PASSWORD, TestApp, rule};
use crate::webhooks::{post_signed_event, settled};

const CUSTOMER_EMAIL: &str = "ada.lovelace@example.com";
const CUSTOMER_PHONE: &str = "+14155550134";
const CUSTOMER_NAME: &str = "Ada Lovelace";
const SMS_TOKEN: &str = "sms-token-never-logged-42";
const SECRETS_KEY: &str = "c2VjcmV0cy1rZXktbmV2ZXItbG9nZ2VkLTMyYnl0ZXM=";

/// Collects what `read` produces, line by line, on a thread of its own.
fn collect(
    read: impl std::io::Read + Send + 'static,
) -> (Arc<Mutex<Vec<String>>>, std::thread::JoinHandle<()>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let into = lines.clone();
    let thread = std::thread::spawn(move || {
        for line in BufReader::new(read).lines() {
            let Ok(line) = line else { break };
            into.lock().unwrap().push(line);
        }
    });
    (lines, thread)
}

/// Field `name` of a log line as its own field (not inside the message).
fn field<'a>(line: &'a Value, name: &str) -> Option<&'a str> {
    line.get(name)?.as_str()
}

/// The lines whose message is `message`.
fn lines_saying<'a>(lines: &'a [Value], message: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["message"] == message).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_carry_the_ids_as_fields_and_no_personal_data_or_secret() {
    server::startup::install_tls_provider();
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start(notify_testkit::free_port().unwrap()).await;
    // The provider refuses the text, quoting the number (as Twilio does).
    let sms_api = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "code": 21211,
            "message": format!("The 'To' number {CUSTOMER_PHONE} is not a valid phone number."),
        })))
        .mount(&sms_api)
        .await;
    let port = notify_testkit::free_port().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("db.sqlite").display()),
        )
        .env("OUTBOX_SINK_DIR", dir.path().join("outbox"))
        .env("METRICS_ADDR", "127.0.0.1:0")
        .env("SECRETS_KEY", SECRETS_KEY)
        .env("SMTP_URL", smtp.url())
        .env("SMTP_FROM", "notifications@example.net")
        .env("SMS_API_BASE", format!("{}/", sms_api.uri()))
        .env("SMS_ACCOUNT_SID", "AC0123456789")
        .env("SMS_AUTH_TOKEN", SMS_TOKEN)
        .env("SMS_FROM", "+14155550100")
        .env("LOG_FORMAT", "json")
        .env(
            "RUST_LOG",
            "info,server=debug,notify_store=debug,notify_service=debug,tower_http=debug",
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the server binary");
    let (stdout, out_thread) = collect(child.stdout.take().unwrap());
    let (stderr, err_thread) = collect(child.stderr.take().unwrap());
    let base = format!("http://127.0.0.1:{port}");
    let mut ready = false;
    for _ in 0..200 {
        if reqwest::get(format!("{base}/readyz"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        ready,
        "the server never became ready: {:?}",
        stderr.lock().unwrap()
    );

    // A merchant notifying delivered orders by email and SMS, at any hour.
    let app = TestApp::at(&base);
    let signed_up = app.sign_up("Maple", "owner@maple.example").await;
    assert_eq!(signed_up.status(), 201);
    let signed_up: Value = signed_up.json().await.unwrap();
    let merchant_id = signed_up["merchant"]["id"].as_str().unwrap().to_owned();
    let rules = json!({"version": 0, "rules": [rule(("order", Some("cto"), "delivered"), true, true, true)]});
    assert_eq!(
        app.send_json(Method::PUT, "/api/v1/settings", rules)
            .await
            .0,
        200
    );
    let quiet = json!({"enabled": false, "start": "21:00", "end": "08:00"});
    assert_eq!(
        app.send_json(Method::PUT, "/api/v1/quiet-hours", quiet)
            .await
            .0,
        200
    );
    let (status, integration) = app
        .send_json(Method::PUT, "/api/v1/integrations/events", json!({}))
        .await;
    assert_eq!(status, 200, "{integration}");
    let url = integration["webhook_url"].as_str().unwrap().to_owned();
    let endpoint_id = url.rsplit('/').next().unwrap().to_owned();
    let secret = integration["signing_secret"].as_str().unwrap().to_owned();

    let body = serde_json::to_vec(&json!({
        "type": "order.status_changed", "source": "cto",
        "order": {"id": "o-77", "number": "1077", "status": "delivered", "updated_at": "2026-03-14T10:00:00Z"},
        "customer": {"name": CUSTOMER_NAME, "email": CUSTOMER_EMAIL, "phone": CUSTOMER_PHONE}
    }))
    .unwrap();
    let now = chrono::Utc::now().timestamp();
    assert_eq!(
        post_signed_event(&url, &secret, "msg_logs_1", now, &body).await,
        200
    );
    let events = settled(&app).await;
    assert_eq!(events.len(), 1, "{events:?}");
    let event_id = events[0]["id"].as_str().unwrap().to_owned();
    let jobs = until(&app, |d| {
        d.len() == 2
            && d.iter()
                .any(|j| j["channel"] == "email" && j["state"] == "sent")
            && d.iter()
                .any(|j| j["channel"] == "sms" && j["state"] == "failed")
    })
    .await;
    let job_of = |channel: &str| {
        jobs.iter().find(|j| j["channel"] == channel).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (email_job, sms_job) = (job_of("email"), job_of("sms"));
    // What the customer got: the email's subject and the text's body.
    let emails = smtp.messages();
    assert_eq!(emails.len(), 1);
    let subject = emails[0].header("Subject").unwrap().to_owned();
    let texts = sms_api.received_requests().await.unwrap();
    assert_eq!(texts.len(), 1);
    let sms_body = url::form_urlencoded::parse(&texts[0].body)
        .find(|(k, _)| k == "Body")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert!(
        sms_body.len() > 20 && subject.len() > 10,
        "{sms_body:?} {subject:?}"
    );

    // Stop it and read everything it wrote.
    let term = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(term.success());
    let stopping = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(
            stopping.elapsed() < Duration::from_secs(10),
            "still running"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    out_thread.join().unwrap();
    err_thread.join().unwrap();
    let stdout = stdout.lock().unwrap().clone();
    let stderr = stderr.lock().unwrap().clone();

    // One JSON object per line, on both outputs.
    let lines: Vec<Value> = stdout
        .iter()
        .chain(&stderr)
        .map(|l| {
            let v: Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"));
            assert!(v.is_object(), "not an object: {l}");
            for key in ["timestamp", "level", "target", "message"] {
                assert!(v.get(key).is_some(), "no {key}: {l}");
            }
            v
        })
        .collect();
    assert!(lines.len() > 10, "{stdout:?}");
    let all = stdout.join("\n");

    // The webhook's lines, by their fields.
    let stored = lines_saying(&lines, "webhook stored");
    assert_eq!(stored.len(), 1, "{all}");
    assert_eq!(
        field(stored[0], "merchant_id"),
        Some(merchant_id.as_str()),
        "{all}"
    );
    assert_eq!(
        field(stored[0], "endpoint_id"),
        Some(endpoint_id.as_str()),
        "{all}"
    );
    assert_eq!(
        field(stored[0], "event_id"),
        Some(event_id.as_str()),
        "{all}"
    );
    let processed = lines_saying(&lines, "webhook processed");
    assert_eq!(processed.len(), 1, "{all}");
    assert_eq!(
        field(processed[0], "merchant_id"),
        Some(merchant_id.as_str())
    );
    assert_eq!(field(processed[0], "event_id"), Some(event_id.as_str()));
    // One attempt line per message, each naming its job, event and merchant.
    let attempts = lines_saying(&lines, "delivery attempt");
    for (job, channel, result) in [(&email_job, "email", "sent"), (&sms_job, "sms", "failed")] {
        let line = attempts
            .iter()
            .find(|l| field(l, "job_id") == Some(job.as_str()))
            .unwrap_or_else(|| panic!("no delivery attempt line with job_id {job}: {all}"));
        assert_eq!(
            field(line, "merchant_id"),
            Some(merchant_id.as_str()),
            "{line}"
        );
        assert_eq!(field(line, "event_id"), Some(event_id.as_str()), "{line}");
        assert_eq!(field(line, "channel"), Some(channel), "{line}");
        assert_eq!(field(line, "result"), Some(result), "{line}");
    }
    // The provider's error is there, without the number it quoted.
    let refused = attempts
        .iter()
        .find(|l| field(l, "job_id") == Some(sms_job.as_str()))
        .unwrap();
    let error = field(refused, "error").unwrap_or_default();
    assert!(
        error.contains("21211") && error.contains("[redacted]"),
        "{refused}"
    );
    // Lines logged during a send carry the ids through their span.
    let in_sends: Vec<&Value> = lines
        .iter()
        .filter(|l| l["span"]["name"] == "deliver")
        .collect();
    assert!(in_sends.len() >= 2, "{all}");
    for line in in_sends {
        assert_eq!(line["span"]["merchant_id"], merchant_id.as_str(), "{line}");
        assert_eq!(line["span"]["event_id"], event_id.as_str(), "{line}");
    }

    // Nothing personal, no message text, no secret, on any line.
    let secret_key = secret.trim_start_matches("whsec_");
    let digits = CUSTOMER_PHONE.trim_start_matches('+');
    let forbidden = [
        CUSTOMER_EMAIL,
        CUSTOMER_PHONE,
        digits,
        CUSTOMER_NAME,
        subject.as_str(),
        sms_body.as_str(),
        secret.as_str(),
        secret_key,
        SMS_TOKEN,
        SECRETS_KEY,
        PASSWORD,
    ];
    for (raw, line) in stdout.iter().chain(&stderr).zip(&lines) {
        // As written, and as a collector reads it (JSON escapes undone).
        let mut texts = vec![raw.clone()];
        strings(line, &mut texts);
        for value in forbidden {
            assert!(
                texts.iter().all(|t| !t.contains(value)),
                "{value:?} logged: {raw}"
            );
        }
    }
}

/// Every key and string in `value`, into `out`.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(fields) => {
            for (k, v) in fields {
                out.push(k.clone());
                strings(v, out);
            }
        }
        _ => {}
    }
}
