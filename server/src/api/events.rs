//! `GET /api/v1/events`: the webhooks received and what became of each,
//! newest first.

use axum::Json;
use axum::extract::State;
use notify_service::events;
use notify_service::paging::page_size;
use notify_store::inbound::EventLogEntry;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiQuery;
use super::openapi::{NeedsSignIn, ParameterErrors};
use crate::http::auth::Auth;
use crate::http::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// Events per page, 1 to 200 (default 50; outside the range, the nearest bound).
    limit: Option<i64>,
    /// `next_before` of the previous page (empty: the first page).
    #[param(pattern = "^([0-9]{1,18}_.*)?$")]
    before: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EventPage {
    events: Vec<EventLogEntry>,
    /// Pass as `before` for the next page; `null` on the last.
    next_before: Option<String>,
}

/// The webhooks received, newest first, with what became of each.
#[utoipa::path(
    get, path = "/events", tag = "events",
    params(Page),
    responses((status = 200, body = EventPage), NeedsSignIn, ParameterErrors),
    security(("session" = []), ("api_key" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    Auth(who): Auth,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<EventPage>, ApiError> {
    let page = events::list(
        &state.store,
        &who.merchant_id,
        page_size(page.limit),
        page.before.as_deref(),
    )
    .await?;
    Ok(Json(EventPage {
        events: page.items,
        next_before: page.next,
    }))
}
