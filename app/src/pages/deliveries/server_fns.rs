//! The delivery log for the page: the same data as `GET /api/v1/deliveries`
//! and `GET /api/v1/deliveries/{id}`, for the signed-in merchant only,
//! recipients partly hidden.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use notify_core::{AttemptOutcome, Channel, JobState, Trigger};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryQuery {
    pub state: Option<String>,
    pub channel: Option<String>,
    pub source: Option<String>,
    /// `next_before` of the previous page.
    pub before: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub id: String,
    pub trigger: Trigger,
    pub document_id: String,
    pub channel: Channel,
    pub recipient: String,
    pub state: JobState,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub provider_id: Option<String>,
    pub delivery_status: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryList {
    pub rows: Vec<DeliveryRow>,
    pub next_before: Option<String>,
}

pub const PAGE_SIZE: i64 = 50;

#[server(prefix = "/api", endpoint = "deliveries/list", input = Json)]
pub async fn list_deliveries(query: DeliveryQuery) -> Result<DeliveryList, ServerFnError> {
    let (store, who) = crate::server_context::store_and_caller().await?;
    // An empty form field is no filter.
    fn given(v: &Option<String>) -> Option<&str> {
        v.as_deref().filter(|s| !s.is_empty())
    }
    let query = notify_service::deliveries::DeliveryQuery {
        state: given(&query.state),
        channel: given(&query.channel),
        source: given(&query.source),
        before: given(&query.before),
    };
    let page = notify_service::deliveries::list(&store, &who.merchant_id, query, PAGE_SIZE)
        .await
        .map_err(crate::server_context::refused)?;
    Ok(DeliveryList {
        rows: page.items.into_iter().map(DeliveryRow::from).collect(),
        next_before: page.next,
    })
}

#[cfg(feature = "ssr")]
impl From<notify_store::delivery::DeliveryLogEntry> for DeliveryRow {
    /// From the merchant's view of the entry (recipient partly hidden).
    fn from(e: notify_store::delivery::DeliveryLogEntry) -> Self {
        DeliveryRow {
            id: e.id.to_string(),
            trigger: e.trigger,
            document_id: e.document_id,
            channel: e.channel,
            recipient: e.recipient,
            state: e.state,
            attempts: e.attempts,
            last_error: e.last_error,
            provider_id: e.provider_id,
            delivery_status: e.delivery_status,
            created_at: e.created_at,
            sent_at: e.sent_at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptRow {
    pub attempt: i64,
    pub at: DateTime<Utc>,
    pub outcome: AttemptOutcome,
    pub provider_id: Option<String>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageDetail {
    pub delivery: DeliveryRow,
    pub attempts: Vec<AttemptRow>,
}

/// One message and every attempt to send it; `None` when this merchant
/// has no such message.
#[server(prefix = "/api", endpoint = "deliveries/detail", input = Json)]
pub async fn delivery_detail(id: String) -> Result<Option<MessageDetail>, ServerFnError> {
    let (store, who) = crate::server_context::store_and_caller().await?;
    let job = notify_store::ids::JobId::from_string(id);
    let detail = notify_service::deliveries::detail(&store, &who.merchant_id, &job)
        .await
        .map_err(crate::server_context::refused)?;
    Ok(detail.map(|d| MessageDetail {
        delivery: d.delivery.into(),
        attempts: d
            .attempts
            .into_iter()
            .map(|a| AttemptRow {
                attempt: a.attempt,
                at: a.at,
                outcome: a.outcome,
                provider_id: a.provider_id,
                error: a.error,
                duration_ms: a.duration_ms,
            })
            .collect(),
    }))
}
