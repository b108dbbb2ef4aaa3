//! `POST /api/v1/test-send`: the sample message of any trigger, sent now
//! through the real channel to an address or number the merchant types.
//! Limited (`notify_service::test_send`): 10 an hour per merchant, so it
//! cannot be used to spam, and within the daily limit.

use axum::Json;
use axum::extract::State;
use chrono::Utc;
use notify_core::sample::{SampleContacts, sample_event};
use notify_core::{Channel, EmailAddress, FieldError, PhoneNumber, Trigger};
use notify_service::test_send;
use serde::Deserialize;
use serde_json::{Value, json};

use super::ApiJson;
use crate::delivery::{Message, SendOutcome, send_message};
use crate::http::auth::Auth;
use crate::http::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Body {
    trigger: Trigger,
    /// `email` or `sms`.
    channel: String,
    /// An email address, or a phone number in international form.
    to: String,
}

pub async fn send(
    State(state): State<AppState>,
    Auth(who): Auth,
    ApiJson(body): ApiJson<Body>,
) -> Result<Json<Value>, ApiError> {
    let field = |f: &str, m: &str| {
        ApiError::Validation(vec![FieldError {
            field: f.to_owned(),
            message: m.to_owned(),
        }])
    };
    let mut event = sample_event(body.trigger, SampleContacts::ALL);
    let (channel, to) = match body.channel.as_str() {
        "email" => {
            let e = EmailAddress::parse(&body.to)
                .map_err(|_| field("to", "not a valid email address"))?;
            event.customer.email = Some(e.clone());
            (Channel::Email, e.as_str().to_owned())
        }
        "sms" => {
            let p = PhoneNumber::parse(&body.to, None).map_err(|_| {
                field(
                    "to",
                    "not a valid phone number in international form, e.g. +14155550134",
                )
            })?;
            event.customer.phone = Some(p.clone());
            (Channel::Sms, p.as_e164().to_owned())
        }
        _ => return Err(field("channel", "must be email or sms")),
    };
    let now = Utc::now();
    let merchant = state.store.merchant(&who.merchant_id).await?;
    test_send::admit(
        &state.store,
        &merchant,
        channel,
        state.config.daily_message_limit,
        now,
    )
    .await?;
    let id = format!("test_{}", now.timestamp_millis());
    let message = Message {
        id: &id,
        channel,
        to: &to,
        event: &event,
    };
    let outcome = send_message(&state.email, &state.sms, &message, &merchant).await;
    // The provider's error may quote the address or number.
    let error = match &outcome {
        SendOutcome::Sent { .. } => None,
        SendOutcome::Transient { error, .. }
        | SendOutcome::Permanent { error }
        | SendOutcome::OptedOut { error } => Some(crate::telemetry::scrub(error, &[&to])),
    };
    tracing::info!(merchant_id = %who.merchant_id, job_id = %id, channel = channel.slug(), sent = error.is_none(), error, "test send");
    Ok(Json(match outcome {
        SendOutcome::Sent { provider_id } => {
            json!({ "outcome": "sent", "provider_id": provider_id })
        }
        SendOutcome::Transient { error, .. } => {
            json!({ "outcome": "failed", "error": error, "retryable": true })
        }
        SendOutcome::Permanent { error } | SendOutcome::OptedOut { error } => {
            json!({ "outcome": "failed", "error": error, "retryable": false })
        }
    }))
}
