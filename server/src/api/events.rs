//! `GET /api/v1/events`: the webhooks received and what became of each,
//! newest first.

use axum::Json;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::paging::{next_cursor, page_size};
use crate::http::auth::Auth;
use crate::http::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Page {
    limit: Option<i64>,
    /// `received_at` of the last entry of the previous page.
    before: Option<DateTime<Utc>>,
}

pub async fn list(
    State(state): State<AppState>,
    Auth(who): Auth,
    Query(page): Query<Page>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let limit = page_size(page.limit);
    let events = state
        .store
        .event_log(&who.merchant_id, limit, page.before)
        .await?;
    let next = next_cursor(&events, limit, |e| e.received_at);
    Ok(Json(json!({ "events": events, "next_before": next })))
}
