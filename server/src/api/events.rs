//! `GET /api/v1/events`: the webhooks received and what became of each,
//! newest first.

use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::json;

use notify_store::cursor::Cursor;

use super::paging::{next_cursor, page_size, parse_cursor};
use crate::http::auth::Auth;
use crate::http::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Page {
    limit: Option<i64>,
    /// `next_before` of the previous page.
    before: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    Auth(who): Auth,
    Query(page): Query<Page>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let limit = page_size(page.limit);
    let events = state
        .store
        .event_log(
            &who.merchant_id,
            limit,
            parse_cursor(page.before.as_deref())?.as_ref(),
        )
        .await?;
    let next = next_cursor(&events, limit, |e| {
        Cursor::new(e.received_at, e.id.as_str()).to_string()
    });
    Ok(Json(json!({ "events": events, "next_before": next })))
}
