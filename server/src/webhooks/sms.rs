//! The SMS provider's webhooks: replies from customers (`STOP` and its
//! synonyms opt out of a merchant's texts, `START` opts back in) and
//! delivery status callbacks. Both are signed with Twilio's
//! `X-Twilio-Signature` (`notify_ingest::signature::twilio`).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use notify_ingest::signature::twilio;

use crate::state::AppState;

const OPT_OUT: &[&str] = &[
    "STOP",
    "STOPALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "OPTOUT",
    "REVOKE",
];
const OPT_IN: &[&str] = &["START", "UNSTOP", "YES"];

/// The form parameters of a request signed by the SMS provider; a request
/// without a valid signature is refused (401), and every request when no
/// provider is configured (404).
pub struct SignedForm(Vec<(String, String)>);

impl SignedForm {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl FromRequest<AppState> for SignedForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let Some(sms) = &state.config.sms else {
            return Err((StatusCode::NOT_FOUND, "no SMS provider is configured").into_response());
        };
        let uri = request.uri().clone();
        let given = request
            .headers()
            .get("x-twilio-signature")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let params: Vec<(String, String)> =
            url::form_urlencoded::parse(&body).into_owned().collect();
        let url = format!(
            "{}{}",
            state.config.public_origin(),
            uri.path_and_query().map_or("", |p| p.as_str())
        );
        if twilio::verify(sms.auth_token.expose(), &url, &params, given.as_deref()).is_ok() {
            Ok(SignedForm(params))
        } else {
            tracing::warn!(
                path = uri.path(),
                "SMS provider webhook with a bad signature"
            );
            Err((StatusCode::UNAUTHORIZED, "bad signature").into_response())
        }
    }
}

fn empty_twiml() -> Response {
    (
        [("content-type", "text/xml")],
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>",
    )
        .into_response()
}

/// A customer's reply. STOP applies to every merchant that has texted the
/// number (they share the sending number; carriers block it for all anyway).
pub async fn inbound(State(state): State<AppState>, params: SignedForm) -> Response {
    let (Some(from), Some(text)) = (params.get("From"), params.get("Body")) else {
        return (StatusCode::BAD_REQUEST, "From and Body are required").into_response();
    };
    let keyword = text
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    let opt_out = OPT_OUT.contains(&keyword.as_str());
    let opt_in = OPT_IN.contains(&keyword.as_str());
    if !opt_out && !opt_in {
        return empty_twiml();
    }
    let result = async {
        let now = Utc::now();
        for merchant in state.store.merchants_texting(from).await? {
            if opt_out {
                state
                    .store
                    .set_sms_opt_out(&merchant, from, "reply", now)
                    .await?;
            } else {
                state.store.clear_sms_opt_out(&merchant, from).await?;
            }
            tracing::info!(merchant_id = %merchant, opt_out, "SMS consent changed by reply");
        }
        Ok::<_, notify_store::StoreError>(())
    }
    .await;
    match result {
        Ok(()) => empty_twiml(),
        Err(e) => {
            tracing::error!(error = %e, "recording an SMS reply failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// queued → sent → delivered / undelivered / failed.
pub async fn status(State(state): State<AppState>, params: SignedForm) -> Response {
    let (Some(sid), Some(status)) = (params.get("MessageSid"), params.get("MessageStatus")) else {
        return (
            StatusCode::BAD_REQUEST,
            "MessageSid and MessageStatus are required",
        )
            .into_response();
    };
    match state
        .store
        .set_delivery_status(sid, status, Utc::now())
        .await
    {
        Ok(known) => {
            tracing::info!(provider_id = sid, status, known, "SMS status callback");
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "recording an SMS status failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
