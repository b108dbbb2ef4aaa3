//! The delivery log for the page: the same data as `GET /api/v1/deliveries`
//! and `GET /api/v1/deliveries/{id}` (`notify_service::deliveries`), for the
//! signed-in merchant only, recipients partly hidden.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use notify_core::delivery_log::DeliveryLogEntry;
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
pub struct DeliveryList {
    pub rows: Vec<DeliveryLogEntry>,
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
        rows: page.items,
        next_before: page.next,
    })
}

/// One message and every attempt to send it; `None` when this merchant
/// has no such message. (The server function's own type is named
/// `DeliveryDetail`, hence the path.)
#[server(prefix = "/api", endpoint = "deliveries/detail", input = Json)]
pub async fn delivery_detail(
    id: String,
) -> Result<Option<notify_core::delivery_log::DeliveryDetail>, ServerFnError> {
    let (store, who) = crate::server_context::store_and_caller().await?;
    let job = notify_store::ids::JobId::from_string(id);
    notify_service::deliveries::detail(&store, &who.merchant_id, &job)
        .await
        .map_err(crate::server_context::refused)
}
