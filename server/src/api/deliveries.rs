//! `GET /api/v1/deliveries`: every message with its state, newest first,
//! filterable by state, channel and source; `GET /api/v1/deliveries/{id}`:
//! its attempts.

use axum::Json;
use axum::extract::State;
use notify_core::delivery_log::{Attempt, DeliveryLogEntry};
use notify_service::deliveries::{self, DeliveryQuery};
use notify_service::paging::page_size;
use notify_store::ids::JobId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::openapi::{NeedsSignIn, NotFound, ParameterErrors};
use super::{ApiPath, ApiQuery};
use crate::http::auth::Auth;
use crate::http::error::ApiError;
use crate::state::AppState;

/// A state, channel or source that does not exist matches no message.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Filter {
    /// `pending`, `retrying`, `sent`, `failed` or `dead` (see `JobState`).
    state: Option<String>,
    /// `email` or `sms`.
    channel: Option<String>,
    /// An order source (`shopify`, …) or `invoice`.
    source: Option<String>,
    /// Messages per page, 1 to 200 (default 50; outside the range, the nearest bound).
    limit: Option<i64>,
    /// `next_before` of the previous page (empty: the first page).
    #[param(pattern = "^([0-9]{1,18}_.*)?$")]
    before: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryPage {
    deliveries: Vec<DeliveryLogEntry>,
    /// Pass as `before` for the next page; `null` on the last.
    next_before: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AttemptList {
    attempts: Vec<Attempt>,
}

/// Every message, newest first (recipients partly hidden).
#[utoipa::path(
    get, path = "/deliveries", tag = "deliveries",
    params(Filter),
    responses((status = 200, body = DeliveryPage), NeedsSignIn, ParameterErrors),
    security(("session" = []), ("api_key" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    Auth(who): Auth,
    ApiQuery(q): ApiQuery<Filter>,
) -> Result<Json<DeliveryPage>, ApiError> {
    let query = DeliveryQuery {
        state: q.state.as_deref(),
        channel: q.channel.as_deref(),
        source: q.source.as_deref(),
        before: q.before.as_deref(),
    };
    let page = deliveries::list(&state.store, &who.merchant_id, query, page_size(q.limit)).await?;
    Ok(Json(DeliveryPage {
        deliveries: page.items,
        next_before: page.next,
    }))
}

/// One message's attempts, oldest first.
#[utoipa::path(
    get, path = "/deliveries/{id}", tag = "deliveries",
    params(("id" = String, Path, description = "The message's id (`job_…`).")),
    responses((status = 200, body = AttemptList), NeedsSignIn, NotFound, ParameterErrors),
    security(("session" = []), ("api_key" = [])),
)]
pub async fn attempts(
    State(state): State<AppState>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<AttemptList>, ApiError> {
    // Another merchant's message is not found, like every foreign id.
    let detail = deliveries::detail(&state.store, &who.merchant_id, &JobId::from_string(id))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(AttemptList {
        attempts: detail.attempts,
    }))
}
