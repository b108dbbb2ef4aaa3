//! `GET /api/v1/events`: the webhooks received and what became of each,
//! newest first.

use axum::Json;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

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
    let limit = page.limit.unwrap_or(50).clamp(1, 200);
    let events = state
        .store
        .event_log(&who.merchant_id, limit, page.before)
        .await?;
    let next = (events.len() as i64 == limit)
        .then(|| events.last().map(|e| e.received_at))
        .flatten();
    Ok(Json(json!({ "events": events, "next_before": next })))
}
