//! `GET /api/v1/events`: the webhooks received and what became of each,
//! newest first.

use axum::Json;
use axum::extract::{Query, State};
use notify_service::events;
use notify_service::paging::page_size;
use serde::Deserialize;
use serde_json::json;

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
    let page = events::list(
        &state.store,
        &who.merchant_id,
        page_size(page.limit),
        page.before.as_deref(),
    )
    .await?;
    Ok(Json(
        json!({ "events": page.items, "next_before": page.next }),
    ))
}
