//! `GET /api/v1/deliveries`: every message with its state, newest first,
//! filterable by state, channel and source; `GET /api/v1/deliveries/{id}`:
//! its attempts.

use axum::Json;
use axum::extract::{Path, Query, State};
use notify_core::{Channel, JobState};
use notify_store::delivery::DeliveryFilter;
use notify_store::ids::JobId;
use serde::Deserialize;
use serde_json::json;

use notify_store::cursor::Cursor;

use super::paging::{next_cursor, page_size, parse_cursor};
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
    let limit = page_size(q.limit);
    // A state or channel that does not exist matches no message.
    let (Some(job_state), Some(channel)) = (
        q.state.as_deref().map(JobState::parse),
        q.channel.as_deref().map(Channel::from_slug),
    ) else {
        return Ok(Json(json!({ "deliveries": [], "next_before": null })));
    };
    let filter = DeliveryFilter {
        state: job_state,
        channel,
        source: q.source,
        job: None,
    };
    let deliveries = state
        .store
        .delivery_log(
            &who.merchant_id,
            &filter,
            limit,
            parse_cursor(q.before.as_deref())?.as_ref(),
        )
        .await?;
    let deliveries: Vec<_> = deliveries
        .into_iter()
        .map(notify_store::merchant_view::delivery)
        .collect();
    let next = next_cursor(&deliveries, limit, |d| {
        Cursor::new(d.created_at, d.id.as_str()).to_string()
    });
    Ok(Json(
        json!({ "deliveries": deliveries, "next_before": next }),
    ))
}

pub async fn attempts(
    State(state): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let job = JobId::from_string(id);
    // Another merchant's message is not found, like every foreign id.
    if state
        .store
        .delivery_entry(&who.merchant_id, &job)
        .await?
        .is_none()
    {
        return Err(ApiError::NotFound);
    }
    let attempts: Vec<_> = state
        .store
        .delivery_attempts(&who.merchant_id, &job)
        .await?
        .into_iter()
        .map(notify_store::merchant_view::attempt)
        .collect();
    Ok(Json(json!({ "attempts": attempts })))
}
