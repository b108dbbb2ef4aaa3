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

/// Queues one of the merchant's messages again now (a form post: the
/// timeline's confirmed **Resend**).
#[server(prefix = "/api", endpoint = "orders/resend")]
pub async fn resend_message(id: String) -> Result<ResendResult, ServerFnError> {
    use notify_service::ServiceError;
    let (store, who) = crate::server_context::store_and_caller().await?;
    let job = notify_store::ids::JobId::from_string(id);
    match notify_service::orders::resend(&store, &who, &job, chrono::Utc::now()).await {
        Ok(resent) => Ok(ResendResult::Queued(Box::new(resent))),
        Err(ServiceError::Store(e)) => Err(crate::server_context::internal(e)),
        Err(ServiceError::NotFound) => Ok(ResendResult::Refused {
            message: "There is no such message.".to_owned(),
        }),
        Err(refused) => Ok(ResendResult::Refused {
            message: refused.to_string(),
        }),
    }
}
