//! The providers the drills send to: an SMTP listener (that can be down)
//! and a Twilio-compatible SMS API whose behaviour can be switched (answer,
//! 500, 429 with Retry-After, hang). Both record what they accepted.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One email as the SMTP listener accepted it.
#[derive(Debug, Clone)]
pub struct Email {
    pub to: Vec<String>,
    pub message_id: String,
    pub subject: String,
    pub at: Instant,
}

/// A minimal SMTP server (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT).
pub struct Smtp {
    pub port: u16,
    pub received: Arc<Mutex<Vec<Email>>>,
    /// How long it takes to accept a message (a relay across the internet).
    pub answer_after: Duration,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Smtp {
    /// Not listening yet: `port` is reserved for [`Smtp::up`].
    pub fn down(port: u16) -> Smtp {
        Smtp {
            port,
            received: Arc::default(),
            answer_after: Duration::ZERO,
            task: None,
        }
    }

    pub async fn up(&mut self) -> anyhow::Result<()> {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await?;
        let (received, delay) = (self.received.clone(), self.answer_after);
        self.task = Some(tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let received = received.clone();
                tokio::spawn(async move {
                    let _ = session(socket, received, delay).await;
                });
            }
        }));
        Ok(())
    }

    /// Stops listening (open sessions are cut when their task ends).
    pub fn take_down(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn emails(&self) -> Vec<Email> {
        self.received.lock().expect("lock").clone()
    }
}

async fn session(
    socket: tokio::net::TcpStream,
    received: Arc<Mutex<Vec<Email>>>,
    answer_after: Duration,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 drill.local ESMTP\r\n").await?;
    let mut to = Vec::new();
    while let Some(line) = lines.next_line().await? {
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            write
                .write_all(b"250-drill.local\r\n250 8BITMIME\r\n")
                .await?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "DATA" {
            write.write_all(b"354 go ahead\r\n").await?;
            let (mut message_id, mut subject) = (String::new(), String::new());
            while let Some(l) = lines.next_line().await? {
                if l == "." {
                    break;
                }
                if let Some(v) = l.strip_prefix("Message-ID: ") {
                    message_id = v.to_owned();
                } else if let Some(v) = l.strip_prefix("Subject: ") {
                    subject = v.to_owned();
                }
            }
            received.lock().expect("lock").push(Email {
                to: std::mem::take(&mut to),
                message_id,
                subject,
                at: Instant::now(),
            });
            if !answer_after.is_zero() {
                tokio::time::sleep(answer_after).await;
            }
            write.write_all(b"250 OK queued\r\n").await?;
        } else if upper == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            if upper == "RSET" {
                to.clear();
            }
            write.write_all(b"250 OK\r\n").await?;
        }
    }
    Ok(())
}

/// How the SMS API answers right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsMode {
    Accept,
    /// Accepts, answering after this many milliseconds.
    AcceptAfter(u64),
    Fail500,
    TooMany {
        retry_after: u64,
    },
    Hang,
}

/// One request the SMS API saw.
#[derive(Debug, Clone)]
pub struct SmsRequest {
    pub to: String,
    pub body: String,
    pub mode: SmsMode,
    pub at: Instant,
}

#[derive(Clone)]
pub struct SmsApi {
    pub base: String,
    mode: Arc<Mutex<SmsMode>>,
    requests: Arc<Mutex<Vec<SmsRequest>>>,
}

pub const SMS_SID: &str = "ACdrill";
pub const SMS_TOKEN: &str = "drill-token";

impl SmsApi {
    pub async fn start() -> anyhow::Result<SmsApi> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}/", listener.local_addr()?);
        let api = SmsApi {
            base,
            mode: Arc::new(Mutex::new(SmsMode::Accept)),
            requests: Arc::default(),
        };
        let app = Router::new()
            .route(
                &format!("/2010-04-01/Accounts/{SMS_SID}/Messages.json"),
                post(message),
            )
            .with_state(api.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(api)
    }

    pub fn set(&self, mode: SmsMode) {
        *self.mode.lock().expect("lock") = mode;
    }

    pub fn requests(&self) -> Vec<SmsRequest> {
        self.requests.lock().expect("lock").clone()
    }

    /// The server's environment for this API.
    pub fn env(&self) -> Vec<(String, String)> {
        super::process::env(&[
            ("SMS_API_BASE", &self.base),
            ("SMS_ACCOUNT_SID", SMS_SID),
            ("SMS_AUTH_TOKEN", SMS_TOKEN),
            ("SMS_FROM", "+14155550100"),
        ])
    }
}

async fn message(State(api): State<SmsApi>, body: Bytes) -> Response {
    let mode = *api.mode.lock().expect("lock");
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |k: &str| {
        form.iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    api.requests.lock().expect("lock").push(SmsRequest {
        to: field("To"),
        body: field("Body"),
        mode,
        at: Instant::now(),
    });
    if let SmsMode::AcceptAfter(ms) = mode {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    match mode {
        SmsMode::Accept | SmsMode::AcceptAfter(_) => (
            StatusCode::CREATED,
            axum::Json(serde_json::json!({"sid": "SMdrill", "status": "queued"})),
        )
            .into_response(),
        SmsMode::Fail500 => (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(serde_json::json!({"code": 20500, "message": "internal error"})),
        )
            .into_response(),
        SmsMode::TooMany { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", retry_after.to_string())],
            axum::Json(serde_json::json!({"code": 20429, "message": "too many requests"})),
        )
            .into_response(),
        SmsMode::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
    }
}
