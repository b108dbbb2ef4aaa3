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
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ApiJson;
use super::openapi::{BodyErrors, Invalid, Limited, NeedsSignIn};
use crate::delivery::{Message, SendOutcome, send_message};
use crate::http::auth::Auth;
use crate::http::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"trigger": {"kind": "order", "source": "shopify", "status": "ready"}, "channel": "email", "to": "you@example.com"}))]
pub struct TestSendBody {
    trigger: Trigger,
    /// `email` or `sms`.
    #[schema(value_type = Channel)]
    channel: String,
    /// An email address, or a phone number in international form.
    to: String,
}

/// What the provider answered.
#[derive(Serialize, ToSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum TestSendOutcome {
    /// Accepted by the provider.
    Sent {
        /// The provider's id for the message, when it gives one.
        provider_id: Option<String>,
    },
    /// Refused or not reached.
    Failed {
        error: String,
        /// Whether the same send could succeed later.
        retryable: bool,
    },
}

/// Sends a trigger's sample message now, through the real channel, to an
/// address or number you type.
#[utoipa::path(
    post, path = "/test-send", tag = "account settings",
    request_body = TestSendBody,
    responses(
        (status = 200, description = "Sent, or what the provider refused.", body = TestSendOutcome),
        NeedsSignIn, BodyErrors, Invalid, Limited,
    ),
    security(("session" = []), ("api_key" = [])),
)]
pub async fn send(
    State(state): State<AppState>,
    Auth(who): Auth,
    ApiJson(body): ApiJson<TestSendBody>,
) -> Result<Json<TestSendOutcome>, ApiError> {
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
        SendOutcome::Sent { provider_id } => TestSendOutcome::Sent { provider_id },
        SendOutcome::Transient { error, .. } => TestSendOutcome::Failed {
            error,
            retryable: true,
        },
        SendOutcome::Permanent { error } | SendOutcome::OptedOut { error } => {
            TestSendOutcome::Failed {
                error,
                retryable: false,
            }
        }
    }))
}
