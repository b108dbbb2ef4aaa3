//! Spawns the real application on port 0 with its own database.

use std::sync::{Arc, Mutex, OnceLock};

use leptos::config::LeptosOptions;
use notify_store::testing::TestDb;
use notify_testkit::accounts::sign_up_body;
use reqwest::{Client, Response};
use serde_json::{Value, json};
use server::config::Config;
use server::startup::Application;

/// The running app and one browser-like client (keeps cookies, sends our
/// Origin). Clones share the app; [`TestApp::new_browser`] has no cookies.
#[derive(Clone)]
pub struct TestApp {
    pub base: String,
    pub origin: String,
    pub client: Client,
    /// `http://host:port` of the `/metrics` listener, when it has its own.
    pub metrics_base: Option<String>,
    _server: Arc<StopOnDrop>,
    /// Where messages go when no provider is configured.
    pub sink: Arc<tempfile::TempDir>,
}

struct StopOnDrop(tokio::task::JoinHandle<()>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pub async fn spawn(db: &TestDb) -> TestApp {
    spawn_with(db, |_| {}).await
}

/// Like [`spawn`], with changes to the configuration.
pub async fn spawn_with(db: &TestDb, change: impl FnOnce(&mut Config)) -> TestApp {
    try_spawn_with(db, change).await.expect("app builds")
}

/// Like [`spawn_with`], for a configuration the app may refuse.
pub async fn try_spawn_with(
    db: &TestDb,
    change: impl FnOnce(&mut Config),
) -> anyhow::Result<TestApp> {
    logs(); // capture this process's logs from the start
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let leptos = LeptosOptions::builder()
        .output_name("customer-notifications")
        .site_root("target/site")
        .site_addr(addr)
        .build();
    let mut config = Config::new(
        leptos,
        db.url.clone(),
        url::Url::parse(&format!("http://{addr}")).unwrap(),
    );
    config.processing_retry = vec![chrono::Duration::milliseconds(200); 3];
    let sink = Arc::new(tempfile::tempdir().expect("a folder for the outbox sink"));
    config.outbox_sink_dir = sink.path().to_owned();
    change(&mut config);
    let app = Application::build(config, listener).await?;
    let metrics_base = app.metrics_addr().map(|addr| format!("http://{addr}"));
    let task = tokio::spawn(async move {
        let _ = app.run_until_stopped().await;
    });
    let origin = format!("http://{addr}");
    Ok(TestApp {
        base: origin.clone(),
        origin,
        client: browser(),
        metrics_base,
        _server: Arc::new(StopOnDrop(task)),
        sink,
    })
}

impl TestApp {
    /// A server running elsewhere (the real binary, started by the test)
    /// at `base` (`http://host:port`), with a browser-like client.
    pub fn at(base: &str) -> TestApp {
        TestApp {
            base: base.to_owned(),
            origin: base.to_owned(),
            client: browser(),
            metrics_base: None,
            _server: Arc::new(StopOnDrop(tokio::spawn(async {}))),
            sink: Arc::new(tempfile::tempdir().expect("a folder")),
        }
    }
}

/// The password of every account the tests sign up.
pub const PASSWORD: &str = "correct horse battery";

/// The fields a 422 answer names, in its order.
pub fn error_fields(body: &Value) -> Vec<&str> {
    body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect()
}

/// The app with a merchant signed up and one of its API keys (its id).
pub async fn signed_in_with_a_key(db: &TestDb) -> (TestApp, String) {
    let app = spawn(db).await;
    app.sign_up("Maple", "owner@maple.example").await;
    let (_, key) = app
        .send_json(
            reqwest::Method::POST,
            "/api/v1/api-keys",
            json!({"name": "keep"}),
        )
        .await;
    (app, key["id"].as_str().unwrap().to_owned())
}

pub fn browser() -> Client {
    Client::builder().cookie_store(true).build().unwrap()
}

impl TestApp {
    pub fn new_browser(&self) -> TestApp {
        TestApp {
            client: browser(),
            ..self.clone()
        }
    }

    /// A new browser (no cookies yet) that shows redirects instead of
    /// following them.
    pub fn new_browser_without_redirects(&self) -> TestApp {
        TestApp {
            client: Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            ..self.clone()
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A same-origin request from the page, as a browser sends it.
    pub fn call(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .header("Origin", &self.origin)
    }

    pub async fn sign_up(&self, store: &str, email: &str) -> Response {
        self.call(reqwest::Method::POST, "/api/v1/merchants")
            .json(&sign_up_body(store, email, PASSWORD, "Europe/London"))
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let r = self.call(reqwest::Method::GET, path).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> (u16, Value) {
        let r = self.call(method, path).json(&body).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

/// Everything this test process logged (all levels of our crates).
pub fn logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = buffer.clone();
        let _ = tracing_subscriber::fmt()
            .with_env_filter("trace,sqlx=info,hyper=info,tower=info,h2=info")
            .with_ansi(false)
            .with_writer(move || Capture(writer.clone()))
            .try_init();
        buffer
    })
    .clone()
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub fn rule(
    kind_source_status: (&str, Option<&str>, &str),
    active: bool,
    email: bool,
    sms: bool,
) -> Value {
    let (kind, source, status) = kind_source_status;
    let trigger = match source {
        Some(source) => json!({"kind": kind, "source": source, "status": status}),
        None => json!({"kind": kind, "status": status}),
    };
    json!({"trigger": trigger, "active": active, "email": email, "sms": sms})
}
