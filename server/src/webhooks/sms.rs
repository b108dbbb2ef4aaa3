//! The SMS provider's webhooks: replies from customers (`STOP` and its
//! synonyms opt out of a merchant's texts, `START` opts back in) and
//! delivery status callbacks. Both are signed with Twilio's
//! `X-Twilio-Signature`: base64 HMAC-SHA1, keyed by the auth token, of the
//! full URL followed by every POST parameter, sorted, name then value.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

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

/// The signature Twilio sends for `url` and `params`.
pub fn twilio_signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()).expect("any key length");
    mac.update(url.as_bytes());
    for (k, v) in sorted {
        mac.update(k.as_bytes());
        mac.update(v.as_bytes());
    }
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Verifies the request; the form's parameters when it is genuine.
fn verified(
    state: &AppState,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Vec<(String, String)>, (StatusCode, &'static str)> {
    let Some(sms) = &state.config.sms else {
        return Err((StatusCode::NOT_FOUND, "no SMS provider is configured"));
    };
    let params: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    let url = format!(
        "{}{}",
        state.config.public_origin(),
        uri.path_and_query().map_or("", |p| p.as_str())
    );
    let expected = twilio_signature(sms.auth_token.expose(), &url, &params);
    let given = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    use subtle::ConstantTimeEq;
    if bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
        Ok(params)
    } else {
        tracing::warn!(
            path = uri.path(),
            "SMS provider webhook with a bad signature"
        );
        Err((StatusCode::UNAUTHORIZED, "bad signature"))
    }
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
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
pub async fn inbound(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = match verified(&state, &uri, &headers, &body) {
        Ok(p) => p,
        Err(r) => return r.into_response(),
    };
    let (Some(from), Some(text)) = (param(&params, "From"), param(&params, "Body")) else {
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
            tracing::info!(merchant = %merchant, opt_out, "SMS consent changed by reply");
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
pub async fn status(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = match verified(&state, &uri, &headers, &body) {
        Ok(p) => p,
        Err(r) => return r.into_response(),
    };
    let (Some(sid), Some(status)) = (
        param(&params, "MessageSid"),
        param(&params, "MessageStatus"),
    ) else {
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
            tracing::info!(sid, status, known, "SMS status callback");
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "recording an SMS status failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
