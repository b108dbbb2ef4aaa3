//! The delivery log for the page: the same data as `GET /api/v1/deliveries`,
//! for the signed-in merchant only, recipients partly hidden.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
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
    pub trigger_key: String,
    pub document_id: String,
    pub channel: String,
    pub recipient: String,
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub delivery_status: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryPage {
    pub rows: Vec<DeliveryRow>,
    pub next_before: Option<String>,
}

pub const PAGE_SIZE: i64 = 50;

#[server(prefix = "/api", endpoint = "deliveries/list", input = Json)]
pub async fn list_deliveries(query: DeliveryQuery) -> Result<DeliveryPage, ServerFnError> {
    use notify_store::cursor::Cursor;
    use notify_store::delivery::DeliveryFilter;

    let (store, who) = crate::server_context::caller().await?;
    let before =
        match query.before.as_deref() {
            Some(b) => Some(Cursor::parse(b).ok_or_else(|| {
                ServerFnError::new("before: use next_before from the previous page")
            })?),
            None => None,
        };
    let filter = DeliveryFilter {
        state: query.state,
        channel: query.channel,
        source: query.source,
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
    let rows = entries
        .into_iter()
        .map(|e| e.masked())
        .map(|e| DeliveryRow {
            id: e.id.to_string(),
            trigger_key: e.trigger_key,
            document_id: e.document_id,
            channel: e.channel,
            recipient: e.recipient,
            state: e.state,
            attempts: e.attempts,
            last_error: e.last_error,
            delivery_status: e.delivery_status,
            created_at: e.created_at.to_rfc3339(),
            sent_at: e.sent_at.map(|t| t.to_rfc3339()),
        })
        .collect();
    Ok(DeliveryPage { rows, next_before })
}
