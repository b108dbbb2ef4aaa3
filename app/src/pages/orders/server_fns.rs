//! Orders for the page: the same use cases as `GET /api/v1/orders`,
//! `GET /api/v1/orders/{source}/{id}` and `POST /api/v1/deliveries/{id}/resend`
//! (`notify_service::orders`), for the signed-in merchant only.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use notify_core::order_timeline::{OrderSummary, OrderTimeline, Resent};
use serde::{Deserialize, Serialize};

/// The merchant's orders of the last 30 days matching `query` (all when
/// blank), newest first.
#[server(prefix = "/api", endpoint = "orders/search", input = Json)]
pub async fn search_orders(query: Option<String>) -> Result<Vec<OrderSummary>, ServerFnError> {
    let (store, who) = crate::server_context::store_and_caller().await?;
    notify_service::orders::search(
        &store,
        &who.merchant_id,
        query.as_deref(),
        chrono::Utc::now(),
    )
    .await
    .map_err(crate::server_context::refused)
}

/// One order's timeline; `None` when this merchant has no such order.
#[server(prefix = "/api", endpoint = "orders/timeline", input = Json)]
pub async fn load_order_timeline(
    source: String,
    id: String,
) -> Result<Option<OrderTimeline>, ServerFnError> {
    let (store, who) = crate::server_context::store_and_caller().await?;
    notify_service::orders::timeline(&store, &who.merchant_id, &source, &id)
        .await
        .map_err(crate::server_context::refused)
}

/// What a resend did: queued, or refused and why (a customer who replied
/// STOP, a message still on its way, the hourly limit, another merchant's
/// or an unknown message). A refusal is an answer, not a server error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResendResult {
    Queued(Box<Resent>),
    Refused { message: String },
}

/// What the timeline says after its **Resend** form came back: the form is
/// a plain post (no WebAssembly), answered by a redirect to the timeline with
/// `?resend=<slug>`. A slug, not the text, travels in the address, so a link
/// cannot make the page say anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResendOutcome {
    QueuedEmail,
    QueuedSms,
    NotResendable,
    OptedOut,
    Expired,
    Limited,
    NotFound,
}

impl ResendOutcome {
    pub const ALL: [ResendOutcome; 7] = [
        ResendOutcome::QueuedEmail,
        ResendOutcome::QueuedSms,
        ResendOutcome::NotResendable,
        ResendOutcome::OptedOut,
        ResendOutcome::Expired,
        ResendOutcome::Limited,
        ResendOutcome::NotFound,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ResendOutcome::QueuedEmail => "queued-email",
            ResendOutcome::QueuedSms => "queued-sms",
            ResendOutcome::NotResendable => "not-resendable",
            ResendOutcome::OptedOut => "opted-out",
            ResendOutcome::Expired => "expired",
            ResendOutcome::Limited => "limited",
            ResendOutcome::NotFound => "not-found",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.slug() == slug)
    }

    pub fn is_queued(self) -> bool {
        matches!(self, ResendOutcome::QueuedEmail | ResendOutcome::QueuedSms)
    }

    pub fn message(self) -> &'static str {
        match self {
            ResendOutcome::QueuedEmail => "Queued again as a new email message; it goes now.",
            ResendOutcome::QueuedSms => "Queued again as a new sms message; it goes now.",
            ResendOutcome::NotResendable => {
                "Only a message that was sent or failed can be resent; this one is still on its way."
            }
            ResendOutcome::OptedOut => {
                "The customer replied STOP to your texts: no text is sent to them again."
            }
            ResendOutcome::Expired => {
                "This message's contents were deleted after the retention period; it cannot be resent."
            }
            ResendOutcome::Limited => "The hourly limit of resends is reached; try again later.",
            ResendOutcome::NotFound => "There is no such message.",
        }
    }
}

/// Queues one of the merchant's messages again now (a form post: the
/// timeline's confirmed **Resend**). With `back` (the timeline's path) the
/// answer is a redirect there, with `?resend=<outcome>`; without it, the
/// answer is the result.
#[server(prefix = "/api", endpoint = "orders/resend")]
pub async fn resend_message(
    id: String,
    back: Option<String>,
) -> Result<ResendResult, ServerFnError> {
    use notify_service::{Refusal, ServiceError};
    let (store, who) = crate::server_context::store_and_caller().await?;
    let job = notify_store::ids::JobId::from_string(id);
    let (result, outcome) =
        match notify_service::orders::resend(&store, &who, &job, chrono::Utc::now()).await {
            Ok(resent) => {
                let outcome = match resent.delivery.channel {
                    notify_core::Channel::Email => ResendOutcome::QueuedEmail,
                    notify_core::Channel::Sms => ResendOutcome::QueuedSms,
                };
                (ResendResult::Queued(Box::new(resent)), outcome)
            }
            Err(ServiceError::Store(e)) => return Err(crate::server_context::internal(e)),
            Err(refused) => {
                let outcome = match &refused {
                    ServiceError::Refused(Refusal::OptedOut, _) => ResendOutcome::OptedOut,
                    ServiceError::Refused(Refusal::Expired, _) => ResendOutcome::Expired,
                    ServiceError::Refused(Refusal::NotResendable, _) => {
                        ResendOutcome::NotResendable
                    }
                    ServiceError::TooManyRequests(_) => ResendOutcome::Limited,
                    _ => ResendOutcome::NotFound,
                };
                let message = match refused {
                    ServiceError::NotFound => outcome.message().to_owned(),
                    other => other.to_string(),
                };
                (ResendResult::Refused { message }, outcome)
            }
        };
    if let Some(back) = back {
        let page = crate::routes::safe_next(back.split('?').next());
        leptos_axum::redirect(&format!("{page}?resend={}", outcome.slug()));
    }
    Ok(result)
}
