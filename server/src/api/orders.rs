//! `GET /api/v1/orders?query=`: the merchant's orders and invoices of the
//! last 30 days, found by number, id, source, or the customer's email or
//! phone; `GET /api/v1/orders/{source}/{id}`: one order's timeline;
//! `POST /api/v1/deliveries/{id}/resend`: a message queued again
//! (`notify_service::orders`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use notify_core::order_timeline::{OrderSummary, OrderTimeline, Resent};
use notify_service::orders;
use notify_store::ids::JobId;
use serde::{Deserialize, Serialize};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoParams, IntoResponses, ToSchema};

use super::openapi::{CrossSite, Invalid, Limited, NeedsSignIn, NotFound, ParameterErrors};
use super::{ApiPath, ApiQuery};
use crate::http::auth::Auth;
use crate::http::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Search {
    /// An order or invoice number or id (`1001`, `#1001`), a source
    /// (`shopify`, `invoice`), a customer's email or phone number (E.164);
    /// blank: every order. At most 128 characters.
    query: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OrderList {
    /// Newest first, at most 50.
    orders: Vec<OrderSummary>,
}

/// Orders and invoices with a webhook in the last 30 days, newest first.
#[utoipa::path(
    get, path = "/orders", tag = "orders",
    params(Search),
    responses((status = 200, body = OrderList), NeedsSignIn, ParameterErrors, Invalid),
    security(("session" = []), ("api_key" = [])),
)]
pub async fn search(
    State(state): State<AppState>,
    Auth(who): Auth,
    ApiQuery(q): ApiQuery<Search>,
) -> Result<Json<OrderList>, ApiError> {
    let orders = orders::search(
        &state.store,
        &who.merchant_id,
        q.query.as_deref(),
        Utc::now(),
    )
    .await?;
    Ok(Json(OrderList { orders }))
}

/// One order's (or invoice's) timeline, oldest first: every webhook with
/// what was decided on each channel and why, every message (resends
/// included) and every attempt.
#[utoipa::path(
    get, path = "/orders/{source}/{id}", tag = "orders",
    params(
        ("source" = String, Path, description = "The order source (`shopify`, …) or `invoice`."),
        ("id" = String, Path, description = "The platform's id of the order or invoice."),
    ),
    responses((status = 200, body = OrderTimeline), NeedsSignIn, NotFound, ParameterErrors),
    security(("session" = []), ("api_key" = [])),
)]
pub async fn timeline(
    State(state): State<AppState>,
    Auth(who): Auth,
    ApiPath((source, id)): ApiPath<(String, String)>,
) -> Result<Json<OrderTimeline>, ApiError> {
    // Another merchant's order is not found, like every foreign id.
    orders::timeline(&state.store, &who.merchant_id, &source, &id)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// `409`: the resend is refused, and why.
pub struct ResendRefused;

impl IntoResponses for ResendRefused {
    fn responses() -> std::collections::BTreeMap<String, RefOr<Response>> {
        let body = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorBody")))
            .build();
        [(
            "409".to_owned(),
            ResponseBuilder::new()
                .description("Not resent: a text to a customer who replied STOP (`opted_out`), a message still on its way (`not_resendable`), or one whose contents were deleted after the retention period (`expired`).")
                .content("application/json", body)
                .build()
                .into(),
        )]
        .into()
    }
}

/// Queues a message that was sent or failed again, now, as a new message
/// (at most 10 resends an hour; a customer's STOP is honoured). It shows in
/// the order's timeline and the delivery log with who resent it.
#[utoipa::path(
    post, path = "/deliveries/{id}/resend", tag = "deliveries",
    params(("id" = String, Path, description = "The message's id (`job_…`).")),
    responses(
        (status = 201, description = "Queued: the new message.", body = Resent),
        NeedsSignIn, NotFound, ParameterErrors, CrossSite, ResendRefused, Limited,
    ),
    security(("session" = []), ("api_key" = [])),
)]
pub async fn resend(
    State(state): State<AppState>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<String>,
) -> Result<(StatusCode, Json<Resent>), ApiError> {
    let resent = orders::resend(&state.store, &who, &JobId::from_string(id), Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(resent)))
}
