//! SMS over a Twilio-compatible HTTP API, or into a local sink folder as
//! JSON files when no provider is configured (the embedded default).

use std::path::PathBuf;
use std::time::Duration;

use notify_core::secret::Secret;
use reqwest::StatusCode;
use url::Url;

use super::SendOutcome;

pub enum SmsTransport {
    Api(SmsApi),
    Sink { dir: PathBuf },
}

/// A Twilio-compatible messages API.
pub struct SmsApi {
    http: reqwest::Client,
    base: Url,
    account_sid: String,
    auth_token: Secret,
    from: String,
    /// Where the provider reports delivery status.
    status_callback: Option<String>,
}

impl SmsApi {
    async fn send(&self, to: &str, body: &str) -> SendOutcome {
        let url = match self.base.join(&format!(
            "2010-04-01/Accounts/{}/Messages.json",
            self.account_sid
        )) {
            Ok(u) => u,
            Err(e) => {
                return SendOutcome::Permanent {
                    error: format!("SMS_API_BASE: {e}"),
                };
            }
        };
        let response = self
            .http
            .post(url)
            .basic_auth(&self.account_sid, Some(self.auth_token.expose()))
            .form(&form(to, &self.from, body, self.status_callback.as_deref()))
            .send()
            .await;
        match response {
            Err(e) => {
                // The URL names the account: the log has it, the
                // merchant's delivery log does not.
                tracing::warn!(error = %e, "SMS API request failed");
                SendOutcome::Transient {
                    error: format!("SMS API: {}", e.without_url()),
                    retry_after: None,
                }
            }
            Ok(r) => classify(r).await,
        }
    }
}

/// Twilio error codes that retrying will not fix.
const PERMANENT_CODES: &[(u64, &str)] = &[
    (21211, "invalid phone number"),
    (21214, "not a reachable mobile number"),
    (21408, "the destination region is not enabled"),
    (21612, "this number cannot receive messages from the sender"),
    (21614, "not a mobile number"),
];

impl SmsTransport {
    pub fn api(
        base: Url,
        account_sid: String,
        auth_token: Secret,
        from: String,
        status_callback: Option<String>,
        timeout: Duration,
    ) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(timeout)
            .build()
            .expect("HTTP client");
        SmsTransport::Api(SmsApi {
            http,
            base,
            account_sid,
            auth_token,
            from,
            status_callback,
        })
    }

    pub fn describe(&self) -> &'static str {
        match self {
            SmsTransport::Api(_) => "SMS API",
            SmsTransport::Sink { .. } => "local sink folder",
        }
    }

    pub async fn send(&self, job_id: &str, to: &str, body: &str) -> SendOutcome {
        match self {
            SmsTransport::Api(api) => api.send(to, body).await,
            SmsTransport::Sink { dir } => {
                let json = serde_json::json!({ "to": to, "body": body });
                let bytes = serde_json::to_vec_pretty(&json).unwrap_or_default();
                super::write_to_sink(dir, "sms", &format!("{job_id}.json"), bytes).await
            }
        }
    }
}

fn form<'a>(
    to: &'a str,
    from: &'a str,
    body: &'a str,
    status_callback: Option<&'a str>,
) -> Vec<(&'static str, &'a str)> {
    let mut form = vec![("To", to), ("From", from), ("Body", body)];
    if let Some(url) = status_callback {
        form.push(("StatusCallback", url));
    }
    form
}

/// The provider's code for a recipient who replied STOP.
const UNSUBSCRIBED: u64 = 21610;

async fn classify(r: reqwest::Response) -> SendOutcome {
    let status = r.status();
    let retry_after = r
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body: serde_json::Value = r.json().await.unwrap_or_default();
    if status.is_success() {
        return SendOutcome::Sent {
            provider_id: body["sid"].as_str().map(str::to_owned),
        };
    }
    let code = body["code"].as_u64();
    let message = body["message"].as_str().unwrap_or("").to_owned();
    let error = match code {
        Some(code) => format!("SMS API {}: error {code}: {message}", status.as_u16()),
        None => format!("SMS API {}: {message}", status.as_u16()),
    };
    if code == Some(UNSUBSCRIBED) {
        return SendOutcome::OptedOut {
            error: format!("{error} (the recipient has unsubscribed)"),
        };
    }
    if let Some((_, meaning)) = code.and_then(|c| PERMANENT_CODES.iter().find(|(k, _)| *k == c)) {
        return SendOutcome::Permanent {
            error: format!("{error} ({meaning})"),
        };
    }
    if status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
        || status == StatusCode::REQUEST_TIMEOUT
    {
        SendOutcome::Transient { error, retry_after }
    } else {
        SendOutcome::Permanent { error }
    }
}
