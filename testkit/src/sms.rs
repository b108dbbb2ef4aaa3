//! A Twilio-compatible SMS API on loopback whose answers can be scripted
//! (accept, accept after a delay, 500, 429 with Retry-After, hang), per
//! request or switched at will. It records every request it saw.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tokio::net::TcpListener;

/// The account the API serves (`SMS_ACCOUNT_SID`).
pub const SID: &str = "AC0001";
/// Its auth token (`SMS_AUTH_TOKEN`; not checked).
pub const TOKEN: &str = "sms-token-123";
/// The sending number (`SMS_FROM`).
pub const FROM: &str = "+14155550100";

/// How the API answers a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsMode {
    /// 201 at once.
    Accept,
    /// 201 after this long.
    AcceptAfter(Duration),
    Fail500,
    /// 429 with `Retry-After` in seconds.
    TooMany {
        retry_after: u64,
    },
    /// Never answers (within an hour).
    Hang,
}

/// One request the API saw, and how it answered it.
#[derive(Debug, Clone)]
pub struct SmsRequest {
    pub to: String,
    pub body: String,
    pub mode: SmsMode,
    pub at: Instant,
}

type Answer = Arc<dyn Fn(usize) -> SmsMode + Send + Sync>;

#[derive(Clone)]
pub struct SmsApi {
    /// `http://127.0.0.1:port/` (the API base the server is given).
    pub base: String,
    answer: Arc<Mutex<Answer>>,
    requests: Arc<Mutex<Vec<SmsRequest>>>,
}

impl SmsApi {
    /// Accepting every request at once (see [`SmsApi::set`]).
    pub async fn start() -> anyhow::Result<SmsApi> {
        Self::answering(|_| SmsMode::Accept).await
    }

    /// Answering the n-th request (from 1) as `answer(n)` says.
    pub async fn answering(
        answer: impl Fn(usize) -> SmsMode + Send + Sync + 'static,
    ) -> anyhow::Result<SmsApi> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}/", listener.local_addr()?);
        let api = SmsApi {
            base,
            answer: Arc::new(Mutex::new(Arc::new(answer))),
            requests: Arc::default(),
        };
        let app = Router::new()
            .route(
                &format!("/2010-04-01/Accounts/{SID}/Messages.json"),
                post(message),
            )
            .with_state(api.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(api)
    }

    /// From now on every request is answered as `mode`.
    pub fn set(&self, mode: SmsMode) {
        *self.answer.lock().expect("lock") = Arc::new(move |_| mode);
    }

    pub fn requests(&self) -> Vec<SmsRequest> {
        self.requests.lock().expect("lock").clone()
    }

    pub fn url(&self) -> url::Url {
        url::Url::parse(&self.base).expect("the API base is a URL")
    }

    /// The server's environment for this API.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("SMS_API_BASE", self.base.as_str()),
            ("SMS_ACCOUNT_SID", SID),
            ("SMS_AUTH_TOKEN", TOKEN),
            ("SMS_FROM", FROM),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    }
}

async fn message(State(api): State<SmsApi>, body: Bytes) -> Response {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |k: &str| {
        form.iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let answer = api.answer.lock().expect("lock").clone();
    let (n, mode) = {
        let mut requests = api.requests.lock().expect("lock");
        let mode = answer(requests.len() + 1);
        requests.push(SmsRequest {
            to: field("To"),
            body: field("Body"),
            mode,
            at: Instant::now(),
        });
        (requests.len(), mode)
    };
    if let SmsMode::AcceptAfter(delay) = mode
        && !delay.is_zero()
    {
        tokio::time::sleep(delay).await;
    }
    match mode {
        SmsMode::Accept | SmsMode::AcceptAfter(_) => (
            StatusCode::CREATED,
            axum::Json(serde_json::json!({"sid": format!("SM{n}"), "status": "queued"})),
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
            axum::Json(serde_json::json!({"code": 20429, "message": "Too Many Requests"})),
        )
            .into_response(),
        SmsMode::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
    }
}
