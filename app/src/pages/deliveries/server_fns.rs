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
    use notify_store::cursor::Cursor;
    use notify_store::delivery::DeliveryFilter;

    let (store, who) = crate::server_context::store_and_caller().await?;
    let before =
        match query.before.as_deref().filter(|b| !b.is_empty()) {
            Some(b) => Some(Cursor::parse(b).ok_or_else(|| {
                ServerFnError::new("before: use next_before from the previous page")
            })?),
            None => None,
        };
    // A state or channel that does not exist matches no message.
    let state = query.state.filter(|s| !s.is_empty());
    let channel = query.channel.filter(|s| !s.is_empty());
    let (Some(state), Some(channel)) = (
        state.as_deref().map(JobState::parse),
        channel.as_deref().map(Channel::from_slug),
    ) else {
        return Ok(DeliveryList {
            rows: Vec::new(),
            next_before: None,
        });
    };
    let filter = DeliveryFilter {
        state,
        channel,
        source: query.source.filter(|s| !s.is_empty()),
        job: None,
    };
    let entries = store
        .delivery_log(&who.merchant_id, &filter, PAGE_SIZE, before.as_ref())
        .await
        .map_err(crate::server_context::internal)?;
    let next_before = (entries.len() as i64 == PAGE_SIZE)
        .then(|| {
            entries
                .last()
                .map(|e| Cursor::new(e.created_at, e.id.as_str()).to_string())
        })
        .flatten();
    let rows = entries.into_iter().map(DeliveryRow::from).collect();
    Ok(DeliveryList { rows, next_before })
}

#[cfg(feature = "ssr")]
impl From<notify_store::delivery::DeliveryLogEntry> for DeliveryRow {
    fn from(entry: notify_store::delivery::DeliveryLogEntry) -> Self {
        let e = notify_store::merchant_view::delivery(entry);
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
    use notify_store::ids::JobId;
    let (store, who) = crate::server_context::store_and_caller().await?;
    let job = JobId::from_string(id);
    let Some(entry) = store
        .delivery_entry(&who.merchant_id, &job)
        .await
        .map_err(crate::server_context::internal)?
    else {
        return Ok(None);
    };
    let attempts = store
        .delivery_attempts(&who.merchant_id, &job)
        .await
        .map_err(crate::server_context::internal)?
        .into_iter()
        .map(notify_store::merchant_view::attempt)
        .map(|a| AttemptRow {
            attempt: a.attempt,
            at: a.at,
            outcome: a.outcome,
            provider_id: a.provider_id,
            error: a.error,
            duration_ms: a.duration_ms,
        })
        .collect();
    Ok(Some(MessageDetail {
        delivery: entry.into(),
        attempts,
    }))
}
