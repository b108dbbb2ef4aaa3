//! `GET /api/v1/deliveries`: every message with its state, newest first,
//! filterable by state, channel and source; `GET /api/v1/deliveries/{id}`:
//! its attempts.

use axum::Json;
use axum::extract::{Path, Query, State};
use notify_service::deliveries::{self, DeliveryQuery};
use notify_service::paging::page_size;
use notify_store::ids::JobId;
use serde::Deserialize;
use serde_json::json;

use crate::http::auth::Auth;
use crate::http::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Filter {
    state: Option<String>,
    channel: Option<String>,
    source: Option<String>,
    limit: Option<i64>,
    /// `next_before` of the previous page.
    before: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    Auth(who): Auth,
    Query(q): Query<Filter>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let query = DeliveryQuery {
        state: q.state.as_deref(),
        channel: q.channel.as_deref(),
        source: q.source.as_deref(),
        before: q.before.as_deref(),
    };
    let page = deliveries::list(&state.store, &who.merchant_id, query, page_size(q.limit)).await?;
    Ok(Json(
        json!({ "deliveries": page.items, "next_before": page.next }),
    ))
}

pub async fn attempts(
    State(state): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    // Another merchant's message is not found, like every foreign id.
    let detail = deliveries::detail(&state.store, &who.merchant_id, &JobId::from_string(id))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(json!({ "attempts": detail.attempts })))
}
